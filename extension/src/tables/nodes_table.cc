// The relational flat/cum core: pprof's graph as plain rows, per profile,
// granularity, inlining mode and sample type, before any trimming and with
// raw values, so that SQL (the report views, a user's own queries, a BI tool
// on an imported database) can compute every report from it.
//
//   pprof_nodes        one row per node: its name parts, flat and cum
//   pprof_node_edges   the untrimmed graph's edges (what -peek prints)
//   pprof_node_stacks  the distinct stacks of nodes with their values: SQL
//                      walks them to get the edges of a trimmed graph
//                      (-nodecount, -nodefraction), residual edges included
//
// granularity, inlines and sample_type are ordinary columns that select the
// computation (vtab/table.h Dimension): unconstrained they mean every value,
// and `= ?` / `IN (...)` on them computes only what is asked. Each
// computation is cached in the registry like the report tables'.
#include <fmt/format.h>

#include <algorithm>

#include "base/sqlite_util.h"
#include "functions/functions.h"
#include "report/graph.h"
#include "vtab/table.h"

namespace pprofsql {
namespace {

// What the dimensions select: parsed from the cursor's values.
struct CoreArgs {
  std::string granularity;
  bool inlines = true;
  int sample_index = 0;
  std::string sample_unit;
};

// The report profile (drop_frames applied; the graph reports skip the
// self-merge) and the arguments, or the error to report.
struct CoreInput {
  std::shared_ptr<const LoadedProfile> profile;
  CoreArgs args;
  GraphInputs inputs;
};

Result<CoreInput> PrepareCore(const LoadedProfile& loaded, const Registry& reg, const std::vector<std::string>& args) {
  if (args.size() != 3) return Status::Error("internal error: expected granularity, inlines and sample_type");
  auto rp = ReportProfile(loaded, reg, /*merge=*/false);
  if (!rp.ok()) return rp.status();
  CoreInput in;
  in.profile = std::move(rp.value());
  const Profile& p = *in.profile->profile;
  in.args.granularity = args[0];
  in.args.inlines = args[1] != "0";
  // pprof's SampleIndexByName: the first type of that name.
  in.args.sample_index = -1;
  for (size_t i = 0; i < p.sample_types.size(); i++) {
    if (p.str(p.sample_types[i].type) == args[2]) {
      in.args.sample_index = static_cast<int>(i);
      in.args.sample_unit = std::string(p.str(p.sample_types[i].unit));
      break;
    }
  }
  if (in.args.sample_index < 0) return Status::Error(fmt::format("no sample type '{}'", args[2]));
  in.inputs.trim_path = reg.trim_path;
  in.inputs.source_path = reg.source_path;
  return in;
}

struct NodesData {
  NodeGraph graph;
  CoreArgs args;
  std::vector<int64_t> row_of_id;  // per node id: its row, or -1 (node_id lookups, e.g. joins with the edges)
};

// pprof_nodes needs no edges; pprof_node_edges computes them apart (a hash
// lookup per frame of every sample: most of a graph's cost).
Result<std::shared_ptr<const void>> ComputeGraph(const LoadedProfile& loaded, const Registry& reg,
                                                 const std::vector<std::string>& args, bool with_edges) {
  auto in = PrepareCore(loaded, reg, args);
  if (!in.ok()) return in.status();
  auto g = BuildNodeGraph(*in->profile->profile, in->args.granularity, in->args.inlines, in->args.sample_index,
                          with_edges, in->inputs);
  if (!g.ok()) return g.status();
  auto data = std::make_shared<NodesData>();
  data->graph = std::move(g.value());
  data->args = in->args;
  const std::vector<uint32_t>& ids = data->graph.node_ids;
  data->row_of_id.assign(ids.empty() ? 0 : *std::max_element(ids.begin(), ids.end()) + size_t{1}, -1);
  for (size_t i = 0; i < ids.size(); i++) data->row_of_id[ids[i]] = static_cast<int64_t>(i);
  return std::shared_ptr<const void>(std::move(data));
}
Result<std::shared_ptr<const void>> ComputeNodes(const LoadedProfile& loaded, const Registry& reg,
                                                 const std::vector<std::string>& args) {
  return ComputeGraph(loaded, reg, args, false);
}
Result<std::shared_ptr<const void>> ComputeEdges(const LoadedProfile& loaded, const Registry& reg,
                                                 const std::vector<std::string>& args) {
  return ComputeGraph(loaded, reg, args, true);
}

struct StacksData {
  NodeStacks stacks;
  std::vector<uint32_t> stack_of;  // per frame: its stack
  // The frames of each node, in row order: frames_of_node[node_begin[id] ..
  // node_begin[id + 1]) (a join on node_id reads a node's frames alone:
  // -top's inline labels walk only the stacks of the nodes it shows).
  std::vector<uint32_t> node_begin, frames_of_node;
};

Result<std::shared_ptr<const void>> ComputeStacks(const LoadedProfile& loaded, const Registry& reg,
                                                  const std::vector<std::string>& args) {
  auto in = PrepareCore(loaded, reg, args);
  if (!in.ok()) return in.status();
  auto s = BuildNodeStacks(*in->profile->profile, in->args.granularity, in->args.inlines, in->args.sample_index,
                           in->inputs);
  if (!s.ok()) return s.status();
  auto data = std::make_shared<StacksData>();
  data->stacks = std::move(s.value());
  data->stack_of.reserve(data->stacks.node.size());
  for (uint32_t st = 0; st + 1 < data->stacks.begin.size(); st++) {
    data->stack_of.insert(data->stack_of.end(), data->stacks.begin[st + 1] - data->stacks.begin[st], st);
  }
  const std::vector<uint32_t>& node = data->stacks.node;
  const uint32_t max_id = node.empty() ? 0 : *std::max_element(node.begin(), node.end());
  data->node_begin.assign(max_id + size_t{2}, 0);
  for (uint32_t id : node) data->node_begin[id + size_t{1}]++;
  for (size_t i = 1; i < data->node_begin.size(); i++) data->node_begin[i] += data->node_begin[i - 1];
  data->frames_of_node.resize(node.size());
  std::vector<uint32_t> next(data->node_begin.begin(), data->node_begin.end() - 1);
  for (uint32_t f = 0; f < node.size(); f++) data->frames_of_node[next[node[f]]++] = f;
  return std::shared_ptr<const void>(std::move(data));
}

std::vector<std::string> Granularities(const LoadedProfile&) {
  return {"functions", "filefunctions", "files", "lines", "addresses"};
}
std::vector<std::string> InlineModes(const LoadedProfile&) { return {"1", "0"}; }
std::vector<std::string> SampleTypes(const LoadedProfile& lp) {
  std::vector<std::string> out;
  const Profile& p = *lp.profile;
  for (const ValueType& t : p.sample_types) {
    std::string name(p.str(t.type));
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
  }
  return out;
}

const std::vector<Dimension> kCoreDims = {
    {"granularity", Granularities}, {"inlines", InlineModes}, {"sample_type", SampleTypes}};

const NodesData& NodesOf(const Row& r) { return *static_cast<const NodesData*>(r.computed); }
const NodeGraph& GraphOf(const Row& r) { return NodesOf(r).graph; }
const GraphNode& NodeOf(const Row& r) { return GraphOf(r).nodes[r.child]; }
const GraphEdge& EdgeOf(const Row& r) { return GraphOf(r).edges[r.child]; }
const StacksData& StacksOf(const Row& r) { return *static_cast<const StacksData*>(r.computed); }

const ComputedSpec kNodesSpec = {"core_nodes", {}, ComputeNodes,
                                 [](const void* d) {
                                   return static_cast<uint32_t>(static_cast<const NodesData*>(d)->graph.nodes.size());
                                 },
                                 kCoreDims,
                                 [](const void* d, int64_t id, std::vector<uint32_t>& rows) {
                                   const auto& row_of = static_cast<const NodesData*>(d)->row_of_id;
                                   if (id >= 0 && static_cast<uint64_t>(id) < row_of.size() &&
                                       row_of[static_cast<size_t>(id)] >= 0) {
                                     rows.push_back(static_cast<uint32_t>(row_of[static_cast<size_t>(id)]));
                                   }
                                 }};
const ComputedSpec kNodeEdgesSpec = {"core_edges", {}, ComputeEdges,
                                     [](const void* d) {
                                       return static_cast<uint32_t>(
                                           static_cast<const NodesData*>(d)->graph.edges.size());
                                     },
                                     kCoreDims};
const ComputedSpec kNodeStacksSpec = {"core_stacks", {}, ComputeStacks,
                                      [](const void* d) {
                                        return static_cast<uint32_t>(
                                            static_cast<const StacksData*>(d)->stacks.node.size());
                                      },
                                      kCoreDims,
                                      [](const void* d, int64_t id, std::vector<uint32_t>& rows) {
                                        const auto& data = *static_cast<const StacksData*>(d);
                                        if (id < 0 || static_cast<uint64_t>(id) + 1 >= data.node_begin.size()) return;
                                        const size_t i = static_cast<size_t>(id);
                                        rows.insert(rows.end(), data.frames_of_node.begin() + data.node_begin[i],
                                                    data.frames_of_node.begin() + data.node_begin[i + 1]);
                                      },
                                      {"stack_id", "depth"}};

void Int(sqlite3_context* c, int64_t v) { sqlite3_result_int64(c, v); }
void Text(sqlite3_context* c, std::string_view s) { ResultText(c, s); }
void TextOrNull(sqlite3_context* c, const std::string& s) {
  if (s.empty()) return sqlite3_result_null(c);
  ResultText(c, s);
}

const ColumnSpec kProfileId = {"profile_id", "INTEGER", "Id returned by pprof_load.",
                               [](sqlite3_context* c, const Row& r) { Int(c, r.loaded->id); }};
// The dimensions' columns: the cursor emits their values.
const ColumnSpec kGranularity = {"granularity", "TEXT",
                                 "functions, filefunctions, files, lines or addresses (pprof's -functions ... "
                                 "-addresses).",
                                 nullptr};
const ColumnSpec kInlines = {"inlines", "INTEGER", "1: inlined calls are nodes of their own; 0: as -noinlines.",
                             nullptr};
const ColumnSpec kSampleType = {"sample_type", "TEXT", "The sample type the values are of (as -sample_index=).",
                                nullptr};

}  // namespace

std::vector<TableSpec> NodesTables() {
  std::vector<TableSpec> t;
  t.push_back(
      {"pprof_nodes",
       "The relational flat/cum core: pprof's call graph nodes for every granularity, inlining mode and sample "
       "type, before any trimming (-nodecount, -nodefraction) and with raw values (no -mean, -drop_negative), in "
       "the profile pprof reports on (drop_frames applied). granularity, inlines and sample_type are ordinary "
       "columns: constrain them to compute only what you need.",
       ParentKind::kComputed, "node_id", nullptr, false,
       {kProfileId, kGranularity, kInlines, kSampleType,
        {"node_id", "INTEGER", "The node's id: the same node has the same id for every sample type.",
         [](sqlite3_context* c, const Row& r) { Int(c, GraphOf(r).node_ids[r.child]); }},
        {"rank", "INTEGER", "0-based position in -top's order (flat, then pprof's tie-breaks).",
         [](sqlite3_context* c, const Row& r) { Int(c, r.child); }},
        {"name", "TEXT", "The node's name as pprof prints it at this granularity.",
         [](sqlite3_context* c, const Row& r) { Text(c, NodeOf(r).printable); }},
        {"function", "TEXT", "The function's name, or NULL when the granularity drops it.",
         [](sqlite3_context* c, const Row& r) { TextOrNull(c, NodeOf(r).info.name); }},
        {"file", "TEXT", "The source file as pprof prints it (after -trim_path, cleaned), or NULL.",
         [](sqlite3_context* c, const Row& r) { TextOrNull(c, NodeOf(r).info.file); }},
        {"line", "INTEGER", "The line number (lines and addresses granularities), else 0.",
         [](sqlite3_context* c, const Row& r) { Int(c, NodeOf(r).info.lineno); }},
        {"address", "INTEGER", "The address (addresses granularity), else 0.",
         [](sqlite3_context* c, const Row& r) { Int(c, static_cast<int64_t>(NodeOf(r).info.address)); }},
        {"start_line", "INTEGER", "The function's start line, kept (as pprof does) only for nodes without a name.",
         [](sqlite3_context* c, const Row& r) { Int(c, NodeOf(r).info.start_line); }},
        {"function_start_line", "INTEGER",
         "The start line of the node's function, for every node with one (of the first function that made the "
         "node), else 0: where -list's listing of the function starts.",
         [](sqlite3_context* c, const Row& r) { Int(c, NodeOf(r).function_start_line); }},
        {"binary", "TEXT", "The mapping's file, kept (as pprof does) only for nodes without a function name.",
         [](sqlite3_context* c, const Row& r) { TextOrNull(c, NodeOf(r).info.objfile); }},
        {"flat", "INTEGER", "Sum of the values of the samples whose leaf is this node.",
         [](sqlite3_context* c, const Row& r) { Int(c, NodeOf(r).flat); }},
        {"cum", "INTEGER", "Sum of the values of the samples that contain this node, once per sample.",
         [](sqlite3_context* c, const Row& r) { Int(c, NodeOf(r).cum); }},
        {"sort_key", "TEXT", "pprof's last sort tie-break (the NodeInfo struct as Go prints it).",
         [](sqlite3_context* c, const Row& r) { Text(c, NodeOf(r).info.GoString()); }},
        {"unit", "TEXT", "The unit of the sample type, e.g. bytes or nanoseconds.",
         [](sqlite3_context* c, const Row& r) { Text(c, NodesOf(r).args.sample_unit); }}},
       &kNodesSpec, false});
  t.push_back(
      {"pprof_node_edges",
       "The edges of the untrimmed graph of pprof_nodes: caller to callee, weighted by the samples in which the "
       "callee follows the caller, once per sample (what -peek prints).",
       ParentKind::kComputed, nullptr, nullptr, false,
       {kProfileId, kGranularity, kInlines, kSampleType,
        {"caller_id", "INTEGER", "The caller's node_id in pprof_nodes.",
         [](sqlite3_context* c, const Row& r) { Int(c, GraphOf(r).node_ids[EdgeOf(r).src]); }},
        {"callee_id", "INTEGER", "The callee's node_id in pprof_nodes.",
         [](sqlite3_context* c, const Row& r) { Int(c, GraphOf(r).node_ids[EdgeOf(r).dst]); }},
        {"weight", "INTEGER", "The edge's value.", [](sqlite3_context* c, const Row& r) { Int(c, EdgeOf(r).weight); }},
        {"is_inline", "INTEGER", "1 if every call along this edge was inlined.",
         [](sqlite3_context* c, const Row& r) { Int(c, EdgeOf(r).inline_call ? 1 : 0); }}},
       &kNodeEdgesSpec, false});
  t.push_back(
      {"pprof_node_stacks",
       "The distinct stacks of pprof_nodes of the samples with a value, frame by frame, with the sum of their "
       "values: what SQL walks to get the edges of a trimmed graph (keep the frames of the kept nodes; each "
       "frame's caller is the next kept frame towards the root; see docs/SCHEMA.md).",
       ParentKind::kComputed, "node_id", nullptr, false,
       {kProfileId, kGranularity, kInlines, kSampleType,
        {"stack_id", "INTEGER", "The stack's id (per profile, granularity, inlines and sample type).",
         [](sqlite3_context* c, const Row& r) { Int(c, StacksOf(r).stack_of[r.child]); }},
        {"depth", "INTEGER",
         "0 for the leaf, counting towards the root; consecutive frames of the same node are one frame.",
         [](sqlite3_context* c, const Row& r) {
           const StacksData& d = StacksOf(r);
           Int(c, r.child - d.stacks.begin[d.stack_of[r.child]]);
         }},
        {"node_id", "INTEGER", "The frame's node_id in pprof_nodes.",
         [](sqlite3_context* c, const Row& r) { Int(c, StacksOf(r).stacks.node[r.child]); }},
        {"is_inline", "INTEGER", "1 if the call into this frame was inlined (its line is not the location's last).",
         [](sqlite3_context* c, const Row& r) { Int(c, StacksOf(r).stacks.inlined[r.child]); }},
        {"value", "INTEGER", "Sum of the values of the samples with this stack (the same on each of its frames).",
         [](sqlite3_context* c, const Row& r) {
           const StacksData& d = StacksOf(r);
           Int(c, d.stacks.value[d.stack_of[r.child]]);
         }},
        {"sample_count", "INTEGER", "How many samples (with a value of this type) have this stack.",
         [](sqlite3_context* c, const Row& r) {
           const StacksData& d = StacksOf(r);
           Int(c, d.stacks.samples[d.stack_of[r.child]]);
         }}},
       &kNodeStacksSpec, false});
  return t;
}

}  // namespace pprofsql
