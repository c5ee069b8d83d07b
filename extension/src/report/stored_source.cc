#include "report/stored_source.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "base/fd.h"
#include "report/source.h"

namespace pprofsql {
namespace {

// The canonical form of `path` (realpath), or "" when it does not exist.
std::string Canonical(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) ? std::string(buf) : std::string();
}

bool Inside(const std::string& path, const std::string& root) {
  if (root == "/") return path.size() > 1 && path[0] == '/';
  return path.size() > root.size() && path.compare(0, root.size(), root) == 0 && path[root.size()] == '/';
}

// Kernel file systems whose files stat as regular but are not source text.
bool OnKernelFileSystem(int fd, const std::string& path) {
  for (const char* prefix : {"/proc/", "/sys/", "/dev/"}) {
    if (path.compare(0, std::string(prefix).size(), prefix) == 0) return true;
  }
  struct statfs fs;
  if (fstatfs(fd, &fs) != 0) return true;
  constexpr long kProc = 0x9fa0, kSysfs = 0x62656572, kDebugfs = 0x64626720, kTracefs = 0x74726163,
                 kSecurityfs = 0x73636673, kDevpts = 0x1cd1, kCgroup2 = 0x63677270, kCgroup = 0x27e0eb;
  for (long t : {kProc, kSysfs, kDebugfs, kTracefs, kSecurityfs, kDevpts, kCgroup2, kCgroup}) {
    if (static_cast<long>(fs.f_type) == t) return true;
  }
  return false;
}

}  // namespace

StoredSource ReadStoredSource(const std::string& file, const std::string& roots, const std::string& trim_path,
                              uint64_t max_bytes) {
  StoredSource out;
  std::vector<std::string> root_list;
  for (std::string& r : SplitPathList(roots)) {
    if (!r.empty()) root_list.push_back(std::move(r));
  }
  if (root_list.empty()) {
    out.skipped = "no source root was given (-source_path)";
    return out;
  }
  const std::string name = TrimPath(file, trim_path, roots);
  std::string found, found_root;
  bool outside = false;
  for (const std::string& root : root_list) {
    std::string croot = Canonical(root);
    if (croot.empty()) continue;
    std::string candidate = !name.empty() && name[0] == '/' ? name : JoinPath(root, name);
    std::string real = Canonical(candidate);
    if (real.empty()) continue;
    if (!Inside(real, croot)) {
      outside = true;
      continue;
    }
    found = real;
    found_root = croot;
    break;
  }
  if (found.empty()) {
    out.skipped = outside ? "outside the source roots" : "not found under the source roots";
    return out;
  }
  FdCloser f{open(found.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)};
  if (f.fd < 0) {
    out.skipped = std::string("cannot open: ") + GoErrnoText(errno);
    return out;
  }
  struct stat st;
  if (fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    out.skipped = "not a regular file";
    return out;
  }
  if (OnKernelFileSystem(f.fd, found)) {
    out.skipped = "a kernel file (/proc, /sys, /dev)";
    return out;
  }
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    out.skipped = "larger than " + std::to_string(max_bytes) + " bytes";
    return out;
  }
  std::string content;
  content.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < content.size()) {
    ssize_t n = read(f.fd, &content[got], content.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  content.resize(got);
  out.lines = std::make_shared<const std::vector<std::string>>(ScanLines(content));
  out.opened = std::move(found);
  return out;
}

}  // namespace pprofsql
