// Databases and calls that must not hurt the host: a database someone else
// wrote cannot make this connection read or write files through its views
// or triggers; awkward paths work when called directly; two threads with two
// connections, unloading mid-scan, and closing with profiles loaded are
// clean (run under ASan/LSan and ThreadSanitizer in CI); an import into a
// database another connection is writing fails clearly and changes nothing.
#include <gmock/gmock.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "test_util.h"

using pprof_test::Db;
using pprof_test::Quote;
using pprof_test::Rows;
using pprof_test::TempDir;
using ::testing::HasSubstr;

namespace {

std::string Sample(const std::string& name) { return pprof_test::SourceDir() + "/samples/" + name; }


// Runs SQL on a fresh connection to `path` with no extension.
void Plain(const std::string& path, const std::string& sql) {
  sqlite3_reset_auto_extension();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

TEST(Untrusted, SchemaCannotReadOrWriteFiles) {
  TempDir dir;
  const std::string db_path = dir.path() + "/sent-by-someone.db";
  const std::string secret = Quote(Sample("go1.cpu.pb.gz"));
  // A database whose views and triggers try to use the file-reading parts.
  Plain(db_path,
        "CREATE VIEW steal_load AS SELECT pprof_load(" + secret + ");"
        "CREATE VIEW steal_import AS SELECT pprof_import(" + Quote(dir.path() + "/out.db") + ");"
        "CREATE VIEW steal_source AS SELECT * FROM pprof_source('/etc/passwd');"
        "CREATE VIEW steal_error AS SELECT pprof_source_error('/etc/shadow');"
        "CREATE VIEW probe_list AS SELECT * FROM pprof_graph WHERE report = 'list';"
        "CREATE VIEW set_path AS SELECT pprof_config('source_path', '/');"
        "CREATE TABLE t(x); CREATE TABLE log(y);"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log SELECT pprof_load(" + secret + "); END;");
  Db db(Db::kLoaded, db_path);
  for (const char* view : {"steal_load", "steal_import", "steal_source", "steal_error", "probe_list", "set_path"}) {
    EXPECT_THAT(db.Try(std::string("SELECT * FROM ") + view), HasSubstr("unsafe use of")) << view;
  }
  EXPECT_THAT(db.Try("INSERT INTO t VALUES (1)"), HasSubstr("unsafe use of pprof_load"));
  EXPECT_FALSE(pprof_test::Exists(dir.path() + "/out.db"));
  // Called directly, the same things work.
  EXPECT_EQ(db.Try("SELECT pprof_load(" + secret + ")"), "");
}

TEST(Untrusted, AwkwardPathsWorkWhenCalledDirectly) {
  TempDir dir;
  const std::string bytes = pprof_test::ReadAll(Sample("go1.cpu.pb.gz"));
  const std::string names[] = {"with space.pb.gz", "it's quoted.pb.gz", "dq\"uote.pb.gz", "ünïcødé 名前.pb.gz"};
  Db db;
  int64_t id = 0;
  for (const std::string& n : names) {
    const std::string path = dir.path() + "/" + n;
    pprof_test::WriteAll(path, bytes);
    EXPECT_EQ(db.One("SELECT pprof_load(" + Quote(path) + ")"), std::to_string(++id)) << n;
    EXPECT_EQ(db.One("SELECT path FROM pprof_profiles WHERE profile_id = " + std::to_string(id)), path);
  }
  // A symlink to a loaded file is the same file: no second read.
  const std::string link = dir.path() + "/link.pb.gz";
  ASSERT_EQ(symlink((dir.path() + "/" + names[0]).c_str(), link.c_str()), 0);
  EXPECT_EQ(db.One("SELECT pprof_load(" + Quote(link) + ")"), "1");
  // A directory whose name needs quoting, loaded whole.
  EXPECT_EQ(db.One("SELECT pprof_load(" + Quote(dir.path()) + ")"), "5");
}

TEST(Threads, TwoConnectionsLoadQueryAndUnloadConcurrently) {
  std::atomic<int> failures{0};
  auto worker = [&](const std::string& file, int rounds) {
    Db db;
    for (int i = 0; i < rounds; i++) {
      std::string id = db.One("SELECT pprof_load(" + Quote(Sample(file)) + ")");
      // (Prepared once per connection: the view compiles to a large program,
      // slow to prepare under ThreadSanitizer; the rounds run it concurrently.)
      Rows top;
      if (db.TryBound("SELECT count(*) FROM pprof_top_text WHERE profile_id = ?1 AND options = ''", {id}, &top) != "" ||
          top.empty() || std::stoi(top[0][0]) < 5) {
        failures++;
      }
      if (db.One("SELECT pprof_unload(" + id + ")") != "1") failures++;
    }
  };
  std::thread a(worker, "go1.cpu.pb.gz", 20), b(worker, "go1.heap.pb.gz", 20);
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(Threads, UnloadWhileACursorReads) {
  Db db;
  db.One("SELECT pprof_load(" + Quote(Sample("go1.heap.pb.gz")) + ")");
  const int expected = std::stoi(db.One("SELECT count(*) FROM pprof_frames"));
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db.get(), "SELECT function_name FROM pprof_frames", -1, &st, nullptr), SQLITE_OK);
  int rows = 0;
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  rows++;
  // The cursor holds its snapshot of the profile: unloading does not pull it away.
  EXPECT_EQ(db.One("SELECT pprof_unload(1)"), "1");
  while (sqlite3_step(st) == SQLITE_ROW) {
    ASSERT_NE(sqlite3_column_text(st, 0), nullptr);
    rows++;
  }
  sqlite3_finalize(st);
  EXPECT_EQ(rows, expected);
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_frames"), "0");
}

TEST(Threads, ClosingWithProfilesLoaded) {
  for (int i = 0; i < 5; i++) {
    Db db;
    db.One("SELECT pprof_load(" + Quote(Sample("go1.heap.pb.gz")) + "), pprof_load(" + Quote(Sample("go1.cpu.pb.gz")) +
           ")");
    db.One("SELECT count(*) FROM pprof_top_text WHERE profile_id = 1");
    // Db's destructor closes the connection; LeakSanitizer checks nothing is left.
  }
}

TEST(ImportWriters, AnotherWriterMakesImportFailClearlyAndChangesNothing) {
  TempDir dir;
  const std::string path = dir.path() + "/shared.db";
  {
    Db db;
    db.One("SELECT pprof_load(" + Quote(Sample("go1.cpu.pb.gz")) + ")");
    db.One("SELECT pprof_import(" + Quote(path) + ")");
  }
  sqlite3_reset_auto_extension();
  sqlite3* writer = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &writer), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(writer, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  {
    Db db;
    db.One("SELECT pprof_config('busy_timeout_ms', 200), pprof_load(" + Quote(Sample("go1.heap.pb.gz")) + ")");
    EXPECT_THAT(db.Try("SELECT pprof_import(" + Quote(path) + ")"),
                HasSubstr("another connection is writing to it"));
  }
  ASSERT_EQ(sqlite3_exec(writer, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(writer, "SELECT count(*) FROM pprof_profiles", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 1);
  sqlite3_finalize(st);
  sqlite3_close(writer);
  // Once the other writer is done, the import goes through.
  Db db;
  db.One("SELECT pprof_load(" + Quote(Sample("go1.heap.pb.gz")) + ")");
  EXPECT_EQ(db.One("SELECT pprof_import(" + Quote(path) + ")"), "1");
}

}  // namespace
