// Local symbolization: fills in functions, files, lines and inline frames of
// locations that carry only addresses (gperftools' legacy C++ profiles,
// perf conversions without symbols), from the binaries themselves, as
// `go tool pprof -symbolize=local` does with binutils.
//
// Binaries are looked up as pprof's locateBinaries does: in each directory
// of the binary path ($PPROF_BINARY_PATH, default $HOME/pprof/binaries) by
// build ID (DIR/BUILDID/NAME, DIR/BUILDID/*, DIR/FILE/BUILDID,
// DIR/.build-id/xx/rest.debug, DIR/xx/rest.debug) and by name (DIR/NAME,
// DIR/FILE, DIR/FILE.debug, DIR/DIRNAME/.debug/NAME.debug,
// DIR/usr/lib/debug/DIRNAME/NAME.debug), then at the mapping's own path, then
// /usr/lib/debug/.build-id/xx/rest.debug. A mapping with a build ID only
// accepts a file whose NT_GNU_BUILD_ID is the same. The debug information
// may be in the binary or in a separate debug file (build-id directories of
// the binary path and /usr/lib/debug, .gnu_debuglink), read with elfutils.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "model/profile.h"

namespace pprofsql {

struct SymbolizeOptions {
  std::vector<std::string> binary_path;  // directories, searched in order
  // Re-symbolize mappings that already have symbols, replacing locations'
  // lines (pprof's -symbolize=local:force).
  bool force = false;
  // Function names: demangled in full (addr2line -C) or left mangled.
  bool demangle = true;
  // Where separate debug files are looked up besides the binary path.
  std::vector<std::string> debug_dirs = {"/usr/lib/debug"};
};

struct SymbolizeReport {
  // Why a mapping was left unsymbolized, in pprof's words ("Local
  // symbolization failed for NAME: ...").
  std::vector<std::string> warnings;
  // What was symbolized, from which file, one line per mapping.
  std::vector<std::string> notes;
  uint64_t locations_symbolized = 0;
};

// Symbolizes `p` in place. Per-mapping problems (no binary, build ID
// mismatch, unreadable or corrupt ELF) are warnings and leave that mapping
// as it was; the Status is an error only if the profile cannot hold the
// result.
Status SymbolizeLocal(Profile& p, const SymbolizeOptions& options, SymbolizeReport* report);

// A -symbolize mode as pprof spells it: "none" | "local" | "fastlocal",
// with ":force" and ":demangle=full|none". Remote symbolization is not
// supported (an error says so).
struct SymbolizeMode {
  bool local = false;
  bool force = false;
  bool demangle = true;
};
Result<SymbolizeMode> ParseSymbolizeMode(const std::string& mode);

// $PPROF_BINARY_PATH, or $HOME/pprof/binaries as pprof defaults to.
std::string DefaultBinaryPath();

// abi::__cxa_demangle of a mangled C++ name ("_Z..."), as addr2line -C and
// c++filt print it; other names unchanged.
std::string Demangle(const std::string& name);

}  // namespace pprofsql
