// The report options of pprof's command line (-sample_index, -cum, -lines,
// -nodecount, ...), parsed from one string of pprof flags. The shell and the
// report tables (pprof_graph, via its `options` column) share this parser,
// so `pprof-sql -top -cum f.pb.gz` and
// `SELECT * FROM pprof_top WHERE options = '-cum'` mean the same thing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/profile.h"

namespace pprofsql {

// The report kinds whose defaults differ (driver.go: applyCommandOverrides).
enum class ReportKind { kTop, kPeek, kList, kTraces, kTags, kRaw, kTree };

struct ReportOptions {
  std::string sample_index;  // -sample_index: number or name; "" = pprof's default
  bool mean = false;         // -mean
  std::string granularity = "functions";  // -functions -filefunctions -files -lines -addresses
  bool noinlines = false;    // -noinlines
  int nodecount = -1;        // -nodecount (-1: per report default)
  double nodefraction = 0.005;
  double edgefraction = 0.001;
  bool cum_sort = false;     // -cum (else -flat)
  bool trim = true;          // -trim
  bool drop_negative = false;
  bool compact_labels = false;
  std::string unit = "minimum";  // -unit
  double divide_by = 1.0;        // -divide_by
  bool relative_percentages = false;

  // Applies pprof's per-report overrides (applyCommandOverrides): -top keeps
  // every node, -list works on lines with no trimming, -peek does not trim...
  void ApplyOverrides(ReportKind kind);
};

// Splits a flag string into words: whitespace separates, '...' and "..."
// group (inside "", \" and \\ are escapes). For options strings written in SQL.
Result<std::vector<std::string>> SplitFlags(std::string_view flags);

// Parses one flag ("-cum", "-nodecount=10", "--sample_index=1") into `o`.
// Returns false (and leaves `o` alone) if the flag is not a report option.
// A report option with a bad value is an error.
Result<bool> ParseReportFlag(std::string_view flag, ReportOptions& o);

// Parses a whole options string; any word that is not a report option is an error.
Result<ReportOptions> ParseReportOptions(std::string_view flags);

// pprof's SampleIndexByName: "" -> default_sample_type or the last type; a
// number -> that index; a name (optionally with "inuse_" removed) -> its index.
Result<int> ResolveSampleIndex(const Profile& p, std::string_view sample_index);

}  // namespace pprofsql
