#include "report.h"

#include <cstdio>
#include <cstring>

#include "common.h"

namespace pprof_shell {
namespace {

// Quotes a word for the extension's options strings (report/options.h).
std::string QuoteWord(const std::string& w) {
  std::string out = "\"";
  for (char c : w) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + QuoteWord(w);
  return out;
}

}  // namespace

int RunReport(sqlite3* db, const ReportArgs& a) {
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
  // Merging a single profile with itself, which pprof always does, changes
  // only what -raw and -traces print; the other reports skip that pass.
  if (a.report != "raw" && a.report != "traces") prepare.push_back("-merge=false");
  std::string id;
  if (!QueryOne(db, "SELECT pprof_prepare(?, ?)", {ids, Join(prepare)}, &id)) {
    std::fprintf(stderr, "pprof-sql: %s\n", sqlite3_errmsg(db));
    return 2;
  }
  // pprof checks the sample types before any report, -raw included
  // (driver.go, sampleFormat); the views check them for the others.
  std::string types;
  if (a.report == "raw" && QueryOne(db, "SELECT count(*) FROM pprof_sample_types WHERE profile_id = ?", {id}, &types) &&
      types == "0") {
    std::fprintf(stderr, "profile has no samples\n");
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
      // -traces reads the C++ table behind nothing but this: the plain-SQL
      // view pprof_traces_text gives the same bytes (tests/unit/views_test.cc)
      // but about 40 times slower on bench/'s 100,000-sample profile. A
      // plain scan returns the rows in order, so nothing is sorted or held back.
      {"traces", "SELECT text FROM pprof_traces_blocks WHERE profile_id = ?1 AND options = ?2"},
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
    int rc;
    if (a.report == "traces") {
      // -traces prints a line or more per frame of every sample: streamed as
      // the rows come (each row is a header line or a whole sample's block).
      // Errors (bad options) come with the first row, before any output.
      static char buf[1 << 16];
      std::setvbuf(stdout, buf, _IOFBF, sizeof buf);
      while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
        const void* t = sqlite3_column_blob(st.get(), 0);
        size_t n = static_cast<size_t>(sqlite3_column_bytes(st.get(), 0));
        if (n) std::fwrite(t, 1, n, stdout);
        std::fputc('\n', stdout);
      }
      if (rc != SQLITE_DONE) {
        std::fflush(stdout);
        std::fprintf(stderr, "pprof-sql: %s\n", sqlite3_errmsg(db));
        return 2;
      }
      return std::fflush(stdout) == 0 ? 0 : 2;
    }
    // Lines are collected first: an error mid-report prints nothing, as pprof does.
    // Each line is taken by its byte length: profile strings may hold NUL bytes,
    // which pprof prints as they are.
    std::string out;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      const void* t = sqlite3_column_blob(st.get(), 0);
      size_t n = static_cast<size_t>(sqlite3_column_bytes(st.get(), 0));
      if (n) out.append(static_cast<const char*>(t), n);
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

}  // namespace pprof_shell
