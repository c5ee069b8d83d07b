// pprof's call graph, as its text reports build it (graph.go: newGraph,
// CreateNodes, nodeInfo; report.go: newTrimmedGraph, selectOutputUnit).
//
// A node is one distinct NodeInfo (function name, file, line, address,
// start line, binary, as far as the granularity keeps them); every
// (location, line) of the profile maps to one node. For each sample, walking
// its inline-expanded stack from the root to the leaf, every node on it gets
// the sample's value once (cum), the leaf-most node gets it as flat, and each
// distinct (caller, callee) pair gets it once as an edge.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/go_int.h"
#include "base/status.h"
#include "model/profile.h"
#include "report/options.h"

namespace pprofsql {

struct NodeInfo {
  std::string name;  // Function.name (empty when the granularity drops it)
  uint64_t address = 0;
  std::string file;  // trimmed (-trim_path) and cleaned Function.filename
  int64_t start_line = 0;
  int64_t lineno = 0;
  std::string objfile;  // the mapping's file, kept only for unnamed nodes (or -list)

  bool operator==(const NodeInfo& o) const {
    return address == o.address && start_line == o.start_line && lineno == o.lineno && name == o.name &&
           file == o.file && objfile == o.objfile;
  }
  // NodeInfo.PrintableName: "[address ]name[ file:line | file | [binary] | <unknown>]".
  std::string PrintableName() const;
  // Go's fmt.Sprint of the NodeInfo struct: the sort's last tie-break.
  std::string GoString() const;
};

struct GraphEdge {
  uint32_t src = 0, dst = 0;  // node indices
  int64_t weight = 0, weight_div = 0;
  bool residual = false;
  bool inline_call = true;  // every contribution was an inlined call
};

struct GraphNode {
  NodeInfo info;
  std::string printable;
  int64_t flat = 0, flat_div = 0, cum = 0, cum_div = 0;
  // Position in pprof's own node order (CreateNodes: first use, location by
  // location), which the report's sort loses; -list's windows depend on it.
  uint32_t created = 0;
  // The start line of the function of the (location, line) that first made
  // this node, kept for every node (NodeInfo keeps it only where pprof's key
  // does): -list's window of lines starts there.
  int64_t function_start_line = 0;
  std::vector<uint32_t> in, out;  // edge indices, after edge trimming
  // -mean divides by the divisor sums (FlatValue/CumValue).
  int64_t FlatValue() const { return flat_div == 0 ? flat : GoDiv(flat, flat_div); }
  int64_t CumValue() const { return cum_div == 0 ? cum : GoDiv(cum, cum_div); }
  // "(inline)", "(partial-inline)" or "" from the incoming edges (TextItems).
  std::string InlineLabel(const std::vector<GraphEdge>& edges) const;
};

struct ReportGraph {
  std::vector<GraphNode> nodes;  // in report order (sorted), trimmed
  std::vector<GraphEdge> edges;  // edges between kept nodes; trimmed ones removed
  int64_t total = 0;             // the report Total (computeTotal)
  int orig_count = 0;            // nodes after the nodefraction cut
  int dropped_nodes = 0;
  int dropped_edges = 0;
  int sample_index = 0;
  std::string sample_type;  // the type name, "mean_" + name with -mean
  std::string sample_unit;
  std::string output_unit;  // the unit every value of the report prints in
  ReportOptions options;    // after the report's overrides
};

struct GraphInputs {
  std::string trim_path;    // -trim_path
  std::string source_path;  // -source_path (the option value; used by trimPath's heuristic)
  // The profile before filters ran, when it was filtered: pprof computes the
  // Total before -focus & co (unless -relative_percentages).
  const Profile* unfiltered = nullptr;
};

// Builds the report graph for `kind` with `options` (overrides applied here).
Result<ReportGraph> BuildReportGraph(const Profile& p, ReportOptions options, ReportKind kind,
                                     const GraphInputs& inputs);

// The relational flat/cum core (pprof_nodes, pprof_node_edges,
// pprof_node_stacks): pprof's graph of one sample type at one granularity
// and inlining mode, before any trimming, with raw values (no -mean, no
// -drop_negative). Node ids are the node keys of that granularity and
// inlining mode: the same node has the same id for every sample type.
struct NodeGraph {
  std::vector<GraphNode> nodes;    // the nodes with a value, in -top's order (flat, then pprof's tie-breaks)
  std::vector<uint32_t> node_ids;  // per node: its id
  std::vector<GraphEdge> edges;    // with_edges: src, dst are positions in `nodes`; in/out are linked
};
// The edges cost a hash lookup per frame of every sample: only with_edges.
Result<NodeGraph> BuildNodeGraph(const Profile& p, const std::string& granularity, bool inlines, int sample_index,
                                 bool with_edges, const GraphInputs& inputs);

// The distinct stacks of nodes of the samples with a value of one sample
// type, what SQL needs to rebuild the edges of any trimmed graph: per stack,
// its node ids from the leaf (depth 0) to the root, consecutive repeats of a
// node collapsed (pprof adds no edge between them), each with whether the
// call into it was inlined, and the sum of the samples' values.
struct NodeStacks {
  std::vector<uint32_t> begin;  // per stack: its first frame; one extra at the end
  std::vector<uint32_t> node;   // per frame: node id
  std::vector<char> inlined;    // per frame: the call into this node was inlined
  std::vector<int64_t> value;   // per stack
  std::vector<int64_t> samples;  // per stack: how many samples it sums
};
Result<NodeStacks> BuildNodeStacks(const Profile& p, const std::string& granularity, bool inlines, int sample_index,
                                   const GraphInputs& inputs);

// pprof's computeTotal for one sample type (and the -mean divisor, type 0).
int64_t ComputeTotal(const Profile& p, int sample_index, bool mean);

}  // namespace pprofsql
