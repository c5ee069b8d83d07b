// What pprof's legacy parsers share (profile/legacy_profile.go, profile.go):
// line scanning, numbers, memory maps and the clean-up of mappings and ids,
// then the dispatcher that tries each parser in pprof's order and the
// conversion of the result into the model.
#include <fmt/format.h>
#include <re2/re2.h>

#include <cmath>
#include <limits>
#include <unordered_set>

#include "base/go_int.h"
#include "decode/legacy.h"

namespace pprofsql {
namespace legacy {

uint32_t LegacyProfile::NewLocation(uint64_t address) {
  const auto index = static_cast<uint32_t>(location_arena.size());
  LLocation l;
  l.address = address;
  location_arena.push_back(std::move(l));
  location_list.push_back(index);
  return index;
}

uint32_t LocationFor(LegacyProfile& p, std::unordered_map<uint64_t, uint32_t>& locs, uint64_t address) {
  auto it = locs.find(address);
  if (it != locs.end()) return it->second;
  uint32_t index = p.NewLocation(address);
  locs.emplace(address, index);
  return index;
}

// bufio.MaxScanTokenSize: the longest line Go's Scanner accepts, terminator included.
constexpr size_t kMaxLine = 64 * 1024;

bool LineScanner::Scan() {
  text_ = std::string_view();
  if (done_) return false;
  if (pos_ >= data_.size()) {
    done_ = true;
    return false;
  }
  size_t nl = data_.find('\n', pos_);
  size_t end = nl == std::string_view::npos ? data_.size() : nl;
  // Go's buffer must hold the line and its "\n"; at the end of the input the
  // line alone must leave a byte free.
  if ((nl == std::string_view::npos ? end - pos_ + 1 : end - pos_ + 1) > kMaxLine) {
    error_ = "bufio.Scanner: token too long";
    done_ = true;
    return false;
  }
  text_ = data_.substr(pos_, end - pos_);
  if (!text_.empty() && text_.back() == '\r') text_.remove_suffix(1);
  pos_ = nl == std::string_view::npos ? data_.size() : nl + 1;
  return true;
}

namespace {

// The length of the white-space rune at the start of `s` (Go's unicode.IsSpace), or 0.
size_t SpaceAt(std::string_view s) {
  if (s.empty()) return 0;
  const auto c = static_cast<unsigned char>(s[0]);
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  if (c == 0xC2 && s.size() >= 2 && (static_cast<unsigned char>(s[1]) == 0x85 || static_cast<unsigned char>(s[1]) == 0xA0)) {
    return 2;
  }
  if (s.size() >= 3) {
    const auto b1 = static_cast<unsigned char>(s[1]), b2 = static_cast<unsigned char>(s[2]);
    if (c == 0xE1 && b1 == 0x9A && b2 == 0x80) return 3;                                        // U+1680
    if (c == 0xE2 && b1 == 0x80 && (b2 <= 0x8A || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF)) return 3;  // U+2000-200A, 2028, 2029, 202F
    if (c == 0xE2 && b1 == 0x81 && b2 == 0x9F) return 3;                                        // U+205F
    if (c == 0xE3 && b1 == 0x80 && b2 == 0x80) return 3;                                        // U+3000
  }
  return 0;
}

// The length of the white-space rune that ends `s`, or 0.
size_t SpaceBefore(std::string_view s) {
  for (size_t n = 1; n <= 3 && n <= s.size(); n++) {
    if (SpaceAt(s.substr(s.size() - n)) == n) return n;
  }
  return 0;
}

}  // namespace

std::string_view TrimSpace(std::string_view s) {
  while (size_t n = SpaceAt(s)) s.remove_prefix(n);
  while (size_t n = SpaceBefore(s)) s.remove_suffix(n);
  return s;
}

bool IsSpaceOrComment(std::string_view line) {
  std::string_view t = TrimSpace(line);
  return t.empty() || t[0] == '#';
}

bool IsMemoryMapSentinel(std::string_view line) {
  return line.find("--- Memory map: ---") != std::string_view::npos ||
         line.find("MAPPED_LIBRARIES:") != std::string_view::npos;
}

namespace {

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

}  // namespace

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

Status ParseHexAddresses(std::string_view s, std::vector<uint64_t>* out) {
  out->clear();
  auto is_hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  size_t i = 0;
  while (i + 2 < s.size()) {
    if (s[i] != '0' || s[i + 1] != 'x' || !is_hex(s[i + 2])) {
      i++;
      continue;
    }
    size_t j = i + 2;
    while (j < s.size() && is_hex(s[j])) j++;
    std::string_view number = s.substr(i, j - i);
    uint64_t v;
    if (GoParseUint(number.substr(2), 16, &v) != NumErr::kNone) {
      return Status::Error(fmt::format("failed to parse as hex 64-bit number: {}", number));
    }
    out->push_back(v);
    i = j;
  }
  return Status();
}

const RE2& CompileLatin1(const char* pattern) {
  RE2::Options opts;
  opts.set_encoding(RE2::Options::EncodingLatin1);
  opts.set_log_errors(false);
  return *new RE2(pattern, opts);  // kept by the callers' function-local statics
}

bool FindSubmatch(const RE2& re, std::string_view text, std::vector<std::string_view>* groups) {
  const int n = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> pieces(static_cast<size_t>(n));
  if (!re.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED, pieces.data(), n)) {
    return false;
  }
  groups->clear();
  for (const auto& piece : pieces) groups->emplace_back(piece.data() == nullptr ? "" : piece.data(), piece.size());
  return true;
}

bool Matches(const RE2& re, std::string_view text) {
  return re.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED, nullptr, 0);
}

std::pair<int64_t, int64_t> ScaleHeapSample(int64_t count, int64_t size, int64_t rate) {
  if (count == 0 || size == 0) return {0, 0};
  if (rate <= 1) return {count, size};  // everything was sampled, or the rate is unknown
  const double avg = static_cast<double>(size) / static_cast<double>(count);
  const double scale = 1 / (1 - std::exp(-avg / static_cast<double>(rate)));
  return {GoFloatToInt64(static_cast<double>(count) * scale), GoFloatToInt64(static_cast<double>(size) * scale)};
}

void CleanupDuplicateLocations(LegacyProfile& p) {
  for (LSample& s : p.samples) {
    if (s.locations.size() > 1 &&
        p.location_arena[s.locations[0]].address == p.location_arena[s.locations[1]].address + 1) {
      s.locations.erase(s.locations.begin() + 1);
    }
  }
}

void RemapLocationIDs(LegacyProfile& p) {
  std::vector<bool> seen(p.location_arena.size());
  std::vector<uint32_t> list;
  for (const LSample& s : p.samples) {
    for (uint32_t l : s.locations) {
      if (seen[l]) continue;
      seen[l] = true;
      list.push_back(l);
      p.location_arena[l].id = list.size();
    }
  }
  p.location_list = std::move(list);
}

void RemapFunctionIDs(LegacyProfile& p) {
  std::vector<bool> seen(p.function_arena.size());
  std::vector<uint32_t> list;
  for (uint32_t l : p.location_list) {
    for (const LLine& line : p.location_arena[l].lines) {
      if (line.function == kNoIndex || seen[line.function]) continue;
      seen[line.function] = true;
      list.push_back(line.function);
      p.function_arena[line.function].id = list.size();
    }
  }
  p.function_list = std::move(list);
}

void RemapMappingIDs(LegacyProfile& p) {
  auto& maps = p.mapping_list;
  auto m = [&](uint32_t i) -> LMapping& { return p.mapping_arena[i]; };
  // Profile handlers misreport the main executable when its text was
  // remapped: drop a leading /anon_hugepage piece next to the real one,
  // and move a main mapping that starts where executables do to offset 0.
  if (maps.size() > 1 && m(maps[0]).file.rfind("/anon_hugepage", 0) == 0 && m(maps[0]).limit == m(maps[1]).start) {
    maps.erase(maps.begin());
  }
  if (!maps.empty()) {
    constexpr uint64_t kExpectedStart = 0x400000;
    LMapping& main = m(maps[0]);
    if (main.start - main.offset == kExpectedStart) {
      main.start = kExpectedStart;
      main.offset = 0;
    }
  }
  uint32_t fake = kNoIndex;
  for (uint32_t li : p.location_list) {
    LLocation& l = p.location_arena[li];
    const uint64_t a = l.address;
    if (l.mapping != kNoIndex || a == 0) continue;
    bool found = false;
    for (uint32_t mi : maps) {
      if (m(mi).start <= a && a < m(mi).limit) {
        l.mapping = mi;
        found = true;
        break;
      }
    }
    if (found) continue;
    // Legacy handlers may leave out the first piece of a mapping split in two.
    for (uint32_t mi : maps) {
      LMapping& mm = m(mi);
      if (mm.offset != 0 && mm.start - mm.offset <= a && a < mm.start) {
        mm.start -= mm.offset;
        mm.offset = 0;
        l.mapping = mi;
        found = true;
        break;
      }
    }
    if (found) continue;
    // Still none: one fake mapping covering everything (Go's legacy
    // handler wrote no mappings at all).
    if (fake == kNoIndex) {
      fake = static_cast<uint32_t>(p.mapping_arena.size());
      LMapping f;
      f.id = 1;
      f.limit = std::numeric_limits<uint64_t>::max();
      p.mapping_arena.push_back(f);
      maps.push_back(fake);
    }
    l.mapping = fake;
  }
  for (size_t i = 0; i < maps.size(); i++) m(maps[i]).id = i + 1;
}

namespace {

// pprof's procMapsRE and briefMapsRE (legacy_profile.go), anchored at the start.
const RE2& ProcMapsRE() {
  static const RE2& re = CompileLatin1(
      R"(^\s*(?:0x)?([[:xdigit:]]+)[\s-]?\s*(?:0x)?([[:xdigit:]]+):?(?:\s+([-rwxp]+))?(?:\s+([[:xdigit:]]+))?)"
      R"(\s+[[:xdigit:]]+:[[:xdigit:]]+\s+[[:digit:]]+(?:\s+(\S+))?)");
  return re;
}
const RE2& BriefMapsRE() {
  static const RE2& re = CompileLatin1(
      R"(^\s*(?:0x)?([[:xdigit:]]+)[\s-]?\s*(?:0x)?([[:xdigit:]]+):?(?:\s+([-rwxp]+))?(?:\s+(\S+))?)"
      R"((?:\s+\(@([[:xdigit:]]+)\))?(?:\s+([[:xdigit:]]+))?)");
  return re;
}
// A glog prefix: "... file:line] ".
const RE2& LogInfoRE() {
  static const RE2& re = CompileLatin1(R"(^[^\[\]]+:[0-9]+]\s)");
  return re;
}
const RE2& LibRE() {
  static const RE2& re = CompileLatin1(R"(([.]so$|[.]so[._][0-9]+))");
  return re;
}

std::string_view RemoveLoggingInfo(std::string_view line) {
  std::vector<std::string_view> g;
  return FindSubmatch(LogInfoRE(), line, &g) ? line.substr(g[0].size()) : line;
}

// Go's strings.NewReplacer(old1, new1, ...).Replace: at each position the
// first pair (in argument order) whose old string starts there is replaced.
std::string ReplaceAll(std::string_view s, const std::vector<std::pair<std::string, std::string>>& pairs) {
  if (pairs.empty()) return std::string(s);
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    bool replaced = false;
    for (const auto& [from, to] : pairs) {
      if (s.compare(i, from.size(), from) == 0) {
        out += to;
        i += from.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += s[i++];
  }
  return out;
}

enum class Entry { kMapping, kSkipped, kUnrecognized };

// pprof's parseMappingEntry.
Entry ParseMappingEntry(std::string_view line, LMapping* m) {
  std::vector<std::string_view> g;
  std::string_view start, end, perm, file, offset, build_id;
  if (FindSubmatch(ProcMapsRE(), line, &g)) {
    start = g[1], end = g[2], perm = g[3], offset = g[4], file = g[5];
  } else if (FindSubmatch(BriefMapsRE(), line, &g)) {
    start = g[1], end = g[2], perm = g[3], file = g[4], offset = g[5], build_id = g[6];
  } else {
    return Entry::kUnrecognized;
  }
  if (!perm.empty() && perm.find('x') == std::string_view::npos) return Entry::kSkipped;  // not executable
  m->file = std::string(file);
  m->build_id = std::string(build_id);
  if (!ParseUint64(start, 16, &m->start) || !ParseUint64(end, 16, &m->limit)) return Entry::kUnrecognized;
  if (!offset.empty() && !ParseUint64(offset, 16, &m->offset)) return Entry::kUnrecognized;
  return Entry::kMapping;
}

// pprof's adjacent: two entries that are one mapping split in two.
bool Adjacent(const LMapping& a, const LMapping& b) {
  if (!a.file.empty() && !b.file.empty() && a.file != b.file) return false;
  if (!a.build_id.empty() && !b.build_id.empty() && a.build_id != b.build_id) return false;
  if (a.limit != b.start) return false;
  if (a.offset != 0 && b.offset != 0 && a.offset + (a.limit - a.start) != b.offset) return false;
  return true;
}

// pprof's massageMappings.
void MassageMappings(LegacyProfile& p) {
  auto& maps = p.mapping_list;
  if (maps.size() > 1) {
    std::vector<uint32_t> merged = {maps[0]};
    for (size_t i = 1; i < maps.size(); i++) {
      LMapping& last = p.mapping_arena[merged.back()];
      const LMapping& m = p.mapping_arena[maps[i]];
      if (Adjacent(last, m)) {
        last.limit = m.limit;
        if (!m.file.empty()) last.file = m.file;
        if (!m.build_id.empty()) last.build_id = m.build_id;
        for (LLocation& l : p.location_arena) {
          if (l.mapping == maps[i]) l.mapping = merged.back();
        }
        continue;
      }
      merged.push_back(maps[i]);
    }
    maps = std::move(merged);
  }
  // The main binary goes first: the first mapping of a file that is neither
  // a shared library nor a pseudo-file like [vdso].
  for (size_t i = 0; i < maps.size(); i++) {
    std::string file = p.mapping_arena[maps[i]].file;
    for (size_t at; (at = file.find("(deleted)")) != std::string::npos;) file.erase(at, 9);
    std::string_view f = TrimSpace(file);
    if (f.empty() || Matches(LibRE(), f) || f[0] == '[') continue;
    std::swap(maps[0], maps[i]);
    break;
  }
  for (size_t i = 0; i < maps.size(); i++) p.mapping_arena[maps[i]].id = i + 1;
}

}  // namespace

ParseOutcome ParseMemoryMap(LineScanner& s, LegacyProfile& p) {
  // Lines of the form "name = value" define $name for the entries after them.
  std::vector<std::pair<std::string, std::string>> attrs;
  while (s.Scan()) {
    std::string line = ReplaceAll(RemoveLoggingInfo(s.Text()), attrs);
    LMapping m;
    switch (ParseMappingEntry(line, &m)) {
      case Entry::kMapping:
        p.mapping_list.push_back(static_cast<uint32_t>(p.mapping_arena.size()));
        p.mapping_arena.push_back(std::move(m));
        break;
      case Entry::kSkipped:
        break;
      case Entry::kUnrecognized:
        if (size_t eq = line.find('='); eq != std::string::npos) {
          attrs.emplace_back("$" + std::string(TrimSpace(std::string_view(line).substr(0, eq))),
                             std::string(TrimSpace(std::string_view(line).substr(eq + 1))));
        }
        break;
    }
  }
  if (!s.error().empty()) return ParseOutcome::Error(s.error());
  MassageMappings(p);
  RemapLocationIDs(p);
  RemapFunctionIDs(p);
  RemapMappingIDs(p);
  return ParseOutcome::Ok();
}

ParseOutcome ParseAdditionalSections(LineScanner& s, LegacyProfile& p) {
  while (!IsMemoryMapSentinel(s.Text()) && s.Scan()) {
  }
  if (!s.error().empty()) return ParseOutcome::Error(s.error());
  return ParseMemoryMap(s, p);
}

Status CheckSampleLimits(const LegacyProfile& p, size_t stack_depth, const ReadLimits& limits) {
  PPROF_RETURN_IF_ERROR(CheckLimit(limits, &ReadLimits::max_samples, p.samples.size()));
  PPROF_RETURN_IF_ERROR(CheckLimit(limits, &ReadLimits::max_stack_depth, stack_depth));
  PPROF_RETURN_IF_ERROR(CheckLimit(limits, &ReadLimits::max_locations, p.location_arena.size()));
  // The parse holds about this much per sample and location (vectors,
  // their contents, the address map); a text line of a few bytes can add
  // a sample, so the count alone would let a big file take many times its
  // size.
  const uint64_t bytes = p.samples.size() * (sizeof(LSample) + 32) + p.location_arena.size() * (sizeof(LLocation) + 48);
  return CheckMemory(limits, bytes);
}

ParseOutcome ParseCPUSamples(std::string_view b, WordReader word, bool adjust, LegacyProfile& p,
                             std::string_view* rest, std::unordered_map<uint64_t, uint32_t>* locs,
                             const ReadLimits& limits) {
  // Go's slices: a read past the end leaves `b` nil (every later read gives
  // 0 and leaves it nil), which the loop below tells apart from an empty
  // remainder.
  bool nil = false;
  auto next = [&]() -> uint64_t {
    uint64_t v = 0;
    if (nil || !word(b, &v)) {
      nil = true;
      b = std::string_view();
      return 0;
    }
    return v;
  };
  std::vector<uint64_t> addrs;
  while (!b.empty()) {
    const uint64_t count = next();
    const uint64_t depth = next();
    if (nil || depth > b.size() / 4) return ParseOutcome::Unrecognized();
    addrs.resize(depth);
    for (uint64_t i = 0; i < depth; i++) addrs[i] = next();
    if (count == 0 && depth == 1 && addrs[0] == 0) break;  // the end-of-data marker
    LSample s;
    s.locations.reserve(depth);
    for (uint64_t i = 0; i < depth; i++) {
      uint64_t addr = addrs[i];
      if (adjust && i > 0) addr--;  // return addresses: land on the call instruction
      s.locations.push_back(LocationFor(p, *locs, addr));
    }
    s.values = {static_cast<int64_t>(count), GoMul(static_cast<int64_t>(count), p.period)};
    p.samples.push_back(std::move(s));
    if (Status st = CheckSampleLimits(p, depth, limits); !st.ok()) return ParseOutcome{true, st};
  }
  *rest = b;
  return ParseOutcome::Ok();
}

namespace {

// pprof's addLegacyFrameInfo: the frames its reports drop from the leaf
// end of each stack (profiler and allocator internals), by profile type.
const char kAllocRx[] =
    "calloc|cfree|malloc|free|memalign|do_memalign|(__)?posix_memalign|pvalloc|valloc|realloc|"
    "tcmalloc::.*|tc_calloc|tc_cfree|tc_malloc|tc_free|tc_memalign|tc_posix_memalign|tc_pvalloc|tc_valloc|"
    "tc_realloc|tc_new|tc_delete|tc_newarray|tc_deletearray|tc_new_nothrow|tc_newarray_nothrow|"
    "malloc_zone_malloc|malloc_zone_calloc|malloc_zone_valloc|malloc_zone_realloc|malloc_zone_memalign|"
    "malloc_zone_free|"
    "runtime\\..*|"
    "BaseArena::.*|(::)?do_malloc_no_errno|(::)?do_malloc_pages|(::)?do_malloc|DoSampledAllocation|"
    "MallocedMemBlock::MallocedMemBlock|_M_allocate|__builtin_(vec_)?delete|__builtin_(vec_)?new|"
    "__gnu_cxx::new_allocator::allocate|__libc_malloc|__malloc_alloc_template::allocate|allocate|cpp_alloc|"
    "operator new(\\[\\])?|simple_alloc::allocate";
const char kAllocSkipRx[] = "runtime\\.panic|runtime\\.reflectcall|runtime\\.call[0-9]*";
const char kCPUProfilerRx[] =
    "ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|__pthread_sighandler|__restore";
const char kLockRx[] =
    "RecordLockProfileData|(base::)?RecordLockProfileData.*|(base::)?SubmitMutexProfileData.*|"
    "(base::)?SubmitSpinLockProfileData.*|(base::Mutex::)?AwaitCommon.*|(base::Mutex::)?Unlock.*|"
    "(base::Mutex::)?UnlockSlow.*|(base::Mutex::)?ReaderUnlock.*|(base::MutexLock::)?~MutexLock.*|"
    "(Mutex::)?AwaitCommon.*|(Mutex::)?Unlock.*|(Mutex::)?UnlockSlow.*|(Mutex::)?ReaderUnlock.*|"
    "(MutexLock::)?~MutexLock.*|(SpinLock::)?Unlock.*|(SpinLock::)?SlowUnlock.*|(SpinLockHolder::)?~SpinLockHolder.*";

bool HasTypes(const LegacyProfile& p, std::initializer_list<std::initializer_list<const char*>> kinds) {
  for (const auto& kind : kinds) {
    if (kind.size() != p.sample_types.size()) continue;
    size_t i = 0;
    bool same = true;
    for (const char* t : kind) same = same && p.sample_types[i++].first == t;
    if (same) return true;
  }
  return false;
}

void AddLegacyFrameInfo(LegacyProfile& p) {
  if (HasTypes(p, {{"allocations", "size"},
                   {"objects", "space"},
                   {"inuse_objects", "inuse_space"},
                   {"alloc_objects", "alloc_space"},
                   {"alloc_objects", "alloc_space", "inuse_objects", "inuse_space"}})) {
    p.drop_frames = kAllocRx, p.keep_frames = kAllocSkipRx;
  } else if (HasTypes(p, {{"contentions", "delay"}})) {
    p.drop_frames = kLockRx, p.keep_frames.clear();
  } else {
    p.drop_frames = kCPUProfilerRx, p.keep_frames.clear();
  }
}

// pprof's CheckValid, on what the parsers can get wrong.
Status CheckValid(const LegacyProfile& p) {
  const size_t types = p.sample_types.size();
  if (types == 0 && !p.samples.empty()) return Status::Error("malformed profile: missing sample type information");
  for (const LSample& s : p.samples) {
    if (s.values.size() != types) {
      return Status::Error(
          fmt::format("malformed profile: mismatch: sample has {} values vs. {} types", s.values.size(), types));
    }
  }
  std::unordered_set<uint64_t> ids;
  for (uint32_t m : p.mapping_list) {
    uint64_t id = p.mapping_arena[m].id;
    if (id == 0) return Status::Error("malformed profile: found mapping with reserved ID=0");
    if (!ids.insert(id).second) return Status::Error(fmt::format("malformed profile: multiple mappings with same id: {}", id));
  }
  ids.clear();
  for (uint32_t f : p.function_list) {
    uint64_t id = p.function_arena[f].id;
    if (id == 0) return Status::Error("malformed profile: found function with reserved ID=0");
    if (!ids.insert(id).second) return Status::Error(fmt::format("malformed profile: multiple functions with same id: {}", id));
  }
  ids.clear();
  for (uint32_t l : p.location_list) {
    uint64_t id = p.location_arena[l].id;
    if (id == 0) return Status::Error("malformed profile: found location with reserved id=0");
    if (!ids.insert(id).second) return Status::Error(fmt::format("malformed profile: multiple locations with same id: {}", id));
  }
  return Status();
}

// The model from a parsed legacy profile: objects in list order, ids as
// pprof numbered them.
Result<std::shared_ptr<Profile>> ToModel(const LegacyProfile& lp, const ReadLimits& limits) {
  auto out = std::make_shared<Profile>();
  Profile& p = *out;
  std::unordered_map<std::string, StrId> interned;
  p.strings.emplace_back();
  interned.emplace("", 0);
  auto intern = [&](const std::string& s) -> StrId {
    auto [it, added] = interned.emplace(s, static_cast<StrId>(p.strings.size()));
    if (added) p.strings.push_back(s);
    return it->second;
  };
  for (const auto& [type, unit] : lp.sample_types) p.sample_types.push_back({intern(type), intern(unit)});
  p.period_type = {intern(lp.period_type), intern(lp.period_unit)};
  p.period = lp.period;
  p.duration_nanos = lp.duration_nanos;
  p.drop_frames = intern(lp.drop_frames);
  p.keep_frames = intern(lp.keep_frames);

  // Arena index -> model index (kNone: not listed).
  std::vector<uint32_t> mapping_at(lp.mapping_arena.size(), kNone), function_at(lp.function_arena.size(), kNone),
      location_at(lp.location_arena.size(), kNone);
  for (uint32_t mi : lp.mapping_list) {
    const LMapping& lm = lp.mapping_arena[mi];
    Mapping m;
    m.id = lm.id;
    m.memory_start = lm.start, m.memory_limit = lm.limit, m.file_offset = lm.offset;
    m.filename = intern(lm.file), m.build_id = intern(lm.build_id);
    mapping_at[mi] = static_cast<uint32_t>(p.mappings.size());
    p.mapping_index.emplace(m.id, static_cast<uint32_t>(p.mappings.size()));
    p.mappings.push_back(m);
  }
  for (uint32_t fi : lp.function_list) {
    const LFunction& lf = lp.function_arena[fi];
    Function f;
    f.id = lf.id;
    f.name = intern(lf.name), f.system_name = intern(lf.system_name), f.filename = intern(lf.filename);
    function_at[fi] = static_cast<uint32_t>(p.functions.size());
    p.function_index.emplace(f.id, static_cast<uint32_t>(p.functions.size()));
    p.functions.push_back(f);
  }
  for (uint32_t li : lp.location_list) {
    const LLocation& ll = lp.location_arena[li];
    Location l;
    l.id = ll.id;
    l.address = ll.address;
    if (ll.mapping != kNoIndex) {
      l.mapping = mapping_at[ll.mapping];
      if (l.mapping == kNone) return Status::Error(fmt::format("malformed profile: inconsistent mapping of location {}", ll.id));
    }
    l.lines_begin = static_cast<uint32_t>(p.lines.size());
    for (const LLine& ln : ll.lines) {
      const uint32_t f = ln.function == kNoIndex ? kNone : function_at[ln.function];
      if (f == kNone) {
        return Status::Error(fmt::format("malformed profile: location id: {} has a line with no function", ll.id));
      }
      p.lines.push_back({f, ln.line, 0});
    }
    l.lines_end = static_cast<uint32_t>(p.lines.size());
    location_at[li] = static_cast<uint32_t>(p.locations.size());
    p.location_index.emplace(l.id, static_cast<uint32_t>(p.locations.size()));
    p.locations.push_back(l);
  }
  uint64_t frames = 0;
  for (const LSample& ls : lp.samples) {
    Sample s;
    s.stack_begin = static_cast<uint32_t>(p.stack.size());
    for (uint32_t li : ls.locations) {
      const uint32_t at = location_at[li];
      if (at == kNone) return Status::Error("malformed profile: a sample refers to a location the profile does not list");
      p.stack.push_back(at);
      const Location& l = p.locations[at];
      frames += l.lines_end > l.lines_begin ? l.lines_end - l.lines_begin : 1;
    }
    s.stack_end = static_cast<uint32_t>(p.stack.size());
    s.labels_begin = static_cast<uint32_t>(p.labels.size());
    for (const auto& [key, num] : ls.num_labels) {
      // pprof reports on the profile as re-encoded to protobuf, which drops
      // a numeric label of 0 without a unit (as the proto reader does).
      if (num == 0) continue;
      Label label;
      label.key = intern(key);
      label.num = num;
      p.labels.push_back(label);
    }
    s.labels_end = static_cast<uint32_t>(p.labels.size());
    p.values.insert(p.values.end(), ls.values.begin(), ls.values.end());
    p.samples.push_back(s);
  }
  PPROF_RETURN_IF_ERROR(CheckLimit(limits, &ReadLimits::max_frames, frames));
  // As the proto reader checks its string table. The strings are parts of
  // lines (at most 64 KiB in the formats Go's scanner reads; Java's
  // function names are checked as they are read), so one check here, at the
  // end, leaves no string unbounded in the meantime.
  for (const std::string& s : p.strings) {
    PPROF_RETURN_IF_ERROR(CheckLimit(limits, &ReadLimits::max_string_bytes, s.size()));
  }
  PPROF_RETURN_IF_ERROR(CheckMemory(limits, p.MemoryBytes()));
  return out;
}

}  // namespace
}  // namespace legacy

LegacyResult ParseLegacyProfile(std::string_view bytes, const ReadLimits& limits) {
  using Parser = legacy::ParseOutcome (*)(std::string_view, legacy::LegacyProfile&, const ReadLimits&);
  // pprof's parseLegacy order: the first parser that recognizes its format decides.
  static constexpr Parser kParsers[] = {legacy::ParseCPU, legacy::ParseHeap, legacy::ParseGoCount,
                                        legacy::ParseThread, legacy::ParseContention, legacy::ParseJavaProfile};
  LegacyResult result;
  for (Parser parse : kParsers) {
    legacy::LegacyProfile lp;
    legacy::ParseOutcome outcome = parse(bytes, lp, limits);
    if (!outcome.recognized) continue;
    result.recognized = true;
    if (!outcome.status.ok()) {
      result.status = Status::Error("parsing profile: " + outcome.status.message());
      return result;
    }
    legacy::AddLegacyFrameInfo(lp);
    if (Status st = legacy::CheckValid(lp); !st.ok()) {
      result.status = st;
      return result;
    }
    auto model = legacy::ToModel(lp, limits);
    if (!model.ok()) {
      result.status = model.status();
      return result;
    }
    result.profile = std::move(*model);
    return result;
  }
  result.status = Status::Error("parsing profile: unrecognized profile format");
  return result;
}

}  // namespace pprofsql
