#include "model/profile.h"

namespace pprofsql {

int Profile::DefaultSampleIndex() const {
  if (sample_types.empty()) return -1;
  if (default_sample_type != 0) {
    for (size_t i = 0; i < sample_types.size(); i++) {
      if (str(sample_types[i].type) == str(default_sample_type)) return static_cast<int>(i);
    }
  }
  return static_cast<int>(sample_types.size()) - 1;
}

size_t Profile::MemoryBytes() const {
  size_t n = sizeof(Profile);
  for (const auto& s : strings) n += sizeof(s) + (s.size() > 15 ? s.capacity() : 0);
  n += samples.capacity() * sizeof(Sample) + stack.capacity() * sizeof(uint32_t) +
       values.capacity() * sizeof(int64_t) + labels.capacity() * sizeof(Label) +
       locations.capacity() * sizeof(Location) + lines.capacity() * sizeof(Line) +
       functions.capacity() * sizeof(Function) + mappings.capacity() * sizeof(Mapping) +
       sample_types.capacity() * sizeof(ValueType) + comments.capacity() * sizeof(StrId);
  // Hash maps: roughly a node (key, value, next) plus a bucket per entry.
  n += (location_index.size() + function_index.size() + mapping_index.size()) * 40;
  return n;
}

void ExpandFrames(const Profile& p, uint32_t sample, std::vector<Frame>& out) {
  out.clear();
  const Sample& s = p.samples[sample];
  for (uint32_t i = s.stack_begin; i < s.stack_end; i++) {
    uint32_t loc = p.stack[i];
    const Location& l = p.locations[loc];
    uint32_t depth = i - s.stack_begin;
    if (l.lines_begin == l.lines_end) {
      out.push_back({loc, -1, depth});
      continue;
    }
    for (uint32_t j = l.lines_begin; j < l.lines_end; j++) {
      out.push_back({loc, static_cast<int32_t>(j - l.lines_begin), depth});
    }
  }
}

}  // namespace pprofsql
