// The relations the -list view (sql/70_list.sql) needs beyond the flat/cum
// core, declared so that each also exists, as a real table, in a database
// written by pprof_import, where plain SQLite has no regexp and no files:
//
//   pprof_symbol_matches  the names a report's symbol regexp selects: function
//                         names (-list=), or the nodes' printed names at a
//                         granularity (-peek=). Here: computed for the
//                         constrained profile, symbol and granularity (Go
//                         RE2, unanchored, as pprof);
//                         in an imported database an empty table the user
//                         fills with the names they want under a symbol.
//   pprof_source_files    per profile and source file, whether its text is
//                         at hand and, if not, pprof's error. Here: answered
//                         for the constrained file by the connection's
//                         source reader (pprof_config source_path,
//                         trim_path); in an imported database the rows the
//                         import wrote.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "base/sqlite_util.h"
#include "functions/functions.h"
#include "report/graph.h"
#include "report/regexp.h"
#include "report/source.h"
#include "vtab/table.h"

namespace pprofsql {
namespace {

struct MatchesData {
  std::vector<std::string> functions;  // sorted (byte order), distinct
};

Result<std::shared_ptr<const void>> ComputeMatches(const LoadedProfile& loaded, const Registry& reg,
                                                   const std::vector<std::string>& params) {
  if (params.size() != 2) return Status::Error("internal error: expected symbol and granularity");
  auto data = std::make_shared<MatchesData>();
  // Unconstrained (or ''): no symbol, so nothing is selected. A report with
  // no symbol does not read this table.
  if (params[0].empty()) return std::shared_ptr<const void>(std::move(data));
  auto rx = Regexp::Compile(params[0]);
  if (!rx.ok()) return Status::Error(fmt::format("parsing argument regexp {}: {}", params[0], rx.status().message()));
  const std::string& granularity = params[1];
  std::set<std::string> names;
  if (granularity.empty()) {
    // -list matches function names. Nodes of code without a function (an
    // address only) have the name '': a regexp matching the empty string
    // selects them too, as in pprof.
    const Profile& p = *loaded.profile;
    names.insert(std::string());
    for (const Function& f : p.functions) names.emplace(p.str(f.name));
  } else {
    // -peek matches the names pprof prints for the nodes (report.go
    // printTree): those of every sample type and inlining mode, so that any
    // report at this granularity finds its nodes here.
    auto rp = ReportProfile(loaded, reg, /*merge=*/false);
    if (!rp.ok()) return rp.status();
    const Profile& p = *rp.value()->profile;
    GraphInputs inputs;
    inputs.trim_path = reg.trim_path;
    inputs.source_path = reg.source_path;
    for (size_t si = 0; si < p.sample_types.size(); si++) {
      for (bool inlines : {true, false}) {
        auto g = BuildNodeGraph(p, granularity, inlines, static_cast<int>(si), /*with_edges=*/false, inputs);
        if (!g.ok()) return g.status();
        for (const GraphNode& n : g->nodes) names.insert(n.printable);
      }
    }
  }
  for (const std::string& n : names) {
    if (rx->Search(n)) data->functions.push_back(n);
  }
  return std::shared_ptr<const void>(std::move(data));
}
struct SourceFileData {
  bool asked = false;  // a file was constrained: one row
  std::string error;   // "" when the reader can read the file
};

Result<std::shared_ptr<const void>> ComputeSourceFile(const LoadedProfile&, const Registry& reg,
                                                      const std::vector<std::string>& params) {
  if (params.size() != 1) return Status::Error("internal error: expected file");
  // Unconstrained: which files a profile's listings name is the core's
  // business (pprof_nodes); this table only answers for a given one.
  auto data = std::make_shared<SourceFileData>();
  if (params[0].empty()) return std::shared_ptr<const void>(std::move(data));
  data->asked = true;
  data->error = reg.Sources().Error(params[0]).value_or("");
  return std::shared_ptr<const void>(std::move(data));
}

const ComputedSpec kMatchesSpec = {"symbol_matches", {"symbol", "granularity"}, ComputeMatches,
    [](const void* d) { return static_cast<uint32_t>(static_cast<const MatchesData*>(d)->functions.size()); },
    {}, nullptr, {},
    // A join on the name (-peek: each node of the graph against the few
    // names its regexp selects) looks the name up instead of listing them.
    [](const void* d, std::string_view name, std::vector<uint32_t>& rows) {
      const std::vector<std::string>& names = static_cast<const MatchesData*>(d)->functions;
      auto it = std::lower_bound(names.begin(), names.end(), name);
      if (it != names.end() && *it == name) rows.push_back(static_cast<uint32_t>(it - names.begin()));
    }};
const ComputedSpec kSourceFileSpec = {"source_file", {"file"}, ComputeSourceFile,
                                      [](const void* d) {
                                        return static_cast<const SourceFileData*>(d)->asked ? uint32_t{1} : uint32_t{0};
                                      }};

const ColumnSpec kProfileId = {"profile_id", "INTEGER", "Id returned by pprof_load.",
                               [](sqlite3_context* c, const Row& r) { sqlite3_result_int64(c, r.loaded->id); }};

}  // namespace

std::vector<TableSpec> ListTables() {
  std::vector<TableSpec> t;
  t.push_back({"pprof_symbol_matches",
               "The names a report's symbol (the regexp of -list= or -peek=) selects: with granularity '' (the "
               "default) function names, as -list matches; with a granularity, the names pprof prints for the "
               "nodes at it (pprof_nodes.name), as -peek matches. With the extension: every distinct such name of "
               "the profile the regexp matches (Go RE2 syntax, unanchored, as pprof), for the constrained symbol "
               "(none when unconstrained). In an imported database: a table, empty at import, into which you "
               "insert the names you want under a symbol of your choosing. Parameters: symbol, granularity.",
               ParentKind::kComputed,
               "function",
               nullptr,
               false,
               {kProfileId,
                {"function", "TEXT",
                 "A name the symbol selects: a function name ('' selects code without a function), or with a "
                 "granularity a node's name.",
                 [](sqlite3_context* c, const Row& r) {
                   ResultText(c, static_cast<const MatchesData*>(r.computed)->functions[r.child]);
                 }}},
               &kMatchesSpec,
               false});
  t.push_back({"pprof_source_files",
               "Per profile and source file a listing names: whether its text is at hand and, if not, the error "
               "pprof prints. With the extension: one row for the constrained file (none when unconstrained), "
               "from the source reader (pprof_config source_path, trim_path), nothing stored. In an imported "
               "database: the import's row for each file the profile's -list nodes name. Parameter: file.",
               ParentKind::kComputed,
               nullptr,
               nullptr,
               false,
               {kProfileId,
                {"stored", "INTEGER",
                 "1 if the import stored the file's text in pprof_source; with the extension always 0 (pprof_source "
                 "reads the file).",
                 [](sqlite3_context* c, const Row&) { sqlite3_result_int(c, 0); }},
                {"detail", "TEXT",
                 "In an imported database: the path the text was read from, or why it was not stored; with the "
                 "extension NULL.",
                 [](sqlite3_context* c, const Row&) { sqlite3_result_null(c); }},
                {"error", "TEXT",
                 "What pprof prints after ' Error: ' when it cannot read the file, or NULL when its text is at "
                 "hand.",
                 [](sqlite3_context* c, const Row& r) {
                   const std::string& e = static_cast<const SourceFileData*>(r.computed)->error;
                   if (e.empty()) return sqlite3_result_null(c);
                   ResultText(c, e);
                 }}},
               &kSourceFileSpec,
               true});
  return t;
}

}  // namespace pprofsql
