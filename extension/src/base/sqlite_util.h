// RAII for SQLite handles and the one way errors leave a C callback.
#pragma once

#include <cctype>
#include <memory>
#include <new>
#include <string>
#include <string_view>

#include "base/sqlite_api.h"
#include "base/status.h"

namespace pprofsql {

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

struct SqliteFree {
  void operator()(void* p) const { sqlite3_free(p); }
};
using SqliteStr = std::unique_ptr<char, SqliteFree>;

// Replaces a vtab's error message (freeing the old one first) and returns SQLITE_ERROR.
inline int SetVtabError(sqlite3_vtab* vtab, std::string_view msg) {
  sqlite3_free(vtab->zErrMsg);
  vtab->zErrMsg = sqlite3_mprintf("%.*s", static_cast<int>(msg.size()), msg.data());
  return SQLITE_ERROR;
}

// Reports `msg` as the result of a SQL function call, prefixed with its name.
inline void ResultError(sqlite3_context* ctx, std::string_view function, std::string_view msg) {
  std::string text = std::string(function) + ": " + std::string(msg);
  sqlite3_result_error(ctx, text.data(), static_cast<int>(text.size()));
}

// Runs a callback body so that no C++ exception crosses into SQLite.
template <typename F>
void GuardFunction(sqlite3_context* ctx, std::string_view function, F&& body) {
  try {
    body();
  } catch (const std::bad_alloc&) {
    sqlite3_result_error_nomem(ctx);
  } catch (const std::exception& e) {
    ResultError(ctx, function, e.what());
  }
}

template <typename F>
int GuardVtab(sqlite3_vtab* vtab, F&& body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (const std::exception& e) {
    return SetVtabError(vtab, e.what());
  }
}

// Functions that read or write files, or change what the connection holds or
// how it reads (pprof_load, pprof_import, pprof_config, ...), must run only
// from SQL the user typed. SQLITE_DIRECTONLY keeps them out of views and
// triggers of a database someone else wrote, but SQLite 3.40 does not apply
// it to CHECK constraints, and DEFAULT clauses, generated columns and index
// expressions run inside statements the user wrote for other reasons. So
// each call also checks that a statement running on the connection is a
// read-only one (a SELECT: schema-borne expressions of that kind only run
// when a table is written) whose own text names the function. Returns false
// after setting the error result.
inline bool RequireDirectCall(sqlite3_context* ctx, std::string_view function) {
  sqlite3* db = sqlite3_context_db_handle(ctx);
  for (sqlite3_stmt* st = sqlite3_next_stmt(db, nullptr); st; st = sqlite3_next_stmt(db, st)) {
    if (!sqlite3_stmt_busy(st) || !sqlite3_stmt_readonly(st)) continue;
    const char* sql = sqlite3_sql(st);
    if (!sql) continue;
    std::string_view text(sql);
    // Case-insensitive search: SQL function names are.
    for (size_t i = 0; i + function.size() <= text.size(); i++) {
      size_t k = 0;
      while (k < function.size() && std::tolower(static_cast<unsigned char>(text[i + k])) == function[k]) k++;
      if (k == function.size()) return true;
    }
  }
  ResultError(ctx, function,
              "may only be called from a SELECT statement that names it, not from a trigger, view, CHECK "
              "constraint, DEFAULT clause, generated column or index expression");
  return false;
}

inline void ResultText(sqlite3_context* ctx, std::string_view s) {
  sqlite3_result_text64(ctx, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

}  // namespace pprofsql
