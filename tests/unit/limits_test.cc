// Every limit of pprof_config stops a profile that exceeds it with an error
// naming the limit and how to raise it, and loads it once raised.
#include <gmock/gmock.h>

#include <regex>

#include "test_util.h"

using pprof_test::Db;
using pprof_test::Quote;
using ::testing::HasSubstr;

namespace {

std::string Sample(const std::string& name) { return pprof_test::SourceDir() + "/samples/" + name; }

struct Case {
  const char* setting;
  int low;
};

TEST(Limits, EachLimitStopsAndCanBeRaised) {
  // go1.heap.pb.gz: 1360 samples, 411 locations, stacks up to ~30 deep,
  // one label per sample, strings up to ~60 bytes, ~250 kB in memory.
  const Case cases[] = {{"max_profile_bytes", 1000}, {"max_samples", 100},   {"max_locations", 100},
                        {"max_stack_depth", 3},      {"max_string_bytes", 8}, {"max_memory_bytes", 10000}};
  for (const Case& c : cases) {
    Db db;
    EXPECT_EQ(db.One("SELECT pprof_config('" + std::string(c.setting) + "', " + std::to_string(c.low) + ")"),
              std::to_string(c.low));
    std::string err = db.Try("SELECT pprof_load(" + Quote(Sample("go1.heap.pb.gz")) + ")");
    EXPECT_THAT(err, HasSubstr("pprof_config('" + std::string(c.setting) + "', N)")) << c.setting;
    EXPECT_THAT(err, HasSubstr(Sample("go1.heap.pb.gz"))) << c.setting;
    db.One("SELECT pprof_config('" + std::string(c.setting) + "', 1000000000)");
    EXPECT_EQ(db.Try("SELECT pprof_load(" + Quote(Sample("go1.heap.pb.gz")) + ")"), "") << c.setting;
  }
}

TEST(Limits, LabelsPerSample) {
  Db db;
  // go1.cpu.pb.gz has three labels (worker, stage, phase) on its samples.
  db.One("SELECT pprof_config('max_labels_per_sample', 2)");
  EXPECT_THAT(db.Try("SELECT pprof_load(" + Quote(Sample("go1.cpu.pb.gz")) + ")"),
              HasSubstr("the number of labels of a sample is 3, more than the limit of 2"));
}

TEST(Limits, MemoryOfAllLoadedProfiles) {
  long cpu, heap;
  {
    Db probe;
    probe.One("SELECT pprof_load(" + Quote(Sample("go1.cpu.pb.gz")) + "), pprof_load(" +
              Quote(Sample("go1.heap.pb.gz")) + ")");
    cpu = std::stol(probe.One("SELECT memory_bytes FROM pprof_profiles WHERE profile_id = 1"));
    heap = std::stol(probe.One("SELECT memory_bytes FROM pprof_profiles WHERE profile_id = 2"));
  }
  Db db;
  // Room for either profile, not for both.
  db.One("SELECT pprof_config('max_memory_bytes', " + std::to_string(std::max(cpu, heap) + 1) + ")");
  db.One("SELECT pprof_load(" + Quote(Sample("go1.cpu.pb.gz")) + ")");
  // The load stops as it passes the limit (what is loaded counts from the
  // start), with what it had then: less than both profiles.
  const std::string err = db.Try("SELECT pprof_load(" + Quote(Sample("go1.heap.pb.gz")) + ")");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(err, m, std::regex("the memory of this connection's loaded profiles is (\\d+), "
                                                   "more than the limit of (\\d+)")))
      << err;
  EXPECT_EQ(std::stol(m[2]), std::max(cpu, heap) + 1);
  EXPECT_GT(std::stol(m[1]), std::max(cpu, heap) + 1);
  EXPECT_LT(std::stol(m[1]), cpu + heap);
  // What was loaded stays; unloading makes room.
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_profiles"), "1");
  EXPECT_EQ(db.One("SELECT pprof_unload(1)"), "1");
  EXPECT_EQ(db.Try("SELECT pprof_load(" + Quote(Sample("go1.heap.pb.gz")) + ")"), "");
}

TEST(Limits, BadValuesAreRefused) {
  Db db;
  EXPECT_THAT(db.Try("SELECT pprof_config('max_samples', 0)"), HasSubstr("positive integer"));
  EXPECT_THAT(db.Try("SELECT pprof_config('max_samples', 'many')"), HasSubstr("positive integer"));
  EXPECT_THAT(db.Try("SELECT pprof_config('max_everything')"), HasSubstr("max_labels_per_sample"));
}

}  // namespace
