#pragma once

#include <memory>

#include "base/sqlite_api.h"
#include "registry.h"

namespace pprofsql {

// pprof_load, pprof_unload, pprof_config, pprof_version (functions/load.cc).
int RegisterLoadFunctions(sqlite3* db, const std::shared_ptr<Registry>& registry);

// pprof_format, pprof_percentage, pprof_output_unit (functions/format.cc).
int RegisterFormatFunctions(sqlite3* db);

// Creates the bundled TEMP views from sql/*.sql (generated sql_bundle.cc).
int InstallViews(sqlite3* db, char** err);

}  // namespace pprofsql
