// pprof's number/unit formatting (see measure.h). Written from the behaviour
// described in pprof-semantics.md 4.1/4.2 and checked against the goldens.
#include "report/measure.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace pprofsql {
namespace {

struct UnitDef {
  const char* canonical;
  const char* aliases[3];  // unused slots are nullptr
  double factor;           // multiply by this to get the family's base unit
};

struct UnitFamily {
  const UnitDef* units;
  int count;
  const char* default_name;
  double default_factor;
};

// Tried in this order by Scale (memory, time, GCU).
constexpr UnitDef kMemoryUnits[] = {
    {"B", {"b", "byte", nullptr}, 1.0},
    {"kB", {"kb", "kbyte", "kilobyte"}, 1024.0},
    {"MB", {"mb", "mbyte", "megabyte"}, 1048576.0},
    {"GB", {"gb", "gbyte", "gigabyte"}, 1073741824.0},
    {"TB", {"tb", "tbyte", "terabyte"}, 1099511627776.0},
    {"PB", {"pb", "pbyte", "petabyte"}, 1125899906842624.0},
};

// "\xce\xbc" is the Greek small letter mu: the alias "μs" is three bytes, so
// sniffing strips its 's' and it only matches an input like "μss".
constexpr UnitDef kTimeUnits[] = {
    {"ns", {"ns", "nanosecond", nullptr}, 1.0},
    {"us", {"\xce\xbcs", "us", "microsecond"}, 1e3},
    {"ms", {"ms", "millisecond", nullptr}, 1e6},
    {"s", {"s", "sec", "second"}, 1e9},
    {"hrs", {"hour", "hr", nullptr}, 3.6e12},
};

constexpr UnitDef kGcuUnits[] = {
    {"n*GCU", {"nanogcu", nullptr, nullptr}, 1e-9},
    {"u*GCU", {"microgcu", nullptr, nullptr}, 1e-6},
    {"m*GCU", {"milligcu", nullptr, nullptr}, 1e-3},
    {"GCU", {"gcu", nullptr, nullptr}, 1.0},
    {"k*GCU", {"kilogcu", nullptr, nullptr}, 1e3},
    {"M*GCU", {"megagcu", nullptr, nullptr}, 1e6},
    {"G*GCU", {"gigagcu", nullptr, nullptr}, 1e9},
    {"T*GCU", {"teragcu", nullptr, nullptr}, 1e12},
    {"P*GCU", {"petagcu", nullptr, nullptr}, 1e15},
};

constexpr UnitFamily kFamilies[] = {
    {kMemoryUnits, 6, "B", 1.0},
    {kTimeUnits, 5, "s", 1e9},
    {kGcuUnits, 9, "GCU", 1.0},
};
constexpr int kMemoryFamily = 0;
constexpr int kTimeFamily = 1;

void AppendUtf8(std::string& out, uint32_t r) {
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

// Decodes one rune at s[i] like Go's utf8.DecodeRuneInString: an invalid or
// truncated sequence yields U+FFFD with width 1.
uint32_t DecodeRune(std::string_view s, size_t i, size_t* width) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c0 = b(i);
  *width = 1;
  if (c0 < 0x80) return c0;
  size_t n;
  uint32_t r;
  uint32_t min;
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    n = 2, r = c0 & 0x1F, min = 0x80;
  } else if (c0 >= 0xE0 && c0 <= 0xEF) {
    n = 3, r = c0 & 0x0F, min = 0x800;
  } else if (c0 >= 0xF0 && c0 <= 0xF4) {
    n = 4, r = c0 & 0x07, min = 0x10000;
  } else {
    return 0xFFFD;
  }
  if (i + n > s.size()) return 0xFFFD;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0xFFFD;
    r = (r << 6) | (b(i + k) & 0x3F);
  }
  if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return 0xFFFD;
  *width = n;
  return r;
}

// Go's strings.ToLower, exact for every string that can end up matching a
// unit alias (aliases are lower-case ASCII plus "μ"): ASCII letters, the two
// runes whose lower case is ASCII (U+0130 -> 'i', KELVIN SIGN U+212A -> 'k')
// and capital mu U+039C -> U+03BC. Other runes are copied unchanged (their
// Go lower case is not an alias character either, so matching is unaffected);
// invalid UTF-8 becomes U+FFFD as in Go.
std::string GoToLower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : static_cast<char>(c);
      ++i;
      continue;
    }
    size_t width;
    uint32_t r = DecodeRune(s, i, &width);
    if (r == 0x0130) {
      r = 'i';
    } else if (r == 0x212A) {
      r = 'k';
    } else if (r == 0x039C) {
      r = 0x03BC;
    }
    AppendUtf8(out, r);
    i += width;
  }
  return out;
}

// UnitType.sniffUnit: lower-case, strip one trailing 's' when longer than 2
// bytes, then look the alias up in `family`.
const UnitDef* SniffUnit(const UnitFamily& family, std::string_view unit) {
  std::string key = GoToLower(unit);
  if (key.size() > 2 && key.back() == 's') key.pop_back();
  for (int u = 0; u < family.count; ++u) {
    for (const char* alias : family.units[u].aliases) {
      if (alias != nullptr && key == alias) return &family.units[u];
    }
  }
  return nullptr;
}

// UnitType.convertUnit. Returns false when the family does not know from_unit.
bool ConvertUnit(const UnitFamily& family, int64_t value, std::string_view from_unit,
                 std::string_view to_unit, Scaled* out) {
  const UnitDef* from = SniffUnit(family, from_unit);
  if (from == nullptr) return false;
  const double v = static_cast<double>(value) * from->factor;
  if (to_unit == "minimum" || to_unit == "auto") {
    // autoScale: the largest unit in which the value is at least 1.
    double f = 0;
    const char* name = nullptr;
    for (int u = 0; u < family.count; ++u) {
      const UnitDef& def = family.units[u];
      if (def.factor >= f && v / def.factor >= 1.0) {
        f = def.factor;
        name = def.canonical;
      }
    }
    if (f != 0) {
      *out = Scaled{v / f, name};
    } else {
      *out = Scaled{v / family.default_factor, family.default_name};
    }
    return true;
  }
  const UnitDef* to = SniffUnit(family, to_unit);
  if (to == nullptr) {
    *out = Scaled{v / family.default_factor, family.default_name};
  } else {
    *out = Scaled{v / to->factor, to->canonical};
  }
  return true;
}

// snprintf into a std::string (C's %.2f / %5.2f / %5.2g print exactly what
// Go's fmt prints for these verbs: exact decimal expansion, round half to
// even, %g trailing zeros removed, two-digit minimum exponent).
std::string FormatDouble(const char* fmt, double v) {
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, fmt, v);
  if (n < 0) return std::string();
  if (static_cast<size_t>(n) < sizeof buf) return std::string(buf, static_cast<size_t>(n));
  std::string big(static_cast<size_t>(n) + 1, '\0');
  std::snprintf(&big[0], big.size(), fmt, v);
  big.resize(static_cast<size_t>(n));
  return big;
}

// Go int64 multiplication (wraps on overflow), without C++ UB.
int64_t WrapMul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}

}  // namespace

Scaled Scale(int64_t value, std::string_view from_unit, std::string_view to_unit) {
  // A negative value scales its negation; INT64_MIN has none and falls through.
  if (value < 0 && value != std::numeric_limits<int64_t>::min()) {
    Scaled s = Scale(-value, from_unit, to_unit);
    s.value = -s.value;
    return s;
  }
  Scaled out{0, std::string()};
  for (const UnitFamily& family : kFamilies) {
    if (ConvertUnit(family, value, from_unit, to_unit, &out)) return out;
  }
  if (to_unit == "count" || to_unit == "sample" || to_unit == "unit" || to_unit == "minimum" ||
      to_unit == "auto") {
    return Scaled{static_cast<double>(value), std::string()};
  }
  return Scaled{static_cast<double>(value), std::string(to_unit)};
}

std::string ScaledLabel(int64_t value, std::string_view from_unit, std::string_view to_unit) {
  Scaled s = Scale(value, from_unit, to_unit);
  std::string text = FormatDouble("%.2f", s.value);
  if (text.size() >= 3 && text.compare(text.size() - 3, 3, ".00") == 0) {
    text.resize(text.size() - 3);
  }
  if (text == "0" || text == "-0") return "0";
  return text + s.unit;
}

std::string Label(int64_t value, std::string_view unit) { return ScaledLabel(value, unit, "auto"); }

std::string Percentage(int64_t value, int64_t total) {
  double ratio = 0;
  if (total != 0) {
    ratio = std::fabs(static_cast<double>(value) / static_cast<double>(total)) * 100;
  }
  if (ratio >= 99.95 && ratio <= 100.05) return "  100%";
  if (ratio >= 1.0) return FormatDouble("%5.2f", ratio) + "%";
  return FormatDouble("%5.2g", ratio) + "%";
}

std::string SelectOutputUnitFull(std::string_view output_unit, bool has_nodes,
                                 std::string_view sample_unit, int64_t min_value, int64_t total,
                                 double ratio, bool callgrind) {
  if (output_unit != "minimum" || !has_nodes) return std::string(output_unit);
  int64_t max_value = total;
  if (min_value == 0) min_value = max_value;
  if (ratio > 0 && ratio != 1) {
    min_value = GoFloatToInt64(static_cast<double>(min_value) * ratio);
    max_value = GoFloatToInt64(static_cast<double>(max_value) * ratio);
  }
  const std::string min_unit = Scale(min_value, sample_unit, "minimum").unit;
  const std::string max_unit = Scale(max_value, sample_unit, "minimum").unit;
  std::string unit = min_unit;
  if (min_unit != max_unit && WrapMul(min_value, 100) < max_value && !callgrind) {
    // Use the unit in which the smallest value reads 0.01 or more.
    unit = Scale(WrapMul(100, min_value), sample_unit, "minimum").unit;
  }
  if (!unit.empty()) return unit;
  return std::string(sample_unit);
}

std::string SelectOutputUnit(std::string_view sample_unit, int64_t min_value, int64_t total) {
  return SelectOutputUnitFull("minimum", true, sample_unit, min_value, total, 1.0, false);
}

bool IsTimeUnit(std::string_view unit) {
  // Scale tries memory first; the two families share no alias, but keep the
  // same precedence anyway.
  return SniffUnit(kFamilies[kMemoryFamily], unit) == nullptr &&
         SniffUnit(kFamilies[kTimeFamily], unit) != nullptr;
}

std::string DurationRatio(int64_t total, std::string_view sample_unit, int64_t duration_nanos) {
  Scaled nanos = Scale(total, sample_unit, "nanoseconds");
  if (nanos.unit != "ns" || nanos.value == 0) return std::string();
  return "(" + Percentage(GoFloatToInt64(nanos.value), duration_nanos) + ")";
}

int64_t GoFloatToInt64(double f) {
  // amd64 CVTTSD2SQ: NaN and out-of-range inputs give the "integer
  // indefinite" value 0x8000000000000000.
  if (std::isnan(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(f);
}

int64_t ApplyRatio(int64_t value, double ratio) {
  if (ratio > 0 && ratio != 1) return GoFloatToInt64(static_cast<double>(value) * ratio);
  return value;
}

}  // namespace pprofsql
