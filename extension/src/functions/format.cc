// pprof's number formatting as SQL functions (report/measure.h):
//   pprof_format(value, unit [, to_unit])  -> '2.50MB', '1.20s', '0', '150'
//       to_unit defaults to 'auto' (each value scaled on its own, as -list,
//       -traces and -tags print); pass a report's unit ('MB', 's') to print
//       every row in one unit, as -top does.
//   pprof_percentage(value, total)          -> '39.78%', ' 0.9%', '  100%'
//   pprof_output_unit(unit, min_value, total) -> the unit -top/-peek print in
#include "base/sqlite_util.h"
#include "functions/functions.h"
#include "report/measure.h"

namespace pprofsql {
namespace {

std::string_view TextArg(sqlite3_value* v) {
  const unsigned char* t = sqlite3_value_text(v);
  return t ? std::string_view(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_value_bytes(v)))
           : std::string_view();
}

bool AnyNull(int argc, sqlite3_value** argv) {
  for (int i = 0; i < argc; i++) {
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return true;
  }
  return false;
}

void Format(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_format", [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    std::string_view to = argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL ? TextArg(argv[2]) : "auto";
    ResultText(ctx, ScaledLabel(sqlite3_value_int64(argv[0]), TextArg(argv[1]), to));
  });
}

void Percent(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_percentage", [&] {
    if (AnyNull(argc, argv)) return sqlite3_result_null(ctx);
    ResultText(ctx, Percentage(sqlite3_value_int64(argv[0]), sqlite3_value_int64(argv[1])));
  });
}

void OutputUnit(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_output_unit", [&] {
    if (AnyNull(argc, argv)) return sqlite3_result_null(ctx);
    ResultText(ctx, SelectOutputUnit(TextArg(argv[0]), sqlite3_value_int64(argv[1]), sqlite3_value_int64(argv[2])));
  });
}

}  // namespace

int RegisterFormatFunctions(sqlite3* db) {
  struct Fn {
    const char* name;
    int nargs;
    void (*fn)(sqlite3_context*, int, sqlite3_value**);
  };
  const Fn fns[] = {
      {"pprof_format", 2, Format},          {"pprof_format", 3, Format},
      {"pprof_percentage", 2, Percent},     {"pprof_output_unit", 3, OutputUnit},
  };
  for (const Fn& f : fns) {
    int rc = sqlite3_create_function_v2(db, f.name, f.nargs, SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC,
                                        nullptr, f.fn, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

}  // namespace pprofsql
