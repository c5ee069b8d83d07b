// The virtual tables over real profiles: row counts against the file's own
// contents, the inline-expanded frame order, constraint push-down (asserted
// with EXPLAIN QUERY PLAN), and pprof_load's reload/unload behaviour.
#include <gmock/gmock.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"

using pprof_test::Db;
using pprof_test::Quote;
using ::testing::HasSubstr;

namespace {

std::string Sample(const std::string& name) { return pprof_test::SourceDir() + "/samples/" + name; }

std::string Plan(Db& db, const std::string& sql) {
  std::string out;
  for (const auto& row : db.Query("EXPLAIN QUERY PLAN " + sql)) out += row.back() + "\n";
  return out;
}

TEST(Tables, HeapProfileShape) {
  Db db;
  EXPECT_EQ(db.One("SELECT pprof_load(" + Quote(Sample("go1.heap.pb.gz")) + ")"), "1");
  // Go heap profiles have four sample types; pprof reports the last by default.
  EXPECT_EQ(db.Query("SELECT sample_index, type, unit, is_default FROM pprof_sample_types"),
            (pprof_test::Rows{{"0", "alloc_objects", "count", "0"},
                              {"1", "alloc_space", "bytes", "0"},
                              {"2", "inuse_objects", "count", "0"},
                              {"3", "inuse_space", "bytes", "1"}}));
  // Long form: one row per sample and type.
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_samples"),
            std::to_string(4 * std::stoi(db.One("SELECT sample_count FROM pprof_profiles"))));
  // Every stack position names an existing location, every line an existing function.
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_stacks s LEFT JOIN pprof_locations l USING (profile_id, location_id)"
                   " WHERE l.location_id IS NULL"),
            "0");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_lines l LEFT JOIN pprof_functions f USING (profile_id, function_id)"
                   " WHERE f.function_id IS NULL"),
            "0");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_locations"), db.One("SELECT location_count FROM pprof_profiles"));
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_functions"), db.One("SELECT function_count FROM pprof_profiles"));
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_mappings"), db.One("SELECT mapping_count FROM pprof_profiles"));
  // Go heap profiles label samples with their block size in bytes.
  EXPECT_EQ(db.One("SELECT count(DISTINCT key) FROM pprof_labels"), "1");
  EXPECT_EQ(db.One("SELECT key FROM pprof_labels LIMIT 1"), "bytes");
}

TEST(Tables, FramesExpandInlinedLinesLeafFirst) {
  Db db;
  db.One("SELECT pprof_load(" + Quote(Sample("go1.heap.pb.gz")) + ")");
  // pprof_frames has one row per line of each location in the stack (or one
  // for a location with no lines), numbered from the leaf.
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_frames"),
            db.One("SELECT sum(max(1, l.line_count)) FROM pprof_stacks s JOIN pprof_locations l "
                   "USING (profile_id, location_id)"));
  // Within one location, depth grows with line_index (innermost callee first),
  // and only the location's last line is not inline.
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_frames a JOIN pprof_frames b USING (profile_id, sample_id, stack_depth)"
                   " WHERE a.line_index < b.line_index AND a.depth >= b.depth"),
            "0");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_frames f JOIN pprof_locations l USING (profile_id, location_id)"
                   " WHERE f.is_inline != (f.line_index < l.line_count - 1)"),
            "0");
  // Depth 0 is the leaf location's first line.
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_frames WHERE depth = 0 AND (stack_depth != 0 OR line_index != 0)"),
            "0");
}

TEST(Tables, PushDownPlans) {
  Db db;
  db.One("SELECT pprof_load(" + Quote(Sample("go1.cpu.pb.gz")) + ")");
  EXPECT_THAT(Plan(db, "SELECT * FROM pprof_samples WHERE profile_id = 1"), HasSubstr("INDEX 1:profile_id="));
  EXPECT_THAT(Plan(db, "SELECT * FROM pprof_samples WHERE profile_id = 1 AND sample_id = 3"),
              HasSubstr("INDEX 3:profile_id=,sample_id="));
  EXPECT_THAT(Plan(db, "SELECT * FROM pprof_frames WHERE profile_id IN (1, 2) AND sample_id IN (3, 4)"),
              HasSubstr("INDEX 15:profile_id IN,sample_id IN"));
  EXPECT_THAT(Plan(db, "SELECT * FROM pprof_lines WHERE location_id = 7"), HasSubstr("INDEX 2:location_id="));
  EXPECT_THAT(Plan(db, "SELECT * FROM pprof_functions WHERE profile_id = 1 AND function_id = 7"),
              HasSubstr("INDEX 3:profile_id=,function_id="));
  EXPECT_THAT(Plan(db, "SELECT * FROM pprof_locations WHERE profile_id = 1 AND location_id = 7"),
              HasSubstr("INDEX 3:profile_id=,location_id="));
  // A join drives the inner table by key.
  EXPECT_THAT(Plan(db, "SELECT * FROM pprof_stacks s JOIN pprof_locations l USING (profile_id, location_id) "
                       "WHERE s.profile_id = 1 AND s.sample_id = 5"),
              HasSubstr("INDEX 3:profile_id=,location_id="));
  // Push-down gives the same rows as a full scan filtered by SQLite.
  EXPECT_EQ(db.Query("SELECT * FROM pprof_frames WHERE profile_id = 1 AND sample_id IN (2, 9, 4000000)"),
            db.Query("SELECT * FROM pprof_frames WHERE +profile_id = 1 AND +sample_id IN (2, 9, 4000000)"));
  EXPECT_EQ(db.Query("SELECT * FROM pprof_lines WHERE location_id IN (3, 5)"),
            db.Query("SELECT * FROM pprof_lines WHERE +location_id IN (3, 5)"));
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_samples WHERE profile_id = 99"), "0");
}

TEST(Tables, LoadManyReloadAndUnload) {
  Db db;
  const std::string heap = Sample("go1.heap.pb.gz"), cpu = Sample("go1.cpu.pb.gz");
  EXPECT_EQ(db.One("SELECT pprof_load(" + Quote(heap) + ", 'heap')"), "1");
  EXPECT_EQ(db.One("SELECT pprof_load(" + Quote(cpu) + ")"), "2");
  // Loading an unchanged file again returns the same id and reads nothing.
  EXPECT_EQ(db.One("SELECT pprof_load(" + Quote(heap) + ")"), "1");
  EXPECT_EQ(db.Query("SELECT profile_id, name FROM pprof_profiles"),
            (pprof_test::Rows{{"1", "heap"}, {"2", cpu}}));
  // A name belongs to one profile.
  EXPECT_THAT(db.Try("SELECT pprof_load(" + Quote(cpu) + ", 'heap')"), HasSubstr("already used by profile 1"));
  EXPECT_EQ(db.One("SELECT pprof_unload('heap')"), "1");
  EXPECT_EQ(db.One("SELECT pprof_unload(1)"), "0");
  EXPECT_EQ(db.One("SELECT group_concat(profile_id) FROM pprof_profiles"), "2");
  // Ids are never reused.
  EXPECT_EQ(db.One("SELECT pprof_load(" + Quote(heap) + ")"), "3");
}

TEST(Tables, ChangedFileIsReadAgain) {
  char dir[] = "/tmp/pprof-reload-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/p.pb.gz";
  pprof_test::WriteAll(path, pprof_test::ReadAll(Sample("go1.cpu.pb.gz")));
  Db db;
  EXPECT_EQ(db.One("SELECT pprof_load(" + Quote(path) + ")"), "1");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_sample_types"), "2");
  pprof_test::WriteAll(path, pprof_test::ReadAll(Sample("go1.heap.pb.gz")));
  EXPECT_EQ(db.One("SELECT pprof_load(" + Quote(path) + ")"), "1");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_sample_types"), "4");
  unlink(path.c_str());
  rmdir(dir);
}

TEST(Tables, DirectoryAndGlob) {
  Db db;
  // Two profiles in samples/: a directory load reads every regular file in it.
  std::string dir = pprof_test::SourceDir() + "/samples";
  EXPECT_EQ(db.One("SELECT pprof_load(" + Quote(dir + "/*.pb.gz") + ")"), "2");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_profiles"), "2");
  EXPECT_THAT(db.Try("SELECT pprof_load(" + Quote(dir + "/*.nothing") + ")"), HasSubstr("no file matches"));
  EXPECT_THAT(db.Try("SELECT pprof_load(" + Quote(dir + "/*.pb.gz") + ", 'x')"), HasSubstr("single file"));
}

TEST(Tables, LoadIsDirectOnly) {
  Db db;
  // A view in the schema (say, in a database someone sent) cannot call pprof_load.
  EXPECT_EQ(db.Try("CREATE VIEW v AS SELECT pprof_load(" + Quote(Sample("go1.cpu.pb.gz")) + ")"), "");
  EXPECT_THAT(db.Try("SELECT * FROM v"), HasSubstr("unsafe use of pprof_load"));
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_profiles"), "0");
}

TEST(Tables, VersionAndConfig) {
  Db db;
  EXPECT_EQ(db.One("SELECT pprof_version()"), PPROF_VERSION);
  EXPECT_EQ(db.One("SELECT pprof_config('max_profile_bytes')"), std::to_string(1 << 30));
  EXPECT_EQ(db.One("SELECT pprof_config('max_profile_bytes', 4096)"), "4096");
  EXPECT_THAT(db.Try("SELECT pprof_config('nope')"), HasSubstr("unknown setting"));
  EXPECT_THAT(db.Try("SELECT pprof_config('max_profile_bytes', -1)"), HasSubstr("positive"));
}

}  // namespace

namespace {

TEST(Tables, LoadingNeverWritesTheDatabaseFile) {
  char dir[] = "/tmp/pprof-db-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/user.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE builds(id INTEGER)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  const std::string before = pprof_test::ReadAll(path);
  {
    // pprof_test::Db opens :memory:, so attach-free: open the file directly.
    sqlite3_auto_extension(reinterpret_cast<void (*)()>(sqlite3_pprof_init));
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    // The bundled views are TEMP: nothing but the user's table is in main.
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT group_concat(name) FROM main.sqlite_schema", -1, &st, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "builds");
    sqlite3_finalize(st);
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM temp.sqlite_schema WHERE name LIKE 'pprof%'", -1, &st,
                                 nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_GE(sqlite3_column_int(st, 0), 10);
    sqlite3_finalize(st);
    const std::string load = "SELECT pprof_load('" + Sample("go1.cpu.pb.gz") + "'), count(*) FROM pprof_top";
    EXPECT_EQ(sqlite3_exec(db, load.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  EXPECT_EQ(pprof_test::ReadAll(path), before) << "the database file changed";
  unlink(path.c_str());
  rmdir(dir);
}

}  // namespace
