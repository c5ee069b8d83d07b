// pprof-sql: the sqlite-pprof shell, a thin client of the extension.
//
//   pprof-sql -top|-list=RE|-peek=RE|-traces|-tags|-raw [pprof flags] PROFILE...
//       prints what `go tool pprof` prints, computed by the bundled views;
//   pprof-sql PROFILE... -c 'SQL'
//       runs SQL with the profiles loaded.
//
// Everything here is argument handling and printing: loading, preparing
// (merge, -base, filters) and every report are SQL against the extension.
#include <sqlite3.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

extern "C" int sqlite3_pprof_init(sqlite3* db, char** err, const sqlite3_api_routines* api);

namespace {

const char kUsage[] =
    "usage: pprof-sql [report] [options] PROFILE...\n"
    "       pprof-sql [options] PROFILE... -c SQL\n"
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
    "  -symbolize=MODE    accepted for compatibility; profiles are read as they are\n"
    "\n"
    "SQL:\n"
    "  -c SQL             run SQL (several statements allowed) and print the rows\n"
    "  -header            print column names first (with -c)\n"
    "  -separator S       column separator (with -c; default |)\n"
    "\n"
    "  -version, -help\n";

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// Prepares one statement and binds text parameters, in order.
Stmt Prepare(sqlite3* db, const std::string& sql, const std::vector<std::string>& args) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) return nullptr;
  for (size_t i = 0; i < args.size(); i++) {
    sqlite3_bind_text(raw, static_cast<int>(i + 1), args[i].c_str(), -1, SQLITE_TRANSIENT);
  }
  return Stmt(raw);
}

// Runs a statement expected to return one value; "" and an error message on failure.
bool QueryOne(sqlite3* db, const std::string& sql, const std::vector<std::string>& args, std::string* out) {
  Stmt st = Prepare(db, sql, args);
  if (!st || sqlite3_step(st.get()) != SQLITE_ROW) return false;
  const unsigned char* t = sqlite3_column_text(st.get(), 0);
  *out = t ? reinterpret_cast<const char*>(t) : "";
  return true;
}

int RunSql(sqlite3* db, const std::string& sql, bool header, const std::string& sep) {
  const char* tail = sql.c_str();
  while (tail && *tail) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, tail, -1, &raw, &tail) != SQLITE_OK) {
      std::fprintf(stderr, "pprof-sql: %s\n", sqlite3_errmsg(db));
      return 1;
    }
    Stmt stmt(raw);
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

// Quotes a word for the extension's options strings (report/options.h).
std::string QuoteWord(const std::string& w) {
  std::string out = "\"";
  for (char c : w) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

struct Args {
  std::string report;   // top, list, peek, traces, tags, raw; "" with -c
  std::string symbol;   // the regexp of -list= / -peek=
  std::vector<std::string> report_options;   // passed to the views' options column
  std::vector<std::string> prepare_options;  // filters, -base, ... for pprof_prepare
  std::vector<std::string> sources;
  std::string source_path, trim_path;
  bool has_source_path = false, has_trim_path = false;
  std::string sql, sep = "|";
  bool header = false;
};

// Flags that take a value; pprof's flag package also accepts "-flag value".
bool TakesValue(const std::string& name) {
  static const char* const kValued[] = {
      "list", "peek", "sample_index", "nodecount", "nodefraction", "edgefraction", "unit", "divide_by",
      "source_path", "trim_path", "focus", "ignore", "hide", "show", "show_from", "prune_from", "tagfocus",
      "tagignore", "tagshow", "taghide", "base", "diff_base", "symbolize", "c", "separator"};
  for (const char* v : kValued) {
    if (name == v) return true;
  }
  return false;
}

// Returns 0 to go on, or an exit status.
int ParseArgs(int argc, char** argv, Args& a) {
  static const char* const kReportOptions[] = {
      "sample_index", "mean", "functions", "filefunctions", "files", "lines", "addresses", "noinlines", "cum", "flat",
      "nodecount", "nodefraction", "edgefraction", "unit", "divide_by", "compact_labels", "drop_negative", "trim",
      "relative_percentages", "inuse_space", "inuse_objects", "alloc_space", "alloc_objects", "total_delay",
      "contentions", "mean_delay"};
  static const char* const kPrepareOptions[] = {"focus", "ignore", "hide", "show", "show_from", "prune_from",
                                                "tagfocus", "tagignore", "tagshow", "taghide", "normalize",
                                                "all_frames"};
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    if (arg.size() < 2 || arg[0] != '-') {
      a.sources.push_back(arg);
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
      if (!a.report.empty()) {
        std::fprintf(stderr, "pprof-sql: only one report at a time (-%s and -%s)\n", a.report.c_str(), name.c_str());
        return 2;
      }
      a.report = name == "text" ? "top" : name;
      if (name == "list" || name == "peek") {
        if (value.empty()) {
          std::fprintf(stderr, "pprof-sql: -%s needs a regexp, e.g. -%s=main.main\n", name.c_str(), name.c_str());
          return 2;
        }
        a.symbol = value;
      }
    } else if (name == "c") {
      a.sql = value;
    } else if (name == "header") {
      a.header = true;
    } else if (name == "separator") {
      a.sep = value;
    } else if (name == "source_path") {
      a.source_path = value;
      a.has_source_path = true;
    } else if (name == "trim_path") {
      a.trim_path = value;
      a.has_trim_path = true;
    } else if (name == "symbolize") {
      // Accepted for compatibility: profiles are used as they are.
    } else if (name == "base" || name == "diff_base") {
      a.prepare_options.push_back(flag);
    } else {
      bool known = false;
      for (const char* o : kReportOptions) {
        if (name == o) {
          a.report_options.push_back(flag);
          known = true;
        }
      }
      for (const char* o : kPrepareOptions) {
        if (name == o) {
          a.prepare_options.push_back(flag);
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

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + QuoteWord(w);
  return out;
}

// Loads one source (file, directory or glob); returns its id(s) as a comma list.
bool LoadSource(sqlite3* db, const std::string& path, std::string* ids) {
  std::string before;
  if (!QueryOne(db, "SELECT coalesce(max(profile_id), 0) FROM pprof_profiles", {}, &before)) return false;
  std::string result;
  if (!QueryOne(db, "SELECT pprof_load(?)", {path}, &result)) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), sqlite3_errmsg(db));
    return false;
  }
  // A directory or glob loads several profiles: take every id it touched.
  Stmt st = Prepare(db, "SELECT group_concat(profile_id) FROM pprof_profiles WHERE profile_id > ? OR profile_id = ?",
                    {before, result});
  if (!st || sqlite3_step(st.get()) != SQLITE_ROW) return false;
  const unsigned char* t = sqlite3_column_text(st.get(), 0);
  *ids = t ? reinterpret_cast<const char*>(t) : result;
  return true;
}

int RunReport(sqlite3* db, const Args& a) {
  if (a.sources.empty()) {
    std::fprintf(stderr, "pprof-sql: no profile given\n");
    return 2;
  }
  std::string ids;
  for (const std::string& s : a.sources) {
    std::string one;
    if (!LoadSource(db, s, &one)) {
      std::fprintf(stderr, "pprof: failed to fetch any source profiles\n");
      return 2;
    }
    ids += (ids.empty() ? "" : ",") + one;
  }
  // -base=FILE / -diff_base=FILE: load the base and refer to it by id.
  std::vector<std::string> prepare = a.prepare_options;
  for (std::string& o : prepare) {
    for (const char* b : {"-base=", "-diff_base="}) {
      if (o.rfind(b, 0) == 0) {
        std::string base_ids;
        if (!LoadSource(db, o.substr(std::strlen(b)), &base_ids)) return 2;
        o = b + base_ids;
      }
    }
  }
  std::string id;
  if (!QueryOne(db, "SELECT pprof_prepare(?, ?)", {ids, Join(prepare)}, &id)) {
    std::fprintf(stderr, "pprof-sql: %s\n", sqlite3_errmsg(db));
    return 2;
  }
  static const struct {
    const char* report;
    const char* sql;
  } kViews[] = {
      {"top", "SELECT text FROM pprof_top_text WHERE profile_id = ?1 AND options = ?2 ORDER BY line_no"},
      {"peek", "SELECT text FROM pprof_peek_text WHERE profile_id = ?1 AND options = ?2 AND symbol = ?3 "
               "ORDER BY line_no"},
      {"list", "SELECT text FROM pprof_list_text WHERE profile_id = ?1 AND options = ?2 AND symbol = ?3 "
               "ORDER BY line_no"},
      {"traces", "SELECT text FROM pprof_traces_text WHERE profile_id = ?1 AND options = ?2 ORDER BY line_no"},
      {"tags", "SELECT text FROM pprof_tags_text WHERE profile_id = ?1 AND options = ?2 ORDER BY line_no"},
      {"raw", "SELECT text FROM pprof_raw_text WHERE profile_id = ?1 ORDER BY line_no"},
  };
  for (const auto& v : kViews) {
    if (a.report != v.report) continue;
    Stmt st = Prepare(db, v.sql, {id, Join(a.report_options), a.symbol});
    if (!st) {
      std::fprintf(stderr, "pprof-sql: %s\n", sqlite3_errmsg(db));
      return 2;
    }
    // Lines are collected first: an error mid-report prints nothing, as pprof does.
    std::string out;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(st.get(), 0);
      out += t ? reinterpret_cast<const char*>(t) : "";
      out += '\n';
    }
    if (rc != SQLITE_DONE) {
      std::fprintf(stderr, "pprof-sql: %s\n", sqlite3_errmsg(db));
      return 2;
    }
    if (out.empty() && !a.symbol.empty()) {
      std::fprintf(stderr, "no matches found for regexp: %s\n", a.symbol.c_str());
      return 2;
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
  }
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  int rc = ParseArgs(argc, argv, a);
  if (rc != 0) return rc < 0 ? 0 : rc;
  if (a.report.empty() && a.sql.empty()) {
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
  std::string ignored;
  if (a.has_source_path) QueryOne(db.get(), "SELECT pprof_config('source_path', ?)", {a.source_path}, &ignored);
  if (a.has_trim_path) QueryOne(db.get(), "SELECT pprof_config('trim_path', ?)", {a.trim_path}, &ignored);
  if (!a.report.empty()) return RunReport(db.get(), a);
  for (const std::string& p : a.sources) {
    std::string ids;
    if (!LoadSource(db.get(), p, &ids)) return 1;
  }
  return RunSql(db.get(), a.sql, a.header, a.sep);
}
