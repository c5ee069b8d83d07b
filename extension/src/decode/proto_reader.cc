// profile.proto -> Profile. The only file that sees the generated protobuf
// classes. Validation follows pprof's postDecode and CheckValid
// (pprof-semantics.md §1.3-1.4): the same conditions are errors, with
// messages that say where the problem is.
#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>

#include "decode/reader.h"
#include "profile.pb.h"

namespace pprofsql {
namespace {

namespace pb = perftools::profiles;

class Decoder {
 public:
  explicit Decoder(Profile& p) : p_(p) {}

  // Resolves a string-table index, checking its range.
  bool Str(int64_t index, StrId* out, const char* what) {
    if (index < 0 || static_cast<uint64_t>(index) >= p_.strings.size()) {
      error_ = fmt::format("malformed profile: {} refers to string {} but the string table has {} entries",
                           what, index, p_.strings.size());
      return false;
    }
    *out = static_cast<StrId>(index);
    return true;
  }

  Status Run(pb::Profile& m) {
    // Strings first: everything else refers to them.
    p_.strings.reserve(m.string_table_size());
    for (auto& s : *m.mutable_string_table()) p_.strings.push_back(std::move(s));
    m.clear_string_table();
    if (p_.strings.empty()) {
      // Every real profile has at least "": this is some other protobuf, or
      // bytes that happen to parse as one.
      return Status::Error(
          "malformed profile: the string table is empty (entry 0 must be \"\"); is this a pprof profile?");
    }
    if (!p_.strings[0].empty()) {
      return Status::Error("malformed profile: string_table[0] must be ''");
    }
    if (p_.strings.size() >= kNone) return Status::Error("malformed profile: too many strings");

    for (const auto& vt : m.sample_type()) {
      ValueType t;
      if (!Str(vt.type(), &t.type, "a sample type") || !Str(vt.unit(), &t.unit, "a sample type's unit")) {
        return Status::Error(error_);
      }
      p_.sample_types.push_back(t);
    }
    if (m.has_period_type() &&
        (!Str(m.period_type().type(), &p_.period_type.type, "period_type") ||
         !Str(m.period_type().unit(), &p_.period_type.unit, "period_type's unit"))) {
      return Status::Error(error_);
    }
    if (!Str(m.drop_frames(), &p_.drop_frames, "drop_frames") ||
        !Str(m.keep_frames(), &p_.keep_frames, "keep_frames") ||
        !Str(m.default_sample_type(), &p_.default_sample_type, "default_sample_type") ||
        !Str(m.doc_url(), &p_.doc_url, "doc_url")) {
      return Status::Error(error_);
    }
    for (int64_t c : m.comment()) {
      StrId id;
      if (!Str(c, &id, "a comment")) return Status::Error(error_);
      p_.comments.push_back(id);
    }
    p_.period = m.period();
    p_.time_nanos = m.time_nanos();
    p_.duration_nanos = m.duration_nanos();

    PPROF_RETURN_IF_ERROR(Mappings(m));
    PPROF_RETURN_IF_ERROR(Functions(m));
    PPROF_RETURN_IF_ERROR(Locations(m));
    return Samples(m);
  }

 private:
  Status Mappings(pb::Profile& m) {
    p_.mappings.reserve(m.mapping_size());
    for (const auto& pm : m.mapping()) {
      if (pm.id() == 0) return Status::Error("malformed profile: found mapping with reserved ID=0");
      Mapping x;
      x.id = pm.id();
      x.memory_start = pm.memory_start();
      x.memory_limit = pm.memory_limit();
      x.file_offset = pm.file_offset();
      if (!Str(pm.filename(), &x.filename, "a mapping's filename") ||
          !Str(pm.build_id(), &x.build_id, "a mapping's build_id")) {
        return Status::Error(error_);
      }
      x.has_functions = pm.has_functions();
      x.has_filenames = pm.has_filenames();
      x.has_line_numbers = pm.has_line_numbers();
      x.has_inline_frames = pm.has_inline_frames();
      if (!p_.mapping_index.emplace(x.id, static_cast<uint32_t>(p_.mappings.size())).second) {
        return Status::Error(fmt::format("malformed profile: multiple mappings with same id: {}", x.id));
      }
      p_.mappings.push_back(x);
    }
    m.clear_mapping();
    return Status();
  }

  Status Functions(pb::Profile& m) {
    p_.functions.reserve(m.function_size());
    for (const auto& pf : m.function()) {
      if (pf.id() == 0) return Status::Error("malformed profile: found function with reserved ID=0");
      Function f;
      f.id = pf.id();
      if (!Str(pf.name(), &f.name, "a function's name") ||
          !Str(pf.system_name(), &f.system_name, "a function's system_name") ||
          !Str(pf.filename(), &f.filename, "a function's filename")) {
        return Status::Error(error_);
      }
      f.start_line = pf.start_line();
      if (!p_.function_index.emplace(f.id, static_cast<uint32_t>(p_.functions.size())).second) {
        return Status::Error(fmt::format("malformed profile: multiple functions with same id: {}", f.id));
      }
      p_.functions.push_back(f);
    }
    m.clear_function();
    return Status();
  }

  Status Locations(pb::Profile& m) {
    p_.locations.reserve(m.location_size());
    for (const auto& pl : m.location()) {
      if (pl.id() == 0) return Status::Error("malformed profile: found location with reserved id=0");
      Location l;
      l.id = pl.id();
      l.address = pl.address();
      l.is_folded = pl.is_folded();
      // An unknown mapping id silently means "no mapping", as in pprof.
      if (auto it = p_.mapping_index.find(pl.mapping_id()); it != p_.mapping_index.end()) {
        l.mapping = it->second;
      }
      l.lines_begin = static_cast<uint32_t>(p_.lines.size());
      for (const auto& pline : pl.line()) {
        auto it = p_.function_index.find(pline.function_id());
        if (it == p_.function_index.end()) {
          return Status::Error(fmt::format(
              "malformed profile: location id: {} has a line with nil function (function id {} does not exist)",
              l.id, pline.function_id()));
        }
        p_.lines.push_back(Line{it->second, pline.line(), pline.column()});
      }
      if (p_.lines.size() >= kNone) return Status::Error("malformed profile: too many lines");
      l.lines_end = static_cast<uint32_t>(p_.lines.size());
      if (!p_.location_index.emplace(l.id, static_cast<uint32_t>(p_.locations.size())).second) {
        return Status::Error(fmt::format("malformed profile: multiple locations with same id: {}", l.id));
      }
      p_.locations.push_back(l);
    }
    m.clear_location();
    return Status();
  }

  Status Samples(pb::Profile& m) {
    const size_t ntypes = p_.sample_types.size();
    if (m.sample_size() > 0 && ntypes == 0) {
      return Status::Error("malformed profile: missing sample type information");
    }
    p_.samples.reserve(m.sample_size());
    // Reserve what the message holds, not samples x types: a small file of
    // many empty samples and many types must fail on the mismatch below, not
    // first ask for terabytes.
    size_t stack_total = 0, value_total = 0;
    for (const auto& ps : m.sample()) {
      stack_total += ps.location_id_size();
      value_total += ps.value_size();
    }
    p_.values.reserve(value_total);
    if (stack_total >= kNone) return Status::Error("malformed profile: too many stack frames");
    p_.stack.reserve(stack_total);
    for (int i = 0; i < m.sample_size(); i++) {
      const auto& ps = m.sample(i);
      if (static_cast<size_t>(ps.value_size()) != ntypes) {
        return Status::Error(fmt::format("malformed profile: mismatch: sample {} has {} values vs. {} types",
                                         i + 1, ps.value_size(), ntypes));
      }
      Sample s;
      s.stack_begin = static_cast<uint32_t>(p_.stack.size());
      for (uint64_t id : ps.location_id()) {
        auto it = p_.location_index.find(id);
        if (it == p_.location_index.end()) {
          return Status::Error(fmt::format(
              "malformed profile: sample has nil location (sample {} refers to location id {}, which does not exist)",
              i + 1, id));
        }
        p_.stack.push_back(it->second);
      }
      s.stack_end = static_cast<uint32_t>(p_.stack.size());
      p_.values.insert(p_.values.end(), ps.value().begin(), ps.value().end());
      s.labels_begin = static_cast<uint32_t>(p_.labels.size());
      for (const auto& pl : ps.label()) {
        Label l;
        if (!Str(pl.key(), &l.key, "a label's key") || !Str(pl.str(), &l.str, "a label's value") ||
            !Str(pl.num_unit(), &l.num_unit, "a label's unit")) {
          return Status::Error(error_);
        }
        l.num = pl.num();
        // pprof keeps a label only if it has a string value, or a number or unit.
        if (l.str == 0 && l.num == 0 && l.num_unit == 0) continue;
        p_.labels.push_back(l);
      }
      if (p_.labels.size() >= kNone) return Status::Error("malformed profile: too many labels");
      s.labels_end = static_cast<uint32_t>(p_.labels.size());
      p_.samples.push_back(s);
    }
    return Status();
  }

  Profile& p_;
  std::string error_;
};

// Reads a varint at b[*pos], advancing *pos; false if malformed or cut short.
bool ReadVarint(std::string_view b, size_t* pos, uint64_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64 && *pos < b.size(); shift += 7) {
    const auto byte = static_cast<unsigned char>(b[(*pos)++]);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (byte < 0x80) {
      *out = v;
      return true;
    }
  }
  return false;
}

// Two profiles concatenated (`cat a.pb b.pb`, or two gzip members) are one
// valid protobuf message, which protobuf would merge without a word. Go's
// decoder catches it: a time_nanos (field 9) arriving when time_nanos is
// already nonzero means a second profile (errConcatProfile,
// pprof-semantics.md §1.2). This walks the top-level fields to do the same.
bool IsConcatenated(std::string_view b) {
  size_t pos = 0;
  uint64_t time_nanos = 0;
  while (pos < b.size()) {
    uint64_t tag, v;
    if (!ReadVarint(b, &pos, &tag)) return false;
    switch (tag & 7) {
      case 0:
        if (!ReadVarint(b, &pos, &v)) return false;
        if (tag >> 3 == 9) {
          if (time_nanos != 0) return true;
          time_nanos = v;
        }
        break;
      case 1:
        if (b.size() - pos < 8) return false;
        pos += 8;
        break;
      case 2:
        if (!ReadVarint(b, &pos, &v) || v > b.size() - pos) return false;
        pos += static_cast<size_t>(v);
        break;
      case 5:
        if (b.size() - pos < 4) return false;
        pos += 4;
        break;
      default:  // groups: not pprof's, and protobuf skipped them
        return false;
    }
  }
  return false;
}

}  // namespace

Result<std::shared_ptr<Profile>> DecodeProfile(std::string_view bytes) {
  if (bytes.empty()) return Status::Error("parsing profile: empty input file");
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Status::Error("parsing profile: larger than 2 GiB, which protobuf cannot decode");
  }
  pb::Profile m;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status::Error("parsing profile: not a valid profile.proto message (corrupt or truncated protobuf, "
                         "or not a pprof profile)");
  }
  if (IsConcatenated(bytes)) {
    return Status::Error("parsing profile: concatenated profiles detected (the file holds more than one profile)");
  }
  auto p = std::make_shared<Profile>();
  Decoder d(*p);
  PPROF_RETURN_IF_ERROR(d.Run(m));
  return p;
}

Result<std::shared_ptr<Profile>> ParseProfile(std::string_view file_bytes, const ReadLimits& limits) {
  if (file_bytes.empty()) return Status::Error("parsing profile: empty input file");
  Result<std::string> raw = MaybeGunzip(file_bytes, limits);
  if (!raw.ok()) return raw.status();
  return DecodeProfile(*raw);
}

Result<std::string> ReadFile(const std::string& path, uint64_t max_bytes) {
  // Only regular files: opening a FIFO with no writer would block forever.
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) return Status::Error("not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(std::string("cannot open: ") + std::strerror(errno));
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0) return Status::Error("cannot read (not a regular file?)");
  if (static_cast<uint64_t>(size) > max_bytes) {
    return Status::Error(fmt::format(
        "file is {} bytes, larger than the limit of {} bytes (raise it with pprof_config('max_profile_bytes', N))",
        size, max_bytes));
  }
  in.seekg(0, std::ios::beg);
  std::string data(static_cast<size_t>(size), '\0');
  if (size > 0 && !in.read(&data[0], size)) return Status::Error("read error");
  return data;
}

}  // namespace pprofsql
