// Virtual tables declared as data. Each table is a TableSpec: its name, what
// one "parent" row is (a profile, sample, location, function or mapping),
// how many rows each parent has, and its columns with one emit function
// each. One generic module (vtab/table.cc) does all the SQLite plumbing:
// the schema string, constraint push-down, the cursor, and xColumn dispatch.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/sqlite_api.h"
#include "base/status.h"
#include "model/profile.h"
#include "registry.h"

namespace pprofsql {

// kComputed: the rows are computed from the profile and the table's
// parameters (TableSpec::computed), e.g. a report's graph.
enum class ParentKind { kProfile, kSample, kLocation, kFunction, kMapping, kComputed };

// The row a cursor points at: `parent` indexes the parent kind's vector in the
// profile (0 for kProfile), `child` is the row's position under that parent.
struct Row {
  const LoadedProfile* loaded = nullptr;
  const Profile* p = nullptr;
  uint32_t parent = 0;
  uint32_t child = 0;
  const std::vector<Frame>* frames = nullptr;  // the parent sample's frames, for tables that expand them
  const void* computed = nullptr;              // kComputed: what ComputedSpec::compute returned
};

struct ColumnSpec {
  const char* name;
  const char* type;  // declared SQL type
  const char* doc;   // one sentence, for docs/SCHEMA.md
  void (*emit)(sqlite3_context*, const Row&);
};

// A visible column of a computed table whose value selects the computation,
// as a parameter does, but which is an ordinary column: unconstrained it means
// every value of its domain (one computation each, in domain order), so
// `SELECT * FROM t` sees them all; `= ?` or `IN (...)` computes only those.
// Its ColumnSpec has no emit function: the cursor emits the current value
// (as an integer when the column is declared INTEGER).
struct Dimension {
  const char* column;
  std::vector<std::string> (*domain)(const LoadedProfile& profile);
};

// Tables whose rows are computed (kComputed). Their parameters are HIDDEN
// columns after the visible ones: `WHERE options = '-cum'`, or as table-valued
// function arguments `pprof_graph('top', '-cum')`. An unconstrained parameter
// is "" (its default). Results are cached in the registry under
// (cache_name, profile, parameters, dimensions, settings), so several tables
// can share one computation (the graph's nodes, edges and labels).
struct ComputedSpec {
  const char* cache_name;
  std::vector<const char*> params;
  // `params` holds the parameters' values, then the dimensions'.
  Result<std::shared_ptr<const void>> (*compute)(const LoadedProfile& profile, const Registry& registry,
                                                 const std::vector<std::string>& params);
  uint32_t (*row_count)(const void* computed);
  std::vector<Dimension> dimensions = {};
  // Tables with a key_column: appends the rows holding that key, in row
  // order (an equality or IN on the key then visits only those rows, e.g. a
  // join on node_id).
  void (*rows_of_key)(const void* computed, int64_t key, std::vector<uint32_t>& rows) = nullptr;
  // The columns one computation's rows are ordered by (ascending, unique
  // together): a query on one profile and one value of every dimension that
  // orders by a prefix of them (an ORDER BY, or a window's PARTITION BY and
  // ORDER BY) needs no sort.
  std::vector<const char*> row_order = {};
  // rows_of_key for a TEXT key_column (compared byte for byte).
  void (*rows_of_text_key)(const void* computed, std::string_view key, std::vector<uint32_t>& rows) = nullptr;
};

struct TableSpec {
  const char* name;
  const char* doc;
  ParentKind parent;
  // Column holding the parent's id (sample_id, location_id, ...), or for
  // computed tables a key of their rows (ComputedSpec::rows_of_key): an
  // equality or IN constraint on it is answered by lookup instead of a scan.
  // nullptr for kProfile tables.
  const char* key_column;
  // Rows per parent; nullptr means exactly one. Tables that set expand_frames
  // get one row per frame of ExpandFrames instead.
  uint32_t (*child_count)(const Row&);
  bool expand_frames;
  std::vector<ColumnSpec> columns;  // columns[0] is always profile_id
  const ComputedSpec* computed = nullptr;  // for kComputed
  // Tables whose rows depend on files other than the loaded profiles (the
  // -list report reads source files) are DIRECTONLY; the rest INNOCUOUS.
  bool reads_files = false;
};

// The tables, in documentation order (tables/tables.cc).
const std::vector<TableSpec>& AllTables();

// Registers every table as an eponymous-only virtual table, named
// `prefix` + its name (the import and the shadowing of imported tables use a
// prefix to reach the in-memory tables beside real tables of the same name).
int RegisterTables(sqlite3* db, const std::shared_ptr<Registry>& registry, const std::string& prefix = "");

// The CREATE TABLE column list of a table as a real table: its columns and,
// for computed tables, their parameters as ordinary TEXT columns.
std::string RealTableColumns(const TableSpec& spec);

}  // namespace pprofsql
