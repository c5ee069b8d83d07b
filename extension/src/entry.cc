// The extension's entry point: `.load ./pprof` in the sqlite3 shell calls
// sqlite3_pprof_init, which registers the tables, functions and TEMP views.
// The only file with SQLITE_EXTENSION_INIT1 (the API table pointer).
#include <memory>

#include "base/sqlite_api.h"
#include "functions/functions.h"
#include "vtab/table.h"

#ifndef PPROF_STATIC_SQLITE
SQLITE_EXTENSION_INIT1
#endif

extern "C" {

#ifndef PPROF_STATIC_SQLITE
__attribute__((visibility("default")))
#endif
int sqlite3_pprof_init(sqlite3* db, char** err, const sqlite3_api_routines* api) {
#ifndef PPROF_STATIC_SQLITE
  SQLITE_EXTENSION_INIT2(api);
#else
  (void)api;
#endif
  try {
    auto registry = std::make_shared<pprofsql::Registry>();
    int rc = pprofsql::RegisterTables(db, registry);
    if (rc == SQLITE_OK) rc = pprofsql::RegisterSourceTable(db, registry);
    if (rc == SQLITE_OK) rc = pprofsql::RegisterLoadFunctions(db, registry);
    if (rc == SQLITE_OK) rc = pprofsql::RegisterFormatFunctions(db);
    if (rc == SQLITE_OK) rc = pprofsql::RegisterRawFunctions(db);
    if (rc == SQLITE_OK) rc = pprofsql::RegisterPrepareFunction(db, registry);
    if (rc == SQLITE_OK) rc = pprofsql::RegisterRegexpFunctions(db);
    if (rc == SQLITE_OK) rc = pprofsql::RegisterViewFunctions(db);
    if (rc != SQLITE_OK) {
      *err = sqlite3_mprintf("pprof: cannot register: %s", sqlite3_errmsg(db));
      return rc;
    }
    return pprofsql::InstallViews(db, err);
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (const std::exception& e) {
    *err = sqlite3_mprintf("pprof: %s", e.what());
    return SQLITE_ERROR;
  }
}

}  // extern "C"
