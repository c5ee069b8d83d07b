// profile.proto bytes -> Profile: a streaming decoder of the protobuf wire
// format, written for this one message, straight into the model's flat
// arrays (no intermediate message objects: a profile of a million samples
// costs its model and little more).
//
// Wire rules follow pprof's own decoder (profile/proto.go, encode.go;
// pprof-semantics.md §1.2): wire types 0, 1, 2 and 5 are read, unknown
// fields skipped; Sample.location_id, Sample.value and Profile.comment may
// be packed or not; every other known scalar must be a varint; a second
// nonzero time_nanos means two concatenated profiles. Validation follows
// postDecode and CheckValid (§1.3-1.4), with messages that say where.
//
// Two passes: the first walks the top-level fields, reading scalars and the
// string table and noting where each message lies (pprof writes the string
// table last); the second decodes mappings, functions, locations and then
// samples, once every id they refer to is known.
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "decode/reader.h"

namespace pprofsql {
namespace {

struct Span {
  const uint8_t* begin;
  const uint8_t* end;
};

// One protobuf field: its number, wire type, and value (varint or fixed) or bytes.
struct Field {
  uint32_t number = 0;
  uint32_t wire = 0;
  uint64_t value = 0;
  Span bytes{nullptr, nullptr};
};

class Reader {
 public:
  Reader(const uint8_t* begin, const uint8_t* end, const uint8_t* base) : p_(begin), end_(end), base_(base) {}
  bool done() const { return p_ >= end_; }

  // Reads the next field; false with error() set on malformed input.
  bool Next(Field* f) {
    uint64_t tag;
    if (!Varint(&tag)) return false;
    f->number = static_cast<uint32_t>(tag >> 3);
    f->wire = static_cast<uint32_t>(tag & 7);
    if (f->number == 0) return Fail("field number 0");
    switch (f->wire) {
      case 0:
        return Varint(&f->value);
      case 1:
        if (end_ - p_ < 8) return Fail("not enough data for a fixed64");
        f->value = 0;
        for (int i = 7; i >= 0; i--) f->value = (f->value << 8) | p_[i];
        p_ += 8;
        return true;
      case 2: {
        uint64_t len;
        if (!Varint(&len)) return false;
        if (len > static_cast<uint64_t>(end_ - p_)) return Fail("a length runs past the end of its message");
        f->bytes = {p_, p_ + len};
        p_ += len;
        return true;
      }
      case 5:
        if (end_ - p_ < 4) return Fail("not enough data for a fixed32");
        f->value = static_cast<uint64_t>(p_[0]) | static_cast<uint64_t>(p_[1]) << 8 |
                   static_cast<uint64_t>(p_[2]) << 16 | static_cast<uint64_t>(p_[3]) << 24;
        p_ += 4;
        return true;
      default:
        return Fail(fmt::format("unknown wire type {}", f->wire));
    }
  }

  bool Varint(uint64_t* out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (p_ >= end_) return Fail("a varint runs past the end of its message");
      uint8_t b = *p_++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) {
        *out = v;
        return true;
      }
    }
    return Fail("bad varint");
  }

  bool Fail(std::string what) {
    if (error_.empty()) error_ = fmt::format("{} at byte {}", what, p_ - base_);
    p_ = end_;
    return false;
  }
  const std::string& error() const { return error_; }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
  const uint8_t* base_;
  std::string error_;
};

class Decoder {
 public:
  Decoder(std::string_view bytes, const ReadLimits& limits, Profile& p)
      : base_(reinterpret_cast<const uint8_t*>(bytes.data())), end_(base_ + bytes.size()), limits_(limits), p_(p) {}

  Status Run() {
    PPROF_RETURN_IF_ERROR(ScanTopLevel());
    if (p_.strings.empty()) {
      // Every real profile has at least "": this is some other protobuf, or
      // bytes that happen to parse as one.
      return Status::Error(
          "malformed profile: the string table is empty (entry 0 must be \"\"); is this a pprof profile?");
    }
    if (!p_.strings[0].empty()) return Status::Error("malformed profile: string_table[0] must be ''");
    if (p_.strings.size() >= kNone) return Status::Error("malformed profile: too many strings");
    PPROF_RETURN_IF_ERROR(CheckLimit(limits_, &ReadLimits::max_samples, samples_.size()));
    for (size_t n : {locations_.size(), functions_.size(), mappings_.size()}) {
      PPROF_RETURN_IF_ERROR(CheckLimit(limits_, &ReadLimits::max_locations, n));
    }
    PPROF_RETURN_IF_ERROR(Charge(mappings_.size() * (sizeof(Mapping) + kIndexBytes) +
                                 functions_.size() * (sizeof(Function) + kIndexBytes) +
                                 locations_.size() * (sizeof(Location) + kIndexBytes) +
                                 samples_.size() * sizeof(Sample) + sample_types_.size() * sizeof(ValueType) +
                                 comments_.size() * sizeof(StrId)));
    PPROF_RETURN_IF_ERROR(Header());
    PPROF_RETURN_IF_ERROR(Mappings());
    PPROF_RETURN_IF_ERROR(Functions());
    PPROF_RETURN_IF_ERROR(Locations());
    return Samples();
  }

 private:
  static Status WireError(const std::string& what) {
    return Status::Error("parsing profile: not a valid profile.proto message: " + what +
                         " (corrupt, truncated, or not a pprof profile)");
  }
  static Status TypeMismatch(const char* field) {
    return WireError(fmt::format("type mismatch in {}", field));
  }

  // The memory the profile takes, counted as it is decoded against
  // max_memory_bytes, so that the limit bounds the decoding too, not only
  // what stays loaded: a few bytes of the file can take many times as many
  // in memory (an empty string is 2 bytes of the file and 32 of memory, a
  // location 4 and 80), and a small gzip file could otherwise exhaust memory
  // before the limit is checked. Charge() counts the model as
  // Profile::MemoryBytes does (never more, so a profile that fits is never
  // refused here); ChargeScratch() the decoder's own bookkeeping (where each
  // message lies), against the same limit on its own.
  static constexpr uint64_t kIndexBytes = 40;  // an id -> index hash entry, as MemoryBytes counts it
  Status Charge(uint64_t bytes) {
    charged_ += bytes;
    return CheckMemory(limits_, charged_);
  }
  Status ChargeScratch(uint64_t bytes) {
    scratch_ += bytes;
    return CheckMemory(limits_, scratch_);
  }

  // Pass 1: scalars and strings now, messages noted for later.
  Status ScanTopLevel() {
    Reader r(base_, end_, base_);
    Field f;
    while (!r.done()) {
      if (!r.Next(&f)) return WireError(r.error());
      const bool is_bytes = f.wire == 2;
      switch (f.number) {
        case 1: case 2: case 3: case 4: case 5: case 11: {
          if (!is_bytes) return TypeMismatch("a message field");
          std::vector<Span>* dst = f.number == 1 ? &sample_types_ : f.number == 2 ? &samples_
                                   : f.number == 3 ? &mappings_ : f.number == 4 ? &locations_
                                   : f.number == 5 ? &functions_ : &period_types_;
          PPROF_RETURN_IF_ERROR(ChargeScratch(sizeof(Span)));
          dst->push_back(f.bytes);
          break;
        }
        case 6: {
          if (!is_bytes) return TypeMismatch("string_table");
          PPROF_RETURN_IF_ERROR(CheckLimit(limits_, &ReadLimits::max_string_bytes,
                                           static_cast<uint64_t>(f.bytes.end - f.bytes.begin)));
          const uint64_t len = static_cast<uint64_t>(f.bytes.end - f.bytes.begin);
          PPROF_RETURN_IF_ERROR(Charge(sizeof(std::string) + (len > 15 ? len : 0)));  // as MemoryBytes counts it
          p_.strings.emplace_back(reinterpret_cast<const char*>(f.bytes.begin), f.bytes.end - f.bytes.begin);
          if (p_.strings.size() == 1 && !p_.strings[0].empty()) {
            return Status::Error("malformed profile: string_table[0] must be ''");
          }
          break;
        }
        case 13:
          PPROF_RETURN_IF_ERROR(Int64s(f, &comments_, "comment", 0, sizeof(int64_t)));
          break;
        case 7: case 8: case 9: case 10: case 12: case 14: case 15: {
          if (f.wire != 0) return TypeMismatch("a header field");
          const int64_t v = static_cast<int64_t>(f.value);
          if (f.number == 9) {
            // pprof: a time_nanos when one is already set means two profiles were concatenated.
            if (p_.time_nanos != 0) {
              return Status::Error(
                  "parsing profile: concatenated profiles detected (the file holds more than one profile)");
            }
            p_.time_nanos = v;
          }
          if (f.number == 7) drop_frames_ = v;
          if (f.number == 8) keep_frames_ = v;
          if (f.number == 10) p_.duration_nanos = v;
          if (f.number == 12) p_.period = v;
          if (f.number == 14) default_sample_type_ = v;
          if (f.number == 15) doc_url_ = v;
          break;
        }
        default:
          break;  // unknown fields are skipped
      }
    }
    return Status();
  }

  // A repeated int64 field, packed or not. Each value is charged
  // `model_bytes` and `scratch_bytes` (see Charge).
  Status Int64s(const Field& f, std::vector<int64_t>* out, const char* what, uint64_t model_bytes,
                uint64_t scratch_bytes) {
    if (f.wire == 0) {
      PPROF_RETURN_IF_ERROR(Charge(model_bytes));
      PPROF_RETURN_IF_ERROR(ChargeScratch(scratch_bytes));
      out->push_back(static_cast<int64_t>(f.value));
      return Status();
    }
    if (f.wire != 2) return TypeMismatch(what);
    Reader r(f.bytes.begin, f.bytes.end, f.bytes.begin);
    uint64_t v;
    while (!r.done()) {
      if (!r.Varint(&v)) return WireError(fmt::format("{} in packed {}", r.error(), what));
      PPROF_RETURN_IF_ERROR(Charge(model_bytes));
      PPROF_RETURN_IF_ERROR(ChargeScratch(scratch_bytes));
      out->push_back(static_cast<int64_t>(v));
    }
    return Status();
  }

  // Reads a message's fields into `values` (by field number, up to `n`), for
  // messages whose fields are all varints. Returns the error, if any.
  Status Scalars(Span s, uint64_t* values, uint32_t n, const char* what) {
    Reader r(s.begin, s.end, base_);
    Field f;
    while (!r.done()) {
      if (!r.Next(&f)) return WireError(r.error());
      if (f.number >= n) continue;
      if (f.wire != 0) return TypeMismatch(what);
      values[f.number] = f.value;
    }
    return Status();
  }

  bool Str(int64_t index, StrId* out, const char* what) {
    if (index < 0 || static_cast<uint64_t>(index) >= p_.strings.size()) {
      error_ = fmt::format("malformed profile: {} refers to string {} but the string table has {} entries", what,
                           index, p_.strings.size());
      return false;
    }
    *out = static_cast<StrId>(index);
    return true;
  }
  bool Str(uint64_t index, StrId* out, const char* what) { return Str(static_cast<int64_t>(index), out, what); }

  Status Header() {
    for (Span s : sample_types_) {
      uint64_t v[3] = {0, 0, 0};
      PPROF_RETURN_IF_ERROR(Scalars(s, v, 3, "sample_type"));
      ValueType t;
      if (!Str(v[1], &t.type, "a sample type") || !Str(v[2], &t.unit, "a sample type's unit")) {
        return Status::Error(error_);
      }
      p_.sample_types.push_back(t);
    }
    for (Span s : period_types_) {  // the last one wins
      uint64_t v[3] = {0, 0, 0};
      PPROF_RETURN_IF_ERROR(Scalars(s, v, 3, "period_type"));
      if (!Str(v[1], &p_.period_type.type, "period_type") || !Str(v[2], &p_.period_type.unit, "period_type's unit")) {
        return Status::Error(error_);
      }
    }
    if (!Str(drop_frames_, &p_.drop_frames, "drop_frames") || !Str(keep_frames_, &p_.keep_frames, "keep_frames") ||
        !Str(default_sample_type_, &p_.default_sample_type, "default_sample_type") ||
        !Str(doc_url_, &p_.doc_url, "doc_url")) {
      return Status::Error(error_);
    }
    for (int64_t c : comments_) {
      StrId id;
      if (!Str(c, &id, "a comment")) return Status::Error(error_);
      p_.comments.push_back(id);
    }
    return Status();
  }

  Status Mappings() {
    p_.mappings.reserve(mappings_.size());
    for (Span s : mappings_) {
      uint64_t v[11] = {};
      PPROF_RETURN_IF_ERROR(Scalars(s, v, 11, "mapping"));
      if (v[1] == 0) return Status::Error("malformed profile: found mapping with reserved ID=0");
      Mapping m;
      m.id = v[1];
      m.memory_start = v[2];
      m.memory_limit = v[3];
      m.file_offset = v[4];
      if (!Str(v[5], &m.filename, "a mapping's filename") || !Str(v[6], &m.build_id, "a mapping's build_id")) {
        return Status::Error(error_);
      }
      m.has_functions = v[7] != 0;
      m.has_filenames = v[8] != 0;
      m.has_line_numbers = v[9] != 0;
      m.has_inline_frames = v[10] != 0;
      if (!p_.mapping_index.emplace(m.id, static_cast<uint32_t>(p_.mappings.size())).second) {
        return Status::Error(fmt::format("malformed profile: multiple mappings with same id: {}", m.id));
      }
      p_.mappings.push_back(m);
    }
    return Status();
  }

  Status Functions() {
    p_.functions.reserve(functions_.size());
    for (Span s : functions_) {
      uint64_t v[6] = {};
      PPROF_RETURN_IF_ERROR(Scalars(s, v, 6, "function"));
      if (v[1] == 0) return Status::Error("malformed profile: found function with reserved ID=0");
      Function fn;
      fn.id = v[1];
      if (!Str(v[2], &fn.name, "a function's name") || !Str(v[3], &fn.system_name, "a function's system_name") ||
          !Str(v[4], &fn.filename, "a function's filename")) {
        return Status::Error(error_);
      }
      fn.start_line = static_cast<int64_t>(v[5]);
      if (!p_.function_index.emplace(fn.id, static_cast<uint32_t>(p_.functions.size())).second) {
        return Status::Error(fmt::format("malformed profile: multiple functions with same id: {}", fn.id));
      }
      p_.functions.push_back(fn);
    }
    return Status();
  }

  Status Locations() {
    p_.locations.reserve(locations_.size());
    for (Span s : locations_) {
      Location l;
      uint64_t mapping_id = 0;
      l.lines_begin = static_cast<uint32_t>(p_.lines.size());
      Reader r(s.begin, s.end, base_);
      Field f;
      std::vector<uint64_t> line_functions;
      while (!r.done()) {
        if (!r.Next(&f)) return WireError(r.error());
        if (f.number == 4) {
          if (f.wire != 2) return TypeMismatch("a location's line");
          uint64_t v[4] = {};
          PPROF_RETURN_IF_ERROR(Scalars(f.bytes, v, 4, "line"));
          PPROF_RETURN_IF_ERROR(Charge(sizeof(Line)));
          // The line list lives as long as this location: checked, not charged.
          PPROF_RETURN_IF_ERROR(CheckMemory(limits_, scratch_ + (line_functions.size() + 1) * sizeof(uint64_t)));
          line_functions.push_back(v[1]);
          p_.lines.push_back(Line{kNone, static_cast<int64_t>(v[2]), static_cast<int64_t>(v[3])});
          continue;
        }
        if (f.number > 5) continue;
        if (f.wire != 0) return TypeMismatch("location");
        if (f.number == 1) l.id = f.value;
        if (f.number == 2) mapping_id = f.value;
        if (f.number == 3) l.address = f.value;
        if (f.number == 5) l.is_folded = f.value != 0;
      }
      if (l.id == 0) return Status::Error("malformed profile: found location with reserved id=0");
      for (size_t i = 0; i < line_functions.size(); i++) {
        auto it = p_.function_index.find(line_functions[i]);
        if (it == p_.function_index.end()) {
          return Status::Error(fmt::format(
              "malformed profile: location id: {} has a line with nil function (function id {} does not exist)",
              l.id, line_functions[i]));
        }
        p_.lines[l.lines_begin + i].function = it->second;
      }
      if (p_.lines.size() >= kNone) return Status::Error("malformed profile: too many lines");
      l.lines_end = static_cast<uint32_t>(p_.lines.size());
      // An unknown mapping id silently means "no mapping", as in pprof.
      if (auto it = p_.mapping_index.find(mapping_id); it != p_.mapping_index.end()) l.mapping = it->second;
      if (!p_.location_index.emplace(l.id, static_cast<uint32_t>(p_.locations.size())).second) {
        return Status::Error(fmt::format("malformed profile: multiple locations with same id: {}", l.id));
      }
      p_.locations.push_back(l);
    }
    // Location ids are usually dense: a direct table beats hashing per frame.
    uint64_t max_id = 0;
    for (const Location& l : p_.locations) max_id = std::max(max_id, l.id);
    if (max_id <= 2 * p_.locations.size() + 1024) {
      dense_locations_.assign(max_id + 1, kNone);
      for (size_t i = 0; i < p_.locations.size(); i++) dense_locations_[p_.locations[i].id] = static_cast<uint32_t>(i);
    }
    return Status();
  }

  uint32_t LocationIndex(uint64_t id) const {
    if (!dense_locations_.empty()) return id < dense_locations_.size() ? dense_locations_[id] : kNone;
    auto it = p_.location_index.find(id);
    return it == p_.location_index.end() ? kNone : it->second;
  }

  Status Samples() {
    const size_t ntypes = p_.sample_types.size();
    if (!samples_.empty() && ntypes == 0) return Status::Error("malformed profile: missing sample type information");
    p_.samples.reserve(samples_.size());
    // Every value takes at least a byte of the file: never reserve more than
    // that, whatever the sample and type counts claim.
    p_.values.reserve(std::min<size_t>(samples_.size() * ntypes, static_cast<size_t>(end_ - base_)));
    std::vector<int64_t> values;
    // The frames the reports walk: a location counts once per line (its
    // inlined calls), so a few bytes (one location of many lines, referenced
    // again and again) could otherwise expand to trillions of frames.
    uint64_t frames = 0;
    for (size_t i = 0; i < samples_.size(); i++) {
      Sample smp;
      smp.stack_begin = static_cast<uint32_t>(p_.stack.size());
      smp.labels_begin = static_cast<uint32_t>(p_.labels.size());
      values.clear();
      uint64_t nvalues = 0;
      Reader r(samples_[i].begin, samples_[i].end, base_);
      Field f;
      while (!r.done()) {
        if (!r.Next(&f)) return WireError(r.error());
        if (f.number == 1) {
          PPROF_RETURN_IF_ERROR(LocationIds(f, i, smp.stack_begin));
        } else if (f.number == 2) {
          PPROF_RETURN_IF_ERROR(Values(f, ntypes, &values, &nvalues));
        } else if (f.number == 3) {
          if (f.wire != 2) return TypeMismatch("a sample's label");
          uint64_t v[5] = {};
          PPROF_RETURN_IF_ERROR(Scalars(f.bytes, v, 5, "label"));
          Label l;
          if (!Str(v[1], &l.key, "a label's key") || !Str(v[2], &l.str, "a label's value") ||
              !Str(v[4], &l.num_unit, "a label's unit")) {
            return Status::Error(error_);
          }
          l.num = static_cast<int64_t>(v[3]);
          // pprof keeps a label only if it has a string value, or a number or unit.
          if (l.str != 0 || l.num != 0 || l.num_unit != 0) {
            // Checked label by label: one sample's labels can run for the
            // whole file, far past the limit.
            PPROF_RETURN_IF_ERROR(
                CheckLimit(limits_, &ReadLimits::max_labels_per_sample, p_.labels.size() - smp.labels_begin + 1));
            PPROF_RETURN_IF_ERROR(Charge(sizeof(Label)));
            p_.labels.push_back(l);
          }
        }
      }
      for (size_t k = smp.stack_begin; k < p_.stack.size(); k++) {
        const Location& l = p_.locations[p_.stack[k]];
        frames += std::max<uint64_t>(1, l.lines_end - l.lines_begin);
      }
      if (nvalues != ntypes) {
        return Status::Error(fmt::format("malformed profile: mismatch: sample {} has {} values vs. {} types", i + 1,
                                         nvalues, ntypes));
      }
      if (p_.stack.size() >= kNone || p_.labels.size() >= kNone) {
        return Status::Error("malformed profile: too many stack frames or labels");
      }
      PPROF_RETURN_IF_ERROR(Charge(values.size() * sizeof(int64_t)));
      p_.values.insert(p_.values.end(), values.begin(), values.end());
      smp.stack_end = static_cast<uint32_t>(p_.stack.size());
      smp.labels_end = static_cast<uint32_t>(p_.labels.size());
      p_.samples.push_back(smp);
    }
    return CheckLimit(limits_, &ReadLimits::max_frames, frames);
  }

  // A sample's values (packed or not): every one is counted, for the
  // mismatch error, but only the first `ntypes` are kept, so that a sample
  // whose values run for the whole file takes no memory for them.
  Status Values(const Field& f, size_t ntypes, std::vector<int64_t>* out, uint64_t* count) {
    auto add = [&](uint64_t v) {
      if (out->size() < ntypes) out->push_back(static_cast<int64_t>(v));
      ++*count;
    };
    if (f.wire == 0) {
      add(f.value);
      return Status();
    }
    if (f.wire != 2) return TypeMismatch("value");
    Reader r(f.bytes.begin, f.bytes.end, f.bytes.begin);
    uint64_t v;
    while (!r.done()) {
      if (!r.Varint(&v)) return WireError(fmt::format("{} in packed value", r.error()));
      add(v);
    }
    return Status();
  }

  Status LocationIds(const Field& f, size_t sample, size_t stack_begin) {
    auto add = [&](uint64_t id) -> Status {
      uint32_t index = LocationIndex(id);
      if (index == kNone) {
        return Status::Error(fmt::format(
            "malformed profile: sample has nil location (sample {} refers to location id {}, which does not exist)",
            sample + 1, id));
      }
      // Checked frame by frame, as labels are.
      PPROF_RETURN_IF_ERROR(CheckLimit(limits_, &ReadLimits::max_stack_depth, p_.stack.size() - stack_begin + 1));
      PPROF_RETURN_IF_ERROR(Charge(sizeof(uint32_t)));
      p_.stack.push_back(index);
      return Status();
    };
    if (f.wire == 0) return add(f.value);
    if (f.wire != 2) return TypeMismatch("location_id");
    Reader r(f.bytes.begin, f.bytes.end, base_);
    uint64_t v;
    while (!r.done()) {
      if (!r.Varint(&v)) return WireError(r.error());
      PPROF_RETURN_IF_ERROR(add(v));
    }
    return Status();
  }

  const uint8_t* base_;
  const uint8_t* end_;
  const ReadLimits& limits_;
  uint64_t charged_ = 0, scratch_ = 0;
  Profile& p_;
  std::string error_;
  std::vector<Span> sample_types_, samples_, mappings_, locations_, functions_, period_types_;
  std::vector<int64_t> comments_;
  uint64_t drop_frames_ = 0, keep_frames_ = 0, default_sample_type_ = 0, doc_url_ = 0;
  std::vector<uint32_t> dense_locations_;
};

}  // namespace

Result<std::shared_ptr<Profile>> DecodeProfile(std::string_view bytes, const ReadLimits& limits) {
  if (bytes.empty()) return Status::Error("parsing profile: empty input file");
  auto p = std::make_shared<Profile>();
  Decoder d(bytes, limits, *p);
  PPROF_RETURN_IF_ERROR(d.Run());
  return p;
}

}  // namespace pprofsql
