// Virtual tables declared as data. Each table is a TableSpec: its name, what
// one "parent" row is (a profile, sample, location, function or mapping),
// how many rows each parent has, and its columns with one emit function
// each. One generic module (vtab/table.cc) does all the SQLite plumbing:
// the schema string, constraint push-down, the cursor, and xColumn dispatch.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "base/sqlite_api.h"
#include "model/profile.h"
#include "registry.h"

namespace pprofsql {

enum class ParentKind { kProfile, kSample, kLocation, kFunction, kMapping };

// The row a cursor points at: `parent` indexes the parent kind's vector in the
// profile (0 for kProfile), `child` is the row's position under that parent.
struct Row {
  const LoadedProfile* loaded = nullptr;
  const Profile* p = nullptr;
  uint32_t parent = 0;
  uint32_t child = 0;
  const std::vector<Frame>* frames = nullptr;  // the parent sample's frames, for tables that expand them
};

struct ColumnSpec {
  const char* name;
  const char* type;  // declared SQL type
  const char* doc;   // one sentence, for docs/SCHEMA.md
  void (*emit)(sqlite3_context*, const Row&);
};

struct TableSpec {
  const char* name;
  const char* doc;
  ParentKind parent;
  // Column holding the parent's id (sample_id, location_id, ...): an equality
  // or IN constraint on it is answered by lookup instead of a scan. nullptr
  // for kProfile tables.
  const char* key_column;
  // Rows per parent; nullptr means exactly one. Tables that set expand_frames
  // get one row per frame of ExpandFrames instead.
  uint32_t (*child_count)(const Row&);
  bool expand_frames;
  std::vector<ColumnSpec> columns;  // columns[0] is always profile_id
};

// The tables, in documentation order (tables/tables.cc).
const std::vector<TableSpec>& AllTables();

// Registers every table as an eponymous-only virtual table.
int RegisterTables(sqlite3* db, const std::shared_ptr<Registry>& registry);

}  // namespace pprofsql
