// Finding and reading source files the way `go tool pprof -list` does
// (internal/report/source.go: trimPath, openSourceFile, sourceReader), and
// the Go path helpers it depends on. No SQLite here: tables/source_table.cc
// puts pprof_source and pprof_source_error on top of SourceReader.
//
// Paths are byte strings handled lexically, exactly as Go's path/filepath on
// Unix ('/' separator, ':' list separator), never through realpath().
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace pprofsql {

// Go's filepath.Clean: the shortest lexically equivalent path ("" -> ".",
// "a//b/./../c/" -> "a/c", "/../x" -> "/x", "../a/.." -> ".."). pprof cleans
// every function's file name before using it as a node's file.
std::string CleanPath(std::string_view path);

// Go's filepath.Base: the last element, trailing slashes ignored; "" -> ".",
// "///" -> "/".
std::string BasePath(std::string_view path);

// Go's filepath.Dir: everything but the last element, cleaned; "a" -> ".",
// "/a" -> "/", "" -> ".".
std::string DirPath(std::string_view path);

// Go's filepath.Join for two elements: empty elements are dropped and the
// result is cleaned; both empty -> "".
std::string JoinPath(std::string_view dir, std::string_view name);

// Go's filepath.SplitList: "" -> no entries, otherwise split at every ':'
// (empty entries are kept: "a::b" -> {"a", "", "b"}).
std::vector<std::string> SplitPathList(std::string_view list);

// pprof's trimPath: turns a file name recorded in a profile into the one to
// look for. The result is always a suffix of `path`.
//  1. Only when `trim_path` is empty: for each directory of `search_path` in
//     order, if "/<base name of the directory>/" occurs in `path`, return what
//     follows its first occurrence.
//  2. Otherwise (or when nothing matched) try the prefixes of `trim_path`
//     (':'-separated, each given a trailing '/' if it lacks one), then
//     "/proc/self/cwd/./" and "/proc/self/cwd/"; the first one `path` starts
//     with is cut off.
//  3. Else `path` unchanged.
// report.go also applies it (with the -source_path option, possibly empty)
// to every function's file name before building any graph report.
std::string TrimPath(std::string_view path, std::string_view trim_path, std::string_view search_path);

// The name reports give a file recorded in a profile (report.go trims every
// function's file name before building any graph): TrimPath, then
// CleanPath; "" when the trimmed name is empty.
std::string NodeFileName(std::string_view recorded, std::string_view trim_path, std::string_view search_path);

// Go's os.Getwd on Linux: $PWD when it is absolute and names the same
// directory as ".", else getcwd(). Errors read as Go prints them
// ("stat .: ...", "getwd: ...").
Result<std::string> GoGetwd();

// The text Go's syscall.Errno prints for `err` on linux/amd64 ("no such file
// or directory", ..., "errno 200" for unknown numbers).
std::string GoErrnoText(int err);

// Splits file contents into lines as bufio.Scanner with ScanLines does:
// lines end at '\n', one trailing '\r' is dropped from each line, a last line
// without '\n' still counts, and a file ending in '\n' has no empty last line.
// A line of 65536 bytes or more (bufio.MaxScanTokenSize, counted without its
// '\n' but with any '\r') makes the scanner fail with ErrTooLong: pprof then
// keeps the lines before it and reports no error, so that line and everything
// after it are silently dropped.
std::vector<std::string> ScanLines(std::string_view content);

// pprof's sourceReader: locates source files on a search path and caches
// their lines.
class SourceReader {
 public:
  using LineList = std::vector<std::string>;

  // `search_path` and `trim_path` are ':'-separated lists, as -source_path and
  // -trim_path. An empty search path means the current directory, resolved
  // now with GoGetwd (as printSource does once per report); if that fails,
  // every lookup fails with "could not stat current dir: <err>".
  SourceReader(std::string search_path, std::string trim_path);

  // The search path in effect (the current directory when none was given).
  const std::string& search_path() const { return search_path_; }
  const std::string& trim_path() const { return trim_path_; }

  // The lines of `file` (index 0 is line 1), found as openSourceFile does:
  //   - the name is first passed through TrimPath(file, trim_path, search_path);
  //   - a name that is still absolute is opened as is; failure is Go's
  //     *PathError text, e.g. "open /x/y.go: no such file or directory";
  //   - a relative name is tried under each search directory in order, and
  //     under each of that directory's parents (filepath.Dir, so a relative
  //     directory stops at "."), the first path that opens wins; failure is
  //     "could not find file <trimmed name> on path <search path>".
  // As in pprof, anything open() accepts counts as found, a directory
  // included (it then has no lines), and a read error ends the file without
  // an error. Files are never read past kMaxFileBytes, and special files are
  // opened without blocking (a FIFO with no writer has no lines); pprof has
  // neither guard.
  //
  // Results are cached per `file`. A cached file is stat()ed again on every
  // call and read again if it changed; lookups that failed are retried on
  // every call, so a file that appears later is found. The pointer stays
  // valid until the same file is read again, the cache is dropped (it never
  // holds more than kMaxCacheBytes) or the reader is destroyed; SharedLines
  // keeps the lines alive for as long as the caller needs them.
  Result<const LineList*> Lines(const std::string& file);
  Result<std::shared_ptr<const LineList>> SharedLines(const std::string& file);

  // The error pprof prints for `file` (after " Error: "), or nullopt when the
  // file is found.
  std::optional<std::string> Error(const std::string& file);

  // The path that was opened for `file` (e.g. "src/go/goapp/main.go"), or
  // the error.
  Result<std::string> ResolvedPath(const std::string& file);

  static constexpr uint64_t kMaxFileBytes = uint64_t{256} << 20;
  // The whole cache is dropped when it would hold more than this.
  static constexpr uint64_t kMaxCacheBytes = uint64_t{512} << 20;

 private:
  struct Signature {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const Signature& o) const {
      return dev == o.dev && ino == o.ino && size == o.size && mtime_ns == o.mtime_ns;
    }
  };
  struct Entry {
    std::string opened;  // the path that was opened
    Signature sig;
    std::shared_ptr<const LineList> lines;
    uint64_t bytes = 0;
  };

  Result<const Entry*> Get(const std::string& file);
  // openSourceFile: the fd of the file and the path that opened it.
  Result<std::pair<int, std::string>> Open(const std::string& file) const;

  std::string search_path_, trim_path_;
  std::optional<std::string> getwd_error_;
  std::map<std::string, Entry> cache_;
  uint64_t cache_bytes_ = 0;
};

}  // namespace pprofsql
