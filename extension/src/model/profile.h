// The in-memory profile model: one profile.proto message, decoded and
// validated, with every cross reference resolved to a dense index.
//
// Strings are interned in `strings` (the profile's own string table; entry 0
// is ""), and every string-valued field is a StrId into it. Samples keep
// their stacks, values and labels in three flat arrays, addressed by ranges,
// so a profile of a million samples is a handful of allocations.
//
// Nothing here knows about SQLite or protobuf: decode/ builds a Profile,
// vtab/ and tables/ read it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pprofsql {

using StrId = uint32_t;               // index into Profile::strings
constexpr uint32_t kNone = UINT32_MAX;  // "no mapping" / "no function"

struct ValueType {
  StrId type = 0;
  StrId unit = 0;
};

struct Mapping {
  uint64_t id = 0;
  uint64_t memory_start = 0, memory_limit = 0, file_offset = 0;
  StrId filename = 0, build_id = 0;
  bool has_functions = false, has_filenames = false, has_line_numbers = false,
       has_inline_frames = false;
};

struct Function {
  uint64_t id = 0;
  StrId name = 0, system_name = 0, filename = 0;
  int64_t start_line = 0;
};

struct Line {
  uint32_t function = kNone;  // index into Profile::functions
  int64_t line = 0;
  int64_t column = 0;
};

struct Location {
  uint64_t id = 0;
  uint32_t mapping = kNone;  // index into Profile::mappings
  uint64_t address = 0;
  uint32_t lines_begin = 0, lines_end = 0;  // range in Profile::lines
  bool is_folded = false;
};

// A label as pprof keeps it after decoding: either a string (str != 0) or a
// number with an optional unit. Labels with neither are dropped on read.
struct Label {
  StrId key = 0;
  StrId str = 0;
  int64_t num = 0;
  StrId num_unit = 0;
  bool is_string() const { return str != 0; }
};

struct Sample {
  uint32_t stack_begin = 0, stack_end = 0;    // range in Profile::stack
  uint32_t labels_begin = 0, labels_end = 0;  // range in Profile::labels
};

struct Profile {
  std::vector<std::string> strings;
  std::vector<ValueType> sample_types;
  std::vector<Sample> samples;
  std::vector<uint32_t> stack;   // location indices, leaf first, per sample
  std::vector<int64_t> values;   // samples.size() * sample_types.size()
  std::vector<Label> labels;
  std::vector<Location> locations;
  std::vector<Line> lines;
  std::vector<Function> functions;
  std::vector<Mapping> mappings;

  ValueType period_type;
  int64_t period = 0;
  int64_t time_nanos = 0;
  int64_t duration_nanos = 0;
  std::vector<StrId> comments;
  StrId drop_frames = 0, keep_frames = 0, default_sample_type = 0, doc_url = 0;

  // id -> index, for the ids the SQL tables expose.
  std::unordered_map<uint64_t, uint32_t> location_index, function_index, mapping_index;

  std::string_view str(StrId id) const { return strings[id]; }
  size_t num_types() const { return sample_types.size(); }
  int64_t value(size_t sample, size_t type) const {
    return values[sample * sample_types.size() + type];
  }
  // The sample type pprof reports when no -sample_index is given:
  // default_sample_type if it names a type, else the last one (-1 if none).
  int DefaultSampleIndex() const;
  // Approximate bytes held, for limits and pprof_profiles.memory_bytes.
  size_t MemoryBytes() const;
};

// One frame of pprof's inline-expanded walk of a sample (graph.go, newGraph):
// locations from the leaf (stack index 0) to the root, and within a location
// its lines from line[0] (innermost inlined callee) to the last (the caller).
// A location without lines still yields one frame, with line_index -1.
struct Frame {
  uint32_t location;    // index into Profile::locations
  int32_t line_index;   // index within the location's lines, or -1
  uint32_t stack_depth; // position of the location in the sample's stack
};

// Appends the frames of `sample`, leaf first, to `out` (which is cleared).
// This is the one place that defines the order pprof's reports walk a stack.
void ExpandFrames(const Profile& p, uint32_t sample, std::vector<Frame>& out);

}  // namespace pprofsql
