#include "import.h"

#include <unistd.h>

#include <cstdio>
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
    "where source files are found, and prefixes removed from recorded file names.\n";

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
  return 0;
}

}  // namespace pprof_shell
