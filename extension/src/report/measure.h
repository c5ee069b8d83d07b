// Number, unit and percentage formatting exactly as pprof prints them
// (github.com/google/pprof internal/measurement and the unit choice of
// internal/report). Every value a text report shows goes through one of these.
//
// Behaviour follows the pprof vendored by the Go toolchain that produced the
// goldens (pprof a41b82acbcb1, Go 1.19), which agrees with b9395ee (the spec's
// commit). In particular ScaledLabel has no "unit-less count" integer shortcut
// (later pprof versions added one; it only differs for |value| > 2^53).
//
// Pure functions: no SQLite, no exceptions, only the standard library.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pprofsql {

// Result of measurement.Scale: the value expressed in the target unit and the
// canonical name of the unit chosen ("" for uninteresting units like counts).
struct Scaled {
  double value;
  std::string unit;
};

// measurement.Scale. Units are matched case-insensitively after removing one
// trailing 's' from names longer than two bytes ("nanoseconds", "bytes",
// "hrs"). Three families, tried in order:
//   memory B kB MB GB TB PB (powers of 1024, default B),
//   time ns us ms s hrs (default s),
//   GCU n*GCU u*GCU m*GCU GCU k*GCU M*GCU G*GCU T*GCU P*GCU (default GCU).
// to_unit "minimum"/"auto" picks the largest unit whose value is >= 1 (else
// the family default); an unknown to_unit gives the family default. A value
// in an unknown from_unit is returned unchanged, with unit "" when to_unit is
// count/sample/unit/minimum/auto, else to_unit verbatim. Negative values scale
// their negation (INT64_MIN, which has no positive negation, is scaled as is).
Scaled Scale(int64_t value, std::string_view from_unit, std::string_view to_unit);

// measurement.ScaledLabel: Scale, "%.2f", drop a trailing ".00"; "0" (no
// unit) when that leaves "0" or "-0"; otherwise the number followed by the unit.
// Examples: 2340000000 ns -> "2.34s" (to "s"), 1024000 B -> "1000kB" (auto).
std::string ScaledLabel(int64_t value, std::string_view from_unit, std::string_view to_unit);

// measurement.Label(value, unit) = ScaledLabel(value, unit, "auto").
std::string Label(int64_t value, std::string_view unit);

// measurement.Percentage: ratio = |value / total| * 100 (0 when total is 0);
// "  100%" inside [99.95, 100.05]; "%5.2f%%" when >= 1; "%5.2g%%" below 1
// (" 0.9%"-style, "0.012%", "1e-05%", "    0%").
std::string Percentage(int64_t value, int64_t total);

// report.selectOutputUnit for a report whose OutputUnit is "minimum" (the
// default), whose graph has at least one node, with no -divide_by and not in
// callgrind format. min_value: the smallest nonzero |flat| (or |cum| for nodes
// whose flat is 0) over the nodes of the final graph, 0 if there is none;
// total: the report Total. Returns the unit every value is then formatted in
// (pass it as to_unit of ScaledLabel): the canonical unit, or sample_unit
// itself when the unit is not recognised ("count" -> "count", "cycles" ->
// "cycles").
std::string SelectOutputUnit(std::string_view sample_unit, int64_t min_value, int64_t total);

// The full selectOutputUnit. Returns output_unit unchanged when it is not
// "minimum" or when the graph has no nodes (has_nodes false); otherwise the
// selection above, after multiplying min_value and total by ratio
// (= 1 / -divide_by) when ratio > 0 and ratio != 1, and without the "scale
// the minimum by 100" step for callgrind output.
std::string SelectOutputUnitFull(std::string_view output_unit, bool has_nodes,
                                 std::string_view sample_unit, int64_t min_value, int64_t total,
                                 double ratio, bool callgrind);

// True when `unit` names a time unit (ns/us/ms/s/hrs family: "nanoseconds",
// "ms", "second", "hour", ...). Equivalent to Scale(x, unit, "nanoseconds")
// returning unit "ns", the test pprof uses for the Duration: ratio.
bool IsTimeUnit(std::string_view unit);

// The ratio part of the "Duration: %s, Total samples = %s %s" header:
// "(" + Percentage(total scaled to nanoseconds, duration_nanos) + ")" when the
// sample unit is a time unit and the scaled total is nonzero, else "".
// E.g. total 2340000000 "nanoseconds", duration 1644453071 -> "(142.30%)".
std::string DurationRatio(int64_t total, std::string_view sample_unit, int64_t duration_nanos);

// Go's int64(f) conversion on amd64 (truncation toward zero; NaN and values
// outside the int64 range give INT64_MIN), without C++ undefined behaviour.
int64_t GoFloatToInt64(double f);

// The report formatter's value adjustment (report.New / formatValue): when
// ratio > 0 and ratio != 1, int64(float64(value) * ratio); otherwise value.
int64_t ApplyRatio(int64_t value, double ratio);

}  // namespace pprofsql
