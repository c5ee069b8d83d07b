// Corrupted profiles in bulk: deterministic mutations of the corpus's real
// profiles (decompressed), each loaded with pprof_load. Every variant must
// either load -- and then answer a count(*) over every table and the -top
// report -- or fail with an error that starts with "pprof_load: " and names
// the file. None may crash (this suite also runs under AddressSanitizer and
// UBSan), hang (a watchdog aborts a variant that runs past its budget) or
// use unbounded memory (inputs are bounded, max_profile_bytes is small, and
// the peak RSS is checked).
//
// Mutations, from fixed seeds: truncations, bit flips, byte stomps,
// overlong and overflowing varints (10+ byte varints, 0xff runs), huge
// length prefixes, deep nesting (messages inside messages), repeated and
// cyclic ids (duplicate ids, a stack of one location 10,000 times, A-B
// recursion), negative ids (10-byte varints), zero-length strings, a string
// table of a million empty strings, label spam, and wire-level field edits
// (dropped, duplicated, renumbered, retyped fields).
//
// Also: every input under tests/fuzz-regressions/ (inputs the fuzzers of
// fuzz/ once crashed on) must load cleanly or fail with a clear error.
#include <dirent.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "profile.pb.h"
#include "test_util.h"

namespace {

using pprof_test::Gunzip;
using pprof_test::Gzip;
using pprof_test::TempDir;

namespace pb = perftools::profiles;
using pprof_test::Db;
using pprof_test::Quote;

// ---- budgets ----

// No variant is larger than this, and none may decompress to more than
// kMaxProfileBytes (pprof_config('max_profile_bytes')).
constexpr size_t kMaxVariantBytes = size_t{4} << 20;
constexpr int64_t kMaxProfileBytes = int64_t{16} << 20;
// One variant (load, counts, -top) under ASan on a slow machine: a hang, not
// slowness, trips the watchdog.
constexpr int kVariantSeconds = 30;
// Peak resident memory of the whole test process (ASan included).
constexpr long kMaxRssMiB = 3072;

// Aborts the process, naming the variant, when one runs past its budget: a
// hang must fail the test rather than stall CI until ctest's timeout.
class Watchdog {
 public:
  Watchdog() : thread_([this] { Loop(); }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void Arm(const std::string& what, int seconds) {
    std::lock_guard<std::mutex> lock(mu_);
    what_ = what;
    deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    armed_ = true;
  }
  void Disarm() {
    std::lock_guard<std::mutex> lock(mu_);
    armed_ = false;
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      cv_.wait_for(lock, std::chrono::milliseconds(200));
      if (armed_ && std::chrono::steady_clock::now() > deadline_) {
        fprintf(stderr, "mutation_test: %s ran for more than its budget: a hang\n", what_.c_str());
        std::abort();
      }
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false, armed_ = false;
  std::string what_;
  std::chrono::steady_clock::time_point deadline_;
  std::thread thread_;
};

long PeakRssMiB() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

// ---- deterministic randomness (splitmix64: the same on every platform) ----

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return n ? static_cast<size_t>(Next() % n) : 0; }

 private:
  uint64_t s_;
};

// ---- files ----




// The corpus profiles the variants start from (profile.proto, gzipped in the
// corpus): small and varied, so that a thousand variants stay within the
// suite's time under the sanitizers.
const char* const kSeeds[] = {
    "go1.cpu.pb.gz",
    "go1.mutex.pb.gz",
    "go1.goroutine.pb.gz",
    "go1.block.pb.gz",
    "go1.heap-sampled.pb.gz",
    "cpp1.heap.sym.pb.gz",
    "pprof-testdata/internal/driver/testdata/go.nomappings.crash",
    "pprof-testdata/internal/report/testdata/sample.cpu",
    "pprof-testdata/internal/driver/testdata/cppbench.cpu_no_samples_type",
};

struct Seed {
  std::string name;
  std::string raw;  // decompressed profile.proto bytes
};

const std::vector<Seed>& Seeds() {
  static const std::vector<Seed>* seeds = [] {
    auto* out = new std::vector<Seed>;
    for (const char* s : kSeeds) {
      std::string path = pprof_test::CorpusPath(s);
      // The tests assert the committed seeds are there; pprof-testdata's are
      // accounted for by Mutation.PprofTestdataSeeds.
      if (!pprof_test::Exists(path)) continue;
      std::string base = s;
      base = base.substr(base.rfind('/') + 1);
      out->push_back({base, Gunzip(pprof_test::ReadAll(path))});
    }
    return out;
  }();
  return *seeds;
}

// How many of `seeds` are pprof's own testdata (../shared/corpus/dev, not committed).
template <size_t N>
size_t PprofTestdataSeeds(const char* const (&seeds)[N]) {
  size_t n = 0;
  for (const char* s : seeds) n += std::string(s).rfind("pprof-testdata/", 0) == 0;
  return n;
}

// Every seed is there, except pprof-testdata's when ../shared is absent
// (Mutation.PprofTestdataSeeds then says how many did not run).
template <size_t N>
size_t ExpectedSeeds(const char* const (&seeds)[N]) {
  return pprof_test::PprofTestdataPresent() ? N : N - PprofTestdataSeeds(seeds);
}

#define ASSERT_SEEDS() ASSERT_EQ(Seeds().size(), ExpectedSeeds(kSeeds))

// ---- a profile.proto message as a tree of wire fields ----
//
// Parsed with the schema's message fields (Profile's sample_type, sample,
// mapping, location, function, period_type; Sample's label; Location's
// line) so that a mutation deep inside can be re-encoded with every
// enclosing length right, and reaches the decoder's checks past framing.

struct WireField {
  uint32_t number = 0;
  uint32_t wire = 0;
  uint64_t value = 0;          // wire 0, 1, 5
  std::string bytes;           // wire 2, not a message
  std::vector<WireField> sub;  // wire 2, a message
  bool message = false;
  // Encoding tweaks: extra bytes in the tag's, value's or length's varint
  // (overlong: valid up to 10 bytes in all, malformed past that), or a
  // length to write instead of the real one.
  int tag_pad = 0, value_pad = 0;
  bool has_length = false;
  uint64_t length = 0;
  // When set: written after the tag instead of the value (or length and
  // bytes), e.g. an unterminated run of 0xff.
  std::string raw;
};
using WireMessage = std::vector<WireField>;

enum class Kind { kProfile, kSample, kLocation, kOther };

Kind SubKind(Kind parent, uint32_t number) {
  if (parent == Kind::kProfile) {
    if (number == 2) return Kind::kSample;
    if (number == 4) return Kind::kLocation;
    if (number == 1 || number == 3 || number == 5 || number == 11) return Kind::kOther;
  }
  if (parent == Kind::kSample && number == 3) return Kind::kOther;
  if (parent == Kind::kLocation && number == 4) return Kind::kOther;
  return Kind::kProfile;  // not a message
}
bool IsMessage(Kind parent, uint32_t number) { return SubKind(parent, number) != Kind::kProfile; }

bool ReadVarint(const std::string& s, size_t* pos, uint64_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64 && *pos < s.size(); shift += 7) {
    uint8_t b = static_cast<uint8_t>(s[(*pos)++]);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *out = v;
      return true;
    }
  }
  return false;
}

bool ParseWire(const std::string& s, Kind kind, WireMessage* out) {
  size_t pos = 0;
  while (pos < s.size()) {
    WireField f;
    uint64_t tag;
    if (!ReadVarint(s, &pos, &tag)) return false;
    f.number = static_cast<uint32_t>(tag >> 3);
    f.wire = static_cast<uint32_t>(tag & 7);
    if (f.wire == 0) {
      if (!ReadVarint(s, &pos, &f.value)) return false;
    } else if (f.wire == 1 || f.wire == 5) {
      size_t n = f.wire == 1 ? 8 : 4;
      if (s.size() - pos < n) return false;
      for (size_t i = 0; i < n; i++) f.value |= static_cast<uint64_t>(static_cast<uint8_t>(s[pos + i])) << (8 * i);
      pos += n;
    } else if (f.wire == 2) {
      uint64_t len;
      if (!ReadVarint(s, &pos, &len) || len > s.size() - pos) return false;
      std::string body = s.substr(pos, static_cast<size_t>(len));
      pos += static_cast<size_t>(len);
      if (IsMessage(kind, f.number)) {
        f.message = true;
        if (!ParseWire(body, SubKind(kind, f.number), &f.sub)) return false;
      } else {
        f.bytes = std::move(body);
      }
    } else {
      return false;
    }
    out->push_back(std::move(f));
  }
  return true;
}

void PutVarint(std::string* out, uint64_t v, int pad) {
  if (pad <= 0) {
    while (v >= 0x80) {
      out->push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out->push_back(static_cast<char>(v));
    return;
  }
  // Overlong: the value's groups, then `pad` more groups of zero bits.
  std::vector<uint8_t> groups;
  do {
    groups.push_back(static_cast<uint8_t>(v & 0x7f));
    v >>= 7;
  } while (v);
  for (int i = 0; i < pad; i++) groups.push_back(0);
  for (size_t i = 0; i < groups.size(); i++) {
    out->push_back(static_cast<char>(groups[i] | (i + 1 < groups.size() ? 0x80 : 0)));
  }
}

std::string Encode(const WireMessage& m) {
  std::string out;
  for (const WireField& f : m) {
    PutVarint(&out, (static_cast<uint64_t>(f.number) << 3) | f.wire, f.tag_pad);
    if (!f.raw.empty()) {
      out += f.raw;
    } else if (f.wire == 0) {
      PutVarint(&out, f.value, f.value_pad);
    } else if (f.wire == 1 || f.wire == 5) {
      for (int i = 0; i < (f.wire == 1 ? 8 : 4); i++) out.push_back(static_cast<char>(f.value >> (8 * i)));
    } else if (f.wire == 2) {
      std::string body = f.message ? Encode(f.sub) : f.bytes;
      PutVarint(&out, f.has_length ? f.length : body.size(), f.value_pad);
      out += body;
    }
  }
  return out;
}

WireMessage Parse(const std::string& raw) {
  WireMessage m;
  EXPECT_TRUE(ParseWire(raw, Kind::kProfile, &m)) << "corpus profile does not parse as profile.proto";
  return m;
}

// Every field of the tree, depth first.
void Collect(WireMessage& m, std::vector<WireField*>* out) {
  for (WireField& f : m) {
    out->push_back(&f);
    if (f.message) Collect(f.sub, out);
  }
}

pb::Profile Proto(const std::string& raw) {
  pb::Profile p;
  EXPECT_TRUE(p.ParseFromString(raw));
  return p;
}

std::string Serialize(const pb::Profile& p) {
  std::string out;
  EXPECT_TRUE(p.SerializeToString(&out));
  return out;
}

// ---- variants ----

// What a variant must do; most may either load or fail.
enum class Expect { kEither, kLoad, kError };

struct Variant {
  std::string name;  // category/seed/n: says which mutation failed
  std::string bytes;
  Expect expect = Expect::kEither;
  bool all_views = false;  // run every report view on it, not only -top
};

class Variants {
 public:
  explicit Variants(std::string category) : category_(std::move(category)) {}
  void Add(const std::string& seed, const std::string& what, std::string bytes, Expect expect = Expect::kEither,
           bool all_views = false) {
    list_.push_back({category_ + "/" + seed + "/" + what, std::move(bytes), expect, all_views});
  }
  std::vector<Variant>& list() { return list_; }

 private:
  std::string category_;
  std::vector<Variant> list_;
};

std::vector<Variant> Truncations() {
  Variants v("truncate");
  for (const Seed& s : Seeds()) {
    Rng rng(0x7275 ^ s.raw.size());
    const size_t n = s.raw.size();
    for (size_t k = 0; k < 20; k++) v.Add(s.name, "even" + std::to_string(k), s.raw.substr(0, n * k / 20));
    for (int k = 0; k < 8; k++) {
      size_t cut = rng.Below(n);
      v.Add(s.name, "at" + std::to_string(cut), s.raw.substr(0, cut));
    }
    v.Add(s.name, "minus1", s.raw.substr(0, n - 1));
    v.Add(s.name, "1byte", s.raw.substr(0, 1));
  }
  return std::move(v.list());
}

std::vector<Variant> BitFlips() {
  Variants v("bitflip");
  for (const Seed& s : Seeds()) {
    Rng rng(0xb17f ^ s.raw.size());
    for (int k = 0; k < 40; k++) {
      std::string b = s.raw;
      const int flips = 1 + static_cast<int>(rng.Below(k < 20 ? 2 : 16));
      for (int i = 0; i < flips; i++) b[rng.Below(b.size())] ^= static_cast<char>(1u << rng.Below(8));
      v.Add(s.name, std::to_string(k) + "x" + std::to_string(flips), std::move(b));
    }
  }
  return std::move(v.list());
}

std::vector<Variant> ByteStomps() {
  Variants v("stomp");
  const uint8_t values[] = {0x00, 0xff, 0x80, 0x7f, 0x0a, 0x12};
  for (const Seed& s : Seeds()) {
    Rng rng(0x5707 ^ s.raw.size());
    for (int k = 0; k < 12; k++) {
      std::string b = s.raw;
      const size_t at = rng.Below(b.size());
      const size_t run = 1 + rng.Below(k < 6 ? 4 : 64);
      const char c = static_cast<char>(values[rng.Below(sizeof(values))]);
      for (size_t i = at; i < std::min(b.size(), at + run); i++) b[i] = c;
      v.Add(s.name, std::to_string(k), std::move(b));
    }
    // 0xff runs inserted (not overwritten): an endless varint to the end.
    for (size_t run : {size_t{10}, size_t{11}, size_t{64}, size_t{4096}}) {
      std::string b = s.raw;
      b.insert(rng.Below(b.size()), std::string(run, '\xff'));
      v.Add(s.name, "ffrun" + std::to_string(run), std::move(b));
      v.Add(s.name, "ffend" + std::to_string(run), s.raw + std::string(run, '\xff'));
    }
  }
  return std::move(v.list());
}

std::vector<Variant> Varints() {
  Variants v("varint");
  for (const Seed& s : Seeds()) {
    Rng rng(0xa417 ^ s.raw.size());
    for (int k = 0; k < 24; k++) {
      WireMessage m = Parse(s.raw);
      std::vector<WireField*> fields;
      Collect(m, &fields);
      WireField* f = fields[rng.Below(fields.size())];
      std::string what;
      switch (k % 6) {
        case 0:  // the value as a valid 10-byte varint (same value)
          if (f->wire == 0) f->value_pad = 10 - (f->value ? (64 - __builtin_clzll(f->value) + 6) / 7 : 1);
          what = "overlong10";
          break;
        case 1:  // 11 bytes and more: malformed
          f->value_pad = 10 + static_cast<int>(rng.Below(20));
          what = "overlong" + std::to_string(f->value_pad);
          break;
        case 2:  // the tag overlong
          f->tag_pad = 1 + static_cast<int>(rng.Below(12));
          what = "tagpad" + std::to_string(f->tag_pad);
          break;
        case 3:  // the value's top bits set: 2^63 and up, as a 10-byte varint
          if (f->wire == 0) f->value |= uint64_t{1} << 63;
          what = "top-bit";
          break;
        case 4:  // every value bit set
          if (f->wire == 0) f->value = ~uint64_t{0};
          what = "all-ones";
          break;
        default:  // a run of 0xff where the value (or length) was: it swallows what follows
          f->raw = std::string(1 + rng.Below(k < 12 ? 12 : 200), '\xff');
          what = "ffvalue" + std::to_string(f->raw.size());
          break;
      }
      // A same-value re-encoding in at most 10 bytes is still valid
      // protobuf, as pprof's decoder reads it: the profile still loads.
      const bool valid = (k % 6 == 0) || (k % 6 == 2 && f->tag_pad + (f->number >= 16 ? 2 : 1) <= 10);
      v.Add(s.name, std::to_string(k) + "-" + what + "-field" + std::to_string(f->number), Encode(m),
            valid ? Expect::kLoad : Expect::kEither);
    }
  }
  return std::move(v.list());
}

std::vector<Variant> Lengths() {
  Variants v("length");
  const uint64_t huge[] = {uint64_t{1} << 31, uint64_t{1} << 32, (uint64_t{1} << 32) - 1, uint64_t{1} << 63,
                           ~uint64_t{0}, ~uint64_t{0} - 1, 0x7fffffffffffffffu};
  for (const Seed& s : Seeds()) {
    Rng rng(0x1e57 ^ s.raw.size());
    for (int k = 0; k < 14; k++) {
      WireMessage m = Parse(s.raw);
      std::vector<WireField*> fields;
      Collect(m, &fields);
      std::vector<WireField*> delimited;
      for (WireField* f : fields) {
        if (f->wire == 2) delimited.push_back(f);
      }
      WireField* f = delimited[rng.Below(delimited.size())];
      f->has_length = true;
      const size_t real = f->message ? Encode(f->sub).size() : f->bytes.size();
      if (k < 7) {
        f->length = huge[k];
      } else if (k < 10) {
        f->length = real + 1 + rng.Below(1000);  // a little past the end
      } else if (k < 12) {
        f->length = real ? real - 1 : 0;  // a little short: the rest is read as fields
      } else {
        f->length = 0;
      }
      v.Add(s.name, std::to_string(k) + "-field" + std::to_string(f->number) + "-len" + std::to_string(f->length),
            Encode(m));
    }
  }
  return std::move(v.list());
}

// `depth` messages, each the only field (number `number`) of the one around
// it, innermost `core`. Sizes first, so that it is written in one pass.
std::string Nested(uint32_t number, size_t depth, const std::string& core) {
  std::string tag;
  PutVarint(&tag, (static_cast<uint64_t>(number) << 3) | 2, 0);
  std::vector<uint64_t> len(depth + 1);  // len[i]: the body of level i (0: core)
  len[0] = core.size();
  for (size_t i = 1; i <= depth; i++) {
    std::string prefix;
    PutVarint(&prefix, len[i - 1], 0);
    len[i] = tag.size() + prefix.size() + len[i - 1];
  }
  std::string out;
  out.reserve(static_cast<size_t>(len[depth]));
  for (size_t i = depth; i >= 1; i--) {
    out += tag;
    PutVarint(&out, len[i - 1], 0);
  }
  return out + core;
}

std::vector<Variant> Nesting() {
  Variants v("nesting");
  for (size_t si = 0; si < Seeds().size(); si++) {
    const Seed& s = Seeds()[si];
    for (size_t depth : {size_t{1}, size_t{64}, size_t{10000}, size_t{100000}}) {
      const std::string d = std::to_string(depth);
      // Unknown field 100 at the top: skipped, however deep.
      v.Add(s.name, "unknown-top-" + d, s.raw + Nested(100, depth, ""));
      if (si % 3 != 0) continue;
      // Inside known messages: a sample, a label, a location's line, a
      // mapping, a function, a sample type, each holding nested messages
      // under one of its own field numbers (a scalar field given a message).
      WireMessage m = Parse(s.raw);
      for (uint32_t top : {1u, 2u, 3u, 4u, 5u}) {
        for (auto& f : m) {
          if (f.number != top || !f.message) continue;
          for (uint32_t inner : {1u, 2u, 3u, 4u, 99u}) {
            WireMessage copy = m;
            for (auto& g : copy) {
              if (g.number != top || !g.message) continue;
              WireField nest;
              nest.number = inner;
              nest.wire = 2;
              nest.bytes = Nested(inner, depth, "");
              g.sub.push_back(nest);
              break;
            }
            v.Add(s.name, "in" + std::to_string(top) + "." + std::to_string(inner) + "-" + d, Encode(copy));
          }
          break;
        }
      }
    }
  }
  return std::move(v.list());
}

// Mutations of ids through the generated classes: the result is well-formed
// protobuf, so they reach pprof's checks (or load).
std::vector<Variant> Ids() {
  Variants v("ids");
  for (const Seed& s : Seeds()) {
    const pb::Profile base = Proto(s.raw);
    auto add = [&](const std::string& what, const std::function<bool(pb::Profile&)>& edit,
                   Expect expect = Expect::kEither, bool all_views = false) {
      pb::Profile p = base;
      if (edit(p)) v.Add(s.name, what, Serialize(p), expect, all_views);
    };
    // Duplicate ids.
    add("dup-location", [](pb::Profile& p) {
      if (p.location_size() < 2) return false;
      p.mutable_location(1)->set_id(p.location(0).id());
      return true;
    }, Expect::kError);
    add("dup-function", [](pb::Profile& p) {
      if (p.function_size() < 2) return false;
      p.mutable_function(p.function_size() - 1)->set_id(p.function(0).id());
      return true;
    }, Expect::kError);
    add("dup-mapping", [](pb::Profile& p) {
      if (p.mapping_size() < 1) return false;
      *p.add_mapping() = p.mapping(0);
      return true;
    }, Expect::kError);
    add("dup-location-copy", [](pb::Profile& p) {
      if (p.location_size() < 1) return false;
      *p.add_location() = p.location(0);
      return true;
    }, Expect::kError);
    // Ids that repeat through the references: a stack of one location
    // 10,000 times, A-B-A-B recursion 10,000 deep, a location whose lines all
    // call one function 1,000 times.
    add("stack-one-location-x10000", [](pb::Profile& p) {
      if (p.sample_size() < 1 || p.location_size() < 1) return false;
      auto* smp = p.mutable_sample(0);
      smp->clear_location_id();
      for (int i = 0; i < 10000; i++) smp->add_location_id(p.location(0).id());
      return true;
    }, Expect::kLoad);
    add("stack-ab-recursion-x10000", [](pb::Profile& p) {
      if (p.sample_size() < 1 || p.location_size() < 2) return false;
      for (int k = 0; k < std::min(p.sample_size(), 3); k++) {
        auto* smp = p.mutable_sample(k);
        smp->clear_location_id();
        for (int i = 0; i < 10000; i++) smp->add_location_id(p.location(i % 2).id());
      }
      return true;
    }, Expect::kLoad);
    add("location-1000-lines-one-function", [](pb::Profile& p) {
      if (p.location_size() < 1 || p.function_size() < 1) return false;
      auto* loc = p.mutable_location(0);
      for (int i = 0; i < 1000; i++) {
        auto* line = loc->add_line();
        line->set_function_id(p.function(0).id());
        line->set_line(i);
      }
      return true;
    }, Expect::kLoad);
    add("every-sample-same-stack", [](pb::Profile& p) {
      if (p.sample_size() < 2) return false;
      for (int k = 1; k < p.sample_size(); k++) {
        *p.mutable_sample(k)->mutable_location_id() = p.sample(0).location_id();
      }
      return true;
    }, Expect::kLoad);
    add("location-id-equals-function-and-mapping-ids", [](pb::Profile& p) {
      // Ids are per kind: the same number for a location, its function and
      // its mapping is fine.
      if (p.location_size() < 1 || p.location(0).line_size() < 1 || p.mapping_size() < 1) return false;
      const uint64_t id = 77777;
      const uint64_t fn = p.location(0).line(0).function_id();
      for (auto& f : *p.mutable_function()) {
        if (f.id() == fn) f.set_id(id);
      }
      for (auto& l : *p.mutable_location()) {
        for (auto& line : *l.mutable_line()) {
          if (line.function_id() == fn) line.set_function_id(id);
        }
      }
      const uint64_t old = p.location(0).id();
      p.mutable_location(0)->set_id(id);
      for (auto& smp : *p.mutable_sample()) {
        for (auto& l : *smp.mutable_location_id()) {
          if (l == old) l = id;
        }
      }
      return true;
    }, Expect::kLoad);
    // -mean divides by the sum of value 0: -2^63 / -1 must wrap as in Go
    // (in C++ it traps), in the graph (-top) and per sample (-traces).
    add("mean-min-by-minus-one", [](pb::Profile& p) {
      if (p.sample_type_size() < 2 || p.sample_size() < 1) return false;
      for (auto& smp : *p.mutable_sample()) {
        for (int t = 0; t < smp.value_size(); t++) smp.set_value(t, t == 0 ? 0 : 1);
      }
      auto* smp = p.mutable_sample(0);
      for (int t = 0; t < smp->value_size(); t++) smp->set_value(t, t == 0 ? -1 : INT64_MIN);
      return true;
    }, Expect::kLoad, /*all_views=*/true);
    // Negative ids (int64 -1, -2^63 as 10-byte varints), and huge ones
    // (2^63 - 1, 2^32); as numbers, the extremes that overflow sums.
    for (uint64_t bad : {~uint64_t{0}, uint64_t{1} << 63, ~uint64_t{0} - 1, uint64_t{1} << 32, uint64_t{0},
                         (uint64_t{1} << 63) - 1}) {
      const std::string b = std::to_string(static_cast<int64_t>(bad));
      add("location-id" + b, [bad](pb::Profile& p) {
        if (p.location_size() < 1) return false;
        p.mutable_location(0)->set_id(bad);
        return true;
      });
      add("location-id-renamed" + b, [bad](pb::Profile& p) {
        // The same, with the samples following: loads unless the id is 0.
        if (p.location_size() < 1) return false;
        const uint64_t old = p.location(0).id();
        p.mutable_location(0)->set_id(bad);
        for (auto& smp : *p.mutable_sample()) {
          for (auto& l : *smp.mutable_location_id()) {
            if (l == old) l = bad;
          }
        }
        return true;
      }, bad ? Expect::kLoad : Expect::kError);
      add("function-id" + b, [bad](pb::Profile& p) {
        if (p.function_size() < 1) return false;
        p.mutable_function(0)->set_id(bad);
        return true;
      });
      add("mapping-id" + b, [bad](pb::Profile& p) {
        if (p.mapping_size() < 1) return false;
        p.mutable_mapping(0)->set_id(bad);
        return true;
      });
      add("sample-location-id" + b, [bad](pb::Profile& p) {
        if (p.sample_size() < 1) return false;
        p.mutable_sample(0)->add_location_id(bad);
        return true;
      }, Expect::kError);
      add("line-function-id" + b, [bad](pb::Profile& p) {
        if (p.location_size() < 1) return false;
        p.mutable_location(0)->add_line()->set_function_id(bad);
        return true;
      }, Expect::kError);
      add("location-mapping-id" + b, [bad](pb::Profile& p) {
        if (p.location_size() < 1) return false;
        p.mutable_location(0)->set_mapping_id(bad);
        return true;
      }, Expect::kLoad);
      const int64_t neg = static_cast<int64_t>(bad);
      add("string-index" + b, [neg](pb::Profile& p) {
        if (p.function_size() < 1) return false;
        p.mutable_function(0)->set_name(neg);
        return true;
      }, bad ? Expect::kError : Expect::kLoad);
      add("label-key" + b, [neg](pb::Profile& p) {
        if (p.sample_size() < 1) return false;
        p.mutable_sample(0)->add_label()->set_key(neg);
        return true;
      });
      add("numbers-mixed" + b, [neg](pb::Profile& p) {
        // Extremes beside ordinary values: every other sample's values.
        int k = 0;
        for (auto& smp : *p.mutable_sample()) {
          if (k++ % 2) {
            for (auto& x : *smp.mutable_value()) x = neg;
          }
        }
        return true;
      }, Expect::kLoad, /*all_views=*/true);
      add("numbers" + b, [neg](pb::Profile& p) {
        // Negative (or extreme) numbers where numbers are free: values,
        // lines, columns, start lines, period, times, label numbers.
        for (auto& smp : *p.mutable_sample()) {
          for (auto& x : *smp.mutable_value()) x = neg;
          smp.add_label()->set_num(neg);
        }
        for (auto& l : *p.mutable_location()) {
          l.set_address(static_cast<uint64_t>(neg));
          for (auto& line : *l.mutable_line()) line.set_line(neg), line.set_column(neg);
        }
        for (auto& f : *p.mutable_function()) f.set_start_line(neg);
        p.set_period(neg);
        p.set_time_nanos(neg);
        p.set_duration_nanos(neg);
        return true;
      }, Expect::kLoad, /*all_views=*/true);
    }
  }
  return std::move(v.list());
}

std::vector<Variant> Strings() {
  Variants v("strings");
  for (size_t si = 0; si < Seeds().size(); si++) {
    const Seed& s = Seeds()[si];
    const pb::Profile base = Proto(s.raw);
    auto add = [&](const std::string& what, const std::function<void(pb::Profile&)>& edit) {
      pb::Profile p = base;
      edit(p);
      v.Add(s.name, what, Serialize(p));
    };
    add("all-empty", [](pb::Profile& p) {
      for (auto& str : *p.mutable_string_table()) str.clear();
    });
    add("first-not-empty", [](pb::Profile& p) { p.set_string_table(0, "x"); });
    add("no-strings", [](pb::Profile& p) { p.clear_string_table(); });
    add("nul-and-binary", [](pb::Profile& p) {
      for (int i = 1; i < p.string_table_size(); i++) {
        p.set_string_table(i, std::string("a\0b\xff\xfe;%s%n\n\t", 13) + p.string_table(i));
      }
    });
    add("long-name", [](pb::Profile& p) {
      if (p.string_table_size() > 1) p.set_string_table(1, std::string(100000, 'x'));
    });
    add("regex-drop-frames", [](pb::Profile& p) {
      // drop_frames and keep_frames are regexps pprof compiles: broken ones.
      p.add_string_table("(((");
      p.add_string_table("[z-a]\\");
      p.set_drop_frames(p.string_table_size() - 2);
      p.set_keep_frames(p.string_table_size() - 1);
    });
    if (si < 3) {
      // A huge number of empty strings (2 bytes each on the wire), with
      // references to the last of them.
      for (int n : {100000, 1000000}) {
        add("empty-strings-" + std::to_string(n), [n](pb::Profile& p) {
          for (int i = 0; i < n; i++) p.add_string_table("");
          if (p.function_size() > 0) p.mutable_function(0)->set_name(p.string_table_size() - 1);
        });
      }
    }
  }
  return std::move(v.list());
}

std::vector<Variant> Labels() {
  Variants v("labels");
  for (size_t si = 0; si < Seeds().size(); si++) {
    const Seed& s = Seeds()[si];
    const pb::Profile base = Proto(s.raw);
    auto add = [&](const std::string& what, const std::function<void(pb::Profile&)>& edit) {
      pb::Profile p = base;
      edit(p);
      v.Add(s.name, what, Serialize(p));
    };
    auto key = [](pb::Profile& p, const std::string& k) {
      p.add_string_table(k);
      return static_cast<int64_t>(p.string_table_size() - 1);
    };
    add("every-sample-200", [&](pb::Profile& p) {
      const int64_t k = key(p, "spam");
      for (auto& smp : *p.mutable_sample()) {
        for (int i = 0; i < 200; i++) {
          auto* l = smp.add_label();
          l->set_key(k);
          if (i % 2) l->set_num(i);
          else l->set_str(k);
        }
      }
    });
    add("one-sample-50000", [&](pb::Profile& p) {
      if (p.sample_size() == 0) return;
      const int64_t k = key(p, "spam");
      const int64_t u = key(p, "bytes");
      for (int i = 0; i < 50000; i++) {
        auto* l = p.mutable_sample(0)->add_label();
        l->set_key(i % 3 ? k : u);
        l->set_num(i);
        if (i % 5 == 0) l->set_num_unit(u);
      }
    });
    add("many-keys", [&](pb::Profile& p) {
      if (p.sample_size() == 0) return;
      for (int i = 0; i < 2000; i++) {
        auto* l = p.mutable_sample(static_cast<int>(i % p.sample_size()))->add_label();
        l->set_key(key(p, "k" + std::to_string(i)));
        l->set_str(l->key());
      }
    });
    add("mixed-units-one-key", [&](pb::Profile& p) {
      const int64_t k = key(p, "size");
      int n = 0;
      for (auto& smp : *p.mutable_sample()) {
        auto* l = smp.add_label();
        l->set_key(k);
        l->set_num(n * 1000);
        l->set_num_unit(key(p, n % 3 == 0 ? "bytes" : n % 3 == 1 ? "seconds" : "widgets"));
        n++;
      }
    });
    add("empty-labels", [&](pb::Profile& p) {
      for (auto& smp : *p.mutable_sample()) {
        for (int i = 0; i < 100; i++) smp.add_label();
      }
    });
  }
  return std::move(v.list());
}

// Wire-level edits of whole fields: dropped, duplicated, renumbered (to a
// known field of another type), retyped (another wire type).
std::vector<Variant> Fields() {
  Variants v("fields");
  for (const Seed& s : Seeds()) {
    Rng rng(0xf1e1d ^ s.raw.size());
    for (int k = 0; k < 24; k++) {
      WireMessage m = Parse(s.raw);
      std::vector<WireField*> fields;
      Collect(m, &fields);
      WireField* f = fields[rng.Below(fields.size())];
      std::string what;
      switch (k % 4) {
        case 0: {  // renumber
          f->number = 1 + static_cast<uint32_t>(rng.Below(16));
          what = "renumber" + std::to_string(f->number);
          break;
        }
        case 1: {  // retype: varint <-> bytes, or fixed
          const uint32_t wires[] = {0, 1, 2, 5, 3, 7};
          const uint32_t w = wires[rng.Below(6)];
          if (f->wire == 2 && w != 2) {
            f->message = false;
            f->value = f->bytes.size();
          } else if (f->wire != 2 && w == 2) {
            PutVarint(&f->bytes, f->value, 0);
          }
          f->wire = w;
          what = "wire" + std::to_string(w);
          break;
        }
        case 2: {  // drop a random top-level field
          const size_t i = rng.Below(m.size());
          what = "drop" + std::to_string(m[i].number);
          m.erase(m.begin() + static_cast<long>(i));
          break;
        }
        default: {  // duplicate a random top-level field
          const size_t i = rng.Below(m.size());
          what = "dup" + std::to_string(m[i].number);
          m.push_back(m[i]);
          break;
        }
      }
      v.Add(s.name, std::to_string(k) + "-" + what, Encode(m));
    }
    // The unmodified seed, raw and gzipped: both must load.
    v.Add(s.name, "original", s.raw, Expect::kLoad);
    v.Add(s.name, "original-gzip", Gzip(s.raw), Expect::kLoad);
  }
  return std::move(v.list());
}

// ---- running ----

struct Counts {
  int loaded = 0, errored = 0;
};

// The tables every loaded variant is counted over, and the -top report.
const char* const kTables[] = {"pprof_profiles", "pprof_sample_types", "pprof_samples",  "pprof_stacks",
                               "pprof_locations", "pprof_lines",       "pprof_functions", "pprof_mappings",
                               "pprof_labels",   "pprof_frames",       "pprof_graph",     "pprof_graph_edges",
                               "pprof_report_labels", "pprof_nodes",   "pprof_node_edges", "pprof_node_stacks"};

// Loads `bytes` from a file in `dir`: either it loads (and answers every
// table and -top, then is unloaded) or fails with "pprof_load: <path>: ...".
void Check(Db& db, Watchdog& dog, const TempDir& dir, const std::string& name, const std::string& bytes,
           Counts* counts, bool all_views = false, Expect expect = Expect::kEither) {
  ASSERT_LE(bytes.size(), kMaxVariantBytes) << name << ": variant too large for the suite's memory budget";
  std::string file = name;
  std::replace(file.begin(), file.end(), '/', '_');
  const std::string path = dir.path() + "/" + file;
  pprof_test::WriteAll(path, bytes);
  dog.Arm(name, kVariantSeconds);
  pprof_test::Rows rows;
  std::string err = db.Try("SELECT pprof_load(" + Quote(path) + ")", &rows);
  if (!err.empty()) {
    counts->errored++;
    EXPECT_NE(expect, Expect::kLoad) << name << ": a valid variant failed to load: " << err;
    EXPECT_THAT(err, ::testing::StartsWith("pprof_load: " + path + ": ")) << name;
    EXPECT_GT(err.size(), ("pprof_load: " + path + ": ").size()) << name << ": an error that says nothing";
  } else {
    counts->loaded++;
    EXPECT_NE(expect, Expect::kError) << name << ": an invalid variant loaded";
    const std::string id = rows.at(0).at(0);
    // The views that sum values in SQL (sum()) fail with SQLite's "integer
    // overflow" where pprof's int64 sums wrap. (A drop_frames or keep_frames
    // that corrupt bytes break is no error: pprof ignores it, prunes nothing.)
    auto report_ok = [&](const std::string& err) {
      // (A comparison can leave no sample types: pprof's "profile has no samples".)
      return err.empty() || err == "integer overflow" || err.find(": profile has no samples") != std::string::npos;
    };
    // Statements with the profile as ?1, prepared once per Db (TryBound):
    // the report views compile to large programs.
    const std::string where = " WHERE profile_id = ?1";
    for (const char* t : kTables) {
      std::string e = db.TryBound(std::string("SELECT count(*) FROM ") + t + where, {id});
      // The core reports on the same profile as the reports (a sample type per row: never "no samples").
      if (std::string(t).rfind("pprof_graph", 0) == 0 || std::string(t) == "pprof_report_labels" ||
          std::string(t).rfind("pprof_node", 0) == 0) {
        EXPECT_TRUE(report_ok(e)) << name << ": " << t << ": " << e;
      } else {
        EXPECT_EQ(e, "") << name << ": " << t;
      }
    }
    std::vector<std::string> reports = {
        "SELECT count(*) FROM pprof_diff" + where + " AND base_id = ?1 AND options = ''",
        "SELECT text FROM pprof_top_text" + where + " AND options = '' ORDER BY line_no"};
    const std::string opts = " AND options = ''";
    if (all_views) {
      for (const std::string& q :
           {"SELECT text FROM pprof_peek_text" + where + opts + " AND symbol = '.'",
            "SELECT text FROM pprof_list_text" + where + opts + " AND symbol = '.'",
            "SELECT text FROM pprof_traces_text" + where + opts, "SELECT text FROM pprof_tags_text" + where + opts,
            "SELECT text FROM pprof_raw_text" + where,
            "SELECT text FROM pprof_top_text" + where + " AND options = '-mean -cum -lines'",
            "SELECT text FROM pprof_traces_text" + where + " AND options = '-mean'",
            "SELECT text FROM pprof_peek_text" + where + " AND options = '-mean' AND symbol = '.'",
            "SELECT count(*) FROM pprof_graph_edges" + where + " AND report = 'peek' AND options = '-mean'"}) {
        reports.push_back(q);
      }
    }
    for (const std::string& q : reports) {
      std::string e = db.TryBound(q, {id});
      EXPECT_TRUE(report_ok(e)) << name << ": " << q << ": " << e;
    }
    if (all_views) {
      pprof_test::Rows prepared;
      std::string e = db.Try("SELECT pprof_prepare(" + Quote(id) + ")", &prepared);
      EXPECT_TRUE(report_ok(e)) << name << ": pprof_prepare: " << e;
      if (e.empty() && !prepared.empty()) {
        e = db.TryBound("SELECT stack, value FROM pprof_folded WHERE profile_id = ?1" + opts, {prepared[0][0]});
        EXPECT_TRUE(report_ok(e)) << name << ": pprof_folded: " << e;
        db.Try("SELECT pprof_unload(" + prepared[0][0] + ")");
      }
      // A comparison with itself: -diff_base subtracts, -base with -normalize scales.
      for (const std::string& flags : {"-diff_base=" + id, "-base=" + id + " -normalize"}) {
        pprof_test::Rows diff;
        e = db.Try("SELECT pprof_prepare(" + Quote(id) + ", " + Quote(flags) + ")", &diff);
        EXPECT_TRUE(report_ok(e)) << name << ": pprof_prepare " << flags << ": " << e;
        if (e.empty() && !diff.empty()) {
          e = db.TryBound("SELECT text FROM pprof_top_text WHERE profile_id = ?1" + opts, {diff[0][0]});
          EXPECT_TRUE(report_ok(e)) << name << ": top of " << flags << ": " << e;
          db.Try("SELECT pprof_unload(" + diff[0][0] + ")");
        }
      }
    }
    EXPECT_EQ(db.One("SELECT pprof_unload(" + id + ")"), "1") << name;
  }
  dog.Disarm();
  unlink(path.c_str());
}

void RunVariants(const char* category, const std::vector<Variant>& variants) {
  TempDir dir;
  Db db;
  Watchdog dog;
  db.Query("SELECT pprof_config('max_profile_bytes', " + std::to_string(kMaxProfileBytes) + "), " +
           "pprof_config('source_path', " + Quote(dir.path()) + ")");
  Counts counts;
  const auto start = std::chrono::steady_clock::now();
  for (const Variant& v : variants) {
    Check(db, dog, dir, v.name, v.bytes, &counts, v.all_views, v.expect);
    if (::testing::Test::HasFatalFailure()) return;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(counts.loaded + counts.errored, static_cast<int>(variants.size()));
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_profiles"), "0") << "every loaded variant was unloaded";
  EXPECT_LT(PeakRssMiB(), kMaxRssMiB) << "peak memory";
  printf("[ mutation ] %-9s %4zu variants: %4d loaded, %4d errored (%.1f s, peak RSS %ld MiB)\n", category,
         variants.size(), counts.loaded, counts.errored, secs, PeakRssMiB());
  ::testing::Test::RecordProperty("loaded", counts.loaded);
  ::testing::Test::RecordProperty("errored", counts.errored);
}

TEST(Mutation, Truncations) {
  ASSERT_SEEDS();
  RunVariants("truncate", Truncations());
}
TEST(Mutation, BitFlips) {
  ASSERT_SEEDS();
  RunVariants("bitflip", BitFlips());
}
TEST(Mutation, ByteStompsAndFfRuns) {
  ASSERT_SEEDS();
  RunVariants("stomp", ByteStomps());
}
TEST(Mutation, VarintOverflows) {
  ASSERT_SEEDS();
  RunVariants("varint", Varints());
}
TEST(Mutation, HugeLengthPrefixes) {
  ASSERT_SEEDS();
  RunVariants("length", Lengths());
}
TEST(Mutation, DeepNesting) {
  ASSERT_SEEDS();
  RunVariants("nesting", Nesting());
}
TEST(Mutation, RepeatedDuplicateAndNegativeIds) {
  ASSERT_SEEDS();
  RunVariants("ids", Ids());
}
TEST(Mutation, Strings) {
  ASSERT_SEEDS();
  RunVariants("strings", Strings());
}
TEST(Mutation, LabelSpam) {
  ASSERT_SEEDS();
  RunVariants("labels", Labels());
}
TEST(Mutation, FieldEdits) {
  ASSERT_SEEDS();
  RunVariants("fields", Fields());
}

// ---- the legacy formats (decode/legacy_*.cc) ----
//
// The same treatment for the formats before profile.proto: truncations and
// bit flips of the corpus's gperftools, Go and Java files, and edits where
// their parsers read numbers and lines: numbers that overflow, negative or
// zero counts, addresses past 64 bits, lines longer than pprof's 64 KiB
// line limit, CRLF line ends, lines dropped or repeated, memory maps
// mangled, and in the binary CPU format word-level edits (huge depths and
// counts, no end marker, other word widths).

const char* const kLegacySeeds[] = {
    "cpp1.cpu.prof",
    "cpp1.heap",
    "cpp1.growth",
    "pprof-testdata/profile/testdata/cppbench.contention",
    "pprof-testdata/profile/testdata/cppbench.thread",
    "pprof-testdata/profile/testdata/cppbench.thread.all",
    "pprof-testdata/profile/testdata/go.godoc.thread",
    "pprof-testdata/profile/testdata/go.crc32.cpu",
    "pprof-testdata/profile/testdata/gobench.heap",
    "pprof-testdata/profile/testdata/java.cpu",
    "pprof-testdata/profile/testdata/java.heap",
    "pprof-testdata/profile/testdata/java.contention",
};

std::vector<Seed> LegacySeeds() {
  std::vector<Seed> out;
  for (const char* s : kLegacySeeds) {
    std::string path = pprof_test::CorpusPath(s);
    if (!pprof_test::Exists(path)) continue;  // the tests count what is there
    std::string base = s;
    out.push_back({base.substr(base.rfind('/') + 1), pprof_test::ReadAll(path)});
  }
  return out;
}

bool IsBinaryCpu(const std::string& raw) { return !raw.empty() && raw[0] == '\0'; }

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> lines;
  size_t at = 0;
  while (at < s.size()) {
    size_t nl = s.find('\n', at);
    if (nl == std::string::npos) nl = s.size();
    lines.push_back(s.substr(at, nl - at));
    at = nl + 1;
  }
  return lines;
}

std::string JoinLines(const std::vector<std::string>& lines, const char* end = "\n") {
  std::string out;
  for (const std::string& l : lines) out += l + end;
  return out;
}

// Replaces the `k`-th run of decimal digits (or 0x-hex number) in `s` with `with`.
std::string ReplaceNumber(const std::string& s, size_t k, const std::string& with, bool hex) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size();) {
    const bool start = hex ? s.compare(i, 2, "0x") == 0 : (isdigit(static_cast<unsigned char>(s[i])) != 0);
    if (!start) {
      i++;
      continue;
    }
    size_t j = hex ? i + 2 : i;
    while (j < s.size() && isxdigit(static_cast<unsigned char>(s[j]))) j++;
    if (seen++ == k) return s.substr(0, i) + with + s.substr(j);
    i = j;
  }
  return s;
}

std::vector<Variant> LegacyVariants() {
  Variants v("legacy");
  for (const Seed& s : LegacySeeds()) {
    Rng rng(0x1e9a ^ s.raw.size());
    const size_t n = s.raw.size();
    for (size_t k = 1; k < 12; k++) v.Add(s.name, "cut" + std::to_string(k), s.raw.substr(0, n * k / 12));
    v.Add(s.name, "minus1", s.raw.substr(0, n - 1));
    for (int k = 0; k < 16; k++) {
      std::string b = s.raw;
      const int flips = 1 + static_cast<int>(rng.Below(k < 8 ? 2 : 16));
      for (int i = 0; i < flips; i++) b[rng.Below(b.size())] ^= static_cast<char>(1u << rng.Below(8));
      v.Add(s.name, "flip" + std::to_string(k), std::move(b), Expect::kEither, k % 4 == 0);
    }
    if (IsBinaryCpu(s.raw)) {
      // Word-level edits of the 64-bit little-endian samples after the
      // 5-word header: the first sample's count and depth, the marker.
      auto put64 = [](std::string b, size_t word, uint64_t value) {
        for (int i = 0; i < 8 && word * 8 + static_cast<size_t>(i) < b.size(); i++) {
          b[word * 8 + static_cast<size_t>(i)] = static_cast<char>(value >> (8 * i));
        }
        return b;
      };
      const size_t words = n / 8;
      v.Add(s.name, "depth-huge", put64(s.raw, 6, uint64_t{1} << 60));
      v.Add(s.name, "depth-all", put64(s.raw, 6, words));
      v.Add(s.name, "depth-0", put64(s.raw, 6, 0));
      v.Add(s.name, "count-max", put64(s.raw, 5, ~uint64_t{0}), Expect::kEither, true);
      v.Add(s.name, "period-max", put64(s.raw, 3, ~uint64_t{0}), Expect::kEither, true);
      v.Add(s.name, "header-only", s.raw.substr(0, 40));
      std::string marker(24, '\0');  // count 0, depth 1, address 0
      marker[8] = 1;
      v.Add(s.name, "no-marker", s.raw.substr(0, s.raw.find(marker)));
      for (int k = 0; k < 8; k++) {
        v.Add(s.name, "word" + std::to_string(k), put64(s.raw, 5 + rng.Below(words - 5), rng.Next()));
      }
      // The same samples as 32-bit words: a different width and byte order.
      std::string narrow;
      for (size_t w = 0; w < words; w++) {
        uint64_t x = 0;
        for (int i = 7; i >= 0; i--) x = (x << 8) | static_cast<uint8_t>(s.raw[w * 8 + static_cast<size_t>(i)]);
        for (int i = 3; i >= 0; i--) narrow.push_back(static_cast<char>(x >> (8 * i)));  // big-endian
      }
      v.Add(s.name, "32bit-be", narrow);
      continue;
    }
    const std::vector<std::string> lines = SplitLines(s.raw);
    const size_t nl = lines.size();
    for (int k = 0; k < 6; k++) {
      std::vector<std::string> l = lines;
      l.erase(l.begin() + static_cast<long>(rng.Below(nl)));
      v.Add(s.name, "dropline" + std::to_string(k), JoinLines(l));
      l = lines;
      const size_t at = rng.Below(nl);
      l.insert(l.begin() + static_cast<long>(at), lines[at]);
      v.Add(s.name, "dupline" + std::to_string(k), JoinLines(l));
    }
    v.Add(s.name, "header-only", lines[0] + "\n", Expect::kEither, true);
    v.Add(s.name, "crlf", JoinLines(lines, "\r\n"), Expect::kEither, true);
    v.Add(s.name, "no-final-newline", s.raw.substr(0, s.raw.find_last_not_of('\n') + 1));
    {
      std::vector<std::string> l = lines;
      l.insert(l.begin() + static_cast<long>(1 + rng.Below(nl)), std::string(70000, '7'));
      v.Add(s.name, "longline", JoinLines(l));
      l = lines;
      l.insert(l.begin() + static_cast<long>(1 + rng.Below(nl)), "0x" + std::string(65530, 'f'));
      v.Add(s.name, "longaddress", JoinLines(l));
    }
    const char* const numbers[] = {"99999999999999999999", "9223372036854775807", "-9223372036854775808",
                                   "0", "-1", "18446744073709551615", "1e9", "_1"};
    for (int k = 0; k < 12; k++) {
      const std::string with = numbers[rng.Below(sizeof(numbers) / sizeof(numbers[0]))];
      v.Add(s.name, "number" + std::to_string(k) + "=" + with, ReplaceNumber(s.raw, rng.Below(40), with, false),
            Expect::kEither, k % 3 == 0);
    }
    for (int k = 0; k < 4; k++) {
      v.Add(s.name, "address" + std::to_string(k),
            ReplaceNumber(s.raw, rng.Below(30), k % 2 ? "0x1ffffffffffffffff" : "0x0", true));
    }
    // Memory maps: overlapping, reversed, endless and garbage entries.
    v.Add(s.name, "maps", s.raw + "\nMAPPED_LIBRARIES:\nffffffffffffffff-0 r-xp 00000000 00:00 0 /x\n"
                                   "0-ffffffffffffffff r-xp ffffffffffffffff 00:00 0 /y\n$a=b\n$a $a $a\n"
                                   "00400000-00500000 r-xp 00000000 00:00 0 /anon_hugepage\n"
                                   "00500000-00600000 r-xp 00100000 00:00 0 /bin/app (deleted)\n",
          Expect::kEither, true);
  }
  return std::move(v.list());
}

TEST(Mutation, LegacyFormats) {
  ASSERT_EQ(LegacySeeds().size(), ExpectedSeeds(kLegacySeeds));
  RunVariants("legacy", LegacyVariants());
}

// The seeds from pprof's own testdata: the tests above mutate them only when
// ../shared/corpus/dev/pprof-testdata is there; this says how many did not run.
TEST(Mutation, PprofTestdataSeeds) {
  const size_t n = PprofTestdataSeeds(kSeeds) + PprofTestdataSeeds(kLegacySeeds);
  SKIP_UNLESS_PPROF_TESTDATA(n, "pprof-testdata mutation seeds");
  EXPECT_EQ(Seeds().size() + LegacySeeds().size(), std::size(kSeeds) + std::size(kLegacySeeds));
}

// The suite's size: at least a thousand variants, and the same ones on every run.
TEST(Mutation, AtLeastAThousandDeterministicVariants) {
  ASSERT_SEEDS();
  size_t n = 0;
  for (const auto& part : {Truncations(), BitFlips(), ByteStomps(), Varints(), Lengths(), Nesting(), Ids(), Strings(),
                           Labels(), Fields(), LegacyVariants()}) {
    n += part.size();
  }
  printf("[ mutation ] %zu variants in all\n", n);
  EXPECT_GE(n, 1000u);
  // The random ones again: the same bytes (the generators keep no state).
  auto hash = [](const std::vector<Variant>& vs) {
    uint64_t h = 1469598103934665603u;  // FNV-1a over names and bytes
    for (const Variant& v : vs) {
      for (char c : v.name + '\0' + v.bytes) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211u;
    }
    return h;
  };
  for (auto gen : {Truncations, BitFlips, ByteStomps, Varints, Lengths, Fields, LegacyVariants}) {
    EXPECT_EQ(hash(gen()), hash(gen()));
  }
}

// ---- amplification: a few bytes that would take far more ----

// One location of a million inlined lines, a million times in one sample:
// 5 KB gzipped, 10^12 frames for every report to walk. max_frames stops it
// at load, with the number.
TEST(Mutation, InlineFrameBombIsRefusedAtLoad) {
  WireMessage m;
  auto msg = [](uint32_t number, WireMessage sub) {
    WireField f;
    f.number = number;
    f.wire = 2;
    f.message = true;
    f.sub = std::move(sub);
    return f;
  };
  auto num = [](uint32_t number, uint64_t value) {
    WireField f;
    f.number = number;
    f.value = value;
    return f;
  };
  auto str = [](const std::string& s) {
    WireField f;
    f.number = 6;
    f.wire = 2;
    f.bytes = s;
    return f;
  };
  for (const char* s : {"", "samples", "count", "f"}) m.push_back(str(s));
  m.push_back(msg(1, {num(1, 1), num(2, 2)}));  // sample_type samples/count
  m.push_back(msg(5, {num(1, 1), num(2, 3)}));  // function 1 "f"
  WireField loc;  // location 1: a million lines in function 1 (22 02 08 01: line { function_id: 1 })
  loc.number = 4;
  loc.wire = 2;
  loc.bytes = "\x08\x01";
  for (int i = 0; i < 1000000; i++) loc.bytes += "\x22\x02\x08\x01";
  m.push_back(loc);
  WireField stack;
  stack.number = 1;
  stack.wire = 2;
  stack.bytes = std::string(1000000, '\x01');  // location 1, a million times (packed)
  m.push_back(msg(2, {stack, num(2, 1)}));
  const std::string gz = Gzip(Encode(m));
  ASSERT_LT(gz.size(), 20000u);

  TempDir dir;
  Db db;
  const std::string path = dir.path() + "/frames.pb.gz";
  pprof_test::WriteAll(path, gz);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(db.Try("SELECT pprof_load(" + Quote(path) + ")"),
            "pprof_load: " + path +
                ": the number of frames in the samples' stacks (inlined frames included) is 1000000000000, more than "
                "the limit of 1000000000 (raise it with pprof_config('max_frames', N))");
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 20.0);
  // Within the limit, the same profile loads.
  db.Query("SELECT pprof_config('max_frames', 1000000000000)");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_stacks WHERE profile_id = (SELECT pprof_load(" + Quote(path) + "))"),
            "1000000");
}

// Empty strings are 2 bytes of the file and 32 of memory: max_memory_bytes
// must stop the decoding once the profile takes that much, not after it was
// all decoded (a 64 KB gzip file held 1.3 GB before the check).
TEST(Mutation, MemoryLimitHoldsWhileDecoding) {
  TempDir dir;
  Db db;
  db.Query("SELECT pprof_config('max_memory_bytes', 16777216), pprof_config('max_profile_bytes', 67108864)");
  std::string raw(size_t{32} << 20, '\0');
  for (size_t i = 0; i < raw.size(); i += 2) raw[i] = '\x32';  // 16M empty strings
  const std::string path = dir.path() + "/strings.pb.gz";
  pprof_test::WriteAll(path, Gzip(raw));
  raw.clear();
  raw.shrink_to_fit();
  const long before = PeakRssMiB();
  EXPECT_THAT(db.Try("SELECT pprof_load(" + Quote(path) + ")"),
              ::testing::AllOf(::testing::StartsWith("pprof_load: " + path + ": the memory of this connection"),
                               ::testing::HasSubstr("pprof_config('max_memory_bytes', N)")));
  // 32 MiB decompressed plus at most ~16 MiB of strings (and the vector's
  // growth), not 16M strings' 512 MiB.
  EXPECT_LT(PeakRssMiB() - before, 256) << "peak RSS grew from " << before << " MiB";
}

// ---- fuzz regressions ----

// Every file under tests/fuzz-regressions/ (README files aside) is an input
// one of the fuzzers crashed, hung or ran out of memory on before its fix:
// each must now load cleanly, and then answer every view, or fail with a
// clear error.
TEST(FuzzRegressions, EveryInputLoadsOrFailsCleanly) {
  const std::string dir_path = pprof_test::SourceDir() + "/tests/fuzz-regressions";
  std::vector<std::string> files;
  if (DIR* d = opendir(dir_path.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n[0] == '.' || n.rfind("README", 0) == 0) continue;
      files.push_back(n);
    }
    closedir(d);
  }
  std::sort(files.begin(), files.end());
  TempDir dir;
  Db db;
  Watchdog dog;
  // About the fuzzers' own limits (fuzz/fuzz_reader.cc, fuzz/fuzz_views.cc).
  db.Query("SELECT pprof_config('max_profile_bytes', " + std::to_string(int64_t{64} << 20) + "), " +
           "pprof_config('max_frames', 10000000), pprof_config('max_memory_bytes', " +
           std::to_string(int64_t{64} << 20) + "), pprof_config('source_path', " + Quote(dir.path()) + ")");
  Counts counts;
  for (const std::string& f : files) {
    Check(db, dog, dir, "fuzz-regressions/" + f, pprof_test::ReadAll(dir_path + "/" + f), &counts,
          /*all_views=*/true);
  }
  printf("[ mutation ] fuzz-regressions: %zu inputs: %d loaded, %d errored\n", files.size(), counts.loaded,
         counts.errored);
}

}  // namespace
