// Go-syntax regular expressions in SQL (report/regexp.h):
//   regexp(pattern, text)       -> 1 if text contains a match, else 0; this is
//                                  what `text REGEXP pattern` calls.
//   pprof_match(pattern, text)  -> the same, under a name that says whose
//                                  syntax it is (the one -focus and -hide use).
// Unanchored, case-sensitive, UTF-8, like Go's regexp.MatchString. NULL in,
// NULL out. The compiled pattern is kept with the statement (auxdata), so a
// constant pattern is compiled once per statement, not once per row.
//
// RE2's time is linear in the text, but times the size of the pattern's
// program when its DFA gives up (a 100 KB pattern against a 100 KB text: 90 s
// in one call, which sqlite3_interrupt cannot stop, since SQLite checks it
// only between rows). One call is therefore refused, with an error, when
// program size x text bytes passes kMaxSteps (a few seconds at worst); a
// query over many rows stays interruptible between them.
#include <fmt/format.h>

#include <new>

#include "base/sqlite_util.h"
#include "functions/functions.h"
#include "report/regexp.h"

namespace pprofsql {
namespace {

std::string_view TextArg(sqlite3_value* v) {
  const unsigned char* t = sqlite3_value_text(v);
  return t ? std::string_view(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_value_bytes(v)))
           : std::string_view();
}

void DeleteRegexp(void* p) { delete static_cast<Regexp*>(p); }

// 2^28 steps: about 1.5 s for the worst pattern and text measured (runs of
// NUL bytes), where 'foo' (7 instructions) may still search 38 MB of text.
constexpr uint64_t kMaxSteps = uint64_t{1} << 28;

// Searches `text`, or reports the error when it could take too long.
void SearchOrRefuse(sqlite3_context* ctx, const char* name, const Regexp& re, std::string_view text) {
  const uint64_t steps = static_cast<uint64_t>(re.program_size()) * text.size();
  if (steps > kMaxSteps) {
    return ResultError(ctx, name,
                       fmt::format("a pattern of {} instructions against a text of {} bytes may take {} steps, more "
                                   "than the limit of {} (RE2 takes time in proportion to both: use a shorter "
                                   "pattern or text)",
                                   re.program_size(), text.size(), steps, kMaxSteps));
  }
  sqlite3_result_int(ctx, re.Search(text) ? 1 : 0);
}

void Match(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  (void)argc;
  const char* name = static_cast<const char*>(sqlite3_user_data(ctx));
  GuardFunction(ctx, name, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
      return sqlite3_result_null(ctx);
    }
    if (auto* cached = static_cast<Regexp*>(sqlite3_get_auxdata(ctx, 0))) {
      return SearchOrRefuse(ctx, name, *cached, TextArg(argv[1]));
    }
    Result<Regexp> re = Regexp::Compile(TextArg(argv[0]));
    if (!re.ok()) return ResultError(ctx, name, re.status().message());
    auto* owned = new Regexp(std::move(*re));
    // Match before handing the pattern to SQLite: set_auxdata may free it at once.
    SearchOrRefuse(ctx, name, *owned, TextArg(argv[1]));
    sqlite3_set_auxdata(ctx, 0, owned, DeleteRegexp);
  });
}

}  // namespace

int RegisterRegexpFunctions(sqlite3* db) {
  static const char kRegexp[] = "regexp";
  static const char kMatch[] = "pprof_match";
  for (const char* name : {kRegexp, kMatch}) {
    int rc = sqlite3_create_function_v2(db, name, 2, SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC,
                                        const_cast<char*>(name), Match, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

}  // namespace pprofsql
