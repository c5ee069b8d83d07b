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

std::string PersistentViewsSql() {
  // The same files, as views stored in a database: CREATE VIEW IF NOT EXISTS
  // in the main schema instead of DROP + CREATE TEMP VIEW.
  std::string out;
  for (int i = 0; i < kSqlFileCount; i++) {
    std::string text = kSqlFiles[i].text;
    std::string result;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t eol = text.find('\n', pos);
      std::string line = text.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos + 1);
      pos = eol == std::string::npos ? text.size() : eol + 1;
      if (line.rfind("DROP VIEW IF EXISTS temp.", 0) == 0) continue;
      if (line.rfind("CREATE TEMP VIEW ", 0) == 0) line = "CREATE VIEW IF NOT EXISTS " + line.substr(17);
      result += line;
    }
    out += result + "\n";
  }
  return out;
}

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
