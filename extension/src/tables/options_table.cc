// pprof_options: the option strings the report views compute (sql/05_options.sql).
//
// A SQL view takes no parameters, so the report views join this relation and
// report on each option string it holds. Here it is an eponymous table with
// one row per profile whose `options` column is a parameter: it holds
// exactly the value(s) a query constrains it to (`options = ?`, `IN (...)`),
// and '' (pprof's defaults) when unconstrained. In a database written by
// pprof_import it is a real table of the same columns, pre-filled with the
// common option strings; a plain-SQLite user inserts any other before
// querying. The strings are checked here, so that a typo is an SQL error
// with the extension (a plain database has no way to raise one: the views'
// `error` column says what is wrong instead).
#include <fmt/format.h>

#include "base/sqlite_util.h"
#include "report/options.h"
#include "vtab/table.h"

namespace pprofsql {
namespace {

struct OptionsData {
  std::string options;
};

Result<std::shared_ptr<const void>> ComputeOptions(const LoadedProfile& loaded, const Registry&,
                                                   const std::vector<std::string>& params) {
  if (params.size() != 1) return Status::Error("internal error: expected options");
  auto opts = ParseReportOptions(params[0]);
  if (!opts.ok()) return opts.status();
  // A sample type the profile lacks is pprof's error; a profile without
  // sample types has nothing to resolve (the views' `error` column says so).
  const Profile& p = *loaded.profile;
  if (!p.sample_types.empty()) {
    auto index = ResolveSampleIndex(p, opts->sample_index);
    if (!index.ok()) return index.status();
  }
  auto data = std::make_shared<OptionsData>();
  data->options = params[0];
  return std::shared_ptr<const void>(std::move(data));
}

const ComputedSpec kOptionsSpec = {"options", {"options"}, ComputeOptions, [](const void*) { return uint32_t{1}; }};

}  // namespace

std::vector<TableSpec> OptionsTables() {
  std::vector<TableSpec> t;
  t.push_back({"pprof_options",
               "The report option strings the report views compute, per profile: with the extension exactly "
               "the value(s) a query constrains `options` to ('' when unconstrained); in an imported database a "
               "table to insert option strings into. Parameter: options.",
               ParentKind::kComputed,
               nullptr,
               nullptr,
               false,
               {{"profile_id", "INTEGER", "Id returned by pprof_load.",
                 [](sqlite3_context* c, const Row& r) { sqlite3_result_int64(c, r.loaded->id); }}},
               &kOptionsSpec,
               false});
  return t;
}

}  // namespace pprofsql
