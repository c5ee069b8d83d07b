// The extension's entry point: `.load ./pprof` in the sqlite3 shell calls
// sqlite3_pprof_init, which registers the tables, functions and TEMP views.
// The only file with SQLITE_EXTENSION_INIT1 (the API table pointer).
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/sqlite_api.h"
#include "functions/functions.h"
#include "vtab/table.h"

#ifndef PPROF_STATIC_SQLITE
SQLITE_EXTENSION_INIT1
#endif

namespace {

// Undoes a partial registration. When the entry point fails, SQLite unloads
// pprof.so, so nothing it registered may stay behind (a module or function
// pointing into unloaded code crashes the host at its next use or at close).
void Unregister(sqlite3* db) {
  auto names = [&](const char* sql) {
    std::vector<std::pair<std::string, int>> out;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK) {
      while (sqlite3_step(st) == SQLITE_ROW) {
        out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), sqlite3_column_int(st, 1));
      }
    }
    sqlite3_finalize(st);
    return out;
  };
  for (const auto& v : names("SELECT name, 0 FROM temp.sqlite_schema WHERE type = 'view' AND "
                             "(name LIKE 'pprof!_%' ESCAPE '!' OR name LIKE '!_pprof!_%' ESCAPE '!')")) {
    sqlite3_exec(db, ("DROP VIEW temp.\"" + v.first + "\"").c_str(), nullptr, nullptr, nullptr);
  }
  for (const auto& f : names("SELECT name, narg FROM pragma_function_list WHERE name LIKE 'pprof!_%' ESCAPE '!' "
                             "OR name = 'regexp'")) {
    sqlite3_create_function_v2(db, f.first.c_str(), f.second, SQLITE_UTF8, nullptr, nullptr, nullptr, nullptr,
                               nullptr);
  }
  // Keep every module that is not ours.
  std::vector<std::string> keep;
  for (const auto& m : names("SELECT name, 0 FROM pragma_module_list WHERE name NOT LIKE 'pprof!_%' ESCAPE '!' "
                             "AND name NOT LIKE '!_pprof!_%' ESCAPE '!'")) {
    keep.push_back(m.first);
  }
  std::vector<const char*> keep_c;
  for (const std::string& k : keep) keep_c.push_back(k.c_str());
  keep_c.push_back(nullptr);
  sqlite3_drop_modules(db, keep_c.data());
  // Dropped modules' virtual tables are disconnected lazily, at the next
  // statement: flush that now, while our code is still loaded.
  sqlite3_exec(db, "SELECT 1", nullptr, nullptr, nullptr);
}

// Registers the tables, functions and TEMP views.
int Register(sqlite3* db, char** err) {
  auto registry = std::make_shared<pprofsql::Registry>();
  int rc = pprofsql::RegisterTables(db, registry);
  if (rc == SQLITE_OK) rc = pprofsql::RegisterSourceTable(db, registry);
  if (rc == SQLITE_OK) rc = pprofsql::RegisterLoadFunctions(db, registry);
  if (rc == SQLITE_OK) rc = pprofsql::RegisterFormatFunctions(db);
  if (rc == SQLITE_OK) rc = pprofsql::RegisterRawFunctions(db);
  if (rc == SQLITE_OK) rc = pprofsql::RegisterPrepareFunction(db, registry);
  if (rc == SQLITE_OK) rc = pprofsql::RegisterImportFunction(db, registry);
  if (rc == SQLITE_OK) rc = pprofsql::RegisterRegexpFunctions(db);
  if (rc == SQLITE_OK) rc = pprofsql::RegisterViewFunctions(db);
  if (rc != SQLITE_OK) {
    *err = sqlite3_mprintf("pprof: cannot register: %s", sqlite3_errmsg(db));
    return rc;
  }
  rc = pprofsql::ShadowImportedTables(db, registry, err);
  if (rc != SQLITE_OK) return rc;
  return pprofsql::InstallViews(db, err);
}

}  // namespace

extern "C" {

#ifndef PPROF_STATIC_SQLITE
__attribute__((visibility("default")))
#endif
int sqlite3_pprof_init(sqlite3* db, char** err, const sqlite3_api_routines* api) {
#ifndef PPROF_STATIC_SQLITE
  // Every connection that loads us hands over the same table (one SQLite
  // library per process), but connections on other threads may load us at
  // the same time: set the global once, so no thread writes it while
  // another reads it (ThreadSanitizer found that race).
  static std::once_flag api_once;
  std::call_once(api_once, [api] { SQLITE_EXTENSION_INIT2(api); });
  if (sqlite3_api != api) {
    *err = sqlite3_mprintf("pprof: loaded by two different SQLite libraries in one process");
    return SQLITE_ERROR;
  }
#else
  (void)api;
#endif
  int rc;
  try {
    rc = Register(db, err);
  } catch (const std::bad_alloc&) {
    rc = SQLITE_NOMEM;
  } catch (const std::exception& e) {
    *err = sqlite3_mprintf("pprof: %s", e.what());
    rc = SQLITE_ERROR;
  }
  if (rc != SQLITE_OK) Unregister(db);
  return rc;
}

}  // extern "C"
