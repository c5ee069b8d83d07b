// Tests for report/measure.{h,cc}: pprof's number, unit and percentage text.
//
// Every expected string below is taken from real pprof output: the goldens in
// tests/corpus and ../shared/corpus/dev/pprof-testdata (made by `go tool pprof` of Go 1.19, see MANIFEST.tsv),
// the upstream pprof goldens quoted by pprof-semantics.md section 4, or the
// expectations of pprof's own measurement unit test. The raw input numbers come
// from the matching *.raw.default.txt (sample values), from the profile header
// (duration_nanos), or from the legacy profile text. Where an input had to be
// reconstructed from a printed value this is said next to it.
#include "report/measure.h"

#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace pprofsql {
namespace {

constexpr int64_t kMinInt64 = std::numeric_limits<int64_t>::min();

// Scale(value, from, to) -> (value, unit) pairs. Expectations of pprof's own
// unit test (internal/measurement/measurement_test.go: TestScale), restated.
struct ScaleCase {
  int64_t value;
  const char* from;
  const char* to;
  double want_value;
  const char* want_unit;
};

TEST(MeasureScale, PprofUnitTestExpectations) {
  const ScaleCase cases[] = {
      {1, "s", "ms", 1000, "ms"},
      {1, "kb", "b", 1024, "B"},
      {1, "kbyte", "b", 1024, "B"},
      {1, "kilobyte", "b", 1024, "B"},
      {1, "mb", "kb", 1024, "kB"},
      {1, "gb", "mb", 1024, "MB"},
      {1024, "gb", "tb", 1, "TB"},
      {1024, "tb", "pb", 1, "PB"},
      {2048, "mb", "auto", 2, "GB"},
      {31536000, "s", "auto", 8760, "hrs"},
      {-1, "s", "ms", -1000, "ms"},
      {1, "foo", "count", 1, ""},
      {1, "foo", "bar", 1, "bar"},
      {2000, "count", "count", 2000, ""},
      {2000, "count", "auto", 2000, ""},
      {2000, "count", "minimum", 2000, ""},
      {80000000000, "nanogcu", "petagcus", 8e-14, "P*GCU"},
      {15000000000, "microGCU", "teraGCU", 1.5e-8, "T*GCU"},
      {3000000, "milliGCU", "gigagcu", 3e-6, "G*GCU"},
      {1000, "kilogcu", "megagcu", 1, "M*GCU"},
      {2000, "GCU", "kiloGCU", 2, "k*GCU"},
      {7, "megaGCU", "gcu", 7e6, "GCU"},
      {5, "gigagcus", "milligcu", 5e12, "m*GCU"},
      {7, "teragcus", "microGCU", 7e18, "u*GCU"},
      {1, "petaGCU", "nanogcus", 1e24, "n*GCU"},
      {100, "NanoGCU", "auto", 100, "n*GCU"},
      {5000, "nanogcu", "auto", 5, "u*GCU"},
      {3000, "MicroGCU", "auto", 3, "m*GCU"},
      {4000, "MilliGCU", "auto", 4, "GCU"},
      {4000, "GCU", "auto", 4, "k*GCU"},
      {5000, "KiloGCU", "auto", 5, "M*GCU"},
      {6000, "MegaGCU", "auto", 6, "G*GCU"},
      {7000, "GigaGCU", "auto", 7, "T*GCU"},
      {8000, "TeraGCU", "auto", 8, "P*GCU"},
      {9000, "PetaGCU", "auto", 9000, "P*GCU"},
  };
  for (const ScaleCase& c : cases) {
    Scaled got = Scale(c.value, c.from, c.to);
    EXPECT_DOUBLE_EQ(got.value, c.want_value) << c.value << " " << c.from << " -> " << c.to;
    EXPECT_EQ(got.unit, c.want_unit) << c.value << " " << c.from << " -> " << c.to;
  }
}

// go1.cpu.top.default.txt: sample unit "nanoseconds"; the header Duration and
// the column values. go1.cpu.top.diff_base=cpu.txt: the negative flats.
TEST(MeasureScale, TimeFromGoldens) {
  Scaled s = Scale(2340000000, "nanoseconds", "minimum");  // "2.34s total"
  EXPECT_DOUBLE_EQ(s.value, 2.34);
  EXPECT_EQ(s.unit, "s");
  s = Scale(10000000, "nanoseconds", "minimum");  // the 0.01s rows
  EXPECT_DOUBLE_EQ(s.value, 10);
  EXPECT_EQ(s.unit, "ms");
  s = Scale(-10000000, "nanoseconds", "s");  // "-0.01s" (diff_base golden)
  EXPECT_DOUBLE_EQ(s.value, -0.01);
  EXPECT_EQ(s.unit, "s");
  s = Scale(-10000000, "nanoseconds", "minimum");  // negation scaled, then negated
  EXPECT_DOUBLE_EQ(s.value, -10);
  EXPECT_EQ(s.unit, "ms");
  // Duration header: the total scaled to "nanoseconds" keeps unit "ns".
  s = Scale(2340000000, "nanoseconds", "nanoseconds");
  EXPECT_DOUBLE_EQ(s.value, 2340000000.0);
  EXPECT_EQ(s.unit, "ns");
  // java.contention (pprof-testdata): sample unit "microseconds".
  s = Scale(1900, "microseconds", "nanoseconds");
  EXPECT_DOUBLE_EQ(s.value, 1900000.0);
  EXPECT_EQ(s.unit, "ns");
}

// Spec 4.1 rules with no golden of their own: INT64_MIN has no positive
// negation and is scaled as is (no unit reaches 1 -> family default); the
// 3-byte alias "μs" is cut to "μ" by sniffing and never matches; memory to a
// time unit falls back to the memory default "B"; unknown units pass through.
TEST(MeasureScale, SpecEdgeRules) {
  Scaled s = Scale(kMinInt64, "nanoseconds", "minimum");
  EXPECT_EQ(s.unit, "s");
  EXPECT_DOUBLE_EQ(s.value, -9223372036.854775808);
  s = Scale(5, "\xce\xbcs", "auto");  // "μs"
  EXPECT_DOUBLE_EQ(s.value, 5);
  EXPECT_EQ(s.unit, "");
  s = Scale(5, "\xce\xbcs", "cycles");
  EXPECT_EQ(s.unit, "cycles");
  s = Scale(5, "\xce\xbcss", "auto");  // "μss" -> "μs" after the strip
  EXPECT_DOUBLE_EQ(s.value, 5);
  EXPECT_EQ(s.unit, "us");
  s = Scale(1024, "bytes", "nanoseconds");
  EXPECT_DOUBLE_EQ(s.value, 1024);
  EXPECT_EQ(s.unit, "B");
  s = Scale(11111, "cycles", "minimum");
  EXPECT_DOUBLE_EQ(s.value, 11111);
  EXPECT_EQ(s.unit, "");
  s = Scale(11111, "cycles", "cycles");
  EXPECT_EQ(s.unit, "cycles");
  s = Scale(-7, "cycles", "sample");
  EXPECT_DOUBLE_EQ(s.value, -7);
  EXPECT_EQ(s.unit, "");
  s = Scale(7, "", "unit");
  EXPECT_EQ(s.unit, "");
  // Unit names are matched case-insensitively ("NANOSECONDS", "Bytes").
  EXPECT_EQ(Scale(1, "NANOSECONDS", "minimum").unit, "ns");
  EXPECT_EQ(Scale(1, "Bytes", "minimum").unit, "B");
  // "s" alone is 1 byte and keeps its 's'; "hrs" -> "hr".
  EXPECT_EQ(Scale(1, "s", "minimum").unit, "s");
  EXPECT_EQ(Scale(1, "hrs", "minimum").unit, "hrs");
}

// go1.cpu.top.default.txt (OutputUnit "s", Total 2340000000 ns):
//   "Showing nodes accounting for 2.22s, 94.87% of 2.34s total"
//   "Dropped 51 nodes (cum <= 0.01s)"   (0.005 * Total = 11700000)
//   "     1.24s 52.99% 52.99%      1.38s 58.97%  goapp/mathx.Escape (inline)"
//   "         0     0% 94.87%      2.23s 95.30%  runtime/pprof.Do"
TEST(MeasureScaledLabel, CpuTopInSeconds) {
  EXPECT_EQ(ScaledLabel(2340000000, "nanoseconds", "s"), "2.34s");
  EXPECT_EQ(ScaledLabel(2220000000, "nanoseconds", "s"), "2.22s");
  EXPECT_EQ(ScaledLabel(GoFloatToInt64(2340000000 * 0.005), "nanoseconds", "s"), "0.01s");
  EXPECT_EQ(ScaledLabel(1240000000, "nanoseconds", "s"), "1.24s");
  EXPECT_EQ(ScaledLabel(1380000000, "nanoseconds", "s"), "1.38s");
  EXPECT_EQ(ScaledLabel(10000000, "nanoseconds", "s"), "0.01s");
  EXPECT_EQ(ScaledLabel(0, "nanoseconds", "s"), "0");
  EXPECT_EQ(ScaledLabel(2230000000, "nanoseconds", "s"), "2.23s");
}

// cpp1.cpu.prof.top.default.txt (OutputUnit "ms", Total 2496000000 ns):
//   "Showing nodes accounting for 2496ms, 100% of 2496ms total"
//   "     540ms 21.63% 89.74%     2496ms   100%  [libc.so.6]"
// cpp1.cpu.sym.top.default.txt: "Dropped 52 nodes (cum <= 12.48ms)".
TEST(MeasureScaledLabel, CpuTopInMilliseconds) {
  EXPECT_EQ(ScaledLabel(2496000000, "nanoseconds", "ms"), "2496ms");
  EXPECT_EQ(ScaledLabel(540000000, "nanoseconds", "ms"), "540ms");
  EXPECT_EQ(ScaledLabel(GoFloatToInt64(2496000000 * 0.005), "nanoseconds", "ms"), "12.48ms");
}

// Memory goldens, sample unit "bytes", totals from the raw dumps:
// go1.heap.top.default.txt (MB): "4.84MB, 98.84% of 4.90MB total",
//   "Dropped 84 nodes (cum <= 0.02MB)".
// go1.heap-mid.top.default.txt (kB): "of 1836.40kB total",
//   "Dropped 68 nodes (cum <= 9.18kB)".
// go1.allocs.top.sample_index=alloc_space.txt (kB): "of 506333.51kB total",
//   "Dropped 170 nodes (cum <= 2531.67kB)", "    0.09kB 1.9e-05% ..." (96 B).
// go1.heap-sampled.top.sample_index=alloc_space.txt (MB): "of 484.44MB total",
//   "Dropped 42 nodes (cum <= 2.42MB)".
// cpp1.growth.top.default.txt (MB): "of 8.51MB total"; cppbench.growth
//   (pprof-testdata) "170MB" = exactly 170 MiB, so ".00" is dropped.
// syn1-heap.top.default.txt (B): "of 70269096B total",
//   "Dropped 86 nodes (cum <= 351345B)", "  2682536B  3.82% ...".
TEST(MeasureScaledLabel, MemoryTops) {
  EXPECT_EQ(ScaledLabel(5137752, "bytes", "MB"), "4.90MB");
  EXPECT_EQ(ScaledLabel(GoFloatToInt64(5137752 * 0.005), "bytes", "MB"), "0.02MB");
  EXPECT_EQ(ScaledLabel(1880472, "bytes", "kB"), "1836.40kB");
  EXPECT_EQ(ScaledLabel(GoFloatToInt64(1880472 * 0.005), "bytes", "kB"), "9.18kB");
  EXPECT_EQ(ScaledLabel(518485512, "bytes", "kB"), "506333.51kB");
  EXPECT_EQ(ScaledLabel(GoFloatToInt64(518485512 * 0.005), "bytes", "kB"), "2531.67kB");
  EXPECT_EQ(ScaledLabel(96, "bytes", "kB"), "0.09kB");
  EXPECT_EQ(ScaledLabel(507967801, "bytes", "MB"), "484.44MB");
  EXPECT_EQ(ScaledLabel(GoFloatToInt64(507967801 * 0.005), "bytes", "MB"), "2.42MB");
  EXPECT_EQ(ScaledLabel(8921088, "bytes", "MB"), "8.51MB");
  EXPECT_EQ(ScaledLabel(178257920, "bytes", "MB"), "170MB");
  EXPECT_EQ(ScaledLabel(70269096, "bytes", "B"), "70269096B");
  EXPECT_EQ(ScaledLabel(GoFloatToInt64(70269096 * 0.005), "bytes", "B"), "351345B");
  EXPECT_EQ(ScaledLabel(2682536, "bytes", "B"), "2682536B");
  EXPECT_EQ(ScaledLabel(8, "bytes", "B"), "8B");
  EXPECT_EQ(ScaledLabel(0, "bytes", "B"), "0");
}

// Count units print plain integers: go1.block.top.sample_index=contentions.txt
// ("12000, 99.23% of 12093 total", "Dropped 20 nodes (cum <= 60)"),
// go1.heap-mid.top.sample_index=alloc_objects.txt ("of 1034964 total",
// "Dropped 166 nodes (cum <= 5174)"), go1.goroutine.top.default.txt ("4").
// The report's OutputUnit for them is the sample unit "count".
TEST(MeasureScaledLabel, Counts) {
  EXPECT_EQ(ScaledLabel(12093, "count", "count"), "12093");
  EXPECT_EQ(ScaledLabel(12000, "count", "count"), "12000");
  EXPECT_EQ(ScaledLabel(GoFloatToInt64(12093 * 0.005), "count", "count"), "60");
  EXPECT_EQ(ScaledLabel(1034964, "count", "count"), "1034964");
  EXPECT_EQ(ScaledLabel(GoFloatToInt64(1034964 * 0.005), "count", "count"), "5174");
  EXPECT_EQ(ScaledLabel(4, "count", "count"), "4");
  EXPECT_EQ(ScaledLabel(0, "count", "count"), "0");
}

// go1.cpu.top.diff_base=cpu.txt (OutputUnit "s"):
//   "    -0.01s  0.43% 95.73%      1.47s 62.82%  goapp/mathx.Mandelbrot"
//   "         0     0% 96.15%     -0.03s  1.28%  goapp/textproc.Document"
//   "         0     0% 96.15%     -0.02s  0.85%  runtime.lock"
// Spec 4.1: "negatives -> -1.50s"; "anything rounding to 0.00 -> 0" (also
// when the text is "-0.00").
TEST(MeasureScaledLabel, Negative) {
  EXPECT_EQ(ScaledLabel(-10000000, "nanoseconds", "s"), "-0.01s");
  EXPECT_EQ(ScaledLabel(-30000000, "nanoseconds", "s"), "-0.03s");
  EXPECT_EQ(ScaledLabel(-20000000, "nanoseconds", "s"), "-0.02s");
  EXPECT_EQ(ScaledLabel(1470000000, "nanoseconds", "s"), "1.47s");
  EXPECT_EQ(Label(-1500000000, "nanoseconds"), "-1.50s");
  EXPECT_EQ(ScaledLabel(-1, "nanoseconds", "s"), "0");
  EXPECT_EQ(ScaledLabel(1, "nanoseconds", "s"), "0");
  EXPECT_EQ(ScaledLabel(-4000000, "nanoseconds", "s"), "0");
}

// Unknown sample unit. internal/report/testdata/source.rpt (pprof golden, unit
// "cycles", list output, OutputUnit empty/minimum): "Total: 11111",
// "        10        110 (flat, cum)  0.99% of Total". Spec 4.1: under a
// text/top report selectOutputUnit makes OutputUnit the sample unit and
// ScaledLabel(11111, "cycles", "cycles") gives "11111cycles".
TEST(MeasureScaledLabel, UnknownUnit) {
  EXPECT_EQ(ScaledLabel(11111, "cycles", "minimum"), "11111");
  EXPECT_EQ(ScaledLabel(11111, "cycles", ""), "11111");
  EXPECT_EQ(ScaledLabel(110, "cycles", ""), "110");
  EXPECT_EQ(Label(11111, "cycles"), "11111");
  EXPECT_EQ(SelectOutputUnit("cycles", 1, 11111), "cycles");
  EXPECT_EQ(ScaledLabel(11111, "cycles", "cycles"), "11111cycles");
  EXPECT_EQ(ScaledLabel(0, "cycles", "cycles"), "0");
  EXPECT_EQ(ScaledLabel(-5, "cycles", "cycles"), "-5cycles");
}

// Label = per-value auto scaling (list, traces, Duration header).
// *.list.*.txt "Total:" lines: cpp1.cpu.sym "Total: 2.50s" (2496000000 ns,
// ".50" kept), go1.allocs "Total: 494.47MB" (518485512 B, the same Total the
// alloc_space top prints as 506333.51kB), cpp1.heap.sym "Total: 3.76MB",
// go1.block "Total: 22.26s", go1.cpu "Total: 2.34s".
// cpp1.cpu.sym.list.workload..HashAll.txt "     476ms      840ms (flat, cum)".
// go1.allocs.list.runtime_.allocm.txt "      91kB" (93184 B).
// go1.heap.list.goapp_textproc_.Word.txt "288B".
TEST(MeasureLabel, ListTotals) {
  EXPECT_EQ(Label(2496000000, "nanoseconds"), "2.50s");
  EXPECT_EQ(Label(518485512, "bytes"), "494.47MB");
  EXPECT_EQ(Label(3946460, "bytes"), "3.76MB");
  EXPECT_EQ(Label(22256238663, "nanoseconds"), "22.26s");
  EXPECT_EQ(Label(2340000000, "nanoseconds"), "2.34s");
  EXPECT_EQ(Label(476000000, "nanoseconds"), "476ms");
  EXPECT_EQ(Label(840000000, "nanoseconds"), "840ms");
  EXPECT_EQ(Label(93184, "bytes"), "91kB");
  EXPECT_EQ(Label(288, "bytes"), "288B");
}

// Trace values (sample values from the raw dumps):
// go1.mutex.traces.default.txt "  416.75ms", "  120.84ms", "    2.81us".
// syn1-heap.traces.default.txt "14MB", "5MB", "608kB", "1.25kB", "2.75kB",
// "4.25kB", "224B"; its numeric label line "     bytes:  32B"; its header
// "Duration: 30.01s, Total samples = 67.01MB " (the top report of the same
// profile prints the Total as 70269096B).
TEST(MeasureLabel, Traces) {
  EXPECT_EQ(Label(416746940, "nanoseconds"), "416.75ms");
  EXPECT_EQ(Label(120843043, "nanoseconds"), "120.84ms");
  EXPECT_EQ(Label(2814, "nanoseconds"), "2.81us");
  EXPECT_EQ(Label(14680064, "bytes"), "14MB");
  EXPECT_EQ(Label(5242880, "bytes"), "5MB");
  EXPECT_EQ(Label(622592, "bytes"), "608kB");
  EXPECT_EQ(Label(1280, "bytes"), "1.25kB");
  EXPECT_EQ(Label(2816, "bytes"), "2.75kB");
  EXPECT_EQ(Label(4352, "bytes"), "4.25kB");
  EXPECT_EQ(Label(224, "bytes"), "224B");
  EXPECT_EQ(Label(32, "bytes"), "32B");
  EXPECT_EQ(Label(70269096, "bytes"), "67.01MB");
}

// Duration header values, Label(duration_nanos, "nanoseconds"), with
// duration_nanos read from the profiles:
// go1.cpu "Duration: 1.64s" (1644453071), go1.cpu-phase2 "3.62s" (3624347363),
// go1.cpu.top.diff_base=cpu.txt "5.27s" (the two durations summed by the
// merge: 5268800434), syn1-cpu/syn1-heap "30.01s" (30011000000, 30012000000),
// sample.cpu (pprof-testdata) "Duration: 2s" (2002012950: "2.00" -> "2"),
// cppbench.contention "4.58hrs" and java.contention "1.67hrs" (legacy text:
// "ms since reset = 16502830" / "6019923").
// Totals: cppbench.small.contention "3.12us" (3124 ns), cppbench.contention
// "690.51ms" (690508213 ns), sample.cpu "1.76s".
TEST(MeasureLabel, DurationHeader) {
  EXPECT_EQ(Label(1644453071, "nanoseconds"), "1.64s");
  EXPECT_EQ(Label(3624347363, "nanoseconds"), "3.62s");
  EXPECT_EQ(Label(5268800434, "nanoseconds"), "5.27s");
  EXPECT_EQ(Label(30011000000, "nanoseconds"), "30.01s");
  EXPECT_EQ(Label(30012000000, "nanoseconds"), "30.01s");
  EXPECT_EQ(Label(2002012950, "nanoseconds"), "2s");
  EXPECT_EQ(Label(16502830000000, "nanoseconds"), "4.58hrs");
  EXPECT_EQ(Label(6019923000000, "nanoseconds"), "1.67hrs");
  EXPECT_EQ(Label(3124, "nanoseconds"), "3.12us");
  EXPECT_EQ(Label(690508213, "nanoseconds"), "690.51ms");
  EXPECT_EQ(Label(1760000000, "nanoseconds"), "1.76s");
}

// Spec 4.1 examples (quoting pprof's goldens): 2.5 MiB -> "2.50MB",
// 1024000 B -> "1000kB", 1.5e9 ns -> "1.50s", 1e9 ns -> "1s", 10 ms ->
// "10ms", 0 -> "0" (never "0s"), counts -> "150".
TEST(MeasureLabel, SpecExamples) {
  EXPECT_EQ(Label(2621440, "bytes"), "2.50MB");
  EXPECT_EQ(Label(1024000, "bytes"), "1000kB");
  EXPECT_EQ(Label(1500000000, "nanoseconds"), "1.50s");
  EXPECT_EQ(Label(1000000000, "nanoseconds"), "1s");
  EXPECT_EQ(Label(10000000, "nanoseconds"), "10ms");
  EXPECT_EQ(Label(0, "nanoseconds"), "0");
  EXPECT_EQ(Label(150, "count"), "150");
}

// %5.2f for ratios >= 1. go1.cpu.top.default.txt ("52.99%", "Showing ...
// 94.87%"), go1.block.top.sample_index=contentions.txt ("99.23%"),
// syn1-heap.top.default.txt ("  2682536B  3.82%"), go1.mutex.top.default.txt
// ("  120.85ms 13.63%": 120843043 + 2814 ns),
// syn1-heap.top.sample_index=inuse_objects.txt ("1645, 97.97% of 1679 total"),
// cpp1.heap.top.sample_index=inuse_objects.txt ("     40000 50.00%" of 80001),
// go1.heap-sampled.top.sample_index=inuse_objects.txt ("6721, 99.76% of 6737").
TEST(MeasurePercentage, FixedFormat) {
  EXPECT_EQ(Percentage(1240000000, 2340000000), "52.99%");
  EXPECT_EQ(Percentage(1380000000, 2340000000), "58.97%");
  EXPECT_EQ(Percentage(2220000000, 2340000000), "94.87%");
  EXPECT_EQ(Percentage(12000, 12093), "99.23%");
  EXPECT_EQ(Percentage(2682536, 70269096), " 3.82%");
  EXPECT_EQ(Percentage(120845857, 886381570), "13.63%");
  EXPECT_EQ(Percentage(1645, 1679), "97.97%");
  EXPECT_EQ(Percentage(40000, 80001), "50.00%");
  EXPECT_EQ(Percentage(6721, 6737), "99.76%");
}

// %5.2g below 1%, Go and C agree on the exponent form (two-digit exponent):
// syn1-heap.top.default.txt: "       32B 4.6e-05%", "        8B 1.1e-05%"
//   (top.cum), "    65600B 0.093%", "    61208B 0.087%", "    47944B 0.068%".
// go1.allocs.top.sample_index=alloc_space.txt: "    0.09kB 1.9e-05%" (96 B),
//   "    0.19kB 3.7e-05%" (192 B), "    1.50kB 0.0003%" (1536 B; %g drops the
//   trailing zero of 3.0e-04).
// go1.heap.list.goapp_textproc_.Word.txt: "288B (flat, cum) 0.0056% of Total"
//   (Total 5137752 B).
// go1.cpu.top.default.txt: "     0.02s  0.85%"; go1.cpu.top.diff_base=cpu.txt
//   "    -0.01s  0.43%" (no sign: absolute ratio).
// source.rpt: "        10        110 (flat, cum)  0.99% of Total",
//   "         0         10 (flat, cum)  0.09% of Total" (Total 11111).
// Zero: every top golden's "         0     0%".
TEST(MeasurePercentage, GFormat) {
  EXPECT_EQ(Percentage(32, 70269096), "4.6e-05%");
  EXPECT_EQ(Percentage(8, 70269096), "1.1e-05%");
  EXPECT_EQ(Percentage(65600, 70269096), "0.093%");
  EXPECT_EQ(Percentage(61208, 70269096), "0.087%");
  EXPECT_EQ(Percentage(47944, 70269096), "0.068%");
  EXPECT_EQ(Percentage(96, 518485512), "1.9e-05%");
  EXPECT_EQ(Percentage(192, 518485512), "3.7e-05%");
  EXPECT_EQ(Percentage(1536, 518485512), "0.0003%");
  EXPECT_EQ(Percentage(288, 5137752), "0.0056%");
  EXPECT_EQ(Percentage(20000000, 2340000000), " 0.85%");
  EXPECT_EQ(Percentage(-10000000, 2340000000), " 0.43%");
  EXPECT_EQ(Percentage(-30000000, 2340000000), " 1.28%");
  EXPECT_EQ(Percentage(110, 11111), " 0.99%");
  EXPECT_EQ(Percentage(10, 11111), " 0.09%");
  EXPECT_EQ(Percentage(0, 2340000000), "    0%");
  // Total 0 gives ratio 0 (spec 4.1 step 1).
  EXPECT_EQ(Percentage(5, 0), "    0%");
}

// The 100% window [99.95, 100.05]:
// cpp1.heap.sym.top.sample_index=alloc_objects.txt: "Showing nodes accounting
//   for 392819, 100% of 392977 total" (99.9598%).
// cpp1.heap.sym.top.sample_index=inuse_objects.txt: "80000, 100% of 80001".
// cppbench.contention.top.default.txt (pprof-testdata):
//   "         0     0%   100%   690.43ms   100%  [libpthread-2.15.so]".
// Every top golden: "  100%" for cum == Total.
// Above the window the width grows: the Duration ratios "(142.30%)",
// "(184.47%)" (see MeasureDurationRatio).
TEST(MeasurePercentage, HundredWindow) {
  EXPECT_EQ(Percentage(392819, 392977), "  100%");
  EXPECT_EQ(Percentage(80000, 80001), "  100%");
  EXPECT_EQ(Percentage(690430000, 690508213), "  100%");
  EXPECT_EQ(Percentage(2496000000, 2496000000), "  100%");
  EXPECT_EQ(Percentage(-2496000000, 2496000000), "  100%");
  EXPECT_EQ(Percentage(2340000000, 1644453071), "142.30%");
}

// "Duration: %s, Total samples = %s %s" ratio part.
// go1.cpu: "Duration: 1.64s, Total samples = 2.34s (142.30%)".
// go1.cpu-phase2: "Duration: 3.62s, Total samples = 4.61s (127.20%)".
// go1.cpu.top.diff_base=cpu.txt: "Duration: 5.27s, Total samples = 2.34s (44.41%)".
// syn1-cpu: "Duration: 30.01s, Total samples = 55.36s (184.47%)".
// sample.cpu: "Duration: 2s, Total samples = 1.76s (87.91%)".
// cppbench.contention: "Total samples = 690.51ms (0.0042%)".
// cppbench.small.contention: "Total samples = 3.12us (1.9e-08%)".
// java.contention: "Duration: 1.67hrs, Total samples = 1900us (3.2e-05%)"
//   (sample unit "microseconds").
// syn1-heap: "Duration: 30.01s, Total samples = 70269096B " (bytes: no ratio,
//   the line ends with a space); syn1-heap inuse_objects "Total samples = 1679 ".
TEST(MeasureDurationRatio, FromHeaders) {
  EXPECT_EQ(DurationRatio(2340000000, "nanoseconds", 1644453071), "(142.30%)");
  EXPECT_EQ(DurationRatio(4610000000, "nanoseconds", 3624347363), "(127.20%)");
  EXPECT_EQ(DurationRatio(2340000000, "nanoseconds", 5268800434), "(44.41%)");
  EXPECT_EQ(DurationRatio(55360000000, "nanoseconds", 30011000000), "(184.47%)");
  EXPECT_EQ(DurationRatio(1760000000, "nanoseconds", 2002012950), "(87.91%)");
  EXPECT_EQ(DurationRatio(690508213, "nanoseconds", 16502830000000), "(0.0042%)");
  EXPECT_EQ(DurationRatio(3124, "nanoseconds", 16502830000000), "(1.9e-08%)");
  EXPECT_EQ(DurationRatio(1900, "microseconds", 6019923000000), "(3.2e-05%)");
  EXPECT_EQ(DurationRatio(70269096, "bytes", 30012000000), "");
  EXPECT_EQ(DurationRatio(1679, "count", 30012000000), "");
  // A zero total gives no ratio either (spec 4.2).
  EXPECT_EQ(DurationRatio(0, "nanoseconds", 30011000000), "");
}

// Time units recognised for the Duration ratio: the sample units of the
// goldens ("nanoseconds" cpu/delay, "microseconds" java.contention) versus
// "bytes"/"count"; plus the spec's aliases and the "μs" quirk.
TEST(MeasureIsTimeUnit, Aliases) {
  EXPECT_TRUE(IsTimeUnit("nanoseconds"));
  EXPECT_TRUE(IsTimeUnit("microseconds"));
  EXPECT_TRUE(IsTimeUnit("ns"));
  EXPECT_TRUE(IsTimeUnit("us"));
  EXPECT_TRUE(IsTimeUnit("ms"));
  EXPECT_TRUE(IsTimeUnit("milliseconds"));
  EXPECT_TRUE(IsTimeUnit("s"));
  EXPECT_TRUE(IsTimeUnit("sec"));
  EXPECT_TRUE(IsTimeUnit("seconds"));
  EXPECT_TRUE(IsTimeUnit("hour"));
  EXPECT_TRUE(IsTimeUnit("hours"));
  EXPECT_TRUE(IsTimeUnit("hr"));
  EXPECT_TRUE(IsTimeUnit("hrs"));
  EXPECT_TRUE(IsTimeUnit("Nanoseconds"));
  EXPECT_FALSE(IsTimeUnit("\xce\xbcs"));  // "μs": sniffed to "μ", no match
  EXPECT_FALSE(IsTimeUnit("bytes"));
  EXPECT_FALSE(IsTimeUnit("count"));
  EXPECT_FALSE(IsTimeUnit("cycles"));
  EXPECT_FALSE(IsTimeUnit("gcu"));
  EXPECT_FALSE(IsTimeUnit(""));
  EXPECT_FALSE(IsTimeUnit("hrss"));  // only one 's' is stripped
}

// SelectOutputUnit from the top goldens: (sample unit, smallest nonzero
// printed value, Total) -> the unit the whole report is printed in.
// Minimums printed in exact units (cpu multiples of the period, B, counts) are
// exact; the others are reconstructed from the printed value, and any number
// that prints the same gives the same unit.
TEST(MeasureSelectOutputUnit, CpuProfiles) {
  // go1.cpu.top.default.txt: min 0.01s, Total 2.34s -> min is ms, max is s,
  // 100*min = 1s -> "s" ("0.01s" rows, "2.34s total").
  EXPECT_EQ(SelectOutputUnit("nanoseconds", 10000000, 2340000000), "s");
  // go1.cpu-phase2: min 0.01s, Total 4.61s -> "s".
  EXPECT_EQ(SelectOutputUnit("nanoseconds", 10000000, 4610000000), "s");
  // syn1-cpu: min 0.01s, Total 55.36s -> "s".
  EXPECT_EQ(SelectOutputUnit("nanoseconds", 10000000, 55360000000), "s");
  // cpp1.cpu.sym.top.default.txt: min 4ms, Total 2496ms: 100*min = 400ms -> "ms".
  EXPECT_EQ(SelectOutputUnit("nanoseconds", 4000000, 2496000000), "ms");
  // cpp1.cpu.prof.top.default.txt: min 104ms; 100*min >= Total -> min's unit "ms".
  EXPECT_EQ(SelectOutputUnit("nanoseconds", 104000000, 2496000000), "ms");
  // go1.block.top.default.txt (delay): min 0.17s (~170000000 ns), Total
  // 22256238663 -> "s" ("22.26s total").
  EXPECT_EQ(SelectOutputUnit("nanoseconds", 170000000, 22256238663), "s");
  // go1.mutex.top.default.txt: min 120845857 ns, Total 886381570 -> "ms".
  EXPECT_EQ(SelectOutputUnit("nanoseconds", 120845857, 886381570), "ms");
  // cppbench.small.contention: one value 3124 ns -> "us" ("3.12us total");
  // min 0 (no nonzero node) falls back to the Total.
  EXPECT_EQ(SelectOutputUnit("nanoseconds", 3124, 3124), "us");
  EXPECT_EQ(SelectOutputUnit("nanoseconds", 0, 3124), "us");
  // java.contention: sample unit microseconds, min 200us, Total 1900us -> "us".
  EXPECT_EQ(SelectOutputUnit("microseconds", 200, 1900), "us");
  // cppbench.contention: min 690.43ms, Total 690508213 -> "ms".
  EXPECT_EQ(SelectOutputUnit("nanoseconds", 690430000, 690508213), "ms");
}

TEST(MeasureSelectOutputUnit, HeapProfiles) {
  // go1.heap.top.default.txt: min 0.02MB (~20972 B), Total 5137752 -> "MB".
  EXPECT_EQ(SelectOutputUnit("bytes", 20972, 5137752), "MB");
  // go1.heap-mid.top.default.txt: min 8.09kB (~8284 B), Total 1880472: min
  // kB, max MB, 100*min still kB -> "kB" ("1836.40kB total").
  EXPECT_EQ(SelectOutputUnit("bytes", 8284, 1880472), "kB");
  // go1.heap-sampled.top.default.txt: min 512.05kB, Total 4142736: 100*min >=
  // Total -> the min's unit "kB" ("4045.64kB total").
  EXPECT_EQ(SelectOutputUnit("bytes", 524339, 4142736), "kB");
  // go1.allocs.top.sample_index=alloc_space.txt: min 96 B, Total 518485512:
  // 100*min = 9600 B -> "kB" ("506333.51kB total").
  EXPECT_EQ(SelectOutputUnit("bytes", 96, 518485512), "kB");
  // syn1-heap.top.default.txt: min 8 B, Total 70269096: 100*min = 800 B -> "B".
  EXPECT_EQ(SelectOutputUnit("bytes", 8, 70269096), "B");
  // cpp1.growth.top.default.txt: min 1MB, Total 8921088 -> "MB".
  EXPECT_EQ(SelectOutputUnit("bytes", 1048576, 8921088), "MB");
  // cpp1.heap.top.default.txt: min 1.63MB, Total 3946460 -> "MB".
  EXPECT_EQ(SelectOutputUnit("bytes", 1709179, 3946460), "MB");
  // java.heap.top.default.txt (pprof-testdata): min 512.21kB, Total 9968703 -> "kB".
  EXPECT_EQ(SelectOutputUnit("bytes", 524503, 9968703), "kB");
  // cppbench.growth (pprof-testdata): "170MB total".
  EXPECT_EQ(SelectOutputUnit("bytes", 178257920, 178257920), "MB");
}

TEST(MeasureSelectOutputUnit, Counts) {
  // go1.goroutine.top.default.txt ("4 total", rows "1"), go1.block contentions
  // ("12093 total", min 63): the unit stays the sample unit "count", which
  // ScaledLabel then prints as a plain number.
  EXPECT_EQ(SelectOutputUnit("count", 1, 4), "count");
  EXPECT_EQ(SelectOutputUnit("count", 63, 12093), "count");
  EXPECT_EQ(ScaledLabel(63, "count", SelectOutputUnit("count", 63, 12093)), "63");
}

// The full form: OutputUnit other than "minimum" (-unit=...) or an empty
// graph leaves the unit alone (spec 4.1); callgrind skips the *100 step.
TEST(MeasureSelectOutputUnit, FullForm) {
  EXPECT_EQ(SelectOutputUnitFull("ms", true, "nanoseconds", 10000000, 2340000000, 1, false),
            "ms");
  EXPECT_EQ(SelectOutputUnitFull("minimum", false, "nanoseconds", 0, 2340000000, 1, false),
            "minimum");
  EXPECT_EQ(SelectOutputUnitFull("minimum", true, "nanoseconds", 10000000, 2340000000, 1, false),
            "s");
  EXPECT_EQ(SelectOutputUnitFull("minimum", true, "nanoseconds", 10000000, 2340000000, 1, true),
            "ms");
}

// Go's int64(float64) truncation used by the Dropped cutoffs above and by
// -divide_by.
TEST(MeasureGoFloatToInt64, Truncation) {
  EXPECT_EQ(GoFloatToInt64(351345.48), 351345);
  EXPECT_EQ(GoFloatToInt64(-351345.48), -351345);
  EXPECT_EQ(GoFloatToInt64(1e30), kMinInt64);
  EXPECT_EQ(ApplyRatio(2340000000, 1), 2340000000);
  EXPECT_EQ(ApplyRatio(2340000000, 0), 2340000000);
  EXPECT_EQ(ApplyRatio(2340000000, 0.5), 1170000000);
}

}  // namespace
}  // namespace pprofsql
