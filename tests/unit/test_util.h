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
#include <string>
#include <vector>

extern "C" int sqlite3_pprof_init(sqlite3* db, char** err, const sqlite3_api_routines* api);

namespace pprof_test {

// ../shared beside the checkout. Tests that read it fail loudly when it is missing.
inline std::string SharedDir() {
  const char* env = std::getenv("PPROF_SHARED_DIR");
  return env ? env : PPROF_SHARED_DIR;
}
inline std::string CorpusDir() { return SharedDir() + "/corpus/dev"; }
inline std::string SourceDir() { return PPROF_SOURCE_DIR; }

inline bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

#define ASSERT_SHARED_EXISTS(path)                                                                    \
  ASSERT_TRUE(::pprof_test::Exists(path))                                                             \
      << "MISSING: " << (path)                                                                        \
      << " -- these tests read ../shared (the corpus of real profiles and go tool pprof outputs);" \
         " it must sit beside the checkout, or set PPROF_SHARED_DIR"

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

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
  Db() {
    // SQLite hands its API table to automatic extensions, as it does to .load.
    sqlite3_auto_extension(reinterpret_cast<void (*)()>(sqlite3_pprof_init));
    EXPECT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK) << sqlite3_errmsg(db_);
  }
  ~Db() { sqlite3_close_v2(db_); }
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
      if (rc != SQLITE_DONE) {
        std::string e = sqlite3_errmsg(db_);
        sqlite3_finalize(st);
        return e;
      }
      sqlite3_finalize(st);
    }
    return "";
  }

 private:
  sqlite3* db_ = nullptr;
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
