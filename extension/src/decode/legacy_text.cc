// pprof's text legacy formats (profile/legacy_profile.go): heap, growth and
// fragmentation profiles (parseHeap), Go's count profiles (parseGoCount),
// threadz profiles (parseThread) and C++/Go contention profiles
// (parseContention). Each function follows its Go counterpart step by step:
// the same lines are read in the same order, locations are created and
// samples appended in the same order, and every place pprof answers
// errUnrecognized (so that the next parser is tried) answers
// ParseOutcome::Unrecognized() here.
//
// Each parser fills the fresh LegacyProfile the dispatcher gives it, which
// is dropped unless the parser succeeds (pprof's parsers each start from a
// new Profile too).
#include <re2/re2.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/go_int.h"
#include "decode/legacy.h"

namespace pprofsql {
namespace legacy {
namespace {

// pprof's regular expressions (legacy_profile.go).
const re2::RE2& CountStartRE() {
  static const re2::RE2& re = CompileLatin1(R"(\A(\S+) profile: total \d+\z)");
  return re;
}
const re2::RE2& CountRE() {
  static const re2::RE2& re = CompileLatin1(R"(\A(\d+) @(( 0x[0-9a-f]+)+)\z)");
  return re;
}
const re2::RE2& HeapHeaderRE() {
  static const re2::RE2& re =
      CompileLatin1(R"(heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] *@ *(heap[_a-z0-9]*)/?(\d*))");
  return re;
}
const re2::RE2& HeapSampleRE() {
  static const re2::RE2& re = CompileLatin1(R"((-?\d+): *(-?\d+) *\[ *(\d+): *(\d+) *] @([ x0-9a-f]*))");
  return re;
}
const re2::RE2& ContentionSampleRE() {
  static const re2::RE2& re = CompileLatin1(R"((\d+) *(\d+) @([ x0-9a-f]*))");
  return re;
}
const re2::RE2& GrowthHeaderRE() {
  static const re2::RE2& re = CompileLatin1(R"(heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] @ growthz?)");
  return re;
}
const re2::RE2& FragmentationHeaderRE() {
  static const re2::RE2& re =
      CompileLatin1(R"(heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] @ fragmentationz?)");
  return re;
}
const re2::RE2& ThreadzStartRE() {
  static const re2::RE2& re = CompileLatin1(R"(--- threadz \d+ ---)");
  return re;
}
const re2::RE2& ThreadStartRE() {
  static const re2::RE2& re = CompileLatin1(R"(--- Thread ([[:xdigit:]]+) \(name: (.*)/(\d+)\) stack: ---)");
  return re;
}

bool HasPrefix(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Go's strconv.ParseInt(s, base, 64), with the error text pprof's messages quote.
bool ParseIntOrExplain(std::string_view s, int base, int64_t* out, std::string* why) {
  const NumErr err = GoParseInt(s, base, out);
  if (err != NumErr::kNone) *why = NumErrorText("ParseInt", s, err);
  return err == NumErr::kNone;
}

std::string MalformedSample(std::string_view line, const std::string& why) {
  return "malformed sample: " + std::string(line) + ": " + why;
}

const char kErrMalformed[] = "malformed profile format";  // pprof's errMalformed

// The locations of `addrs`, each adjusted by -1 (but the first when
// `keep_leaf`: threadz leaves are not return addresses), created in order
// on first use.
std::vector<uint32_t> Locations(LegacyProfile& p, std::unordered_map<uint64_t, uint32_t>& locs,
                                const std::vector<uint64_t>& addrs, bool keep_leaf) {
  std::vector<uint32_t> out;
  out.reserve(addrs.size());
  for (size_t i = 0; i < addrs.size(); ++i) {
    uint64_t addr = addrs[i];
    if (!(keep_leaf && i == 0)) --addr;  // wraps like Go's uint64
    out.push_back(LocationFor(p, locs, addr));
  }
  return out;
}

// Appends a sample, then checks the limits (as ParseCPUSamples does).
Status AppendSample(LegacyProfile& p, LSample sample, const ReadLimits& limits) {
  const size_t depth = sample.locations.size();
  p.samples.push_back(std::move(sample));
  return CheckSampleLimits(p, depth, limits);
}

ParseOutcome FromStatus(Status st) {
  return st.ok() ? ParseOutcome::Ok() : ParseOutcome::Error(st.message());
}

// ---------------------------------------------------------------------------
// Heap profiles.

struct HeapHeader {
  std::string sampling;
  int64_t period = 0;
  bool has_alloc = false;
};

// pprof's parseHeapHeader; false is errUnrecognized.
bool ParseHeapHeader(std::string_view line, HeapHeader* h) {
  std::vector<std::string_view> g;
  if (!FindSubmatch(HeapHeaderRE(), line, &g)) return false;
  int64_t period = 0;
  if (!g[6].empty() && !ParseInt64(g[6], 10, &period)) return false;
  // The counts are compared as text, as pprof does ("01" differs from "1").
  h->has_alloc = (g[3] != g[1] && g[3] != "0") || (g[4] != g[2] && g[4] != "0");
  if (g[5] == "heapz_v2" || g[5] == "heap_v2") {
    h->sampling = "v2";
    h->period = period;
  } else if (g[5] == "heapprofile") {
    h->sampling = "";
    h->period = 1;
  } else if (g[5] == "heap") {
    h->sampling = "v2";
    h->period = period / 2;
  } else {
    return false;
  }
  return true;
}

// pprof's parseHeapSample: the values (alloc pair first when
// `include_alloc`), the block size and the addresses; or an error message.
bool ParseHeapSample(std::string_view line, int64_t rate, const std::string& sampling, bool include_alloc,
                     std::vector<int64_t>* value, int64_t* blocksize, std::vector<uint64_t>* addrs,
                     std::string* err) {
  std::vector<std::string_view> g;
  if (!FindSubmatch(HeapSampleRE(), line, &g)) {
    *err = "unexpected number of sample values: got 0, want 6";
    return false;
  }
  value->clear();
  *blocksize = 0;
  auto add_values = [&](std::string_view count_string, std::string_view size_string, const char* label) {
    int64_t count = 0, size = 0;
    std::string why;
    if (!ParseIntOrExplain(count_string, 10, &count, &why) || !ParseIntOrExplain(size_string, 10, &size, &why)) {
      *err = MalformedSample(line, why);
      return false;
    }
    if (count == 0 && size != 0) {
      *err = std::string(label) + " count was 0 but " + label + " bytes was " + std::to_string(size);
      return false;
    }
    if (count != 0) {
      *blocksize = GoDiv(size, count);
      if (sampling == "v2") {
        auto scaled = ScaleHeapSample(count, size, rate);
        count = scaled.first;
        size = scaled.second;
      }
    }
    value->push_back(count);
    value->push_back(size);
    return true;
  };
  if (include_alloc && !add_values(g[3], g[4], "allocation")) return false;
  if (!add_values(g[1], g[2], "inuse")) return false;
  addrs->clear();
  Status st = ParseHexAddresses(g[5], addrs);
  if (!st.ok()) {
    *err = MalformedSample(line, st.message());
    return false;
  }
  return true;
}

}  // namespace

ParseOutcome ParseHeap(std::string_view b, LegacyProfile& p, const ReadLimits& limits) {
  LineScanner s(b);
  if (!s.Scan()) {
    if (!s.error().empty()) return ParseOutcome::Error(s.error());
    return ParseOutcome::Unrecognized();
  }
  HeapHeader header;
  std::string_view line = s.Text();
  p.period_type = "space";
  p.period_unit = "bytes";
  if (Matches(HeapHeaderRE(), line)) {
    if (!ParseHeapHeader(line, &header)) return ParseOutcome::Unrecognized();
    p.period = header.period;
  } else if (Matches(GrowthHeaderRE(), line) || Matches(FragmentationHeaderRE(), line)) {
    p.period = 1;
  } else {
    return ParseOutcome::Unrecognized();
  }

  if (header.has_alloc) {
    // pprof puts alloc before inuse, so that its default is inuse_space.
    p.sample_types = {{"alloc_objects", "count"}, {"alloc_space", "bytes"},
                      {"inuse_objects", "count"}, {"inuse_space", "bytes"}};
  } else {
    p.sample_types = {{"objects", "count"}, {"space", "bytes"}};
  }

  std::unordered_map<uint64_t, uint32_t> locs;
  std::vector<int64_t> value;
  std::vector<uint64_t> addrs;
  while (s.Scan()) {
    line = TrimSpace(s.Text());
    if (IsSpaceOrComment(line)) continue;
    if (IsMemoryMapSentinel(line)) break;
    int64_t blocksize = 0;
    std::string err;
    if (!ParseHeapSample(line, p.period, header.sampling, header.has_alloc, &value, &blocksize, &addrs, &err)) {
      return ParseOutcome::Error(err);
    }
    LSample sample;
    sample.values = value;
    sample.locations = Locations(p, locs, addrs, /*keep_leaf=*/false);
    sample.num_labels.emplace_back("bytes", blocksize);
    Status st = AppendSample(p, std::move(sample), limits);
    if (!st.ok()) return FromStatus(st);
  }
  if (!s.error().empty()) return ParseOutcome::Error(s.error());
  return ParseAdditionalSections(s, p);
}

// ---------------------------------------------------------------------------
// Go count profiles ("goroutine profile: total N", "threadcreate ...").

ParseOutcome ParseGoCount(std::string_view b, LegacyProfile& p, const ReadLimits& limits) {
  LineScanner s(b);
  // Comments before the header.
  while (s.Scan() && IsSpaceOrComment(s.Text())) {
  }
  if (!s.error().empty()) return ParseOutcome::Error(s.error());
  std::vector<std::string_view> g;
  if (!FindSubmatch(CountStartRE(), s.Text(), &g)) return ParseOutcome::Unrecognized();
  std::string profile_type(g[1]);
  p.period_type = profile_type;
  p.period_unit = "count";
  p.period = 1;
  p.sample_types = {{profile_type, "count"}};

  std::unordered_map<uint64_t, uint32_t> locs;
  while (s.Scan()) {
    std::string_view line = s.Text();
    if (IsSpaceOrComment(line)) continue;
    if (HasPrefix(line, "---")) break;
    if (!FindSubmatch(CountRE(), line, &g)) return ParseOutcome::Error(kErrMalformed);
    int64_t n = 0;
    if (!ParseInt64(g[1], 0, &n)) return ParseOutcome::Error(kErrMalformed);
    // strings.Fields(m[2]): the regexp makes it " 0x.. 0x.." (single spaces).
    std::vector<uint64_t> addrs;
    std::string_view rest = g[2];
    while (!rest.empty()) {
      size_t start = rest.find_first_not_of(' ');
      if (start == std::string_view::npos) break;
      rest.remove_prefix(start);
      size_t end = rest.find(' ');
      std::string_view field = rest.substr(0, end);
      rest.remove_prefix(field.size());
      uint64_t addr = 0;
      if (!ParseUint64(field, 0, &addr)) return ParseOutcome::Error(kErrMalformed);
      addrs.push_back(addr);
    }
    LSample sample;
    sample.locations = Locations(p, locs, addrs, /*keep_leaf=*/false);
    sample.values = {n};
    Status st = AppendSample(p, std::move(sample), limits);
    if (!st.ok()) return FromStatus(st);
  }
  if (!s.error().empty()) return ParseOutcome::Error(s.error());
  return ParseAdditionalSections(s, p);
}

// ---------------------------------------------------------------------------
// Threadz profiles.

namespace {

// pprof's parseThreadSample: reads one thread's stack up to the next line
// starting with "---" (returned in *next, trimmed) or the end. `addrs` is
// left empty for a "same as previous thread" stack.
bool ParseThreadSample(LineScanner& s, std::string_view* next, std::vector<uint64_t>* addrs, std::string* err) {
  std::string_view line;
  bool same_as_previous = false;
  addrs->clear();
  std::vector<uint64_t> cur;
  while (s.Scan()) {
    line = TrimSpace(s.Text());
    if (line.empty()) continue;
    if (HasPrefix(line, "---")) break;
    if (line.find("same as previous thread") != std::string_view::npos) {
      same_as_previous = true;
      continue;
    }
    cur.clear();
    Status st = ParseHexAddresses(line, &cur);
    if (!st.ok()) {
      *err = MalformedSample(line, st.message());
      return false;
    }
    addrs->insert(addrs->end(), cur.begin(), cur.end());
  }
  if (!s.error().empty()) {
    *err = s.error();
    return false;
  }
  if (same_as_previous) addrs->clear();
  *next = line;
  return true;
}

}  // namespace

ParseOutcome ParseThread(std::string_view b, LegacyProfile& p, const ReadLimits& limits) {
  LineScanner s(b);
  // Comments and blank lines before the header (pprof does not look at the
  // scanner's error here: a line too long ends the search like the end).
  while (s.Scan() && IsSpaceOrComment(s.Text())) {
  }
  std::string_view line = s.Text();
  if (Matches(ThreadzStartRE(), line)) {
    // Comments up to the first stack. At the end, `line` stays the last
    // line read, as in pprof.
    while (s.Scan()) {
      line = s.Text();
      if (IsMemoryMapSentinel(line) || HasPrefix(line, "-")) break;
    }
  } else if (!Matches(ThreadStartRE(), line)) {
    return ParseOutcome::Unrecognized();
  }

  p.sample_types = {{"thread", "count"}};
  p.period_type = "thread";
  p.period_unit = "count";
  p.period = 1;

  std::unordered_map<uint64_t, uint32_t> locs;
  std::vector<uint64_t> addrs;
  while (!IsMemoryMapSentinel(line)) {
    if (HasPrefix(line, "---- no stack trace for")) break;
    if (!Matches(ThreadStartRE(), line)) return ParseOutcome::Unrecognized();
    std::string err;
    if (!ParseThreadSample(s, &line, &addrs, &err)) return ParseOutcome::Error(err);
    if (addrs.empty()) {
      // "same as previous thread" (or no stack): one more thread for the
      // previous sample.
      if (!p.samples.empty()) {
        int64_t& v = p.samples.back().values[0];
        v = GoAdd(v, 1);
      }
      continue;
    }
    LSample sample;
    sample.locations = Locations(p, locs, addrs, /*keep_leaf=*/true);
    sample.values = {1};
    Status st = AppendSample(p, std::move(sample), limits);
    if (!st.ok()) return FromStatus(st);
  }

  ParseOutcome out = ParseAdditionalSections(s, p);
  if (!out.recognized || !out.status.ok()) return out;
  CleanupDuplicateLocations(p);
  return out;
}

// ---------------------------------------------------------------------------
// Contention profiles.

namespace {

// pprof's parseContentionSample. Returns Ok with the values and addresses,
// Unrecognized when the line is not a sample, or an error.
ParseOutcome ParseContentionSample(std::string_view line, int64_t period, int64_t cpu_hz,
                                   std::vector<int64_t>* value, std::vector<uint64_t>* addrs) {
  std::vector<std::string_view> g;
  if (!FindSubmatch(ContentionSampleRE(), line, &g)) return ParseOutcome::Unrecognized();
  int64_t v1 = 0, v2 = 0;
  std::string why;
  if (!ParseIntOrExplain(g[1], 10, &v1, &why) || !ParseIntOrExplain(g[2], 10, &v2, &why)) {
    return ParseOutcome::Error(MalformedSample(line, why));
  }
  // Unsampling when the period and cpu rate are known: delays from cycles
  // to nanoseconds, contentions times the sampling period (Go's wrapping
  // arithmetic and float conversion).
  if (period > 0) {
    if (cpu_hz > 0) {
      double cpu_ghz = static_cast<double>(cpu_hz) / 1e9;
      v1 = GoFloatToInt64(static_cast<double>(v1) * static_cast<double>(period) / cpu_ghz);
    }
    v2 = GoMul(v2, period);
  }
  *value = {v2, v1};
  addrs->clear();
  Status st = ParseHexAddresses(g[3], addrs);
  if (!st.ok()) return ParseOutcome::Error(MalformedSample(line, st.message()));
  return ParseOutcome::Ok();
}

}  // namespace

ParseOutcome ParseContention(std::string_view b, LegacyProfile& p, const ReadLimits& limits) {
  LineScanner s(b);
  if (!s.Scan()) {
    if (!s.error().empty()) return ParseOutcome::Error(s.error());
    return ParseOutcome::Unrecognized();
  }
  {
    std::string_view l = s.Text();
    if (!HasPrefix(l, "--- contentionz ") && !HasPrefix(l, "--- mutex:") && !HasPrefix(l, "--- contention:")) {
      return ParseOutcome::Unrecognized();
    }
  }
  p.period_type = "contentions";
  p.period_unit = "count";
  p.period = 1;
  p.sample_types = {{"contentions", "count"}, {"delay", "nanoseconds"}};

  int64_t cpu_hz = 0;
  // "attribute = value" lines before the samples.
  while (s.Scan()) {
    std::string_view line = TrimSpace(s.Text());
    if (IsSpaceOrComment(line)) continue;
    if (HasPrefix(line, "---")) break;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) break;
    std::string_view key = TrimSpace(line.substr(0, eq)), val = TrimSpace(line.substr(eq + 1));
    if (key == "cycles/second") {
      if (!ParseInt64(val, 0, &cpu_hz)) return ParseOutcome::Unrecognized();
    } else if (key == "sampling period") {
      if (!ParseInt64(val, 0, &p.period)) return ParseOutcome::Unrecognized();
    } else if (key == "ms since reset") {
      int64_t ms = 0;
      if (!ParseInt64(val, 0, &ms)) return ParseOutcome::Unrecognized();
      p.duration_nanos = GoMul(GoMul(ms, 1000), 1000);
    } else if (key == "discarded samples") {
      // Ignored.
    } else {
      // Including "format" and "resolution", which only Java profiles have.
      return ParseOutcome::Unrecognized();
    }
  }
  if (!s.error().empty()) return ParseOutcome::Error(s.error());

  // The samples start at the line that ended the attributes.
  std::unordered_map<uint64_t, uint32_t> locs;
  std::vector<int64_t> value;
  std::vector<uint64_t> addrs;
  for (;;) {
    std::string_view line = TrimSpace(s.Text());
    if (HasPrefix(line, "---")) break;
    if (!IsSpaceOrComment(line)) {
      ParseOutcome out = ParseContentionSample(line, p.period, cpu_hz, &value, &addrs);
      if (!out.recognized || !out.status.ok()) return out;
      LSample sample;
      sample.values = value;
      sample.locations = Locations(p, locs, addrs, /*keep_leaf=*/false);
      Status st = AppendSample(p, std::move(sample), limits);
      if (!st.ok()) return FromStatus(st);
    }
    if (!s.Scan()) break;
  }
  if (!s.error().empty()) return ParseOutcome::Error(s.error());
  return ParseAdditionalSections(s, p);
}

}  // namespace legacy
}  // namespace pprofsql
