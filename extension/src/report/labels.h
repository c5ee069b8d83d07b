// The header lines of pprof's text reports (report.go: ProfileLabels,
// reportLabels, legendActiveFilters, genLabel).
#pragma once

#include <string>
#include <vector>

#include "model/profile.h"
#include "report/graph.h"

namespace pprofsql {

// File:, Build ID:, comments, Type:, Time:, Duration: (each when it applies).
std::vector<std::string> ProfileLabels(const Profile& p, const ReportGraph& g);

// ProfileLabels (unless -compact_labels), Active filters:, "Showing nodes
// accounting for ...", "Dropped N nodes (cum <= X)", "Showing top N nodes out of M".
std::vector<std::string> ReportLabels(const Profile& p, const ReportGraph& g,
                                      const std::vector<std::string>& active_filters);

// A value as the report prints it: -divide_by applied, scaled to the report's unit.
std::string FormatValue(const ReportGraph& g, int64_t value);

// Go's time.Format(t, "Jan 2, 2006 at 3:04pm (MST)") in the local time zone.
std::string FormatProfileTime(int64_t time_nanos);

}  // namespace pprofsql
