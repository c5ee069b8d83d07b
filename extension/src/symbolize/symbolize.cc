#include "symbolize/symbolize.h"

#include <cxxabi.h>
#include <fmt/format.h>
#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "base/path.h"
#include "report/source.h"
#include "symbolize/dwarf_binary.h"
#include "symbolize/elf_file.h"

namespace pprofsql {
namespace {

bool IsHex(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// pprof's Mapping.Unsymbolizable: kernel and special mappings.
bool Unsymbolizable(const std::string& file) {
  std::string base = BaseName(file);
  return (!base.empty() && base[0] == '[') || base.rfind("linux-vdso", 0) == 0 || file.rfind("/dev/dri/", 0) == 0 ||
         file == "//anon";
}

// The files that may hold the binary of a mapping, in the order pprof tries them.
std::vector<std::string> Candidates(const std::string& file, const std::string& build_id,
                                    const SymbolizeOptions& o) {
  std::vector<std::string> out;
  const std::string base = BaseName(file), dir = DirName(file);
  for (const std::string& d : o.binary_path) {
    if (!build_id.empty()) {
      if (!base.empty()) out.push_back(JoinPath(JoinPath(d, build_id), base));
      glob_t g{};
      if (glob(JoinPath(JoinPath(d, build_id), "*").c_str(), 0, nullptr, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++) out.push_back(g.gl_pathv[i]);
      }
      globfree(&g);
      if (!file.empty()) out.push_back(JoinPath(JoinPath(d, file), build_id));  // perf's buildid-cache
      if (IsHex(build_id) && build_id.size() > 2) {
        std::string rest = build_id.substr(0, 2) + "/" + build_id.substr(2) + ".debug";
        out.push_back(JoinPath(d, ".build-id/" + rest));
        out.push_back(JoinPath(d, rest));
      }
    }
    if (!file.empty()) {
      out.push_back(JoinPath(d, base));
      out.push_back(JoinPath(d, file));
      out.push_back(JoinPath(d, file + ".debug"));
      out.push_back(JoinPath(JoinPath(d, dir), ".debug/" + base + ".debug"));
      out.push_back(JoinPath(JoinPath(d, "usr/lib/debug"), JoinPath(dir, base + ".debug")));
    }
  }
  if (!file.empty()) out.push_back(file);
  if (IsHex(build_id) && build_id.size() > 2) {
    for (const std::string& d : o.debug_dirs) {
      out.push_back(JoinPath(d, ".build-id/" + build_id.substr(0, 2) + "/" + build_id.substr(2) + ".debug"));
    }
  }
  std::unordered_set<std::string> seen;
  std::vector<std::string> unique;
  for (std::string& c : out) {
    if (seen.insert(c).second) unique.push_back(std::move(c));
  }
  return unique;
}

// The first candidate that is a readable ELF file with the mapping's build
// ID; else an error saying what was wrong with each file found.
Result<std::unique_ptr<ElfFile>> Locate(const std::string& file, const std::string& build_id,
                                        const SymbolizeOptions& o, SymbolizeReport* rep) {
  std::vector<std::string> problems;
  bool mismatch = false;
  for (const std::string& c : Candidates(file, build_id, o)) {
    if (!IsFile(c)) continue;
    auto f = ElfFile::Open(c);
    if (!f.ok()) {
      problems.push_back(f.status().message());
      continue;
    }
    if (!build_id.empty() && Lower(build_id) != (*f)->build_id()) {
      std::string got = (*f)->build_id().empty() ? "none" : (*f)->build_id();
      rep->warnings.push_back(fmt::format("Ignoring local file {}: build-id mismatch ({} != {})", c, build_id, got));
      mismatch = true;
      continue;
    }
    return std::move(f.value());
  }
  if (mismatch && problems.empty()) return Status::Error("build ID mismatch");
  if (!problems.empty()) {
    std::string msg;
    for (const std::string& p : problems) msg += (msg.empty() ? "" : "; ") + p;
    return Status::Error(msg);
  }
  std::string where;
  for (const std::string& d : o.binary_path) where += (where.empty() ? "" : ":") + d;
  return Status::Error(fmt::format("{}: no such file, here or in the binary path ({})", file.empty() ? "?" : file,
                                   where.empty() ? "empty" : where));
}

// Rebuilds p.lines with the new frames of the symbolized locations; new
// functions are made once per (name, system name, file), as pprof does.
Status Rebuild(Profile& p, const std::vector<int32_t>& result_of, const std::vector<SymResult>& results, bool demangle) {
  std::unordered_map<std::string, StrId> string_ids;
  string_ids.reserve(p.strings.size());
  for (size_t i = 0; i < p.strings.size(); i++) string_ids.emplace(p.strings[i], static_cast<StrId>(i));
  auto intern = [&](const std::string& s) -> StrId {
    auto [it, added] = string_ids.emplace(s, static_cast<StrId>(p.strings.size()));
    if (added) p.strings.push_back(s);
    return it->second;
  };
  uint64_t next_id = 1;
  for (const Function& f : p.functions) next_id = std::max(next_id, f.id + 1);
  std::unordered_map<std::string, uint32_t> made;
  std::unordered_map<std::string, std::string> demangled;
  std::vector<Line> lines;
  lines.reserve(p.lines.size());
  for (size_t li = 0; li < p.locations.size(); li++) {
    Location& l = p.locations[li];
    const size_t begin = lines.size();
    if (result_of[li] >= 0) {
      for (const SymFrame& fr : results[static_cast<size_t>(result_of[li])].frames) {
        std::string name = fr.name;
        if (demangle) {
          auto it = demangled.find(fr.name);
          if (it == demangled.end()) it = demangled.emplace(fr.name, Demangle(fr.name)).first;
          name = it->second;
        }
        std::string key = name + '\0' + fr.name + '\0' + fr.file;
        auto it = made.find(key);
        if (it == made.end()) {
          Function f;
          f.id = next_id++;
          f.name = intern(name);
          f.system_name = intern(fr.name);
          f.filename = intern(fr.file);
          if (p.functions.size() >= kNone - 1) return Status::Error("too many functions after symbolization");
          p.function_index[f.id] = static_cast<uint32_t>(p.functions.size());
          it = made.emplace(key, static_cast<uint32_t>(p.functions.size())).first;
          p.functions.push_back(f);
        }
        Line line;
        line.function = it->second;
        line.line = fr.line;
        lines.push_back(line);
      }
      l.is_folded = false;
    } else {
      lines.insert(lines.end(), p.lines.begin() + l.lines_begin, p.lines.begin() + l.lines_end);
    }
    if (lines.size() >= kNone) return Status::Error("too many lines after symbolization");
    l.lines_begin = static_cast<uint32_t>(begin);
    l.lines_end = static_cast<uint32_t>(lines.size());
  }
  p.lines = std::move(lines);
  return Status();
}

}  // namespace

std::string Demangle(const std::string& name) {
  if (name.rfind("_Z", 0) != 0) return name;
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status), std::free);
  return status == 0 && out ? std::string(out.get()) : name;
}

std::string DefaultBinaryPath() {
  const char* env = std::getenv("PPROF_BINARY_PATH");
  if (env != nullptr && *env != '\0') return env;
  const char* home = std::getenv("HOME");
  return JoinPath(home ? home : "", "pprof/binaries");
}

Result<SymbolizeMode> ParseSymbolizeMode(const std::string& mode) {
  SymbolizeMode m;
  for (const std::string& part : SplitPathList(Lower(mode))) {
    if (part.empty()) continue;
    if (part == "none" || part == "no") return SymbolizeMode();
    if (part == "local" || part == "fastlocal") {
      m.local = true;
    } else if (part == "force") {
      m.force = true;
    } else if (part == "demangle=full" || part == "demangle=default") {
      m.demangle = true;
    } else if (part == "demangle=none") {
      m.demangle = false;
    } else if (part == "remote") {
      return Status::Error(
          "symbolization mode 'remote' is not supported: sqlite-pprof symbolizes from local binaries only "
          "(use 'local' or 'none')");
    } else {
      return Status::Error(fmt::format(
          "unknown symbolization mode '{}': expected none, or local[:force][:demangle=full|none]", mode));
    }
  }
  if ((m.force || !m.demangle) && !m.local) m.local = true;  // pprof: an option alone means local+remote
  return m;
}

Status SymbolizeLocal(Profile& p, const SymbolizeOptions& o, SymbolizeReport* report) {
  SymbolizeReport local_report;
  SymbolizeReport* rep = report ? report : &local_report;
  std::vector<std::vector<uint32_t>> locations_of(p.mappings.size());
  for (size_t li = 0; li < p.locations.size(); li++) {
    uint32_t m = p.locations[li].mapping;
    if (m < p.mappings.size()) locations_of[m].push_back(static_cast<uint32_t>(li));
  }
  std::vector<std::string> debug_dirs = o.binary_path;
  debug_dirs.insert(debug_dirs.end(), o.debug_dirs.begin(), o.debug_dirs.end());
  std::vector<int32_t> result_of(p.locations.size(), -1);
  std::vector<SymResult> results;
  bool missing = false;
  for (size_t mi = 0; mi < p.mappings.size(); mi++) {
    if (locations_of[mi].empty()) continue;
    Mapping& m = p.mappings[mi];
    if (!o.force && (m.has_functions || m.has_filenames || m.has_line_numbers)) continue;
    const std::string file(p.str(m.filename)), build_id(p.str(m.build_id));
    if (file.empty() && build_id.empty()) {
      if (mi == 0) {
        rep->warnings.push_back("Main binary filename not available.");
      } else {
        missing = true;
      }
      continue;
    }
    if (Unsymbolizable(file)) continue;
    // Nothing to do if every location of the mapping already has lines.
    bool any = o.force;
    for (uint32_t li : locations_of[mi]) any = any || p.locations[li].lines_begin == p.locations[li].lines_end;
    if (!any) continue;
    if (build_id.empty() && file.find("://") != std::string::npos) continue;  // a URL, not a file
    std::string name = BaseName(file);
    if (!build_id.empty()) name += fmt::format(" (build ID {})", build_id);
    auto elf = Locate(file, build_id, o, rep);
    if (!elf.ok()) {
      rep->warnings.push_back(fmt::format("Local symbolization failed for {}: {}", name, elf.status().message()));
      missing = true;
      continue;
    }
    auto bin = DwarfBinary::Open(**elf, debug_dirs);
    if (!bin.ok()) {
      rep->warnings.push_back(fmt::format("Local symbolization failed for {}: {}", name, bin.status().message()));
      continue;
    }
    size_t done = 0, wanted = 0;
    bool dwarf = false;
    std::unordered_map<uint64_t, int32_t> by_address;
    for (uint32_t li : locations_of[mi]) {
      const Location& l = p.locations[li];
      if (!o.force && l.lines_end > l.lines_begin) continue;
      wanted++;
      auto vaddr = (*elf)->ElfAddress(l.address, m.memory_start, m.file_offset);
      if (!vaddr.ok()) {
        rep->warnings.push_back(fmt::format("Local symbolization failed for {}: {}", name, vaddr.status().message()));
        break;
      }
      auto [it, added] = by_address.emplace(*vaddr, -1);
      if (added) {
        SymResult r = (*bin)->Lookup(*vaddr);
        if (!r.frames.empty()) {
          it->second = static_cast<int32_t>(results.size());
          results.push_back(std::move(r));
        }
      }
      if (it->second < 0) continue;
      const SymResult& r = results[static_cast<size_t>(it->second)];
      result_of[li] = it->second;
      done++;
      dwarf = dwarf || r.from_dwarf;
      for (const SymFrame& f : r.frames) {
        m.has_functions = m.has_functions || !f.name.empty();
        m.has_filenames = m.has_filenames || !f.file.empty();
        m.has_line_numbers = m.has_line_numbers || f.line != 0;
      }
    }
    if (dwarf) m.has_inline_frames = true;
    if (done == 0 && wanted > 0) {
      rep->warnings.push_back(fmt::format(
          "Local symbolization failed for {}: {}: no symbols or line information for any of its {} addresses "
          "(a stripped, truncated or different file?)",
          name, (*elf)->path(), wanted));
    }
    rep->locations_symbolized += done;
    std::string from = (*elf)->path();
    if (!(*bin)->debug_file().empty()) from += " (debug info from " + (*bin)->debug_file() + ")";
    rep->notes.push_back(fmt::format("mapping {} {}: {} of {} locations symbolized from {}{}", m.id, name, done,
                                     wanted, from, dwarf ? "" : ", without DWARF debug information"));
  }
  if (missing) {
    rep->warnings.push_back(
        "Some binary filenames not available. Symbolization may be incomplete.\n"
        "Try setting PPROF_BINARY_PATH (or pprof_config('binary_path', ...)) to the search path for local "
        "binaries.");
  }
  if (results.empty()) return Status();
  return Rebuild(p, result_of, results, o.demangle);
}

}  // namespace pprofsql
