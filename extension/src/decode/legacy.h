// The formats that predate profile.proto, read as pprof's profile package
// reads them (profile/legacy_profile.go, legacy_java_profile.go;
// pprof-semantics.md §8): gperftools' binary CPU profiles, text heap,
// growth, fragmentation, contention and thread profiles, Go's count
// profiles, and Java's CPU, heap and contention dumps.
//
// Each parser builds a LegacyProfile: pprof's own Profile structure, with its
// pointers replaced by indices, so that the order pprof creates, numbers and
// drops locations and mappings in (which the reports print) carries over
// step by step. LegacyToModel then turns it into the same Profile the proto
// reader makes, so every table and report works unchanged.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/status.h"
#include "decode/reader.h"
#include "model/profile.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace pprofsql {
namespace legacy {

constexpr uint32_t kNoIndex = UINT32_MAX;

struct LMapping {
  uint64_t id = 0;
  uint64_t start = 0, limit = 0, offset = 0;
  std::string file, build_id;
};

struct LFunction {
  uint64_t id = 0;
  std::string name, system_name, filename;
};

struct LLine {
  uint32_t function = kNoIndex;  // index into LegacyProfile::function_arena
  int64_t line = 0;
};

struct LLocation {
  uint64_t id = 0;
  uint32_t mapping = kNoIndex;  // index into LegacyProfile::mapping_arena
  uint64_t address = 0;
  std::vector<LLine> lines;
};

struct LSample {
  std::vector<uint32_t> locations;  // indices into location_arena, leaf first
  std::vector<int64_t> values;
  std::vector<std::pair<std::string, int64_t>> num_labels;  // key, value (no unit)
};

// pprof's Profile as its legacy parsers see it. Objects live in arenas and
// are never freed; the *_list vectors are pprof's p.Location, p.Function and
// p.Mapping slices (which objects the profile lists, in which order), kept
// apart because pprof sometimes leaves an object listed that no sample uses,
// or uses one it no longer lists.
struct LegacyProfile {
  std::vector<std::pair<std::string, std::string>> sample_types;  // type, unit
  std::string period_type, period_unit;
  int64_t period = 0;
  int64_t duration_nanos = 0;
  std::string drop_frames, keep_frames;

  std::vector<LSample> samples;
  std::vector<LLocation> location_arena;
  std::vector<LFunction> function_arena;
  std::vector<LMapping> mapping_arena;
  std::vector<uint32_t> location_list, function_list, mapping_list;

  // Appends a new location for `address` to the arena and to location_list.
  uint32_t NewLocation(uint64_t address);
};

// The location of `address` in `locs` (pprof's per-parser map from address
// to location), created on first use.
uint32_t LocationFor(LegacyProfile& p, std::unordered_map<uint64_t, uint32_t>& locs, uint64_t address);

// A parser's outcome: the profile, or "not this format" (pprof's
// errUnrecognized: the next parser is tried), or an error (malformed input
// of this format: reading stops with it).
struct ParseOutcome {
  bool recognized = false;
  Status status;  // meaningful when recognized
  static ParseOutcome Unrecognized() { return ParseOutcome(); }
  static ParseOutcome Error(std::string message) { return ParseOutcome{true, Status::Error(std::move(message))}; }
  static ParseOutcome Ok() { return ParseOutcome{true, Status()}; }
};

// Go's bufio.Scanner with ScanLines over the whole input: lines without
// their "\n" or "\r\n"; a line longer than 64 KiB ends the scan with an error,
// as in Go. Text() is "" once Scan() has returned false.
class LineScanner {
 public:
  explicit LineScanner(std::string_view data) : data_(data) {}
  bool Scan();
  std::string_view Text() const { return text_; }
  // Set when the scan stopped on a line too long ("bufio.Scanner: token too long").
  const std::string& error() const { return error_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  std::string_view text_;
  std::string error_;
  bool done_ = false;
};

// Helpers that several parsers share (legacy_common.cc).
std::string_view TrimSpace(std::string_view s);  // Go's strings.TrimSpace (ASCII and Unicode white space)
bool IsSpaceOrComment(std::string_view line);
bool IsMemoryMapSentinel(std::string_view line);
// Every "0x..." in `s` as a 64-bit number; an error names the first that does not fit.
Status ParseHexAddresses(std::string_view s, std::vector<uint64_t>* out);

// Go's strconv.ParseUint(s, base, 64) / ParseInt, with its error kinds.
// Base 0 takes Go's prefixes (0x, 0o, 0b, a leading 0 for octal) and
// underscores between digits.
enum class NumErr { kNone, kSyntax, kRange };
NumErr GoParseUint(std::string_view s, int base, uint64_t* out);
NumErr GoParseInt(std::string_view s, int base, int64_t* out);
inline bool ParseUint64(std::string_view s, int base, uint64_t* out) { return GoParseUint(s, base, out) == NumErr::kNone; }
inline bool ParseInt64(std::string_view s, int base, int64_t* out) { return GoParseInt(s, base, out) == NumErr::kNone; }
// A *strconv.NumError's text: `strconv.ParseInt: parsing "x": invalid syntax`.
std::string NumErrorText(const char* func, std::string_view num, NumErr err);

// pprof's regular expressions, compiled once (never freed) by RE2 in
// Latin-1 mode: their literals and classes are ASCII, so matching bytes is
// what Go's matching of runes does on any input, where RE2's UTF-8 mode
// would not let `.` or \S match a byte of invalid UTF-8.
const re2::RE2& CompileLatin1(const char* pattern);
// Go's FindStringSubmatch (unanchored unless the pattern anchors):
// groups[0] is the match, groups[i] group i ("" when it took no part).
bool FindSubmatch(const re2::RE2& re, std::string_view text, std::vector<std::string_view>* groups);
bool Matches(const re2::RE2& re, std::string_view text);

// pprof's scaleHeapSample: unsampling of a Poisson-sampled heap sample.
std::pair<int64_t, int64_t> ScaleHeapSample(int64_t count, int64_t size, int64_t rate);
// pprof's cleanupDuplicateLocations: drops a leaf duplicated (adjusted by -1) as the next frame.
void CleanupDuplicateLocations(LegacyProfile& p);
// pprof's remapLocationIDs, remapFunctionIDs, remapMappingIDs.
void RemapLocationIDs(LegacyProfile& p);
void RemapFunctionIDs(LegacyProfile& p);
void RemapMappingIDs(LegacyProfile& p);
// pprof's parseAdditionalSections: skips to a memory map sentinel, then
// ParseMemoryMapFromScanner (mappings, massageMappings, the three remaps).
ParseOutcome ParseAdditionalSections(LineScanner& s, LegacyProfile& p);
ParseOutcome ParseMemoryMap(LineScanner& s, LegacyProfile& p);

// pprof's parseCPUSamples: binary samples (count, depth, addresses) up to the
// end-of-data marker; addresses but the leaf are adjusted by -1 when `adjust`.
// `word` reads one word in the file's width and byte order. `rest` is what
// follows the samples; `locs` maps each address to its location.
using WordReader = bool (*)(std::string_view& b, uint64_t* out);
ParseOutcome ParseCPUSamples(std::string_view b, WordReader word, bool adjust, LegacyProfile& p,
                             std::string_view* rest, std::unordered_map<uint64_t, uint32_t>* locs,
                             const ReadLimits& limits);

// The parsers, each in pprof's order of trying (ParseLegacy).
ParseOutcome ParseCPU(std::string_view b, LegacyProfile& p, const ReadLimits& limits);  // legacy_cpu.cc
ParseOutcome ParseHeap(std::string_view b, LegacyProfile& p, const ReadLimits& limits);         // legacy_text.cc
ParseOutcome ParseGoCount(std::string_view b, LegacyProfile& p, const ReadLimits& limits);      // legacy_text.cc
ParseOutcome ParseThread(std::string_view b, LegacyProfile& p, const ReadLimits& limits);       // legacy_text.cc
ParseOutcome ParseContention(std::string_view b, LegacyProfile& p, const ReadLimits& limits);   // legacy_text.cc
ParseOutcome ParseJavaProfile(std::string_view b, LegacyProfile& p, const ReadLimits& limits);  // legacy_java.cc
// Called by ParseCPU when the header's third word is 1 (legacy_java.cc).
ParseOutcome JavaCPUProfile(std::string_view b, int64_t period, WordReader word, LegacyProfile& p,
                            const ReadLimits& limits);

// Limits a parser checks as it goes, so that no input takes unbounded memory.
Status CheckSampleLimits(const LegacyProfile& p, size_t stack_depth, const ReadLimits& limits);

}  // namespace legacy

// Tries each legacy parser in pprof's order on decompressed bytes. Returns
// the profile; or, when no parser recognizes the bytes, an error whose
// message is `unrecognized` (so the caller can report the proto error
// instead); or the error of the parser that recognized its format.
struct LegacyResult {
  std::shared_ptr<Profile> profile;
  bool recognized = false;
  Status status;
};
LegacyResult ParseLegacyProfile(std::string_view bytes, const ReadLimits& limits);

}  // namespace pprofsql
