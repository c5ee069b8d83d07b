// Opening a database made by pprof_import with the extension loaded.
//
// Its real tables (pprof_samples, ...) shadow the eponymous virtual tables
// of the same names, so without care a query would see the imported
// profiles but not those pprof_load adds. When the main database holds
// pprof_profiles, the extension therefore also registers its tables as
// _pprof_mem_<name>, and creates, for each table the database has, a TEMP
// view <name> over both: the imported rows UNION ALL the loaded ones. TEMP
// comes first in name lookup, so `pprof_samples` (and the bundled report
// views, which are TEMP too) mean both. Newly loaded profiles get ids from
// kFirstLoadedIdAboveImports up, a range imports never use, so ids never
// collide. pprof_source shows the stored text, and files that loaded
// profiles name; a row of the database never makes the connection read a
// file. The same happens when the database has any object with one of our
// names (an edited or hostile database). The database file is not written.
#include <fmt/format.h>

#include "base/sqlite_util.h"
#include "functions/functions.h"
#include "vtab/table.h"

namespace pprofsql {
namespace {

constexpr char kMem[] = "_pprof_mem_";

bool HasMainObject(sqlite3* db, const std::string& name) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM main.sqlite_schema WHERE name = ? AND type IN ('table', 'view')", -1,
                         &raw, nullptr) != SQLITE_OK) {
    return false;
  }
  StmtPtr st(raw);
  sqlite3_bind_text(raw, 1, name.c_str(), -1, SQLITE_TRANSIENT);
  return sqlite3_step(raw) == SQLITE_ROW;
}

// Whether the main database has any object named like one of ours: then
// the unqualified names the bundled views use would resolve to it instead of
// the in-memory tables, so those names get TEMP views.
bool HasAnyOfOurNames(sqlite3* db) {
  for (const TableSpec& t : AllTables()) {
    if (HasMainObject(db, t.name)) return true;
  }
  return HasMainObject(db, "pprof_source");
}

}  // namespace

Status ValidateImportedIds(sqlite3* db, const std::string& schema, int64_t* max_id) {
  *max_id = 0;
  std::string sql = fmt::format(
      "SELECT count(*) FILTER (WHERE typeof(profile_id) <> 'integer' OR profile_id < 1 OR profile_id >= {0}), "
      "max(CASE WHEN typeof(profile_id) = 'integer' AND profile_id BETWEEN 1 AND {0} - 1 THEN profile_id END), "
      "(SELECT quote(profile_id) FROM {1}.pprof_profiles WHERE typeof(profile_id) <> 'integer' OR profile_id < 1 "
      "OR profile_id >= {0} LIMIT 1) FROM {1}.pprof_profiles",
      kFirstLoadedIdAboveImports, schema);
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    return Status::Error(fmt::format("cannot read {}.pprof_profiles: {}", schema, sqlite3_errmsg(db)));
  }
  StmtPtr st(raw);
  if (sqlite3_step(raw) != SQLITE_ROW) {
    return Status::Error(fmt::format("cannot read {}.pprof_profiles: {}", schema, sqlite3_errmsg(db)));
  }
  if (sqlite3_column_int64(raw, 0) > 0) {
    return Status::Error(fmt::format(
        "{}.pprof_profiles holds a profile_id that pprof_import does not write ({}): ids are integers from 1 to {}",
        schema, reinterpret_cast<const char*>(sqlite3_column_text(raw, 2)), kFirstLoadedIdAboveImports - 1));
  }
  *max_id = sqlite3_column_int64(raw, 1);
  return Status();
}


int ShadowImportedTables(sqlite3* db, const std::shared_ptr<Registry>& registry, char** err) {
  if (!HasAnyOfOurNames(db)) return SQLITE_OK;
  if (HasMainObject(db, "pprof_profiles")) {
    int64_t max_id = 0;
    if (Status st = ValidateImportedIds(db, "main", &max_id); !st.ok()) {
      *err = sqlite3_mprintf("pprof: %s", st.message().c_str());
      return SQLITE_ERROR;
    }
  }
  // Loaded profiles take ids imports never use, so that an import by another
  // connection or process, now or later, cannot take a loaded profile's id.
  registry->UseIdsFrom(kFirstLoadedIdAboveImports);
  int rc = RegisterTables(db, registry, kMem);
  if (rc != SQLITE_OK) return rc;
  // Source text: what the database stored for its profiles, and, for the
  // files that loaded profiles name, what the source path finds. Never a file
  // because a row of the database names it.
  const std::string source_name = std::string(kMem) + "pprof_source";
  rc = RegisterSourceTable(db, registry, source_name, /*loaded_files_only=*/true);
  if (rc != SQLITE_OK) return rc;
  {
    // A plain view (not a UNION), so that a join's file constraint reaches the table.
    char* msg = nullptr;
    rc = sqlite3_exec(db, ("CREATE TEMP VIEW pprof_source AS SELECT file, line, text FROM " + source_name).c_str(),
                      nullptr, nullptr, &msg);
    if (rc != SQLITE_OK) {
      *err = sqlite3_mprintf("pprof: cannot combine the imported pprof_source with loaded profiles: %s",
                             msg ? msg : sqlite3_errstr(rc));
      sqlite3_free(msg);
      return rc;
    }
  }
  for (const TableSpec& t : AllTables()) {
    std::string cols;
    for (const ColumnSpec& c : t.columns) cols += std::string(cols.empty() ? "" : ", ") + "\"" + c.name + "\"";
    if (t.computed) {
      for (const char* p : t.computed->params) cols += std::string(", ") + p;
    }
    // Every name gets its view, whether or not the database has a table of
    // that name: the views must not read an object the database adds later.
    std::string sql = HasMainObject(db, t.name) && HasMainObject(db, "pprof_profiles")
                          ? fmt::format("CREATE TEMP VIEW {0} AS SELECT {1} FROM main.{0} UNION ALL SELECT {1} FROM {2}{0}",
                                        t.name, cols, kMem)
                          : fmt::format("CREATE TEMP VIEW {0} AS SELECT {1} FROM {2}{0}", t.name, cols, kMem);
    char* msg = nullptr;
    rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg);
    if (rc != SQLITE_OK) {
      *err = sqlite3_mprintf("pprof: cannot combine the imported %s with loaded profiles: %s", t.name,
                             msg ? msg : sqlite3_errstr(rc));
      sqlite3_free(msg);
      return rc;
    }
  }
  return SQLITE_OK;
}

}  // namespace pprofsql
