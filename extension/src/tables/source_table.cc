// pprof_source: the lines of a source file, found the way `go tool pprof
// -list` finds them (report/source.h), with the search and trim paths set by
// pprof_config('source_path' | 'trim_path', ...). And pprof_source_error(file):
// the text pprof prints after " Error: " when it cannot open that file, or
// NULL when it can.
//
//   SELECT line, text FROM pprof_source('goapp/main.go') WHERE line BETWEEN 10 AND 20;
//   SELECT * FROM pprof_source WHERE file IN ('a.go', 'b.go');
//
// Columns: file (the name asked for), line (from 1), text (the line without
// its '\n' and one trailing '\r'), and HIDDEN file_arg, which takes the
// table-valued-function argument and reads back the same as `file`. A file
// that cannot be found has no rows.
//
// Query plan (idxNum bits; argv holds the values in this order):
//
//   bit   meaning                                       argv
//   0x01  file = ? (on file or file_arg; also IS)       the file name
//   0x02  line = ?                                      the line
//   0x04  line > ? or line >= ? (0x08: it is >)         the lower bound
//   0x10  line < ? or line <= ? (0x20: it is <)         the upper bound
//
// 0x01 is required. Without a usable file constraint xBestIndex returns
// SQLITE_CONSTRAINT when one exists but is not usable in this join order, and
// otherwise a plan with an enormous cost whose xFilter fails with "a file is
// required". For `file IN (...)` SQLite calls xFilter once per value. Line constraints only narrow the scan; SQLite checks every
// constraint again (omit = 0), so odd values (text, NULL, 2.5) stay correct.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/sqlite_util.h"
#include "functions/functions.h"
#include "report/source.h"

namespace pprofsql {
namespace {

enum : int {
  kFileEq = 0x01,
  kLineEq = 0x02,
  kLineLo = 0x04,
  kLineLoStrict = 0x08,
  kLineHi = 0x10,
  kLineHiStrict = 0x20,
};
enum : int { kColFile = 0, kColLine = 1, kColText = 2, kColFileArg = 3 };

// One per connection, shared by the table and pprof_source_error: the
// SourceReader for the connection's current settings, with its file cache.
struct SourceAux {
  std::shared_ptr<Registry> registry;
  SourceReader& Reader() { return registry->Sources(); }

  // Set on the instance that the TEMP view pprof_source of a database
  // holding imported profiles reads (functions/shadow.cc): a file's lines
  // are the text the database stored for it, else, when a loaded profile
  // names the file, what the source path finds; nothing else. So no row of
  // the database, whatever file it names, makes the connection read a file.
  bool loaded_files_only = false;
  bool NamedByLoadedProfile(const std::string& file) {
    std::vector<const void*> key;
    for (const LoadedPtr& p : registry->All()) key.push_back(p->profile.get());
    key.push_back(reinterpret_cast<const void*>(registry->settings_generation));
    if (key != named_key_) {
      named_.clear();
      for (const LoadedPtr& p : registry->All()) {
        for (const Function& f : p->profile->functions) {
          std::string_view raw = p->profile->str(f.filename);
          if (raw.empty()) continue;
          named_.emplace(raw);
          // The name the reports give the file.
          std::string name = NodeFileName(raw, registry->trim_path, registry->source_path);
          if (!name.empty()) named_.insert(std::move(name));
        }
      }
      named_key_ = std::move(key);
    }
    return named_.count(file) > 0;
  }

 private:
  std::vector<const void*> named_key_;
  std::unordered_set<std::string> named_;
};
using AuxPtr = std::shared_ptr<SourceAux>;

struct VTab : sqlite3_vtab {
  AuxPtr aux;
  sqlite3* db = nullptr;
};

// The lines main.pprof_source stored for `file`, or nullptr when it stored none.
Result<std::shared_ptr<const SourceReader::LineList>> StoredLines(sqlite3* db, sqlite3_value* file) {
  sqlite3_stmt* raw = nullptr;
  // Only a real table: without one, main.pprof_source names the eponymous
  // table, which reads files.
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = 'pprof_source'", -1,
                         &raw, nullptr) != SQLITE_OK) {
    return Status::Error(sqlite3_errmsg(db));
  }
  StmtPtr exists(raw);
  if (sqlite3_step(raw) != SQLITE_ROW) return std::shared_ptr<const SourceReader::LineList>();
  if (sqlite3_prepare_v2(db,
                         "SELECT line, text FROM main.pprof_source WHERE file = ?1 AND typeof(line) = 'integer' "
                         "AND line BETWEEN 1 AND 100000000 ORDER BY line",
                         -1, &raw, nullptr) != SQLITE_OK) {
    // No such table: nothing stored.
    return std::shared_ptr<const SourceReader::LineList>();
  }
  StmtPtr st(raw);
  sqlite3_bind_value(raw, 1, file);
  auto lines = std::make_shared<SourceReader::LineList>();
  int rc;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    auto line = static_cast<size_t>(sqlite3_column_int64(raw, 0));
    // A line past a gap in the stored lines: the gap reads as empty lines.
    if (line > lines->size() + (size_t{1} << 20)) break;
    lines->resize(std::max(lines->size(), line));
    const auto* t = static_cast<const char*>(sqlite3_column_blob(raw, 1));
    (*lines)[line - 1].assign(t ? t : "", static_cast<size_t>(sqlite3_column_bytes(raw, 1)));
  }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return Status::Error(sqlite3_errmsg(db));
  if (lines->empty()) return std::shared_ptr<const SourceReader::LineList>();
  return std::shared_ptr<const SourceReader::LineList>(std::move(lines));
}

struct Cursor : sqlite3_vtab_cursor {
  std::string file;
  std::shared_ptr<const SourceReader::LineList> lines;
  sqlite3_int64 line = 1;  // the current row's line number
  sqlite3_int64 last = 0;  // the last line to return
};

std::string ValueString(sqlite3_value* v) {
  const unsigned char* t = sqlite3_value_text(v);
  return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_value_bytes(v))) : "";
}

// Narrows [*lo, *hi] by `line <op> v`. Values that are not numbers leave the
// range alone (SQLite re-checks them); NULL or NaN empty it.
void Narrow(sqlite3_value* v, int op, sqlite3_int64* lo, sqlite3_int64* hi) {
  int t = sqlite3_value_numeric_type(v);
  if (t == SQLITE_NULL) {
    *hi = *lo - 1;
    return;
  }
  if (t != SQLITE_INTEGER && t != SQLITE_FLOAT) return;
  // Round to the integer bound the comparison implies: line >= 2.5 is
  // line >= 3, line < 2.5 is line <= 2. Clamping keeps the arithmetic safe;
  // no file has 2^53 lines.
  constexpr double kBig = 9007199254740992.0;  // 2^53
  double d = t == SQLITE_INTEGER ? static_cast<double>(sqlite3_value_int64(v)) : sqlite3_value_double(v);
  if (std::isnan(d)) {
    *hi = *lo - 1;
    return;
  }
  d = std::max(-kBig, std::min(kBig, d));
  auto i = [](double x) { return static_cast<sqlite3_int64>(x); };
  switch (op) {
    case kLineEq:
      if (d != std::floor(d)) {
        *hi = *lo - 1;
      } else {
        *lo = std::max(*lo, i(d));
        *hi = std::min(*hi, i(d));
      }
      break;
    case kLineLo: *lo = std::max(*lo, i(std::ceil(d))); break;
    case kLineLo | kLineLoStrict: *lo = std::max(*lo, i(std::floor(d)) + 1); break;
    case kLineHi: *hi = std::min(*hi, i(std::floor(d))); break;
    case kLineHi | kLineHiStrict: *hi = std::min(*hi, i(std::ceil(d)) - 1); break;
  }
}

int Connect(sqlite3* db, void* paux, int, const char* const*, sqlite3_vtab** out, char** err) {
  int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(file TEXT, line INTEGER, text TEXT, file_arg TEXT HIDDEN)");
  if (rc != SQLITE_OK) {
    *err = sqlite3_mprintf("pprof_source: %s", sqlite3_errmsg(db));
    return rc;
  }
  // This table reads any file the connection's process can read, named by
  // the query. Like csv.c, it is DIRECTONLY: a view or trigger in a database
  // file someone else wrote must not be able to read files (and leak them
  // into its tables) just because this connection opened that database.
  sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
  auto* vt = new (std::nothrow) VTab();
  if (!vt) return SQLITE_NOMEM;
  vt->aux = *static_cast<AuxPtr*>(paux);
  vt->db = db;
  *out = vt;
  return SQLITE_OK;
}

int Disconnect(sqlite3_vtab* vt) {
  delete static_cast<VTab*>(vt);
  return SQLITE_OK;
}

int BestIndex(sqlite3_vtab*, sqlite3_index_info* info) {
  int file_c = -1, eq_c = -1, lo_c = -1, hi_c = -1;
  bool file_unusable = false;
  for (int i = 0; i < info->nConstraint; i++) {
    const auto& c = info->aConstraint[i];
    if (c.iColumn == kColFile || c.iColumn == kColFileArg) {
      if (c.op != SQLITE_INDEX_CONSTRAINT_EQ && c.op != SQLITE_INDEX_CONSTRAINT_IS) continue;
      if (!c.usable) {
        file_unusable = true;
      } else if (file_c < 0) {
        file_c = i;
      }
    } else if (c.iColumn == kColLine && c.usable) {
      switch (c.op) {
        case SQLITE_INDEX_CONSTRAINT_EQ:
          if (eq_c < 0) eq_c = i;
          break;
        case SQLITE_INDEX_CONSTRAINT_GT:
        case SQLITE_INDEX_CONSTRAINT_GE:
          if (lo_c < 0) lo_c = i;
          break;
        case SQLITE_INDEX_CONSTRAINT_LT:
        case SQLITE_INDEX_CONSTRAINT_LE:
          if (hi_c < 0) hi_c = i;
          break;
        default: break;
      }
    }
  }
  if (file_c < 0) {
    // A file constraint that only becomes usable in another join order: ask
    // SQLite for a different plan (see "Enforcing Required Parameters" in
    // the virtual table docs).
    if (file_unusable) return SQLITE_CONSTRAINT;
    // No file constraint at all. Not an error here: SQLite also asks about
    // each side of an OR on its own (`WHERE line = 1 OR line = 9` sees no
    // file), and an error would fail the whole statement. A plan too costly
    // to pick when any other exists; xFilter reports the error if it runs.
    info->idxNum = 0;
    info->idxStr = nullptr;
    info->estimatedCost = 1e300;
    info->estimatedRows = std::numeric_limits<sqlite3_int64>::max();
    return SQLITE_OK;
  }
  int idx = kFileEq, argv = 0;
  info->aConstraintUsage[file_c].argvIndex = ++argv;
  const bool file_in = sqlite3_vtab_in(info, file_c, -1) != 0;
  double cost = 100, rows = 500;
  if (eq_c >= 0) {
    idx |= kLineEq;
    info->aConstraintUsage[eq_c].argvIndex = ++argv;
    cost = 10;
    rows = 1;
  } else {
    if (lo_c >= 0) {
      idx |= kLineLo;
      if (info->aConstraint[lo_c].op == SQLITE_INDEX_CONSTRAINT_GT) idx |= kLineLoStrict;
      info->aConstraintUsage[lo_c].argvIndex = ++argv;
      cost /= 2;
      rows /= 4;
    }
    if (hi_c >= 0) {
      idx |= kLineHi;
      if (info->aConstraint[hi_c].op == SQLITE_INDEX_CONSTRAINT_LT) idx |= kLineHiStrict;
      info->aConstraintUsage[hi_c].argvIndex = ++argv;
      cost /= 2;
      rows /= 4;
    }
  }
  // One file per xFilter comes out in ascending line order, with `file`
  // constant: an ORDER BY on line (ascending) and the file columns is free.
  // Not for IN: SQLite's order of the values is its own business.
  bool ordered = !file_in && info->nOrderBy > 0;
  for (int i = 0; ordered && i < info->nOrderBy; i++) {
    const auto& o = info->aOrderBy[i];
    ordered = (o.iColumn == kColLine && !o.desc) || o.iColumn == kColFile || o.iColumn == kColFileArg;
  }
  info->orderByConsumed = ordered ? 1 : 0;
  // Shown by EXPLAIN QUERY PLAN, e.g. "VIRTUAL TABLE INDEX 5:file=,line>".
  std::string plan = file_in ? "file IN" : "file=";
  if (idx & kLineEq) plan += ",line=";
  if (idx & kLineLo) plan += (idx & kLineLoStrict) ? ",line>" : ",line>=";
  if (idx & kLineHi) plan += (idx & kLineHiStrict) ? ",line<" : ",line<=";
  info->idxNum = idx;
  info->idxStr = sqlite3_mprintf("%s", plan.c_str());
  info->needToFreeIdxStr = 1;
  info->estimatedCost = cost;
  info->estimatedRows = static_cast<sqlite3_int64>(rows);
  return SQLITE_OK;
}

int Open(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  auto* c = new (std::nothrow) Cursor();
  if (!c) return SQLITE_NOMEM;
  *out = c;
  return SQLITE_OK;
}

int Close(sqlite3_vtab_cursor* c) {
  delete static_cast<Cursor*>(c);
  return SQLITE_OK;
}

int Filter(sqlite3_vtab_cursor* cur, int idx, const char*, int argc, sqlite3_value** argv) {
  auto* c = static_cast<Cursor*>(cur);
  VTab* vt = static_cast<VTab*>(cur->pVtab);
  return GuardVtab(vt, [&] {
    c->lines.reset();
    c->file.clear();
    c->line = 1;
    c->last = 0;
    int arg = 0;
    auto next_arg = [&]() -> sqlite3_value* { return arg < argc ? argv[arg++] : nullptr; };
    sqlite3_value* file = (idx & kFileEq) ? next_arg() : nullptr;
    if (!file) return SetVtabError(vt, "pprof_source: a file is required, e.g. WHERE file = 'main.go'");
    if (sqlite3_value_type(file) == SQLITE_NULL) return SQLITE_OK;  // file = NULL matches nothing
    c->file = ValueString(file);
    if (vt->aux->loaded_files_only) {
      auto stored = StoredLines(vt->db, file);
      if (!stored.ok()) return SetVtabError(vt, "pprof_source: " + stored.status().message());
      c->lines = std::move(stored.value());
      if (!c->lines && !vt->aux->NamedByLoadedProfile(c->file)) return SQLITE_OK;
    }
    if (!c->lines) {
      auto lines = vt->aux->Reader().SharedLines(c->file);
      if (!lines.ok()) return SQLITE_OK;  // not found: no rows (pprof_source_error says why)
      c->lines = std::move(lines.value());
    }
    sqlite3_int64 lo = 1, hi = static_cast<sqlite3_int64>(c->lines->size());
    if (idx & kLineEq) {
      if (sqlite3_value* v = next_arg()) Narrow(v, kLineEq, &lo, &hi);
    } else {
      if (idx & kLineLo) {
        if (sqlite3_value* v = next_arg()) Narrow(v, idx & (kLineLo | kLineLoStrict), &lo, &hi);
      }
      if (idx & kLineHi) {
        if (sqlite3_value* v = next_arg()) Narrow(v, idx & (kLineHi | kLineHiStrict), &lo, &hi);
      }
    }
    c->line = lo;
    c->last = hi;
    return SQLITE_OK;
  });
}

int Next(sqlite3_vtab_cursor* cur) {
  static_cast<Cursor*>(cur)->line++;
  return SQLITE_OK;
}

int Eof(sqlite3_vtab_cursor* cur) {
  auto* c = static_cast<Cursor*>(cur);
  return c->line > c->last;
}

int Column(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int i) {
  auto* c = static_cast<Cursor*>(cur);
  switch (i) {
    case kColFile:
    case kColFileArg: ResultText(ctx, c->file); break;
    case kColLine: sqlite3_result_int64(ctx, c->line); break;
    case kColText: ResultText(ctx, (*c->lines)[static_cast<size_t>(c->line - 1)]); break;
    default: break;
  }
  return SQLITE_OK;
}

int Rowid(sqlite3_vtab_cursor* cur, sqlite3_int64* rowid) {
  *rowid = static_cast<Cursor*>(cur)->line;
  return SQLITE_OK;
}

sqlite3_module MakeModule() {
  sqlite3_module m{};
  m.iVersion = 0;
  m.xCreate = nullptr;  // eponymous-only: no CREATE VIRTUAL TABLE
  m.xConnect = Connect;
  m.xBestIndex = BestIndex;
  m.xDisconnect = Disconnect;
  m.xDestroy = Disconnect;
  m.xOpen = Open;
  m.xClose = Close;
  m.xFilter = Filter;
  m.xNext = Next;
  m.xEof = Eof;
  m.xColumn = Column;
  m.xRowid = Rowid;
  return m;
}

const sqlite3_module kModule = MakeModule();

// pprof_source_error(file): the error pprof's -list prints for `file`
// (" Error: <this>"), or NULL when the file is found.
void SourceError(sqlite3_context* ctx, int, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_source_error", [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    SourceAux& aux = **static_cast<AuxPtr*>(sqlite3_user_data(ctx));
    std::optional<std::string> err = aux.Reader().Error(ValueString(argv[0]));
    if (err) {
      ResultText(ctx, *err);
    } else {
      sqlite3_result_null(ctx);
    }
  });
}

void DeleteAux(void* p) { delete static_cast<AuxPtr*>(p); }

}  // namespace

int RegisterSourceTable(sqlite3* db, const std::shared_ptr<Registry>& registry, const std::string& name,
                        bool loaded_files_only) {
  auto aux = std::make_shared<SourceAux>();
  aux->registry = registry;
  aux->loaded_files_only = loaded_files_only;
  int rc = sqlite3_create_module_v2(db, name.c_str(), &kModule, new AuxPtr(aux), DeleteAux);
  if (rc != SQLITE_OK) return rc;  // SQLite calls the destructor on failure too
  if (loaded_files_only) return SQLITE_OK;
  // DIRECTONLY for the same reason as the table: it probes the file system.
  return sqlite3_create_function_v2(db, "pprof_source_error", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, new AuxPtr(aux),
                                    SourceError, nullptr, nullptr, DeleteAux);
}

}  // namespace pprofsql
