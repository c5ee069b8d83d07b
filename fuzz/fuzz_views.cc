// libFuzzer target: bytes -> pprof_load in a fresh in-memory database with
// the extension registered -> every table and every report view.
//
// The input reaches pprof_load as a file, as it would in use: an anonymous
// in-memory file (memfd_create) named by /proc/self/fd/N, so nothing touches
// the disk and the SQL API is the public one. A failed load must be a SQL
// error that starts with "pprof_load: " and names the file; a loaded profile
// must answer every query below without an error. (A drop_frames or
// keep_frames regexp that does not compile is no error: pprof ignores it and
// prunes nothing, and so do the reports.)
//
// Each input is bounded so that one cannot take long: decompressed profiles
// above 4 MiB or of more than 10,000,000 frames are refused (pprof_config's
// max_profile_bytes and max_frames), and the views
// only run on profiles of at most 2,000 samples whose stacks expand to at
// most 200,000 frames (20,000 for the per-sample reports: -traces, -tags,
// -raw, folded). Source files are looked up in an empty directory.
//
// Build and run: fuzz/run.sh (fuzz/README.md).
#include <sqlite3.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" int sqlite3_pprof_init(sqlite3* db, char** err, const sqlite3_api_routines* api);

namespace {

constexpr int64_t kMaxProfileBytes = int64_t{4} << 20;
constexpr int64_t kMaxLoadFrames = 10000000;             // pprof_config('max_frames')
constexpr int64_t kMaxMemoryBytes = int64_t{64} << 20;  // pprof_config('max_memory_bytes')
constexpr int64_t kMaxSamples = 2000;
constexpr int64_t kMaxFrames = 200000;     // for the tables and the graph reports
constexpr int64_t kMaxTextFrames = 20000;  // for -traces, -tags, -raw and folded

int g_fd = -1;
bool g_verbose = false;    // FUZZ_VIEWS_VERBOSE=1: each query and its time on stderr
std::string g_path;        // /proc/self/fd/N
std::string g_source_dir;  // empty directory: -list finds no source there

[[noreturn]] void Die(const std::string& what) {
  fprintf(stderr, "fuzz_views: %s\n", what.c_str());
  abort();
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "''";
    else out += c;
  }
  return out + "'";
}

// Runs one statement; returns "" or the error. Rows are read and dropped,
// the first column of the first row kept in *first.
std::string Run(sqlite3* db, const std::string& sql, std::string* first = nullptr) {
  const auto start = std::chrono::steady_clock::now();
  struct Log {
    const std::string& sql;
    std::chrono::steady_clock::time_point start;
    ~Log() {
      if (!g_verbose) return;
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
      fprintf(stderr, "%8.3f ms  %s\n", static_cast<double>(us.count()) / 1000, sql.c_str());
    }
  } log{sql, start};
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return sqlite3_errmsg(db);
  int rc;
  bool got = false;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (first && !got) {
      const unsigned char* t = sqlite3_column_text(st, 0);
      *first = t ? reinterpret_cast<const char*>(t) : "NULL";
      got = true;
    }
    // Touch every column, as a client printing the rows would.
    for (int i = 0; i < sqlite3_column_count(st); i++) (void)sqlite3_column_text(st, i);
  }
  std::string err = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db);
  sqlite3_finalize(st);
  return err;
}

// A query that must succeed on any loaded profile.
std::string Must(sqlite3* db, const std::string& sql) {
  std::string first;
  std::string err = Run(db, sql, &first);
  if (!err.empty()) Die("query failed on a loaded profile: " + sql + "\n  error: " + err);
  return first;
}

int64_t MustInt(sqlite3* db, const std::string& sql) { return std::strtoll(Must(db, sql).c_str(), nullptr, 10); }

// A report: must succeed (true), or fail with SQLite's "integer overflow"
// from a view's sum() (false; pprof's int64 sums wrap, the SQL views stop
// with an error instead).
bool Report(sqlite3* db, const std::string& sql, std::string* first = nullptr) {
  std::string err = Run(db, sql, first);
  if (err.empty()) return true;
  if (err == "integer overflow") return false;
  Die("report failed on a loaded profile: " + sql + "\n  error: " + err);
}

// Report flags a top report runs with besides the defaults; the input's
// last byte picks one, so the corpus covers them all.
const char* const kOptions[] = {
    "-cum", "-lines", "-files", "-addresses", "-filefunctions", "-noinlines", "-mean",
    "-nodecount=3 -nodefraction=0", "-sample_index=0", "-flat -unit=ms", "-lines -noinlines -cum",
};

void Exercise(sqlite3* db, const std::string& id, uint8_t pick) {
  const std::string where = " WHERE profile_id = " + id;
  const int64_t samples = MustInt(db, "SELECT sample_count FROM pprof_profiles" + where);
  // The small tables first: never more rows than the file has bytes.
  for (const char* t : {"pprof_profiles", "pprof_sample_types", "pprof_locations", "pprof_lines", "pprof_functions",
                        "pprof_mappings"}) {
    Must(db, std::string("SELECT count(*) FROM ") + t + where);
  }
  if (samples > kMaxSamples) return;
  // Frames, counted without walking more than the budget of them.
  const int64_t frames = MustInt(db, "SELECT count(*) FROM (SELECT 1 FROM pprof_frames" + where + " LIMIT " +
                                         std::to_string(kMaxFrames + 1) + ")");
  if (frames > kMaxFrames) return;
  for (const char* t : {"pprof_samples", "pprof_stacks", "pprof_labels", "pprof_frames"}) {
    Must(db, std::string("SELECT count(*) FROM ") + t + where);
  }
  for (const char* t : {"pprof_graph", "pprof_graph_edges", "pprof_report_labels", "pprof_nodes", "pprof_node_edges",
                        "pprof_node_stacks"}) {
    Report(db, std::string("SELECT count(*) FROM ") + t + where);
  }
  Report(db, "SELECT count(*) FROM pprof_diff" + where + " AND base_id = " + Quote(id) + " AND options = ''");
  // The graph reports.
  const std::string opts = " AND options = ''";
  Report(db, "SELECT count(*), sum(length(text)) FROM pprof_top_text" + where + opts);
  const char* extra = kOptions[pick % (sizeof(kOptions) / sizeof(kOptions[0]))];
  Report(db, "SELECT count(*), sum(length(text)) FROM pprof_top_text" + where + " AND options = " + Quote(extra));
  Report(db, "SELECT count(*), sum(length(text)) FROM pprof_peek_text" + where + opts + " AND symbol = '.'");
  Report(db, "SELECT count(*), sum(length(text)) FROM pprof_list_text" + where + opts + " AND symbol = '.'");
  // The per-sample reports cost far more per frame (SQL over every frame).
  if (frames > kMaxTextFrames) return;
  Report(db, "SELECT count(*), sum(length(text)) FROM pprof_traces_text" + where + opts);
  Report(db, "SELECT count(*), sum(length(text)) FROM pprof_traces_text" + where + " AND options = '-mean'");
  Report(db, "SELECT count(*), sum(length(text)) FROM pprof_tags_text" + where + opts);
  Report(db, "SELECT count(*), sum(length(text)) FROM pprof_raw_text" + where);
  // The profile pprof reports on (merged, drop_frames applied), and the
  // folded stacks of it.
  std::string prepared;
  if (!Report(db, "SELECT pprof_prepare(" + Quote(id) + ")", &prepared)) return;
  Report(db,
         "SELECT count(*), sum(length(stack)), total(value) FROM pprof_folded WHERE profile_id = " + prepared + opts);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* verbose = getenv("FUZZ_VIEWS_VERBOSE");
  g_verbose = verbose && *verbose && *verbose != '0';
  sqlite3_auto_extension(reinterpret_cast<void (*)()>(sqlite3_pprof_init));
  g_fd = memfd_create("pprof-fuzz-input", MFD_CLOEXEC);
  if (g_fd < 0) Die("memfd_create failed");
  g_path = "/proc/self/fd/" + std::to_string(g_fd);
  char tmpl[] = "/tmp/pprof_fuzz_src_XXXXXX";
  if (!mkdtemp(tmpl)) Die("mkdtemp failed");
  g_source_dir = tmpl;
  atexit([] { rmdir(g_source_dir.c_str()); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (ftruncate(g_fd, 0) != 0) Die("ftruncate failed");
  for (size_t off = 0; off < size;) {
    ssize_t n = pwrite(g_fd, data + off, size - off, static_cast<off_t>(off));
    if (n <= 0) Die("pwrite failed");
    off += static_cast<size_t>(n);
  }
  sqlite3* db = nullptr;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) Die("sqlite3_open failed");
  Must(db, "SELECT pprof_config('max_profile_bytes', " + std::to_string(kMaxProfileBytes) + "), " +
               "pprof_config('max_frames', " + std::to_string(kMaxLoadFrames) + "), " +
               "pprof_config('max_memory_bytes', " + std::to_string(kMaxMemoryBytes) + "), " +
               "pprof_config('source_path', " + Quote(g_source_dir) + "), pprof_config('trim_path', '')");
  std::string id;
  std::string err = Run(db, "SELECT pprof_load(" + Quote(g_path) + ")", &id);
  if (!err.empty()) {
    // A clear error: the function, the file, then what is wrong.
    const std::string prefix = "pprof_load: " + g_path + ": ";
    if (err.compare(0, prefix.size(), prefix) != 0 || err.size() == prefix.size()) {
      Die("load error without the expected prefix: " + err);
    }
  } else {
    Exercise(db, id, size ? data[size - 1] : 0);
  }
  if (sqlite3_close(db) != SQLITE_OK) Die("sqlite3_close failed (statements left open)");
  return 0;
}
