// pprof's text legacy parsers (decode/legacy_text.cc): heap, growth and
// fragmentation profiles, Go count profiles, threadz and contention
// profiles. Inputs are small hand-written profiles whose expected contents
// follow from the format as pprof's legacy_profile.go reads it; the
// unsampled and overflowing values were checked against `go tool pprof -raw`
// (Go 1.19) on the same bytes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "decode/legacy.h"

namespace {

using pprofsql::ReadLimits;
using pprofsql::legacy::LegacyProfile;
using pprofsql::legacy::ParseOutcome;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

using Parser = ParseOutcome (*)(std::string_view, LegacyProfile&, const ReadLimits&);

struct Parsed {
  ParseOutcome outcome;
  LegacyProfile p;
};

Parsed ParseText(Parser parse, std::string_view text, const ReadLimits& limits = ReadLimits()) {
  Parsed r;
  r.outcome = parse(text, r.p, limits);
  return r;
}

// The addresses of sample `i`'s stack, leaf first.
std::vector<uint64_t> Stack(const LegacyProfile& p, size_t i) {
  std::vector<uint64_t> out;
  for (uint32_t l : p.samples.at(i).locations) out.push_back(p.location_arena.at(l).address);
  return out;
}

// The addresses of the profile's locations, in the order they were created.
std::vector<uint64_t> Locations(const LegacyProfile& p) {
  std::vector<uint64_t> out;
  for (uint32_t l : p.location_list) out.push_back(p.location_arena.at(l).address);
  return out;
}

void ExpectOk(const ParseOutcome& o) {
  EXPECT_TRUE(o.recognized);
  EXPECT_TRUE(o.status.ok()) << o.status.message();
}

void ExpectError(const ParseOutcome& o, const std::string& message) {
  EXPECT_TRUE(o.recognized);
  ASSERT_FALSE(o.status.ok());
  EXPECT_EQ(o.status.message(), message);
}

// --------------------------------------------------------------------------
// Heap.

TEST(LegacyHeap, HeapprofileIsNotScaledAndAddressesAreAdjusted) {
  auto r = ParseText(pprofsql::legacy::ParseHeap,
               "heap profile: 2: 300 [ 2: 300] @ heapprofile\n"
               "1: 100 [1: 100] @ 0x1000 0x2000\n"
               "\n"
               "   # a comment\n"
               "1: 200 [1: 200] @ 0x1000 0x3000\n");
  ExpectOk(r.outcome);
  EXPECT_EQ(r.p.period_type, "space");
  EXPECT_EQ(r.p.period_unit, "bytes");
  EXPECT_EQ(r.p.period, 1);
  // inuse == alloc: no alloc values.
  EXPECT_THAT(r.p.sample_types, ElementsAre(Pair("objects", "count"), Pair("space", "bytes")));
  ASSERT_EQ(r.p.samples.size(), 2u);
  EXPECT_THAT(r.p.samples[0].values, ElementsAre(1, 100));
  EXPECT_THAT(r.p.samples[1].values, ElementsAre(1, 200));
  EXPECT_THAT(r.p.samples[0].num_labels, ElementsAre(Pair("bytes", 100)));
  EXPECT_THAT(r.p.samples[1].num_labels, ElementsAre(Pair("bytes", 200)));
  // Every address, the leaf too, lands on the call (-1); 0x1000 is shared.
  EXPECT_THAT(Stack(r.p, 0), ElementsAre(0xfff, 0x1fff));
  EXPECT_THAT(Stack(r.p, 1), ElementsAre(0xfff, 0x2fff));
  EXPECT_THAT(Locations(r.p), ElementsAre(0xfff, 0x1fff, 0x2fff));
}

TEST(LegacyHeap, GoHeapHalvesTheRateAndUnsamplesAllocAndInuse) {
  // "heap/1048576" (Go's runtime): sampling v2 at 1048576/2 bytes.
  auto r = ParseText(pprofsql::legacy::ParseHeap,
               "heap profile: 2: 300 [ 4: 600] @ heap/1048576\n"
               "1: 100 [2: 200] @ 0x1000 0x2000\n"
               "1: 200 [2: 400] @ 0x1000 0x3000\n");
  ExpectOk(r.outcome);
  EXPECT_EQ(r.p.period, 524288);
  EXPECT_THAT(r.p.sample_types, ElementsAre(Pair("alloc_objects", "count"), Pair("alloc_space", "bytes"),
                                            Pair("inuse_objects", "count"), Pair("inuse_space", "bytes")));
  ASSERT_EQ(r.p.samples.size(), 2u);
  // x / (1 - exp(-avg/524288)), truncated (values from go tool pprof -raw).
  EXPECT_THAT(r.p.samples[0].values, ElementsAre(10486, 1048676, 5243, 524338));
  EXPECT_THAT(r.p.samples[1].values, ElementsAre(5243, 1048776, 2621, 524388));
  // The block size is unscaled: bytes / count.
  EXPECT_THAT(r.p.samples[0].num_labels, ElementsAre(Pair("bytes", 100)));
  EXPECT_THAT(r.p.samples[1].num_labels, ElementsAre(Pair("bytes", 200)));
}

TEST(LegacyHeap, HeapzV2UsesTheRateAsIs) {
  auto r = ParseText(pprofsql::legacy::ParseHeap,
               "heap profile: 2: 300 [ 0: 0] @ heapz_v2/524288\n"
               "1: 100 [0: 0] @ 0x1000 0x2000\n"
               "3: 3000000 [0: 0] @ 0x1000 0x3000\n");
  ExpectOk(r.outcome);
  EXPECT_EQ(r.p.period, 524288);
  // alloc "0: 0" means "not recorded": no alloc values.
  EXPECT_EQ(r.p.sample_types.size(), 2u);
  ASSERT_EQ(r.p.samples.size(), 2u);
  EXPECT_THAT(r.p.samples[0].values, ElementsAre(5243, 524338));
  // Large blocks are almost always sampled: scale ~1.0.
  EXPECT_THAT(r.p.samples[1].values, ElementsAre(3, 3523084));
  EXPECT_THAT(r.p.samples[1].num_labels, ElementsAre(Pair("bytes", 1000000)));
}

TEST(LegacyHeap, BlockSizeComesFromAllocWhenNothingIsInUse) {
  auto r = ParseText(pprofsql::legacy::ParseHeap,
               "heap profile: 0: 0 [ 2: 300] @ heapprofile\n"
               "0: 0 [2: 300] @ 0x10\n");
  ExpectOk(r.outcome);
  ASSERT_EQ(r.p.samples.size(), 1u);
  EXPECT_THAT(r.p.samples[0].values, ElementsAre(2, 300, 0, 0));
  EXPECT_THAT(r.p.samples[0].num_labels, ElementsAre(Pair("bytes", 150)));
}

TEST(LegacyHeap, GrowthAndFragmentationHavePeriodOne) {
  for (const char* kind : {"growthz", "growth", "fragmentationz", "fragmentation"}) {
    SCOPED_TRACE(kind);
    std::string text = std::string("heap profile: 2: 300 [ 2: 300] @ ") + kind +
                       "\n"
                       "1: 100 [1: 100] @ 0x1000 0x2000\n"
                       "--- Memory map: ---\n"
                       "1: 100 [1: 100] @ 0x5000\n";  // after the sentinel: not a sample
    auto r = ParseText(pprofsql::legacy::ParseHeap, text);
    ExpectOk(r.outcome);
    EXPECT_EQ(r.p.period, 1);
    EXPECT_THAT(r.p.sample_types, ElementsAre(Pair("objects", "count"), Pair("space", "bytes")));
    ASSERT_EQ(r.p.samples.size(), 1u);
    EXPECT_THAT(r.p.samples[0].values, ElementsAre(1, 100));
  }
}

TEST(LegacyHeap, MalformedSamplesAreErrorsNamingTheProblem) {
  const std::string h = "heap profile: 2: 300 [ 2: 300] @ heapprofile\n";
  ExpectError(ParseText(pprofsql::legacy::ParseHeap, h + "0: 100 [1: 100] @ 0x1000\n").outcome,
              "inuse count was 0 but inuse bytes was 100");
  ExpectError(ParseText(pprofsql::legacy::ParseHeap,
                  "heap profile: 2: 300 [ 4: 600] @ heapprofile\n1: 100 [0: 7] @ 0x1000\n")
                  .outcome,
              "allocation count was 0 but allocation bytes was 7");
  ExpectError(ParseText(pprofsql::legacy::ParseHeap, h + "foo bar\n").outcome,
              "unexpected number of sample values: got 0, want 6");
  ExpectError(ParseText(pprofsql::legacy::ParseHeap, h + "1: 99999999999999999999 [1: 100] @ 0x1000\n").outcome,
              "malformed sample: 1: 99999999999999999999 [1: 100] @ 0x1000: strconv.ParseInt: parsing "
              "\"99999999999999999999\": value out of range");
  ExpectError(ParseText(pprofsql::legacy::ParseHeap, h + "1: 100 [1: 100] @ 0x1000 0x12345678901234567890\n").outcome,
              "malformed sample: 1: 100 [1: 100] @ 0x1000 0x12345678901234567890: failed to parse as hex 64-bit "
              "number: 0x12345678901234567890");
}

TEST(LegacyHeap, ExtremeValuesDoNotOverflow) {
  // Go's wrapping division (MinInt64 / -1) and out-of-range float conversion.
  auto r = ParseText(pprofsql::legacy::ParseHeap,
               "heap profile: 1: 1 [ 1: 1] @ heap_v2/2\n"
               "-1: -9223372036854775808 [0: 0] @ 0x1\n"
               "9223372036854775807: 9223372036854775807 [0: 0] @ 0x1\n");
  ExpectOk(r.outcome);
  ASSERT_EQ(r.p.samples.size(), 2u);
  EXPECT_THAT(r.p.samples[0].num_labels, ElementsAre(Pair("bytes", INT64_MIN)));
  EXPECT_THAT(r.p.samples[1].num_labels, ElementsAre(Pair("bytes", 1)));
}

TEST(LegacyHeap, OtherInputsAreUnrecognized) {
  for (const char* text : {"", "\n", "heap profile: 2: 300 [ 2: 300] @ heapfoo\n1: 1 [1: 1] @ 0x1\n",
                           "heap profile: 2: 300 [ 2: 300] @ heap_v2/99999999999999999999\n",
                           "goroutine profile: total 1\n", "heap profile: 2: 300 [ 2: 300] @ grow\n"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(ParseText(pprofsql::legacy::ParseHeap, text).outcome.recognized);
  }
  // The header is searched for anywhere in the first line, as pprof does
  // (even after a '#').
  ExpectOk(ParseText(pprofsql::legacy::ParseHeap, "xx heap profile: 1: 1 [ 1: 1] @ growthz\n").outcome);
  ExpectOk(ParseText(pprofsql::legacy::ParseHeap, "# heap profile: 1: 1 [ 1: 1] @ growthz\n").outcome);
}

TEST(LegacyHeap, LineTooLongIsAnError) {
  std::string text = "heap profile: 2: 300 [ 2: 300] @ heapprofile\n1: 1 [1: 1] @";
  text += std::string(70000, ' ');
  text += "0x1\n";
  ExpectError(ParseText(pprofsql::legacy::ParseHeap, text).outcome, "bufio.Scanner: token too long");
  ExpectError(ParseText(pprofsql::legacy::ParseHeap, std::string(70000, 'x')).outcome, "bufio.Scanner: token too long");
}

TEST(LegacyHeap, SampleLimitIsEnforced) {
  ReadLimits limits;
  limits.max_samples = 1;
  auto r = ParseText(pprofsql::legacy::ParseHeap,
               "heap profile: 2: 2 [ 2: 2] @ heapprofile\n1: 1 [1: 1] @ 0x1\n1: 1 [1: 1] @ 0x2\n1: 1 [1: 1] @ 0x3\n",
               limits);
  EXPECT_TRUE(r.outcome.recognized);
  EXPECT_FALSE(r.outcome.status.ok());
}

// --------------------------------------------------------------------------
// Go count profiles.

TEST(LegacyGoCount, CountsStacksAndStopsAtDashes) {
  auto r = ParseText(pprofsql::legacy::ParseGoCount,
               "# comment\n"
               "\n"
               "goroutine profile: total 13\n"
               "3 @ 0x1000 0x2000\n"
               "2 @ 0x1000 0x3000\n"
               "010 @ 0x5\n"  // strconv base 0: octal
               "\n"
               "--- other section\n"
               "4 @ 0x9000\n");
  ExpectOk(r.outcome);
  EXPECT_EQ(r.p.period_type, "goroutine");
  EXPECT_EQ(r.p.period_unit, "count");
  EXPECT_EQ(r.p.period, 1);
  EXPECT_THAT(r.p.sample_types, ElementsAre(Pair("goroutine", "count")));
  ASSERT_EQ(r.p.samples.size(), 3u);
  EXPECT_THAT(r.p.samples[0].values, ElementsAre(3));
  EXPECT_THAT(r.p.samples[1].values, ElementsAre(2));
  EXPECT_THAT(r.p.samples[2].values, ElementsAre(8));
  EXPECT_THAT(Stack(r.p, 0), ElementsAre(0xfff, 0x1fff));
  EXPECT_THAT(Stack(r.p, 2), ElementsAre(0x4));
  EXPECT_THAT(Locations(r.p), ElementsAre(0xfff, 0x1fff, 0x2fff, 0x4));
  EXPECT_TRUE(r.p.samples[0].num_labels.empty());
}

TEST(LegacyGoCount, ThreadcreateProfileType) {
  auto r = ParseText(pprofsql::legacy::ParseGoCount, "threadcreate profile: total 1\n1 @ 0x0\n");
  ExpectOk(r.outcome);
  EXPECT_THAT(r.p.sample_types, ElementsAre(Pair("threadcreate", "count")));
  // 0 - 1 wraps as Go's uint64 does.
  EXPECT_THAT(Stack(r.p, 0), ElementsAre(UINT64_MAX));
}

TEST(LegacyGoCount, MalformedLinesAreErrors) {
  for (const char* line : {"3 @ 0x1000 0x2000 \n",  // the sample must be the whole line
                           "09 @ 0x1\n",            // not octal
                           "1 @ 0x12345678901234567890\n", "3 0x1000\n", "x\n"}) {
    SCOPED_TRACE(line);
    ExpectError(ParseText(pprofsql::legacy::ParseGoCount, std::string("goroutine profile: total 5\n") + line).outcome,
                "malformed profile format");
  }
}

TEST(LegacyGoCount, OtherInputsAreUnrecognized) {
  for (const char* text : {"", "# only comments\n", "goroutine profile: total 5 \n", "goroutine profile: total x\n",
                           "heap profile: 1: 1 [ 1: 1] @ growthz\n"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(ParseText(pprofsql::legacy::ParseGoCount, text).outcome.recognized);
  }
}

// --------------------------------------------------------------------------
// Threadz.

TEST(LegacyThread, SameAsPreviousThreadCountsTheSameStack) {
  auto r = ParseText(pprofsql::legacy::ParseThread,
               "--- threadz 1 ---\n"
               "# comment before the first thread\n"
               "--- Thread 1 (name: main/100) stack: ---\n"
               "  PC: 0x1000 0x2000\n"
               "  0x3000\n"
               "--- Thread 2 (name: worker/101) stack: ---\n"
               "  same as previous thread\n"
               "--- Thread 3 (name: worker/102) stack: ---\n"
               "  same as previous thread\n"
               "--- Thread 4 (name: other/103) stack: ---\n"
               "  0x1001 0x1001 0x4000\n"
               "--- Memory map: ---\n");
  ExpectOk(r.outcome);
  EXPECT_EQ(r.p.period_type, "thread");
  EXPECT_EQ(r.p.period_unit, "count");
  EXPECT_EQ(r.p.period, 1);
  EXPECT_THAT(r.p.sample_types, ElementsAre(Pair("thread", "count")));
  ASSERT_EQ(r.p.samples.size(), 2u);
  EXPECT_THAT(r.p.samples[0].values, ElementsAre(3));
  EXPECT_THAT(r.p.samples[1].values, ElementsAre(1));
  // The leaf is not adjusted; the lines of one thread make one stack.
  EXPECT_THAT(Stack(r.p, 0), ElementsAre(0x1000, 0x1fff, 0x2fff));
  // The duplicated leaf (0x1001, then 0x1001 - 1) is dropped from the stack.
  EXPECT_THAT(Stack(r.p, 1), ElementsAre(0x1001, 0x3fff));
}

TEST(LegacyThread, NoStackTraceEndsTheThreads) {
  auto r = ParseText(pprofsql::legacy::ParseThread,
               "--- Thread 1 (name: a/1) stack: ---\n"
               "  0x1000 0x2000\n"
               "---- no stack trace for thread 5\n"
               "--- Thread 2 (name: b/2) stack: ---\n"
               "  0x7000\n");
  ExpectOk(r.outcome);
  ASSERT_EQ(r.p.samples.size(), 1u);
  EXPECT_THAT(Stack(r.p, 0), ElementsAre(0x1000, 0x1fff));
}

TEST(LegacyThread, SameAsPreviousWithNoPreviousSampleIsIgnored) {
  auto r = ParseText(pprofsql::legacy::ParseThread,
               "--- Thread 1 (name: a/1) stack: ---\n"
               "  same as previous thread\n"
               "--- Memory map: ---\n");
  ExpectOk(r.outcome);
  EXPECT_TRUE(r.p.samples.empty());
}

TEST(LegacyThread, UnrecognizedInputs) {
  for (const char* text : {
           "",
           "--- threadz 1 ---\n",
           "--- Thread zz (name: a/1) stack: ---\n",
           // pprof needs a memory map or "no stack trace" after the last
           // thread: it reads the last stack line as a thread header.
           "--- Thread 1 (name: a/1) stack: ---\n  0x1000 0x2000\n",
           // A line that is not a thread header where one is expected.
           "--- threadz 1 ---\nsome text\n",
           "--- threadz 1 ---\n-x\n--- Memory map: ---\n",
       }) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(ParseText(pprofsql::legacy::ParseThread, text).outcome.recognized);
  }
}

TEST(LegacyThread, ThreadzCommentsRunUpToTheMemoryMap) {
  auto r = ParseText(pprofsql::legacy::ParseThread, "--- threadz 1 ---\nsome text\n--- Memory map: ---\n");
  ExpectOk(r.outcome);
  EXPECT_TRUE(r.p.samples.empty());
}

TEST(LegacyThread, BadAddressIsAnError) {
  ExpectError(ParseText(pprofsql::legacy::ParseThread,
                  "--- Thread 1 (name: a/1) stack: ---\n  0x1000 0xfffffffffffffffff\n--- Memory map: ---\n")
                  .outcome,
              "malformed sample: 0x1000 0xfffffffffffffffff: failed to parse as hex 64-bit number: "
              "0xfffffffffffffffff");
}

// --------------------------------------------------------------------------
// Contention.

TEST(LegacyContention, ScalesByPeriodAndCpuRate) {
  auto r = ParseText(pprofsql::legacy::ParseContention,
               "--- contentionz 1 ---\n"
               "cycles/second = 2000000000\n"
               "sampling period = 100\n"
               "ms since reset = 5000\n"
               "discarded samples = 0\n"
               "100 5 @ 0x1000 0x2000\n"
               "200 1 @ 0x1000 0x3000\n");
  ExpectOk(r.outcome);
  EXPECT_EQ(r.p.period_type, "contentions");
  EXPECT_EQ(r.p.period_unit, "count");
  EXPECT_EQ(r.p.period, 100);
  EXPECT_EQ(r.p.duration_nanos, int64_t{5000000000});
  EXPECT_THAT(r.p.sample_types, ElementsAre(Pair("contentions", "count"), Pair("delay", "nanoseconds")));
  ASSERT_EQ(r.p.samples.size(), 2u);
  // contentions = 5 * 100; delay = 100 cycles * 100 / 2 GHz = 5000 ns.
  EXPECT_THAT(r.p.samples[0].values, ElementsAre(500, 5000));
  EXPECT_THAT(r.p.samples[1].values, ElementsAre(100, 10000));
  EXPECT_THAT(Stack(r.p, 0), ElementsAre(0xfff, 0x1fff));
  EXPECT_THAT(Locations(r.p), ElementsAre(0xfff, 0x1fff, 0x2fff));
}

TEST(LegacyContention, GoMutexProfileWithoutCpuRateScalesCountsOnly) {
  auto r = ParseText(pprofsql::legacy::ParseContention,
               "--- mutex:\n"
               "sampling period=0x10\n"  // strconv base 0
               "7 3 @ 0x1000\n");
  ExpectOk(r.outcome);
  EXPECT_EQ(r.p.period, 16);
  ASSERT_EQ(r.p.samples.size(), 1u);
  EXPECT_THAT(r.p.samples[0].values, ElementsAre(48, 7));
}

TEST(LegacyContention, OverflowWrapsAsInGo) {
  // contentions wrap (MaxInt64 * 10 = -10); delay is not scaled without a cpu rate.
  auto r = ParseText(pprofsql::legacy::ParseContention,
               "--- contention:\nsampling period = 10\n9223372036854775807 9223372036854775807 @ 0x1000\n");
  ExpectOk(r.outcome);
  ASSERT_EQ(r.p.samples.size(), 1u);
  EXPECT_THAT(r.p.samples[0].values, ElementsAre(-10, INT64_MAX));
  // A delay out of int64's range converts to MinInt64 (Go on amd64).
  r = ParseText(pprofsql::legacy::ParseContention,
          "--- contention:\ncycles/second = 1\nsampling period = 9223372036854775807\n"
          "9223372036854775807 2 @ 0x1000\n");
  ExpectOk(r.outcome);
  ASSERT_EQ(r.p.samples.size(), 1u);
  EXPECT_THAT(r.p.samples[0].values, ElementsAre(-2, INT64_MIN));
}

TEST(LegacyContention, DashesEndTheSamples) {
  // A "---" line ends the attributes and then the samples at once.
  auto r = ParseText(pprofsql::legacy::ParseContention, "--- contention:\n---\n1 1 @ 0x1000\n");
  ExpectOk(r.outcome);
  EXPECT_TRUE(r.p.samples.empty());
  r = ParseText(pprofsql::legacy::ParseContention, "--- contention:\n1 1 @ 0x1000\n--- Memory map: ---\n");
  ExpectOk(r.outcome);
  EXPECT_EQ(r.p.samples.size(), 1u);
}

TEST(LegacyContention, UnrecognizedInputs) {
  for (const char* text : {
           "", "--- contentionz\n", "--- heapz 1 ---\n",
           "--- contention:\nformat = java\n",         // Java's
           "--- contention:\nresolution = usec\n",     // Java's
           "--- contention:\nunknown key = 1\n",
           "--- contention:\ncycles/second = lots\n",
           "--- contention:\n1 1 @ 0x1000\nnot a sample\n",
       }) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(ParseText(pprofsql::legacy::ParseContention, text).outcome.recognized);
  }
}

TEST(LegacyContention, MalformedSamplesAreErrors) {
  ExpectError(ParseText(pprofsql::legacy::ParseContention, "--- contention:\n99999999999999999999 1 @ 0x1\n").outcome,
              "malformed sample: 99999999999999999999 1 @ 0x1: strconv.ParseInt: parsing \"99999999999999999999\": "
              "value out of range");
  ExpectError(ParseText(pprofsql::legacy::ParseContention, "--- contention:\n1 1 @ 0x1 0x10000000000000000\n").outcome,
              "malformed sample: 1 1 @ 0x1 0x10000000000000000: failed to parse as hex 64-bit number: "
              "0x10000000000000000");
}

// --------------------------------------------------------------------------
// Through the dispatcher.

TEST(LegacyText, DispatcherReadsTextProfiles) {
  auto r = pprofsql::ParseLegacyProfile("goroutine profile: total 2\n2 @ 0x1000\n", ReadLimits());
  ASSERT_TRUE(r.recognized);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_NE(r.profile, nullptr);
  // A thread profile pprof gives up on half way falls through to the others.
  r = pprofsql::ParseLegacyProfile("--- Thread 1 (name: a/1) stack: ---\n  0x1000\n", ReadLimits());
  EXPECT_FALSE(r.recognized);
  EXPECT_THAT(r.status.message(), HasSubstr("unrecognized profile format"));
}

}  // namespace
