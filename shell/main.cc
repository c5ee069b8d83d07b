// pprof-sql: the sqlite-pprof shell, a thin client of the extension.
//
//   pprof-sql -top|-list=RE|-peek=RE|-traces|-tags|-raw [pprof flags] PROFILE...
//       prints what `go tool pprof` prints, computed by the bundled views
//       (report.cc);
//   pprof-sql [PROFILE...]
//       a SQL prompt with the profiles loaded, or the SQL of standard input
//       when it is not a terminal (repl.cc, output.cc);
//   pprof-sql [PROFILE...] -c 'SQL'
//       runs SQL with the profiles loaded;
//   pprof-sql import DB PROFILE...
//       writes the profiles into a plain SQLite database (import.cc).
//
// Everything here is argument handling and printing: loading, preparing
// (merge, -base, filters), every report and the import are SQL against the
// extension.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "common.h"
#include "import.h"
#include "output.h"
#include "repl.h"
#include "report.h"

namespace {

using pprof_shell::Mode;

const char kUsage[] =
    "usage: pprof-sql [report] [options] PROFILE...\n"
    "       pprof-sql [options] [PROFILE...]             (a SQL prompt; SQL from stdin if not a terminal)\n"
    "       pprof-sql [options] [PROFILE...] -c SQL\n"
    "       pprof-sql import [-source_path=DIRS] [-trim_path=PREFIXES] DB PROFILE...|DIR\n"
    "\n"
    "Reads pprof profiles (profile.proto, gzipped or not; files, directories or\n"
    "glob patterns) and prints the report `go tool pprof` prints for the same\n"
    "flags, or runs SQL over them with the sqlite-pprof tables and views.\n"
    "\n"
    "Reports (one of):\n"
    "  -top, -text        flat and cumulative value per function (or line, file...)\n"
    "  -list=REGEXP       annotated source of the functions matching REGEXP\n"
    "  -peek=REGEXP       callers and callees of the functions matching REGEXP\n"
    "  -traces            every sample's stack\n"
    "  -tags              the label values and their share\n"
    "  -raw               the profile's contents\n"
    "\n"
    "Report options (as in go tool pprof):\n"
    "  -sample_index=N|NAME  sample type to report (default: the profile's\n"
    "                     default_sample_type, else the last); also -inuse_space,\n"
    "                     -inuse_objects, -alloc_space, -alloc_objects\n"
    "  -mean              divide values by the first sample type (e.g. mean delay)\n"
    "  -functions, -filefunctions, -files, -lines, -addresses\n"
    "                     granularity of the nodes (default -functions)\n"
    "  -noinlines         attribute inlined frames to their callers\n"
    "  -cum, -flat        sort by cumulative or flat value (default -flat)\n"
    "  -nodecount=N       show at most N nodes\n"
    "  -nodefraction=F    hide nodes below F of the total (default 0.005)\n"
    "  -edgefraction=F    hide edges below F of the total (default 0.001)\n"
    "  -unit=UNIT         print values in UNIT (default: chosen per report)\n"
    "  -divide_by=F       divide every value by F\n"
    "  -compact_labels    leave out the profile's header lines\n"
    "  -drop_negative     leave out nodes with negative values\n"
    "\n"
    "Sources and filters:\n"
    "  -source_path=DIRS  where -list looks for source files (':'-separated)\n"
    "  -trim_path=PREFIXES  path prefixes to remove from recorded file names\n"
    "  -focus=RE, -ignore=RE   keep samples through / not through matching frames\n"
    "  -hide=RE, -show=RE      remove / keep only matching frames\n"
    "  -show_from=RE, -prune_from=RE\n"
    "  -tagfocus=RE, -tagignore=RE, -tagshow=RE, -taghide=RE   filters on labels\n"
    "  -base=PROFILE      subtract PROFILE's values\n"
    "  -diff_base=PROFILE compare against PROFILE (percentages of the base)\n"
    "  -normalize         scale the base to the profile's total first\n"
    "  -all_frames        ignore the profile's drop_frames\n"
    "  -symbolize=MODE    local (default): give address-only mappings (gperftools,\n"
    "                     perf) functions, files, lines and inline frames from the\n"
    "                     binaries' DWARF, found by build ID or name in\n"
    "                     $PPROF_BINARY_PATH (default ~/pprof/binaries) or at the\n"
    "                     mapping's path; why a mapping stays unsymbolized goes to\n"
    "                     stderr. local:force also redoes symbolized mappings;\n"
    "                     :demangle=none keeps mangled names. none: as they are.\n"
    "                     remote (symbolz) is not supported\n"
    "\n"
    "SQL (without a report flag):\n"
    "  -c SQL             run SQL and dot-commands (several statements allowed),\n"
    "                     stopping at the first error\n"
    "  (none)             a prompt with line editing and history ($PPROF_SQL_HISTORY,\n"
    "                     default ~/.pprof_sql_history); on a pipe, the SQL of stdin\n"
    "  -mode MODE         list (default), tabs, csv, json, line, column, table, box,\n"
    "                     markdown: sqlite3's output formats\n"
    "  -header, -noheader print column names first, or not (list, tabs, csv, column)\n"
    "  -separator S       column separator (list mode; default |)\n"
    "  -nullvalue TEXT    how NULL prints (default: empty)\n"
    "  -bail              stop standard input's SQL at the first error\n"
    "  Dot-commands (.help lists them): .tables, .schema, .mode, .headers, .output,\n"
    "  .read, .load PROFILE, .timer, .quit, ...\n"
    "\n"
    "Import:\n"
    "  import DB PROFILE...|DIR  write the profiles into DB, a plain SQLite database\n"
    "                     (pprof_import), with -source_path/-trim_path applied\n"
    "\n"
    "  -version, -help\n";

struct Args {
  pprof_shell::ReportArgs report;
  std::string source_path, trim_path;
  bool has_source_path = false, has_trim_path = false;
  std::string symbolize = "local";  // as go tool pprof, which symbolizes unless -symbolize=none
  std::string sql;
  bool has_sql = false;
  Mode mode = Mode::kList;
  bool has_mode = false;
  int header = -1;  // -1 unset, 0 -noheader, 1 -header
  std::string sep;
  bool has_sep = false;
  std::string null_value;
  bool bail = false;
};

// Flags that take a value; pprof's flag package also accepts "-flag value".
bool TakesValue(const std::string& name) {
  static const char* const kValued[] = {
      "list", "peek", "sample_index", "nodecount", "nodefraction", "edgefraction", "unit", "divide_by",
      "source_path", "trim_path", "focus", "ignore", "hide", "show", "show_from", "prune_from", "tagfocus",
      "tagignore", "tagshow", "taghide", "base", "diff_base", "symbolize", "c", "separator", "mode", "nullvalue"};
  for (const char* v : kValued) {
    if (name == v) return true;
  }
  return false;
}

// Returns 0 to go on, or an exit status (-1: exit 0).
int ParseArgs(int argc, char** argv, Args& a) {
  static const char* const kReportOptions[] = {
      "sample_index", "mean", "functions", "filefunctions", "files", "lines", "addresses", "noinlines", "cum", "flat",
      "nodecount", "nodefraction", "edgefraction", "unit", "divide_by", "compact_labels", "drop_negative", "trim",
      "relative_percentages", "inuse_space", "inuse_objects", "alloc_space", "alloc_objects", "total_delay",
      "contentions", "mean_delay"};
  static const char* const kPrepareOptions[] = {"focus", "ignore", "hide", "show", "show_from", "prune_from",
                                                "tagfocus", "tagignore", "tagshow", "taghide", "normalize",
                                                "all_frames"};
  pprof_shell::ReportArgs& r = a.report;
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    if (arg.size() < 2 || arg[0] != '-') {
      r.sources.push_back(arg);
      continue;
    }
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    std::string name = body, value;
    bool has_value = false;
    if (size_t eq = body.find('='); eq != std::string::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      has_value = true;
    } else if (TakesValue(name)) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "pprof-sql: flag needs an argument: -%s\n", name.c_str());
        return 2;
      }
      value = argv[++i];
      has_value = true;
    }
    const std::string flag = "-" + name + (has_value ? "=" + value : "");
    if (name == "help" || name == "h") {
      std::fputs(kUsage, stdout);
      return -1;
    }
    if (name == "version") {
      std::printf("pprof-sql %s\n", PPROF_VERSION);
      return -1;
    }
    if (name == "top" || name == "text" || name == "traces" || name == "tags" || name == "raw" || name == "list" ||
        name == "peek") {
      if (!r.report.empty()) {
        std::fprintf(stderr, "pprof-sql: only one report at a time (-%s and -%s)\n", r.report.c_str(), name.c_str());
        return 2;
      }
      r.report = name == "text" ? "top" : name;
      if (name == "list" || name == "peek") {
        if (value.empty()) {
          std::fprintf(stderr, "pprof-sql: -%s needs a regexp, e.g. -%s=main.main\n", name.c_str(), name.c_str());
          return 2;
        }
        r.symbol = value;
      }
    } else if (name == "c") {
      a.sql = value;
      a.has_sql = true;
    } else if (name == "mode") {
      if (!pprof_shell::ParseMode(value, &a.mode)) {
        std::fprintf(stderr, "pprof-sql: -mode should be one of %s\n", pprof_shell::ModeNames());
        return 2;
      }
      a.has_mode = true;
    } else if (name == "header" || name == "noheader") {
      a.header = name == "header";
    } else if (name == "separator") {
      a.sep = value;
      a.has_sep = true;
    } else if (name == "nullvalue") {
      a.null_value = value;
    } else if (name == "bail") {
      a.bail = true;
    } else if (name == "source_path") {
      a.source_path = value;
      a.has_source_path = true;
    } else if (name == "trim_path") {
      a.trim_path = value;
      a.has_trim_path = true;
    } else if (name == "symbolize") {
      a.symbolize = value;
    } else if (name == "base" || name == "diff_base") {
      r.prepare_options.push_back(flag);
    } else {
      bool known = false;
      for (const char* o : kReportOptions) {
        if (name == o) {
          r.report_options.push_back(flag);
          known = true;
        }
      }
      for (const char* o : kPrepareOptions) {
        if (name == o) {
          r.prepare_options.push_back(flag);
          known = true;
        }
      }
      if (!known) {
        std::fprintf(stderr, "pprof-sql: unknown flag %s (see pprof-sql -help)\n", arg.c_str());
        return 2;
      }
    }
  }
  return 0;
}

pprof_shell::OutputOptions OutputOptionsOf(const Args& a) {
  pprof_shell::OutputOptions o;
  if (a.header >= 0) {
    o.header = a.header == 1;
    o.header_set = true;
  }
  // As sqlite3's -csv, -box, ...: CSV rows end with LF, boxes do not wrap
  // (.mode csv ends rows with CRLF, .mode box wraps at 60 characters).
  if (a.has_mode) pprof_shell::SetMode(o, a.mode, /*dot_command=*/false);
  if (a.has_sep) o.col_sep = a.sep;
  o.null_value = a.null_value;
  return o;
}

}  // namespace

static int Main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "import") == 0) return pprof_shell::RunImport(argc - 2, argv + 2);
  Args a;
  int rc = ParseArgs(argc, argv, a);
  if (rc != 0) return rc < 0 ? 0 : rc;
  pprof_shell::Db db = pprof_shell::OpenDatabase();
  if (!db) return 1;
  std::string ignored;
  if (!pprof_shell::QueryOne(db.get(), "SELECT pprof_config('symbolize', ?)", {a.symbolize}, &ignored)) {
    std::fprintf(stderr, "pprof-sql: -symbolize=%s: %s\n", a.symbolize.c_str(), sqlite3_errmsg(db.get()));
    return 2;
  }
  if (a.has_source_path) {
    pprof_shell::QueryOne(db.get(), "SELECT pprof_config('source_path', ?)", {a.source_path}, &ignored);
  }
  if (a.has_trim_path) pprof_shell::QueryOne(db.get(), "SELECT pprof_config('trim_path', ?)", {a.trim_path}, &ignored);
  if (!a.report.report.empty()) return pprof_shell::RunReport(db.get(), a.report);

  std::vector<std::string> unused = a.report.report_options;
  unused.insert(unused.end(), a.report.prepare_options.begin(), a.report.prepare_options.end());
  if (!unused.empty()) {
    std::fprintf(stderr, "pprof-sql: %s: report options, without a report (-top, -list=RE, ...): ignored\n",
                 unused[0].c_str());
  }
  for (const std::string& p : a.report.sources) {
    std::string ids;
    if (!pprof_shell::LoadSource(db.get(), p, &ids)) return 1;
  }
  pprof_shell::Shell shell(db.get(), OutputOptionsOf(a));
  int errors;
  if (a.has_sql) {
    errors = shell.RunText(a.sql);
  } else if (isatty(STDIN_FILENO)) {
    shell.RunInteractive();
    errors = 0;
  } else {
    errors = shell.RunScript(stdin, "", a.bail);
  }
  std::fflush(stdout);
  return errors ? 1 : shell.exit_code();
}

// No exception ends the process with abort(): the SQL shell catches its own
// (repl.cc); anything else (out of memory in a report or an import) ends it
// here with a message and status 1.
int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::bad_alloc&) {
    std::fflush(stdout);
    std::fprintf(stderr, "pprof-sql: out of memory\n");
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "pprof-sql: %s\n", e.what());
  }
  return 1;
}
