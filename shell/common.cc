#include "common.h"

#include <cstdio>
#include <cstdlib>

extern "C" int sqlite3_pprof_init(sqlite3* db, char** err, const sqlite3_api_routines* api);

namespace pprof_shell {

Db OpenDatabase() {
  sqlite3_auto_extension(reinterpret_cast<void (*)()>(sqlite3_pprof_init));
  sqlite3* raw = nullptr;
  int rc = sqlite3_open(":memory:", &raw);
  Db db(raw);
  if (rc != SQLITE_OK) {
    std::fprintf(stderr, "pprof-sql: cannot open a database: %s\n", raw ? sqlite3_errmsg(raw) : "out of memory");
    return nullptr;
  }
  return db;
}

Stmt Prepare(sqlite3* db, const std::string& sql, const std::vector<std::string>& args) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) return nullptr;
  Stmt st(raw);
  for (size_t i = 0; i < args.size(); i++) {
    sqlite3_bind_text(raw, static_cast<int>(i + 1), args[i].c_str(), -1, SQLITE_TRANSIENT);
  }
  return st;
}

bool QueryOne(sqlite3* db, const std::string& sql, const std::vector<std::string>& args, std::string* out) {
  Stmt st = Prepare(db, sql, args);
  if (!st || sqlite3_step(st.get()) != SQLITE_ROW) return false;
  const unsigned char* t = sqlite3_column_text(st.get(), 0);
  *out = t ? reinterpret_cast<const char*>(t) : "";
  return true;
}

bool LoadSource(sqlite3* db, const std::string& path, std::string* ids, const std::string& name,
                std::string* error) {
  std::string before, result;
  bool ok = QueryOne(db, "SELECT coalesce(max(profile_id), 0) FROM pprof_profiles", {}, &before) &&
            (name.empty() ? QueryOne(db, "SELECT pprof_load(?)", {path}, &result)
                          : QueryOne(db, "SELECT pprof_load(?, ?)", {path, name}, &result));
  if (!ok) {
    if (error) {
      *error = sqlite3_errmsg(db);
    } else {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), sqlite3_errmsg(db));
    }
    return false;
  }
  // A directory or glob loads several profiles: take every id it touched.
  Stmt st = Prepare(db, "SELECT group_concat(profile_id) FROM pprof_profiles WHERE profile_id > ? OR profile_id = ?",
                    {before, result});
  if (!st || sqlite3_step(st.get()) != SQLITE_ROW) return false;
  const unsigned char* t = sqlite3_column_text(st.get(), 0);
  *ids = t ? reinterpret_cast<const char*>(t) : result;
  // Why local symbolization left mappings unsymbolized, as pprof says it.
  Stmt log = Prepare(db,
                     "SELECT pprof_symbolize_log(profile_id, 'warnings') FROM pprof_profiles "
                     "WHERE profile_id > ? OR profile_id = ?",
                     {before, result});
  while (log && sqlite3_step(log.get()) == SQLITE_ROW) {
    const unsigned char* w = sqlite3_column_text(log.get(), 0);
    if (w && *w) std::fprintf(stderr, "%s\n", reinterpret_cast<const char*>(w));
  }
  return true;
}

int ProfileCount(sqlite3* db) {
  std::string n;
  if (!QueryOne(db, "SELECT count(*) FROM pprof_profiles", {}, &n)) return 0;
  return std::atoi(n.c_str());
}

}  // namespace pprof_shell
