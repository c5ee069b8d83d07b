#include "report/options.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>

namespace pprofsql {

void ReportOptions::ApplyOverrides(ReportKind kind) {
  bool keep_trim = trim;
  switch (kind) {
    case ReportKind::kPeek:
      keep_trim = false;
      break;
    case ReportKind::kList:
      keep_trim = false;
      granularity = "lines";
      break;
    case ReportKind::kTop:
      if (nodecount == -1) nodecount = 0;
      break;
    case ReportKind::kRaw:
      keep_trim = false;
      granularity = "addresses";
      noinlines = false;
      break;
    default:
      if (nodecount == -1) nodecount = 80;
  }
  if (!keep_trim) {
    nodecount = 0;
    nodefraction = 0;
    edgefraction = 0;
  }
}

Result<std::vector<std::string>> SplitFlags(std::string_view s) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  for (size_t i = 0; i < s.size(); i++) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else if (c == '\'' || c == '"') {
      in_word = true;
      size_t j = i + 1;
      for (; j < s.size() && s[j] != c; j++) {
        if (c == '"' && s[j] == '\\' && j + 1 < s.size() && (s[j + 1] == '"' || s[j + 1] == '\\')) j++;
        cur += s[j];
      }
      if (j >= s.size()) return Status::Error(fmt::format("unterminated {} quote in options", c));
      i = j;
    } else {
      in_word = true;
      cur += c;
    }
  }
  if (in_word) words.push_back(std::move(cur));
  return words;
}

namespace {

Result<double> ParseDouble(std::string_view name, const std::string& v) {
  char* end = nullptr;
  errno = 0;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || errno != 0) {
    return Status::Error(fmt::format("invalid value \"{}\" for flag -{}: parse error", v, name));
  }
  return d;
}

Result<int> ParseInt(std::string_view name, const std::string& v) {
  char* end = nullptr;
  errno = 0;
  long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno != 0 || n < INT32_MIN || n > INT32_MAX) {
    return Status::Error(fmt::format("invalid value \"{}\" for flag -{}: parse error", v, name));
  }
  return static_cast<int>(n);
}

Result<bool> ParseBool(std::string_view name, const std::string* v) {
  if (!v || *v == "true" || *v == "1" || *v == "t" || *v == "T" || *v == "TRUE" || *v == "True") return true;
  if (*v == "false" || *v == "0" || *v == "f" || *v == "F" || *v == "FALSE" || *v == "False") return false;
  return Status::Error(fmt::format("invalid boolean value \"{}\" for -{}", *v, name));
}

}  // namespace

Result<bool> ParseReportFlag(std::string_view flag, ReportOptions& o) {
  if (flag.size() < 2 || flag[0] != '-') return false;
  flag.remove_prefix(flag[1] == '-' ? 2 : 1);
  std::string name(flag), value;
  bool has_value = false;
  if (size_t eq = flag.find('='); eq != std::string_view::npos) {
    name = std::string(flag.substr(0, eq));
    value = std::string(flag.substr(eq + 1));
    has_value = true;
  }
  const std::string* v = has_value ? &value : nullptr;
  auto need = [&]() -> Status {
    if (!has_value) return Status::Error(fmt::format("flag needs an argument: -{}", name));
    return Status();
  };
  auto set_bool = [&](bool& field) -> Result<bool> {
    auto b = ParseBool(name, v);
    if (!b.ok()) return b.status();
    field = *b;
    return true;
  };
  if (name == "sample_index") {
    PPROF_RETURN_IF_ERROR(need());
    o.sample_index = value;
    return true;
  }
  // The legacy value selectors (cli.go) are -sample_index in disguise.
  for (const char* legacy : {"inuse_space", "inuse_objects", "alloc_space", "alloc_objects", "total_delay",
                             "contentions", "mean_delay"}) {
    if (name == legacy && !has_value) {
      if (name == "total_delay" || name == "mean_delay") {
        o.sample_index = "delay";
        if (name == "mean_delay") o.mean = true;
      } else {
        o.sample_index = name;
      }
      return true;
    }
  }
  if (name == "mean") return set_bool(o.mean);
  if (name == "functions" || name == "filefunctions" || name == "files" || name == "lines" || name == "addresses") {
    bool on = true;
    auto r = set_bool(on);
    if (!r.ok()) return r;
    if (on) o.granularity = name;
    return true;
  }
  if (name == "noinlines") return set_bool(o.noinlines);
  if (name == "cum" || name == "flat") {
    bool on = true;
    auto r = set_bool(on);
    if (!r.ok()) return r;
    if (on) o.cum_sort = name == "cum";
    return true;
  }
  if (name == "trim") return set_bool(o.trim);
  if (name == "drop_negative") return set_bool(o.drop_negative);
  if (name == "compact_labels") return set_bool(o.compact_labels);
  if (name == "relative_percentages") return set_bool(o.relative_percentages);
  if (name == "nodecount") {
    PPROF_RETURN_IF_ERROR(need());
    auto n = ParseInt(name, value);
    if (!n.ok()) return n.status();
    o.nodecount = *n;
    return true;
  }
  if (name == "nodefraction" || name == "edgefraction" || name == "divide_by") {
    PPROF_RETURN_IF_ERROR(need());
    auto d = ParseDouble(name, value);
    if (!d.ok()) return d.status();
    if (name == "divide_by" && *d == 0) return Status::Error("zero divisor specified");
    (name == "nodefraction" ? o.nodefraction : name == "edgefraction" ? o.edgefraction : o.divide_by) = *d;
    return true;
  }
  if (name == "unit") {
    PPROF_RETURN_IF_ERROR(need());
    o.unit = value;
    return true;
  }
  return false;
}

Result<ReportOptions> ParseReportOptions(std::string_view flags) {
  auto words = SplitFlags(flags);
  if (!words.ok()) return words.status();
  ReportOptions o;
  for (const std::string& w : *words) {
    auto r = ParseReportFlag(w, o);
    if (!r.ok()) return r.status();
    if (!*r) return Status::Error(fmt::format("unknown report option '{}'", w));
  }
  return o;
}

Result<int> ResolveSampleIndex(const Profile& p, std::string_view s) {
  if (p.sample_types.empty()) return Status::Error("profile has no samples");
  const int n = static_cast<int>(p.sample_types.size());
  if (s.empty()) return p.DefaultSampleIndex();
  // Go's strconv.Atoi: an optional sign and decimal digits.
  {
    size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
    bool digits = i < s.size();
    for (size_t j = i; j < s.size(); j++) digits = digits && s[j] >= '0' && s[j] <= '9';
    if (digits && s.size() - i < 19) {
      long long v = std::strtoll(std::string(s).c_str(), nullptr, 10);
      if (v < 0 || v >= n) {
        return Status::Error(fmt::format("sample_index {} is outside the range [0..{}]", s, n - 1));
      }
      return static_cast<int>(v);
    }
  }
  std::string_view without = s;
  if (without.substr(0, 6) == "inuse_") without.remove_prefix(6);
  for (int i = 0; i < n; i++) {
    std::string_view t = p.str(p.sample_types[static_cast<size_t>(i)].type);
    if (t == s || t == without) return i;
  }
  std::string names;
  for (int i = 0; i < n; i++) {
    names += (i ? " " : "") + std::string(p.str(p.sample_types[static_cast<size_t>(i)].type));
  }
  return Status::Error(fmt::format("sample_index \"{}\" must be one of: [{}]", s, names));
}

}  // namespace pprofsql
