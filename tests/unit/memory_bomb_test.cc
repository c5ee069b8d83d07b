// Issue 12, "no memory bomb before the limits": a few bytes of a file must not
// make pprof_load allocate far past a limit before the limit is checked.
// Each case is built so that the old behaviour gives a different error (the
// memory limit, hit while decoding what the per-sample limit should have
// stopped; or, for a directory, the total of every file decoded) and the
// limit's own error proves where decoding stopped.
//
// The same bombs at the default limits, with the process's address space
// capped, are in tests/cli/test_memory.py.
#include <gmock/gmock.h>

#include <regex>

#include "test_util.h"

using pprof_test::Db;
using pprof_test::Quote;
using pprof_test::TempDir;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

// ---- protobuf wire format, by hand: the hostile parts are too big for the
// generated classes to build in memory ----

std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
  return out;
}
std::string Tag(uint32_t field, uint32_t wire) { return Varint(uint64_t{field} << 3 | wire); }
std::string Bytes(uint32_t field, const std::string& payload) { return Tag(field, 2) + Varint(payload.size()) + payload; }
std::string Int(uint32_t field, uint64_t v) { return Tag(field, 0) + Varint(v); }

// Profile fields: 1 sample_type, 2 sample, 4 location, 6 string_table.
// Sample fields: 1 location_id, 2 value, 3 label. Label: 1 key, 2 str.
// The header every case shares: strings "", "samples", "count", "k", "v";
// one sample type (samples/count); location 1.
std::string Header() {
  std::string out;
  for (const char* s : {"", "samples", "count", "k", "v"}) out += Bytes(6, s);
  out += Bytes(1, Int(1, 1) + Int(2, 2));
  out += Bytes(4, Int(1, 1));
  return out;
}

// A profile whose one sample is `body` (a sample message's fields) followed
// by `filler` repeated `times` times, gzip-compressed as a stream: the
// uncompressed file never sits in the test's memory.
std::string Bomb(const std::string& body, const std::string& filler, size_t times) {
  const uint64_t sample_len = body.size() + filler.size() * times;
  return pprof_test::GzipRepeated(filler, times, Header() + Tag(2, 2) + Varint(sample_len) + body);
}

std::string Load(Db& db, const std::string& path) { return db.Try("SELECT pprof_load(" + Quote(path) + ")"); }

TEST(MemoryBomb, PackedValuesStopAtTheSampleTypes) {
  // One sample with 48 Mi packed values (one byte each, 400 KB of gzip) for
  // one sample type: 384 MiB as int64s, were they kept.
  TempDir dir;
  const size_t mib = 48;
  const std::string path = dir.Write(
      "values.pb.gz", Bomb(Int(1, 1) + Tag(2, 2) + Varint(mib << 20), std::string(1 << 20, '\x01'), mib));
  Db db;
  db.One("SELECT pprof_config('max_memory_bytes', 16 << 20)");
  // pprof's mismatch error, with every value counted, and no memory limit:
  // the values past the sample types are counted, not kept.
  EXPECT_THAT(Load(db, path), AllOf(HasSubstr(path), HasSubstr("mismatch: sample 1 has 50331648 values vs. 1 types"),
                                    Not(HasSubstr("max_memory_bytes"))));
}

TEST(MemoryBomb, LabelsStopAtTheirLimit) {
  // One sample with 4 Mi labels k=v (6 bytes each on the wire, 24 MiB):
  // 128 MiB of labels in memory, were they kept.
  TempDir dir;
  const std::string label = Bytes(3, Int(1, 3) + Int(2, 4));
  std::string chunk;
  for (int i = 0; i < 4096; i++) chunk += label;
  const std::string path = dir.Write("labels.pb.gz", Bomb(Int(1, 1) + Int(2, 1), chunk, 1024));
  Db db;
  db.One("SELECT pprof_config('max_memory_bytes', 16 << 20)");
  db.One("SELECT pprof_config('max_labels_per_sample', 1000)");
  EXPECT_THAT(Load(db, path),
              AllOf(HasSubstr(path), HasSubstr("the number of labels of a sample is 1001, more than the limit of 1000")));
}

TEST(MemoryBomb, StackStopsAtItsDepthLimit) {
  // One sample whose packed stack is location 1, 32 Mi times (128 MiB of
  // indices, were they kept).
  TempDir dir;
  const size_t mib = 32;
  const std::string path =
      dir.Write("stack.pb.gz", Bomb(Int(2, 1) + Tag(1, 2) + Varint(mib << 20), std::string(1 << 20, '\x01'), mib));
  Db db;
  db.One("SELECT pprof_config('max_memory_bytes', 16 << 20)");
  db.One("SELECT pprof_config('max_stack_depth', 1000)");
  EXPECT_THAT(Load(db, path),
              AllOf(HasSubstr(path), HasSubstr("the depth of a sample's stack is 1001, more than the limit of 1000")));
}

// The memory the limit error reports ("... is N, more than the limit of M").
uint64_t ReportedMemory(const std::string& err) {
  std::smatch m;
  static const std::regex re("loaded profiles is (\\d+), more than the limit");
  if (!std::regex_search(err, m, re)) {
    ADD_FAILURE() << "not a memory limit error: " << err;
    return 0;
  }
  return std::stoull(m[1]);
}

TEST(MemoryBomb, DirectoryStopsAtTheMemoryLimit) {
  const std::string heap = pprof_test::ReadAll(pprof_test::SourceDir() + "/samples/go1.heap.pb.gz");
  uint64_t one;
  {
    Db probe;
    probe.One("SELECT pprof_load(" + Quote(pprof_test::SourceDir() + "/samples/go1.heap.pb.gz") + ")");
    one = std::stoull(probe.One("SELECT memory_bytes FROM pprof_profiles"));
  }
  // 40 copies under a limit of 3.5 profiles: the load fails at the fourth
  // file, having decoded no more than the limit and one file's bytes (it
  // used to decode all 40, then report their total).
  TempDir dir;
  for (int i = 0; i < 40; i++) dir.Write("heap" + std::to_string(100 + i) + ".pb.gz", heap);
  const uint64_t limit = one * 7 / 2;
  Db db;
  db.One("SELECT pprof_config('max_memory_bytes', " + std::to_string(limit) + ")");
  std::string err = Load(db, dir.path());
  EXPECT_THAT(err, HasSubstr("heap103.pb.gz"));
  EXPECT_GT(ReportedMemory(err), limit);
  EXPECT_LE(ReportedMemory(err), limit + one);
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_profiles"), "0");

  // What is loaded counts too: two profiles loaded leave room for one more.
  db.One("SELECT pprof_load(" + Quote(dir.path() + "/heap100.pb.gz") + ")");
  db.One("SELECT pprof_load(" + Quote(dir.path() + "/heap101.pb.gz") + ")");
  err = Load(db, dir.path() + "/heap1[2-3]*.pb.gz");
  EXPECT_THAT(err, HasSubstr("heap121.pb.gz"));
  EXPECT_LE(ReportedMemory(err), limit + one);
  // Reloading loaded files replaces them: no room needed.
  EXPECT_EQ(Load(db, dir.path() + "/heap10[01].pb.gz"), "");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_profiles"), "2");
}

TEST(MemoryBomb, StringLimitAppliesToLegacyFormats) {
  // Java's heap dump: function names are read line by line, with no length
  // limit of their own.
  const std::string java = pprof_test::SourceDir() + "/tests/legacy_java/heap_small.txt";
  // A Go heap profile: its strings come from the memory map.
  TempDir dir;
  const std::string text = dir.Write("heap.txt",
                                     "heap profile: 1: 100 [1: 100] @ heap/1048576\n"
                                     "1: 100 [1: 100] @ 0x1010\n"
                                     "\n"
                                     "MAPPED_LIBRARIES:\n"
                                     "00001000-00002000 r-xp 00000000 00:00 0          /usr/lib/libsomething.so\n");
  for (const std::string& path : {java, text}) {
    Db db;
    EXPECT_EQ(Load(db, path), "") << path;
    // Each has a string of more than 16 bytes (com.example.Foo.bar, /usr/lib/libsomething.so).
    Db limited;
    limited.One("SELECT pprof_config('max_string_bytes', 16)");
    EXPECT_THAT(Load(limited, path), AllOf(HasSubstr(path), HasSubstr("pprof_config('max_string_bytes', N)")));
  }
}

TEST(MemoryBomb, GzipSizeFieldIsOnlyAHint) {
  // The decompression buffer is reserved at the trailer's ISIZE; a file
  // whose ISIZE says 4 GiB - 1 (or 0) still decompresses to its real size,
  // and zlib then finds the lie.
  std::string gz = pprof_test::ReadAll(pprof_test::SourceDir() + "/samples/go1.heap.pb.gz");
  ASSERT_GT(gz.size(), 18u);
  TempDir dir;
  for (char fill : {'\xff', '\0'}) {
    std::string bad = gz;
    for (size_t i = bad.size() - 4; i < bad.size(); i++) bad[i] = fill;
    const std::string path = dir.Write("isize.pb.gz", bad);
    Db db;
    EXPECT_THAT(Load(db, path), AllOf(HasSubstr(path), HasSubstr("corrupt gzip data: incorrect length check")));
  }
}

TEST(MemoryBomb, DefaultMemoryLimitALaptopSurvives) {
  // docs/SCHEMA.md's default: 2 GiB.
  Db db;
  EXPECT_EQ(db.One("SELECT pprof_config('max_memory_bytes')"), std::to_string(uint64_t{2} << 30));
  EXPECT_NE(pprof_test::ReadAll(pprof_test::SourceDir() + "/docs/SCHEMA.md").find("`max_memory_bytes` (2 GiB"),
            std::string::npos);
}

}  // namespace
