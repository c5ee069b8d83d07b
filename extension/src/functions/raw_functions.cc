// Go's time formatting, as `go tool pprof -raw` prints a profile's header
// (Profile.String: `Time: %v` of time.Unix(0, time_nanos), `Duration: %.4v`
// of time.Duration(duration_nanos)):
//   pprof_go_time(nanos)      -> '2017-02-17 17:15:31.621578004 +0000 UTC':
//                                Go's Time.String() in the local time zone
//                                (layout 2006-01-02 15:04:05.999999999 -0700 MST).
//   pprof_go_duration(nanos)  -> '1.644453071s', '4h35m0s', '1.5µs', '0s':
//                                Go's Duration.String(). `%.4v` is its first
//                                4 characters: substr(pprof_go_duration(d), 1, 4).
// NULL in, NULL out.
#include <time.h>

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "base/sqlite_util.h"
#include "functions/functions.h"

namespace pprofsql {
namespace {

// Appends the digits of v (base 10).
void AppendUint(std::string* out, uint64_t v) { out->append(std::to_string(v)); }

// Appends `.ddd` for frac (0 <= frac < 10^digits) printed with `digits`
// digits, trailing zeros removed; nothing when frac is 0 (Go's fmtFrac and
// the .999999999 layout element).
void AppendFraction(std::string* out, uint64_t frac, int digits) {
  if (frac == 0) return;
  std::string d(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; i--) {
    d[static_cast<size_t>(i)] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  d.erase(d.find_last_not_of('0') + 1);
  out->append(".").append(d);
}

std::string GoDuration(int64_t d) {
  if (d == 0) return "0s";
  std::string out;
  if (d < 0) out = "-";
  uint64_t u = d < 0 ? 0 - static_cast<uint64_t>(d) : static_cast<uint64_t>(d);
  if (u < 1000000000ULL) {
    // Below a second: the largest of ns, µs, ms that keeps an integer part.
    if (u < 1000ULL) {
      AppendUint(&out, u);
      out += "ns";
    } else if (u < 1000000ULL) {
      AppendUint(&out, u / 1000);
      AppendFraction(&out, u % 1000, 3);
      out += "\xC2\xB5s";  // U+00B5 MICRO SIGN, as Go prints it
    } else {
      AppendUint(&out, u / 1000000);
      AppendFraction(&out, u % 1000000, 6);
      out += "ms";
    }
    return out;
  }
  uint64_t frac = u % 1000000000ULL, secs = u / 1000000000ULL;
  uint64_t hours = secs / 3600, mins = secs / 60 % 60, s = secs % 60;
  if (hours > 0) {
    AppendUint(&out, hours);
    out += "h";
  }
  if (secs >= 60) {
    AppendUint(&out, mins);
    out += "m";
  }
  AppendUint(&out, s);
  AppendFraction(&out, frac, 9);
  out += "s";
  return out;
}

std::string GoTime(int64_t nanos) {
  // Floor division: the fraction printed is always the positive part.
  int64_t secs = nanos / 1000000000LL, frac = nanos % 1000000000LL;
  if (frac < 0) {
    frac += 1000000000LL;
    secs -= 1;
  }
  time_t t = static_cast<time_t>(secs);
  struct tm tm {};
  if (!localtime_r(&t, &tm)) throw std::runtime_error("time out of range");
  char date[64];
  snprintf(date, sizeof(date), "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
           tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = date;
  AppendFraction(&out, static_cast<uint64_t>(frac), 9);
  long off = tm.tm_gmtoff;
  char zone[32];
  snprintf(zone, sizeof(zone), " %c%02ld%02ld ", off < 0 ? '-' : '+', (off < 0 ? -off : off) / 3600,
           (off < 0 ? -off : off) / 60 % 60);
  out += zone;
  out += tm.tm_zone ? tm.tm_zone : "";
  return out;
}

void GoTimeFn(sqlite3_context* ctx, int, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_go_time", [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    ResultText(ctx, GoTime(sqlite3_value_int64(argv[0])));
  });
}

void GoDurationFn(sqlite3_context* ctx, int, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_go_duration", [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    ResultText(ctx, GoDuration(sqlite3_value_int64(argv[0])));
  });
}

}  // namespace

int RegisterRawFunctions(sqlite3* db) {
  // pprof_go_time depends on the local time zone: not deterministic.
  int rc = sqlite3_create_function_v2(db, "pprof_go_time", 1, SQLITE_UTF8 | SQLITE_INNOCUOUS, nullptr, GoTimeFn,
                                      nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return rc;
  return sqlite3_create_function_v2(db, "pprof_go_duration", 1, SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC,
                                    nullptr, GoDurationFn, nullptr, nullptr, nullptr);
}

}  // namespace pprofsql
