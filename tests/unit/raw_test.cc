// pprof_raw_text (sql/60_raw.sql) and its helpers pprof_go_time and
// pprof_go_duration (extension/src/functions/raw_functions.cc).
//
// Truth is the corpus: for every profile.proto file that MANIFEST.tsv lists
// with a `-raw` golden, the view over pprof_prepare(id) (pprof merges even a
// single profile before printing it) must equal the golden byte for byte.
// The goldens were recorded in UTC, so these tests set TZ=UTC.
//
// The same view over the file as loaded matches only where pprof's clean-up
// changes nothing; RawOfPlainFile pins which files those are and why the
// others differ. Hand-built profiles cover what the corpus does not show:
// comments, a missing period type, folded and line-less locations, address 0,
// system names, mixed label units, empty stacks, no mappings.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <cstdio>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include "profile.pb.h"
#include "corpus_goldens.h"
#include "test_util.h"

namespace {

namespace pb = perftools::profiles;
using pprof_test::CorpusPath;
using pprof_test::Db;
using pprof_test::Quote;
using pprof_test::ReadAll;

void UseUtc() {
  setenv("TZ", "UTC", 1);
  tzset();
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

// The view's lines for one profile, joined as pprof prints them.
std::string RawText(Db& db, const std::string& id) {
  std::string out;
  for (const auto& row : db.Query("SELECT text FROM pprof_raw_text WHERE profile_id = " + id + " ORDER BY line_no")) {
    out += row[0] + "\n";
  }
  return out;
}

// "" when equal, else where the texts first differ.
std::string FirstDifference(const std::string& got, const std::string& want) {
  if (got == want) return "";
  std::vector<std::string> g = Split(got, '\n'), w = Split(want, '\n');
  size_t n = std::min(g.size(), w.size());
  for (size_t i = 0; i < n; i++) {
    if (g[i] != w[i]) {
      return "line " + std::to_string(i + 1) + ":\n  got:  [" + g[i] + "]\n  want: [" + w[i] + "]";
    }
  }
  return "got " + std::to_string(g.size()) + " lines, want " + std::to_string(w.size());
}


struct RawCase {
  std::string profile;  // relative to the corpus folder
  std::string golden;
};

// Every `-raw` golden of a profile.proto file, in manifest order.
std::vector<RawCase> RawCases() {
  std::vector<RawCase> out;
  for (const pprof_test::ManifestRow& r : pprof_test::CorpusManifest()) {
    if (r.command.find(" -raw ") == std::string::npos) continue;
    if (pprof_corpus::LooksLikeProto(r.ProfilePath())) out.push_back({r.profile, r.golden});
  }
  return out;
}

std::string Load(Db& db, const std::string& path) {
  return db.One("SELECT pprof_load(" + Quote(path) + ")");
}

// The id of the profile pprof reports on, made in a statement of its own.
std::string Prepare(Db& db, const std::string& id) { return db.One("SELECT pprof_prepare(" + id + ")"); }

TEST(RawGoldens, ManifestHasProtoRawGoldens) {
  ASSERT_SHARED_EXISTS(pprof_test::CorpusDir() + "/MANIFEST.tsv");
  // go1.* (9), cpp1.*.sym (2), syn1-* (2), pprof-testdata (3).
  EXPECT_EQ(RawCases().size(), pprof_test::PprofTestdataPresent() ? 16u : 13u);
}

TEST(RawGoldens, PprofTestdataRows) { PPROF_TESTDATA_ROWS_OR_SKIP(); }

// pprof_raw_text over pprof_prepare(id) is the golden, for every case; the
// count of passes is printed.
TEST(RawGoldens, PreparedProfileMatchesEveryGolden) {
  ASSERT_SHARED_EXISTS(pprof_test::CorpusDir() + "/MANIFEST.tsv");
  UseUtc();
  int pass = 0, total = 0;
  for (const RawCase& c : RawCases()) {
    SCOPED_TRACE(c.profile);
    Db db;
    std::string id = Prepare(db, Load(db, CorpusPath(c.profile)));
    std::string diff = FirstDifference(RawText(db, id), ReadAll(CorpusPath(c.golden)));
    EXPECT_EQ(diff, "") << c.golden;
    total++;
    if (diff.empty()) pass++;
  }
  std::cout << "[ raw      ] prepared profile: " << pass << "/" << total << " -raw goldens match\n";
  EXPECT_EQ(pass, total);
}

// The file as loaded, without pprof's merge, matches only where the merge
// changes nothing. The others differ because pprof's Merge
//  - drops mappings no location uses (the Go runtime's [vdso] and
//    [vsyscall]): go1.cpu, go1.cpu-phase2, go1.heap-sampled, go1.mutex,
//    go1.block, go1.goroutine, sample.cpu;
//  - drops all-zero samples, adds up identical ones and renumbers locations
//    in order of first use: go1.heap, go1.heap-mid, go1.allocs, syn1-cpu,
//    syn1-heap, cppbench.cpu_no_samples_type.
TEST(RawGoldens, RawOfPlainFile) {
  ASSERT_SHARED_EXISTS(pprof_test::CorpusDir() + "/MANIFEST.tsv");
  UseUtc();
  const std::set<std::string> plain_matches = {
      "cpp1.cpu.sym.pb.gz", "cpp1.heap.sym.pb.gz", "pprof-testdata/internal/driver/testdata/go.nomappings.crash"};
  int pass = 0, total = 0;
  for (const RawCase& c : RawCases()) {
    SCOPED_TRACE(c.profile);
    Db db;
    std::string id = Load(db, CorpusPath(c.profile));
    std::string plain = RawText(db, id);
    bool match = plain == ReadAll(CorpusPath(c.golden));
    EXPECT_EQ(match, plain_matches.count(c.profile) == 1) << FirstDifference(plain, ReadAll(CorpusPath(c.golden)));
    total++;
    if (match) pass++;
    // Where the file already is what pprof prints, preparing changes nothing.
    if (match) {
      EXPECT_EQ(RawText(db, Prepare(db, id)), plain);
    }
  }
  std::cout << "[ raw      ] file as loaded: " << pass << "/" << total << " -raw goldens match\n";
}

// Two profiles at once: each one's lines, numbered from 0 without gaps.
TEST(RawGoldens, SeveralProfilesAndLineNumbers) {
  ASSERT_SHARED_EXISTS(pprof_test::CorpusDir() + "/MANIFEST.tsv");
  UseUtc();
  Db db;
  std::string a = Load(db, CorpusPath("go1.mutex.pb.gz"));
  std::string b = Load(db, CorpusPath("go1.block.pb.gz"));
  std::string pa = Prepare(db, a), pb = Prepare(db, b);
  for (const std::string& id : {pa, pb}) {
    auto r = db.Query("SELECT count(*), min(line_no), max(line_no), count(DISTINCT line_no) FROM pprof_raw_text "
                      "WHERE profile_id = " + id);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0][1], "0");
    EXPECT_EQ(std::stoll(r[0][2]), std::stoll(r[0][0]) - 1);
    EXPECT_EQ(r[0][3], r[0][0]);
  }
  std::string all;
  for (const auto& row : db.Query("SELECT text FROM pprof_raw_text WHERE profile_id IN (" + pa + ", " + pb +
                                  ") ORDER BY profile_id, line_no")) {
    all += row[0] + "\n";
  }
  EXPECT_EQ(all, ReadAll(CorpusPath("go1.mutex.raw.default.txt")) + ReadAll(CorpusPath("go1.block.raw.default.txt")));
}

// ---------------------------------------------------------------------------
// pprof_go_duration, pprof_go_time: Go's Duration.String and Time.String.

TEST(RawFunctions, GoDuration) {
  Db db;
  const std::pair<const char*, const char*> cases[] = {
      {"0", "0s"},
      {"1", "1ns"},
      {"999", "999ns"},
      {"1000", "1µs"},
      {"1500", "1.5µs"},
      {"1000000", "1ms"},
      {"1234567", "1.234567ms"},
      {"1000000000", "1s"},
      {"1644453071", "1.644453071s"},
      {"30000000001", "30.000000001s"},
      {"60000000000", "1m0s"},
      {"16500000000000", "4h35m0s"},
      {"3600000000000", "1h0m0s"},
      {"-1500", "-1.5µs"},
      {"-90000000000", "-1m30s"},
      {"-9223372036854775808", "-2562047h47m16.854775808s"},
      {"9223372036854775807", "2562047h47m16.854775807s"},
      {"NULL", "NULL"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(db.One(std::string("SELECT pprof_go_duration(") + in + ")"), want) << in;
  // %.4v keeps 4 characters, not bytes: the micro sign is one.
  EXPECT_EQ(db.One("SELECT substr(pprof_go_duration(1500), 1, 4)"), "1.5µ");
  EXPECT_EQ(db.One("SELECT substr(pprof_go_duration(16500000000000), 1, 4)"), "4h35");
}

TEST(RawFunctions, GoTimeInUtc) {
  UseUtc();
  Db db;
  const std::pair<const char*, const char*> cases[] = {
      {"1487351731621578004", "2017-02-17 17:15:31.621578004 +0000 UTC"},
      {"1487351731000000000", "2017-02-17 17:15:31 +0000 UTC"},
      {"1487351731500000000", "2017-02-17 17:15:31.5 +0000 UTC"},
      {"1", "1970-01-01 00:00:00.000000001 +0000 UTC"},
      {"-1", "1969-12-31 23:59:59.999999999 +0000 UTC"},
      {"NULL", "NULL"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(db.One(std::string("SELECT pprof_go_time(") + in + ")"), want) << in;
}

// ---------------------------------------------------------------------------
// Hand-built profiles.

class RawSynthetic : public ::testing::Test {
 protected:
  void SetUp() override {
    UseUtc();
    char tmpl[] = "/tmp/pprof_raw_XXXXXX";
    const char* d = mkdtemp(tmpl);
    ASSERT_NE(d, nullptr);
    dir_ = d;
  }
  void TearDown() override {
    for (const std::string& f : files_) std::remove(f.c_str());
    if (!dir_.empty()) rmdir(dir_.c_str());
  }
  int64_t Str(pb::Profile& p, const std::string& s) {
    for (int i = 0; i < p.string_table_size(); i++) {
      if (p.string_table(i) == s) return i;
    }
    p.add_string_table(s);
    return p.string_table_size() - 1;
  }
  std::string LoadProto(const pb::Profile& p) {
    std::string path = dir_ + "/p" + std::to_string(files_.size()) + ".pb";
    std::string bytes;
    EXPECT_TRUE(p.SerializeToString(&bytes));
    pprof_test::WriteAll(path, bytes);
    files_.push_back(path);
    return db_.One("SELECT pprof_load(" + Quote(path) + ")");
  }

  Db db_;
  std::string dir_;
  std::vector<std::string> files_;
};

TEST_F(RawSynthetic, HeaderLabelsLocationsAndFakeMapping) {
  pb::Profile p;
  p.add_string_table("");
  auto vt = [&](pb::ValueType* t, const char* type, const char* unit) {
    t->set_type(Str(p, type));
    t->set_unit(Str(p, unit));
  };
  vt(p.add_sample_type(), "alloc_objects", "count");
  vt(p.add_sample_type(), "alloc_space", "bytes");
  p.set_default_sample_type(Str(p, "alloc_objects"));
  p.add_comment(Str(p, "first comment"));
  p.add_comment(Str(p, "# second"));
  vt(p.mutable_period_type(), "space", "bytes");
  p.set_period(524288);
  p.set_duration_nanos(1500);  // no time_nanos: no Time: line

  auto* f1 = p.add_function();
  f1->set_id(1);
  f1->set_name(Str(p, "main.leaf"));
  f1->set_system_name(Str(p, "main.leaf"));
  f1->set_filename(Str(p, "/src/a.go"));
  f1->set_start_line(10);
  auto* f2 = p.add_function();
  f2->set_id(2);
  f2->set_name(Str(p, "Foo::bar"));
  f2->set_system_name(Str(p, "_ZN3Foo3barEv"));
  f2->set_filename(Str(p, "foo.cc"));

  auto* l1 = p.add_location();  // main.leaf inlined into Foo::bar
  l1->set_id(1);
  l1->set_address(0x1000);
  auto* ln = l1->add_line();
  ln->set_function_id(1);
  ln->set_line(12);
  ln = l1->add_line();
  ln->set_function_id(2);
  ln->set_line(7);
  auto* l2 = p.add_location();  // no lines, address 0
  l2->set_id(2);
  auto* l3 = p.add_location();  // folded, above 2^63
  l3->set_id(3);
  l3->set_address(0xffffffffff600000ULL);
  l3->set_is_folded(true);
  ln = l3->add_line();
  ln->set_function_id(2);
  ln->set_line(3);

  auto* s = p.add_sample();
  for (uint64_t id : {1, 2, 3}) s->add_location_id(id);
  s->add_value(1);
  s->add_value(100);
  auto label = [&](pb::Sample* smp, const char* key, const char* str, int64_t num, const char* unit) {
    auto* l = smp->add_label();
    l->set_key(Str(p, key));
    if (str) l->set_str(Str(p, str));
    if (num) l->set_num(num);
    if (unit) l->set_num_unit(Str(p, unit));
  };
  label(s, "b", "x", 0, nullptr);
  label(s, "a", "y", 0, nullptr);
  label(s, "b", "z", 0, nullptr);
  label(s, "n", nullptr, 5, "ms");  // one value of n has a unit: all print one
  label(s, "n", nullptr, 6, nullptr);
  label(s, "m", nullptr, 7, nullptr);
  label(s, "z", nullptr, 0, nullptr);  // neither string nor number: pprof drops it
  s = p.add_sample();
  s->add_location_id(2);
  s->add_value(0);
  s->add_value(5);
  s = p.add_sample();  // empty stack
  s->add_value(2);
  s->add_value(0);

  std::string id = LoadProto(p);
  EXPECT_EQ(RawText(db_, id),
            "Comment: first comment\n"
            "Comment: # second\n"
            "PeriodType: space bytes\n"
            "Period: 524288\n"
            "Duration: 1.5µ\n"
            "Samples:\n"
            "alloc_objects/count[dflt] alloc_space/bytes\n"
            "          1        100: 1 2 3 \n"
            "                a:[y] b:[x z]\n"
            "                m:[7] n:[5 ms 6 ]\n"
            "          0          5: 2 \n"
            "          2          0: \n"
            "Locations\n"
            "     1: 0x1000 M=1 main.leaf /src/a.go:12 s=10\n"
            "             Foo::bar foo.cc:7 s=0(_ZN3Foo3barEv)\n"
            "     2: 0x0 M=1 \n"
            "     3: 0xffffffffff600000 M=1 [F] Foo::bar foo.cc:3 s=0(_ZN3Foo3barEv)\n"
            "Mappings\n"
            "1: 0x0/0x0/0x0   \n");
}

TEST_F(RawSynthetic, MappingsTimeAndNoDefault) {
  pb::Profile p;
  p.add_string_table("");
  auto* st = p.add_sample_type();
  st->set_type(Str(p, "samples"));
  st->set_unit(Str(p, "count"));
  st = p.add_sample_type();
  st->set_type(Str(p, "cpu"));
  st->set_unit(Str(p, "nanoseconds"));
  p.mutable_period_type()->set_type(Str(p, "cpu"));
  p.mutable_period_type()->set_unit(Str(p, "nanoseconds"));
  p.set_period(10000000);
  p.set_time_nanos(1487351731000000000);
  p.set_duration_nanos(16500000000000);  // 4h35m0s

  auto* m = p.add_mapping();
  m->set_id(1);
  m->set_memory_start(0x400000);
  m->set_memory_limit(0x500000);
  m->set_file_offset(0x1000);
  m->set_filename(Str(p, "/bin/app"));
  m->set_build_id(Str(p, "abc123"));
  m->set_has_functions(true);
  m->set_has_filenames(true);
  m->set_has_line_numbers(true);
  m->set_has_inline_frames(true);
  m = p.add_mapping();
  m->set_id(2);
  m->set_memory_start(0x7f0000000000);
  m->set_memory_limit(0x7f0000001000);
  m->set_filename(Str(p, "[vdso]"));
  m->set_has_functions(true);

  auto* f = p.add_function();
  f->set_id(1);
  f->set_name(Str(p, "main.main"));
  f->set_system_name(Str(p, "main.main"));
  f->set_filename(Str(p, "main.go"));
  auto* l = p.add_location();
  l->set_id(1);
  l->set_mapping_id(1);
  l->set_address(0x401234);
  auto* ln = l->add_line();
  ln->set_function_id(1);
  ln->set_line(5);
  l = p.add_location();
  l->set_id(2);
  l->set_mapping_id(2);
  l->set_address(0x7f0000000010);

  auto* s = p.add_sample();
  s->add_location_id(1);
  s->add_location_id(2);
  s->add_value(3);
  s->add_value(30000000);
  auto* lb = s->add_label();
  lb->set_key(Str(p, "bytes"));
  lb->set_num(4096);
  lb->set_num_unit(Str(p, "bytes"));

  std::string id = LoadProto(p);
  const std::string want =
      "PeriodType: cpu nanoseconds\n"
      "Period: 10000000\n"
      "Time: 2017-02-17 17:15:31 +0000 UTC\n"
      "Duration: 4h35\n"
      "Samples:\n"
      "samples/count cpu/nanoseconds\n"
      "          3   30000000: 1 2 \n"
      "                bytes:[4096 bytes]\n"
      "Locations\n"
      "     1: 0x401234 M=1 main.main main.go:5 s=0\n"
      "     2: 0x7f0000000010 M=2 \n"
      "Mappings\n"
      "1: 0x400000/0x500000/0x1000 /bin/app abc123 [FN][FL][LN][IN]\n"
      "2: 0x7f0000000000/0x7f0000001000/0x0 [vdso]  [FN]\n";
  EXPECT_EQ(RawText(db_, id), want);
  // Already in pprof's form: preparing it changes nothing.
  EXPECT_EQ(RawText(db_, Prepare(db_, id)), want);
}

// pprof's merge on a hand-built profile: the duplicate sample is added up,
// the all-zero one dropped, locations renumbered by first use, the unused
// mapping dropped.
TEST_F(RawSynthetic, PreparedProfileIsMerged) {
  pb::Profile p;
  p.add_string_table("");
  auto* st = p.add_sample_type();
  st->set_type(Str(p, "samples"));
  st->set_unit(Str(p, "count"));
  p.mutable_period_type()->set_type(Str(p, "samples"));
  p.mutable_period_type()->set_unit(Str(p, "count"));
  p.set_period(1);
  for (uint64_t i = 1; i <= 2; i++) {
    auto* m = p.add_mapping();
    m->set_id(i);
    m->set_memory_start(0x1000 * i * 16);
    m->set_memory_limit(0x1000 * i * 16 + 0x1000);
    m->set_filename(Str(p, i == 1 ? "/bin/a" : "/lib/unused.so"));
  }
  for (uint64_t i = 1; i <= 3; i++) {
    auto* l = p.add_location();
    l->set_id(i * 10);
    l->set_mapping_id(1);
    l->set_address(0x10000 + i);
  }
  auto sample = [&](std::vector<uint64_t> locs, int64_t v) {
    auto* s = p.add_sample();
    for (uint64_t id : locs) s->add_location_id(id);
    s->add_value(v);
  };
  sample({10}, 0);
  sample({30, 20}, 4);
  sample({10, 20}, 1);
  sample({30, 20}, 2);
  std::string id = LoadProto(p);
  std::string prepared = Prepare(db_, id);
  EXPECT_EQ(RawText(db_, prepared),
            "PeriodType: samples count\n"
            "Period: 1\n"
            "Samples:\n"
            "samples/count\n"
            "          6: 1 2 \n"
            "          1: 3 2 \n"
            "Locations\n"
            "     1: 0x10003 M=1 \n"
            "     2: 0x10002 M=1 \n"
            "     3: 0x10001 M=1 \n"
            "Mappings\n"
            "1: 0x10000/0x11000/0x0 /bin/a  \n");
}

}  // namespace
