// pprof-sql: what every mode shares: RAII for SQLite handles, one-value
// queries, opening the in-memory database with the extension, loading profiles.
#ifndef PPROF_SHELL_COMMON_H_
#define PPROF_SHELL_COMMON_H_

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

namespace pprof_shell {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// Opens an in-memory database with the extension registered; null (after
// printing why) on failure.
Db OpenDatabase();

// Prepares one statement and binds text parameters, in order; null on error
// (sqlite3_errmsg(db) says why).
Stmt Prepare(sqlite3* db, const std::string& sql, const std::vector<std::string>& args);

// Runs a statement expected to return one value (NULL reads as ""); false on error.
bool QueryOne(sqlite3* db, const std::string& sql, const std::vector<std::string>& args, std::string* out);

// Loads one source (file, directory or glob) with pprof_load (named `name`
// unless empty); *ids gets the ids it loaded, comma-separated. On failure
// sets *error, or prints "SOURCE: error" to stderr when error is null.
bool LoadSource(sqlite3* db, const std::string& path, std::string* ids, const std::string& name = "",
                std::string* error = nullptr);

// The number of loaded profiles.
int ProfileCount(sqlite3* db);

}  // namespace pprof_shell

#endif  // PPROF_SHELL_COMMON_H_
