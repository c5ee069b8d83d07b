// Which source files an import may store (pprof_import): only regular files
// found under the roots the user gave. A profile names its files, and a
// hostile one names /etc/shadow, /proc/self/environ, /dev/urandom or
// ../../etc/hostname; pprof reads a file only for a listing the user asks
// for, so an import, which writes the text into a database that is then
// handed around, must not store what the user did not point at.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace pprofsql {

struct StoredSource {
  // The lines (ScanLines' rules), when the file may be stored.
  std::shared_ptr<const std::vector<std::string>> lines;
  std::string opened;  // the canonical path that was read
  std::string skipped;  // otherwise: why not, e.g. "outside the source roots"
};

// Looks `file` (a node's file name, as the -list report prints it) up as
// pprof's source reader would (TrimPath with `trim_path` and `roots`, then
// each root), but keeps only a candidate that
//   - resolves (symbolic links and ".." followed) to a path inside the
//     resolved root it was found under (an absolute name counts when it lies
//     inside some root);
//   - is a regular file, not on /proc, /sys or /dev (whose "regular" files
//     are the kernel's: environ, maps, ...), opened without following a link
//     and without blocking;
//   - holds at most `max_bytes`.
// `roots` is a ':'-separated list (-source_path); an empty list stores nothing.
StoredSource ReadStoredSource(const std::string& file, const std::string& roots, const std::string& trim_path,
                              uint64_t max_bytes);

}  // namespace pprofsql
