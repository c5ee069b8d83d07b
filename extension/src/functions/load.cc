// pprof_load(path [, name]), pprof_unload(id_or_name), pprof_config(key [, value]),
// pprof_symbolize(id_or_name [, mode]), pprof_symbolize_log(id_or_name [, what]),
// pprof_version().
//
// pprof_load and pprof_symbolize read files, and pprof_unload and
// pprof_config change what the connection holds or how it reads: all are
// SQLITE_DIRECTONLY and check RequireDirectCall, so nothing stored in a
// database someone else wrote (views, triggers, CHECK, DEFAULT, generated
// columns, index expressions) can make this connection read files or change
// its settings.
#include <dirent.h>
#include <fmt/format.h>
#include <glob.h>
#include <malloc.h>
#include <sys/stat.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "base/sqlite_util.h"
#include "decode/reader.h"
#include "functions/functions.h"
#include "report/source.h"
#include "symbolize/symbolize.h"

#ifndef PPROF_VERSION
#define PPROF_VERSION "0.0.0"
#endif

namespace pprofsql {
namespace {

std::shared_ptr<Registry>& RegistryOf(sqlite3_context* ctx) {
  return *static_cast<std::shared_ptr<Registry>*>(sqlite3_user_data(ctx));
}

bool HasGlobChars(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

// Expands a directory (its regular files, not recursive, sorted, hidden files
// skipped) or a glob pattern (sorted) into file paths.
Result<std::vector<std::string>> ExpandPaths(const std::string& path) {
  std::vector<std::string> out;
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir(path.c_str()), closedir);
    if (!dir) return Status::Error(fmt::format("{}: cannot open directory: {}", path, std::strerror(errno)));
    std::string prefix = path.back() == '/' ? path : path + "/";
    while (dirent* e = readdir(dir.get())) {
      if (e->d_name[0] == '.') continue;
      std::string full = prefix + e->d_name;
      struct stat fst;
      if (stat(full.c_str(), &fst) == 0 && S_ISREG(fst.st_mode)) out.push_back(full);
    }
    std::sort(out.begin(), out.end());
    if (out.empty()) return Status::Error(fmt::format("{}: the directory holds no files", path));
    return out;
  }
  if (HasGlobChars(path) && stat(path.c_str(), &st) != 0) {
    glob_t g{};
    int rc = glob(path.c_str(), 0, nullptr, &g);
    std::unique_ptr<glob_t, void (*)(glob_t*)> guard(&g, globfree);
    if (rc == GLOB_NOMATCH) return Status::Error(fmt::format("{}: no file matches the pattern", path));
    if (rc != 0) return Status::Error(fmt::format("{}: cannot expand the pattern", path));
    for (size_t i = 0; i < g.gl_pathc; i++) {
      struct stat fst;
      if (stat(g.gl_pathv[i], &fst) == 0 && S_ISREG(fst.st_mode)) out.push_back(g.gl_pathv[i]);
    }
    if (out.empty()) return Status::Error(fmt::format("{}: the pattern matches no regular file", path));
    return out;
  }
  out.push_back(path);
  return out;
}

// The symbolization settings a load applies (`mode` local), to tell a
// reload with other settings from an unchanged one.
std::string SymbolizeKey(const SymbolizeMode& mode, const std::string& binary_path) {
  return fmt::format("local{}{}\x1f{}", mode.force ? ":force" : "", mode.demangle ? "" : ":demangle=none", binary_path);
}

// Symbolizes `p` from local binaries with the connection's binary path,
// recording what happened in `e` (and, if asked, how many locations got symbols).
Status Symbolize(const Registry& reg, const SymbolizeMode& mode, Profile& p, LoadedProfile& e,
                 uint64_t* locations_symbolized = nullptr) {
  SymbolizeOptions o;
  for (std::string& dir : SplitPathList(reg.binary_path)) {
    if (!dir.empty()) o.binary_path.push_back(std::move(dir));
  }
  o.force = mode.force;
  o.demangle = mode.demangle;
  SymbolizeReport rep;
  PPROF_RETURN_IF_ERROR(SymbolizeLocal(p, o, &rep));
  e.symbolized = true;
  e.symbolize_warnings = std::move(rep.warnings);
  e.symbolize_notes = std::move(rep.notes);
  if (locations_symbolized) *locations_symbolized = rep.locations_symbolized;
  return Status();
}

// Reads and decodes one file into a registry entry (not yet added). When the
// same file is loaded and unchanged (and the symbolization settings are the
// same), returns that entry untouched. `memory_in_use`: what the loaded
// profiles and the files this call read before take, so that decoding stops
// at max_memory_bytes rather than after the file (the entry this file
// replaces is not counted).
Result<LoadedProfile> ReadOne(const Registry& reg, const std::string& path, uint64_t memory_in_use) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return Status::Error(fmt::format("{}: {}", path, std::strerror(errno)));
  if (S_ISDIR(st.st_mode)) return Status::Error(fmt::format("{}: is a directory", path));
  char buf[PATH_MAX];
  std::string real = realpath(path.c_str(), buf) ? std::string(buf) : path;
  LoadedProfile e;
  e.path = path;
  e.real_path = real;
  e.file_size = static_cast<uint64_t>(st.st_size);
  e.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  e.inode = st.st_ino;
  // The setting was checked when set; a mode that does not parse symbolizes nothing.
  auto mode = ParseSymbolizeMode(reg.symbolize);
  const bool symbolize = mode.ok() && mode->local;
  e.symbolize_key = symbolize ? SymbolizeKey(*mode, reg.binary_path) : "";
  if (LoadedPtr old = reg.FindByRealPath(real)) {
    if (old->file_size == e.file_size && old->mtime_ns == e.mtime_ns && old->inode == e.inode &&
        old->symbolize_key == e.symbolize_key) {
      return *old;
    }
    e.id = old->id;  // changed on disk: read again under the same id
    e.name = old->name;
    memory_in_use -= std::min(memory_in_use, old->profile->MemoryBytes());
  }
  ReadLimits limits = reg.limits;
  limits.memory_in_use = memory_in_use;
  std::shared_ptr<Profile> profile;
  {  // the file's bytes are freed before symbolization
    Result<std::string> bytes = ReadFile(path, limits.max_profile_bytes);
    if (!bytes.ok()) return Status::Error(fmt::format("{}: {}", path, bytes.status().message()));
    auto parsed = ParseProfile(*bytes, limits);
    if (!parsed.ok()) return Status::Error(fmt::format("{}: {}", path, parsed.status().message()));
    profile = std::move(parsed.value());
  }
  if (symbolize) {
    Status st = Symbolize(reg, *mode, *profile, e);
    if (!st.ok()) return Status::Error(fmt::format("{}: symbolization: {}", path, st.message()));
  }
  e.profile = std::move(profile);
  return e;
}

void Load(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_load", [&] {
    if (!RequireDirectCall(ctx, "pprof_load")) return;
    Registry& reg = *RegistryOf(ctx);
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return ResultError(ctx, "pprof_load", "path is NULL");
    std::string path(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])));
    std::string name;
    if (argc > 1 && sqlite3_value_type(argv[1]) != SQLITE_NULL) {
      name = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
      if (name.empty()) return ResultError(ctx, "pprof_load", "name is empty");
    }
    if (path.empty()) return ResultError(ctx, "pprof_load", "path is empty");
    auto paths = ExpandPaths(path);
    if (!paths.ok()) return ResultError(ctx, "pprof_load", paths.status().message());
    const bool many = paths->size() > 1 || *paths->begin() != path;
    if (many && !name.empty()) {
      return ResultError(ctx, "pprof_load", "a name can only be given when loading a single file");
    }
    // Read everything first: if any file fails, nothing of this call is kept.
    // The memory limit applies as each file is decoded, counting what is
    // loaded and what this call read before it: a directory stops at the
    // limit, not after every file of it was decoded.
    uint64_t in_use = reg.MemoryBytes();
    std::vector<LoadedProfile> entries;
    for (const std::string& p : *paths) {
      auto e = ReadOne(reg, p, in_use);
      if (!e.ok()) return ResultError(ctx, "pprof_load", e.status().message());
      if (LoadedPtr replaced = e->id != 0 ? reg.Find(e->id) : nullptr) {
        in_use -= std::min(in_use, replaced->profile->MemoryBytes());
      }
      in_use += e->profile->MemoryBytes();
      entries.push_back(std::move(e.value()));
    }
    if (!name.empty()) {
      LoadedPtr other = reg.FindByName(name);
      if (other && other->id != entries[0].id) {
        return ResultError(ctx, "pprof_load",
                           fmt::format("the name '{}' is already used by profile {} ({})", name, other->id, other->path));
      }
    }
    // The connection's memory limit: what stays loaded plus what came in
    // (in_use, kept while reading).
    if (Status st = CheckLimit(reg.limits, &ReadLimits::max_memory_bytes, in_use); !st.ok()) {
      return ResultError(ctx, "pprof_load", path + ": " + st.message());
    }
    int64_t last_id = 0;
    for (LoadedProfile& e : entries) {
      if (!name.empty()) e.name = name;
      if (e.name.empty()) e.name = e.path;
      if (e.id == 0) e.id = reg.NextId();
      last_id = e.id;
      reg.Put(std::move(e));
    }
    // Give the decompression buffers back to the system (glibc keeps freed
    // memory otherwise): what stays is the loaded profiles.
    malloc_trim(0);
    // One file: its id. A directory or pattern: how many profiles it loaded.
    sqlite3_result_int64(ctx, many ? static_cast<int64_t>(entries.size()) : last_id);
  });
}

void Unload(sqlite3_context* ctx, int, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_unload", [&] {
    if (!RequireDirectCall(ctx, "pprof_unload")) return;
    Registry& reg = *RegistryOf(ctx);
    LoadedPtr p;
    if (sqlite3_value_type(argv[0]) == SQLITE_INTEGER) {
      p = reg.Find(sqlite3_value_int64(argv[0]));
    } else if (sqlite3_value_type(argv[0]) == SQLITE_TEXT) {
      p = reg.FindByName(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])));
    }
    // Like DELETE: 1 if a profile was unloaded, 0 if none matched.
    sqlite3_result_int(ctx, p && reg.Remove(p->id) ? 1 : 0);
  });
}

void Config(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_config", [&] {
    // Reading a setting is harmless; changing one changes what later reads do.
    if (argc > 1 && !RequireDirectCall(ctx, "pprof_config")) return;
    Registry& reg = *RegistryOf(ctx);
    const char* key = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    std::string k = key ? key : "";
    for (const LimitInfo& l : Limits()) {
      if (k != l.name) continue;
      if (argc > 1) {
        sqlite3_int64 v = sqlite3_value_int64(argv[1]);
        if (sqlite3_value_numeric_type(argv[1]) != SQLITE_INTEGER || v <= 0) {
          return ResultError(ctx, "pprof_config", fmt::format("{} must be a positive integer", l.name));
        }
        reg.limits.*l.field = static_cast<uint64_t>(v);
      }
      return sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(reg.limits.*l.field));
    }
    if (k == "busy_timeout_ms") {
      if (argc > 1) {
        if (sqlite3_value_numeric_type(argv[1]) != SQLITE_INTEGER || sqlite3_value_int64(argv[1]) < 0) {
          return ResultError(ctx, "pprof_config", "busy_timeout_ms must be an integer >= 0");
        }
        reg.busy_timeout_ms = sqlite3_value_int64(argv[1]);
      }
      return sqlite3_result_int64(ctx, reg.busy_timeout_ms);
    }
    if (k == "progress") {
      if (argc > 1) reg.progress = sqlite3_value_int(argv[1]) != 0;
      return sqlite3_result_int(ctx, reg.progress ? 1 : 0);
    }
    if (k == "source_path" || k == "trim_path") {
      std::string& value = k == "source_path" ? reg.source_path : reg.trim_path;
      if (argc > 1) {
        const unsigned char* t = sqlite3_value_text(argv[1]);
        value = t ? reinterpret_cast<const char*>(t) : "";
        reg.settings_generation++;
      }
      return ResultText(ctx, value);
    }
    if (k == "symbolize") {
      if (argc > 1) {
        const unsigned char* t = sqlite3_value_text(argv[1]);
        std::string v = t ? reinterpret_cast<const char*>(t) : "none";
        auto mode = ParseSymbolizeMode(v);
        if (!mode.ok()) return ResultError(ctx, "pprof_config", mode.status().message());
        reg.symbolize = v.empty() ? "none" : v;
      }
      return ResultText(ctx, reg.symbolize);
    }
    if (k == "binary_path") {
      if (argc > 1) {
        const unsigned char* t = sqlite3_value_text(argv[1]);
        // NULL: back to the default ($PPROF_BINARY_PATH, $HOME/pprof/binaries).
        reg.binary_path = t ? reinterpret_cast<const char*>(t) : DefaultBinaryPath();
      }
      return ResultText(ctx, reg.binary_path);
    }
    std::string known = "source_path, trim_path, symbolize, binary_path, progress, busy_timeout_ms";
    for (const LimitInfo& l : Limits()) known += std::string(", ") + l.name;
    ResultError(ctx, "pprof_config", fmt::format("unknown setting '{}'; known: {}", k, known));
  });
}

LoadedPtr FindProfile(const Registry& reg, sqlite3_value* v) {
  if (sqlite3_value_type(v) == SQLITE_INTEGER) return reg.Find(sqlite3_value_int64(v));
  if (sqlite3_value_type(v) == SQLITE_TEXT) return reg.FindByName(reinterpret_cast<const char*>(sqlite3_value_text(v)));
  return nullptr;
}

// pprof_symbolize(id_or_name [, mode]): symbolizes a loaded profile now,
// from the binaries of the connection's binary_path, and returns how many
// locations got symbols. The profile keeps its id.
void SymbolizeFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_symbolize", [&] {
    if (!RequireDirectCall(ctx, "pprof_symbolize")) return;
    Registry& reg = *RegistryOf(ctx);
    LoadedPtr old = FindProfile(reg, argv[0]);
    if (!old) return ResultError(ctx, "pprof_symbolize", "no such profile");
    if (old->prepared) {
      return ResultError(ctx, "pprof_symbolize",
                         fmt::format("profile {} is made by pprof_prepare: symbolize the profiles it is made of", old->id));
    }
    std::string mode_text = "local";
    if (argc > 1 && sqlite3_value_type(argv[1]) != SQLITE_NULL) {
      mode_text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
    }
    auto mode = ParseSymbolizeMode(mode_text);
    if (!mode.ok()) return ResultError(ctx, "pprof_symbolize", mode.status().message());
    if (!mode->local) return sqlite3_result_int64(ctx, 0);
    auto p = std::make_shared<Profile>(*old->profile);
    LoadedProfile e = *old;
    uint64_t symbolized = 0;
    Status st = Symbolize(reg, *mode, *p, e, &symbolized);
    if (!st.ok()) return ResultError(ctx, "pprof_symbolize", old->path + ": " + st.message());
    e.profile = std::move(p);
    reg.Put(std::move(e));
    sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(symbolized));
  });
}

// pprof_symbolize_log(id_or_name [, 'all'|'warnings'|'notes']): what the
// last symbolization of the profile said, one message a line; NULL if it
// was not symbolized.
void SymbolizeLog(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_symbolize_log", [&] {
    Registry& reg = *RegistryOf(ctx);
    LoadedPtr p = FindProfile(reg, argv[0]);
    std::string what = "all";
    if (argc > 1 && sqlite3_value_type(argv[1]) != SQLITE_NULL) {
      what = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
    }
    if (what != "all" && what != "warnings" && what != "notes") {
      return ResultError(ctx, "pprof_symbolize_log", "the second argument is 'all', 'warnings' or 'notes'");
    }
    if (!p || !p->symbolized) return sqlite3_result_null(ctx);
    std::string out;
    auto add = [&](const std::vector<std::string>& v) {
      for (const std::string& m : v) out += (out.empty() ? "" : "\n") + m;
    };
    if (what != "notes") add(p->symbolize_warnings);
    if (what != "warnings") add(p->symbolize_notes);
    ResultText(ctx, out);
  });
}

void Version(sqlite3_context* ctx, int, sqlite3_value**) { ResultText(ctx, PPROF_VERSION); }

}  // namespace

int RegisterLoadFunctions(sqlite3* db, const std::shared_ptr<Registry>& registry) {
  struct Fn {
    const char* name;
    int nargs;
    int flags;
    void (*fn)(sqlite3_context*, int, sqlite3_value**);
  };
  const Fn fns[] = {
      {"pprof_load", 1, SQLITE_DIRECTONLY, Load},
      {"pprof_load", 2, SQLITE_DIRECTONLY, Load},
      {"pprof_unload", 1, SQLITE_DIRECTONLY, Unload},
      {"pprof_config", 1, SQLITE_DIRECTONLY, Config},
      {"pprof_config", 2, SQLITE_DIRECTONLY, Config},
      {"pprof_symbolize", 1, SQLITE_DIRECTONLY, SymbolizeFunction},
      {"pprof_symbolize", 2, SQLITE_DIRECTONLY, SymbolizeFunction},
      {"pprof_symbolize_log", 1, SQLITE_DIRECTONLY, SymbolizeLog},
      {"pprof_symbolize_log", 2, SQLITE_DIRECTONLY, SymbolizeLog},
      {"pprof_version", 0, SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC, Version},
  };
  for (const Fn& f : fns) {
    auto* data = new std::shared_ptr<Registry>(registry);
    int rc = sqlite3_create_function_v2(db, f.name, f.nargs, SQLITE_UTF8 | f.flags, data, f.fn, nullptr, nullptr,
                                        [](void* p) { delete static_cast<std::shared_ptr<Registry>*>(p); });
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

}  // namespace pprofsql
