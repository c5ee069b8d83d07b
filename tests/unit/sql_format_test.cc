// pprof's number formatting written in SQL (sql/00_format.sql), run in a plain
// SQLite connection with no extension, against report/measure.cc: measure.cc
// is verified against Go's pprof (measure_test.cc, the corpus goldens), so it
// is the independent oracle here. The SQL is tests/unit/sql_format_test.sql,
// expanded at build time by extension/embed_sql.py exactly as the bundled
// views are. The cases are the edges of each rule (unit aliases and case
// folding, powers of 1024 and 1000, x.xx5 near-ties, 2^53 and 2^63,
// INT64_MIN/MAX, percentages at 99.95/100.05 and below 1e-5, total 0) plus
// a few hundred thousand pseudo-random ones (fixed seed).
#include <sqlite3.h>

#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "report/measure.h"
#include "sql_format_test_sql.h"
#include "test_util.h"

namespace pprofsql {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// Unit names: every alias, plural, upper-case and non-ASCII case-folding
// variant pprof's sniffUnit treats specially, and names it does not know.
const std::vector<std::string>& UnitNames() {
  static const std::vector<std::string> names = {
      "b", "B", "byte", "bytes", "Bytes", "bs", "kb", "kB", "KB", "kbs", "kbyte", "kbytes", "kilobyte",
      "kilobytes", "KiloBytes", "mb", "MB", "mbyte", "megabyte", "megabytes", "gb", "GB", "gbyte",
      "gigabyte", "gigabytes", "tb", "TB", "tbyte", "terabyte", "pb", "PB", "pbyte", "petabyte",
      "petabytes", "ns", "nss", "nanosecond", "nanoseconds", "NANOSECONDS", "us", "uss", "μs", "μss",
      "Μss", "microsecond", "microseconds", "ms", "mss", "MS", "millisecond", "milliseconds", "s", "S",
      "ss", "sec", "secs", "second", "seconds", "hour", "hours", "hr", "hrs", "HRS", "nanogcu",
      "NanoGCU", "nanogcus", "microgcu", "milligcu", "gcu", "GCU", "gcus", "kilogcu", "megagcu",
      "gigagcu", "teragcu", "petagcu", "petaGCUs",
      "\xc4\xb0",            // U+0130 alone: lower-cases to "i"
      "m\xc4\xb0llisecond",  // "mİllisecond": Go lower-cases to "millisecond"
      "\xe2\x84\xaa" "b",    // KELVIN SIGN + "b": Go lower-cases to "kb"
      "\xe2\x84\xaa" "ilobytes", "\xce\x9c" "s",  // capital mu + "s": "μs", 3 bytes, sniffed as "μ"
      "count", "sample", "unit", "cycles", "", " ", "objects", "minimum", "auto", "b=", "B    =b",
      "=b", "b|", "|b|", "s ", "\xff", "\xffs", "bytess", "secondss", "Kb",
  };
  return names;
}

// Target units: the keywords pprof treats specially, every canonical name,
// aliases, and unknown names (kept verbatim for unknown sample units).
const std::vector<std::string>& ToUnits() {
  static const std::vector<std::string> names = {
      "auto", "minimum", "count", "sample", "unit", "Auto", "MINIMUM", "B", "kB", "MB", "GB", "TB", "PB",
      "ns", "us", "ms", "s", "hrs", "n*GCU", "u*GCU", "m*GCU", "GCU", "k*GCU", "M*GCU", "G*GCU", "T*GCU",
      "P*GCU", "bytes", "kilobytes", "nanoseconds", "seconds", "hours", "megagcus", "nanogcu", "cycles",
      "", "μs", "x", "objects",
  };
  return names;
}

// Values around every unit boundary and rounding edge.
std::vector<int64_t> EdgeValues() {
  std::vector<int64_t> v = {0, 1, 2, 3, 5, 9, 10, 99, 100, 101, 125, 995, 999, 1000, 1001, 1005, 1015,
                            1023, 1024, 1025, 2675, 4095, 5125, 9995, 9999, 10005, 999499, 999500,
                            999999, 1000000, 1005000, 1015000, 2675000, 3599999999999, 3600000000000,
                            9007199254740991, 9007199254740992, 9007199254740993, kMax, kMax - 1, kMin,
                            kMin + 1, (int64_t{1} << 62) + 1};
  for (int64_t p = 1; p <= kMax / 1000; p *= 1000) {
    for (int64_t d : {int64_t{-1}, int64_t{0}, int64_t{1}}) v.push_back(p + d);
    v.push_back(p * 5 + p / 1000);  // n.005-style near-ties after scaling
    v.push_back(p * 2675 / 1000);
  }
  for (int shift = 0; shift <= 62; shift += 1) {
    const int64_t p = int64_t{1} << shift;
    for (int64_t d : {int64_t{-1}, int64_t{0}, int64_t{1}}) v.push_back(p + d);
    if (shift >= 10) {
      // k + 5/1000 of a power of 1024, and exact binary ties (x.125, x.375).
      v.push_back(p + p / 200);
      v.push_back(3 * (p >> 3) + p);
      if (shift <= 61) v.push_back(5 * (p >> 3) + 2 * p);  // 2 * 2^62 would overflow
    }
  }
  const size_t n = v.size();
  for (size_t i = 0; i < n; i++) {
    if (v[i] != kMin) v.push_back(-v[i]);
  }
  return v;
}

std::string Str(const unsigned char* t) { return t ? reinterpret_cast<const char*>(t) : "NULL"; }

// Runs `sql`, one row per case; `check` compares a row and returns "" or a
// description of the difference. Fails the test with the first differences.
template <typename Check>
void CompareRows(pprof_test::Db& db, const std::string& sql, size_t expected_rows, Check check) {
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db.get());
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(st, sqlite3_finalize);
  size_t rows = 0;
  int failures = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    rows++;
    std::string diff = check(st);
    if (!diff.empty() && ++failures <= 20) ADD_FAILURE() << diff;
  }
  ASSERT_EQ(rc, SQLITE_DONE) << sqlite3_errmsg(db.get());
  EXPECT_EQ(rows, expected_rows);
  EXPECT_EQ(failures, 0) << "rows differing from measure.cc";
}

class SqlFormat : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(db_.Try("SELECT pprof_version()"), "no such function: pprof_version")
        << "the connection must not have the extension";
    ASSERT_EQ(db_.Try(kExpandedSql), "");
  }

  // Inserts rows with `bind` into `sql` (an INSERT with parameters) in one transaction.
  template <typename Bind>
  void Insert(const std::string& sql, size_t n, Bind bind) {
    ASSERT_EQ(db_.Try("BEGIN"), "");
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &st, nullptr), SQLITE_OK);
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(st, sqlite3_finalize);
    for (size_t i = 0; i < n; i++) {
      sqlite3_bind_int64(st, 1, static_cast<int64_t>(i));
      bind(st, i);
      ASSERT_EQ(sqlite3_step(st), SQLITE_DONE) << sqlite3_errmsg(db_.get());
      sqlite3_reset(st);
    }
    ASSERT_EQ(db_.Try("COMMIT"), "");
  }

  pprof_test::Db db_{pprof_test::Db::kNone};
  std::mt19937_64 rng_{20240611};
};

struct ScaleCase {
  int64_t value;
  std::string from, to;
};

TEST_F(SqlFormat, ScaledLabelScaleAndUnitsMatchMeasure) {
  std::vector<ScaleCase> cases;
  const std::vector<int64_t> edges = EdgeValues();
  const auto& froms = UnitNames();
  const auto& tos = ToUnits();
  // Every edge value in 12 random pairs of the common units, and every pair
  // of names with a few values.
  const std::vector<std::string> main_froms = {"bytes", "nanoseconds", "count", "cycles", "milliseconds",
                                               "seconds", "hours", "kilobytes", "petabytes", "nanogcu",
                                               "petagcu", "gcu", "microseconds"};
  for (int64_t v : edges) {
    for (int i = 0; i < 12; i++) cases.push_back({v, main_froms[rng_() % main_froms.size()], tos[rng_() % tos.size()]});
  }
  for (const auto& f : froms) {
    for (const auto& t : tos) {
      for (int64_t v : {int64_t{0}, int64_t{1536}, int64_t{-2500000}, int64_t{1} << 40}) cases.push_back({v, f, t});
      cases.push_back({rng_() % 2 ? kMin : kMax, f, t});
    }
  }
  // Random values, uniform in magnitude's logarithm, random units.
  for (int i = 0; i < 12000; i++) {
    const int bits = static_cast<int>(rng_() % 64);
    int64_t v = static_cast<int64_t>(rng_() >> (63 - bits));
    if (rng_() % 4 == 0 && v != kMin) v = -v;
    cases.push_back({v, froms[rng_() % froms.size()], tos[rng_() % tos.size()]});
  }
  Insert("INSERT INTO scale_cases VALUES (?1, ?2, ?3, ?4)", cases.size(), [&](sqlite3_stmt* st, size_t i) {
    sqlite3_bind_int64(st, 2, cases[i].value);
    sqlite3_bind_text(st, 3, cases[i].from.data(), static_cast<int>(cases[i].from.size()), SQLITE_STATIC);
    sqlite3_bind_text(st, 4, cases[i].to.data(), static_cast<int>(cases[i].to.size()), SQLITE_STATIC);
  });
  CompareRows(db_, "SELECT id, label, x, unit, canonical, is_time, auto_label FROM scale_out ORDER BY id",
              cases.size(), [&](sqlite3_stmt* st) -> std::string {
                const ScaleCase& c = cases[static_cast<size_t>(sqlite3_column_int64(st, 0))];
                const Scaled want = Scale(c.value, c.from, c.to);
                const std::string label = Str(sqlite3_column_text(st, 1));
                const double x = sqlite3_column_double(st, 2);
                const std::string unit = Str(sqlite3_column_text(st, 3));
                const bool is_time = sqlite3_column_int(st, 5) != 0;
                const std::string auto_label = Str(sqlite3_column_text(st, 6));
                const std::string want_label = ScaledLabel(c.value, c.from, c.to);
                // A known unit's canonical name: Scale to the unit itself names it.
                const bool known = sqlite3_column_type(st, 4) != SQLITE_NULL;
                const std::string canonical = Str(sqlite3_column_text(st, 4));
                const bool want_known = Scale(1, c.from, "bar").unit != "bar";
                const Scaled in_canonical = Scale(1, c.from, c.from);
                if (label != want_label || x != want.value || std::signbit(x) != std::signbit(want.value) ||
                    unit != want.unit || is_time != IsTimeUnit(c.from) ||
                    auto_label != Label(c.value, c.from) || known != want_known ||
                    (known && (in_canonical.value != 1.0 || in_canonical.unit != canonical))) {
                  char buf[64];
                  std::snprintf(buf, sizeof buf, "%.17g", want.value);
                  return "Scale(" + std::to_string(c.value) + ", '" + c.from + "', '" + c.to + "'): SQL '" +
                         label + "' unit '" + unit + "' auto '" + auto_label + "' canonical '" + canonical +
                         "', measure.cc '" + want_label + "' value " + buf + " unit '" + want.unit + "' auto '" +
                         Label(c.value, c.from) + "'";
                }
                return "";
              });
}

TEST_F(SqlFormat, PercentageMatchesMeasure) {
  std::vector<std::pair<int64_t, int64_t>> cases;
  const std::vector<int64_t> edges = EdgeValues();
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{7}, kMin, kMax, int64_t{999}}) {
    for (int64_t t : edges) {
      cases.push_back({v, t});
      cases.push_back({t, v});
    }
  }
  // Around 99.95% and 100.05% (both sides), and ratios near x.xx5% and 0.xx5%.
  for (int64_t total = 1; total < kMax / 100000; total *= 10) {
    for (int64_t base : {int64_t{9995}, int64_t{10005}, int64_t{1}, int64_t{5}, int64_t{125}, int64_t{995},
                         int64_t{1005}, int64_t{2675}, int64_t{99995}}) {
      for (int64_t d = -2; d <= 2; d++) cases.push_back({base * total + d, 10000 * total});
    }
  }
  for (int i = 0; i < 40000; i++) {
    const int64_t total = static_cast<int64_t>(rng_() >> (rng_() % 64));
    int64_t v;
    switch (rng_() % 3) {
      case 0:  // a share below 1%: %5.2g
        v = static_cast<int64_t>(static_cast<double>(total) * std::ldexp(1.0, -static_cast<int>(rng_() % 60) - 7));
        break;
      case 1: {  // an ordinary share
        const uint64_t magnitude = total < 0 ? static_cast<uint64_t>(-(total + 1)) : static_cast<uint64_t>(total);
        v = magnitude == 0 ? 0 : static_cast<int64_t>(rng_() % magnitude);
        break;
      }
      default:  // anything, also above 100%
        v = static_cast<int64_t>(rng_() >> (rng_() % 64));
    }
    if (rng_() % 5 == 0 && v != kMin) v = -v;
    cases.push_back({v, rng_() % 7 == 0 && total != kMin ? -total : total});
  }
  Insert("INSERT INTO pct_cases VALUES (?1, ?2, ?3)", cases.size(), [&](sqlite3_stmt* st, size_t i) {
    sqlite3_bind_int64(st, 2, cases[i].first);
    sqlite3_bind_int64(st, 3, cases[i].second);
  });
  CompareRows(db_, "SELECT id, text FROM pct_out ORDER BY id", cases.size(), [&](sqlite3_stmt* st) -> std::string {
    const auto& c = cases[static_cast<size_t>(sqlite3_column_int64(st, 0))];
    const std::string got = Str(sqlite3_column_text(st, 1));
    const std::string want = Percentage(c.first, c.second);
    if (got == want) return "";
    return "Percentage(" + std::to_string(c.first) + ", " + std::to_string(c.second) + "): SQL '" + got +
           "', measure.cc '" + want + "'";
  });
}

// %.2f and %.2g of arbitrary doubles (measure.cc formats with C's snprintf,
// which prints what Go's fmt prints for these verbs), and Go's int64(f).
TEST_F(SqlFormat, FixedAndGeneralDigitsMatchPrintf) {
  std::vector<double> cases = {0.0, 0.005, 0.0050000000000000001, 0.015, 0.025, 0.125, 0.375, 2.675, 1.005,
                               0.00390625, 0.0039062499999999996, 9007199254740991.5, 9007199254740992.0,
                               4503599627370495.5, 9223372036854775808.0, 9223372036854774784.0,
                               1e-17, 1.0842021724855044e-17, 0.1, 0.01, 0.001, 1e-5, 0.99, 0.995, 0.9949999999999999,
                               0.095, 0.0095, 0.00095, 0.000095, 0.125, 0.0125, 0.5, 0.25, 0.03125, 1e30, 1e42,
                               std::ldexp(1.0, 142), std::ldexp(1.0, 143) * (1 - std::ldexp(1.0, -53)),
                               std::ldexp(1.0, 63) * 1e15 / 1e-9, 100.05, 99.95, -0.001, -2.675, -1e20};
  for (int i = 0; i < 50000; i++) {
    double x;
    switch (rng_() % 4) {
      case 0:  // exact binary fractions: many exact ties of %.2f / %.2g
        x = std::ldexp(static_cast<double>(rng_() % 100000), -static_cast<int>(rng_() % 24));
        break;
      case 1:  // near a hundredth's half: n/100 + 0.005
        x = static_cast<double>(rng_() % 10000000) / 100 + 0.005;
        break;
      case 2: {  // any bit pattern from 2^-60 to below 2^143
        const uint64_t bits = (rng_() & ((uint64_t{1} << 52) - 1)) | ((uint64_t{963} + rng_() % 203) << 52);
        std::memcpy(&x, &bits, sizeof x);
        break;
      }
      default:  // shares below 1
        x = std::ldexp(static_cast<double>(rng_() % (uint64_t{1} << 53)), -53 - static_cast<int>(rng_() % 50));
    }
    if (rng_() % 6 == 0) x = -x;
    cases.push_back(x);
  }
  Insert("INSERT INTO real_cases VALUES (?1, ?2)", cases.size(),
         [&](sqlite3_stmt* st, size_t i) { sqlite3_bind_double(st, 2, cases[i]); });
  CompareRows(db_, "SELECT id, fixed2, g2, i64 FROM real_out ORDER BY id", cases.size(),
              [&](sqlite3_stmt* st) -> std::string {
                const double x = cases[static_cast<size_t>(sqlite3_column_int64(st, 0))];
                char fixed[400], g2[64];
                std::snprintf(fixed, sizeof fixed, "%.2f", x);
                std::snprintf(g2, sizeof g2, "%.2g", x);
                const std::string got_fixed = Str(sqlite3_column_text(st, 1));
                const std::string got_g2 = Str(sqlite3_column_text(st, 2));
                const bool g2_domain = x >= 1e-17 && x < 1;
                const int64_t i64 = sqlite3_column_int64(st, 3);
                if (got_fixed == fixed && (g2_domain ? got_g2 == g2 : got_g2 == "NULL") &&
                    i64 == GoFloatToInt64(x)) {
                  return "";
                }
                char xs[64];
                std::snprintf(xs, sizeof xs, "%.17g", x);
                return std::string("x = ") + xs + ": SQL %.2f '" + got_fixed + "' %.2g '" + got_g2 + "' int64 " +
                       std::to_string(i64) + "; printf '" + fixed + "' '" + g2 + "' " +
                       std::to_string(GoFloatToInt64(x));
              });
}

struct UnitCase {
  std::string output_unit;
  bool has_nodes;
  std::string sample_unit;
  int64_t min_value, total;
  double ratio;
  bool callgrind;
  int64_t duration;
};

TEST_F(SqlFormat, SelectOutputUnitDurationRatioAndApplyRatioMatchMeasure) {
  std::vector<UnitCase> cases;
  const std::vector<std::string> units = {"nanoseconds", "bytes", "count", "cycles", "milliseconds", "seconds",
                                          "microseconds", "kilobytes", "gcu", "nanogcu", "hours", "",
                                          "objects", "sample", "μss", "HRS"};
  const std::vector<std::string> outputs = {"minimum", "minimum", "minimum", "ms", "auto", "MB", "cycles"};
  const std::vector<double> ratios = {1, 1, 1, 0.5, 1.0 / 3, 2, 0, -1, 1e-3, 1e20, 1e-20};
  const std::vector<int64_t> edges = EdgeValues();
  for (int i = 0; i < 12000; i++) {
    UnitCase c;
    c.output_unit = outputs[rng_() % outputs.size()];
    c.has_nodes = rng_() % 8 != 0;
    c.sample_unit = units[rng_() % units.size()];
    c.total = rng_() % 3 == 0 ? edges[rng_() % edges.size()] : static_cast<int64_t>(rng_() >> (rng_() % 64));
    c.min_value = rng_() % 4 == 0 ? 0
                  : rng_() % 3 == 0 ? edges[rng_() % edges.size()]
                                    : static_cast<int64_t>(rng_() >> (rng_() % 64));
    c.ratio = ratios[rng_() % ratios.size()];
    c.callgrind = rng_() % 10 == 0;
    c.duration = rng_() % 5 == 0 ? edges[rng_() % edges.size()] : static_cast<int64_t>(rng_() >> (rng_() % 64));
    cases.push_back(c);
  }
  Insert("INSERT INTO unit_cases VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", cases.size(),
         [&](sqlite3_stmt* st, size_t i) {
           const UnitCase& c = cases[i];
           sqlite3_bind_text(st, 2, c.output_unit.data(), static_cast<int>(c.output_unit.size()), SQLITE_STATIC);
           sqlite3_bind_int(st, 3, c.has_nodes);
           sqlite3_bind_text(st, 4, c.sample_unit.data(), static_cast<int>(c.sample_unit.size()), SQLITE_STATIC);
           sqlite3_bind_int64(st, 5, c.min_value);
           sqlite3_bind_int64(st, 6, c.total);
           sqlite3_bind_double(st, 7, c.ratio);
           sqlite3_bind_int(st, 8, c.callgrind);
           sqlite3_bind_int64(st, 9, c.duration);
         });
  CompareRows(db_, "SELECT id, full_unit, unit, duration_ratio, applied FROM unit_out ORDER BY id", cases.size(),
              [&](sqlite3_stmt* st) -> std::string {
                const UnitCase& c = cases[static_cast<size_t>(sqlite3_column_int64(st, 0))];
                const std::string full = Str(sqlite3_column_text(st, 1));
                const std::string unit = Str(sqlite3_column_text(st, 2));
                const std::string duration = Str(sqlite3_column_text(st, 3));
                const int64_t applied = sqlite3_column_int64(st, 4);
                const std::string want_full = SelectOutputUnitFull(c.output_unit, c.has_nodes, c.sample_unit,
                                                                   c.min_value, c.total, c.ratio, c.callgrind);
                const std::string want_unit = SelectOutputUnit(c.sample_unit, c.min_value, c.total);
                const std::string want_duration = DurationRatio(c.total, c.sample_unit, c.duration);
                if (full == want_full && unit == want_unit && duration == want_duration &&
                    applied == ApplyRatio(c.min_value, c.ratio)) {
                  return "";
                }
                return "case (" + c.output_unit + ", " + std::to_string(c.has_nodes) + ", '" + c.sample_unit +
                       "', " + std::to_string(c.min_value) + ", " + std::to_string(c.total) + ", " +
                       std::to_string(c.ratio) + ", " + std::to_string(c.callgrind) + ", " +
                       std::to_string(c.duration) + "): SQL '" + full + "' '" + unit + "' '" + duration + "' " +
                       std::to_string(applied) + "; measure.cc '" + want_full + "' '" + want_unit + "' '" +
                       want_duration + "' " + std::to_string(ApplyRatio(c.min_value, c.ratio));
              });
}

// The examples pprof-semantics.md 4.1 quotes from pprof's output and the
// goldens, as literal text, so a change that broke both measure.cc and the
// SQL the same way would still be caught here.
TEST_F(SqlFormat, KnownPprofOutputs) {
  ASSERT_EQ(db_.Try("INSERT INTO scale_cases VALUES (1, 2621440, 'bytes', 'auto'), (2, 1024000, 'bytes', 'auto'),"
                    " (3, 1500000000, 'nanoseconds', 'auto'), (4, 1000000000, 'nanoseconds', 'auto'),"
                    " (5, 10000000, 'nanoseconds', 'auto'), (6, 0, 'nanoseconds', 'auto'),"
                    " (7, 150, 'count', 'count'), (8, -1500000000, 'nanoseconds', 'auto'),"
                    " (9, 11111, 'cycles', 'cycles'), (10, 10000000, 'nanoseconds', 's'),"
                    " (11, 1100000000, 'nanoseconds', 's');"
                    "INSERT INTO pct_cases VALUES (1, 9821, 10000), (2, 893, 10000), (3, 1, 1), (4, 9, 1000),"
                    " (5, 0, 5), (6, 12, 100000), (7, 1, 10000000), (8, 18990, 10000);"
                    "INSERT INTO unit_cases VALUES"
                    " (1, 'minimum', 1, 'nanoseconds', 10000000, 2340000000, 1, 0, 1644453071),"
                    " (2, 'minimum', 1, 'count', 3, 1000, 1, 0, 0), (3, 'minimum', 1, 'cycles', 11111, 99999, 1, 0, 0);"),
            "");
  EXPECT_EQ(db_.One("SELECT group_concat(label, ' ') FROM (SELECT label FROM scale_out ORDER BY id)"),
            "2.50MB 1000kB 1.50s 1s 10ms 0 150 -1.50s 11111cycles 0.01s 1.10s");
  EXPECT_EQ(db_.One("SELECT group_concat(text, '|') FROM (SELECT text FROM pct_out ORDER BY id)"),
            "98.21%| 8.93%|  100%|  0.9%|    0%|0.012%|1e-05%|189.90%");
  EXPECT_EQ(db_.One("SELECT group_concat(unit, ' ') FROM (SELECT unit FROM unit_out ORDER BY id)"), "s count cycles");
  // "Duration: 1.64s, Total samples = 2.34s (142.30%)" (measure.h's example, from the corpus CPU profile).
  EXPECT_EQ(db_.One("SELECT duration_ratio FROM unit_out WHERE id = 1"), "(142.30%)");
  // The same macros nested two subqueries deep in a view (depth_out) give the same.
  EXPECT_EQ(db_.One("SELECT group_concat(full_unit || ' ' || duration_ratio || ' ' || label, ',')"
                    " FROM (SELECT * FROM depth_out ORDER BY id)"),
            "s (142.30%) 10ms,count  3,cycles  11111");
}

}  // namespace
}  // namespace pprofsql
