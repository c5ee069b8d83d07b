// gperftools' binary CPU profile ("profilez"), as pprof reads it
// (legacy_profile.go: parseCPU, cpuProfile). The file is a sequence of
// words, 32 or 64 bits, in the writer's byte order:
//   header   0, 3, 0 (C++) or 1 (Java), sampling period in µs, 0
//   samples  count, depth, depth addresses (leaf first) ...
//   marker   0, 1, 0
// followed by the process's memory map as text (/proc/self/maps).
#include <unordered_map>

#include "decode/legacy.h"

namespace pprofsql {
namespace legacy {
namespace {

template <int kBytes, bool kBigEndian>
bool ReadWord(std::string_view& b, uint64_t* out) {
  if (b.size() < kBytes) return false;
  uint64_t v = 0;
  for (int i = 0; i < kBytes; i++) {
    const auto byte = static_cast<uint8_t>(b[kBigEndian ? i : kBytes - 1 - i]);
    v = (v << 8) | byte;
  }
  b.remove_prefix(kBytes);
  *out = v;
  return true;
}

// pprof's cpuProfile: the C++ profile after its header.
ParseOutcome CPUProfile(std::string_view b, int64_t period_us, WordReader word, LegacyProfile& p,
                        const ReadLimits& limits) {
  p.period = static_cast<int64_t>(static_cast<uint64_t>(period_us) * 1000);
  p.period_type = "cpu", p.period_unit = "nanoseconds";
  p.sample_types = {{"samples", "count"}, {"cpu", "nanoseconds"}};
  std::unordered_map<uint64_t, uint32_t> locs;
  std::string_view rest;
  ParseOutcome parsed = ParseCPUSamples(b, word, /*adjust=*/true, p, &rest, &locs, limits);
  if (!parsed.recognized || !parsed.status.ok()) return parsed;

  // When (nearly) every sample has the same second frame, that frame was
  // pushed by the signal handler, not by the program: remove it, up to
  // twice. The leaf itself comes from the signal context and is right.
  // "Nearly": one sample in 32 may differ.
  const size_t margin = p.samples.size() / 32;
  for (int iter = 0; iter < 2; iter++) {
    std::unordered_map<uint64_t, size_t> second;
    for (const LSample& s : p.samples) {
      if (s.locations.size() > 1) second[p.location_arena[s.locations[1]].address]++;
    }
    // At most one address can reach the threshold, so the map's order does not matter.
    for (const auto& [address, count] : second) {
      if (count + margin < p.samples.size()) continue;
      for (LSample& s : p.samples) {
        if (s.locations.size() > 1 && p.location_arena[s.locations[1]].address == address) {
          s.locations.erase(s.locations.begin() + 1);
        }
      }
      break;
    }
  }

  LineScanner maps(rest);
  ParseOutcome mapped = ParseMemoryMap(maps, p);
  if (!mapped.status.ok()) return mapped;
  CleanupDuplicateLocations(p);
  return ParseOutcome::Ok();
}

}  // namespace

ParseOutcome ParseCPU(std::string_view b, LegacyProfile& p, const ReadLimits& limits) {
  // pprof tries each width and byte order until a header fits.
  static constexpr WordReader kReaders[] = {ReadWord<4, false>, ReadWord<4, true>, ReadWord<8, false>,
                                            ReadWord<8, true>};
  for (WordReader word : kReaders) {
    std::string_view rest = b;
    uint64_t h[5];
    bool complete = true;
    for (uint64_t& v : h) complete = complete && word(rest, &v);
    if (!complete || h[0] != 0 || h[1] != 3 || h[3] == 0 || h[4] != 0) continue;
    if (h[2] == 0) return CPUProfile(rest, static_cast<int64_t>(h[3]), word, p, limits);
    if (h[2] == 1) return JavaCPUProfile(rest, static_cast<int64_t>(h[3]), word, p, limits);
  }
  return ParseOutcome::Unrecognized();
}

}  // namespace legacy
}  // namespace pprofsql
