// Reading a profile file: the bytes, decompressed (gzip.cc), decoded
// (profile_decoder.cc, or legacy_*.cc for the formats before profile.proto).
#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>

#include "decode/legacy.h"
#include "decode/reader.h"

namespace pprofsql {

const std::vector<LimitInfo>& Limits() {
  static const std::vector<LimitInfo> limits = {
      {"max_profile_bytes", &ReadLimits::max_profile_bytes, "the profile's size once decompressed"},
      {"max_samples", &ReadLimits::max_samples, "the number of samples"},
      {"max_locations", &ReadLimits::max_locations, "the number of locations, functions or mappings"},
      {"max_stack_depth", &ReadLimits::max_stack_depth, "the depth of a sample's stack"},
      {"max_frames", &ReadLimits::max_frames, "the number of frames in the samples' stacks (inlined frames included)"},
      {"max_string_bytes", &ReadLimits::max_string_bytes, "the length of a string"},
      {"max_labels_per_sample", &ReadLimits::max_labels_per_sample, "the number of labels of a sample"},
      {"max_memory_bytes", &ReadLimits::max_memory_bytes, "the memory of this connection's loaded profiles"},
  };
  return limits;
}

Status LimitError(const LimitInfo& limit, uint64_t value, uint64_t max) {
  return Status::LimitExceeded(fmt::format("{} is {}, more than the limit of {} (raise it with pprof_config('{}', N))",
                                           limit.what, value, max, limit.name));
}

Status CheckLimit(const ReadLimits& limits, uint64_t ReadLimits::*field, uint64_t value) {
  if (value <= limits.*field) return Status();
  for (const LimitInfo& l : Limits()) {
    if (l.field == field) return LimitError(l, value, limits.*field);
  }
  return Status::Error("limit exceeded");
}

Status CheckMemory(const ReadLimits& limits, uint64_t bytes) {
  return CheckLimit(limits, &ReadLimits::max_memory_bytes, limits.memory_in_use + bytes);
}

Result<std::shared_ptr<Profile>> ParseProfile(std::string_view file_bytes, const ReadLimits& limits) {
  if (file_bytes.empty()) return Status::Error("parsing profile: empty input file");
  // Uncompressed bytes are decoded where they are: a copy would double the
  // memory a big text profile takes while it is read.
  const bool gzip = file_bytes.size() >= 2 && static_cast<unsigned char>(file_bytes[0]) == 0x1f &&
                    static_cast<unsigned char>(file_bytes[1]) == 0x8b;
  std::string inflated;
  std::string_view raw = file_bytes;
  if (gzip || file_bytes.size() > limits.max_profile_bytes) {
    Result<std::string> r = MaybeGunzip(file_bytes, limits);  // or its size error
    if (!r.ok()) return r.status();
    inflated = std::move(*r);
    raw = inflated;
  }
  Result<std::shared_ptr<Profile>> proto = DecodeProfile(raw, limits);
  // As pprof: bytes that are not a profile.proto message may be one of the
  // older formats; concatenated profiles are not (pprof-semantics.md §8).
  // A limit the proto reader hit is the answer too: the legacy readers would
  // only fail on the same bytes with a less useful message.
  if (proto.ok() || proto.status().message().find("concatenated profiles") != std::string::npos ||
      proto.status().is_limit()) {
    return proto;
  }
  LegacyResult legacy = ParseLegacyProfile(raw, limits);
  if (legacy.profile) return legacy.profile;
  // When no older format recognizes the bytes either, the proto reader's
  // error says more about what is wrong with them.
  return legacy.recognized ? legacy.status : proto.status();
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
    return Status::LimitExceeded(fmt::format(
        "file is {} bytes, larger than the limit of {} bytes (raise it with pprof_config('max_profile_bytes', N))",
        size, max_bytes));
  }
  in.seekg(0, std::ios::beg);
  std::string data(static_cast<size_t>(size), '\0');
  if (size > 0 && !in.read(&data[0], size)) return Status::Error("read error");
  return data;
}

}  // namespace pprofsql
