// libFuzzer target: bytes -> pprofsql::ParseProfile (gzip detection and
// inflation, the protobuf wire decoder, pprof's validation), then a walk
// over the model the decoder built, so that every index it resolved is
// dereferenced once (under AddressSanitizer a wrong index is a crash here
// rather than later in a report).
//
// Build and run: fuzz/run.sh (fuzz/README.md).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "decode/reader.h"
#include "model/profile.h"

namespace {

// Decompressed profiles above this are refused, as pprof_config's
// max_profile_bytes would: a 256 KiB gzip input can claim far more. (Not
// 64 MiB: decoding that much, linear as it is, can take more than
// libFuzzer's 10 s under ASan, UBSan and the coverage instrumentation.)
constexpr uint64_t kMaxProfileBytes = uint64_t{16} << 20;
// And more than this many frames (a location counts once per line): the walk
// below must stay short whatever a few bytes claim.
constexpr uint64_t kMaxFrames = 10000000;
// And more than this in memory (pprof_config's max_memory_bytes), far below
// libFuzzer's -rss_limit_mb: the decoder must stop before, not after.
constexpr uint64_t kMaxMemoryBytes = uint64_t{128} << 20;

// Every cross reference of the model must point inside its array.
void CheckModel(const pprofsql::Profile& p) {
  const size_t nstr = p.strings.size();
  auto check_str = [&](pprofsql::StrId id) {
    if (id >= nstr) abort();
  };
  for (const auto& t : p.sample_types) check_str(t.type), check_str(t.unit);
  check_str(p.period_type.type);
  check_str(p.period_type.unit);
  check_str(p.drop_frames);
  check_str(p.keep_frames);
  check_str(p.default_sample_type);
  check_str(p.doc_url);
  for (pprofsql::StrId c : p.comments) check_str(c);
  for (const auto& m : p.mappings) check_str(m.filename), check_str(m.build_id);
  for (const auto& f : p.functions) check_str(f.name), check_str(f.system_name), check_str(f.filename);
  for (const auto& l : p.lines) {
    if (l.function != pprofsql::kNone && l.function >= p.functions.size()) abort();
  }
  for (const auto& l : p.locations) {
    if (l.mapping != pprofsql::kNone && l.mapping >= p.mappings.size()) abort();
    if (l.lines_begin > l.lines_end || l.lines_end > p.lines.size()) abort();
  }
  for (const auto& l : p.labels) check_str(l.key), check_str(l.str), check_str(l.num_unit);
  if (p.values.size() != p.samples.size() * p.sample_types.size()) abort();
  for (const auto& s : p.samples) {
    if (s.stack_begin > s.stack_end || s.stack_end > p.stack.size()) abort();
    if (s.labels_begin > s.labels_end || s.labels_end > p.labels.size()) abort();
  }
  for (uint32_t loc : p.stack) {
    if (loc >= p.locations.size()) abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pprofsql::ReadLimits limits;
  limits.max_profile_bytes = kMaxProfileBytes;
  limits.max_frames = kMaxFrames;
  limits.max_memory_bytes = kMaxMemoryBytes;
  auto parsed = pprofsql::ParseProfile(std::string_view(reinterpret_cast<const char*>(data), size), limits);
  if (!parsed.ok()) {
    // Every failure says what is wrong.
    if (parsed.status().message().empty()) abort();
    return 0;
  }
  const pprofsql::Profile& p = *parsed.value();
  CheckModel(p);

  // What every report does first: the inline-expanded walk of each sample,
  // and its values for the default sample type.
  std::vector<pprofsql::Frame> frames;
  const int index = p.DefaultSampleIndex();
  if (index >= static_cast<int>(p.num_types())) abort();
  int64_t sum = 0;
  size_t nframes = 0;
  for (uint32_t i = 0; i < p.samples.size(); i++) {
    pprofsql::ExpandFrames(p, i, frames);
    nframes += frames.size();
    for (const pprofsql::Frame& f : frames) {
      const pprofsql::Location& l = p.locations[f.location];
      if (f.line_index >= 0) {
        const pprofsql::Line& line = p.lines[l.lines_begin + static_cast<uint32_t>(f.line_index)];
        if (line.function != pprofsql::kNone) {
          sum += static_cast<int64_t>(p.str(p.functions[line.function].name).size());
        }
      }
    }
    // Wrapping sum: values are arbitrary int64s (UBSan would flag signed overflow).
    if (index >= 0) sum = static_cast<int64_t>(static_cast<uint64_t>(sum) + static_cast<uint64_t>(p.value(i, index)));
  }
  if (nframes > kMaxFrames) abort();  // the decoder's max_frames check missed some
  if (p.MemoryBytes() < sizeof(pprofsql::Profile)) abort();
  // Keep the walk from being optimised away.
  volatile uint64_t sink = static_cast<uint64_t>(sum) + nframes;
  (void)sink;
  return 0;
}
