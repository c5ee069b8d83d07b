#pragma once

#include <memory>

#include "base/sqlite_api.h"
#include "base/status.h"
#include "registry.h"

namespace pprofsql {

// pprof_load, pprof_unload, pprof_config, pprof_version (functions/load.cc).
int RegisterLoadFunctions(sqlite3* db, const std::shared_ptr<Registry>& registry);

// pprof_format, pprof_percentage, pprof_output_unit (functions/format.cc).
int RegisterFormatFunctions(sqlite3* db);

// regexp (the REGEXP operator) and pprof_match (functions/regexp_functions.cc).
int RegisterRegexpFunctions(sqlite3* db);

// pprof_source and pprof_source_error (tables/source_table.cc). With
// `loaded_files_only`, only the table, under `name`, reading only the files
// that loaded profiles name (for the views of an imported database).
int RegisterSourceTable(sqlite3* db, const std::shared_ptr<Registry>& registry,
                        const std::string& name = "pprof_source", bool loaded_files_only = false);

// pprof_prepare (functions/prepare.cc).
// PrepareProfile is its body: the profile pprof reports on, from loaded
// profiles `ids` ("1" or "1,2") and pprof flags (filters, -base, ...).
Result<LoadedProfile> PrepareProfile(const Registry& reg, const std::string& ids, const std::string& options);

// The profile a report computed from loaded profile `lp` runs on: `lp` itself
// when pprof_prepare made it, else `lp` prepared with default options
// (cached); `merge` false skips the self-merge, which only -raw and -traces show.
Result<std::shared_ptr<const LoadedProfile>> ReportProfile(const LoadedProfile& lp, const Registry& reg, bool merge);
int RegisterPrepareFunction(sqlite3* db, const std::shared_ptr<Registry>& registry);

// pprof_go_time, pprof_go_duration: Go's time formatting for -raw (functions/raw_functions.cc).
int RegisterRawFunctions(sqlite3* db);

// pprof_option, pprof_format_scaled, pprof_label_lines, pprof_concat_ordered, pprof_node_name:
// helpers of the views (functions/view_functions.cc).
int RegisterViewFunctions(sqlite3* db);

// Creates the bundled TEMP views from sql/*.sql (generated sql_bundle.cc).
int InstallViews(sqlite3* db, char** err);

// The bundled views as SQL that stores them in a database's main schema
// (for pprof_import).
std::string PersistentViewsSql();

// pprof_import (functions/import.cc).
int RegisterImportFunction(sqlite3* db, const std::shared_ptr<Registry>& registry);

// When the database already holds imported pprof_* tables, TEMP views of the
// same names show the imported rows and the loaded profiles together.
int ShadowImportedTables(sqlite3* db, const std::shared_ptr<Registry>& registry, char** err);

// Profile ids of a database are split in two ranges, so that ids never
// collide across connections and processes: pprof_import numbers imported
// profiles from 1 up to below this; a connection whose database holds
// imported profiles numbers the profiles it loads from here up. (Without
// imported profiles, loaded ids start at 1.)
constexpr int64_t kFirstLoadedIdAboveImports = 1000000000;

// Checks that `schema`.pprof_profiles holds only profile ids an import
// writes (integers from 1 to below kFirstLoadedIdAboveImports) and sets
// *max_id to the largest (0 when there are none). A database is data from
// someone else: its ids are checked like any input.
Status ValidateImportedIds(sqlite3* db, const std::string& schema, int64_t* max_id);

}  // namespace pprofsql
