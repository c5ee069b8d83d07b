// pprof-sql's report mode: what `go tool pprof -top|-list|...` prints,
// computed by the bundled views.
#ifndef PPROF_SHELL_REPORT_H_
#define PPROF_SHELL_REPORT_H_

#include <sqlite3.h>

#include <string>
#include <vector>

namespace pprof_shell {

struct ReportArgs {
  std::string report;   // top, list, peek, traces, tags, raw; "" for SQL
  std::string symbol;   // the regexp of -list= / -peek=
  std::vector<std::string> report_options;   // passed to the views' options column
  std::vector<std::string> prepare_options;  // filters, -base, ... for pprof_prepare
  std::vector<std::string> sources;
};

// Loads the sources, prepares the profile and prints the report; returns the
// exit status (2 on errors, as pprof).
int RunReport(sqlite3* db, const ReportArgs& a);

}  // namespace pprof_shell

#endif  // PPROF_SHELL_REPORT_H_
