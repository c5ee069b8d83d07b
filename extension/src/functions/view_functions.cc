// Small helpers the bundled report views (sql/20_peek.sql .. sql/50_folded.sql)
// need and SQL cannot do exactly:
//   pprof_option(options, name)  -> one parsed report option of an options
//       string, as the report tables read it (report/options.h):
//       'sample_index' (text, '' for pprof's default; legacy flags such as
//       -alloc_space or -mean_delay are mapped), 'mean' (0/1), 'unit'
//       ('minimum' unless -unit=), 'granularity' ('functions', 'lines', ...),
//       'noinlines' (0/1), 'divide_by' (real). A bad options string is an error.
//         pprof_option('-mean_delay', 'sample_index') -> 'delay'
//   pprof_format_scaled(value, unit, to_unit, decimals) -> the value scaled as
//       measurement.Scale does, printed as Go's "%.<decimals>f" followed by
//       the unit (what -tags prints: "2.2s", "190.0ms", "0.0B"). Go rounds
//       the exact binary value half to even (2.25 -> "2.2"); SQLite's printf
//       does not, hence this function.
//         pprof_format_scaled(2250000000, 'nanoseconds', 'minimum', 1) -> '2.2s'
#include <cstdio>
#include <memory>
#include <string>

#include "base/sqlite_util.h"
#include "functions/functions.h"
#include "report/measure.h"
#include "report/options.h"

namespace pprofsql {
namespace {

std::string_view TextArg(sqlite3_value* v) {
  const unsigned char* t = sqlite3_value_text(v);
  return t ? std::string_view(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_value_bytes(v)))
           : std::string_view();
}

void DeleteOptions(void* p) { delete static_cast<ReportOptions*>(p); }

void Option(sqlite3_context* ctx, int, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_option", [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
      return sqlite3_result_null(ctx);
    }
    const ReportOptions* o = static_cast<const ReportOptions*>(sqlite3_get_auxdata(ctx, 0));
    std::unique_ptr<ReportOptions> parsed;
    if (!o) {
      auto r = ParseReportOptions(TextArg(argv[0]));
      if (!r.ok()) return ResultError(ctx, "pprof_option", r.status().message());
      parsed = std::make_unique<ReportOptions>(std::move(*r));
      o = parsed.get();
    }
    std::string_view name = TextArg(argv[1]);
    if (name == "sample_index") {
      ResultText(ctx, o->sample_index);
    } else if (name == "mean") {
      sqlite3_result_int(ctx, o->mean ? 1 : 0);
    } else if (name == "unit") {
      ResultText(ctx, o->unit);
    } else if (name == "granularity") {
      ResultText(ctx, o->granularity);
    } else if (name == "noinlines") {
      sqlite3_result_int(ctx, o->noinlines ? 1 : 0);
    } else if (name == "divide_by") {
      sqlite3_result_double(ctx, o->divide_by);
    } else {
      return ResultError(ctx, "pprof_option",
                         "unknown option name '" + std::string(name) +
                             "' (sample_index, mean, unit, granularity, noinlines, divide_by)");
    }
    // Keep the parsed options with the statement when the options string is constant.
    if (parsed) sqlite3_set_auxdata(ctx, 0, parsed.release(), DeleteOptions);
  });
}

void FormatScaled(sqlite3_context* ctx, int, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_format_scaled", [&] {
    for (int i = 0; i < 4; i++) {
      if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    }
    int decimals = sqlite3_value_int(argv[3]);
    if (decimals < 0 || decimals > 30) return ResultError(ctx, "pprof_format_scaled", "decimals must be 0..30");
    Scaled s = Scale(sqlite3_value_int64(argv[0]), TextArg(argv[1]), TextArg(argv[2]));
    char buf[400];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, s.value);
    ResultText(ctx, std::string(buf) + s.unit);
  });
}

}  // namespace

int RegisterViewFunctions(sqlite3* db) {
  int rc = sqlite3_create_function_v2(db, "pprof_option", 2, SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC,
                                      nullptr, Option, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return rc;
  return sqlite3_create_function_v2(db, "pprof_format_scaled", 4,
                                    SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC, nullptr, FormatScaled,
                                    nullptr, nullptr, nullptr);
}

}  // namespace pprofsql
