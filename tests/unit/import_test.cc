// pprof_import: the database it writes holds the same rows as the virtual
// tables, works with no extension (the -list text there equals go tool
// pprof's), appends without id collisions, and, opened again with the
// extension, shows imported and newly loaded profiles together.
#include <gmock/gmock.h>

#include <algorithm>
#include <unistd.h>

#include <map>
#include <regex>
#include <set>

#include "test_util.h"

using pprof_test::Db;
using pprof_test::Quote;
using pprof_test::Rows;
using ::testing::HasSubstr;

namespace {

// A connection without the extension: what a BI tool or Python sees.
class PlainDb {
 public:
  explicit PlainDb(const std::string& path) {
    sqlite3_reset_auto_extension();
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
  }
  ~PlainDb() { sqlite3_close_v2(db_); }
  Rows Query(const std::string& sql) {
    Rows rows;
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db_) << "\n" << sql;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); i++) {
        const unsigned char* t = sqlite3_column_text(st, i);
        row.push_back(t ? reinterpret_cast<const char*>(t) : "NULL");
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    return rows;
  }

 private:
  sqlite3* db_ = nullptr;
};

class Import : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/pprof-import-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/profiles.db";
  }
  void TearDown() override {
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }
  std::string Sample(const std::string& name) { return pprof_test::SourceDir() + "/samples/" + name; }
  std::string dir_, path_;
};

const char* const kTables[] = {"pprof_profiles", "pprof_sample_types", "pprof_samples",   "pprof_stacks",
                               "pprof_locations", "pprof_lines",       "pprof_functions", "pprof_mappings",
                               "pprof_labels",   "pprof_frames",      "pprof_nodes",     "pprof_node_edges"};

// All rows of a table, sorted (the tables' own orders differ between the
// virtual and the real tables).
Rows SortedRows(Rows rows) {
  std::sort(rows.begin(), rows.end());
  return rows;
}

TEST_F(Import, PlainTablesHoldTheSameRows) {
  std::map<std::string, Rows> expected;
  {
    Db db;
    db.One("SELECT pprof_load(" + Quote(Sample("go1.heap.pb.gz")) + "), pprof_load(" + Quote(Sample("go1.cpu.pb.gz")) +
           ")");
    EXPECT_EQ(db.One("SELECT pprof_import(" + Quote(path_) + ")"), "2");
    for (const char* t : kTables) expected[t] = SortedRows(db.Query(std::string("SELECT * FROM ") + t));
  }
  PlainDb plain(path_);
  for (const char* t : kTables) {
    // pprof_frames is a view there, over stacks and lines: the same walk.
    EXPECT_EQ(SortedRows(plain.Query(std::string("SELECT * FROM ") + t)), expected[t]) << t;
    EXPECT_FALSE(expected[t].empty()) << t;
  }
  // The option strings the views answer for without an insert: the default
  // and every sample type by name (with -cum, -noinlines and each granularity).
  EXPECT_EQ(plain.Query("SELECT options FROM pprof_options WHERE profile_id = 1 AND options IN ('', "
                        "'-sample_index=alloc_objects', '-sample_index=inuse_space -cum -lines', '-nodecount=3') "
                        "ORDER BY 1"),
            (Rows{{""}, {"-sample_index=alloc_objects"}, {"-sample_index=inuse_space -cum -lines"}}));
  // No report's rows are stored: the views compute them from the core.
  EXPECT_EQ(plain.Query("SELECT count(*) FROM sqlite_schema WHERE name IN ('pprof_graph', 'pprof_graph_edges', "
                        "'pprof_report_labels')"),
            (Rows{{"0"}}));
  EXPECT_EQ(plain.Query("SELECT count(*) FROM sqlite_schema WHERE type = 'view' AND name = 'pprof_list_text'"),
            (Rows{{"1"}}));
  // The option strings the views answer for: the defaults and each of the
  // heap profile's 4 sample types, each with and without -cum and
  // -noinlines, at the 5 granularities.
  EXPECT_EQ(plain.Query("SELECT count(*) FROM pprof_options WHERE profile_id = 1"), (Rows{{"100"}}));
  // Parsed in plain SQL, no extension.
  EXPECT_EQ(plain.Query("SELECT sample_type, cum_sort, granularity, inlines FROM pprof_report_options "
                        "WHERE profile_id = 1 AND options = '-sample_index=alloc_space -cum -lines' AND report = 'top'"),
            (Rows{{"alloc_space", "1", "lines", "1"}}));
  // A user's own option string, added with one INSERT.
  plain.Query("INSERT INTO pprof_options(profile_id, options) VALUES (1, '-nodecount=7 -noinlines')");
  EXPECT_EQ(plain.Query("SELECT nodecount, inlines FROM pprof_report_options "
                        "WHERE profile_id = 1 AND options = '-nodecount=7 -noinlines' AND report = 'top'"),
            (Rows{{"7", "0"}}));
}

// -traces and -raw print the profile pprof reports on (identical samples
// merged, all-zero ones dropped, ids renumbered). Their views are plain SQL:
// with pprof_prepare's profile imported, a connection without the extension
// prints go tool pprof's bytes (go1.heap's goldens; go1.heap.pb.gz itself
// needs that clean-up, so importing the file as it is would not).
TEST_F(Import, PreparedProfileGivesTracesAndRawWithoutTheExtension) {
  const std::string corpus = pprof_test::CorpusDir();
  {
    Db db;
    db.One("SELECT pprof_load(" + Quote(corpus + "/go1.heap.pb.gz") + ")");
    const std::string prepared = db.One("SELECT pprof_prepare(1)");
    EXPECT_EQ(db.One("SELECT pprof_import(" + Quote(path_) + ", " + Quote(prepared) + ")"), "1");
  }
  PlainDb plain(path_);
  auto text = [&](const std::string& sql) {
    std::string out;
    for (const auto& r : plain.Query(sql)) out += r[0] + "\n";
    return out;
  };
  EXPECT_EQ(text("SELECT text FROM pprof_traces_text WHERE profile_id = 1 AND options = '' ORDER BY line_no"),
            pprof_test::ReadAll(corpus + "/go1.heap.traces.default.txt"));
  EXPECT_EQ(text("SELECT text FROM pprof_raw_text WHERE profile_id = 1 ORDER BY line_no"),
            pprof_test::ReadAll(corpus + "/go1.heap.raw.default.txt"));
  EXPECT_EQ(text("SELECT text FROM pprof_tags_text WHERE profile_id = 1 AND options = '' ORDER BY line_no"),
            pprof_test::ReadAll(corpus + "/go1.heap.tags.default.txt"));
}

TEST_F(Import, AppendingNeverReusesIds) {
  {
    Db db;
    db.One("SELECT pprof_load(" + Quote(Sample("go1.heap.pb.gz")) + ")");
    EXPECT_EQ(db.One("SELECT pprof_import(" + Quote(path_) + ")"), "1");
  }
  {
    Db db;
    db.One("SELECT pprof_load(" + Quote(Sample("go1.cpu.pb.gz")) + "), pprof_load(" + Quote(Sample("go1.heap.pb.gz")) +
           ")");
    EXPECT_EQ(db.One("SELECT pprof_import(" + Quote(path_) + ", '1')"), "1");
  }
  PlainDb plain(path_);
  EXPECT_EQ(plain.Query("SELECT profile_id, name FROM pprof_profiles ORDER BY 1"),
            (Rows{{"1", Sample("go1.heap.pb.gz")}, {"2", Sample("go1.cpu.pb.gz")}}));
  EXPECT_EQ(plain.Query("SELECT count(DISTINCT profile_id) FROM pprof_samples"), (Rows{{"2"}}));
}

TEST_F(Import, ErrorsAreClear) {
  Db db;
  EXPECT_THAT(db.Try("SELECT pprof_import(" + Quote(path_) + ")"), HasSubstr("no profile is loaded"));
  db.One("SELECT pprof_load(" + Quote(Sample("go1.cpu.pb.gz")) + ")");
  EXPECT_THAT(db.Try("SELECT pprof_import(" + Quote(path_) + ", '7')"), HasSubstr("no profile with id '7'"));
  EXPECT_THAT(db.Try("SELECT pprof_import('/nonexistent/dir/x.db')"), HasSubstr("cannot open"));
  // A view in a database's schema cannot make the connection write files.
  EXPECT_EQ(db.Try("CREATE VIEW v AS SELECT pprof_import(" + Quote(path_) + ")"), "");
  EXPECT_THAT(db.Try("SELECT * FROM v"), HasSubstr("unsafe use of pprof_import"));
}

TEST_F(Import, OpenedWithTheExtensionShowsImportedAndLoadedProfiles) {
  {
    Db db;
    db.One("SELECT pprof_load(" + Quote(Sample("go1.heap.pb.gz")) + ")");
    db.One("SELECT pprof_import(" + Quote(path_) + ")");
  }
  sqlite3_auto_extension(reinterpret_cast<void (*)()>(sqlite3_pprof_init));
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
  auto query = [&](const std::string& sql) {
    std::string out;
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(raw, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(raw);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(st, 0);
      out += std::string(t ? reinterpret_cast<const char*>(t) : "NULL") + ";";
    }
    sqlite3_finalize(st);
    return out;
  };
  // The new profile gets an id from the range imports never use.
  EXPECT_EQ(query("SELECT pprof_load(" + Quote(Sample("go1.cpu.pb.gz")) + ")"), "1000000000;");
  EXPECT_EQ(query("SELECT profile_id FROM pprof_profiles ORDER BY 1"), "1;1000000000;");
  EXPECT_EQ(query("SELECT count(DISTINCT profile_id) FROM pprof_samples"), "2;");
  // Reports run on both: the imported one from its stored rows.
  // (The Type: line, whatever its line_no: sql/06_header.sql numbers sparsely.)
  EXPECT_EQ(query("SELECT text FROM pprof_top_text WHERE profile_id = 1 AND options = '' AND text LIKE 'Type:%'"),
            "Type: inuse_space;");
  EXPECT_EQ(query("SELECT text FROM pprof_top_text WHERE profile_id = 1000000000 AND options = '' AND "
                  "text LIKE 'Type:%'"),
            "Type: cpu;");
  sqlite3_close_v2(raw);
}

// For every -list golden of the corpus (tests/corpus) on a profile.proto file with
// no other report flags: import the profile (with the golden's source and
// trim paths), then in a connection WITHOUT the extension, the listing of
// the golden's functions equals the golden.
TEST_F(Import, ListingWithoutTheExtensionEqualsPprof) {
  const std::string corpus = pprof_test::CorpusDir();
  ASSERT_SHARED_EXISTS(corpus + "/MANIFEST.tsv");
  std::istringstream manifest(pprof_test::ReadAll(corpus + "/MANIFEST.tsv"));
  std::string line;
  int checked = 0;
  const std::regex simple(
      R"(go tool pprof -symbolize=none (?:-source_path=(\S+) )?(?:-trim_path=(\S+) )?'?-list=[^ ]*'? (\S+\.pb\.gz))");
  while (std::getline(manifest, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, '\t');) f.push_back(cell);
    std::smatch m;
    if (f.size() < 5 || !std::regex_match(f[2], m, simple)) continue;
    const std::string golden = pprof_test::ReadAll(corpus + "/" + f[3]);
    std::set<std::string> functions;
    std::istringstream g(golden);
    for (std::string gl; std::getline(g, gl);) {
      if (gl.rfind("ROUTINE ======================== ", 0) == 0) {
        functions.insert(gl.substr(33, gl.rfind(" in ") - 33));
      }
    }
    std::string db_path = dir_ + "/list.db";
    unlink(db_path.c_str());
    {
      Db db;
      ASSERT_EQ(chdir(corpus.c_str()), 0);
      db.One("SELECT pprof_config('source_path', " + Quote(m[1]) + "), pprof_config('trim_path', " + Quote(m[2]) +
             ")");
      db.One("SELECT pprof_load(" + Quote(m[3]) + ")");
      db.One("SELECT pprof_import(" + Quote(db_path) + ")");
      ASSERT_EQ(chdir(pprof_test::SourceDir().c_str()), 0);
    }
    // Plain SQLite has no regexp: the user says which functions the symbol
    // selects (here those the golden lists).
    PlainDb plain(db_path);
    for (const std::string& fn : functions) {
      plain.Query("INSERT INTO pprof_symbol_matches(profile_id, symbol, function) VALUES (1, 'golden', " + Quote(fn) + ")");
    }
    std::string got;
    for (const auto& row : plain.Query("SELECT text FROM pprof_list_text WHERE profile_id = 1 AND options = '' AND "
                                       "symbol = 'golden' ORDER BY line_no")) {
      got += row[0] + "\n";
    }
    EXPECT_EQ(got, golden) << f[3];
    unlink(db_path.c_str());
    checked++;
  }
  EXPECT_GE(checked, 15);
}

}  // namespace

namespace {

// An option string the import does not pre-fill, in a plain database: the
// user inserts it and the functions the symbol selects, and the listing is
// pprof's (tests/golden/041.txt: go tool pprof -unit=ms -noinlines
// '-list=goapp/mathx\.\(\*Matrix\)\.Mul$', command in its MANIFEST.tsv).
TEST_F(Import, ListingWithAnInsertedOptionStringEqualsPprof) {
  const std::string samples = pprof_test::SourceDir() + "/samples/";
  {
    Db db;
    db.One("SELECT pprof_config('source_path', " + Quote(samples + "src/go") +
           "), pprof_config('trim_path', '/opt/go/src:/home/build'), pprof_load(" + Quote(samples + "go1.cpu.pb.gz") +
           "), pprof_import(" + Quote(path_) + ")");
  }
  PlainDb plain(path_);
  EXPECT_EQ(plain.Query("SELECT count(*) FROM pprof_options WHERE options = '-unit=ms -noinlines'")[0][0], "0");
  const std::string query =
      "SELECT text FROM pprof_list_text WHERE profile_id = 1 AND options = '-unit=ms -noinlines' "
      "AND symbol = 'Mul$' ORDER BY line_no";
  EXPECT_TRUE(plain.Query(query).empty()) << "nothing before the inserts";
  plain.Query("INSERT INTO pprof_options VALUES (1, '-unit=ms -noinlines')");
  plain.Query("INSERT INTO pprof_symbol_matches(profile_id, symbol, function) SELECT DISTINCT 1, 'Mul$', name FROM pprof_functions "
              "WHERE profile_id = 1 AND name = 'goapp/mathx.(*Matrix).Mul'");
  std::string got;
  for (const auto& row : plain.Query(query)) got += row[0] + "\n";
  EXPECT_EQ(got, pprof_test::ReadAll(pprof_test::SourceDir() + "/tests/golden/041.txt"));
}

// With the extension, pprof_symbol_matches is the regexp's matches among the
// profile's function names, and a bad regexp is an error naming it.
TEST(SymbolMatches, RegexpOverFunctionNames) {
  Db db;
  db.One("SELECT pprof_load(" + Quote(pprof_test::SourceDir() + "/samples/go1.cpu.pb.gz") + ")");
  EXPECT_EQ(db.One("SELECT group_concat(function, ' ') FROM pprof_symbol_matches "
                   "WHERE profile_id = 1 AND symbol = 'mathx\\.\\(\\*Matrix\\)\\.Mul$'"),
            "goapp/mathx.(*Matrix).Mul");
  // Unanchored, as pprof's -list: every name containing 'Matrix'.
  EXPECT_EQ(db.One("SELECT count(*) = (SELECT count(DISTINCT name) FROM pprof_functions WHERE profile_id = 1 "
                   "AND instr(name, 'Matrix') > 0) FROM pprof_symbol_matches WHERE profile_id = 1 AND symbol = 'Matrix'"),
            "1");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_symbol_matches WHERE profile_id = 1"), "0") << "no symbol, no rows";
  EXPECT_THAT(db.Try("SELECT * FROM pprof_symbol_matches WHERE profile_id = 1 AND symbol = 'Mul('"),
              ::testing::HasSubstr("parsing argument regexp Mul(: error parsing regexp: missing closing )"));
}

// With the extension, pprof_source_files answers for the constrained file:
// NULL when the source path finds it, else pprof's error.
TEST(SourceFiles, ErrorPerFile) {
  Db db;
  const std::string samples = pprof_test::SourceDir() + "/samples/";
  db.One("SELECT pprof_config('source_path', " + Quote(samples + "src/go") + "), pprof_load(" +
         Quote(samples + "go1.cpu.pb.gz") + ")");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_source_files WHERE profile_id = 1"), "0");
  EXPECT_EQ(db.One("SELECT quote(error) FROM pprof_source_files WHERE profile_id = 1 AND file = 'goapp/mathx/mathx.go'"),
            "NULL");
  EXPECT_EQ(db.One("SELECT error FROM pprof_source_files WHERE profile_id = 1 AND file = 'goapp/nope.go'"),
            "could not find file goapp/nope.go on path " + samples + "src/go");
}

}  // namespace
