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
#include "base/path.h"
#include "decode/legacy.h"

namespace pprofsql {
namespace legacy {
namespace {

// ---------------------------------------------------------------------------
// Go library semantics.

// ---------------------------------------------------------------------------
// pprof's regular expressions. Every literal and class in them is ASCII, so
// matching bytes (Latin-1) is Go's matching of runes exactly, and `.` matches
// any byte but \n as Go's matches any rune (or invalid byte) but \n; RE2 in
// UTF-8 mode would not match invalid UTF-8 with `.`.

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

std::string Str(std::string_view s) { return std::string(s); }

// ---------------------------------------------------------------------------
// pprof's steps.

// parseJavaHeader: the "attribute = value" lines. Returns, in `rest`, the
// input from the first line that is not an attribute (lines not ended by
// "\n" are left for the next step).
ParseOutcome ParseJavaHeader(const std::string& ptype, std::string_view b, LegacyProfile& p, std::string_view* rest) {
  std::vector<std::string_view> h;
  for (size_t nl = b.find('\n'); nl != std::string_view::npos; nl = b.find('\n')) {
    std::string_view line = TrimSpace(b.substr(0, nl));
    if (!line.empty()) {
      if (!FindSubmatch(AttributeRx(), line, &h)) break;  // not an attribute: the header ends here
      std::string_view attribute = TrimSpace(h[1]), value = TrimSpace(h[2]);
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
    std::string_view line = TrimSpace(b.substr(0, nl));
    if (!line.empty()) {
      if (!FindSubmatch(JavaSampleRx(), line, &m)) break;  // not a sample: the samples end here
      std::string_view value1 = m[2], value2 = m[1], value3 = m[3];
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
    line = TrimSpace(line);
    if (line.empty()) continue;

    if (!FindSubmatch(JavaLocationRx(), line, &jloc)) continue;
    uint64_t addr;
    NumErr err = GoParseUint(jloc[1], 16, &addr);
    if (err != NumErr::kNone) {
      return ParseOutcome::Error("parsing sample " + Str(line) + ": " + NumErrorText("ParseUint", jloc[1], err));
    }
    auto it = locs.find(addr);
    if (it == locs.end()) continue;  // no sample uses it

    const std::string_view desc = jloc[2];
    std::string_view line_func;
    std::string line_file;
    int64_t line_no = 0;
    if (FindSubmatch(JavaLocationFileLineRx(), desc, &m)) {
      // "function (file:line)"
      line_func = m[1];
      line_file = Str(m[2]);
      int64_t n;
      if (GoParseInt(m[3], 10, &n) == NumErr::kNone && n > 0) line_no = n;
    } else if (FindSubmatch(JavaLocationPathRx(), desc, &m)) {
      // "function (/path/to/library.so)": only the file name is kept.
      line_func = m[1];
      line_file = BaseName(m[2]);
    } else if (desc.find("generated stub/JIT") != std::string_view::npos) {
      line_func = "STUB";
    } else {
      // The whole description, e.g. the agent's "GC" or "VM".
      line_func = desc;
    }

    // Java's lines have no length limit: a name is checked before it is copied.
    for (size_t len : {line_func.size(), line_file.size()}) {
      if (Status st = CheckLimit(limits, &ReadLimits::max_string_bytes, len); !st.ok()) {
        return ParseOutcome::Error(st.message());
      }
    }
    uint32_t fn;
    auto [fit, inserted] = fns.try_emplace(Str(line_func), kNoIndex);
    if (inserted) {
      fn = static_cast<uint32_t>(p.function_arena.size());
      LFunction f;
      f.name = Str(line_func);
      f.system_name = f.name;
      f.filename = line_file;
      function_bytes += sizeof(LFunction) + 64 + 3 * f.name.size() + f.filename.size();
      p.function_arena.push_back(std::move(f));
      p.function_list.push_back(fn);
      fit->second = fn;
      Status st = CheckLimit(limits, &ReadLimits::max_locations, p.function_arena.size());
      if (st.ok()) st = CheckMemory(limits, function_bytes);
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
  std::string_view header = TrimSpace(b.substr(0, nl + 1));
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
