// Small helpers the bundled report views (sql/20_peek.sql .. sql/50_folded.sql)
// need and SQL cannot do exactly:
//   pprof_option(options, name)  -> one parsed report option of an options
//       string, as the report tables read it (report/options.h):
//       'sample_index' (text, '' for pprof's default; legacy flags such as
//       -alloc_space or -mean_delay are mapped), 'mean' (0/1), 'unit'
//       ('minimum' unless -unit=), 'granularity' ('functions', 'lines', ...),
//       'noinlines' (0/1), 'divide_by' (real). A bad options string is an error.
//         pprof_option('-mean_delay', 'sample_index') -> 'delay'
//   pprof_format_scaled(value, unit, to_unit, decimals) -> the value scaled as
//       measurement.Scale does, printed as Go's "%.<decimals>f" followed by
//       the unit (what -tags prints: "2.2s", "190.0ms", "0.0B"). Go rounds
//       the exact binary value half to even (2.25 -> "2.2"); SQLite's printf
//       does not, hence this function.
//         pprof_format_scaled(2250000000, 'nanoseconds', 'minimum', 1) -> '2.2s'
//   pprof_label_lines(key, value, label_index, is_num)  (aggregate) -> the
//       label lines -traces prints for one sample, as a JSON array of strings
//       (split them with json_each): one line "%10s:  %s" per key and kind,
//       the key's values in label_index order joined by one space; the string
//       labels' lines sorted as Go sorts strings, then the numeric labels'
//       lines sorted the same way. Independent of the order rows arrive in
//       (SQLite 3.40's aggregates have no ORDER BY).
//   pprof_concat_ordered(value, order_key, separator)  (aggregate) -> the
//       non-NULL values joined by separator in ascending order_key (an
//       integer; ties keep arrival order): group_concat with the ORDER BY
//       that SQLite 3.40 lacks. NULL when there are no values.
//         SELECT pprof_concat_ordered(name, -depth, ';') ... -> 'main;f;leaf'
//   pprof_node_name(options, address, function_name, filename, line, objfile)
//       -> the name pprof prints for one frame (a pprof_frames row) under the
//       report flags `options`, whose granularity (-functions, -lines, ...)
//       decides what is kept: graph.go's nodeInfo and NameComponents after
//       Profile.Aggregate. function_name NULL means the line has no function.
//       objfile is the mapping's file ('' for none); it only matters when
//       neither a function name nor a file or line is kept, and when it is
//       NULL then, the result is NULL, so SQL can look the mapping up only
//       for those frames.
//         pprof_node_name('-lines', 0, 'main.f', '/src/./a.go', 12, NULL) -> 'main.f /src/a.go:12'
//         pprof_node_name('', 4096, NULL, NULL, NULL, '/bin/app') -> '[app]'
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/sqlite_util.h"
#include "functions/functions.h"
#include "report/measure.h"
#include "report/options.h"
#include "report/source.h"

namespace pprofsql {
namespace {

std::string_view TextArg(sqlite3_value* v) {
  const unsigned char* t = sqlite3_value_text(v);
  return t ? std::string_view(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_value_bytes(v)))
           : std::string_view();
}

// The last options string a function parsed (one per function and
// connection). The views call pprof_option and pprof_node_name once per row
// with the same, but not constant, string, where SQLite's auxdata would not
// keep the parse.
struct OptionCache {
  bool valid = false;
  std::string flags;
  ReportOptions options;
};

void DeleteOptionCache(void* p) { delete static_cast<OptionCache*>(p); }

// The parsed `flags`, from the function's cache; reports the error and
// returns nullptr when they do not parse.
const ReportOptions* CachedOptions(sqlite3_context* ctx, std::string_view flags, const char* function) {
  auto* cache = static_cast<OptionCache*>(sqlite3_user_data(ctx));
  if (!cache->valid || cache->flags != flags) {
    cache->valid = false;
    auto r = ParseReportOptions(flags);
    if (!r.ok()) {
      ResultError(ctx, function, r.status().message());
      return nullptr;
    }
    cache->options = std::move(*r);
    cache->flags = std::string(flags);
    cache->valid = true;
  }
  return &cache->options;
}

void Option(sqlite3_context* ctx, int, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_option", [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
      return sqlite3_result_null(ctx);
    }
    const ReportOptions* o = CachedOptions(ctx, TextArg(argv[0]), "pprof_option");
    if (!o) return;
    std::string_view name = TextArg(argv[1]);
    if (name == "sample_index") {
      ResultText(ctx, o->sample_index);
    } else if (name == "mean") {
      sqlite3_result_int(ctx, o->mean ? 1 : 0);
    } else if (name == "unit") {
      ResultText(ctx, o->unit);
    } else if (name == "granularity") {
      ResultText(ctx, o->granularity);
    } else if (name == "noinlines") {
      sqlite3_result_int(ctx, o->noinlines ? 1 : 0);
    } else if (name == "divide_by") {
      sqlite3_result_double(ctx, o->divide_by);
    } else {
      return ResultError(ctx, "pprof_option",
                         "unknown option name '" + std::string(name) +
                             "' (sample_index, mean, unit, granularity, noinlines, divide_by)");
    }
  });
}

void FormatScaled(sqlite3_context* ctx, int, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_format_scaled", [&] {
    for (int i = 0; i < 4; i++) {
      if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    }
    int decimals = sqlite3_value_int(argv[3]);
    if (decimals < 0 || decimals > 30) return ResultError(ctx, "pprof_format_scaled", "decimals must be 0..30");
    Scaled s = Scale(sqlite3_value_int64(argv[0]), TextArg(argv[1]), TextArg(argv[2]));
    char buf[400];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, s.value);
    ResultText(ctx, std::string(buf) + s.unit);
  });
}

// Go's fmt "%10s": pads on the left to 10 runes (utf8.RuneCountInString).
std::string PadLeft10(std::string_view s) {
  size_t runes = 0;
  for (unsigned char c : s) runes += (c & 0xC0) != 0x80;
  return runes >= 10 ? std::string(s) : std::string(10 - runes, ' ') + std::string(s);
}

struct LabelLinesState {
  // (is_num, key) -> (label_index, value)
  std::map<std::pair<bool, std::string>, std::vector<std::pair<int64_t, std::string>>> keys;
};

void LabelLinesStep(sqlite3_context* ctx, int, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_label_lines", [&] {
    auto** slot = static_cast<LabelLinesState**>(sqlite3_aggregate_context(ctx, sizeof(LabelLinesState*)));
    if (!slot) return sqlite3_result_error_nomem(ctx);
    if (!*slot) *slot = new LabelLinesState();
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) return;
    (*slot)->keys[{sqlite3_value_int(argv[3]) != 0, std::string(TextArg(argv[0]))}].emplace_back(
        sqlite3_value_int64(argv[2]), std::string(TextArg(argv[1])));
  });
}

void LabelLinesFinal(sqlite3_context* ctx) {
  auto** slot = static_cast<LabelLinesState**>(sqlite3_aggregate_context(ctx, 0));
  std::unique_ptr<LabelLinesState> state(slot ? *slot : nullptr);
  GuardFunction(ctx, "pprof_label_lines", [&] {
    std::vector<std::string> lines[2];
    if (state) {
      for (auto& [k, values] : state->keys) {
        std::stable_sort(values.begin(), values.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        std::string line = PadLeft10(k.second) + ":  ";
        for (size_t i = 0; i < values.size(); i++) line += (i ? " " : "") + values[i].second;
        lines[k.first].push_back(line + '\n');  // printTraces sorts the lines with their newline
      }
    }
    std::string out = "[";
    for (auto& group : lines) {
      std::sort(group.begin(), group.end());
      for (const std::string& l : group) {
        if (out.size() > 1) out += ',';
        AppendJsonString(out, std::string_view(l).substr(0, l.size() - 1));
      }
    }
    out += ']';
    ResultText(ctx, out);
  });
}

struct ConcatState {
  std::vector<std::pair<int64_t, std::string>> values;
  std::string separator;
};

void ConcatStep(sqlite3_context* ctx, int, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_concat_ordered", [&] {
    auto** slot = static_cast<ConcatState**>(sqlite3_aggregate_context(ctx, sizeof(ConcatState*)));
    if (!slot) return sqlite3_result_error_nomem(ctx);
    if (!*slot) {
      *slot = new ConcatState();
      (*slot)->separator = std::string(TextArg(argv[2]));
    }
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    (*slot)->values.emplace_back(sqlite3_value_int64(argv[1]), std::string(TextArg(argv[0])));
  });
}

void ConcatFinal(sqlite3_context* ctx) {
  auto** slot = static_cast<ConcatState**>(sqlite3_aggregate_context(ctx, 0));
  std::unique_ptr<ConcatState> state(slot ? *slot : nullptr);
  GuardFunction(ctx, "pprof_concat_ordered", [&] {
    if (!state || state->values.empty()) return sqlite3_result_null(ctx);
    auto& v = state->values;
    std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    size_t size = 0;
    for (const auto& e : v) size += e.second.size() + state->separator.size();
    std::string out;
    out.reserve(size);
    for (size_t i = 0; i < v.size(); i++) {
      if (i) out += state->separator;
      out += v[i].second;
    }
    ResultText(ctx, out);
  });
}

void NodeName(sqlite3_context* ctx, int, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_node_name", [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    const ReportOptions* o = CachedOptions(ctx, TextArg(argv[0]), "pprof_node_name");
    if (!o) return;
    const std::string& g = o->granularity;
    const bool addresses = g == "addresses", lines = addresses || g == "lines";
    const bool keep_function = lines || g == "functions" || g == "filefunctions";
    const bool keep_file = lines || g == "files" || g == "filefunctions";
    const bool has_function = sqlite3_value_type(argv[2]) != SQLITE_NULL;
    const uint64_t address = addresses ? static_cast<uint64_t>(sqlite3_value_int64(argv[1])) : 0;
    std::string_view name, file_arg;
    int64_t lineno = 0;
    if (has_function) {
      if (keep_function) name = TextArg(argv[2]);
      if (keep_file) file_arg = TextArg(argv[3]);
      if (lines) lineno = sqlite3_value_int64(argv[4]);
    }
    const bool objfile_null = sqlite3_value_type(argv[5]) == SQLITE_NULL;
    // The binary is named only when there is no name, line or file.
    if (name.empty() && lineno == 0 && file_arg.empty() && objfile_null) return sqlite3_result_null(ctx);
    std::string out;
    if (address != 0) {
      char buf[24];
      std::snprintf(buf, sizeof buf, "%016llx ", static_cast<unsigned long long>(address));
      out = buf;
    }
    out += name;
    if (!name.empty() && (lineno != 0 || !file_arg.empty())) out += ' ';
    if (lineno != 0) {
      out += file_arg.empty() ? std::string() : CleanPath(file_arg);
      out += ':' + std::to_string(lineno);
    } else if (!file_arg.empty()) {
      out += CleanPath(file_arg);
    } else if (name.empty()) {
      std::string_view objfile = TextArg(argv[5]);
      out += objfile.empty() ? "<unknown>" : "[" + BasePath(objfile) + "]";
    }
    ResultText(ctx, out);
  });
}

}  // namespace

int RegisterViewFunctions(sqlite3* db) {
  int rc = sqlite3_create_function_v2(db, "pprof_option", 2, SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC,
                                      new OptionCache(), Option, nullptr, nullptr, DeleteOptionCache);
  if (rc != SQLITE_OK) return rc;
  rc = sqlite3_create_function_v2(db, "pprof_format_scaled", 4, SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC,
                                  nullptr, FormatScaled, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return rc;
  rc = sqlite3_create_function_v2(db, "pprof_label_lines", 4, SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC,
                                  nullptr, nullptr, LabelLinesStep, LabelLinesFinal, nullptr);
  if (rc != SQLITE_OK) return rc;
  rc = sqlite3_create_function_v2(db, "pprof_concat_ordered", 3, SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC,
                                  nullptr, nullptr, ConcatStep, ConcatFinal, nullptr);
  if (rc != SQLITE_OK) return rc;
  return sqlite3_create_function_v2(db, "pprof_node_name", 6, SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC,
                                    new OptionCache(), NodeName, nullptr, nullptr, DeleteOptionCache);
}

}  // namespace pprofsql
