// The report views of sql/20_peek.sql, sql/30_traces.sql, sql/40_tags.sql and
// sql/50_folded.sql, and the helper functions of
// extension/src/functions/view_functions.cc.
//
// Conformance: for every -peek, -traces and -tags golden in
// tests/corpus/MANIFEST.tsv whose profile is a profile.proto file
// (go1.*.pb.gz, cpp1.*.sym.pb.gz, syn1-*.pb.gz), the lines of
// pprof_peek_text / pprof_traces_text / pprof_tags_text, joined with "\n"
// plus a final "\n" (nothing for no lines), equal the golden byte for byte.
// The settings come from the golden's command (-source_path, -trim_path, the
// -peek= regexp as `symbol`, every other flag as `options`). As `go tool
// pprof` does, the views run on pprof_prepare's profile: the loaded one
// merged with itself (identical samples added, all-zero samples dropped) and
// with its drop_frames applied.
//
// pprof_folded has no golden (pprof has no folded output): it is checked
// against stacks and sums computed here from pprof_frames, pprof_samples and
// pprof_mappings.
#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "corpus_goldens.h"
#include "test_util.h"

namespace {

using pprof_corpus::ShellWords;
using pprof_test::CorpusDir;
using pprof_test::Db;
using pprof_test::Quote;
using pprof_test::ReadAll;
using pprof_test::Rows;

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t pos = line.find('\t', start);
    out.push_back(line.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

// One golden of a text view: how to ask the view for it.
struct ViewCase {
  std::string profile, golden, command;
  std::string source_path, trim_path, symbol, options;
};

bool StartsWith(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// The MANIFEST.tsv rows of `report` ("peek", "traces" or "tags") on profile.proto files.
std::vector<ViewCase> CasesFor(const std::string& report) {
  std::vector<ViewCase> cases;
  std::string manifest = ReadAll(CorpusDir() + "/MANIFEST.tsv");
  const std::regex proto_profile(R"((go1\..*\.pb\.gz|cpp1\..*\.sym\.pb\.gz|syn1-.*\.pb\.gz))");
  size_t start = 0;
  bool header = true;
  while (start < manifest.size()) {
    size_t end = manifest.find('\n', start);
    if (end == std::string::npos) end = manifest.size();
    std::string line = manifest.substr(start, end - start);
    start = end + 1;
    if (header || line.empty()) {
      header = false;
      continue;
    }
    std::vector<std::string> f = SplitTabs(line);
    if (f.size() < 4 || !std::regex_match(f[1], proto_profile)) continue;
    std::vector<std::string> words = ShellWords(f[2]);
    // go tool pprof FLAGS... PROFILE
    if (words.size() < 4 || words[0] != "go" || words[1] != "tool" || words[2] != "pprof") continue;
    ViewCase c;
    c.profile = f[1];
    c.golden = f[3];
    c.command = f[2];
    std::string kind;
    for (size_t i = 3; i + 1 < words.size(); i++) {
      const std::string& w = words[i];
      if (w == "-symbolize=none") continue;
      if (StartsWith(w, "-source_path=")) {
        c.source_path = w.substr(13);
      } else if (StartsWith(w, "-trim_path=")) {
        c.trim_path = w.substr(11);
      } else if (StartsWith(w, "-peek=")) {
        kind = "peek";
        c.symbol = w.substr(6);
      } else if (w == "-traces" || w == "-tags" || w == "-top" || w == "-text" || w == "-raw" ||
                 StartsWith(w, "-list=")) {
        kind = w.substr(1);
      } else {
        c.options += (c.options.empty() ? "" : " ") + w;
      }
    }
    if (kind == report) cases.push_back(c);
  }
  return cases;
}

// Loads `file` from the corpus with the case's settings; returns the id of
// pprof_prepare's profile.
std::string LoadPrepared(Db& db, const ViewCase& c) {
  db.Query("SELECT pprof_load(" + Quote(CorpusDir() + "/" + c.profile) + ")");
  db.Query("SELECT pprof_config('source_path', " + Quote(c.source_path) + "), pprof_config('trim_path', " +
           Quote(c.trim_path) + ")");
  return db.One("SELECT pprof_prepare('1')");
}

std::string JoinLines(const Rows& rows) {
  std::string out;
  for (const auto& r : rows) out += r[0] + "\n";
  return out;
}

// The first line where `got` and `want` differ, for failure messages.
std::string FirstDifference(const std::string& got, const std::string& want) {
  size_t line = 1, i = 0;
  while (i < got.size() && i < want.size() && got[i] == want[i]) {
    if (got[i] == '\n') line++;
    i++;
  }
  if (i == got.size() && i == want.size()) return "identical";
  auto line_at = [](const std::string& s, size_t pos) {
    size_t b = s.rfind('\n', pos == 0 ? 0 : pos - 1);
    b = (b == std::string::npos || pos == 0) ? 0 : b + 1;
    size_t e = s.find('\n', pos);
    return s.substr(b, e == std::string::npos ? std::string::npos : e - b);
  };
  return "line " + std::to_string(line) + ":\n  got:  " + (i < got.size() ? line_at(got, i) : "<end>") +
         "\n  want: " + (i < want.size() ? line_at(want, i) : "<end>");
}

// Runs every golden of `report` through `view`; each must match.
void CheckGoldens(const std::string& report, const std::string& view) {
  ASSERT_SHARED_EXISTS(CorpusDir() + "/MANIFEST.tsv");
  std::vector<ViewCase> cases = CasesFor(report);
  ASSERT_FALSE(cases.empty()) << "no -" << report << " goldens of proto profiles in MANIFEST.tsv";
  int passed = 0;
  for (const ViewCase& c : cases) {
    SCOPED_TRACE(c.golden + " (" + c.command + ")");
    Db db;
    std::string id = LoadPrepared(db, c);
    std::string sql = "SELECT text FROM " + view + " WHERE profile_id = " + id + " AND options = " + Quote(c.options) +
                      (report == "peek" ? " AND symbol = " + Quote(c.symbol) : "") + " ORDER BY line_no";
    std::string got = JoinLines(db.Query(sql));
    std::string want = ReadAll(CorpusDir() + "/" + c.golden);
    if (got == want) {
      passed++;
    } else {
      ADD_FAILURE() << c.golden << " differs at " << FirstDifference(got, want);
    }
  }
  std::cout << "[ views    ] " << view << ": " << passed << "/" << cases.size() << " goldens match\n";
}

TEST(ViewGoldens, Peek) { CheckGoldens("peek", "pprof_peek_text"); }
TEST(ViewGoldens, Traces) { CheckGoldens("traces", "pprof_traces_text"); }
TEST(ViewGoldens, Tags) { CheckGoldens("tags", "pprof_tags_text"); }

// pprof_peek's rows are the numbers the text prints.
TEST(Peek, NumbersMatchText) {
  Db db;
  db.Query("SELECT pprof_load(" + Quote(CorpusDir() + "/go1.cpu.pb.gz") + ")");
  const std::string where = " WHERE profile_id = 1 AND options = '' AND symbol = '^main\\.labelled\\.func1$'";
  Rows rows = db.Query("SELECT relation, position, node, name, flat, cum, weight, calls_pct, value_text FROM pprof_peek" +
                       where + " ORDER BY rank, relation = 'callee', relation = 'self', position");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"self", "0", "main.labelled.func1", "main.labelled.func1", "0",
                                               "2230000000", "NULL", "NULL", "0"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"callee", "0", "main.labelled.func1", "runtime/pprof.Do", "NULL",
                                               "NULL", "2230000000", "  100%", "2.23s"}));
  // Every row of the text view after the header is one of pprof_peek's, plus
  // separators and the legend.
  // (separator, legend, then per node: separator, node, callee; final separator)
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_peek_text" + where + " AND line_no >= 1000000"), "6");
}

// The value and frames of pprof_traces against the base tables.
TEST(Traces, ValuesFollowSampleIndexAndMean) {
  Db db;
  db.Query("SELECT pprof_load(" + Quote(CorpusDir() + "/go1.block.pb.gz") + ")");
  // Default: the last type (delay); -sample_index=0: contentions; -mean: delay / contentions.
  const std::string q =
      "SELECT count(*) FROM pprof_traces t JOIN pprof_samples c ON c.profile_id = 1 AND c.sample_id = t.sample_id "
      "AND c.sample_index = 0 JOIN pprof_samples d ON d.profile_id = 1 AND d.sample_id = t.sample_id AND "
      "d.sample_index = 1 WHERE t.profile_id = 1 AND t.depth = 0 AND t.options = ";
  std::string samples = db.One("SELECT count(*) FROM pprof_samples WHERE profile_id = 1 AND sample_index = 0 AND stack_depth > 0");
  ASSERT_NE(samples, "0");
  EXPECT_EQ(db.One(q + "'' AND t.value = d.value"), samples);
  EXPECT_EQ(db.One(q + "'-sample_index=0' AND t.value = c.value"), samples);
  EXPECT_EQ(db.One(q + "'-sample_index=contentions' AND t.value = c.value"), samples);
  EXPECT_EQ(db.One(q + "'-mean' AND t.value = CASE WHEN c.value <> 0 THEN d.value / c.value ELSE d.value END"),
            samples);
  // Frames: one per pprof_frames row, leaf first.
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_traces WHERE profile_id = 1 AND options = ''"),
            db.One("SELECT count(*) FROM pprof_frames WHERE profile_id = 1"));
  // -mean changes the Type: header; the value column follows it.
  EXPECT_EQ(db.One("SELECT text FROM pprof_traces_text WHERE profile_id = 1 AND options = '-mean' AND line_no = 1"),
            "Type: mean_delay");
}

TEST(Traces, OnlyTheRequestedProfile) {
  Db db;
  db.Query("SELECT pprof_load(" + Quote(CorpusDir() + "/go1.cpu.pb.gz") + "), pprof_load(" +
           Quote(CorpusDir() + "/go1.heap.pb.gz") + ")");
  for (const char* id : {"1", "2"}) {
    SCOPED_TRACE(id);
    std::string frames = db.One(std::string("SELECT count(*) FROM pprof_frames WHERE profile_id = ") + id);
    EXPECT_EQ(db.One(std::string("SELECT count(*) FROM pprof_traces WHERE profile_id = ") + id + " AND options = ''"),
              frames);
    // One block per sample with a stack; its lines after the separator are
    // the label lines (one per sample, kind and key) and the frames.
    const std::string where = std::string(" WHERE profile_id = ") + id;
    EXPECT_EQ(db.One("SELECT count(*) FROM pprof_traces_blocks" + where + " AND options = '' AND sample_id IS NOT NULL"),
              db.One("SELECT count(*) FROM pprof_samples" + where + " AND sample_index = 0 AND stack_depth > 0"));
    const std::string label_lines = db.One(
        "SELECT count(*) FROM (SELECT DISTINCT l.sample_id, l.str IS NULL, l.key FROM pprof_labels l JOIN pprof_samples s "
        "ON s.profile_id = l.profile_id AND s.sample_id = l.sample_id AND s.sample_index = 0 AND s.stack_depth > 0 " +
        std::string("WHERE l.profile_id = ") + id + ")");
    EXPECT_EQ(db.One("SELECT sum(length(text) - length(replace(text, char(10), ''))) FROM pprof_traces_text" + where +
                     " AND options = ''"),
              std::to_string(std::stoll(frames) + std::stoll(label_lines)));
  }
}

// pprof_traces_text (plain SQL): dense line_no, the same text as the C++
// table pprof-sql prints from (pprof_traces_blocks), blocks that are
// pprof_traces' frames; the closing separator last.
TEST(Traces, BlocksAreTheFrames) {
  Db db;
  db.Query("SELECT pprof_load(" + Quote(CorpusDir() + "/go1.cpu.pb.gz") + ")");
  for (const char* options : {"", "-lines", "-noinlines -addresses", "-files -mean", "-unit=ms -divide_by=2"}) {
    SCOPED_TRACE(options);
    const std::string where = " WHERE profile_id = 1 AND options = " + Quote(options);
    Rows scan = db.Query("SELECT line_no, text FROM pprof_traces_text" + where + " ORDER BY line_no");
    ASSERT_GT(scan.size(), 2u);
    EXPECT_EQ(scan, db.Query("SELECT line_no, text FROM pprof_traces_blocks" + where + " ORDER BY line_no"));
    for (size_t i = 0; i < scan.size(); i++) EXPECT_EQ(scan[i][0], std::to_string(i));
    EXPECT_EQ(scan.back()[1], "-----------+-------------------------------------------------------");
    // Each block's frame lines, rebuilt from pprof_traces.
    std::map<std::string, std::string> want;  // sample_id -> frame lines
    for (const auto& r : db.Query("SELECT sample_id, depth, value_text, name, is_inline FROM pprof_traces" + where +
                                  " ORDER BY sample_id, depth")) {
      std::string v = r[1] == "0" ? r[2] : "";
      std::string& w = want[r[0]];
      w += "\n" + std::string(v.size() < 10 ? 10 - v.size() : 0, ' ') + v + "   " + r[3] + (r[4] == "1" ? " (inline)" : "");
    }
    Rows blocks = db.Query("SELECT sample_id, text FROM pprof_traces_blocks" + where + " AND sample_id IS NOT NULL");
    ASSERT_EQ(blocks.size(), want.size());
    for (const auto& b : blocks) {
      const std::string& w = want[b[0]];
      ASSERT_GE(b[1].size(), w.size());
      EXPECT_EQ(b[1].substr(b[1].size() - w.size()), w) << "sample " << b[0];
      EXPECT_EQ(b[1].rfind("-----------+", 0), 0u);
    }
  }
}

// Label lines: string labels first, then numeric ones in their key's unit,
// each group sorted; as the SQL helpers pprof_label_lines and
// _pprof_label_units build them (the views' former implementation).
TEST(Traces, LabelLinesMatchTheSqlHelpers) {
  for (const char* file : {"syn1-heap.pb.gz", "syn1-cpu.pb.gz", "go1.heap.pb.gz", "go1.cpu.pb.gz"}) {
    SCOPED_TRACE(file);
    Db db;
    db.Query("SELECT pprof_load(" + Quote(CorpusDir() + "/" + file) + ")");
    Rows want = db.Query(
        "SELECT s.sample_id, j.value FROM pprof_samples s, "
        "json_each((SELECT pprof_label_lines(w.key, coalesce(w.str, pprof_format(w.num, u.unit)), w.label_index, "
        "w.str IS NULL) FROM pprof_labels w LEFT JOIN _pprof_label_units u ON w.str IS NULL AND "
        "u.profile_id = w.profile_id AND u.key = w.key WHERE w.profile_id = 1 AND w.sample_id = s.sample_id)) j "
        "WHERE s.profile_id = 1 AND s.sample_index = 0 AND s.stack_depth > 0 ORDER BY s.sample_id, j.key");
    ASSERT_FALSE(want.empty());
    Rows got;
    for (const auto& b : db.Query("SELECT sample_id, text, (SELECT count(DISTINCT (str IS NULL) || key) FROM "
                                  "pprof_labels l WHERE l.profile_id = 1 AND l.sample_id = b.sample_id) FROM "
                                  "pprof_traces_blocks b WHERE profile_id = 1 AND options = '' AND sample_id IS NOT NULL")) {
      size_t pos = b[1].find('\n');
      for (int n = std::stoi(b[2]); n > 0; n--) {
        size_t next = b[1].find('\n', pos + 1);
        got.push_back({b[0], b[1].substr(pos + 1, next - pos - 1)});
        pos = next;
      }
    }
    EXPECT_EQ(got, want);
  }
}

// -tags sums against a direct query: string labels, for a non-default type.
TEST(Tags, SumsFollowSampleIndex) {
  Db db;
  db.Query("SELECT pprof_load(" + Quote(CorpusDir() + "/syn1-heap.pb.gz") + ")");
  Rows want = db.Query(
      "SELECT l.key, l.str, sum(s.value) FROM pprof_labels l JOIN pprof_samples s ON s.profile_id = l.profile_id "
      "AND s.sample_id = l.sample_id AND s.sample_index = 0 WHERE l.profile_id = 1 AND l.str IS NOT NULL AND "
      "s.stack_depth > 0 GROUP BY 1, 2 ORDER BY 1, 2");
  ASSERT_FALSE(want.empty());
  Rows got = db.Query(
      "SELECT key, value, weight FROM pprof_tags WHERE profile_id = 1 AND options = '-sample_index=0' AND key IN "
      "(SELECT key FROM pprof_labels WHERE profile_id = 1 AND str IS NOT NULL) ORDER BY 1, 2");
  EXPECT_EQ(got, want);
  // Positions: by |weight| descending, then value.
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_tags a JOIN pprof_tags b ON b.profile_id = 1 AND b.options = '' "
                   "AND b.key = a.key AND b.position = a.position + 1 WHERE a.profile_id = 1 AND a.options = '' "
                   "AND NOT (abs(a.weight) > abs(b.weight) OR (a.weight = b.weight AND a.value < b.value))"),
            "0");
}

// Go's filepath.Base for a non-empty path.
std::string BaseName(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  if (p == "/") return "/";
  size_t slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

// pprof_folded against stacks built here from pprof_frames (frames named as
// at the default granularity), or, with from_traces, from pprof_traces' rows
// for the same options (which the goldens check).
void CheckFolded(const std::string& file, const std::string& options, const std::string& sample_index_sql,
                 bool from_traces = false) {
  SCOPED_TRACE(file + " " + options);
  ASSERT_SHARED_EXISTS(CorpusDir() + "/" + file);
  Db db;
  db.Query("SELECT pprof_load(" + Quote(CorpusDir() + "/" + file) + ")");
  std::map<std::string, std::string> mapping_file;
  for (const auto& r : db.Query("SELECT mapping_id, filename FROM pprof_mappings WHERE profile_id = 1")) {
    mapping_file[r[0]] = r[1];
  }
  std::map<std::string, std::string> stack_of;  // sample_id -> root;...;leaf
  const std::string frames =
      from_traces ? "SELECT sample_id, name, NULL FROM pprof_traces WHERE profile_id = 1 AND options = " +
                        Quote(options) + " ORDER BY sample_id, depth DESC"
                  : "SELECT sample_id, function_name, mapping_id FROM pprof_frames WHERE profile_id = 1 "
                    "ORDER BY sample_id, depth DESC";
  for (const auto& r : db.Query(frames)) {
    std::string name = r[1];
    if (!from_traces && (name.empty() || name == "NULL")) {
      auto m = mapping_file.find(r[2]);
      name = m != mapping_file.end() && !m->second.empty() && m->second != "NULL" ? "[" + BaseName(m->second) + "]"
                                                                                   : "<unknown>";
    }
    std::string& s = stack_of[r[0]];
    s += (s.empty() ? "" : ";") + name;
  }
  std::map<std::string, int64_t> want;
  for (const auto& r : db.Query("SELECT sample_id, value FROM pprof_samples WHERE profile_id = 1 AND sample_index = " +
                                sample_index_sql + " AND stack_depth > 0")) {
    want[stack_of.at(r[0])] += std::stoll(r[1]);
  }
  for (auto it = want.begin(); it != want.end();) it = it->second == 0 ? want.erase(it) : std::next(it);
  std::map<std::string, int64_t> got;
  for (const auto& r :
       db.Query("SELECT stack, value FROM pprof_folded WHERE profile_id = 1 AND options = " + Quote(options))) {
    EXPECT_TRUE(got.emplace(r[0], std::stoll(r[1])).second) << "stack listed twice: " << r[0];
  }
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(got.size(), want.size());
  EXPECT_TRUE(got == want) << "first stack: " << got.begin()->first;
}

TEST(Folded, MatchesFrames) {
  CheckFolded("go1.cpu.pb.gz", "", "1");
  CheckFolded("go1.heap.pb.gz", "", "3");
  CheckFolded("go1.heap.pb.gz", "-sample_index=alloc_space", "1");
  CheckFolded("go1.heap.pb.gz", "-inuse_objects", "2");
  CheckFolded("cpp1.cpu.sym.pb.gz", "", "(SELECT sample_index FROM pprof_sample_types WHERE profile_id = 1 AND is_default)");
  CheckFolded("syn1-heap.pb.gz", "-sample_index=0", "0");
  // Other granularities and -noinlines name frames as -traces does.
  CheckFolded("go1.cpu.pb.gz", "-lines", "1", true);
  CheckFolded("cpp1.cpu.sym.pb.gz", "-files -noinlines",
              "(SELECT sample_index FROM pprof_sample_types WHERE profile_id = 1 AND is_default)", true);
  CheckFolded("syn1-heap.pb.gz", "-addresses -sample_index=1", "1", true);
}

// Every table under a view sees the query's constraints (else it would
// compute every profile's or the default report). SQLite pushes no
// constraint into a UNION ALL view with a window function in an arm, nor
// through windows whose PARTITION BY lacks the column: this catches both. Our
// tables list the constraints they take in the plan ("INDEX n:profile_id=,...");
// each must have profile_id, the core's its dimensions, the report tables
// their options, and some table must take the option string.
TEST(Views, ConstraintsReachTheReportTables) {
  Db db;
  // (query, whether every table under it must be constrained: the -traces,
  // -tags and folded views scan a few small tables of every profile.)
  const std::vector<std::pair<std::string, bool>> queries = {
      {"SELECT text FROM pprof_top_text WHERE profile_id = 1 AND options = '-cum' ORDER BY line_no", true},
      {"SELECT * FROM pprof_top WHERE profile_id = 1 AND options = '-cum'", true},
      {"SELECT text FROM pprof_peek_text WHERE profile_id = 1 AND options = '-cum' AND symbol = 'x' ORDER BY line_no",
       true},
      {"SELECT * FROM pprof_peek WHERE profile_id = 1 AND options = '-cum' AND symbol = 'x'", true},
      {"SELECT text FROM pprof_list_text WHERE profile_id = 1 AND options = '-cum' AND symbol = 'x' ORDER BY line_no",
       true},
      {"SELECT text FROM pprof_traces_text WHERE profile_id = 1 AND options = '-mean' ORDER BY line_no", false},
      {"SELECT * FROM pprof_traces WHERE profile_id = 1 AND options = '-mean'", false},
      {"SELECT text FROM pprof_tags_text WHERE profile_id = 1 AND options = '-sample_index=0' ORDER BY line_no", false},
      {"SELECT * FROM pprof_tags WHERE profile_id = 1 AND options = '-sample_index=0'", false},
      {"SELECT * FROM pprof_folded WHERE profile_id = 1 AND options = '-sample_index=0'", false},
  };
  for (const auto& [q, strict] : queries) {
    SCOPED_TRACE(q);
    Rows plan = db.Query("EXPLAIN QUERY PLAN " + q);
    int with_options = 0;
    for (const auto& r : plan) {
      const std::string& detail = r.back();
      const size_t at = detail.find("VIRTUAL TABLE INDEX ");
      if (at == std::string::npos) continue;
      const std::string index = detail.substr(at + 20);
      if (index.find("options=") != std::string::npos) with_options++;
      if (!strict) continue;
      // json_each (idxNum 1, no idxStr) is SQLite's; an unconstrained scan
      // of ours is idxNum 0.
      EXPECT_NE(index.rfind("0:", 0), 0u) << "a table scanned without constraints: " << detail;
      // pprof_source is per file, of no profile.
      if (index.find(":") + 1 == index.size() || index.find(":file=") != std::string::npos) continue;
      EXPECT_NE(index.find("profile_id="), std::string::npos) << detail;
      if (index.find("function=") != std::string::npos) {  // pprof_symbol_matches
        EXPECT_NE(index.find("symbol="), std::string::npos) << detail;
      } else if (index.find("granularity=") != std::string::npos) {  // the core
        EXPECT_NE(index.find("inlines="), std::string::npos) << detail;
        EXPECT_NE(index.find("sample_type="), std::string::npos) << detail;
      }
    }
    EXPECT_GT(with_options, 0);
  }
}

// Views refuse bad options through the report tables rather than printing a default report.
TEST(Views, BadOptionsAreErrors) {
  Db db;
  db.Query("SELECT pprof_load(" + Quote(CorpusDir() + "/go1.cpu.pb.gz") + ")");
  EXPECT_NE(db.Try("SELECT * FROM pprof_traces_text WHERE profile_id = 1 AND options = '-nonsense'"), "");
  EXPECT_NE(db.Try("SELECT * FROM pprof_tags_text WHERE profile_id = 1 AND options = '-sample_index=9'"), "");
}

TEST(ViewFunctions, Option) {
  Db db;
  EXPECT_EQ(db.One("SELECT pprof_option('', 'sample_index')"), "");
  EXPECT_EQ(db.One("SELECT pprof_option('-sample_index=alloc_space -mean', 'sample_index')"), "alloc_space");
  EXPECT_EQ(db.One("SELECT pprof_option('-mean_delay', 'sample_index')"), "delay");
  EXPECT_EQ(db.One("SELECT pprof_option('-mean_delay', 'mean')"), "1");
  EXPECT_EQ(db.One("SELECT pprof_option('', 'mean')"), "0");
  EXPECT_EQ(db.One("SELECT pprof_option('', 'unit')"), "minimum");
  EXPECT_EQ(db.One("SELECT pprof_option('-unit=ms', 'unit')"), "ms");
  EXPECT_EQ(db.One("SELECT pprof_option('-divide_by=4', 'divide_by')"), "4.0");
  EXPECT_EQ(db.One("SELECT pprof_option('-lines', 'granularity')"), "lines");
  EXPECT_NE(db.Try("SELECT pprof_option('-bogus', 'mean')"), "");
  EXPECT_NE(db.Try("SELECT pprof_option('', 'bogus')"), "");
  EXPECT_EQ(db.One("SELECT pprof_option(NULL, 'mean')"), "NULL");
}

TEST(ViewFunctions, FormatScaled) {
  Db db;
  // Go rounds the exact binary value, half to even: 2.25 -> 2.2, 0.75 -> 0.8.
  EXPECT_EQ(db.One("SELECT pprof_format_scaled(2250000000, 'nanoseconds', 'minimum', 1)"), "2.2s");
  EXPECT_EQ(db.One("SELECT pprof_format_scaled(750000000, 'nanoseconds', 'minimum', 1)"), "750.0ms");
  EXPECT_EQ(db.One("SELECT pprof_format_scaled(1536, 'bytes', 'minimum', 1)"), "1.5kB");
  EXPECT_EQ(db.One("SELECT pprof_format_scaled(0, 'bytes', 'minimum', 1)"), "0.0B");
  EXPECT_EQ(db.One("SELECT pprof_format_scaled(0, 'nanoseconds', 'minimum', 1)"), "0.0s");
  EXPECT_EQ(db.One("SELECT pprof_format_scaled(3, 'count', 'minimum', 1)"), "3.0");
  EXPECT_EQ(db.One("SELECT pprof_format_scaled(-1536, 'bytes', 'minimum', 1)"), "-1.5kB");
  EXPECT_EQ(db.One("SELECT pprof_format_scaled(1536, 'bytes', 'B', 0)"), "1536B");
  EXPECT_EQ(db.One("SELECT pprof_format_scaled(7, 'cycles', 'minimum', 2)"), "7.00");
  EXPECT_EQ(db.One("SELECT pprof_format_scaled(NULL, 'bytes', 'minimum', 1)"), "NULL");
}

TEST(ViewFunctions, LabelLines) {
  Db db;
  // Values in label_index order whatever the row order; keys sorted as whole
  // padded lines (shorter keys first); numeric lines after string lines.
  EXPECT_EQ(db.One("WITH t(k, v, i, n) AS (VALUES ('stage', 'b', 2, 0), ('stage', 'a', 1, 0), ('worker', '0', 0, 0), "
                   "('bytes', '1kB', 3, 1), ('alongkeyname', 'x', 4, 0)) SELECT pprof_label_lines(k, v, i, n) FROM t"),
            R"(["     stage:  a b","    worker:  0","alongkeyname:  x","     bytes:  1kB"])");
  EXPECT_EQ(db.One("SELECT pprof_label_lines(k, v, i, n) FROM (SELECT 'k' AS k, 'a\"b' AS v, 0 AS i, 0 AS n)"),
            R"(["         k:  a\"b"])");
  EXPECT_EQ(db.One("SELECT pprof_label_lines(k, v, i, n) FROM (SELECT 1 AS k, 1 AS v, 1 AS i, 1 AS n) WHERE 0"), "[]");
  // Go pads by runes, not bytes.
  EXPECT_EQ(db.One("SELECT json_extract(pprof_label_lines('é', 'v', 0, 0), '$[0]')"), "         é:  v");
}

TEST(ViewFunctions, NodeName) {
  Db db;
  auto name = [&](const std::string& args) { return db.One("SELECT pprof_node_name(" + args + ")"); };
  // The granularity comes from the options; the default is -functions.
  EXPECT_EQ(name("'', 4096, 'main.f', '/src/a.go', 12, NULL"), "main.f");
  EXPECT_EQ(name("'-cum -functions', 4096, 'main.f', '/src/a.go', 12, NULL"), "main.f");
  EXPECT_EQ(name("'-filefunctions', 4096, 'main.f', '/src/./x/../a.go', 12, NULL"), "main.f /src/a.go");
  EXPECT_EQ(name("'-files', 4096, 'main.f', '/src/a.go', 12, NULL"), "/src/a.go");
  EXPECT_EQ(name("'-files', 4096, 'main.f', '', 12, '/bin/app'"), "[app]");
  EXPECT_EQ(name("'-lines', 4096, 'main.f', 'a.go', 12, NULL"), "main.f a.go:12");
  EXPECT_EQ(name("'-lines', 4096, 'main.f', '', 12, NULL"), "main.f :12");
  EXPECT_EQ(name("'-lines', 4096, 'main.f', 'a.go', 0, NULL"), "main.f a.go");
  EXPECT_EQ(name("'-lines', 4096, '', 'a.go', 7, NULL"), "a.go:7");
  EXPECT_EQ(name("'-addresses', 4096, 'main.f', 'a.go', 12, NULL"), "0000000000001000 main.f a.go:12");
  EXPECT_EQ(name("'-addresses', -1, NULL, NULL, NULL, '/bin/app/'"), "ffffffffffffffff [app]");
  EXPECT_EQ(name("'-addresses', 0, NULL, NULL, NULL, ''"), "<unknown>");
  // No function name kept: the binary, else <unknown>; NULL while the binary is not given.
  EXPECT_EQ(name("'', 4096, NULL, NULL, NULL, '/usr/lib/libc.so.6'"), "[libc.so.6]");
  EXPECT_EQ(name("'', 4096, NULL, NULL, NULL, ''"), "<unknown>");
  EXPECT_EQ(name("'', 4096, '', 'a.go', 3, ''"), "<unknown>");
  EXPECT_EQ(name("'', 4096, NULL, NULL, NULL, NULL"), "NULL");
  EXPECT_EQ(name("'-files', 4096, 'main.f', '', 12, NULL"), "NULL");
  EXPECT_NE(db.Try("SELECT pprof_node_name('-bogus', 0, 'f', '', 0, NULL)"), "");
}

TEST(ViewFunctions, ConcatOrdered) {
  Db db;
  EXPECT_EQ(db.One("WITH t(v, k) AS (VALUES ('leaf', 0), ('root', -2), ('mid', -1)) SELECT pprof_concat_ordered(v, k, ';') FROM t"),
            "root;mid;leaf");
  EXPECT_EQ(db.One("WITH t(v, k) AS (VALUES ('a', 1), (NULL, 0), ('b', 1)) SELECT pprof_concat_ordered(v, k, ';') FROM t"), "a;b");
  EXPECT_EQ(db.One("SELECT pprof_concat_ordered(v, k, ';') FROM (SELECT 'a' AS v, 1 AS k) WHERE 0"), "NULL");
}


}  // namespace

// pprof_trend is each profile's untrimmed graph (-peek's) over time: per
// profile and node the core's flat and cum, for the option string's sample
// type (-mean prefixes it), in every loaded profile.
TEST(Views, TrendHasEveryProfilesNodes) {
  Db db;
  db.Query("SELECT pprof_load(" + Quote(CorpusDir() + "/go1.heap.pb.gz") + ")");
  db.Query("SELECT pprof_load(" + Quote(CorpusDir() + "/go1.heap-mid.pb.gz") + ")");
  const std::string nodes =
      "SELECT count(*) FROM pprof_nodes WHERE granularity = 'functions' AND inlines = 1 AND sample_type = '%s'";
  const std::string trend = "SELECT count(*) FROM pprof_trend t JOIN pprof_nodes n ON n.profile_id = t.profile_id "
                            "AND n.granularity = 'functions' AND n.inlines = 1 AND n.sample_type = '%s' "
                            "AND n.name = t.name AND n.flat = t.flat AND n.cum = t.cum WHERE t.options = '%s'";
  auto fill = [](std::string s, const char* a, const char* b = "") {
    s.replace(s.find("%s"), 2, a);
    if (s.find("%s") != std::string::npos) s.replace(s.find("%s"), 2, b);
    return s;
  };
  const std::string all_default = db.One(fill(nodes, "inuse_space"));
  EXPECT_NE(all_default, "0");
  EXPECT_EQ(db.One(fill(trend, "inuse_space", "")), all_default);
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_trend WHERE options = ''"), all_default);
  EXPECT_EQ(db.One(fill(trend, "alloc_objects", "-sample_index=alloc_objects")), db.One(fill(nodes, "alloc_objects")));
  EXPECT_EQ(db.One("SELECT count(DISTINCT profile_id) FROM pprof_trend WHERE options = ''"), "2");
  EXPECT_EQ(db.One("SELECT DISTINCT sample_type FROM pprof_trend WHERE options = '-mean'"), "mean_inuse_space");
}
