// A profile or a database is data, never instructions (issue 12, part 1):
// neither makes us read, store or write a file the user did not point at.
//   - Functions with side effects cannot be reached from anything stored in
//     a database: CHECK, DEFAULT, generated columns, index expressions,
//     triggers, views (with trusted_schema on and off).
//   - An import stores source text only from the roots the user gave, and
//     only regular files inside them.
//   - An imported database that was edited to name other files never makes
//     the connection read them; its listings come from its stored text.
//   - pprof_prepare's profiles count against the memory limit.
//   - Profile ids read from a database are checked, and loaded and imported
//     ids never collide across connections.
#include <gmock/gmock.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "profile.pb.h"
#include "test_util.h"

namespace {

namespace pb = perftools::profiles;
using pprof_test::Db;
using pprof_test::Quote;
using pprof_test::TempDir;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Sample(const std::string& name) { return pprof_test::SourceDir() + "/samples/" + name; }

// The first column of every row, one a line.
std::string Column(Db& db, const std::string& sql) {
  std::string out;
  for (const auto& row : db.Query(sql)) out += row.empty() ? "\n" : row[0] + "\n";
  return out;
}

// ---- functions with side effects, from schema-borne SQL ----

struct SideEffect {
  const char* name;  // for messages
  std::string call;  // the call, e.g. pprof_config('source_path', '/')
  std::string happened;  // a query returning 1 when the side effect took place
};

// The places where a database carries SQL that runs when the user reads or
// writes its tables. `%s` is the call; the trailing statement is what the
// victim does (the cookbook's CREATE TABLE IF NOT EXISTS / INSERT OR IGNORE,
// or a plain SELECT).
struct Carrier {
  const char* name;
  const char* schema;
  const char* action;
};

const Carrier kCarriers[] = {
    {"CHECK", "CREATE TABLE builds(build_id TEXT PRIMARY KEY, x CHECK (CALL IS NULL OR 1))",
     "INSERT OR IGNORE INTO builds VALUES ('b1', 1)"},
    {"DEFAULT", "CREATE TABLE builds(build_id TEXT PRIMARY KEY, x DEFAULT (CALL))",
     "INSERT OR IGNORE INTO builds(build_id) VALUES ('b1')"},
    {"generated VIRTUAL", "CREATE TABLE builds(build_id TEXT PRIMARY KEY, x AS (CALL) VIRTUAL)",
     "INSERT OR IGNORE INTO builds(build_id) VALUES ('b1'); SELECT * FROM builds"},
    {"generated STORED", "CREATE TABLE builds(build_id TEXT PRIMARY KEY, x AS (CALL) STORED)",
     "INSERT OR IGNORE INTO builds(build_id) VALUES ('b1')"},
    {"index expression", "CREATE TABLE builds(build_id TEXT PRIMARY KEY, x); CREATE INDEX bx ON builds((CALL))",
     "INSERT OR IGNORE INTO builds VALUES ('b1', 1)"},
    {"partial index", "CREATE TABLE builds(build_id TEXT PRIMARY KEY, x); CREATE INDEX bx ON builds(x) WHERE CALL",
     "INSERT OR IGNORE INTO builds VALUES ('b1', 1)"},
    {"trigger", "CREATE TABLE builds(build_id TEXT PRIMARY KEY, x); CREATE TABLE log(y); "
                "CREATE TRIGGER tr AFTER INSERT ON builds BEGIN INSERT INTO log SELECT CALL; END",
     "INSERT OR IGNORE INTO builds VALUES ('b1', 1)"},
    {"view", "CREATE TABLE builds(build_id TEXT PRIMARY KEY, x); CREATE VIEW v AS SELECT CALL",
     "SELECT * FROM v"},
};

// Writes a database whose schema holds `call` in `carrier`. The schema is
// written with a stand-in function and then edited in sqlite_schema, as an
// attacker can: SQLite would not let CREATE name a function it lacks.
void WriteHostileDb(const std::string& path, const Carrier& carrier, const std::string& call) {
  unlink(path.c_str());
  Db db(Db::kNone, path);
  std::string schema = carrier.schema;
  schema.replace(schema.find("CALL"), 4, "abs(1)");
  ASSERT_EQ(db.Try(schema), "") << schema;
  std::string edit = "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = replace(sql, 'abs(1)', " +
                     Quote(call) + "); PRAGMA writable_schema = OFF;";
  ASSERT_EQ(db.Try(edit), "");
}

TEST(Untrusted, SchemaBorneSqlCannotCallFunctionsWithSideEffects) {
  TempDir dir;
  const std::string out_db = dir.path() + "/pwned.db";
  const std::vector<SideEffect> effects = {
      {"pprof_import", "pprof_import(" + Quote(out_db) + ")", "SELECT 0"},  // checked by the file's absence
      {"pprof_config", "pprof_config('source_path', '/')", "SELECT pprof_config('source_path') = '/'"},
      {"pprof_load", "pprof_load(" + Quote(Sample("go1.heap.pb.gz")) + ")",
       "SELECT count(*) > 1 FROM pprof_profiles"},
      {"pprof_unload", "pprof_unload(1)", "SELECT count(*) = 0 FROM pprof_profiles"},
      {"pprof_prepare", "pprof_prepare('1', '-focus=Mul')", "SELECT count(*) > 1 FROM pprof_profiles"},
      {"pprof_symbolize", "pprof_symbolize(1, 'local:force')", "SELECT 0"},
  };
  int cases = 0;
  for (const Carrier& carrier : kCarriers) {
    for (const SideEffect& e : effects) {
      for (const char* trusted : {"OFF", "ON"}) {
        const std::string path = dir.path() + "/from-someone.db";
        WriteHostileDb(path, carrier, e.call);
        Db db(Db::kLoaded, path);
        const std::string where = std::string(carrier.name) + " calling " + e.name + ", trusted_schema=" + trusted;
        if (!db.open_error().empty()) {
          // SQLite itself refuses this schema (a generated column or an index calling a
          // function that is not deterministic): nothing ran.
          EXPECT_THAT(db.open_error(), HasSubstr("non-deterministic functions prohibited in")) << where;
          EXPECT_FALSE(pprof_test::Exists(out_db)) << where;
          cases++;
          continue;
        }
        ASSERT_EQ(db.Try(std::string("PRAGMA trusted_schema = ") + trusted), "");
        // The victim has a profile loaded and follows the cookbook.
        ASSERT_EQ(db.One("SELECT pprof_load(" + Quote(Sample("go1.cpu.pb.gz")) + ")"), "1");
        std::string err = db.Try(
            "CREATE TABLE IF NOT EXISTS builds(build_id TEXT PRIMARY KEY, x); " + std::string(carrier.action));
        if (!err.empty()) {
          EXPECT_THAT(err, AnyOf(HasSubstr("unsafe use of"), HasSubstr("may only be called from a SELECT")))
              << where;
        }
        EXPECT_EQ(db.One(e.happened), "0") << where;
        EXPECT_EQ(db.One("SELECT pprof_config('source_path')"), "") << where;
        EXPECT_FALSE(pprof_test::Exists(out_db)) << where;
        cases++;
      }
    }
  }
  EXPECT_EQ(cases, 8 * 6 * 2);
}

TEST(Untrusted, DirectCallsStillWork) {
  TempDir dir;
  Db db;
  EXPECT_EQ(db.One("SELECT pprof_load(" + Quote(Sample("go1.cpu.pb.gz")) + ")"), "1");
  // Upper case and inside expressions: still the user's own SQL.
  EXPECT_EQ(db.One("SELECT PPROF_CONFIG('trim_path', '/x') || ''"), "/x");
  EXPECT_EQ(db.One("WITH t AS (SELECT pprof_prepare('1', '-focus=Mul') AS id) SELECT id FROM t"), "2");
  EXPECT_EQ(db.One("SELECT pprof_import(" + Quote(dir.path() + "/ok.db") + ", '1')"), "1");
  // A statement that writes the database is not where these belong.
  EXPECT_THAT(db.Try("CREATE TABLE t AS SELECT pprof_load(" + Quote(Sample("go1.heap.pb.gz")) + ")"),
              HasSubstr("may only be called from a SELECT statement"));
}

// ---- an import stores source text only from the roots given ----

// A profile with one sample per function; each function's file is one of `files`.
std::string ProfileNaming(const std::vector<std::string>& files) {
  pb::Profile p;
  p.add_string_table("");
  auto str = [&](const std::string& s) {
    p.add_string_table(s);
    return static_cast<int64_t>(p.string_table_size() - 1);
  };
  auto* st = p.add_sample_type();
  st->set_type(str("samples"));
  st->set_unit(str("count"));
  for (size_t i = 0; i < files.size(); i++) {
    uint64_t id = i + 1;
    auto* f = p.add_function();
    f->set_id(id);
    f->set_name(str("main.f" + std::to_string(id)));
    f->set_filename(str(files[i]));
    auto* l = p.add_location();
    l->set_id(id);
    auto* line = l->add_line();
    line->set_function_id(id);
    line->set_line(1);
    auto* s = p.add_sample();
    s->add_location_id(id);
    s->add_value(static_cast<int64_t>(10 + i));
  }
  return p.SerializeAsString();
}

TEST(Untrusted, ImportStoresSourcesOnlyFromTheRootsGiven) {
  TempDir dir;
  const std::string root = dir.Mkdir("src");
  dir.Mkdir("src/good");
  dir.Write("src/good/a.go", "package good\nfunc A() {}\n");
  dir.Write("src/good/b.go", "package good\nfunc B() {}\n");
  const std::string secret = dir.Write("secret.txt", "TOP-SECRET-OUTSIDE-THE-ROOT\n");
  ASSERT_EQ(symlink(secret.c_str(), (root + "/link.go").c_str()), 0);
  ASSERT_EQ(mkfifo((root + "/fifo.go").c_str(), 0600), 0);
  dir.Write("src/big.go", std::string(17 << 20, 'x'));
  setenv("PPROF_UNTRUSTED_TEST_MARKER", "ENVIRON-MARKER", 1);
  const std::vector<std::string> files = {"good/a.go",      root + "/good/b.go", "/etc/hostname",
                                          "/proc/self/environ", "/dev/urandom",  "../../../../etc/hostname",
                                          "link.go",        "fifo.go",           "big.go",
                                          "../secret.txt"};
  const std::string prof = dir.Write("p.pb", ProfileNaming(files));
  const std::string out = dir.path() + "/out.db";
  {
    Db db;
    db.One("SELECT pprof_config('source_path', " + Quote(root) + "), pprof_load(" + Quote(prof) + ")");
    ASSERT_EQ(db.One("SELECT pprof_import(" + Quote(out) + ")"), "1");
  }
  Db plain(Db::kNone, out);
  EXPECT_EQ(plain.One("SELECT group_concat(DISTINCT file) FROM (SELECT file FROM pprof_source ORDER BY file)"),
            "good/a.go,good/b.go");
  EXPECT_EQ(plain.One("SELECT group_concat(text, '|') FROM pprof_source"),
            "package good|func A() {}|package good|func B() {}");
  // Every named file has a row saying what happened to it.
  EXPECT_EQ(plain.One("SELECT count(*) FROM pprof_source_files WHERE profile_id = 1"),
            std::to_string(files.size()));
  auto detail = [&](const std::string& file) {
    return plain.One("SELECT stored || ' ' || detail FROM pprof_source_files WHERE file = " + Quote(file));
  };
  char real_root[PATH_MAX];
  ASSERT_NE(realpath(root.c_str(), real_root), nullptr);
  EXPECT_EQ(detail("good/a.go"), "1 " + std::string(real_root) + "/good/a.go");
  EXPECT_EQ(detail("/etc/hostname"), "0 outside the source roots");
  EXPECT_EQ(detail("/proc/self/environ"), "0 outside the source roots");
  EXPECT_EQ(detail("/dev/urandom"), "0 outside the source roots");
  EXPECT_EQ(detail("/etc/hostname"), "0 outside the source roots");
  EXPECT_EQ(detail("link.go"), "0 outside the source roots");
  EXPECT_EQ(detail("fifo.go"), "0 not a regular file");
  EXPECT_EQ(detail("big.go"), "0 larger than 16777216 bytes");
  // "../secret.txt" is cleaned to the file beside the root: outside it.
  EXPECT_THAT(plain.One("SELECT group_concat(text) FROM pprof_source"), Not(HasSubstr("TOP-SECRET")));
  EXPECT_THAT(plain.One("SELECT group_concat(text) FROM pprof_source"), Not(HasSubstr("ENVIRON-MARKER")));
}

TEST(Untrusted, ImportWithoutSourceRootsStoresNoSource) {
  TempDir dir;
  dir.Mkdir("good");
  dir.Write("good/a.go", "package good\n");
  const std::string prof = dir.Write("p.pb", ProfileNaming({"good/a.go", "/etc/hostname"}));
  const std::string out = dir.path() + "/out.db";
  {
    Db db;
    // The current directory is not a root the user gave.
    ASSERT_EQ(chdir(dir.path().c_str()), 0);
    db.One("SELECT pprof_load(" + Quote(prof) + ")");
    ASSERT_EQ(db.One("SELECT pprof_import(" + Quote(out) + ")"), "1");
    ASSERT_EQ(chdir("/"), 0);
  }
  Db plain(Db::kNone, out);
  EXPECT_EQ(plain.One("SELECT count(*) FROM pprof_source"), "0");
  EXPECT_EQ(plain.One("SELECT group_concat(DISTINCT detail) FROM pprof_source_files"),
            "no source root was given (-source_path)");
}

// ---- an edited imported database reads no file ----

TEST(Untrusted, EditedImportedDatabaseReadsNoFile) {
  TempDir dir;
  const std::string secret = dir.Write("secret.go", "TOP-SECRET-LINE-1\nTOP-SECRET-LINE-2\n");
  setenv("PPROF_UNTRUSTED_TEST_MARKER", "ENVIRON-MARKER", 1);
  const std::string path = dir.path() + "/profiles.db";
  {
    Db db;
    db.One("SELECT pprof_config('source_path', " + Quote(pprof_test::SourceDir() + "/samples/src/go") +
           "), pprof_config('trim_path', '/home/build'), pprof_load(" + Quote(Sample("go1.cpu.pb.gz")) + ")");
    ASSERT_EQ(db.One("SELECT pprof_import(" + Quote(path) + ")"), "1");
  }
  {
    // Someone edits it: the stored text is gone, the listing rows name other files.
    Db plain(Db::kNone, path);
    // Every function is listed (symbol ''), every file "at hand".
    ASSERT_EQ(plain.Try("DROP TABLE pprof_source;"
                        "UPDATE pprof_nodes SET file = " + Quote(secret) + " "
                        "WHERE granularity = 'lines' AND node_id % 2 = 0;"
                        "UPDATE pprof_nodes SET file = '/proc/self/environ' "
                        "WHERE granularity = 'lines' AND node_id % 2 = 1;"
                        "INSERT OR REPLACE INTO pprof_source_files SELECT DISTINCT profile_id, file, 1, '', NULL FROM pprof_nodes "
                        "WHERE granularity = 'lines' AND file IS NOT NULL;"
                        "UPDATE pprof_source_files SET error = NULL, stored = 1;"
                        "INSERT INTO pprof_symbol_matches(profile_id, symbol, function) SELECT DISTINCT 1, '', name FROM pprof_functions;"),
              "");
  }
  for (const char* trusted : {"OFF", "ON"}) {
    Db db(Db::kLoaded, path);
    ASSERT_EQ(db.open_error(), "");
    ASSERT_EQ(db.Try(std::string("PRAGMA trusted_schema = ") + trusted), "");
    std::string text = Column(db, "SELECT text FROM pprof_list_text WHERE profile_id = 1") +
                       Column(db, "SELECT text FROM pprof_list WHERE profile_id = 1") +
                       Column(db, "SELECT text FROM pprof_source WHERE file IN (" + Quote(secret) +
                                      ", '/proc/self/environ')");
    EXPECT_THAT(text, Not(HasSubstr("TOP-SECRET"))) << trusted;
    EXPECT_THAT(text, Not(HasSubstr("ENVIRON-MARKER"))) << trusted;
    // The listing rows are there: only the files are not read.
    EXPECT_NE(db.One("SELECT count(*) FROM pprof_list_text WHERE profile_id = 1"), "0");
  }
}

// ---- pprof_prepare and the memory limit ----

TEST(Untrusted, PreparedProfilesCountAgainstTheMemoryLimit) {
  Db db;
  db.One("SELECT pprof_load(" + Quote(Sample("go1.cpu.pb.gz")) + ")");
  const int64_t one = std::stoll(db.One("SELECT memory_bytes FROM pprof_profiles WHERE profile_id = 1"));
  db.One("SELECT pprof_config('max_memory_bytes', " + std::to_string(2 * one) + ")");
  std::string err;
  int made = 0;
  for (int i = 0; i < 200 && err.empty(); i++) {
    // Each distinct option string is a profile of its own; the focus keeps every sample.
    err = db.Try("SELECT pprof_prepare('1', '-focus=" + std::string(static_cast<size_t>(i + 1), '.') + "')");
    if (err.empty()) made++;
  }
  EXPECT_THAT(err, HasSubstr("max_memory_bytes"));
  EXPECT_LE(made, 2);
}

// ---- ids from a database ----

TEST(Untrusted, OutOfRangeProfileIdsInADatabaseAreRefused) {
  TempDir dir;
  const std::string path = dir.path() + "/ids.db";
  for (const char* bad : {"9223372036854775807", "-5", "'text'", "1.5", "1000000000"}) {
    unlink(path.c_str());
    {
      Db plain(Db::kNone, path);
      ASSERT_EQ(plain.Try(std::string("CREATE TABLE pprof_profiles(profile_id, name); "
                                      "INSERT INTO pprof_profiles VALUES (1, 'a'), (") +
                          bad + ", 'b')"),
                "");
    }
    Db db(Db::kLoaded, path);
    EXPECT_THAT(db.open_error(), HasSubstr("pprof_profiles holds a profile_id that pprof_import does not write"))
        << bad;
  }
}

TEST(Untrusted, LoadedAndImportedIdsNeverCollideAcrossConnections) {
  TempDir dir;
  const std::string path = dir.path() + "/profiles.db";
  {
    Db db;
    db.One("SELECT pprof_load(" + Quote(Sample("go1.heap.pb.gz")) + ")");
    ASSERT_EQ(db.One("SELECT pprof_import(" + Quote(path) + ")"), "1");
  }
  // The analyst opens the database and loads a profile.
  Db analyst(Db::kLoaded, path);
  ASSERT_EQ(analyst.open_error(), "");
  const std::string loaded = analyst.One("SELECT pprof_load(" + Quote(Sample("go1.cpu.pb.gz")) + ")");
  // Meanwhile a pipeline appends to the same database.
  {
    Db pipeline;
    pipeline.One("SELECT pprof_load(" + Quote(Sample("go1.cpu.pb.gz")) + ")");
    ASSERT_EQ(pipeline.One("SELECT pprof_import(" + Quote(path) + ")"), "1");
  }
  EXPECT_EQ(analyst.One("SELECT group_concat(profile_id) FROM (SELECT profile_id FROM pprof_profiles ORDER BY 1)"),
            "1,2," + loaded);
  // Each id is one profile: one set of sample types each.
  EXPECT_EQ(analyst.One("SELECT max(n) FROM (SELECT count(*) AS n FROM pprof_sample_types GROUP BY profile_id, "
                        "sample_index)"),
            "1");
}

}  // namespace

namespace {

// ---- bytes a profile holds must not break readers ----

// A profile of one sample (value 7) of sample type strings[1] in unit
// strings[2], whose one frame is function strings[3], in file strings[file]
// (0: none).
pb::Profile OneFrameProfile(const std::vector<std::string>& strings, int file) {
  pb::Profile p;
  for (const std::string& s : strings) p.add_string_table(s);
  p.add_sample_type()->set_type(1);
  p.mutable_sample_type(0)->set_unit(2);
  auto* f = p.add_function();
  f->set_id(1);
  f->set_name(3);
  if (file) f->set_filename(file);
  auto* l = p.add_location();
  l->set_id(1);
  l->add_line()->set_function_id(1);
  auto* s = p.add_sample();
  s->add_location_id(1);
  s->add_value(7);
  return p;
}

TEST(Untrusted, NamesThatAreNotUtf8AreImportedSoEveryClientReadsThem) {
  TempDir dir;
  const std::string bad = std::string("main.\xff\xfe") + "bad\xc0\xaf" + "name";
  const std::string file = std::string("dir\xed\xa0\x80") + "/x.go";  // a UTF-16 surrogate: invalid in UTF-8
  const pb::Profile p = OneFrameProfile({std::string(), std::string("samples"), std::string("count"), bad, file}, 4);
  const std::string prof = dir.Write("bad.pb", p.SerializeAsString());
  const std::string out = dir.path() + "/out.db";
  {
    Db db;
    db.One("SELECT pprof_load(" + Quote(prof) + ")");
    ASSERT_EQ(db.One("SELECT pprof_import(" + Quote(out) + ")"), "1");
  }
  Db plain(Db::kNone, out);
  EXPECT_EQ(plain.One("SELECT typeof(name) || ' ' || hex(name) FROM pprof_functions"),
            "blob 6D61696E2EFFFE626164C0AF6E616D65");
  EXPECT_EQ(plain.One("SELECT typeof(filename) FROM pprof_functions"), "blob");
  EXPECT_EQ(plain.One("SELECT typeof(name) FROM pprof_functions WHERE name = CAST(" + Quote("main.") +
                      " || x'FFFE' || 'bad' || x'C0AF' || 'name' AS BLOB)"),
            "blob");
  EXPECT_EQ(plain.One("SELECT typeof(sample_type) FROM pprof_samples"), "text");
  // Python's sqlite3 (/usr/bin/python3, strict UTF-8 decoding) reads every
  // row of every table.
  const std::string script =
      "import sqlite3, sys\n"
      "con = sqlite3.connect(sys.argv[1])\n"
      "n = 0\n"
      "for (t,) in con.execute(\"SELECT name FROM sqlite_schema WHERE type = 'table'\").fetchall():\n"
      "    n += len(con.execute('SELECT * FROM \"%s\"' % t).fetchall())\n"
      "print(n)\n";
  const std::string py = dir.Write("read.py", script);
  FILE* pipe = popen(("/usr/bin/python3 " + py + " " + out + " 2>&1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
  EXPECT_EQ(pclose(pipe), 0) << output;
  EXPECT_GT(std::atoi(output.c_str()), 5) << output;
}

TEST(Untrusted, ConstraintsKeepTheNulBytesOfAName) {
  TempDir dir;
  const std::string type("cpu\0time", 8);
  const pb::Profile p = OneFrameProfile({std::string(), type, std::string("count"), std::string("main.f")}, 0);
  const std::string prof = dir.Write("nul.pb", p.SerializeAsString());
  Db db;
  db.One("SELECT pprof_load(" + Quote(prof) + ")");
  // The sample type as SQL spells it: 'cpu' || x'00' || 'time' (a dimension
  // column of pprof_nodes, pushed down to the table).
  EXPECT_EQ(db.One("SELECT sum(flat) FROM pprof_nodes WHERE profile_id = 1 AND granularity = 'functions' "
                   "AND inlines = 1 AND sample_type = 'cpu' || CAST(x'00' AS TEXT) || 'time'"),
            "7");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_nodes WHERE profile_id = 1 AND sample_type = 'cpu'"), "0");
}

TEST(Untrusted, AnImportBlockedByAReaderSaysWhichDatabaseAndWhatToDo) {
  TempDir dir;
  const std::string path = dir.path() + "/shared.db";
  {
    Db db;
    db.One("SELECT pprof_load(" + Quote(Sample("go1.cpu.pb.gz")) + ")");
    ASSERT_EQ(db.One("SELECT pprof_import(" + Quote(path) + ")"), "1");
  }
  // A BI tool is reading the database (an open read transaction).
  Db reader(Db::kNone, path);
  ASSERT_EQ(reader.Try("BEGIN; SELECT count(*) FROM pprof_samples;"), "");
  {
    Db db;
    db.One("SELECT pprof_config('busy_timeout_ms', 100), pprof_load(" + Quote(Sample("go1.heap.pb.gz")) + ")");
    std::string err = db.Try("SELECT pprof_import(" + Quote(path) + ")");
    EXPECT_THAT(err, HasSubstr(path + ": cannot commit: another connection is reading it"));
    EXPECT_THAT(err, HasSubstr("Nothing was imported"));
    EXPECT_THAT(err, HasSubstr("busy_timeout_ms"));
  }
  ASSERT_EQ(reader.Try("COMMIT"), "");
  Db after(Db::kNone, path);
  EXPECT_EQ(after.One("SELECT count(*) FROM pprof_profiles"), "1");
}

}  // namespace
