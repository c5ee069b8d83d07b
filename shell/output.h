// pprof-sql: the output modes of query results, formatted as Debian's sqlite3
// shell (3.40) formats them.
#ifndef PPROF_SHELL_OUTPUT_H_
#define PPROF_SHELL_OUTPUT_H_

#include <sqlite3.h>

#include <cstdio>
#include <string>

namespace pprof_shell {

enum class Mode { kList, kTabs, kCsv, kJson, kLine, kColumn, kTable, kBox, kMarkdown };

struct OutputOptions {
  Mode mode = Mode::kList;
  bool header = false;
  bool header_set = false;  // set explicitly (-header, .headers): .mode column keeps it
  std::string col_sep = "|";
  std::string row_sep = "\n";
  std::string null_value;   // how NULL prints (sqlite3's .nullvalue); "" by default
  int wrap = 0;             // columnar modes: wrap values at this many characters (0: never)
};

// "list", "csv", ... to a Mode; false if there is no such mode.
bool ParseMode(const std::string& name, Mode* mode);
const char* ModeName(Mode mode);
// The mode names, for help and errors: "list|tabs|csv|...".
const char* ModeNames();

// Switches to a mode as sqlite3's .mode does (dot_command) or its -csv,
// -table, ... flags do: list, tabs and csv reset the separators (csv ends
// rows with CRLF, as RFC 4180 and sqlite3's .mode csv do, or with LF as
// sqlite3 -csv does); .mode column/table/box/markdown wrap values at 60
// characters, the flags do not; .mode column turns headers on unless they
// were set explicitly.
void SetMode(OutputOptions& o, Mode mode, bool dot_command);

// Steps st to the end, printing its rows to out; returns the last
// sqlite3_step() result (SQLITE_DONE when every row was read). Columnar modes
// (column, table, box, markdown) print once all rows are read (on an error,
// the rows read until then).
int PrintRows(sqlite3_stmt* st, const OutputOptions& o, FILE* out);

}  // namespace pprof_shell

#endif  // PPROF_SHELL_OUTPUT_H_
