#include "report/labels.h"

#include <fmt/format.h>

#include <ctime>

#include "base/go_int.h"
#include "report/measure.h"

namespace pprofsql {

std::string FormatValue(const ReportGraph& g, int64_t value) {
  return ScaledLabel(ApplyRatio(value, 1.0 / g.options.divide_by), g.sample_unit, g.output_unit);
}

std::string FormatProfileTime(int64_t time_nanos) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // Go's time.Unix(0, ns): floor division, so times before 1970 round down.
  int64_t secs = time_nanos / 1000000000;
  if (time_nanos % 1000000000 < 0) secs--;
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  localtime_r(&t, &tm);
  int hour12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
  return fmt::format("{} {}, {} at {}:{:02d}{} ({})", kMonths[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900, hour12,
                     tm.tm_min, tm.tm_hour < 12 ? "am" : "pm", tm.tm_zone ? tm.tm_zone : "UTC");
}

std::vector<std::string> ProfileLabels(const Profile& p, const ReportGraph& g) {
  std::vector<std::string> out;
  if (!p.mappings.empty()) {
    std::string_view file = p.str(p.mappings[0].filename);
    if (!file.empty()) {
      // filepath.Base: the last element, trailing slashes ignored.
      while (file.size() > 1 && file.back() == '/') file.remove_suffix(1);
      size_t slash = file.find_last_of('/');
      out.push_back("File: " + std::string(slash == std::string_view::npos || file.size() == 1
                                                ? file
                                                : file.substr(slash + 1)));
    }
    std::string_view build_id = p.str(p.mappings[0].build_id);
    if (!build_id.empty()) out.push_back("Build ID: " + std::string(build_id));
  }
  for (StrId c : p.comments) {
    if (!p.str(c).empty() && p.str(c)[0] == '#') continue;
    out.emplace_back(p.str(c));
  }
  if (!g.sample_type.empty()) out.push_back("Type: " + g.sample_type);
  if (p.time_nanos != 0) out.push_back("Time: " + FormatProfileTime(p.time_nanos));
  if (p.duration_nanos != 0) {
    out.push_back(fmt::format("Duration: {}, Total samples = {} {}", Label(p.duration_nanos, "nanoseconds"),
                              FormatValue(g, g.total), DurationRatio(g.total, g.sample_unit, p.duration_nanos)));
  }
  return out;
}

std::vector<std::string> ReportLabels(const Profile& p, const ReportGraph& g,
                                      const std::vector<std::string>& active_filters) {
  std::vector<std::string> out;
  if (!g.options.compact_labels) out = ProfileLabels(p, g);
  int64_t flat_sum = 0;
  for (const GraphNode& n : g.nodes) flat_sum = GoAdd(flat_sum, n.FlatValue());
  if (!active_filters.empty()) {
    out.push_back("Active filters:");
    for (const std::string& f : active_filters) {
      // Long filters are cut at 80 bytes (legendActiveFilters).
      out.push_back("   " + (f.size() > 80 ? f.substr(0, 80) + "\u2026" : f));
    }
  }
  std::string pct = Percentage(flat_sum, g.total);
  size_t b = pct.find_first_not_of(' ');
  pct = b == std::string::npos ? "" : pct.substr(b);
  out.push_back(fmt::format("Showing nodes accounting for {}, {} of {} total", FormatValue(g, flat_sum), pct,
                            FormatValue(g, g.total)));
  if (g.total != 0) {
    auto gen = [&](int n, const char* noun, const char* what, double fraction) {
      int64_t v = GoFloatToInt64(static_cast<double>(g.total) * fraction);
      out.push_back(fmt::format("Dropped {} {}{} ({} <= {})", n, noun, n > 1 ? "s" : "", what,
                                FormatValue(g, v < 0 ? -v : v)));
    };
    if (g.dropped_nodes > 0) gen(g.dropped_nodes, "node", "cum", g.options.nodefraction);
    const int count = static_cast<int>(g.nodes.size());
    if (count > 0 && count < g.orig_count) {
      out.push_back(fmt::format("Showing top {} nodes out of {}", count, g.orig_count));
    }
  }
  return out;
}

}  // namespace pprofsql
