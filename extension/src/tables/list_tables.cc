// The relations the -list view (sql/70_list.sql) needs beyond the flat/cum
// core, declared so that each also exists, as a real table, in a database
// written by pprof_import, where plain SQLite has no regexp and no files:
//
//   pprof_symbol_matches  the function names a report's symbol regexp (-list=,
//                         -peek=) selects. Here: computed for the constrained
//                         profile and symbol (Go RE2, unanchored, as pprof);
//                         in an imported database an empty table the user
//                         fills with the names they want under a symbol.
//   pprof_source_files    per profile and source file, whether its text is
//                         at hand and, if not, pprof's error. Here: answered
//                         for the constrained file by the connection's
//                         source reader (pprof_config source_path,
//                         trim_path); in an imported database the rows the
//                         import wrote.
#include <fmt/format.h>

#include <set>

#include "base/sqlite_util.h"
#include "functions/functions.h"
#include "report/regexp.h"
#include "report/source.h"
#include "vtab/table.h"

namespace pprofsql {
namespace {

struct MatchesData {
  std::vector<std::string> functions;  // sorted, distinct
};

Result<std::shared_ptr<const void>> ComputeMatches(const LoadedProfile& loaded, const Registry&,
                                                   const std::vector<std::string>& params) {
  if (params.size() != 1) return Status::Error("internal error: expected symbol");
  auto data = std::make_shared<MatchesData>();
  // Unconstrained (or ''): no symbol, so nothing is selected. A report with
  // no symbol does not read this table.
  if (params[0].empty()) return std::shared_ptr<const void>(std::move(data));
  auto rx = Regexp::Compile(params[0]);
  if (!rx.ok()) return Status::Error(fmt::format("parsing argument regexp {}: {}", params[0], rx.status().message()));
  const Profile& p = *loaded.profile;
  std::set<std::string_view> names;
  // Nodes of code without a function (an address only) have the name '':
  // a regexp matching the empty string selects them too, as in pprof.
  names.insert(std::string_view());
  for (const Function& f : p.functions) names.insert(p.str(f.name));
  for (std::string_view n : names) {
    if (rx->Search(n)) data->functions.emplace_back(n);
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

const ComputedSpec kMatchesSpec = {"symbol_matches", {"symbol"}, ComputeMatches, [](const void* d) {
                                     return static_cast<uint32_t>(static_cast<const MatchesData*>(d)->functions.size());
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
               "The function names of a profile that a report's symbol (the regexp of -list= or -peek=) selects. "
               "With the extension: every distinct function name of the profile the regexp matches (Go RE2 "
               "syntax, unanchored, as pprof), for the constrained symbol (none when unconstrained). In an "
               "imported database: a table, empty at import, into which you insert the names you want under a "
               "symbol of your choosing. Parameter: symbol.",
               ParentKind::kComputed,
               nullptr,
               nullptr,
               false,
               {kProfileId,
                {"function", "TEXT", "A function name the symbol selects ('' selects code without a function).",
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
