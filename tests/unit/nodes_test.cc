// The relational flat/cum core: pprof_nodes, pprof_node_edges and
// pprof_node_stacks (extension/src/tables/nodes_table.cc).
//
//  1. Goldens (numbers printed by `go tool pprof`, Go 1.19.8, see
//     MANIFEST.tsv): for every profile.proto file of the corpus, each row of
//     its `-top -nodecount=0` (and plain `-top`) golden has our functions-granularity node of that
//     name with the same flat, cum (formatted as pprof formats them) and
//     inline label (from the edges of the graph trimmed to the golden's
//     nodes, computed in SQL from pprof_node_stacks); each row of its `-text -lines` golden the same at lines
//     granularity; and each caller and callee line of its `-peek` goldens is
//     an edge of pprof_node_edges with that weight, the node having exactly
//     as many callers and callees as pprof prints.
//  2. Agreement with pprof_graph (itself checked against the goldens by the
//     view tests) on every corpus file, sample type, granularity and inlining
//     mode: the untrimmed nodes and edges are the same, and the edges of a
//     trimmed graph (-nodecount=8), computed in SQL from pprof_node_stacks as
//     docs/SCHEMA.md shows, equal pprof_graph_edges' (residual edges included).
//  3. The dimension columns: unconstrained means every value, constraints
//     compute only what they name.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "corpus_goldens.h"
#include "test_util.h"

namespace {

using namespace pprof_corpus;
using pprof_test::Db;
using pprof_test::Quote;
using pprof_test::Rows;

const char* const kGranularities[] = {"functions", "filefunctions", "files", "lines", "addresses"};

// One golden's command: the settings, the report and its other flags.
struct GoldenCase {
  std::string golden, command, source_path, trim_path, report, symbol, options;
};

GoldenCase ParseCommand(const ManifestRow& r) {
  GoldenCase c;
  c.golden = r.golden;
  c.command = r.command;
  std::vector<std::string> words = ShellWords(r.command);
  // go tool pprof FLAGS... PROFILE
  for (size_t i = 3; i + 1 < words.size(); i++) {
    const std::string& w = words[i];
    if (w == "-symbolize=none") continue;
    if (StartsWith(w, "-source_path=")) {
      c.source_path = w.substr(13);
    } else if (StartsWith(w, "-trim_path=")) {
      c.trim_path = w.substr(11);
    } else if (StartsWith(w, "-peek=")) {
      c.report = "peek";
      c.symbol = w.substr(6);
    } else if (w == "-top" || w == "-text") {
      c.report = "top";
    } else {
      c.options += (c.options.empty() ? "" : " ") + w;
    }
  }
  return c;
}

std::string LoadWithSettings(Db& db, const std::string& profile, const GoldenCase& c) {
  db.Query("SELECT pprof_config('source_path', " + Quote(c.source_path) + "), pprof_config('trim_path', " +
           Quote(c.trim_path) + ")");
  return db.One("SELECT pprof_load(" + Quote(CorpusPath(profile)) + ")");
}

std::string Where(const std::string& alias, const std::string& id, const std::string& granularity, int inlines,
                  const std::string& sample_type) {
  const std::string a = alias.empty() ? "" : alias + ".";
  return a + "profile_id = " + id + " AND " + a + "granularity = " + Quote(granularity) + " AND " + a +
         "inlines = " + std::to_string(inlines) + " AND " + a + "sample_type = " + Quote(sample_type);
}

// The edges of a graph trimmed to `kept` (a query of node_id), computed from
// pprof_node_stacks the way newGraph walks the samples: per stack, each kept
// frame's caller is the next kept frame towards the root (residual when
// frames lie between them), an edge counts once per stack with the flags of
// its occurrence nearest the root, and no edge joins a node to itself.
std::string TrimmedEdgesSql(const std::string& where, const std::string& kept) {
  return "WITH f AS (SELECT stack_id, depth, node_id, is_inline, value FROM pprof_node_stacks WHERE " + where +
         " AND node_id IN (" + kept +
         ")), "
         "w AS (SELECT stack_id, depth, node_id AS callee, is_inline, value, lead(node_id) OVER win AS caller, "
         "lead(depth) OVER win - depth > 1 AS residual FROM f WINDOW win AS (PARTITION BY stack_id ORDER BY depth)), "
         "e AS (SELECT caller, callee, value, residual, is_inline, row_number() OVER "
         "(PARTITION BY stack_id, caller, callee ORDER BY depth DESC) AS nth FROM w "
         "WHERE caller IS NOT NULL AND caller <> callee) "
         "SELECT caller, callee, sum(value) AS weight, max(residual) AS is_residual, min(is_inline) AS is_inline "
         "FROM e WHERE nth = 1 GROUP BY caller, callee";
}

// -top's inline label of a node from the edges into it (report.go TextItems),
// as an aggregate over those edges' is_inline.
const char kInlineLabel[] =
    "CASE WHEN max(is_inline) = 0 THEN '' WHEN min(is_inline) = 1 THEN '(inline)' ELSE '(partial-inline)' END";

// The names of the sample types the core offers (the first of each name).
std::vector<std::pair<int, std::string>> SampleTypes(Db& db, const std::string& id) {
  std::vector<std::pair<int, std::string>> out;
  for (const auto& r : db.Query("SELECT sample_index, type FROM pprof_sample_types WHERE profile_id = " + id +
                                " ORDER BY sample_index")) {
    bool seen = false;
    for (const auto& t : out) seen = seen || t.second == r[1];
    if (!seen) out.emplace_back(std::stoi(r[0]), r[1]);
  }
  return out;
}

class NodesCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(NodesCorpus, AgreeWithPprofGraph) {
  const std::string profile = GetParam();
  ASSERT_SHARED_EXISTS(CorpusPath(profile));
  Db db;
  const std::string id = LoadWithSettings(db, profile, GoldenCase());
  ASSERT_FALSE(id.empty());
  int combos = 0;
  for (const auto& [index, type] : SampleTypes(db, id)) {
    for (const char* g : kGranularities) {
      for (int inl : {1, 0}) {
        SCOPED_TRACE(std::string(g) + " inlines=" + std::to_string(inl) + " sample_type=" + type);
        const std::string where = Where("", id, g, inl, type);
        const std::string flags =
            std::string("-") + g + (inl ? "" : " -noinlines") + " -sample_index=" + std::to_string(index);
        const std::string untrimmed = Quote(flags + " -nodecount=0 -nodefraction=0 -edgefraction=0");
        const std::string graph = " FROM pprof_graph WHERE profile_id = " + id + " AND report = 'top' AND options = ";
        const std::string graph_edges =
            " FROM pprof_graph_edges WHERE profile_id = " + id + " AND report = 'top' AND options = ";
        // Nodes: same names, values, labels, in the same order.
        Rows want = db.Query("SELECT name, raw_flat, raw_cum, inline_label" + graph + untrimmed + " ORDER BY rank");
        Rows got = db.Query("SELECT n.name, n.flat, n.cum, coalesce(l.label, '') FROM pprof_nodes n LEFT JOIN "
                            "(SELECT callee_id, " + std::string(kInlineLabel) + " AS label FROM pprof_node_edges "
                            "WHERE " + where + " GROUP BY callee_id) l ON l.callee_id = n.node_id WHERE " +
                            Where("n", id, g, inl, type) + " ORDER BY n.rank");
        EXPECT_EQ(got, want);
        EXPECT_FALSE(got.empty());
        // Untrimmed edges.
        const std::string names =
            " JOIN pprof_nodes a ON " + Where("a", id, g, inl, type) + " AND a.node_id = e.caller_id JOIN pprof_nodes b ON " +
            Where("b", id, g, inl, type) + " AND b.node_id = e.callee_id";
        want = db.Query("SELECT caller, callee, weight, is_inline" + graph_edges + untrimmed + " ORDER BY 1, 2, 3, 4");
        got = db.Query("SELECT a.name, b.name, e.weight, e.is_inline FROM pprof_node_edges e" + names + " WHERE " +
                       Where("e", id, g, inl, type) + " ORDER BY 1, 2, 3, 4");
        EXPECT_EQ(got, want) << "untrimmed edges";
        // Trimmed edges, from the stacks in SQL.
        const std::string trimmed = Quote(flags + " -nodecount=8 -edgefraction=0");
        // The kept nodes by their NodeInfo (names alone may repeat: a file's
        // nodes keep the start line of their functions).
        const std::string kept =
            "SELECT n.node_id FROM pprof_nodes n JOIN (SELECT function, file, line, address, start_line, binary" +
            graph + trimmed +
            ") g ON n.function IS g.function AND n.file IS g.file AND n.line = g.line AND n.address = g.address "
            "AND n.start_line = g.start_line AND n.binary IS g.binary WHERE " + Where("n", id, g, inl, type);
        want = db.Query("SELECT caller, callee, weight, is_residual, is_inline" + graph_edges + trimmed +
                        " ORDER BY 1, 2, 3, 4, 5");
        got = db.Query("SELECT a.name, b.name, t.weight, t.is_residual, t.is_inline FROM (" +
                       TrimmedEdgesSql(where, kept) + ") t JOIN pprof_nodes a ON " + Where("a", id, g, inl, type) +
                       " AND a.node_id = t.caller JOIN pprof_nodes b ON " + Where("b", id, g, inl, type) +
                       " AND b.node_id = t.callee ORDER BY 1, 2, 3, 4, 5");
        EXPECT_EQ(got, want) << "trimmed edges (-nodecount=8)";
        combos++;
      }
    }
  }
  EXPECT_GE(combos, 10);
}

// -mean in SQL, as docs/SCHEMA.md does it: pprof divides by the same node's
// values of sample type 0 (driver.go sampleFormat: meanDiv = valueExtractor(0)),
// when not 0. Checked against pprof_graph's -mean flat and cum.
TEST_P(NodesCorpus, MeanFromSampleTypeZero) {
  const std::string profile = GetParam();
  ASSERT_SHARED_EXISTS(CorpusPath(profile));
  Db db;
  const std::string id = LoadWithSettings(db, profile, GoldenCase());
  const std::vector<std::pair<int, std::string>> types = SampleTypes(db, id);
  ASSERT_FALSE(types.empty());
  const std::string type0 = db.One("SELECT type FROM pprof_sample_types WHERE profile_id = " + id +
                                   " AND sample_index = 0");
  int checked = 0;
  for (const auto& [index, type] : types) {
    for (const char* g : {"functions", "lines"}) {
      SCOPED_TRACE(std::string(g) + " sample_type=" + type);
      Rows want = db.Query("SELECT name, flat, cum FROM pprof_graph WHERE profile_id = " + id +
                           " AND report = 'top' AND options = " +
                           Quote(std::string("-") + g + " -mean -nodecount=0 -nodefraction=0 -sample_index=" +
                                 std::to_string(index)) +
                           " ORDER BY name, flat, cum");
      Rows got = db.Query(
          "SELECT n.name, CASE WHEN coalesce(d.flat, 0) = 0 THEN n.flat ELSE n.flat / d.flat END AS f, "
          "CASE WHEN coalesce(d.cum, 0) = 0 THEN n.cum ELSE n.cum / d.cum END AS c FROM pprof_nodes n "
          "LEFT JOIN pprof_nodes d ON " + Where("d", id, g, 1, type0) + " AND d.node_id = n.node_id WHERE " +
          Where("n", id, g, 1, type) + " ORDER BY 1, 2, 3");
      EXPECT_EQ(got, want);
      checked += static_cast<int>(got.size());
    }
  }
  EXPECT_GT(checked, 0);
}

// The goldens of `report` (with exactly `options`) of `profile`.
std::vector<GoldenCase> GoldensOf(const std::string& profile, const std::string& report, const std::string& options) {
  std::vector<GoldenCase> out;
  for (const ManifestRow& r : CorpusManifest()) {
    if (r.profile != profile) continue;
    GoldenCase c = ParseCommand(r);
    if (c.report == report && c.options == options) out.push_back(c);
  }
  return out;
}

struct NodeValues {
  long long flat = 0, cum = 0;
};

std::map<std::string, NodeValues> NodesByName(Db& db, const std::string& where) {
  std::map<std::string, NodeValues> out;
  // Summed by name: a repeated name (unnamed nodes of binaries with one base name) would fail the check.
  for (const auto& r : db.Query("SELECT name, flat, cum FROM pprof_nodes WHERE " + where)) {
    NodeValues& v = out[r[0]];
    v.flat += std::stoll(r[1]);
    v.cum += std::stoll(r[2]);
  }
  return out;
}

// Checks a -top golden's rows against pprof_nodes at `granularity`; returns the rows checked.
int CheckTopGolden(const std::string& profile, const GoldenCase& c, const std::string& granularity) {
  SCOPED_TRACE(c.golden + " (" + c.command + ")");
  TopGolden golden;
  EXPECT_TRUE(ParseTop(ReadAll(CorpusPath(c.golden)), &golden));
  Db db;
  const std::string id = LoadWithSettings(db, profile, c);
  const std::string where = Where("", id, granularity, 1, golden.type);
  const std::string unit = db.One("SELECT DISTINCT unit FROM pprof_nodes WHERE " + where);
  std::map<std::string, NodeValues> ours = NodesByName(db, where);
  // pprof labels a node from the calls into it in the graph it prints,
  // trimmed to the nodes it shows: computed from pprof_node_stacks with the
  // golden's nodes as the kept set.
  std::string shown;
  for (const TopRow& row : golden.rows) shown += (shown.empty() ? "" : ", ") + Quote(row.name);
  std::map<std::string, std::string> label;
  for (const auto& r : db.Query("SELECT n.name, " + std::string(kInlineLabel) + " FROM (" +
                                TrimmedEdgesSql(where, "SELECT node_id FROM pprof_nodes WHERE " + where +
                                                           " AND name IN (" + shown + ")") +
                                ") t JOIN pprof_nodes n ON " + Where("n", id, granularity, 1, golden.type) +
                                " AND n.node_id = t.callee GROUP BY n.name")) {
    label[r[0]] = r[1];
  }
  int rows = 0;
  for (const TopRow& row : golden.rows) {
    auto it = ours.find(row.name);
    if (it == ours.end()) {
      ADD_FAILURE() << "no node `" << row.name << "`: " << row.line;
      continue;
    }
    std::string flat, cum, why;
    EXPECT_TRUE(FormatLike(it->second.flat, unit, row.flat, &flat, &why)) << why;
    EXPECT_TRUE(FormatLike(it->second.cum, unit, row.cum, &cum, &why)) << why;
    EXPECT_EQ(flat, row.flat) << "flat (ours exactly " << it->second.flat << "): " << row.line;
    EXPECT_EQ(cum, row.cum) << "cum (ours exactly " << it->second.cum << "): " << row.line;
    EXPECT_EQ(label[row.name], row.inline_label) << "inline label: " << row.line;
    rows++;
  }
  EXPECT_EQ(static_cast<size_t>(rows), golden.rows.size());
  return rows;
}

// A -peek golden: per shown node, its callers and callees with their weights as printed.
struct PeekEdge {
  std::string name, weight;  // the other node, the weight as printed
  bool is_inline = false;    // printed with " (inline)"
};
struct PeekBlock {
  std::string node;
  std::vector<PeekEdge> callers, callees;
};

::testing::AssertionResult ParsePeek(const std::string& text, std::string* type, std::vector<PeekBlock>* out) {
  std::vector<std::string> lines = Lines(text);
  size_t i = 0;
  int dashes = 0;
  for (; i < lines.size() && dashes < 2; i++) {
    if (StartsWith(lines[i], "Type: ")) *type = lines[i].substr(6);
    if (StartsWith(lines[i], "-----")) dashes++;
  }
  if (dashes < 2) return ::testing::AssertionFailure() << "no peek header";
  PeekBlock block;
  bool seen_node = false;
  for (; i < lines.size(); i++) {
    const std::string& l = lines[i];
    if (StartsWith(l, "-----")) {
      if (!seen_node) return ::testing::AssertionFailure() << "a block without its node";
      out->push_back(block);
      block = PeekBlock();
      seen_node = false;
      continue;
    }
    size_t bar = l.find('|');
    if (bar == std::string::npos) return ::testing::AssertionFailure() << "no '|' in: " << l;
    std::string right = l.substr(bar + 1);
    std::vector<std::string> left = Words(l.substr(0, bar));
    if (StartsWith(right, "   ")) {
      if (left.size() != 2) return ::testing::AssertionFailure() << "bad edge line: " << l;
      PeekEdge e{right.substr(3), left[0], false};
      const std::string suffix = " (inline)";
      if (e.name.size() > suffix.size() && e.name.compare(e.name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        e.name.resize(e.name.size() - suffix.size());
        e.is_inline = true;
      }
      (seen_node ? block.callees : block.callers).push_back(e);
    } else {
      block.node = right.substr(1);
      seen_node = true;
    }
  }
  return ::testing::AssertionSuccess();
}

int CheckPeekGolden(const std::string& profile, const GoldenCase& c) {
  SCOPED_TRACE(c.golden + " (" + c.command + ")");
  std::string type;
  std::vector<PeekBlock> blocks;
  EXPECT_TRUE(ParsePeek(ReadAll(CorpusPath(c.golden)), &type, &blocks));
  EXPECT_FALSE(blocks.empty());
  Db db;
  const std::string id = LoadWithSettings(db, profile, c);
  const std::string unit = db.One("SELECT DISTINCT unit FROM pprof_nodes WHERE " + Where("", id, "functions", 1, type));
  std::map<std::pair<std::string, std::string>, long long> weight;
  std::map<std::pair<std::string, std::string>, bool> is_inline;
  for (const auto& r : db.Query("SELECT a.name, b.name, e.weight, e.is_inline FROM pprof_node_edges e JOIN pprof_nodes a ON " +
                                Where("a", id, "functions", 1, type) +
                                " AND a.node_id = e.caller_id JOIN pprof_nodes b ON " +
                                Where("b", id, "functions", 1, type) + " AND b.node_id = e.callee_id WHERE " +
                                Where("e", id, "functions", 1, type))) {
    weight[{r[0], r[1]}] += std::stoll(r[2]);
    is_inline[{r[0], r[1]}] = r[3] == "1";
  }
  int edges = 0;
  for (const PeekBlock& b : blocks) {
    size_t in = 0, out = 0;
    for (const auto& [k, w] : weight) {
      in += k.second == b.node;
      out += k.first == b.node;
    }
    EXPECT_EQ(in, b.callers.size()) << "callers of " << b.node;
    EXPECT_EQ(out, b.callees.size()) << "callees of " << b.node;
    auto check = [&](const std::string& from, const std::string& to, const PeekEdge& e) {
      auto it = weight.find({from, to});
      if (it == weight.end()) return ADD_FAILURE() << "no edge " << from << " -> " << to;
      std::string text, why;
      EXPECT_TRUE(FormatLike(it->second, unit, e.weight, &text, &why)) << why;
      EXPECT_EQ(text, e.weight) << from << " -> " << to << " (ours exactly " << it->second << ")";
      EXPECT_EQ(is_inline[std::make_pair(from, to)], e.is_inline) << "inline mark of " << from << " -> " << to;
      edges++;
    };
    for (const PeekEdge& e : b.callers) check(e.name, b.node, e);
    for (const PeekEdge& e : b.callees) check(b.node, e.name, e);
  }
  return edges;
}

TEST_P(NodesCorpus, MatchGoldens) {
  const std::string profile = GetParam();
  ASSERT_SHARED_EXISTS(CorpusPath(profile));
  int checked = 0;
  for (const GoldenCase& c : GoldensOf(profile, "top", "-nodecount=0")) checked += CheckTopGolden(profile, c, "functions");
  // Plain -top (the pprof-testdata files have no other): the nodes above the node fraction.
  for (const GoldenCase& c : GoldensOf(profile, "top", "")) checked += CheckTopGolden(profile, c, "functions");
  for (const GoldenCase& c : GoldensOf(profile, "top", "-lines")) checked += CheckTopGolden(profile, c, "lines");
  for (const GoldenCase& c : GoldensOf(profile, "peek", "")) checked += CheckPeekGolden(profile, c);
  EXPECT_GT(checked, 0) << "no golden row of " << profile << " checked";
  RecordProperty("golden_rows_checked", checked);
  std::cout << "[ nodes    ] " << profile << ": " << checked << " golden rows checked\n";
}

INSTANTIATE_TEST_SUITE_P(Corpus, NodesCorpus, ::testing::ValuesIn(ProtoProfiles()), TestName);

// Every corpus file with a -top -nodecount=0, -text -lines or -peek golden is one
// MatchGoldens checks; make sure there are enough of them.
TEST(NodesGoldens, Coverage) {
  ASSERT_SHARED_EXISTS(CorpusDir() + "/MANIFEST.tsv");
  int top = 0, lines = 0, peek = 0;
  for (const std::string& p : ProtoProfiles()) {
    top += static_cast<int>(GoldensOf(p, "top", "-nodecount=0").size());
    lines += static_cast<int>(GoldensOf(p, "top", "-lines").size());
    peek += static_cast<int>(GoldensOf(p, "peek", "").size());
  }
  EXPECT_GE(top, 10);
  EXPECT_GE(lines, 10);
  EXPECT_GE(peek, 10);
}

TEST(NodesDimensions, UnconstrainedMeansAll) {
  Db db;
  const std::string id = db.One("SELECT pprof_load(" + Quote(CorpusDir() + "/go1.heap.pb.gz") + ")");
  ASSERT_EQ(id, "1");
  // Four sample types x five granularities x two inlining modes.
  EXPECT_EQ(db.One("SELECT count(DISTINCT granularity || inlines || sample_type) FROM pprof_nodes"), "40");
  EXPECT_EQ(db.One("SELECT count(DISTINCT granularity || inlines) FROM pprof_nodes WHERE sample_type = 'alloc_space'"),
            "10");
  EXPECT_EQ(db.One("SELECT count(DISTINCT sample_type) FROM pprof_nodes WHERE granularity IN ('lines', 'files') "
                   "AND inlines = 0"),
            "4");
  // inlines is an integer: 1, 1.0 and '1' are the same value.
  EXPECT_EQ(db.One("SELECT count(DISTINCT inlines) FROM pprof_nodes WHERE sample_type = 'alloc_space' AND "
                   "granularity = 'files' AND inlines IN (1.0, '0')"),
            "2");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_nodes WHERE sample_type = 'alloc_space' AND inlines = 0.5"), "0");
  // A value outside the domain selects nothing; it is not an error.
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_nodes WHERE sample_type = 'cpu'"), "0");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_nodes WHERE granularity = 'bytes'"), "0");
  // Other constraints on a dimension are SQLite's to check.
  EXPECT_EQ(db.One("SELECT count(DISTINCT granularity) FROM pprof_nodes WHERE granularity >= 'files' AND "
                   "sample_type = 'inuse_space'"),
            "3");  // files, functions, lines
  // The constrained dimensions are pushed down.
  Rows plan = db.Query("EXPLAIN QUERY PLAN SELECT function, flat, cum FROM pprof_nodes WHERE profile_id = 1 AND "
                       "sample_type = 'alloc_space' AND granularity = 'functions'");
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_NE(plan[0].back().find("profile_id=,granularity=,sample_type="), std::string::npos) << plan[0].back();
  // The stacks cover the samples with a value: their counts and values add up.
  EXPECT_EQ(db.One("SELECT sum(sample_count) || ' ' || sum(value) FROM pprof_node_stacks WHERE " +
                   Where("", "1", "lines", 0, "inuse_space") + " AND depth = 0"),
            db.One("SELECT count(*) || ' ' || sum(value) FROM pprof_samples WHERE profile_id = 1 AND "
                   "sample_type = 'inuse_space' AND value <> 0 AND stack_depth > 0"));
  // The functions granularity's flat over all nodes is the sum over samples with a stack.
  EXPECT_EQ(db.One("SELECT sum(flat) FROM pprof_nodes WHERE granularity = 'functions' AND inlines = 1 AND "
                   "sample_type = 'alloc_space'"),
            db.One("SELECT sum(value) FROM pprof_samples WHERE profile_id = 1 AND sample_type = 'alloc_space' AND "
                   "stack_depth > 0"));
}

// node_id is a key: equality and IN are lookups (a join with the edges does
// not scan the nodes once per edge), with the rows a scan would give.
TEST(NodesDimensions, NodeIdLookup) {
  Db db;
  db.Query("SELECT pprof_load(" + Quote(CorpusDir() + "/go1.heap.pb.gz") + ")");
  const std::string where = Where("", "1", "lines", 1, "alloc_space");
  const std::string ids = "(SELECT node_id FROM pprof_nodes WHERE " + where + " AND rank % 3 = 0)";
  Rows scanned = db.Query("SELECT node_id, name, flat, cum FROM pprof_nodes WHERE " + where + " AND +node_id IN " +
                          ids + " ORDER BY node_id");
  Rows looked_up = db.Query("SELECT node_id, name, flat, cum FROM pprof_nodes WHERE " + where + " AND node_id IN " +
                            ids + " ORDER BY node_id");
  EXPECT_GT(scanned.size(), 3u);
  EXPECT_EQ(looked_up, scanned);
  EXPECT_EQ(db.Query("SELECT name FROM pprof_nodes WHERE " + where + " AND node_id IN (-1, 1000000)"), Rows{});
  Rows plan = db.Query("EXPLAIN QUERY PLAN SELECT b.name FROM pprof_node_edges e JOIN pprof_nodes b ON "
                       "b.profile_id = e.profile_id AND b.granularity = e.granularity AND b.inlines = e.inlines AND "
                       "b.sample_type = e.sample_type AND b.node_id = e.callee_id WHERE " + Where("e", "1", "lines", 1,
                                                                                                   "alloc_space"));
  std::string all;
  for (const auto& r : plan) all += r.back() + "\n";
  EXPECT_NE(all.find("node_id="), std::string::npos) << all;
}

// One computation's stacks come ordered by (stack_id, depth): an ORDER BY or
// a window over them needs no sort, and gives the order a sort would.
TEST(NodesDimensions, StacksComeOrdered) {
  Db db;
  db.Query("SELECT pprof_load(" + Quote(CorpusDir() + "/go1.heap.pb.gz") + ")");
  const std::string from = " FROM pprof_node_stacks WHERE " + Where("", "1", "functions", 1, "alloc_space");
  Rows consumed = db.Query("SELECT stack_id, depth, node_id" + from + " ORDER BY stack_id, depth");
  Rows sorted = db.Query("SELECT stack_id, depth, node_id" + from + " ORDER BY +stack_id, +depth");
  EXPECT_GT(consumed.size(), 100u);
  EXPECT_EQ(consumed, sorted);
  std::string plan;
  for (const auto& r : db.Query("EXPLAIN QUERY PLAN SELECT lead(node_id) OVER (PARTITION BY stack_id ORDER BY depth)" +
                                from)) {
    plan += r.back() + "\n";
  }
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
  // Several profiles (or several values of a dimension) are not one ordered run.
  plan.clear();
  for (const auto& r : db.Query("EXPLAIN QUERY PLAN SELECT stack_id FROM pprof_node_stacks WHERE profile_id = 1 "
                                "AND granularity = 'functions' AND sample_type = 'alloc_space' ORDER BY stack_id")) {
    plan += r.back() + "\n";
  }
  EXPECT_NE(plan.find("TEMP B-TREE"), std::string::npos) << plan;
}

// The core joins with a user's own tables like any table.
TEST(NodesDimensions, JoinsWithUserTables) {
  Db db;
  db.Query("SELECT pprof_load(" + Quote(CorpusDir() + "/go1.heap.pb.gz") + ")");
  db.Query("CREATE TABLE wanted(t TEXT, g TEXT)");
  db.Query("INSERT INTO wanted VALUES ('inuse_space', 'functions'), ('alloc_space', 'files')");
  Rows r = db.Query("SELECT w.t, w.g, count(*) > 0 FROM wanted w JOIN pprof_nodes n ON n.sample_type = w.t AND "
                    "n.granularity = w.g AND n.inlines = 1 GROUP BY 1, 2 ORDER BY 1, 2");
  EXPECT_EQ(r, (Rows{{"alloc_space", "files", "1"}, {"inuse_space", "functions", "1"}}));
}

}  // namespace
