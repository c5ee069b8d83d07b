// pprof-sql: the sqlite-pprof shell. A thin client of the extension: it opens
// an in-memory database with the extension registered, loads the profiles
// named on the command line, and runs SQL.
//
//   pprof-sql [options] PROFILE... -c 'SQL'
//
// (The pprof-compatible reports, the interactive prompt and import come with
// their own issues.)
#include <sqlite3.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

extern "C" int sqlite3_pprof_init(sqlite3* db, char** err, const sqlite3_api_routines* api);

namespace {

const char kUsage[] =
    "usage: pprof-sql [options] PROFILE... -c SQL\n"
    "\n"
    "Loads each PROFILE (a pprof profile.proto file, gzipped or not; a directory;\n"
    "or a glob pattern) into an in-memory SQLite database with the sqlite-pprof\n"
    "extension, then runs SQL and prints its rows.\n"
    "\n"
    "options:\n"
    "  -c SQL       the SQL to run (several statements allowed)\n"
    "  -header      print column names first\n"
    "  -separator S separator between columns (default |)\n"
    "  -version     print the version and exit\n"
    "  -help        this text\n";

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

int RunSql(sqlite3* db, const std::string& sql, bool header, const std::string& sep) {
  const char* tail = sql.c_str();
  while (tail && *tail) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, tail, -1, &raw, &tail) != SQLITE_OK) {
      std::fprintf(stderr, "pprof-sql: %s\n", sqlite3_errmsg(db));
      return 1;
    }
    std::unique_ptr<sqlite3_stmt, StmtFinalizer> stmt(raw);
    if (!stmt) continue;  // whitespace or a comment
    int n = sqlite3_column_count(stmt.get());
    bool printed_header = false;
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      if (header && !printed_header) {
        for (int i = 0; i < n; i++) std::printf("%s%s", i ? sep.c_str() : "", sqlite3_column_name(stmt.get(), i));
        std::printf("\n");
        printed_header = true;
      }
      for (int i = 0; i < n; i++) {
        const unsigned char* v = sqlite3_column_text(stmt.get(), i);
        std::printf("%s%s", i ? sep.c_str() : "", v ? reinterpret_cast<const char*>(v) : "");
      }
      std::printf("\n");
    }
    if (rc != SQLITE_DONE) {
      std::fprintf(stderr, "pprof-sql: %s\n", sqlite3_errmsg(db));
      return 1;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> profiles;
  std::string sql, sep = "|";
  bool header = false;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a.size() > 1 && a[0] == '-' && a[1] == '-') a = a.substr(1);  // --flag == -flag
    if (a == "-c" && i + 1 < argc) {
      sql = argv[++i];
    } else if (a == "-header") {
      header = true;
    } else if (a == "-separator" && i + 1 < argc) {
      sep = argv[++i];
    } else if (a == "-help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "-version") {
      std::printf("pprof-sql %s\n", PPROF_VERSION);
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "pprof-sql: unknown option %s\n\n%s", argv[i], kUsage);
      return 2;
    } else {
      profiles.push_back(a);
    }
  }
  if (sql.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  sqlite3_auto_extension(reinterpret_cast<void (*)()>(sqlite3_pprof_init));
  sqlite3* raw = nullptr;
  if (sqlite3_open(":memory:", &raw) != SQLITE_OK) {
    std::fprintf(stderr, "pprof-sql: cannot open a database: %s\n", raw ? sqlite3_errmsg(raw) : "out of memory");
    sqlite3_close(raw);
    return 1;
  }
  std::unique_ptr<sqlite3, DbCloser> db(raw);
  for (const std::string& p : profiles) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db.get(), "SELECT pprof_load(?)", -1, &st, nullptr);
    std::unique_ptr<sqlite3_stmt, StmtFinalizer> stmt(st);
    sqlite3_bind_text(st, 1, p.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_ROW) {
      std::fprintf(stderr, "pprof-sql: %s\n", sqlite3_errmsg(db.get()));
      return 1;
    }
  }
  return RunSql(db.get(), sql, header, sep);
}
