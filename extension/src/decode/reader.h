// Reading profile files into the model. The only entry point that turns bytes
// into a Profile; every failure is a Status whose message says what is wrong
// (the caller adds the file name).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "model/profile.h"

namespace pprofsql {

struct ReadLimits {
  // Largest profile accepted, after decompression: stops gzip bombs.
  // Raised with pprof_config('max_profile_bytes', N).
  uint64_t max_profile_bytes = uint64_t{1} << 30;
};

// gzip-compressed (any number of concatenated members) or raw bytes,
// detected from the magic number as pprof does. The result holds at most
// limits.max_profile_bytes bytes.
Result<std::string> MaybeGunzip(std::string_view data, const ReadLimits& limits);

// Decodes and validates profile.proto bytes (already decompressed). Follows
// pprof's postDecode and CheckValid (pprof-semantics.md §1.2-1.4).
Result<std::shared_ptr<Profile>> DecodeProfile(std::string_view proto_bytes);

// MaybeGunzip + DecodeProfile.
Result<std::shared_ptr<Profile>> ParseProfile(std::string_view file_bytes, const ReadLimits& limits);

// Reads a whole file, refusing files larger than `max_bytes`.
Result<std::string> ReadFile(const std::string& path, uint64_t max_bytes);

}  // namespace pprofsql
