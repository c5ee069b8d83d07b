// Reading profile files into the model. The only entry point that turns bytes
// into a Profile; every failure is a Status whose message says what is wrong
// (the caller adds the file name).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/profile.h"

namespace pprofsql {

// What one connection accepts, so that no input can take unbounded memory
// or time. Each is a pprof_config setting of the same name (Limits()).
struct ReadLimits {
  uint64_t max_profile_bytes = uint64_t{1} << 30;   // a profile, decompressed: stops gzip bombs
  uint64_t max_samples = 100000000;                  // samples in one profile
  uint64_t max_locations = 50000000;                 // locations (and functions, mappings) in one profile
  uint64_t max_stack_depth = 1000000;                // locations in one sample's stack
  uint64_t max_frames = 1000000000;                  // frames of all stacks, inlined frames included
  uint64_t max_string_bytes = uint64_t{64} << 20;    // one string of the string table
  uint64_t max_labels_per_sample = 100000;           // labels on one sample
  // All profiles loaded in one connection. 2 GiB: a laptop survives a
  // connection at the limit (plus the decompressed file, up to
  // max_profile_bytes, while one loads); a bigger profile needs it raised.
  uint64_t max_memory_bytes = uint64_t{2} << 30;

  // Not a setting: what the connection's other profiles (and those a
  // directory load has read so far) already take, so that a load stops as
  // soon as the total passes max_memory_bytes instead of after decoding.
  uint64_t memory_in_use = 0;
};

struct LimitInfo {
  const char* name;
  uint64_t ReadLimits::*field;
  const char* what;  // what it bounds, for error messages and docs
};
// Every limit, for pprof_config and the docs.
const std::vector<LimitInfo>& Limits();

// "<what> is N, more than the limit of M (raise it with pprof_config('name', N))".
Status LimitError(const LimitInfo& limit, uint64_t value, uint64_t max);
Status CheckLimit(const ReadLimits& limits, uint64_t ReadLimits::*field, uint64_t value);
// max_memory_bytes against memory_in_use + `bytes` (a load's own memory).
Status CheckMemory(const ReadLimits& limits, uint64_t bytes);

// gzip-compressed (any number of concatenated members) or raw bytes,
// detected from the magic number as pprof does. The result holds at most
// limits.max_profile_bytes bytes.
Result<std::string> MaybeGunzip(std::string_view data, const ReadLimits& limits);

// Decodes and validates profile.proto bytes (already decompressed). Follows
// pprof's postDecode and CheckValid (pprof-semantics.md §1.2-1.4).
Result<std::shared_ptr<Profile>> DecodeProfile(std::string_view proto_bytes, const ReadLimits& limits = ReadLimits());

// MaybeGunzip + DecodeProfile.
Result<std::shared_ptr<Profile>> ParseProfile(std::string_view file_bytes, const ReadLimits& limits);

// Reads a whole file, refusing files larger than `max_bytes`.
Result<std::string> ReadFile(const std::string& path, uint64_t max_bytes);

}  // namespace pprofsql
