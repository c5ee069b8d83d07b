// RAII for SQLite handles and the one way errors leave a C callback.
#pragma once

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

inline void ResultText(sqlite3_context* ctx, std::string_view s) {
  sqlite3_result_text64(ctx, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

}  // namespace pprofsql
