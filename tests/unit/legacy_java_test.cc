// Java's legacy profiles (extension/src/decode/legacy_java.cc): the heapz
// and contentionz text dumps and the Java CPU profile, read as pprof's
// profile/legacy_java_profile.go reads them.
//
// Truth: the expected values below are those `go tool pprof -raw` (Go 1.19)
// prints for the same inputs, and the error texts are what it reports for
// them (after its "<file>: parsing profile: " prefix); tests/legacy_java/
// holds hand-written inputs with their -raw output recorded from Go 1.19,
// which the reports here must equal byte for byte.
#include <dirent.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "decode/legacy.h"
#include "decode/reader.h"
#include "test_util.h"

namespace {

using pprofsql::ReadLimits;
using pprofsql::legacy::LegacyProfile;
using pprofsql::legacy::ParseJavaProfile;
using pprofsql::legacy::ParseOutcome;

struct Parsed {
  ParseOutcome outcome;
  LegacyProfile p;
};

Parsed Java(const std::string& text, const ReadLimits& limits = ReadLimits()) {
  Parsed r;
  r.outcome = ParseJavaProfile(text, r.p, limits);
  return r;
}

// The function names of a sample's stack, leaf first.
std::vector<std::string> Stack(const LegacyProfile& p, size_t sample) {
  std::vector<std::string> out;
  for (uint32_t l : p.samples[sample].locations) {
    const auto& loc = p.location_arena[l];
    out.push_back(loc.lines.empty() ? "<none>" : p.function_arena[loc.lines[0].function].name);
  }
  return out;
}

const char kHeap[] =
    "--- heapz 1 ---\n"
    "format = java\n"
    "resolution = bytes\n"
    "   1048576  2 @ 0xa 0xb\n"
    "  100 1 @ 0xb 0xc 0xd\n"
    "  64 4 @ 0xe 0xf 0xa\n"
    "\n"
    " 0xa com.example.Foo.bar (Foo.java:12)\n"
    " 0xb com.example.Baz.qux (Baz.java:-3)\n"
    "  0xc   libjvm_func (/usr/lib/jvm/libjvm.so)\n"
    "0xd Interpreter generated stub/JIT code\n"
    "0xe GC\n"
    "0x10 Unused.fn (U.java:1)\n";

TEST(LegacyJava, HeapHeaderScalingAndBytesLabel) {
  Parsed r = Java(kHeap);
  ASSERT_TRUE(r.outcome.recognized);
  ASSERT_TRUE(r.outcome.status.ok()) << r.outcome.status.message();
  const LegacyProfile& p = r.p;
  using VT = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(p.sample_types, (VT{{"inuse_objects", "count"}, {"inuse_space", "bytes"}}));
  EXPECT_EQ(p.period_type, "");
  EXPECT_EQ(p.period_unit, "");
  EXPECT_EQ(p.period, 0);
  ASSERT_EQ(p.samples.size(), 3u);
  // "count bytes" are the other way round from the C++ heap format: the
  // first number is the bytes. Unsampled at 512 KiB (go tool pprof -raw).
  EXPECT_EQ(p.samples[0].values, (std::vector<int64_t>{3, 1658822}));
  EXPECT_EQ(p.samples[1].values, (std::vector<int64_t>{5243, 524338}));
  EXPECT_EQ(p.samples[2].values, (std::vector<int64_t>{131074, 2097184}));
  // The block size, before unsampling.
  using NL = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(p.samples[0].num_labels, (NL{{"bytes", 524288}}));
  EXPECT_EQ(p.samples[1].num_labels, (NL{{"bytes", 100}}));
  EXPECT_EQ(p.samples[2].num_labels, (NL{{"bytes", 16}}));
}

TEST(LegacyJava, LocationForms) {
  Parsed r = Java(kHeap);
  ASSERT_TRUE(r.outcome.status.ok()) << r.outcome.status.message();
  const LegacyProfile& p = r.p;
  // Locations numbered in order of first use by the samples.
  ASSERT_EQ(p.location_list.size(), 6u);
  for (size_t i = 0; i < p.location_list.size(); i++) {
    const auto& loc = p.location_arena[p.location_list[i]];
    EXPECT_EQ(loc.id, i + 1);
    EXPECT_EQ(loc.address, 0u) << "addresses are stripped";
  }
  EXPECT_EQ(Stack(p, 0), (std::vector<std::string>{"com.example.Foo.bar", "com.example.Baz.qux"}));
  EXPECT_EQ(Stack(p, 1), (std::vector<std::string>{"com.example.Baz.qux", "libjvm_func", "STUB"}));
  EXPECT_EQ(Stack(p, 2), (std::vector<std::string>{"GC", "<none>", "com.example.Foo.bar"}));

  // One function per name, in the order the location lines name them; the
  // unused line (0x10) makes none.
  struct F {
    std::string name, file;
  };
  std::vector<F> want = {{"com.example.Foo.bar", "Foo.java"},
                         {"com.example.Baz.qux", "Baz.java"},
                         {"libjvm_func", "libjvm.so"},  // filepath.Base of the library
                         {"STUB", ""},
                         {"GC", ""}};
  ASSERT_EQ(p.function_list.size(), want.size());
  for (size_t i = 0; i < want.size(); i++) {
    const auto& f = p.function_arena[p.function_list[i]];
    EXPECT_EQ(f.id, i + 1);
    EXPECT_EQ(f.name, want[i].name);
    EXPECT_EQ(f.system_name, want[i].name);
    EXPECT_EQ(f.filename, want[i].file);
  }
  auto line_of = [&](size_t loc_index) { return p.location_arena[p.location_list[loc_index]].lines.at(0).line; };
  EXPECT_EQ(line_of(0), 12);
  EXPECT_EQ(line_of(1), 0) << "a negative line number is dropped";
  EXPECT_EQ(line_of(2), 0);

  // 0xf is described by no line: it keeps no lines and gets pprof's fake
  // mapping (which the other, address-less locations do not).
  const auto& undescribed = p.location_arena[p.location_list[5]];
  EXPECT_TRUE(undescribed.lines.empty());
  ASSERT_NE(undescribed.mapping, pprofsql::legacy::kNoIndex);
  ASSERT_EQ(p.mapping_list.size(), 1u);
  EXPECT_EQ(p.mapping_arena[p.mapping_list[0]].limit, UINT64_MAX);
  EXPECT_EQ(p.location_arena[p.location_list[0]].mapping, pprofsql::legacy::kNoIndex);
}

TEST(LegacyJava, ContentionHeaderAndPeriodScaling) {
  Parsed r = Java(
      "--- contentionz 1 ---\n"
      "format = java\n"
      "resolution = microseconds\n"
      "sampling period = 100\n"
      "ms since reset = 1234\n"
      "  3 7 @ 0x1 0x2\n"
      "  1 2 @ 0x2\n"
      "0x1 GC\n"
      "0x2 a.b.C.d (C.java:5)\n");
  ASSERT_TRUE(r.outcome.status.ok()) << r.outcome.status.message();
  const LegacyProfile& p = r.p;
  using VT = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(p.sample_types, (VT{{"contentions", "count"}, {"delay", "microseconds"}}));
  EXPECT_EQ(p.period_type, "contentions");
  EXPECT_EQ(p.period_unit, "count");
  EXPECT_EQ(p.period, 100);
  EXPECT_EQ(p.duration_nanos, 1234000000);
  ASSERT_EQ(p.samples.size(), 2u);
  EXPECT_EQ(p.samples[0].values, (std::vector<int64_t>{700, 300}));
  EXPECT_EQ(p.samples[1].values, (std::vector<int64_t>{200, 100}));
  EXPECT_TRUE(p.samples[0].num_labels.empty());
}

TEST(LegacyJava, ContentionArithmeticWraps) {
  Parsed r = Java(
      "--- contentionz 1 ---\nformat = java\nresolution = us\n"
      "sampling period = 0x7fffffffffffffff\nms since reset = 9223372036854775807\n 3 2 @ 0x1\n");
  ASSERT_TRUE(r.outcome.status.ok()) << r.outcome.status.message();
  EXPECT_EQ(r.p.period, INT64_MAX);
  EXPECT_EQ(r.p.duration_nanos, -1000000);  // go tool pprof prints "Duration: -1ms"
  ASSERT_EQ(r.p.samples.size(), 1u);
  EXPECT_EQ(r.p.samples[0].values, (std::vector<int64_t>{-2, 9223372036854775805}));
}

TEST(LegacyJava, WithoutPeriodValuesAreKept) {
  Parsed r = Java("--- contentionz 1 ---\nformat = java\nresolution = us\n 3 2 @ 0x1\n0x1 foo (F.java:0x1)");
  ASSERT_TRUE(r.outcome.status.ok()) << r.outcome.status.message();
  EXPECT_EQ(r.p.period_type, "");
  ASSERT_EQ(r.p.samples.size(), 1u);
  EXPECT_EQ(r.p.samples[0].values, (std::vector<int64_t>{2, 3}));
  // The last location line, without "\n", is read; "F.java:0x1" is no
  // line number, so it is taken for a library path.
  ASSERT_EQ(r.p.function_list.size(), 1u);
  EXPECT_EQ(r.p.function_arena[r.p.function_list[0]].name, "foo");
  EXPECT_EQ(r.p.function_arena[r.p.function_list[0]].filename, "F.java:0x1");
}

TEST(LegacyJava, LinesWithoutNewlineEndHeaderAndSamples) {
  // The sample line has no "\n": it is no sample (and no location line).
  Parsed r = Java("--- contentionz 1 ---\nformat = java\nresolution = us\n 3 2 @ 0x1");
  ASSERT_TRUE(r.outcome.status.ok()) << r.outcome.status.message();
  EXPECT_TRUE(r.p.samples.empty());
  EXPECT_TRUE(r.p.location_list.empty());
  // An unknown attribute without "\n" is not read either.
  r = Java("--- contentionz 1 ---\nformat = java\ncolor = blue");
  EXPECT_TRUE(r.outcome.recognized);
  EXPECT_TRUE(r.outcome.status.ok());
}

TEST(LegacyJava, GoNumbersAndUnicodeSpace) {
  // The sample pattern is unanchored, so "0x10 3" is read as "10 3"; "010"
  // is octal 8 (strconv's base 0). Unicode white space and "\r\n" around the
  // header, invalid UTF-8 in names.
  Parsed r = Java(
      "\xc2\xa0--- heapz 1 ---\xe3\x80\x80\r\n format = java \t\nresolution = kB\n 0x10 3 @ 0x1 0x2\n 010 1 @ 0x2\n"
      "0x1 bad\xff\xfeutf8 (F\xff.java:7)\n0x2 a (b) (c.java:x)\n");
  ASSERT_TRUE(r.outcome.recognized);
  ASSERT_TRUE(r.outcome.status.ok()) << r.outcome.status.message();
  ASSERT_EQ(r.p.samples.size(), 2u);
  EXPECT_EQ(r.p.samples[0].values, (std::vector<int64_t>{471860, 1572869}));
  EXPECT_EQ(r.p.samples[0].num_labels[0].second, 3);  // 10 / 3
  EXPECT_EQ(r.p.samples[1].values, (std::vector<int64_t>{65536, 524292}));
  EXPECT_EQ(r.p.samples[1].num_labels[0].second, 8);
  ASSERT_EQ(r.p.function_list.size(), 2u);
  const auto& f0 = r.p.function_arena[r.p.function_list[0]];
  EXPECT_EQ(f0.name, "bad\xff\xfeutf8");
  EXPECT_EQ(f0.filename, "F\xff.java");
  EXPECT_EQ(r.p.location_arena[r.p.location_list[0]].lines.at(0).line, 7);
  const auto& f1 = r.p.function_arena[r.p.function_list[1]];
  EXPECT_EQ(f1.name, "a (b)");
  EXPECT_EQ(f1.filename, "c.java:x");
}

TEST(LegacyJava, Unrecognized) {
  for (const char* text : {
           "",
           "--- heapz 1 ---",                                    // no "\n" after the first line
           "--- heapz 2 ---\nformat = java\n",                   // another header
           "--- threadz 1 ---\nformat = java\n",                 //
           "--- heapz 1 ---\nformat = text\n",                   // not java
           "--- heapz 1 ---\nformat = java\ncolor = blue\n",     // unknown attribute
           "--- heapz 1 ---\nsampling period = 100\n",           // a contention attribute
           "--- contentionz 1 ---\nformat = java\n 1 2 @ 0x1 a=b\n",  // an attribute anywhere in a line
       }) {
    SCOPED_TRACE(text);
    Parsed r = Java(text);
    EXPECT_FALSE(r.outcome.recognized);
  }
}

// Malformed input of this format: Go's messages (go tool pprof 1.19 prints
// them after "parsing profile: ").
TEST(LegacyJava, MalformedInputErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--- heapz 1 ---\nformat = java\nresolution = bytes\n 5 0 @ 0x1\n",
       "parsing sample 5 0 @ 0x1: second value must be non-zero"},
      {"--- contentionz 1 ---\nformat = java\nsampling period = abc\n",
       "failed to parse attribute sampling period = abc: strconv.ParseInt: parsing \"abc\": invalid syntax"},
      {"--- contentionz 1 ---\nformat = java\nsampling period = 99999999999999999999\n",
       "failed to parse attribute sampling period = 99999999999999999999: strconv.ParseInt: parsing "
       "\"99999999999999999999\": value out of range"},
      {"--- contentionz 1 ---\nformat = java\nms since reset = 1_\n",
       "failed to parse attribute ms since reset = 1_: strconv.ParseInt: parsing \"1_\": invalid syntax"},
      {"--- heapz 1 ---\nformat = java\n 5 1 @ 0x1\n", "missing sample type information"},
      {"--- heapz 1 ---\nformat = java\nresolution = bytes\n 09 1 @ 0x1\n",
       "parsing sample 09 1 @ 0x1: strconv.ParseInt: parsing \"09\": invalid syntax"},
      {"--- heapz 1 ---\nformat = java\nresolution = bytes\n 9 1 @ 0x1\n0x11111111111111111 foo\n",
       "parsing sample 0x11111111111111111 foo: strconv.ParseUint: parsing \"11111111111111111\": value out of range"},
      {"--- heapz 1 ---\nformat = java\nresolution = bytes\n 9 1 @ 0x11111111111111111\n",
       "malformed sample: 9 1 @ 0x11111111111111111: failed to parse as hex 64-bit number: 0x11111111111111111"},
  };
  for (const auto& [text, message] : cases) {
    SCOPED_TRACE(text);
    Parsed r = Java(text);
    EXPECT_TRUE(r.outcome.recognized);
    ASSERT_FALSE(r.outcome.status.ok());
    EXPECT_EQ(r.outcome.status.message(), message);
    // Through the reader, with pprof's prefix.
    auto loaded = pprofsql::ParseProfile(text, ReadLimits());
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.status().message(), "parsing profile: " + message);
  }
}

TEST(LegacyJava, SampleLimits) {
  ReadLimits limits;
  limits.max_stack_depth = 2;
  Parsed r = Java("--- heapz 1 ---\nformat = java\nresolution = bytes\n 8 1 @ 0x1 0x2\n 8 1 @ 0x1 0x2 0x3\n", limits);
  EXPECT_TRUE(r.outcome.recognized);
  EXPECT_FALSE(r.outcome.status.ok());
  limits = ReadLimits();
  limits.max_samples = 1;
  r = Java("--- heapz 1 ---\nformat = java\nresolution = bytes\n 8 1 @ 0x1\n 8 1 @ 0x1\n", limits);
  EXPECT_FALSE(r.outcome.status.ok());
  // Every line naming a new function makes one, even for a location
  // described before: those count too.
  limits = ReadLimits();
  limits.max_locations = 2;
  const std::string three = "--- heapz 1 ---\nformat = java\nresolution = bytes\n 8 1 @ 0x1\n0x1 a\n0x1 b\n";
  r = Java(three, limits);
  EXPECT_TRUE(r.outcome.status.ok()) << r.outcome.status.message();
  r = Java(three + "0x1 c\n", limits);
  EXPECT_FALSE(r.outcome.status.ok());
}

// Java CPU profiles come through the binary CPU parser (third header word 1).
std::string Words32(std::initializer_list<uint32_t> words) {
  std::string out;
  for (uint32_t w : words) {
    for (int i = 0; i < 4; i++) out.push_back(static_cast<char>((w >> (8 * i)) & 0xff));
  }
  return out;
}

TEST(LegacyJava, CpuProfile) {
  std::string bytes = Words32({0, 3, 1, 10000, 0, 2, 2, 0x10, 0x20, 1, 1, 0x20, 1, 3, 0x30, 0x10, 0x40, 0, 1, 0});
  bytes +=
      "0x10 com.example.Leaf.run (Leaf.java:42)\n0x20 java.lang.Thread.run (Thread.java:745)\n"
      " 0x30 os::javaTimeNanos (/lib/x86_64/libjvm.so)\n0x50 never.used (N.java:1)\n0x10 dup.Name (D.java:9)";
  LegacyProfile p;
  ParseOutcome out = pprofsql::legacy::ParseCPU(bytes, p, ReadLimits());
  ASSERT_TRUE(out.recognized);
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  using VT = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(p.sample_types, (VT{{"samples", "count"}, {"cpu", "nanoseconds"}}));
  EXPECT_EQ(p.period_type, "cpu");
  EXPECT_EQ(p.period_unit, "nanoseconds");
  EXPECT_EQ(p.period, 10000000);
  ASSERT_EQ(p.samples.size(), 3u);
  EXPECT_EQ(p.samples[0].values, (std::vector<int64_t>{2, 20000000}));
  // No address is adjusted; the second description of 0x10 wins.
  EXPECT_EQ(Stack(p, 0), (std::vector<std::string>{"dup.Name", "java.lang.Thread.run"}));
  EXPECT_EQ(Stack(p, 2), (std::vector<std::string>{"os::javaTimeNanos", "dup.Name", "<none>"}));
  // Functions no kept location uses are dropped.
  ASSERT_EQ(p.function_list.size(), 3u);
  EXPECT_EQ(p.function_arena[p.function_list[0]].name, "dup.Name");
  EXPECT_EQ(p.function_arena[p.function_list[2]].filename, "libjvm.so");
  for (uint32_t l : p.location_list) EXPECT_EQ(p.location_arena[l].address, 0u);
}

// Arbitrary damage to the inputs: never a crash (the sanitizer builds run
// this too), and the parse is deterministic.
TEST(LegacyJava, DamagedInputsDoNotCrash) {
  std::vector<std::string> seeds = {kHeap,
                                    "--- contentionz 1 ---\nformat = java\nresolution = us\nsampling period = 7\n"
                                    " 3 2 @ 0x1 0x2\n0x1 a (b.java:1)\n0x2 c (/d/e.so)\n"};
  std::mt19937 rng(12345);
  const std::string alphabet = " \n\r\t0123456789abcdefx@=():/-_\xff\xc2\xa0";
  for (const std::string& seed : seeds) {
    for (size_t cut = 0; cut <= seed.size(); cut++) Java(seed.substr(0, cut));
    for (int iter = 0; iter < 3000; iter++) {
      std::string s = seed;
      int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !s.empty(); e++) {
        size_t pos = rng() % s.size();
        char c = alphabet[rng() % alphabet.size()];
        switch (rng() % 3) {
          case 0: s[pos] = c; break;
          case 1: s.insert(s.begin() + static_cast<std::ptrdiff_t>(pos), c); break;
          default: s.erase(pos, 1 + rng() % 8); break;
        }
      }
      Parsed a = Java(s), b = Java(s);
      ASSERT_EQ(a.outcome.recognized, b.outcome.recognized);
      ASSERT_EQ(a.p.samples.size(), b.p.samples.size());
    }
  }
}

// The hand-written inputs in tests/legacy_java: pprof's -raw report of
// each (merged as pprof merges before printing) is Go 1.19's, byte for byte.
TEST(LegacyJava, RawReportsMatchGoGoldens) {
  setenv("TZ", "UTC", 1);
  tzset();
  const std::string dir = pprof_test::SourceDir() + "/tests/legacy_java";
  std::vector<std::string> inputs;
  DIR* d = opendir(dir.c_str());
  ASSERT_NE(d, nullptr) << dir;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() > 4 && (name.substr(name.size() - 4) == ".txt" || name.substr(name.size() - 4) == ".bin")) {
      inputs.push_back(name);
    }
  }
  closedir(d);
  EXPECT_EQ(inputs.size(), 7u);
  for (const std::string& name : inputs) {
    SCOPED_TRACE(name);
    const std::string golden = pprof_test::ReadAll(dir + "/" + name.substr(0, name.size() - 4) + ".raw.golden");
    ASSERT_FALSE(golden.empty());
    pprof_test::Db db;
    std::string id = db.One("SELECT pprof_load(" + pprof_test::Quote(dir + "/" + name) + ")");
    std::string prepared = db.One("SELECT pprof_prepare(" + id + ")");
    std::string text;
    for (const auto& row :
         db.Query("SELECT text FROM pprof_raw_text WHERE profile_id = " + prepared + " ORDER BY line_no")) {
      text += row[0] + "\n";
    }
    EXPECT_EQ(text, golden);
  }
}

}  // namespace
