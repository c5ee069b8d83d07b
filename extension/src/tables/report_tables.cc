// The report tables: pprof's call graph for a profile and a set of report
// options, computed in C++ (report/graph.h) and cached, so the report views
// in sql/ only format and arrange it. All three take the same parameters,
// as HIDDEN columns:
//   report   'top' (default), 'peek', 'list', 'traces', 'tags', 'raw', 'tree':
//            which pprof command's defaults apply (trimming, granularity);
//   options  pprof's report flags, e.g. '-cum -lines -nodecount=10
//            -sample_index=alloc_space' (report/options.h);
//   symbol   the regexp of -peek= or -list=: which nodes the report shows
//            (matched = 1). -peek matches the printed name, -list the
//            function name, both unanchored, in Go's RE2 syntax.
#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <map>
#include <tuple>
#include <optional>

#include "base/go_int.h"
#include "base/sqlite_util.h"
#include "functions/functions.h"
#include "report/graph.h"
#include "report/labels.h"
#include "report/measure.h"
#include "report/options.h"
#include "report/regexp.h"
#include "vtab/table.h"

namespace pprofsql {
namespace {

struct ReportData {
  ReportGraph graph;
  std::vector<std::string> labels;
  std::vector<int64_t> flat_sum;  // running sum of FlatValue, in node order
  std::vector<char> matched;      // per node: matches `symbol` (all when it is empty)
  std::vector<int64_t> matched_flat_sum;  // running sum of FlatValue over matched nodes
  // -list: per node, the block of source lines its function's listing of
  // its file covers (getSourceFromFile with no explicit range).
  std::vector<int64_t> list_first, list_last;
  // -list: the texts pprof prints for this node's source line (the sums over
  // the function's nodes on that line; '.' for 0) and for its routine (the
  // function in this file), and why the file cannot be read (or "").
  std::vector<std::string> line_flat_text, line_cum_text, routine_flat_text, routine_cum_text, routine_cum_pct,
      source_error;
  // Edges in the order pprof prints them around each node (EdgeMap.Sort):
  // position among the callee's in-edges and the caller's out-edges.
  std::vector<uint32_t> in_order, out_order;
};

Result<ReportKind> ParseKind(const std::string& s) {
  if (s.empty() || s == "top" || s == "text") return ReportKind::kTop;
  if (s == "peek") return ReportKind::kPeek;
  if (s == "tree") return ReportKind::kTree;
  if (s == "list") return ReportKind::kList;
  if (s == "traces") return ReportKind::kTraces;
  if (s == "tags") return ReportKind::kTags;
  if (s == "raw") return ReportKind::kRaw;
  return Status::Error(fmt::format("unknown report '{}' (top, peek, tree, list, traces, tags, raw)", s));
}

// printSource's per-file and per-line numbers, formatted as it prints them.
void ListColumns(const Registry& reg, ReportData& d) {
  const ReportGraph& g = d.graph;
  struct Sums {
    int64_t flat = 0, cum = 0;
  };
  // getSourceFromFile's window of a function in a file: it starts as the
  // first node's, then per node a start line (else 5 lines before its line)
  // below the window widens the start, and *else* 5 lines past its line
  // widen the end. Lines 0 with a start line above them give an empty
  // window (first > last). pprof's node order is a Go map's (NodeMap.nodes),
  // so where a function's nodes disagree on the start line its window varies
  // from run to run; this takes the nodes in creation order, one of pprof's.
  struct Window {
    bool set = false;
    int64_t first = 0, last = 0;
  };
  using Key = std::pair<std::string, std::string>;
  std::map<Key, Sums> routine;
  std::map<Key, Window> window;
  std::map<std::tuple<std::string, std::string, int64_t>, Sums> line;
  std::vector<size_t> created(g.nodes.size());
  for (size_t i = 0; i < created.size(); i++) created[i] = i;
  std::sort(created.begin(), created.end(), [&](size_t a, size_t b) { return g.nodes[a].created < g.nodes[b].created; });
  for (size_t i : created) {
    const GraphNode& n = g.nodes[i];
    Sums& r = routine[{n.info.name, n.info.file}];
    r.flat = GoAdd(r.flat, n.flat);
    r.cum = GoAdd(r.cum, n.cum);
    const int64_t start = n.info.start_line != 0 ? n.info.start_line : GoAdd(n.info.lineno, -5);
    const int64_t end = GoAdd(n.info.lineno, 5);
    Window& w = window[{n.info.name, n.info.file}];
    if (!w.set) {
      w = {true, start, end};
    } else if (start < w.first) {
      w.first = start;
    } else if (end > w.last) {
      w.last = end;
    }
    Sums& l = line[{n.info.name, n.info.file, n.info.lineno}];
    l.flat = GoAdd(l.flat, n.flat);
    l.cum = GoAdd(l.cum, n.cum);
  }
  // pprof opens a file when it reads the first line of a window (an empty
  // window reads none) and remembers the error: a listing of that file
  // prints it from then on, in printSource's order (functions by name, then
  // files by name), even one whose own window is empty.
  std::map<std::string, std::string> errors;  // files opened so far -> error ("" for none)
  std::map<Key, std::string> routine_error;
  for (const auto& [key, w] : window) {
    const std::string& file = key.second;
    if (file.empty()) continue;
    if (std::max<int64_t>(1, w.first) <= w.last && !errors.count(file)) {
      errors[file] = reg.Sources().Error(file).value_or("");
    }
    auto it = errors.find(file);
    routine_error[key] = it == errors.end() ? "" : it->second;
  }
  auto value_or_dot = [&](int64_t v) { return v == 0 ? std::string(".") : FormatValue(g, v); };
  for (const GraphNode& n : g.nodes) {
    const Key key{n.info.name, n.info.file};
    const Sums& r = routine[key];
    const Window& w = window[key];
    const Sums& l = line[{n.info.name, n.info.file, n.info.lineno}];
    d.list_first.push_back(std::max<int64_t>(1, w.first));
    d.list_last.push_back(w.last);
    d.line_flat_text.push_back(value_or_dot(l.flat));
    d.line_cum_text.push_back(value_or_dot(l.cum));
    d.routine_flat_text.push_back(FormatValue(g, r.flat));
    d.routine_cum_text.push_back(FormatValue(g, r.cum));
    d.routine_cum_pct.push_back(Percentage(r.cum, g.total));
    d.source_error.push_back(routine_error[key]);
  }
}

Result<std::shared_ptr<const void>> ComputeReport(const LoadedProfile& loaded, const Registry& reg,
                                                  const std::vector<std::string>& params) {
  // Merging a single profile with itself changes no graph report.
  auto report_profile = ReportProfile(loaded, reg, /*merge=*/false);
  if (!report_profile.ok()) return report_profile.status();
  const LoadedProfile& lp = **report_profile;
  auto kind = ParseKind(params[0]);
  if (!kind.ok()) return kind.status();
  auto opts = ParseReportOptions(params[1]);
  if (!opts.ok()) return opts.status();
  GraphInputs in;
  in.trim_path = reg.trim_path;
  in.source_path = reg.source_path;
  in.unfiltered = lp.unfiltered.get();
  auto g = BuildReportGraph(*lp.profile, *opts, *kind, in);
  if (!g.ok()) return g.status();
  auto data = std::make_shared<ReportData>();
  data->graph = std::move(g.value());
  const ReportGraph& graph = data->graph;
  if (*kind == ReportKind::kTraces || *kind == ReportKind::kRaw || *kind == ReportKind::kTags) {
    data->labels = ProfileLabels(*lp.profile, graph);
  } else if (*kind == ReportKind::kList) {
    data->labels = {"Total: " + FormatValue(graph, graph.total)};
  } else {
    data->labels = ReportLabels(*lp.profile, graph, lp.active_filters);
  }
  int64_t sum = 0, matched_sum = 0;
  std::optional<Regexp> symbol;
  if (!params[2].empty()) {
    auto rx = Regexp::Compile(params[2]);
    if (!rx.ok()) return Status::Error(fmt::format("parsing argument regexp {}: {}", params[2], rx.status().message()));
    symbol = std::move(rx.value());
  }
  for (const GraphNode& n : graph.nodes) {
    data->flat_sum.push_back(sum = GoAdd(sum, n.FlatValue()));
    bool m = !symbol || symbol->Search(*kind == ReportKind::kList ? n.info.name : n.printable);
    data->matched.push_back(m);
    if (m) matched_sum = GoAdd(matched_sum, n.FlatValue());
    data->matched_flat_sum.push_back(matched_sum);
  }
  if (*kind == ReportKind::kList) ListColumns(reg, *data);
  data->in_order.assign(graph.edges.size(), 0);
  data->out_order.assign(graph.edges.size(), 0);
  auto edge_less = [&](uint32_t a, uint32_t b) {
    const GraphEdge &x = graph.edges[a], &y = graph.edges[b];
    if (x.weight != y.weight) return std::abs(x.weight) > std::abs(y.weight);
    const std::string &xs = graph.nodes[x.src].printable, &ys = graph.nodes[y.src].printable;
    if (xs != ys) return xs < ys;
    return graph.nodes[x.dst].printable < graph.nodes[y.dst].printable;
  };
  for (const GraphNode& n : graph.nodes) {
    std::vector<uint32_t> in = n.in, out = n.out;
    std::stable_sort(in.begin(), in.end(), edge_less);
    std::stable_sort(out.begin(), out.end(), edge_less);
    for (size_t i = 0; i < in.size(); i++) data->in_order[in[i]] = static_cast<uint32_t>(i);
    for (size_t i = 0; i < out.size(); i++) data->out_order[out[i]] = static_cast<uint32_t>(i);
  }
  return std::shared_ptr<const void>(std::move(data));
}

const ReportData& DataOf(const Row& r) { return *static_cast<const ReportData*>(r.computed); }
const ReportGraph& GraphOf(const Row& r) { return DataOf(r).graph; }
const GraphNode& NodeOf(const Row& r) { return GraphOf(r).nodes[r.child]; }
const GraphEdge& EdgeOf(const Row& r) { return GraphOf(r).edges[r.child]; }

void Int(sqlite3_context* c, int64_t v) { sqlite3_result_int64(c, v); }
void Text(sqlite3_context* c, std::string_view s) { ResultText(c, s); }
void TextOrNull(sqlite3_context* c, const std::string& s) {
  if (s.empty()) return sqlite3_result_null(c);
  ResultText(c, s);
}

// A -list column: NULL for other reports.
void ListText(sqlite3_context* c, const std::vector<std::string>& v, uint32_t i) {
  if (v.empty()) return sqlite3_result_null(c);
  Text(c, v[i]);
}

// pprof_diff: per node name, the values in a profile and in a base profile
// (untrimmed graphs, as -peek builds them), biggest change first.
struct DiffRow {
  std::string name;
  int64_t flat = 0, base_flat = 0, cum = 0, base_cum = 0;
};
struct DiffData {
  std::vector<DiffRow> rows;
  std::string sample_type;
};

Result<std::shared_ptr<const void>> ComputeDiff(const LoadedProfile& loaded, const Registry& reg,
                                                const std::vector<std::string>& params) {
  char* end = nullptr;
  long long base_id = std::strtoll(params[0].c_str(), &end, 10);
  LoadedPtr base = params[0].empty() || *end ? nullptr : reg.Find(base_id);
  if (!base) return Status::Error(fmt::format("base '{}' is not a loaded profile id", params[0]));
  auto graph_of = [&](const LoadedProfile& lp) -> Result<std::shared_ptr<const void>> {
    return ComputeReport(lp, reg, {"peek", params[1], ""});
  };
  auto a = graph_of(loaded);
  if (!a.ok()) return a.status();
  auto b = graph_of(*base);
  if (!b.ok()) return b.status();
  const ReportGraph& ga = static_cast<const ReportData*>(a->get())->graph;
  const ReportGraph& gb = static_cast<const ReportData*>(b->get())->graph;
  std::map<std::string, DiffRow> by_name;
  for (const GraphNode& n : ga.nodes) {
    DiffRow& r = by_name[n.printable];
    r.flat += n.FlatValue();
    r.cum += n.CumValue();
  }
  for (const GraphNode& n : gb.nodes) {
    DiffRow& r = by_name[n.printable];
    r.base_flat += n.FlatValue();
    r.base_cum += n.CumValue();
  }
  auto data = std::make_shared<DiffData>();
  data->sample_type = ga.sample_type;
  for (auto& [name, r] : by_name) {
    r.name = name;
    data->rows.push_back(r);
  }
  std::stable_sort(data->rows.begin(), data->rows.end(), [](const DiffRow& x, const DiffRow& y) {
    return std::abs(x.cum - x.base_cum) > std::abs(y.cum - y.base_cum);
  });
  return std::shared_ptr<const void>(std::move(data));
}

const DiffRow& DiffOf(const Row& r) { return static_cast<const DiffData*>(r.computed)->rows[r.child]; }

const ComputedSpec kDiffSpec = {"diff", {"base_id", "options"}, ComputeDiff, [](const void* d) {
                                  return static_cast<uint32_t>(static_cast<const DiffData*>(d)->rows.size());
                                }};

const ComputedSpec kNodesSpec = {"report", {"report", "options", "symbol"}, ComputeReport, [](const void* d) {
                                   return static_cast<uint32_t>(static_cast<const ReportData*>(d)->graph.nodes.size());
                                 }};
const ComputedSpec kEdgesSpec = {"report", {"report", "options", "symbol"}, ComputeReport, [](const void* d) {
                                   return static_cast<uint32_t>(static_cast<const ReportData*>(d)->graph.edges.size());
                                 }};
const ComputedSpec kLabelsSpec = {"report", {"report", "options", "symbol"}, ComputeReport, [](const void* d) {
                                    return static_cast<uint32_t>(static_cast<const ReportData*>(d)->labels.size());
                                  }};

const ColumnSpec kProfileId = {"profile_id", "INTEGER", "Id returned by pprof_load.",
                               [](sqlite3_context* c, const Row& r) { Int(c, r.loaded->id); }};

}  // namespace

std::vector<TableSpec> ReportTables() {
  std::vector<TableSpec> t;
  t.push_back(
      {"pprof_graph",
       "The nodes of pprof's call graph for a report, after trimming, in the report's order (-flat or -cum): "
       "what -top, -peek and -list print. Parameters: report, options, symbol.",
       ParentKind::kComputed, nullptr, nullptr, false,
       {kProfileId,
        {"rank", "INTEGER", "0-based position in the report's order.",
         [](sqlite3_context* c, const Row& r) { Int(c, r.child); }},
        {"name", "TEXT", "The node's name as pprof prints it (function, file:line, address, as the granularity keeps).",
         [](sqlite3_context* c, const Row& r) { Text(c, NodeOf(r).printable); }},
        {"function", "TEXT", "The function's name, or NULL when the granularity drops it.",
         [](sqlite3_context* c, const Row& r) { TextOrNull(c, NodeOf(r).info.name); }},
        {"file", "TEXT", "The source file (after -trim_path), or NULL.",
         [](sqlite3_context* c, const Row& r) { TextOrNull(c, NodeOf(r).info.file); }},
        {"line", "INTEGER", "The line number (lines granularity), else 0.",
         [](sqlite3_context* c, const Row& r) { Int(c, NodeOf(r).info.lineno); }},
        {"address", "INTEGER", "The address (addresses granularity), else 0.",
         [](sqlite3_context* c, const Row& r) { Int(c, static_cast<int64_t>(NodeOf(r).info.address)); }},
        {"start_line", "INTEGER", "The function's start line, when the node keeps it.",
         [](sqlite3_context* c, const Row& r) { Int(c, NodeOf(r).info.start_line); }},
        {"binary", "TEXT", "The mapping's file, for nodes that keep it (unnamed code, -list).",
         [](sqlite3_context* c, const Row& r) { TextOrNull(c, NodeOf(r).info.objfile); }},
        {"flat", "INTEGER", "Value of the samples whose leaf is this node (divided as -mean asks).",
         [](sqlite3_context* c, const Row& r) { Int(c, NodeOf(r).FlatValue()); }},
        {"cum", "INTEGER", "Value of the samples that contain this node, counted once per sample.",
         [](sqlite3_context* c, const Row& r) { Int(c, NodeOf(r).CumValue()); }},
        {"flat_sum", "INTEGER", "Running sum of flat in report order (pprof's sum%).",
         [](sqlite3_context* c, const Row& r) { Int(c, DataOf(r).flat_sum[r.child]); }},
        {"raw_flat", "INTEGER", "flat before -mean's division.",
         [](sqlite3_context* c, const Row& r) { Int(c, NodeOf(r).flat); }},
        {"raw_cum", "INTEGER", "cum before -mean's division.",
         [](sqlite3_context* c, const Row& r) { Int(c, NodeOf(r).cum); }},
        {"inline_label", "TEXT", "'(inline)', '(partial-inline)' or '' as -top prints after the name.",
         [](sqlite3_context* c, const Row& r) { Text(c, NodeOf(r).InlineLabel(GraphOf(r).edges)); }},
        {"flat_text", "TEXT", "flat as the report prints it.",
         [](sqlite3_context* c, const Row& r) { Text(c, FormatValue(GraphOf(r), NodeOf(r).FlatValue())); }},
        {"cum_text", "TEXT", "cum as the report prints it.",
         [](sqlite3_context* c, const Row& r) { Text(c, FormatValue(GraphOf(r), NodeOf(r).CumValue())); }},
        {"flat_pct", "TEXT", "flat as a share of the Total, as pprof prints it.",
         [](sqlite3_context* c, const Row& r) { Text(c, Percentage(NodeOf(r).FlatValue(), GraphOf(r).total)); }},
        {"sum_pct", "TEXT", "flat_sum as a share of the Total.",
         [](sqlite3_context* c, const Row& r) { Text(c, Percentage(DataOf(r).flat_sum[r.child], GraphOf(r).total)); }},
        {"cum_pct", "TEXT", "cum as a share of the Total.",
         [](sqlite3_context* c, const Row& r) { Text(c, Percentage(NodeOf(r).CumValue(), GraphOf(r).total)); }},
        {"matched", "INTEGER", "1 if the node's name matches the symbol parameter (-peek=, -list=), or there is none.",
         [](sqlite3_context* c, const Row& r) { Int(c, DataOf(r).matched[r.child]); }},
        {"matched_sum_pct", "TEXT", "The running share of flat over matched nodes only (-peek's sum%).",
         [](sqlite3_context* c, const Row& r) {
           Text(c, Percentage(DataOf(r).matched_flat_sum[r.child], GraphOf(r).total));
         }},
        {"list_first_line", "INTEGER", "For report 'list': the first source line of the function's listing of this file.",
         [](sqlite3_context* c, const Row& r) {
           if (DataOf(r).list_first.empty()) return sqlite3_result_null(c);
           Int(c, DataOf(r).list_first[r.child]);
         }},
        {"list_last_line", "INTEGER", "For report 'list': the last line of that listing (the file may end sooner).",
         [](sqlite3_context* c, const Row& r) {
           if (DataOf(r).list_last.empty()) return sqlite3_result_null(c);
           Int(c, DataOf(r).list_last[r.child]);
         }},
        {"line_flat_text", "TEXT", "For report 'list': flat of all the function's nodes on this line, as -list prints it.",
         [](sqlite3_context* c, const Row& r) { ListText(c, DataOf(r).line_flat_text, r.child); }},
        {"line_cum_text", "TEXT", "For report 'list': cum of all the function's nodes on this line, as -list prints it.",
         [](sqlite3_context* c, const Row& r) { ListText(c, DataOf(r).line_cum_text, r.child); }},
        {"routine_flat_text", "TEXT", "For report 'list': flat of the function in this file (the ROUTINE total).",
         [](sqlite3_context* c, const Row& r) { ListText(c, DataOf(r).routine_flat_text, r.child); }},
        {"routine_cum_text", "TEXT", "For report 'list': cum of the function in this file (sum over its lines).",
         [](sqlite3_context* c, const Row& r) { ListText(c, DataOf(r).routine_cum_text, r.child); }},
        {"routine_cum_pct", "TEXT", "For report 'list': that cum as a share of the Total.",
         [](sqlite3_context* c, const Row& r) { ListText(c, DataOf(r).routine_cum_pct, r.child); }},
        {"source_error", "TEXT", "For report 'list': why the file cannot be read, as pprof prints it, or NULL.",
         [](sqlite3_context* c, const Row& r) {
           const auto& v = DataOf(r).source_error;
           if (v.empty() || v[r.child].empty()) return sqlite3_result_null(c);
           Text(c, v[r.child]);
         }},
        {"total", "INTEGER", "The report's Total.", [](sqlite3_context* c, const Row& r) { Int(c, GraphOf(r).total); }},
        {"sample_type", "TEXT", "The sample type reported (mean_ prefixed with -mean).",
         [](sqlite3_context* c, const Row& r) { Text(c, GraphOf(r).sample_type); }},
        {"unit", "TEXT", "The unit the report prints values in ('minimum': each value scaled on its own).",
         [](sqlite3_context* c, const Row& r) { Text(c, GraphOf(r).output_unit); }},
        {"sample_unit", "TEXT", "The unit of the sample values, e.g. nanoseconds or bytes.",
         [](sqlite3_context* c, const Row& r) { Text(c, GraphOf(r).sample_unit); }}},
       &kNodesSpec, true});
  t.push_back(
      {"pprof_graph_edges",
       "The edges of the same graph: caller to callee, weighted by the samples in which the callee follows "
       "the caller (counted once per sample). Parameters: report, options, symbol.",
       ParentKind::kComputed, nullptr, nullptr, false,
       {kProfileId,
        {"caller_rank", "INTEGER", "The caller's rank in pprof_graph.",
         [](sqlite3_context* c, const Row& r) { Int(c, EdgeOf(r).src); }},
        {"callee_rank", "INTEGER", "The callee's rank in pprof_graph.",
         [](sqlite3_context* c, const Row& r) { Int(c, EdgeOf(r).dst); }},
        {"caller", "TEXT", "The caller's name.",
         [](sqlite3_context* c, const Row& r) { Text(c, GraphOf(r).nodes[EdgeOf(r).src].printable); }},
        {"callee", "TEXT", "The callee's name.",
         [](sqlite3_context* c, const Row& r) { Text(c, GraphOf(r).nodes[EdgeOf(r).dst].printable); }},
        {"weight", "INTEGER", "The edge's value.", [](sqlite3_context* c, const Row& r) { Int(c, EdgeOf(r).weight); }},
        {"weight_text", "TEXT", "weight as the report prints it.",
         [](sqlite3_context* c, const Row& r) { Text(c, FormatValue(GraphOf(r), EdgeOf(r).weight)); }},
        {"caller_pct", "TEXT", "weight as a share of the caller's cum (peek's calls% for out-edges).",
         [](sqlite3_context* c, const Row& r) {
           Text(c, Percentage(EdgeOf(r).weight, GraphOf(r).nodes[EdgeOf(r).src].CumValue()));
         }},
        {"callee_pct", "TEXT", "weight as a share of the callee's cum (peek's calls% for in-edges).",
         [](sqlite3_context* c, const Row& r) {
           Text(c, Percentage(EdgeOf(r).weight, GraphOf(r).nodes[EdgeOf(r).dst].CumValue()));
         }},
        {"is_inline", "INTEGER", "1 if every call along this edge was inlined.",
         [](sqlite3_context* c, const Row& r) { Int(c, EdgeOf(r).inline_call ? 1 : 0); }},
        {"is_residual", "INTEGER", "1 if the edge skips nodes the report trimmed.",
         [](sqlite3_context* c, const Row& r) { Int(c, EdgeOf(r).residual ? 1 : 0); }},
        {"in_order", "INTEGER", "Position among the callee's callers as pprof prints them.",
         [](sqlite3_context* c, const Row& r) { Int(c, DataOf(r).in_order[r.child]); }},
        {"out_order", "INTEGER", "Position among the caller's callees as pprof prints them.",
         [](sqlite3_context* c, const Row& r) { Int(c, DataOf(r).out_order[r.child]); }}},
       &kEdgesSpec, true});
  t.push_back({"pprof_report_labels",
               "The header lines pprof prints above a report (File:, Type:, Time:, Duration:, Showing nodes ..., "
               "Dropped ...), in order. Parameters: report, options, symbol.",
               ParentKind::kComputed, nullptr, nullptr, false,
               {kProfileId,
                {"line_no", "INTEGER", "0-based line position.",
                 [](sqlite3_context* c, const Row& r) { Int(c, r.child); }},
                {"text", "TEXT", "The line.",
                 [](sqlite3_context* c, const Row& r) { Text(c, DataOf(r).labels[r.child]); }}},
               &kLabelsSpec, true});
  t.push_back({"pprof_diff",
               "Two profiles compared node by node (functions by default; any granularity through options): the "
               "values in the profile and in the base, their difference and ratio, biggest change in cum first. "
               "Parameters: base_id (a loaded profile's id, required) and options (report flags, e.g. "
               "'-sample_index=alloc_space -lines'). For pprof's own -diff_base report, see pprof_prepare.",
               ParentKind::kComputed, nullptr, nullptr, false,
               {kProfileId,
                {"name", "TEXT", "The node's name (the function at the default granularity).",
                 [](sqlite3_context* c, const Row& r) { Text(c, DiffOf(r).name); }},
                {"flat", "INTEGER", "flat in the profile.", [](sqlite3_context* c, const Row& r) { Int(c, DiffOf(r).flat); }},
                {"base_flat", "INTEGER", "flat in the base.",
                 [](sqlite3_context* c, const Row& r) { Int(c, DiffOf(r).base_flat); }},
                {"flat_delta", "INTEGER", "flat - base_flat.",
                 [](sqlite3_context* c, const Row& r) { Int(c, DiffOf(r).flat - DiffOf(r).base_flat); }},
                {"cum", "INTEGER", "cum in the profile.", [](sqlite3_context* c, const Row& r) { Int(c, DiffOf(r).cum); }},
                {"base_cum", "INTEGER", "cum in the base.",
                 [](sqlite3_context* c, const Row& r) { Int(c, DiffOf(r).base_cum); }},
                {"cum_delta", "INTEGER", "cum - base_cum.",
                 [](sqlite3_context* c, const Row& r) { Int(c, DiffOf(r).cum - DiffOf(r).base_cum); }},
                {"cum_ratio", "REAL", "cum / base_cum, or NULL when the base has none.",
                 [](sqlite3_context* c, const Row& r) {
                   if (DiffOf(r).base_cum == 0) return sqlite3_result_null(c);
                   sqlite3_result_double(c, static_cast<double>(DiffOf(r).cum) / static_cast<double>(DiffOf(r).base_cum));
                 }},
                {"sample_type", "TEXT", "The sample type compared.",
                 [](sqlite3_context* c, const Row& r) { Text(c, static_cast<const DiffData*>(r.computed)->sample_type); }}},
               &kDiffSpec, true});
  return t;
}

}  // namespace pprofsql
