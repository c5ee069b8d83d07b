// Shared helpers for the unit tests: a connection with the extension
// registered, and small query helpers that fail the test on SQL errors.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <ftw.h>
#include <sys/stat.h>
#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <map>
#include <string>
#include <vector>

extern "C" int sqlite3_pprof_init(sqlite3* db, char** err, const sqlite3_api_routines* api);

namespace pprof_test {

inline std::string SourceDir() { return PPROF_SOURCE_DIR; }

// ../shared beside the checkout (or $PPROF_SHARED_DIR). Only pprof's own
// testdata is read from there; nothing else the tests need lives outside the repo.
inline std::string SharedDir() {
  const char* env = std::getenv("PPROF_SHARED_DIR");
  return env ? env : PPROF_SHARED_DIR;
}

// The committed corpus (tests/corpus/README.md): the go/cpp/synthetic profiles,
// their sources, go tool pprof's goldens and their MANIFEST.tsv rows.
inline std::string CorpusDir() { return SourceDir() + "/tests/corpus"; }

// The folder whose MANIFEST.tsv lists pprof's own testdata (rows of group
// pprof-testdata, every path under pprof-testdata/), which is not committed.
inline std::string SharedCorpusDir() { return SharedDir() + "/corpus/dev"; }

// A corpus path as the manifests spell it: "pprof-testdata/..." lives in
// ../shared/corpus/dev, everything else in tests/corpus. One rule for every test.
inline std::string CorpusPath(const std::string& rel) {
  static const std::string kTestdata = "pprof-testdata/";
  return (rel.compare(0, kTestdata.size(), kTestdata) == 0 ? SharedCorpusDir() : CorpusDir()) + "/" + rel;
}

inline bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

inline bool PprofTestdataPresent() { return Exists(SharedCorpusDir() + "/pprof-testdata"); }

#define ASSERT_SHARED_EXISTS(path)                                                                 \
  ASSERT_TRUE(::pprof_test::Exists(path))                                                          \
      << "MISSING: " << (path)                                                                     \
      << " -- tests/corpus is part of the checkout; pprof-testdata is read from ../shared/corpus/dev" \
         " (or $PPROF_SHARED_DIR)"

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One row of a corpus MANIFEST.tsv (tests/corpus/README.md). `dir` is the
// folder its command runs from; profile and golden are relative to it.
struct ManifestRow {
  std::string group, profile, command, golden, format, dir;
  std::string ProfilePath() const { return dir + "/" + profile; }
  std::string GoldenPath() const { return dir + "/" + golden; }
};

// The rows of <dir>/MANIFEST.tsv (all, or only those of `group`); none if it is missing.
inline std::vector<ManifestRow> ReadManifest(const std::string& dir, const std::string& group = "") {
  std::vector<ManifestRow> rows;
  std::istringstream in(ReadAll(dir + "/MANIFEST.tsv"));
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string field; std::getline(fields, field, '\t');) f.push_back(field);
    if (f.size() < 5 || (!group.empty() && f[0] != group)) continue;
    rows.push_back({f[0], f[1], f[2], f[3], f[4], dir});
  }
  return rows;
}

// How many MANIFEST rows pprof-testdata has, as tests/corpus/EXTERNAL.tsv
// records it: what a suite reports as not run when ../shared is absent.
inline int PprofTestdataRows() {
  std::istringstream in(ReadAll(CorpusDir() + "/EXTERNAL.tsv"));
  std::string group, rows, rest;
  while (in >> group >> rows && std::getline(in, rest)) {
    if (group == "pprof-testdata") return std::atoi(rows.c_str());
  }
  ADD_FAILURE() << CorpusDir() << "/EXTERNAL.tsv has no pprof-testdata row";
  return 0;
}

// Every corpus row: tests/corpus's, then the pprof-testdata rows of
// ../shared/corpus/dev/MANIFEST.tsv when that folder is present.
inline std::vector<ManifestRow> CorpusManifest() {
  std::vector<ManifestRow> rows = ReadManifest(CorpusDir());
  if (PprofTestdataPresent()) {
    for (ManifestRow& r : ReadManifest(SharedCorpusDir(), "pprof-testdata")) rows.push_back(std::move(r));
  }
  return rows;
}

// "N <what> not run: <folder> is absent", for the cases that need pprof-testdata.
inline std::string PprofTestdataAbsent(int n, const std::string& what) {
  return std::to_string(n) + " " + what + " not run: " + SharedCorpusDir() + "/pprof-testdata is absent";
}

// In a corpus-driven suite, one test that accounts for the pprof-testdata
// rows: skipped with their count when ../shared is absent (the suite ran only
// tests/corpus's rows), else the shared MANIFEST must hold as many as EXTERNAL.tsv says.
#define PPROF_TESTDATA_ROWS_OR_SKIP()                                                                    \
  do {                                                                                                    \
    const int expected_rows = ::pprof_test::PprofTestdataRows();                                          \
    if (!::pprof_test::PprofTestdataPresent())                                                            \
      GTEST_SKIP() << ::pprof_test::PprofTestdataAbsent(expected_rows, "pprof-testdata MANIFEST rows");   \
    EXPECT_EQ(::pprof_test::ReadManifest(::pprof_test::SharedCorpusDir(), "pprof-testdata").size(),       \
              static_cast<size_t>(expected_rows))                                                         \
        << "update tests/corpus/EXTERNAL.tsv";                                                            \
  } while (0)

// The same for a test that reads `n` pprof-testdata files of its own list.
#define SKIP_UNLESS_PPROF_TESTDATA(n, what)                                                  \
  do {                                                                                       \
    if (!::pprof_test::PprofTestdataPresent())                                               \
      GTEST_SKIP() << ::pprof_test::PprofTestdataAbsent(static_cast<int>(n), what);          \
  } while (0)

inline void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// Decompresses a gzip file's bytes with zlib directly (independent of the
// extension's own reader), for tests that corrupt the raw protobuf.
inline std::string Gunzip(const std::string& in) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[1 << 15];
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - z.avail_out);
  } while (rc == Z_OK);
  inflateEnd(&z);
  EXPECT_EQ(rc, Z_STREAM_END) << "not valid gzip";
  return out;
}

// gzip of `prefix` then `chunk` repeated `times` times, compressed as a
// stream so the uncompressed data never has to sit in memory (zlib directly,
// independent of the extension's reader).
inline std::string GzipRepeated(const std::string& chunk, size_t times, const std::string& prefix = "") {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out;
  char buf[1 << 15];
  for (size_t i = 0; i <= times; i++) {  // i == 0: the prefix
    const bool last = i == times;
    const std::string& in = i == 0 ? prefix : chunk;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    int rc;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof(buf);
      rc = deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
      out.append(buf, sizeof(buf) - z.avail_out);
    } while (last ? rc != Z_STREAM_END : z.avail_out == 0);
  }
  deflateEnd(&z);
  return out;
}

inline std::string Gzip(const std::string& data) { return GzipRepeated(data, 1); }

// A fresh directory under /tmp, removed (with everything in it) at the end.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/pprof_test_XXXXXX";
    const char* d = mkdtemp(tmpl);
    if (!d) ADD_FAILURE() << "mkdtemp failed";
    path_ = d ? d : "/tmp";
  }
  ~TempDir() {
    if (path_ == "/tmp") return;
    nftw(
        path_.c_str(), [](const char* p, const struct stat*, int, struct FTW*) { return remove(p); }, 16,
        FTW_DEPTH | FTW_PHYS);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `data` to <dir>/<name> and returns the full path.
  std::string Write(const std::string& name, const std::string& data) const {
    std::string p = path_ + "/" + name;
    WriteAll(p, data);
    return p;
  }
  std::string Mkdir(const std::string& name) const {
    std::string p = path_ + "/" + name;
    EXPECT_EQ(mkdir(p.c_str(), 0755), 0) << p;
    return p;
  }

 private:
  std::string path_;
};

using Rows = std::vector<std::vector<std::string>>;

class Db {
 public:
  // kNone: a plain SQLite connection, as a database opened by a client that
  // cannot load extensions (the extension's automatic registration removed).
  enum Extension { kLoaded, kNone };
  // `path`: a database file instead of an in-memory one; opening a file may
  // fail on purpose (open_error() says why: e.g. the extension refused it).
  explicit Db(Extension ext = kLoaded, const std::string& path = ":memory:") {
    if (ext == kLoaded) {
      // SQLite hands its API table to automatic extensions, as it does to .load.
      sqlite3_auto_extension(reinterpret_cast<void (*)()>(sqlite3_pprof_init));
    } else {
      sqlite3_reset_auto_extension();
    }
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) open_error_ = sqlite3_errmsg(db_);
    if (path == ":memory:") {
      EXPECT_EQ(open_error_, "");
    }
  }
  const std::string& open_error() const { return open_error_; }
  ~Db() {
    for (auto& [sql, st] : cached_) sqlite3_finalize(st);
    sqlite3_close_v2(db_);
  }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  sqlite3* get() { return db_; }

  // Runs `sql`; returns its rows as text ("NULL" for NULL). Records a test
  // failure on error.
  Rows Query(const std::string& sql) {
    Rows rows;
    std::string err = Try(sql, &rows);
    EXPECT_EQ(err, "") << "SQL: " << sql;
    return rows;
  }
  std::string One(const std::string& sql) {
    Rows r = Query(sql);
    if (r.empty() || r[0].empty()) {
      ADD_FAILURE() << "no rows from: " << sql;
      return "";
    }
    return r[0][0];
  }
  // Runs `sql`; returns "" on success or the error message.
  std::string Try(const std::string& sql, Rows* rows = nullptr) {
    const char* tail = sql.c_str();
    while (tail && *tail) {
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(db_, tail, -1, &st, &tail) != SQLITE_OK) return sqlite3_errmsg(db_);
      if (!st) continue;
      const int rc = StepAll(st, rows);
      if (rc != SQLITE_DONE) {
        std::string e = sqlite3_errmsg(db_);
        sqlite3_finalize(st);
        return e;
      }
      sqlite3_finalize(st);
    }
    return "";
  }
  // Try for one statement with parameters ?1, ?2, ... (a decimal integer
  // binds as an integer, anything else as text), prepared once per Db: the
  // report views compile to large programs, and a test that runs the same
  // report on many profiles should pay for that once.
  std::string TryBound(const std::string& sql, const std::vector<std::string>& args, Rows* rows = nullptr) {
    sqlite3_stmt*& st = cached_[sql];
    if (!st && sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      std::string e = sqlite3_errmsg(db_);
      cached_.erase(sql);
      return e;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    for (size_t i = 0; i < args.size(); i++) {
      const std::string& a = args[i];
      const bool integer = !a.empty() && a.size() < 19 && a.find_first_not_of("0123456789") == std::string::npos;
      if (integer) {
        sqlite3_bind_int64(st, static_cast<int>(i + 1), std::stoll(a));
      } else {
        sqlite3_bind_text(st, static_cast<int>(i + 1), a.c_str(), static_cast<int>(a.size()), SQLITE_TRANSIENT);
      }
    }
    const int rc = StepAll(st, rows);
    std::string e = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
    sqlite3_reset(st);
    return e;
  }

 private:
  // Steps `st` to its end, its rows as text into `rows` (if any); returns the last step's code.
  static int StepAll(sqlite3_stmt* st, Rows* rows) {
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      if (!rows) continue;
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); i++) {
        const unsigned char* t = sqlite3_column_text(st, i);
        row.push_back(t ? reinterpret_cast<const char*>(t) : "NULL");
      }
      rows->push_back(std::move(row));
    }
    return rc;
  }

  sqlite3* db_ = nullptr;
  std::string open_error_;
  std::map<std::string, sqlite3_stmt*> cached_;  // TryBound's statements, finalized with the Db
};

inline std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "''";
    else out += c;
  }
  return out + "'";
}

}  // namespace pprof_test
