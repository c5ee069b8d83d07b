#include "import.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "common.h"

namespace pprof_shell {

const char kImportUsage[] =
    "usage: pprof-sql import [-source_path=DIRS] [-trim_path=PREFIXES] DB PROFILE...|DIR\n"
    "\n"
    "Writes the profiles (files, directories or glob patterns) into DB, a plain\n"
    "SQLite database that any SQLite client reads without the extension\n"
    "(SELECT pprof_import(DB, ids)). -source_path and -trim_path are pprof's:\n"
    "where source files are found, and prefixes removed from recorded file names.\n"
    "Source text is stored only for regular files found under the -source_path\n"
    "directories (none without it); the table pprof_source_files lists every\n"
    "file the listings name, and why a file was not stored.\n";

namespace {

// A read-only connection to the import's database, without the extension
// (so that its objects are read as stored); null when it cannot be opened.
Db OpenTarget(const std::string& path) {
  sqlite3_reset_auto_extension();
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  Db db(raw);
  return rc == SQLITE_OK ? std::move(db) : Db();
}

// The largest profile id the database holds before the import (0 if none).
int64_t MaxProfileId(const std::string& path) {
  Db db = OpenTarget(path);
  std::string max;
  if (!db || !QueryOne(db.get(), "SELECT coalesce(max(profile_id), 0) FROM pprof_profiles", {}, &max)) return 0;
  return std::strtoll(max.c_str(), nullptr, 10);
}

// What the import did with the source files the new profiles' listings
// name (pprof_source_files): how many were stored, and why the others were not.
void PrintSourceSummary(const std::string& path, int64_t first_new_id) {
  Db db = OpenTarget(path);
  if (!db) return;
  const std::string id = std::to_string(first_new_id);
  std::string stored, skipped;
  if (!QueryOne(db.get(), "SELECT count(DISTINCT file) FROM pprof_source_files WHERE stored AND profile_id >= ?",
                {id}, &stored) ||
      !QueryOne(db.get(),
                "SELECT count(DISTINCT file) FROM pprof_source_files WHERE NOT stored AND profile_id >= ?", {id},
                &skipped)) {
    return;
  }
  std::printf("source files: %s stored, %s not stored (the table pprof_source_files says why)\n", stored.c_str(),
              skipped.c_str());
  Stmt st = Prepare(db.get(),
                    "SELECT detail, count(DISTINCT file), min(file) FROM pprof_source_files "
                    "WHERE NOT stored AND profile_id >= ? GROUP BY detail ORDER BY 2 DESC",
                    {id});
  while (st && sqlite3_step(st.get()) == SQLITE_ROW) {
    std::printf("  %s: %d (e.g. %s)\n", reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0)),
                sqlite3_column_int(st.get(), 1), reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 2)));
  }
}

}  // namespace

int RunImport(int argc, char** argv) {
  std::string source_path, trim_path;
  bool has_source_path = false, has_trim_path = false;
  std::vector<std::string> positional;
  for (int i = 0; i < argc; i++) {
    std::string arg = argv[i];
    if (arg.size() < 2 || arg[0] != '-') {
      positional.push_back(arg);
      continue;
    }
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    std::string name = body, value;
    bool has_value = false;
    if (size_t eq = body.find('='); eq != std::string::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      has_value = true;
    }
    if (name == "help" || name == "h") {
      std::fputs(kImportUsage, stdout);
      return 0;
    }
    if (name != "source_path" && name != "trim_path") {
      std::fprintf(stderr, "pprof-sql import: unknown flag %s\n%s", arg.c_str(), kImportUsage);
      return 2;
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "pprof-sql import: flag needs an argument: -%s\n", name.c_str());
        return 2;
      }
      value = argv[++i];
    }
    if (name == "source_path") {
      source_path = value;
      has_source_path = true;
    } else {
      trim_path = value;
      has_trim_path = true;
    }
  }
  if (positional.size() < 2) {
    std::fputs(kImportUsage, stderr);
    return 2;
  }
  const std::string& target = positional[0];
  const int64_t first_new_id = MaxProfileId(target) + 1;
  Db db = OpenDatabase();
  if (!db) return 1;
  std::string ignored;
  if ((has_source_path && !QueryOne(db.get(), "SELECT pprof_config('source_path', ?)", {source_path}, &ignored)) ||
      (has_trim_path && !QueryOne(db.get(), "SELECT pprof_config('trim_path', ?)", {trim_path}, &ignored))) {
    std::fprintf(stderr, "pprof-sql: %s\n", sqlite3_errmsg(db.get()));
    return 1;
  }
  std::string ids;
  for (size_t i = 1; i < positional.size(); i++) {
    std::string one;
    if (!LoadSource(db.get(), positional[i], &one)) return 1;
    if (!one.empty()) ids += (ids.empty() ? "" : ",") + one;
  }
  // Progress on a terminal; older extensions have no such setting.
  if (isatty(STDERR_FILENO)) QueryOne(db.get(), "SELECT pprof_config('progress', 1)", {}, &ignored);
  std::string count;
  if (!QueryOne(db.get(), "SELECT pprof_import(?, ?)", {target, ids}, &count)) {
    std::fprintf(stderr, "pprof-sql: %s\n", sqlite3_errmsg(db.get()));
    return 1;
  }
  std::printf("imported %s profiles into %s\n", count.c_str(), target.c_str());
  PrintSourceSummary(target, first_new_id);
  return 0;
}

}  // namespace pprof_shell
