// Installs the bundled report views (sql/*.sql, embedded at build time in
// path order) as TEMP views, so loading never writes to the user's database.
#include "base/sqlite_util.h"
#include "functions/functions.h"

namespace pprofsql {

struct SqlFile {
  const char* name;
  const char* text;
};
extern const SqlFile kSqlFiles[];
extern const int kSqlFileCount;

int InstallViews(sqlite3* db, char** err) {
  for (int i = 0; i < kSqlFileCount; i++) {
    char* msg = nullptr;
    int rc = sqlite3_exec(db, kSqlFiles[i].text, nullptr, nullptr, &msg);
    if (rc != SQLITE_OK) {
      *err = sqlite3_mprintf("pprof: sql/%s: %s", kSqlFiles[i].name, msg ? msg : sqlite3_errstr(rc));
      sqlite3_free(msg);
      return rc;
    }
  }
  return SQLITE_OK;
}

}  // namespace pprofsql
