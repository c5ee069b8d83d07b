// pprof_import(db_path [, ids]): writes loaded profiles into a plain SQLite
// database that any client can read without the extension.
//
// The database gets real tables with the names and columns of the virtual
// tables (pprof_frames, derived from stacks and lines, is a view there), the
// relational flat/cum core, the option strings the views answer for
// (pprof_options, pre-filled), the text of the source files the listings need
// that lie under the -source_path roots, indexes for the common joins, and
// the bundled views (stored, not TEMP). Profile ids are
// renumbered after the ones already in the database, so importing more later
// appends. The whole import is one transaction: interrupted, it leaves the
// database as it was. `ids` is a comma-separated list of profile ids; without
// it, every profile pprof_load loaded is imported. Returns how many were.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <map>

#include "base/sqlite_util.h"
#include "base/utf8.h"
#include "functions/functions.h"
#include "report/stored_source.h"
#include "vtab/table.h"

namespace pprofsql {
namespace {

constexpr char kSrc[] = "_pprof_src_";  // the in-memory tables, as the import's connection sees them
// The largest source file an import stores.
constexpr uint64_t kMaxStoredSourceBytes = uint64_t{16} << 20;
// Every statement names main.*: the import's own connection may have TEMP
// views of the same names (when pprof-sql or a test registers the extension
// for every connection, and the database already holds imported tables).

// The computed tables an import stores rows of: the relational flat/cum core
// (every granularity, inlining mode and sample type: what the report views
// are written over). The report views are plain SQL over it, so no report's
// rows are stored: they answer for any option string in pprof_options.
bool IsStoredCore(const std::string& name) {
  return name == "pprof_nodes" || name == "pprof_node_edges" || name == "pprof_node_stacks";
}
// The rows of a stored table an import keeps: all, but of pprof_node_stacks
// only inlines = 1's. The views read the stacks only for -top's inline
// labels, and with -noinlines no frame is inlined, so they never read those
// (sql/10_top.sql); they would double a big profile's database.
std::string StoredRows(const std::string& name) { return name == "pprof_node_stacks" ? " AND inlines = 1" : ""; }
// pprof_options is a real table in an imported database: the option strings
// the report views answer for (sql/05_options.sql), pre-filled below.
bool IsOptionsTable(const std::string& name) { return name == "pprof_options"; }

// Binds a name from a profile: TEXT when it is valid UTF-8, else the same
// bytes as a BLOB (clients such as Python's sqlite3 cannot read TEXT that is
// not UTF-8; docs/SCHEMA.md, "Imported databases").
void BindName(sqlite3_stmt* st, int i, const std::string& s) {
  if (IsValidUtf8(s)) {
    sqlite3_bind_text64(st, i, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  } else {
    sqlite3_bind_blob64(st, i, s.data(), s.size(), SQLITE_TRANSIENT);
  }
}

// _pprof_text_or_blob(x), on the import's own connection only: x, or its
// bytes as a BLOB when x is TEXT that is not valid UTF-8.
// ", col1, col2, ..." for copying a table's rows after profile_id, with
// TEXT columns passed through _pprof_text_or_blob.
std::string SelectList(const TableSpec& t) {
  std::string cols;
  for (size_t i = 1; i < t.columns.size(); i++) {
    const ColumnSpec& c = t.columns[i];
    cols += std::string(c.type) == "TEXT" ? fmt::format(", _pprof_text_or_blob(\"{}\")", c.name)
                                          : fmt::format(", \"{}\"", c.name);
  }
  return cols;
}

void TextOrBlob(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) return sqlite3_result_value(ctx, argv[0]);
  const char* t = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  size_t n = static_cast<size_t>(sqlite3_value_bytes(argv[0]));
  if (IsValidUtf8(std::string_view(t, n))) return sqlite3_result_value(ctx, argv[0]);
  sqlite3_result_blob64(ctx, t, n, SQLITE_TRANSIENT);
}

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

class Importer {
 public:
  Importer(std::shared_ptr<Registry> reg, bool progress) : reg_(std::move(reg)), progress_(progress) {}

  Result<int> Run(const std::string& path, const std::vector<LoadedPtr>& profiles) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK) {
      return Status::Error(fmt::format("{}: cannot open: {}", path, raw ? sqlite3_errmsg(raw) : "out of memory"));
    }
    // Another writer holds the database: wait a while, then fail clearly.
    sqlite3_busy_timeout(db_.get(), static_cast<int>(std::min<int64_t>(reg_->busy_timeout_ms, INT32_MAX)));
    if (RegisterTables(db_.get(), reg_, kSrc) != SQLITE_OK) return Error("cannot register the tables");
    if (sqlite3_create_function_v2(db_.get(), "_pprof_text_or_blob", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                   TextOrBlob, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return Error("cannot register _pprof_text_or_blob");
    }
    // A bigger page cache for building the indexes of big profiles.
    PPROF_RETURN_IF_ERROR(Exec("PRAGMA cache_size = -262144"));
    if (!Exec("BEGIN IMMEDIATE").ok()) {
      return Status::Error(fmt::format("{}: another connection is writing to it ({}); waited {} ms "
                                       "(pprof_config('busy_timeout_ms', N) sets how long)",
                                       path, sqlite3_errmsg(db_.get()), reg_->busy_timeout_ms));
    }
    Status st = Import(profiles);
    if (st.ok()) st = Exec("COMMIT");
    if (!st.ok()) {
      // A reader's lock shows when pages must be written: at COMMIT, or
      // earlier when a big import spills its cache.
      const int code = sqlite3_errcode(db_.get());
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
        return Status::Error(fmt::format(
            "{}: cannot commit: another connection is reading it (database is locked); waited {} ms. Nothing was "
            "imported: close the programs that have it open (a BI tool, sqlite3) or give "
            "pprof_config('busy_timeout_ms', N) more time, and import again",
            path, reg_->busy_timeout_ms));
      }
      return st;
    }
    if (progress_) std::fprintf(stderr, "\r\033[Kimported %zu profiles into %s\n", profiles.size(), path.c_str());
    return static_cast<int>(profiles.size());
  }

 private:
  Status Import(const std::vector<LoadedPtr>& profiles) {
    PPROF_RETURN_IF_ERROR(CreateSchema());
    int64_t base = 0;
    PPROF_RETURN_IF_ERROR(ValidateImportedIds(db_.get(), "main", &base));
    if (base + static_cast<int64_t>(profiles.size()) >= kFirstLoadedIdAboveImports) {
      return Status::Error(fmt::format("the database holds profile ids up to {}; imported ids stay below {}", base,
                                       kFirstLoadedIdAboveImports));
    }
    for (size_t i = 0; i < profiles.size(); i++) {
      PPROF_RETURN_IF_ERROR(ImportOne(*profiles[i], base + static_cast<int64_t>(i) + 1, i + 1, profiles.size()));
    }
    return Exec(PersistentViewsSql());
  }

  Status CreateSchema() {
    // The profile tables are clustered on their keys (WITHOUT ROWID), in the
    // order the rows arrive: the common joins need no further index, and
    // the biggest table (pprof_stacks, a row per stack frame) is written once.
    static const std::map<std::string, const char*> kPrimaryKeys = {
        {"pprof_profiles", "profile_id"},
        {"pprof_sample_types", "profile_id, sample_index"},
        {"pprof_comments", "profile_id, comment_index"},
        {"pprof_samples", "profile_id, sample_id, sample_index"},
        {"pprof_stacks", "profile_id, sample_id, depth"},
        {"pprof_locations", "profile_id, location_id"},
        {"pprof_lines", "profile_id, location_id, line_index"},
        {"pprof_functions", "profile_id, function_id"},
        {"pprof_mappings", "profile_id, mapping_id"},
        {"pprof_labels", "profile_id, sample_id, label_index"},
        {"pprof_nodes", "profile_id, granularity, inlines, sample_type, node_id"},
        {"pprof_node_edges", "profile_id, granularity, inlines, sample_type, caller_id, callee_id"},
        {"pprof_node_stacks", "profile_id, granularity, inlines, sample_type, node_id, stack_id, depth"},
        {"pprof_options", "profile_id, options"},
    };
    for (const TableSpec& t : AllTables()) {
      // pprof_frames is a view, below. Of the computed tables only the report
      // tables are stored (below, for the default options and each sample
      // type); the others (pprof_diff, the traces tables) compute on demand.
      if (std::string(t.name) == "pprof_frames" ||
          (t.computed && !IsStoredCore(t.name) && !IsOptionsTable(t.name))) {
        continue;
      }
      auto pk = kPrimaryKeys.find(t.name);
      PPROF_RETURN_IF_ERROR(Exec(
          pk == kPrimaryKeys.end()
              ? fmt::format("CREATE TABLE IF NOT EXISTS main.{}({})", t.name, RealTableColumns(t))
              : fmt::format("CREATE TABLE IF NOT EXISTS main.{}({}, PRIMARY KEY ({})) WITHOUT ROWID", t.name,
                            RealTableColumns(t), pk->second)));
    }
    // The inline-expanded walk, from the real stacks and lines: the same rows
    // as the pprof_frames virtual table (tests/unit/import_test.cc checks).
    PPROF_RETURN_IF_ERROR(Exec(R"sql(
CREATE VIEW IF NOT EXISTS main.pprof_frames AS
SELECT s.profile_id, s.sample_id,
       row_number() OVER (PARTITION BY s.profile_id, s.sample_id ORDER BY s.depth, l.line_index) - 1 AS depth,
       s.location_id, s.depth AS stack_depth, l.line_index, l.function_id, l.function_name, l.filename,
       l.line, l."column", coalesce(l.is_inline, 0) AS is_inline, loc.address, loc.mapping_id
FROM pprof_stacks s
JOIN pprof_locations loc ON loc.profile_id = s.profile_id AND loc.location_id = s.location_id
LEFT JOIN pprof_lines l ON l.profile_id = s.profile_id AND l.location_id = s.location_id)sql"));
    PPROF_RETURN_IF_ERROR(Exec(
        "CREATE TABLE IF NOT EXISTS main.pprof_source(file TEXT, line INTEGER, text TEXT, PRIMARY KEY (file, line)) "
        "WITHOUT ROWID"));
    // What the import did with each file the listings name, and the error
    // -list prints for it when its text is not stored (sql/70_list.sql).
    PPROF_RETURN_IF_ERROR(Exec(
        "CREATE TABLE IF NOT EXISTS main.pprof_source_files(profile_id INTEGER, file TEXT, stored INTEGER, "
        "detail TEXT, error TEXT, PRIMARY KEY (profile_id, file)) WITHOUT ROWID"));
    // The functions a report's symbol (-list=, -peek=) selects: plain SQLite
    // has no regexp, so the user inserts the names under the symbol they
    // will query with (the extension computes them: tables/list_tables.cc).
    PPROF_RETURN_IF_ERROR(Exec(
        "CREATE TABLE IF NOT EXISTS main.pprof_symbol_matches(profile_id INTEGER, symbol TEXT, function TEXT, "
        "granularity TEXT NOT NULL DEFAULT '', PRIMARY KEY (profile_id, symbol, granularity, function)) WITHOUT ROWID"));
    static const char* const kIndexes[] = {
        "pprof_lines(profile_id, function_id)",
        "pprof_functions(name)",
        "pprof_mappings(build_id)",
        "pprof_labels(key, str)",
        "pprof_nodes(function)",
    };
    for (const char* idx : kIndexes) {
      std::string name = "pprof_idx_" + std::string(idx);
      for (char& c : name) {
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      PPROF_RETURN_IF_ERROR(Exec(fmt::format("CREATE INDEX IF NOT EXISTS main.{} ON {}", name, idx)));
    }
    return Status();
  }

  Status ImportOne(const LoadedProfile& lp, int64_t new_id, size_t n, size_t count) {
    for (const TableSpec& t : AllTables()) {
      if ((t.computed && !IsStoredCore(t.name)) || std::string(t.name) == "pprof_frames") continue;
      Progress(n, count, lp.name, t.name);
      std::string cols = SelectList(t);
      PPROF_RETURN_IF_ERROR(Exec(fmt::format("INSERT INTO main.{0} SELECT {1}{2} FROM {3}{0} WHERE profile_id = {4}{5}",
                                             t.name, new_id, cols, kSrc, lp.id, StoredRows(t.name))));
    }
    // The option strings the views answer for without an INSERT: pprof's
    // defaults, and each sample type by name, with -cum, -noinlines and each
    // granularity (a user adds any other string to pprof_options).
    {
      sqlite3_stmt* raw = nullptr;
      if (sqlite3_prepare_v2(db_.get(), "INSERT OR IGNORE INTO main.pprof_options(profile_id, options) VALUES (?, ?)",
                             -1, &raw, nullptr) != SQLITE_OK) {
        return Error("pprof_options");
      }
      StmtPtr insert(raw);
      std::vector<std::string> types = {""};
      for (const ValueType& vt : lp.profile->sample_types) {
        types.push_back("-sample_index=" + std::string(lp.profile->str(vt.type)));
      }
      for (const std::string& type : types) {
        for (const char* sort : {"", "-cum"}) {
          for (const char* inl : {"", "-noinlines"}) {
            for (const char* gran : {"", "-lines", "-files", "-addresses", "-filefunctions"}) {
              std::string o;
              for (const std::string& w : {type, std::string(sort), std::string(inl), std::string(gran)}) {
                if (!w.empty()) o += (o.empty() ? "" : " ") + w;
              }
              sqlite3_bind_int64(insert.get(), 1, new_id);
              BindName(insert.get(), 2, o);
              if (sqlite3_step(insert.get()) != SQLITE_DONE) return Error("pprof_options");
              sqlite3_reset(insert.get());
            }
          }
        }
      }
    }
    Progress(n, count, lp.name, "source files");
    return ImportSources(new_id);
  }

  // The lines of every file the listings of profile `id` show, when the
  // file lies under the roots the user gave (report/stored_source.h), and a
  // row per file in pprof_source_files saying whether it was stored or why
  // not. Files are never read because a profile names them alone.
  Status ImportSources(int64_t id) {
    std::vector<std::string> files;
    {
      sqlite3_stmt* raw = nullptr;
      std::string sql = fmt::format(
          "SELECT DISTINCT file FROM main.pprof_nodes WHERE profile_id = {} AND granularity = 'lines' "
          "AND file IS NOT NULL",
          id);
      if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) return Error("source files");
      StmtPtr st(raw);
      while (sqlite3_step(st.get()) == SQLITE_ROW) {
        files.emplace_back(reinterpret_cast<const char*>(sqlite3_column_blob(st.get(), 0)),
                           static_cast<size_t>(sqlite3_column_bytes(st.get(), 0)));
      }
    }
    StmtPtr insert, note;
    {
      sqlite3_stmt* raw = nullptr;
      if (sqlite3_prepare_v2(db_.get(), "INSERT OR IGNORE INTO main.pprof_source VALUES (?, ?, ?)", -1, &raw,
                             nullptr) != SQLITE_OK) {
        return Error("pprof_source");
      }
      insert.reset(raw);
      if (sqlite3_prepare_v2(db_.get(), "INSERT OR REPLACE INTO main.pprof_source_files VALUES (?, ?, ?, ?, ?)", -1,
                             &raw, nullptr) != SQLITE_OK) {
        return Error("pprof_source_files");
      }
      note.reset(raw);
    }
    for (const std::string& file : files) {
      StoredSource src = ReadStoredSource(file, reg_->source_path, reg_->trim_path, kMaxStoredSourceBytes);
      sqlite3_bind_int64(note.get(), 1, id);
      BindName(note.get(), 2, file);
      sqlite3_bind_int(note.get(), 3, src.lines ? 1 : 0);
      const std::string& detail = src.lines ? src.opened : src.skipped;
      BindName(note.get(), 4, detail);
      // pprof's own error when its reader cannot read the file either; else,
      // when the text was found but not stored, why (the listing cannot
      // show it).
      if (src.lines) {
        sqlite3_bind_null(note.get(), 5);
      } else {
        BindName(note.get(), 5, reg_->Sources().Error(file).value_or("not stored in this database: " + src.skipped));
      }
      if (sqlite3_step(note.get()) != SQLITE_DONE) return Error("pprof_source_files");
      sqlite3_reset(note.get());
      if (!src.lines) {
        skipped_sources_++;
        continue;
      }
      stored_sources_++;
      for (size_t i = 0; i < src.lines->size(); i++) {
        BindName(insert.get(), 1, file);
        sqlite3_bind_int64(insert.get(), 2, static_cast<sqlite3_int64>(i + 1));
        BindName(insert.get(), 3, (*src.lines)[i]);
        if (sqlite3_step(insert.get()) != SQLITE_DONE) return Error("pprof_source");
        sqlite3_reset(insert.get());
      }
    }
    return Status();
  }

  void Progress(size_t n, size_t count, const std::string& name, const std::string& what) {
    if (!progress_) return;
    std::fprintf(stderr, "\r\033[Kimporting %zu/%zu %s: %s", n, count, name.c_str(), what.c_str());
    std::fflush(stderr);
  }

  Status Exec(const std::string& sql, const std::vector<std::string>& args = {}) {
    if (args.empty()) {
      char* msg = nullptr;
      if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &msg) == SQLITE_OK) return Status();
      std::string m = msg ? msg : sqlite3_errmsg(db_.get());
      sqlite3_free(msg);
      return Status::Error(m);
    }
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) return Error("prepare");
    StmtPtr st(raw);
    for (size_t i = 0; i < args.size(); i++) {
      sqlite3_bind_text(st.get(), static_cast<int>(i + 1), args[i].c_str(), -1, SQLITE_TRANSIENT);
    }
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    }
    return rc == SQLITE_DONE ? Status() : Error("import");
  }

  Status Error(const char* what) {
    return Status::Error(fmt::format("{}: {}", what, sqlite3_errmsg(db_.get())));
  }

  std::shared_ptr<Registry> reg_;
  bool progress_;
  uint64_t stored_sources_ = 0, skipped_sources_ = 0;
  std::unique_ptr<sqlite3, DbCloser> db_;
};

void ImportFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_import", [&] {
    if (!RequireDirectCall(ctx, "pprof_import")) return;
    auto& reg = *static_cast<std::shared_ptr<Registry>*>(sqlite3_user_data(ctx));
    const unsigned char* path = sqlite3_value_text(argv[0]);
    if (!path || !*path) return ResultError(ctx, "pprof_import", "the database path is empty");
    std::vector<LoadedPtr> profiles;
    if (argc > 1 && sqlite3_value_type(argv[1]) != SQLITE_NULL) {
      std::string ids = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
      size_t pos = 0;
      while (pos <= ids.size()) {
        size_t comma = ids.find(',', pos);
        std::string word = ids.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        pos = comma == std::string::npos ? ids.size() + 1 : comma + 1;
        char* end = nullptr;
        long long id = std::strtoll(word.c_str(), &end, 10);
        LoadedPtr p = word.empty() || *end ? nullptr : reg->Find(id);
        if (!p) return ResultError(ctx, "pprof_import", fmt::format("no profile with id '{}' is loaded", word));
        profiles.push_back(std::move(p));
      }
    } else {
      for (LoadedPtr& p : reg->All()) {
        if (!p->prepared) profiles.push_back(std::move(p));
      }
    }
    if (profiles.empty()) return ResultError(ctx, "pprof_import", "no profile is loaded (use pprof_load first)");
    Importer importer(reg, reg->progress && isatty(2));
    auto n = importer.Run(reinterpret_cast<const char*>(path), profiles);
    if (!n.ok()) return ResultError(ctx, "pprof_import", n.status().message());
    sqlite3_result_int(ctx, *n);
  });
}

}  // namespace

int RegisterImportFunction(sqlite3* db, const std::shared_ptr<Registry>& registry) {
  for (int nargs : {1, 2}) {
    auto* data = new std::shared_ptr<Registry>(registry);
    // DIRECTONLY (and RequireDirectCall): it writes a file named by its argument.
    int rc = sqlite3_create_function_v2(db, "pprof_import", nargs, SQLITE_UTF8 | SQLITE_DIRECTONLY, data,
                                        ImportFunction, nullptr, nullptr,
                                        [](void* p) { delete static_cast<std::shared_ptr<Registry>*>(p); });
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

}  // namespace pprofsql
