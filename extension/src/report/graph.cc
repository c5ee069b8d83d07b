#include "report/graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <unordered_map>

#include "report/measure.h"
#include "report/source.h"

namespace pprofsql {
namespace {

struct NodeInfoHash {
  size_t operator()(const NodeInfo& n) const {
    size_t h = std::hash<std::string>()(n.name);
    auto mix = [&](size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
    mix(std::hash<std::string>()(n.file));
    mix(std::hash<std::string>()(n.objfile));
    mix(std::hash<uint64_t>()(n.address));
    mix(std::hash<int64_t>()(n.lineno));
    mix(std::hash<int64_t>()(n.start_line));
    return h;
  }
};

int64_t Abs(int64_t v) { return GoAbs(v); }

bool IsDiffBaseSample(const Profile& p, const Sample& s) {
  for (uint32_t i = s.labels_begin; i < s.labels_end; i++) {
    const struct Label& l = p.labels[i];
    if (l.is_string() && p.str(l.key) == "pprof::base" && p.str(l.str) == "true") return true;
  }
  return false;
}

// Open-addressing map from a (caller, callee) key pair to an edge index:
// the hot lookup of the graph walk, one per frame.
class EdgeTable {
 public:
  EdgeTable() { Resize(1 << 12); }
  // The index stored for `key`, inserting `next` when absent (*inserted set).
  uint32_t FindOrInsert(uint64_t key, uint32_t next, bool* inserted) {
    if (2 * (size_ + 1) > keys_.size()) Resize(keys_.size() * 2);
    size_t i = Hash(key) & mask_;
    while (true) {
      if (keys_[i] == kEmpty) {
        keys_[i] = key;
        values_[i] = next;
        size_++;
        *inserted = true;
        return next;
      }
      if (keys_[i] == key) {
        *inserted = false;
        return values_[i];
      }
      i = (i + 1) & mask_;
    }
  }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};  // keys are two 32-bit node keys; never all ones
  static size_t Hash(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return static_cast<size_t>(k);
  }
  void Resize(size_t n) {
    std::vector<uint64_t> old_keys = std::move(keys_);
    std::vector<uint32_t> old_values = std::move(values_);
    keys_.assign(n, kEmpty);
    values_.assign(n, 0);
    mask_ = n - 1;
    size_ = 0;
    for (size_t i = 0; i < old_keys.size(); i++) {
      if (old_keys[i] == kEmpty) continue;
      bool inserted;
      FindOrInsert(old_keys[i], old_values[i], &inserted);
    }
  }
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> values_;
  size_t mask_ = 0, size_ = 0;
};

// The (location, line) -> node key mapping of one report (CreateNodes after
// Profile.Aggregate), and the per-sample accumulation of newGraph.
class Builder {
 public:
  Builder(const Profile& p, const ReportOptions& o, int sample_index, bool obj_names, const GraphInputs& in)
      : p_(p), o_(o), si_(sample_index) {
    // Profile.Aggregate's flags for the granularity.
    const bool inlines = !o.noinlines;
    bool function = false, filename = false, linenumber = false, address = false;
    const std::string& g = o.granularity;
    if (g == "addresses") {
      // With inlines, pprof does not aggregate at all.
      function = filename = linenumber = true;
      address = true;
    } else if (g == "lines") {
      function = filename = linenumber = true;
    } else if (g == "files") {
      filename = true;
    } else if (g == "functions") {
      function = true;
    } else if (g == "filefunctions") {
      function = filename = true;
    }
    // report.newGraph trims every function's file name before building nodes.
    std::vector<std::string> fn_file(p.functions.size());
    for (size_t i = 0; i < p.functions.size(); i++) {
      std::string_view f = p.str(p.functions[i].filename);
      if (!filename || f.empty()) continue;
      fn_file[i] = NodeFileName(f, in.trim_path, in.source_path);
    }
    loc_begin_.reserve(p.locations.size() + 1);
    for (const Location& l : p.locations) {
      loc_begin_.push_back(static_cast<uint32_t>(slots_.size()));
      std::string objfile = l.mapping == kNone ? "" : std::string(p.str(p.mappings[l.mapping].filename));
      const uint64_t addr = address ? l.address : 0;
      if (l.lines_begin == l.lines_end) {
        NodeInfo n;
        n.address = addr;
        n.objfile = objfile;
        slots_.push_back(Intern(std::move(n), 0));
        continue;
      }
      uint32_t first = l.lines_begin;
      if (!inlines && l.lines_end - l.lines_begin > 1) first = l.lines_end - 1;
      for (uint32_t j = first; j < l.lines_end; j++) {
        const Line& line = p.lines[j];
        const Function& f = p.functions[line.function];
        NodeInfo n;
        n.address = addr;
        n.lineno = linenumber ? line.line : 0;
        if (function) n.name = std::string(p.str(f.name));
        n.file = fn_file[line.function];
        if (obj_names || n.name.empty()) {
          n.objfile = objfile;
          n.start_line = f.start_line;
        }
        slots_.push_back(Intern(std::move(n), f.start_line));
      }
    }
    loc_begin_.push_back(static_cast<uint32_t>(slots_.size()));
  }

  size_t num_keys() const { return keys_.size(); }
  // Per node of the last graph built or sorted: its key.
  const std::vector<uint32_t>& key_of_node() const { return key_of_node_; }

  // The distinct node stacks of the samples with a value (NodeStacks).
  NodeStacks Stacks() const {
    NodeStacks out;
    out.begin.push_back(0);
    // A stack's key: its frames from the root, each node key shifted left
    // once with the inlined bit below, as bytes.
    std::unordered_map<std::string, uint32_t> index;
    std::vector<uint32_t> seq;
    std::string key;
    const size_t ntypes = p_.num_types();
    for (size_t s = 0; s < p_.samples.size(); s++) {
      const int64_t w = p_.values[s * ntypes + static_cast<size_t>(si_)];
      if (w == 0) continue;  // newGraph skips samples without value
      const Sample& smp = p_.samples[s];
      seq.clear();
      uint32_t last = ~uint32_t{0};
      for (uint32_t i = smp.stack_end; i-- > smp.stack_begin;) {
        const uint32_t loc = p_.stack[i];
        const uint32_t b = loc_begin_[loc], e = loc_begin_[loc + 1];
        for (uint32_t ni = e; ni-- > b;) {
          const uint32_t n = slots_[ni];
          if (n == last) continue;  // no edge between repeats (newGraph: n != parent)
          seq.push_back(n << 1 | (ni != e - 1 ? 1u : 0u));
          last = n;
        }
      }
      key.assign(reinterpret_cast<const char*>(seq.data()), seq.size() * sizeof(uint32_t));
      auto [it, fresh] = index.try_emplace(key, static_cast<uint32_t>(out.value.size()));
      if (fresh) {
        for (size_t j = seq.size(); j-- > 0;) {
          out.node.push_back(seq[j] >> 1);
          out.inlined.push_back(static_cast<char>(seq[j] & 1));
        }
        out.begin.push_back(static_cast<uint32_t>(out.node.size()));
        out.value.push_back(0);
        out.samples.push_back(0);
      }
      out.value[it->second] = GoAdd(out.value[it->second], w);
      out.samples[it->second]++;
    }
    return out;
  }

  // newGraph: builds the graph of the nodes in `kept` (all when empty), and
  // its edges when `with_edges` (reports that print no edges skip them).
  ReportGraph Build(const std::vector<char>& kept, bool with_edges) {
    const size_t nk = keys_.size();
    std::vector<int64_t> flat(nk), flat_div(nk), cum(nk), cum_div(nk);
    std::vector<uint64_t> seen(nk, 0);
    struct EdgeAcc {
      GraphEdge e;
      uint64_t seen;
    };
    std::vector<EdgeAcc> edges;
    EdgeTable edge_index;
    const size_t ntypes = p_.num_types();
    for (size_t s = 0; s < p_.samples.size(); s++) {
      const int64_t w = p_.values[s * ntypes + static_cast<size_t>(si_)];
      const int64_t dw = o_.mean ? p_.values[s * ntypes] : 0;
      if (w == 0 && dw == 0) continue;
      const uint64_t stamp = s + 1;
      const Sample& smp = p_.samples[s];
      int64_t parent = -1;
      bool residual = false;
      for (uint32_t i = smp.stack_end; i-- > smp.stack_begin;) {
        const uint32_t loc = p_.stack[i];
        const uint32_t b = loc_begin_[loc], e = loc_begin_[loc + 1];
        for (uint32_t ni = e; ni-- > b;) {
          const uint32_t n = slots_[ni];
          if (!kept.empty() && !kept[n]) {
            residual = true;
            continue;
          }
          if (seen[n] != stamp) {
            seen[n] = stamp;
            cum[n] = GoAdd(cum[n], w);
            cum_div[n] = GoAdd(cum_div[n], dw);
          }
          if (with_edges && parent >= 0 && static_cast<uint32_t>(parent) != n) {
            const uint64_t key = (static_cast<uint64_t>(parent) << 32) | n;
            bool inserted;
            const uint32_t index = edge_index.FindOrInsert(key, static_cast<uint32_t>(edges.size()), &inserted);
            const bool is_inline = ni != e - 1;
            if (inserted) {
              EdgeAcc acc;
              acc.e.src = static_cast<uint32_t>(parent);
              acc.e.dst = n;
              acc.e.inline_call = is_inline;
              acc.e.residual = residual;
              acc.seen = 0;
              edges.push_back(acc);
            }
            EdgeAcc& acc = edges[index];
            if (acc.seen != stamp) {
              acc.seen = stamp;
              acc.e.weight = GoAdd(acc.e.weight, w);
              acc.e.weight_div = GoAdd(acc.e.weight_div, dw);
              if (residual) acc.e.residual = true;
              if (!is_inline) acc.e.inline_call = false;
            }
          }
          parent = n;
          residual = false;
        }
      }
      if (parent >= 0 && !residual) {
        flat[static_cast<size_t>(parent)] = GoAdd(flat[static_cast<size_t>(parent)], w);
        flat_div[static_cast<size_t>(parent)] = GoAdd(flat_div[static_cast<size_t>(parent)], dw);
      }
    }
    // selectNodesForGraph: nodes with no weight at all are left out.
    ReportGraph g;
    std::vector<int64_t> node_of(nk, -1);
    for (size_t k = 0; k < nk; k++) {
      if (flat[k] == 0 && cum[k] == 0) continue;
      if (o_.drop_negative && (flat[k] < 0 || (flat[k] == 0 && cum[k] < 0))) continue;
      node_of[k] = static_cast<int64_t>(g.nodes.size());
      GraphNode n;
      n.info = keys_[k];
      n.created = static_cast<uint32_t>(k);
      n.function_start_line = function_start_[k];
      n.printable = printable_[k];
      n.flat = flat[k];
      n.flat_div = flat_div[k];
      n.cum = cum[k];
      n.cum_div = cum_div[k];
      g.nodes.push_back(std::move(n));
    }
    for (EdgeAcc& acc : edges) {
      if (node_of[acc.e.src] < 0 || node_of[acc.e.dst] < 0) continue;
      acc.e.src = static_cast<uint32_t>(node_of[acc.e.src]);
      acc.e.dst = static_cast<uint32_t>(node_of[acc.e.dst]);
      g.edges.push_back(acc.e);
    }
    key_of_node_.assign(g.nodes.size(), 0);
    for (size_t k = 0; k < nk; k++) {
      if (node_of[k] >= 0) key_of_node_[static_cast<size_t>(node_of[k])] = static_cast<uint32_t>(k);
    }
    return g;
  }

  // The node keys of `g`'s first `count` nodes (or those passing `keep`).
  std::vector<char> KeptSet(const ReportGraph& g, const std::function<bool(const GraphNode&, size_t)>& keep) const {
    std::vector<char> kept(keys_.size(), 0);
    for (size_t i = 0; i < g.nodes.size(); i++) {
      if (keep(g.nodes[i], i)) kept[key_of_node_[i]] = 1;
    }
    return kept;
  }

  // Drops the nodes not in `kept` (a graph without edges).
  void Keep(ReportGraph& g, const std::vector<char>& kept) {
    std::vector<GraphNode> nodes;
    std::vector<uint32_t> keys;
    for (size_t i = 0; i < g.nodes.size(); i++) {
      if (!kept[key_of_node_[i]]) continue;
      nodes.push_back(std::move(g.nodes[i]));
      keys.push_back(key_of_node_[i]);
    }
    g.nodes = std::move(nodes);
    key_of_node_ = std::move(keys);
  }

  // Keeps key_of_node_ in step when the caller sorts g.nodes.
  void Sort(ReportGraph& g, bool cum_sort) {
    std::vector<size_t> order(g.nodes.size());
    for (size_t i = 0; i < order.size(); i++) order[i] = i;
    std::vector<std::string> go_strings(g.nodes.size());
    for (size_t i = 0; i < g.nodes.size(); i++) go_strings[i] = g.nodes[i].info.GoString();
    auto less = [&](size_t a, size_t b) {
      const GraphNode &l = g.nodes[a], &r = g.nodes[b];
      int64_t l1 = Abs(cum_sort ? l.cum : l.flat), r1 = Abs(cum_sort ? r.cum : r.flat);
      if (l1 != r1) return l1 > r1;
      if (l.printable != r.printable) return l.printable < r.printable;
      int64_t l2 = Abs(cum_sort ? l.flat : l.cum), r2 = Abs(cum_sort ? r.flat : r.cum);
      if (l2 != r2) return l2 > r2;
      return go_strings[a] < go_strings[b];
    };
    std::sort(order.begin(), order.end(), less);
    std::vector<size_t> new_pos(order.size());
    for (size_t i = 0; i < order.size(); i++) new_pos[order[i]] = i;
    std::vector<GraphNode> nodes(g.nodes.size());
    std::vector<uint32_t> keys(g.nodes.size());
    for (size_t i = 0; i < order.size(); i++) {
      nodes[i] = std::move(g.nodes[order[i]]);
      keys[i] = key_of_node_[order[i]];
    }
    g.nodes = std::move(nodes);
    key_of_node_ = std::move(keys);
    for (GraphEdge& e : g.edges) {
      e.src = static_cast<uint32_t>(new_pos[e.src]);
      e.dst = static_cast<uint32_t>(new_pos[e.dst]);
    }
  }

 private:
  uint32_t Intern(NodeInfo n, int64_t function_start_line) {
    auto it = key_index_.find(n);
    if (it != key_index_.end()) return it->second;
    uint32_t id = static_cast<uint32_t>(keys_.size());
    printable_.push_back(n.PrintableName());
    function_start_.push_back(function_start_line);
    key_index_.emplace(n, id);
    keys_.push_back(std::move(n));
    return id;
  }

  const Profile& p_;
  const ReportOptions& o_;
  int si_;
  std::vector<NodeInfo> keys_;
  std::vector<std::string> printable_;
  std::vector<int64_t> function_start_;  // per key: Intern's function_start_line when it was made
  std::unordered_map<NodeInfo, uint32_t, NodeInfoHash> key_index_;
  std::vector<uint32_t> loc_begin_;  // per location: first slot; one extra at the end
  std::vector<uint32_t> slots_;      // node keys, in line order
  std::vector<uint32_t> key_of_node_;
};

// TrimLowFrequencyEdges: drops edges lighter than the cutoff; returns how many.
int TrimEdges(ReportGraph& g, int64_t cutoff) {
  std::vector<GraphEdge> kept;
  int dropped = 0;
  for (const GraphEdge& e : g.edges) {
    if (Abs(e.weight) < cutoff) {
      dropped++;
    } else {
      kept.push_back(e);
    }
  }
  g.edges = std::move(kept);
  return dropped;
}

void LinkEdges(ReportGraph& g) {
  for (GraphNode& n : g.nodes) {
    n.in.clear();
    n.out.clear();
  }
  for (size_t i = 0; i < g.edges.size(); i++) {
    g.nodes[g.edges[i].dst].in.push_back(static_cast<uint32_t>(i));
    g.nodes[g.edges[i].src].out.push_back(static_cast<uint32_t>(i));
  }
}

}  // namespace

std::string NodeInfo::PrintableName() const {
  std::string out;
  if (address != 0) out = fmt::format("{:016x}", address);
  auto add = [&](const std::string& s) {
    if (!out.empty()) out += ' ';
    out += s;
  };
  if (!name.empty()) add(name);
  if (lineno != 0) {
    add(fmt::format("{}:{}", file, lineno));
  } else if (!file.empty()) {
    add(file);
  } else if (!name.empty()) {
    // the name is already there
  } else if (!objfile.empty()) {
    add("[" + BasePath(objfile) + "]");
  } else {
    add("<unknown>");
  }
  return out;
}

std::string NodeInfo::GoString() const {
  // {Name OrigName Address File StartLine Lineno Objfile}; OrigName is always empty here.
  return fmt::format("{{{}  {} {} {} {} {}}}", name, address, file, start_line, lineno, objfile);
}

std::string GraphNode::InlineLabel(const std::vector<GraphEdge>& edges) const {
  bool inl = false, noinl = false;
  for (uint32_t e : in) (edges[e].inline_call ? inl : noinl) = true;
  if (!inl) return "";
  return noinl ? "(partial-inline)" : "(inline)";
}

int64_t ComputeTotal(const Profile& p, int si, bool mean) {
  int64_t total = 0, div = 0, diff_total = 0, diff_div = 0;
  const size_t n = p.num_types();
  for (size_t s = 0; s < p.samples.size(); s++) {
    int64_t v = p.values[s * n + static_cast<size_t>(si)];
    int64_t d = mean ? p.values[s * n] : 0;
    v = GoAbs(v);
    total = GoAdd(total, v);
    div = GoAdd(div, d);
    if (IsDiffBaseSample(p, p.samples[s])) {
      diff_total = GoAdd(diff_total, v);
      diff_div = GoAdd(diff_div, d);
    }
  }
  if (diff_total > 0) {
    total = diff_total;
    div = diff_div;
  }
  return div != 0 ? GoDiv(total, div) : total;
}

namespace {

bool KnownGranularity(const std::string& g) {
  return g == "functions" || g == "filefunctions" || g == "files" || g == "lines" || g == "addresses";
}

// The options of the core's untrimmed, raw graphs.
Result<ReportOptions> CoreOptions(const Profile& p, const std::string& granularity, bool inlines, int sample_index) {
  if (!KnownGranularity(granularity)) return Status::Error(fmt::format("unknown granularity '{}'", granularity));
  if (sample_index < 0 || static_cast<size_t>(sample_index) >= p.num_types()) {
    return Status::Error(fmt::format("sample index {} out of range", sample_index));
  }
  ReportOptions o;
  o.granularity = granularity;
  o.noinlines = !inlines;
  return o;
}

}  // namespace

Result<NodeGraph> BuildNodeGraph(const Profile& p, const std::string& granularity, bool inlines, int sample_index,
                                 bool with_edges, const GraphInputs& in) {
  auto o = CoreOptions(p, granularity, inlines, sample_index);
  if (!o.ok()) return o.status();
  Builder b(p, *o, sample_index, /*obj_names=*/false, in);
  ReportGraph g = b.Build({}, with_edges);
  b.Sort(g, /*cum_sort=*/false);
  LinkEdges(g);
  NodeGraph out;
  out.nodes = std::move(g.nodes);
  out.edges = std::move(g.edges);
  out.node_ids = b.key_of_node();
  return out;
}

Result<NodeStacks> BuildNodeStacks(const Profile& p, const std::string& granularity, bool inlines, int sample_index,
                                   const GraphInputs& in) {
  auto o = CoreOptions(p, granularity, inlines, sample_index);
  if (!o.ok()) return o.status();
  Builder b(p, *o, sample_index, /*obj_names=*/false, in);
  return b.Stacks();
}

Result<ReportGraph> BuildReportGraph(const Profile& p, ReportOptions o, ReportKind kind, const GraphInputs& in) {
  o.ApplyOverrides(kind);
  auto si = ResolveSampleIndex(p, o.sample_index);
  if (!si.ok()) return si.status();
  if (!KnownGranularity(o.granularity)) return Status::Error("unexpected granularity");
  const bool obj_names = kind == ReportKind::kList || kind == ReportKind::kRaw;
  Builder b(p, o, *si, obj_names, in);

  // Only -top, -peek and -tree print anything that depends on edges (the
  // inline labels, callers and callees).
  const bool with_edges = kind == ReportKind::kTop || kind == ReportKind::kPeek || kind == ReportKind::kTree;
  // pprof rebuilds the graph from the samples after each trimming step; a
  // kept node's flat and cum do not change in a rebuild (only the edges,
  // which then skip the dropped nodes), so one walk gives every node's
  // values, the trimming works on them, and one more walk with the final
  // set of nodes gives the edges.
  ReportGraph graph = b.Build({}, false);
  const size_t all_nodes = graph.nodes.size();
  // Nodes.Sum of the full graph: signed flat.
  int64_t total_value = 0;
  for (const GraphNode& n : graph.nodes) total_value = GoAdd(total_value, n.flat);
  const int64_t node_cutoff = Abs(GoFloatToInt64(static_cast<double>(total_value) * o.nodefraction));
  const int64_t edge_cutoff = Abs(GoFloatToInt64(static_cast<double>(total_value) * o.edgefraction));
  int dropped_nodes = 0;
  if (node_cutoff > 0) {
    std::vector<char> kept = b.KeptSet(graph, [&](const GraphNode& n, size_t) { return Abs(n.cum) >= node_cutoff; });
    size_t nkept = static_cast<size_t>(std::count(kept.begin(), kept.end(), 1));
    if (nkept != graph.nodes.size()) {
      dropped_nodes = static_cast<int>(graph.nodes.size() - nkept);
      b.Keep(graph, kept);
    }
  }
  const int orig_count = static_cast<int>(graph.nodes.size());
  b.Sort(graph, o.cum_sort);
  if (o.nodecount > 0 && static_cast<size_t>(o.nodecount) < graph.nodes.size()) {
    const size_t limit = static_cast<size_t>(o.nodecount);
    b.Keep(graph, b.KeptSet(graph, [&](const GraphNode&, size_t i) { return i < limit; }));
  }
  if (with_edges) {
    std::vector<char> kept;
    if (graph.nodes.size() != all_nodes) kept = b.KeptSet(graph, [](const GraphNode&, size_t) { return true; });
    graph = b.Build(kept, true);
    b.Sort(graph, o.cum_sort);
  }
  graph.dropped_edges = TrimEdges(graph, edge_cutoff);
  LinkEdges(graph);
  graph.orig_count = orig_count;
  graph.dropped_nodes = dropped_nodes;
  graph.sample_index = *si;
  const ValueType& vt = p.sample_types[static_cast<size_t>(*si)];
  graph.sample_type = (o.mean ? "mean_" : "") + std::string(p.str(vt.type));
  graph.sample_unit = std::string(p.str(vt.unit));
  const Profile& total_from = in.unfiltered && !o.relative_percentages ? *in.unfiltered : p;
  graph.total = ComputeTotal(total_from, *si, o.mean);
  // selectOutputUnit runs for text/top, tree/peek; other reports scale each value on its own.
  if (kind == ReportKind::kTop || kind == ReportKind::kPeek || kind == ReportKind::kTree) {
    int64_t min_value = 0;
    for (const GraphNode& n : graph.nodes) {
      int64_t m = Abs(n.FlatValue());
      if (m == 0) m = Abs(n.CumValue());
      if (m > 0 && (min_value == 0 || m < min_value)) min_value = m;
    }
    graph.output_unit = SelectOutputUnitFull(o.unit, !graph.nodes.empty(), graph.sample_unit, min_value,
                                             graph.total, 1.0 / o.divide_by, false);
  } else {
    graph.output_unit = o.unit;
  }
  graph.options = o;
  return graph;
}

}  // namespace pprofsql
