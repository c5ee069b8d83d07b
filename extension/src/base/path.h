// File path helpers, with Go's path/filepath meanings on Unix (pprof's
// rules are written in terms of them).
#pragma once

#include <string>
#include <string_view>

namespace pprofsql {

// Go's filepath.Base: the last element, trailing slashes ignored; "." for
// "", "/" for a path of slashes only.
inline std::string BaseName(std::string_view path) {
  if (path.empty()) return ".";
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return "/";
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// Everything before the last slash: "." when there is none, "/" for a file at the root.
inline std::string DirName(std::string_view path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  return slash == 0 ? "/" : std::string(path.substr(0, slash));
}

// `rest` below `dir` (leading slashes of `rest` ignored); `rest` alone when `dir` is "".
inline std::string JoinPath(std::string_view dir, std::string_view rest) {
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  if (dir.empty()) return std::string(rest);
  return std::string(dir) + (dir.back() == '/' ? "" : "/") + std::string(rest);
}

}  // namespace pprofsql
