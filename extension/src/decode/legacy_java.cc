// Java's legacy profiles as pprof reads them (profile/legacy_java_profile.go;
// pprof-semantics.md §8): the CPU profile (a binary gperftools-style sample
// section followed by text locations), and the text heapz and contentionz
// dumps. Each step follows pprof's, in pprof's order, so that locations and
// functions are created (and later numbered) exactly as pprof does.
#include <re2/re2.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/go_int.h"
#include "decode/legacy.h"

namespace pprofsql {
namespace legacy {
namespace {

// ---------------------------------------------------------------------------
// Go library semantics.

// The length of the UTF-8 encoding of a Unicode white space character
// (unicode.IsSpace, beyond ASCII) that `s` starts with, or 0.
size_t UnicodeSpacePrefix(std::string_view s) {
  auto u = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  if (s.size() >= 2 && u(0) == 0xC2 && (u(1) == 0x85 || u(1) == 0xA0)) return 2;  // U+0085, U+00A0
  if (s.size() >= 3) {
    if (u(0) == 0xE1 && u(1) == 0x9A && u(2) == 0x80) return 3;  // U+1680
    if (u(0) == 0xE2 && u(1) == 0x80 &&
        ((u(2) >= 0x80 && u(2) <= 0x8A) || u(2) == 0xA8 || u(2) == 0xA9 || u(2) == 0xAF))
      return 3;  // U+2000..U+200A, U+2028, U+2029, U+202F
    if (u(0) == 0xE2 && u(1) == 0x81 && u(2) == 0x9F) return 3;  // U+205F
    if (u(0) == 0xE3 && u(1) == 0x80 && u(2) == 0x80) return 3;  // U+3000
  }
  return 0;
}

// Same, for a character that `s` ends with.
size_t UnicodeSpaceSuffix(std::string_view s) {
  for (size_t n : {size_t{2}, size_t{3}}) {
    if (s.size() >= n && UnicodeSpacePrefix(s.substr(s.size() - n)) == n) return n;
  }
  return 0;
}

bool IsAsciiSpace(char c) { return c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == ' '; }

// Go's strings.TrimSpace / bytes.TrimSpace: ASCII and Unicode white space.
// (A valid encoding of a space decodes the same from either end, and an
// invalid byte decodes to U+FFFD, which is not a space.)
std::string_view GoTrimSpace(std::string_view s) {
  for (;;) {
    if (!s.empty() && IsAsciiSpace(s.front())) {
      s.remove_prefix(1);
    } else if (size_t n = UnicodeSpacePrefix(s)) {
      s.remove_prefix(n);
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && IsAsciiSpace(s.back())) {
      s.remove_suffix(1);
    } else if (size_t n = UnicodeSpaceSuffix(s)) {
      s.remove_suffix(n);
    } else {
      break;
    }
  }
  return s;
}

enum class NumErr { kNone, kSyntax, kRange };

char Lower(char c) { return static_cast<char>(c | 0x20); }

// strconv's underscoreOK: underscores only between digits (or after a base prefix).
bool UnderscoreOK(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' && (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); i++) {
    char c = s[i];
    if ((c >= '0' && c <= '9') || (hex && Lower(c) >= 'a' && Lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// Go's strconv.ParseUint(s, base, 64), base 0 or 2..36, with its error kinds
// (the first overflow is reported even if a bad digit follows).
NumErr GoParseUint(std::string_view s, int base, uint64_t* out) {
  *out = 0;
  if (s.empty()) return NumErr::kSyntax;
  const std::string_view s0 = s;
  const bool base0 = base == 0;
  if (base0) {
    base = 10;
    if (s[0] == '0') {
      if (s.size() >= 3 && Lower(s[1]) == 'b') {
        base = 2;
        s.remove_prefix(2);
      } else if (s.size() >= 3 && Lower(s[1]) == 'o') {
        base = 8;
        s.remove_prefix(2);
      } else if (s.size() >= 3 && Lower(s[1]) == 'x') {
        base = 16;
        s.remove_prefix(2);
      } else {
        base = 8;
        s.remove_prefix(1);
      }
    }
  }
  const uint64_t cutoff = UINT64_MAX / static_cast<uint64_t>(base) + 1;
  bool underscores = false;
  uint64_t n = 0;
  for (char c : s) {
    int d;
    if (c == '_' && base0) {
      underscores = true;
      continue;
    } else if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (Lower(c) >= 'a' && Lower(c) <= 'z') {
      d = Lower(c) - 'a' + 10;
    } else {
      return NumErr::kSyntax;
    }
    if (d >= base) return NumErr::kSyntax;
    if (n >= cutoff) {
      *out = UINT64_MAX;
      return NumErr::kRange;
    }
    n *= static_cast<uint64_t>(base);
    uint64_t n1 = n + static_cast<uint64_t>(d);
    if (n1 < n) {
      *out = UINT64_MAX;
      return NumErr::kRange;
    }
    n = n1;
  }
  if (underscores && !UnderscoreOK(s0)) return NumErr::kSyntax;
  *out = n;
  return NumErr::kNone;
}

// Go's strconv.ParseInt(s, base, 64).
NumErr GoParseInt(std::string_view s, int base, int64_t* out) {
  *out = 0;
  if (s.empty()) return NumErr::kSyntax;
  bool neg = false;
  if (s[0] == '+') {
    s.remove_prefix(1);
  } else if (s[0] == '-') {
    neg = true;
    s.remove_prefix(1);
  }
  uint64_t un;
  NumErr err = GoParseUint(s, base, &un);
  if (err == NumErr::kSyntax) return err;
  const uint64_t cutoff = uint64_t{1} << 63;
  if (!neg && un >= cutoff) return NumErr::kRange;
  if (neg && un > cutoff) return NumErr::kRange;
  *out = neg ? static_cast<int64_t>(uint64_t{0} - un) : static_cast<int64_t>(un);
  return NumErr::kNone;
}

// A *strconv.NumError's text. The numbers pprof parses here come from
// regular expression groups of digits and word characters, which
// strconv.Quote leaves as they are.
std::string NumErrorText(const char* func, std::string_view num, NumErr err) {
  return std::string("strconv.") + func + ": parsing \"" + std::string(num) +
         "\": " + (err == NumErr::kRange ? "value out of range" : "invalid syntax");
}

// Go's filepath.Base on a Unix system.
std::string_view FilepathBase(std::string_view path) {
  if (path.empty()) return ".";
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  if (path.empty()) return "/";
  return path;
}

// ---------------------------------------------------------------------------
// pprof's regular expressions. Every literal and class in them is ASCII, so
// matching bytes (Latin-1) is Go's matching of runes exactly, and `.` matches
// any byte but \n as Go's matches any rune (or invalid byte) but \n; RE2 in
// UTF-8 mode would not match invalid UTF-8 with `.`.

const re2::RE2& CompileLatin1(const char* pattern) {
  re2::RE2::Options opts;
  opts.set_encoding(re2::RE2::Options::EncodingLatin1);
  opts.set_log_errors(false);
  // Never freed: function-local statics of the callers, compiled once.
  return *new re2::RE2(pattern, opts);
}

const re2::RE2& AttributeRx() {
  static const re2::RE2& re = CompileLatin1(R"(([\w ]+)=([\w ]+))");
  return re;
}
const re2::RE2& JavaSampleRx() {
  static const re2::RE2& re = CompileLatin1(R"( *(\d+) +(\d+) +@ +([ x0-9a-f]*))");
  return re;
}
const re2::RE2& JavaLocationRx() {
  static const re2::RE2& re = CompileLatin1(R"(^\s*0x([[:xdigit:]]+)\s+(.*)\s*$)");
  return re;
}
const re2::RE2& JavaLocationFileLineRx() {
  static const re2::RE2& re = CompileLatin1(R"(^(.*)\s+\((.+):(-?[[:digit:]]+)\)$)");
  return re;
}
const re2::RE2& JavaLocationPathRx() {
  static const re2::RE2& re = CompileLatin1(R"(^(.*)\s+\((.*)\)$)");
  return re;
}

// Go's FindStringSubmatch (unanchored unless the pattern anchors): the
// groups 1..n in `groups`, false when there is no match.
bool FindSubmatch(const re2::RE2& re, std::string_view text, std::vector<std::string_view>* groups) {
  const int n = re.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> sub(static_cast<size_t>(n) + 1);
  if (!re.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), re2::RE2::UNANCHORED, sub.data(),
                n + 1)) {
    return false;
  }
  groups->clear();
  for (int i = 1; i <= n; i++) {
    const re2::StringPiece& g = sub[static_cast<size_t>(i)];
    groups->push_back(g.data() == nullptr ? std::string_view() : std::string_view(g.data(), g.size()));
  }
  return true;
}

std::string Str(std::string_view s) { return std::string(s); }

// ---------------------------------------------------------------------------
// pprof's steps.

// parseJavaHeader: the "attribute = value" lines. Returns, in `rest`, the
// input from the first line that is not an attribute (lines not ended by
// "\n" are left for the next step).
ParseOutcome ParseJavaHeader(const std::string& ptype, std::string_view b, LegacyProfile& p, std::string_view* rest) {
  std::vector<std::string_view> h;
  for (size_t nl = b.find('\n'); nl != std::string_view::npos; nl = b.find('\n')) {
    std::string_view line = GoTrimSpace(b.substr(0, nl));
    if (!line.empty()) {
      if (!FindSubmatch(AttributeRx(), line, &h)) break;  // not an attribute: the header ends here
      std::string_view attribute = GoTrimSpace(h[0]), value = GoTrimSpace(h[1]);
      const std::string key = ptype + "/" + Str(attribute);
      if (key == "heap/format" || key == "contention/format") {
        if (value != "java") return ParseOutcome::Unrecognized();
      } else if (key == "heap/resolution") {
        p.sample_types = {{"inuse_objects", "count"}, {"inuse_space", Str(value)}};
      } else if (key == "contention/resolution") {
        p.sample_types = {{"contentions", "count"}, {"delay", Str(value)}};
      } else if (key == "contention/sampling period") {
        p.period_type = "contentions";
        p.period_unit = "count";
        int64_t period;
        NumErr err = GoParseInt(value, 0, &period);
        p.period = period;
        if (err != NumErr::kNone) {
          return ParseOutcome::Error("failed to parse attribute " + Str(line) + ": " +
                                     NumErrorText("ParseInt", value, err));
        }
      } else if (key == "contention/ms since reset") {
        int64_t millis;
        NumErr err = GoParseInt(value, 0, &millis);
        if (err != NumErr::kNone) {
          return ParseOutcome::Error("failed to parse attribute " + Str(line) + ": " +
                                     NumErrorText("ParseInt", value, err));
        }
        p.duration_nanos = GoMul(GoMul(millis, 1000), 1000);
      } else {
        return ParseOutcome::Unrecognized();
      }
    }
    b.remove_prefix(nl + 1);
  }
  *rest = b;
  return ParseOutcome::Ok();
}

// parseJavaSamples: "count value @ 0x... 0x..." lines (the fields are in
// the opposite order from the other text formats). Returns, in `rest`, the
// input from the first line that is not a sample.
ParseOutcome ParseJavaSamples(const std::string& ptype, std::string_view b, LegacyProfile& p,
                              std::unordered_map<uint64_t, uint32_t>& locs, std::string_view* rest,
                              const ReadLimits& limits) {
  constexpr int64_t kJavaHeapzSamplingRate = 524288;  // 512 KiB
  std::vector<std::string_view> m;
  std::vector<uint64_t> addrs;
  for (size_t nl = b.find('\n'); nl != std::string_view::npos; nl = b.find('\n')) {
    std::string_view line = GoTrimSpace(b.substr(0, nl));
    if (!line.empty()) {
      if (!FindSubmatch(JavaSampleRx(), line, &m)) break;  // not a sample: the samples end here
      std::string_view value1 = m[1], value2 = m[0], value3 = m[2];
      addrs.clear();
      Status st = ParseHexAddresses(value3, &addrs);
      if (!st.ok()) return ParseOutcome::Error("malformed sample: " + Str(line) + ": " + st.message());

      // Bounds the locations this sample may add before they are made.
      st = CheckSampleLimits(p, addrs.size(), limits);
      if (!st.ok()) return ParseOutcome::Error(st.message());
      LSample s;
      s.locations.reserve(addrs.size());
      for (uint64_t addr : addrs) s.locations.push_back(LocationFor(p, locs, addr));
      s.values.assign(2, 0);
      NumErr err = GoParseInt(value1, 0, &s.values[0]);
      if (err != NumErr::kNone) {
        return ParseOutcome::Error("parsing sample " + Str(line) + ": " + NumErrorText("ParseInt", value1, err));
      }
      err = GoParseInt(value2, 0, &s.values[1]);
      if (err != NumErr::kNone) {
        return ParseOutcome::Error("parsing sample " + Str(line) + ": " + NumErrorText("ParseInt", value2, err));
      }

      if (ptype == "heap") {
        if (s.values[0] == 0) {
          return ParseOutcome::Error("parsing sample " + Str(line) + ": second value must be non-zero");
        }
        s.num_labels.emplace_back("bytes", GoDiv(s.values[1], s.values[0]));
        auto scaled = ScaleHeapSample(s.values[0], s.values[1], kJavaHeapzSamplingRate);
        s.values[0] = scaled.first;
        s.values[1] = scaled.second;
      } else if (ptype == "contention") {
        if (p.period != 0) {
          s.values[0] = GoMul(s.values[0], p.period);
          s.values[1] = GoMul(s.values[1], p.period);
        }
      }
      const size_t depth = s.locations.size();
      p.samples.push_back(std::move(s));
      st = CheckSampleLimits(p, depth, limits);
      if (!st.ok()) return ParseOutcome::Error(st.message());
    }
    b.remove_prefix(nl + 1);
  }
  *rest = b;
  return ParseOutcome::Ok();
}

// parseJavaLocations: "0x<addr> <description>" lines give the samples'
// locations one function each (a function per distinct name, in order of
// first use); addresses are then dropped. Lines that do not match, and
// addresses no sample uses, are skipped. Reads to the end of the input,
// including a last line without "\n".
ParseOutcome ParseJavaLocations(std::string_view b, const std::unordered_map<uint64_t, uint32_t>& locs,
                                LegacyProfile& p, const ReadLimits& limits) {
  std::unordered_map<std::string, uint32_t> fns;
  // What the functions take (each line may name a new one, even for a
  // location described before), for the limits.
  uint64_t function_bytes = 0;
  std::vector<std::string_view> jloc, m;
  while (!b.empty()) {
    size_t nl = b.find('\n');
    std::string_view line = nl == std::string_view::npos ? b : b.substr(0, nl + 1);
    b.remove_prefix(line.size());
    line = GoTrimSpace(line);
    if (line.empty()) continue;

    if (!FindSubmatch(JavaLocationRx(), line, &jloc)) continue;
    uint64_t addr;
    NumErr err = GoParseUint(jloc[0], 16, &addr);
    if (err != NumErr::kNone) {
      return ParseOutcome::Error("parsing sample " + Str(line) + ": " + NumErrorText("ParseUint", jloc[0], err));
    }
    auto it = locs.find(addr);
    if (it == locs.end()) continue;  // no sample uses it

    const std::string_view desc = jloc[1];
    std::string_view line_func, line_file;
    int64_t line_no = 0;
    if (FindSubmatch(JavaLocationFileLineRx(), desc, &m)) {
      // "function (file:line)"
      line_func = m[0];
      line_file = m[1];
      int64_t n;
      if (GoParseInt(m[2], 10, &n) == NumErr::kNone && n > 0) line_no = n;
    } else if (FindSubmatch(JavaLocationPathRx(), desc, &m)) {
      // "function (/path/to/library.so)": only the file name is kept.
      line_func = m[0];
      line_file = FilepathBase(m[1]);
    } else if (desc.find("generated stub/JIT") != std::string_view::npos) {
      line_func = "STUB";
    } else {
      // The whole description, e.g. the agent's "GC" or "VM".
      line_func = desc;
    }

    uint32_t fn;
    auto [fit, inserted] = fns.try_emplace(Str(line_func), kNoIndex);
    if (inserted) {
      fn = static_cast<uint32_t>(p.function_arena.size());
      LFunction f;
      f.name = Str(line_func);
      f.system_name = f.name;
      f.filename = Str(line_file);
      function_bytes += sizeof(LFunction) + 64 + 3 * f.name.size() + f.filename.size();
      p.function_arena.push_back(std::move(f));
      p.function_list.push_back(fn);
      fit->second = fn;
      Status st = CheckLimit(limits, &ReadLimits::max_locations, p.function_arena.size());
      if (st.ok()) st = CheckLimit(limits, &ReadLimits::max_memory_bytes, function_bytes);
      if (!st.ok()) return ParseOutcome::Error(st.message());
    } else {
      fn = fit->second;
    }
    LLocation& loc = p.location_arena[it->second];
    loc.lines.assign(1, LLine{fn, line_no});
    loc.address = 0;
  }

  RemapLocationIDs(p);
  RemapFunctionIDs(p);
  RemapMappingIDs(p);
  return ParseOutcome::Ok();
}

// p.Aggregate(true, true, true, true, false): keeps everything but the
// addresses, then CheckValid, whose only check that can fail here is a
// profile with samples but no sample types (a heapz without resolution).
ParseOutcome StripAddresses(LegacyProfile& p) {
  for (uint32_t l : p.location_list) p.location_arena[l].address = 0;
  if (p.sample_types.empty() && !p.samples.empty()) {
    return ParseOutcome::Error("missing sample type information");
  }
  return ParseOutcome::Ok();
}

}  // namespace

ParseOutcome JavaCPUProfile(std::string_view b, int64_t period, WordReader word, LegacyProfile& p,
                            const ReadLimits& limits) {
  p.period = GoMul(period, 1000);
  p.period_type = "cpu";
  p.period_unit = "nanoseconds";
  p.sample_types = {{"samples", "count"}, {"cpu", "nanoseconds"}};

  std::string_view rest;
  std::unordered_map<uint64_t, uint32_t> locs;
  ParseOutcome out = ParseCPUSamples(b, word, /*adjust=*/false, p, &rest, &locs, limits);
  if (!out.recognized || !out.status.ok()) return out;
  out = ParseJavaLocations(rest, locs, p, limits);
  if (!out.status.ok()) return out;
  return StripAddresses(p);
}

ParseOutcome ParseJavaProfile(std::string_view b, LegacyProfile& p, const ReadLimits& limits) {
  // bytes.SplitAfterN(b, "\n", 2): the first line, with its "\n", and the rest.
  size_t nl = b.find('\n');
  if (nl == std::string_view::npos) return ParseOutcome::Unrecognized();
  std::string_view header = GoTrimSpace(b.substr(0, nl + 1));
  std::string ptype;
  if (header == "--- heapz 1 ---") {
    ptype = "heap";
  } else if (header == "--- contentionz 1 ---") {
    ptype = "contention";
  } else {
    return ParseOutcome::Unrecognized();
  }
  // pprof starts from an empty period type (PeriodType: &ValueType{}).
  p.period_type.clear();
  p.period_unit.clear();

  std::string_view rest;
  ParseOutcome out = ParseJavaHeader(ptype, b.substr(nl + 1), p, &rest);
  if (!out.recognized || !out.status.ok()) return out;
  std::unordered_map<uint64_t, uint32_t> locs;
  out = ParseJavaSamples(ptype, rest, p, locs, &rest, limits);
  if (!out.status.ok()) return out;
  out = ParseJavaLocations(rest, locs, p, limits);
  if (!out.status.ok()) return out;
  return StripAddresses(p);
}

}  // namespace legacy
}  // namespace pprofsql
