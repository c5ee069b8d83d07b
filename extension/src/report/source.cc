#include "report/source.h"

#include "base/fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <utility>

namespace pprofsql {
namespace {

// bufio.MaxScanTokenSize: the scanner's buffer never grows past this, so a
// line that fills it without a '\n' is an error (ErrTooLong).
constexpr size_t kMaxScanToken = 64 * 1024;

// Feeds bytes in and collects lines the way bufio.Scanner + ScanLines would.
class LineScanner {
 public:
  explicit LineScanner(std::vector<std::string>* lines) : lines_(lines) {}

  // Returns false once the scanner has stopped (a line too long): more input
  // would be ignored, so the caller can stop reading.
  bool Feed(std::string_view chunk) {
    while (!stopped_ && !chunk.empty()) {
      size_t nl = chunk.find('\n');
      std::string_view part = chunk.substr(0, nl);  // up to the '\n' or the end
      if (pending_.size() + part.size() >= kMaxScanToken) {
        stopped_ = true;
        pending_.clear();
        break;
      }
      pending_.append(part);
      if (nl == std::string_view::npos) break;
      Emit();
      chunk.remove_prefix(nl + 1);
    }
    return !stopped_;
  }

  // End of input (or a read error): a last line without '\n' still counts.
  void Finish() {
    if (!stopped_ && !pending_.empty()) Emit();
    stopped_ = true;
  }

 private:
  void Emit() {
    if (!pending_.empty() && pending_.back() == '\r') pending_.pop_back();
    lines_->push_back(std::move(pending_));
    pending_.clear();
  }

  std::vector<std::string>* lines_;
  std::string pending_;
  bool stopped_ = false;
};

// os.Open: the fd, or -1 with *err set. A path with a NUL byte cannot reach
// the kernel; Go reports EINVAL for it.
int OpenLikeGo(const std::string& path, int* err) {
  if (path.find('\0') != std::string::npos) {
    *err = EINVAL;
    return -1;
  }
  int fd;
  do {
    // O_NONBLOCK only matters for special files: a FIFO without a writer
    // must not hang the query (it reads as empty instead).
    fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) *err = errno;
  return fd;
}

bool IsAbs(std::string_view p) { return !p.empty() && p[0] == '/'; }

}  // namespace

std::string CleanPath(std::string_view path) {
  if (path.empty()) return ".";
  const bool rooted = path[0] == '/';
  const size_t n = path.size();
  std::string out;
  out.reserve(n);
  size_t r = 0;
  size_t floor = 0;  // ".." never backtracks below this length of `out`
  if (rooted) {
    out.push_back('/');
    r = floor = 1;
  }
  auto is_end = [&](size_t i) { return i == n || path[i] == '/'; };
  while (r < n) {
    if (path[r] == '/') {
      r++;  // empty element
    } else if (path[r] == '.' && is_end(r + 1)) {
      r++;  // "."
    } else if (path[r] == '.' && path[r + 1] == '.' && is_end(r + 2)) {
      r += 2;  // ".."
      if (out.size() > floor) {
        size_t w = out.size() - 1;
        while (w > floor && out[w] != '/') w--;
        out.resize(w);
      } else if (!rooted) {
        if (!out.empty()) out.push_back('/');
        out.append("..");
        floor = out.size();
      }
    } else {
      if (out.size() != (rooted ? 1u : 0u)) out.push_back('/');
      while (r < n && path[r] != '/') out.push_back(path[r++]);
    }
  }
  if (out.empty()) return ".";
  return out;
}

std::string BasePath(std::string_view path) {
  if (path.empty()) return ".";
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  if (path.empty()) return "/";
  return std::string(path);
}

std::string DirPath(std::string_view path) {
  size_t slash = path.rfind('/');
  return CleanPath(slash == std::string_view::npos ? std::string_view() : path.substr(0, slash + 1));
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  if (!dir.empty()) {
    std::string joined(dir);
    joined.push_back('/');
    joined.append(name);
    return CleanPath(joined);
  }
  if (!name.empty()) return CleanPath(name);
  return "";
}

std::vector<std::string> SplitPathList(std::string_view list) {
  std::vector<std::string> out;
  if (list.empty()) return out;
  for (;;) {
    size_t colon = list.find(':');
    out.emplace_back(list.substr(0, colon));
    if (colon == std::string_view::npos) break;
    list.remove_prefix(colon + 1);
  }
  return out;
}

std::string TrimPath(std::string_view path, std::string_view trim_path, std::string_view search_path) {
  // (filepath.ToSlash, which pprof applies before comparing, is a no-op on Unix.)
  if (trim_path.empty()) {
    // No prefixes configured: guess that the profile's path contains the
    // search directory's own name, and keep what follows it.
    for (const std::string& dir : SplitPathList(search_path)) {
      const std::string want = "/" + BasePath(dir) + "/";
      size_t found = path.find(want);
      if (found != std::string_view::npos) return std::string(path.substr(found + want.size()));
    }
  }
  std::vector<std::string> prefixes = SplitPathList(trim_path);
  prefixes.emplace_back("/proc/self/cwd/./");
  prefixes.emplace_back("/proc/self/cwd/");
  for (std::string& prefix : prefixes) {
    // An empty entry (as in "a::b") becomes "/", which strips the leading
    // slash of every absolute path.
    if (prefix.empty() || prefix.back() != '/') prefix.push_back('/');
    if (path.substr(0, prefix.size()) == prefix) return std::string(path.substr(prefix.size()));
  }
  return std::string(path);
}

std::string NodeFileName(std::string_view recorded, std::string_view trim_path, std::string_view search_path) {
  std::string trimmed = TrimPath(recorded, trim_path, search_path);
  return trimmed.empty() ? std::string() : CleanPath(trimmed);
}

std::string GoErrnoText(int err) {
  // Go's syscall error table for linux/amd64 (lower case, not glibc's
  // strerror wording), for the errors open(), stat() and getcwd() can give.
  switch (err) {
    case EPERM: return "operation not permitted";
    case ENOENT: return "no such file or directory";
    case EINTR: return "interrupted system call";
    case EIO: return "input/output error";
    case ENXIO: return "no such device or address";
    case EAGAIN: return "resource temporarily unavailable";
    case ENOMEM: return "cannot allocate memory";
    case EACCES: return "permission denied";
    case EFAULT: return "bad address";
    case EBUSY: return "device or resource busy";
    case EEXIST: return "file exists";
    case ENODEV: return "no such device";
    case ENOTDIR: return "not a directory";
    case EISDIR: return "is a directory";
    case EINVAL: return "invalid argument";
    case ENFILE: return "too many open files in system";
    case EMFILE: return "too many open files";
    case ETXTBSY: return "text file busy";
    case EFBIG: return "file too large";
    case ENOSPC: return "no space left on device";
    case EROFS: return "read-only file system";
    case ERANGE: return "numerical result out of range";
    case ENAMETOOLONG: return "file name too long";
    case ELOOP: return "too many levels of symbolic links";
    case EOVERFLOW: return "value too large for defined data type";
    case EOPNOTSUPP: return "operation not supported";
    case ESTALE: return "stale NFS file handle";
    case EREMOTEIO: return "remote I/O error";
    case EDQUOT: return "disk quota exceeded";
    case ENOMEDIUM: return "no medium found";
    case ECANCELED: return "operation canceled";
    default: return "errno " + std::to_string(err);
  }
}

Result<std::string> GoGetwd() {
  struct stat dot;
  if (stat(".", &dot) != 0) return Status::Error("stat .: " + GoErrnoText(errno));
  const char* pwd = std::getenv("PWD");
  if (pwd && pwd[0] == '/') {
    struct stat st;
    if (stat(pwd, &st) == 0 && st.st_dev == dot.st_dev && st.st_ino == dot.st_ino) return std::string(pwd);
  }
  std::string buf(4096, '\0');
  for (;;) {
    if (getcwd(&buf[0], buf.size())) {
      buf.resize(std::char_traits<char>::length(buf.c_str()));
      return buf;
    }
    if (errno == ERANGE && buf.size() < (size_t{1} << 20)) {
      buf.resize(buf.size() * 2);
    } else if (errno != EINTR) {
      return Status::Error("getwd: " + GoErrnoText(errno));
    }
  }
}

std::vector<std::string> ScanLines(std::string_view content) {
  std::vector<std::string> lines;
  LineScanner scanner(&lines);
  scanner.Feed(content);
  scanner.Finish();
  return lines;
}

SourceReader::SourceReader(std::string search_path, std::string trim_path)
    : search_path_(std::move(search_path)), trim_path_(std::move(trim_path)) {
  if (search_path_.empty()) {
    Result<std::string> wd = GoGetwd();
    if (wd.ok()) {
      search_path_ = std::move(wd.value());
    } else {
      getwd_error_ = wd.status().message();
    }
  }
}

Result<std::pair<int, std::string>> SourceReader::Open(const std::string& file) const {
  if (getwd_error_) return Status::Error("could not stat current dir: " + *getwd_error_);
  const std::string path = TrimPath(file, trim_path_, search_path_);
  int err = 0;
  if (IsAbs(path)) {
    // Still absolute after trimming: that exact file or nothing.
    int fd = OpenLikeGo(path, &err);
    if (fd < 0) return Status::Error("open " + path + ": " + GoErrnoText(err));
    return std::make_pair(fd, path);
  }
  for (std::string dir : SplitPathList(search_path_)) {
    // dir/path, then the same under each parent of dir. Dir() of a relative
    // directory ends at ".", so the search never climbs above the current
    // directory for those; an absolute one climbs to "/".
    for (;;) {
      std::string candidate = JoinPath(dir, path);
      int fd = OpenLikeGo(candidate, &err);
      if (fd >= 0) return std::make_pair(fd, std::move(candidate));
      std::string parent = DirPath(dir);
      if (parent == dir) break;
      dir = std::move(parent);
    }
  }
  return Status::Error("could not find file " + path + " on path " + search_path_);
}

Result<const SourceReader::Entry*> SourceReader::Get(const std::string& file) {
  auto it = cache_.find(file);
  if (it != cache_.end()) {
    struct stat st;
    if (stat(it->second.opened.c_str(), &st) == 0 &&
        Signature{st.st_dev, st.st_ino, st.st_size,
                  static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec} == it->second.sig) {
      return &it->second;
    }
    cache_bytes_ -= it->second.bytes;
    cache_.erase(it);
  }
  auto opened = Open(file);
  if (!opened.ok()) return opened.status();
  FdCloser guard{opened->first};
  Entry entry;
  entry.opened = std::move(opened->second);
  struct stat st;
  if (fstat(guard.fd, &st) == 0) {
    entry.sig = {st.st_dev, st.st_ino, st.st_size,
                 static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
  }
  auto lines = std::make_shared<LineList>();
  LineScanner scanner(lines.get());
  std::string buf(64 * 1024, '\0');
  uint64_t total = 0;
  while (total < kMaxFileBytes) {
    ssize_t n = read(guard.fd, &buf[0], buf.size());
    if (n < 0 && errno == EINTR) continue;
    // EOF or a read error (a directory gives EISDIR) both end the file: pprof
    // records scanner errors as nil, so neither is reported.
    if (n <= 0) break;
    total += static_cast<uint64_t>(n);
    if (!scanner.Feed(std::string_view(buf.data(), static_cast<size_t>(n)))) break;
  }
  scanner.Finish();
  entry.bytes = sizeof(Entry) + file.size() + entry.opened.size();
  for (const std::string& l : *lines) entry.bytes += sizeof(std::string) + l.size();
  entry.lines = std::move(lines);
  if (cache_bytes_ + entry.bytes > kMaxCacheBytes) {
    cache_.clear();
    cache_bytes_ = 0;
  }
  cache_bytes_ += entry.bytes;
  return &(cache_[file] = std::move(entry));
}

Result<const SourceReader::LineList*> SourceReader::Lines(const std::string& file) {
  auto e = Get(file);
  if (!e.ok()) return e.status();
  return e.value()->lines.get();
}

Result<std::shared_ptr<const SourceReader::LineList>> SourceReader::SharedLines(const std::string& file) {
  auto e = Get(file);
  if (!e.ok()) return e.status();
  return e.value()->lines;
}

std::optional<std::string> SourceReader::Error(const std::string& file) {
  auto e = Get(file);
  if (e.ok()) return std::nullopt;
  return e.status().message();
}

Result<std::string> SourceReader::ResolvedPath(const std::string& file) {
  auto e = Get(file);
  if (!e.ok()) return e.status();
  return e.value()->opened;
}

}  // namespace pprofsql
