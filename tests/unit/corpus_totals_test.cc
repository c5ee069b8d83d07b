// Conformance of sample totals and per-function flat values against the
// corpus goldens (tests/corpus, and pprof-testdata's in ../shared/corpus/dev), whose expected numbers were printed
// by `go tool pprof` (Go 1.19.8), never by our code.
//
// For every profile that MANIFEST.tsv lists, profile.proto or a legacy format
// (one test instance per file, named after it):
//  1. pprof_load reads it.
//  2. Against its `-raw` golden: the sample types (type/unit, in order) equal
//     pprof_sample_types', the type marked [dflt] is ours with is_default=1 when
//     one is marked, and for every sample type the sum of that value column
//     over the golden's samples equals sum(value) in pprof_samples of the
//     profile pprof_prepare makes (-raw merges identical samples, drops
//     all-zero ones and, after drop_frames, empty ones).
//  3. Against its `-top -nodecount=0` golden (else its plain `-top` golden, which
//     shows at most 80 nodes but their exact flats): the `Type:` header is our default
//     sample type; the `of X total` header is the sum of |value| of that type;
//     and every row's function exists in our profile and its flat column equals
//     our flat (sum of the default type's value over samples whose leaf frame,
//     pprof_frames depth 0, is that function; a leaf frame without a function is
//     pprof's `[mapping base name]` or `<unknown>` node), converted and formatted the way
//     pprof's measurement.ScaledLabel does, in the report's unit. With
//     -nodecount=0, a function of ours the golden does not show must have a flat
//     below pprof's node cutoff.
//
// Which files are profile.proto is decided from the bytes (gzip-compressed, or
// binary that is not a legacy CPU profile); the setup test checks that
// MANIFEST.tsv's `format` column says the same. Profiles whose golden of a shape is missing
// (pprof-testdata has only -raw/-top/-traces) are checked on what exists; each
// profile must get at least one check.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "corpus_goldens.h"
#include "test_util.h"

namespace {

using namespace pprof_corpus;
using pprof_test::CorpusDir;
using pprof_test::Db;
using pprof_test::Quote;
using pprof_test::ReadAll;
using pprof_test::Rows;

// ---------------------------------------------------------------------------
// -raw golden

struct RawGolden {
  std::vector<std::string> types;  // "type/unit"
  std::string dflt;                // type/unit marked [dflt], or ""
  std::vector<long long> sums;
  size_t samples = 0;
};

::testing::AssertionResult ParseRaw(const std::string& text, RawGolden* out) {
  std::vector<std::string> lines = Lines(text);
  size_t i = 0;
  while (i < lines.size() && lines[i] != "Samples:") i++;
  if (i + 1 >= lines.size()) return ::testing::AssertionFailure() << "no `Samples:` line";
  for (std::string w : Words(lines[i + 1])) {
    const std::string mark = "[dflt]";
    if (w.size() > mark.size() && w.compare(w.size() - mark.size(), mark.size(), mark) == 0) {
      w.resize(w.size() - mark.size());
      out->dflt = w;
    }
    out->types.push_back(w);
  }
  if (out->types.empty()) return ::testing::AssertionFailure() << "no sample types after `Samples:`";
  out->sums.assign(out->types.size(), 0);
  for (i += 2; i < lines.size() && lines[i] != "Locations"; i++) {
    const std::string& l = lines[i];
    if (StartsWith(l, std::string(16, ' ')) && Contains(l, "[")) continue;  // label line
    size_t colon = l.find(':');
    if (colon == std::string::npos) return ::testing::AssertionFailure() << "bad sample line: " << l;
    std::vector<std::string> vals = Words(l.substr(0, colon));
    if (vals.size() != out->types.size()) {
      return ::testing::AssertionFailure() << "sample line has " << vals.size() << " values, want "
                                           << out->types.size() << ": " << l;
    }
    for (size_t k = 0; k < vals.size(); k++) {
      char* end = nullptr;
      long long v = std::strtoll(vals[k].c_str(), &end, 10);
      if (!end || *end) return ::testing::AssertionFailure() << "bad value `" << vals[k] << "` in: " << l;
      out->sums[k] += v;
    }
    out->samples++;
  }
  if (i == lines.size()) return ::testing::AssertionFailure() << "no `Locations` line";
  return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------------------

// pprof's node name at function granularity (graph.go, NodeInfo.NameComponents
// with addresses and line numbers aggregated away): the function name, else
// `[` + filepath.Base(mapping file) + `]`, else `<unknown>`. Arguments are
// query texts ("NULL" for NULL).
std::string NodeName(const std::string& function_name, const std::string& mapping_file) {
  if (function_name != "NULL" && !function_name.empty()) return function_name;
  if (mapping_file == "NULL" || mapping_file.empty()) return "<unknown>";
  std::string f = mapping_file;
  while (f.size() > 1 && f.back() == '/') f.pop_back();
  size_t slash = f.rfind('/');
  if (slash != std::string::npos && f.size() > 1) f = f.substr(slash + 1);
  return "[" + f + "]";
}

std::atomic<int> g_instances_done{0};
std::atomic<long long> g_pairs_checked{0};
std::atomic<long long> g_checks{0};


class CorpusTotals : public ::testing::TestWithParam<std::string> {};

TEST(CorpusTotalsSetup, CorpusPresentAndHasProtoProfiles) {
  ASSERT_SHARED_EXISTS(CorpusDir() + "/MANIFEST.tsv");
  std::vector<std::string> profiles = ProtoProfiles();
  EXPECT_GE(profiles.size(), 10u) << "too few profile.proto files found in MANIFEST.tsv";
  // The manifest's format column says what the bytes are.
  std::set<std::string> proto(profiles.begin(), profiles.end());
  for (const ManifestRow& r : CorpusManifest()) {
    const bool is_proto = proto.count(r.profile) > 0;
    EXPECT_EQ(r.format, is_proto ? "proto" : "legacy") << r.dir << "/MANIFEST.tsv: " << r.profile;
  }
}

TEST(CorpusTotalsSetup, PprofTestdataRows) { PPROF_TESTDATA_ROWS_OR_SKIP(); }

TEST_P(CorpusTotals, RawSumsAndTopFlatMatchPprof) {
  const std::string profile = GetParam();
  const std::string path = pprof_test::CorpusPath(profile);
  ASSERT_SHARED_EXISTS(path);
  const std::vector<ManifestRow> manifest = CorpusManifest();

  Db db;
  std::string id = db.One("SELECT pprof_load(" + Quote(path) + ")");
  ASSERT_FALSE(id.empty()) << "pprof_load failed for " << path;
  const std::string pid = " profile_id=" + id + " ";

  Rows types = db.Query("SELECT sample_index, type, unit, is_default FROM pprof_sample_types WHERE" + pid +
                        "ORDER BY sample_index");
  ASSERT_FALSE(types.empty()) << "no sample types";

  int checks = 0;

  // --- 2. -raw totals
  if (const ManifestRow* raw = FindGolden(manifest, profile, " -raw ")) {
    SCOPED_TRACE("golden " + raw->golden + " (" + raw->command + ")");
    RawGolden g;
    ASSERT_TRUE(ParseRaw(ReadAll(raw->GoldenPath()), &g));
    // -raw prints the profile after pprof's clean-up, which drops samples
    // left with no frames once drop_frames (set by the legacy readers) has
    // removed the allocator's frames: sums are compared on the profile
    // pprof_prepare makes the same way.
    const std::string prepared_pid = " profile_id=" + db.One("SELECT pprof_prepare(" + id + ")") + " ";
    ASSERT_EQ(g.types.size(), types.size()) << "number of sample types";
    for (size_t i = 0; i < types.size(); i++) {
      EXPECT_EQ(types[i][1] + "/" + types[i][2], g.types[i]) << "sample type " << i;
      std::string sum = db.One("SELECT coalesce(sum(value), 0) FROM pprof_samples WHERE" + prepared_pid +
                               "AND sample_index=" + std::to_string(i));
      EXPECT_EQ(sum, std::to_string(g.sums[i])) << "sum of sample type " << i << " (" << g.types[i] << ") over "
                                                << g.samples << " golden samples";
      checks++;
    }
    if (!g.dflt.empty()) {
      std::string ours = db.One("SELECT type || '/' || unit FROM pprof_sample_types WHERE" + pid + "AND is_default=1");
      EXPECT_EQ(ours, g.dflt) << "the type -raw marks [dflt]";
    }
  }

  // --- 3. -top -nodecount=0 per-function flat
  // A `-top -nodecount=0` golden lists every node above the node fraction. Without
  // one, the plain `-top` golden (at most 80 nodes) still shows exact flats.
  const ManifestRow* top = FindGolden(manifest, profile, "-top -nodecount=0");
  const bool complete = top != nullptr;
  if (!top) top = FindGolden(manifest, profile, "-top " + profile);
  if (top && !complete && !EndsWith(top->command, "-top " + profile)) top = nullptr;  // other options
  if (top) {
    SCOPED_TRACE("golden " + top->golden + " (" + top->command + ")");
    TopGolden g;
    ASSERT_TRUE(ParseTop(ReadAll(top->GoldenPath()), &g));
    Rows dflt = db.Query("SELECT sample_index, type, unit FROM pprof_sample_types WHERE" + pid + "AND is_default=1");
    ASSERT_EQ(dflt.size(), 1u) << "exactly one default sample type";
    const std::string di = dflt[0][0], dtype = dflt[0][1], dunit = dflt[0][2];
    EXPECT_EQ(dtype, g.type) << "the default sample type (pprof's `Type:`)";

    // Our flat per node: the leaf frame's function name, grouped by name. A leaf
    // frame without a function is pprof's `[mapping file base name]` node, or
    // `<unknown>` without a mapping.
    std::map<std::string, long long> flat;
    for (const auto& r :
         db.Query("SELECT f.function_name, m.filename, sum(s.value) FROM pprof_frames f JOIN pprof_samples s "
                  "ON s.profile_id=f.profile_id AND s.sample_id=f.sample_id "
                  "LEFT JOIN pprof_mappings m ON m.profile_id=f.profile_id AND m.mapping_id=f.mapping_id "
                  "WHERE f.profile_id=" + id + " AND f.depth=0 AND s.sample_index=" + di +
                  " GROUP BY f.function_name, m.filename")) {
      flat[NodeName(r[0], r[1])] += std::stoll(r[2]);
    }
    // Every node name our profile can produce: its function names, and the
    // names of frames without a function.
    std::set<std::string> names;
    for (const auto& r : db.Query("SELECT DISTINCT name FROM pprof_functions WHERE" + pid)) names.insert(r[0]);
    for (const auto& r :
         db.Query("SELECT DISTINCT m.filename FROM pprof_frames f LEFT JOIN pprof_mappings m "
                  "ON m.profile_id=f.profile_id AND m.mapping_id=f.mapping_id "
                  "WHERE f.profile_id=" + id + " AND coalesce(f.function_name, '') = ''")) {
      names.insert(NodeName("NULL", r[0]));
    }

    // The report's total: sum of |value| of the default type.
    std::string total = db.One("SELECT coalesce(sum(abs(value)), 0) FROM pprof_samples WHERE" + pid +
                               "AND sample_index=" + di);
    if (!g.total.empty()) {
      std::string ours, why;
      ASSERT_TRUE(FormatLike(std::stoll(total), dunit, g.total, &ours, &why)) << why;
      EXPECT_EQ(ours, g.total) << "the report total (exact: " << total << " " << dunit << ")";
      checks++;
    }

    int pairs = 0;
    for (const TopRow& row : g.rows) {
      if (!names.count(row.name)) {
        ADD_FAILURE() << "golden row's node `" << row.name << "` is not a function (or function-less frame) "
                      << "of our profile: " << row.line;
        continue;
      }
      long long ours = flat.count(row.name) ? flat[row.name] : 0;
      std::string text, why;
      if (!FormatLike(ours, dunit, row.flat, &text, &why)) {
        ADD_FAILURE() << why << ": " << row.line;
        continue;
      }
      EXPECT_EQ(text, row.flat) << "flat of `" << row.name << "` (ours exactly " << ours << " " << dunit
                                << "); golden row: " << row.line;
      pairs++;
    }
    // -nodecount=0 lists every node whose |cum| reaches the node cutoff
    // (report.go newTrimmedGraph: 0.005 of the flat sum over all nodes, i.e. of
    // the samples with a stack), so a node of ours missing from it has
    // |flat| <= |cum| < cutoff (and flat 0 when the cutoff is 0).
    if (complete) {
      long long graph_total = std::stoll(db.One("SELECT coalesce(sum(value), 0) FROM pprof_samples WHERE" + pid +
                                                "AND sample_index=" + di + " AND stack_depth > 0"));
      long long cutoff = std::llabs(static_cast<long long>(static_cast<double>(graph_total) * 0.005));
      std::set<std::string> shown;
      for (const TopRow& row : g.rows) shown.insert(row.name);
      for (const auto& [name, v] : flat) {
        if (shown.count(name)) continue;
        EXPECT_LT(std::llabs(v), std::max(cutoff, 1LL))
            << "`" << name << "` has flat " << v << " " << dunit << " but is not in the golden (node cutoff "
            << cutoff << ")";
        checks++;
      }
    }
    EXPECT_GT(pairs, 0) << "no (function, flat) pair checked";
    EXPECT_EQ(static_cast<size_t>(pairs), g.rows.size()) << "every golden row is checked";
    checks += pairs;
    g_pairs_checked += pairs;
    RecordProperty("flat_pairs_checked", pairs);
  }

  EXPECT_GT(checks, 0) << "neither a -raw nor a -top -nodecount=0 golden could be checked for " << profile;
  RecordProperty("checks", checks);
  g_checks += checks;

  // The last instance to run (in a run of all of them) checks the overall count.
  static const size_t kInstances = AllProfiles().size();
  static const size_t kProto = ProtoProfiles().size();
  if (static_cast<size_t>(++g_instances_done) == kInstances) {
    std::cout << "[ CORPUS   ] " << kProto << " profile.proto and " << kInstances - kProto << " legacy-format files, " << g_pairs_checked.load()
              << " (profile, function) flat pairs checked, " << g_checks.load() << " checks in all\n";
    EXPECT_GT(g_pairs_checked.load(), 300) << "too few (profile, function) pairs checked overall";
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusTotals, ::testing::ValuesIn(AllProfiles()), TestName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CorpusTotals);

}  // namespace
