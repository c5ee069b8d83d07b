// Opening a database made by pprof_import with the extension loaded.
//
// Its real tables (pprof_samples, ...) shadow the eponymous virtual tables
// of the same names, so without care a query would see the imported
// profiles but not those pprof_load adds. When the main database holds
// pprof_profiles, the extension therefore also registers its tables as
// _pprof_mem_<name>, and creates, for each table the database has, a TEMP
// view <name> over both: the imported rows UNION ALL the loaded ones. TEMP
// comes first in name lookup, so `pprof_samples` (and the bundled report
// views, which are TEMP too) mean both. Newly loaded profiles get ids above
// the imported ones, so ids never collide. The database file is not written.
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

}  // namespace

int ShadowImportedTables(sqlite3* db, const std::shared_ptr<Registry>& registry, char** err) {
  if (!HasMainObject(db, "pprof_profiles")) return SQLITE_OK;
  {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT coalesce(max(profile_id), 0) FROM main.pprof_profiles", -1, &raw, nullptr) ==
        SQLITE_OK) {
      StmtPtr st(raw);
      if (sqlite3_step(raw) == SQLITE_ROW) registry->SkipIdsUpTo(sqlite3_column_int64(raw, 0));
    }
  }
  int rc = RegisterTables(db, registry, kMem);
  if (rc != SQLITE_OK) return rc;
  for (const TableSpec& t : AllTables()) {
    if (!HasMainObject(db, t.name)) continue;
    std::string cols;
    for (const ColumnSpec& c : t.columns) cols += std::string(cols.empty() ? "" : ", ") + "\"" + c.name + "\"";
    if (t.computed) {
      for (const char* p : t.computed->params) cols += std::string(", ") + p;
    }
    std::string sql = fmt::format(
        "CREATE TEMP VIEW {0} AS SELECT {1} FROM main.{0} UNION ALL SELECT {1} FROM {2}{0}",
        t.name, cols, kMem);
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
