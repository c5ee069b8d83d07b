// The profiles loaded into one SQLite connection. pprof_load adds to it,
// pprof_unload removes from it, and every virtual table reads from it.
// Entries are immutable and shared: a cursor keeps the snapshot it started
// with, so unloading during a scan never leaves it dangling.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "decode/reader.h"
#include "model/profile.h"
#include "report/source.h"
#include "symbolize/symbolize.h"

namespace pprofsql {

struct LoadedProfile {
  int64_t id = 0;
  std::string name;       // given to pprof_load, or the path as given
  std::string path;       // as given
  std::string real_path;  // canonical, to recognise a reload of the same file
  uint64_t file_size = 0;
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
  std::shared_ptr<const Profile> profile;

  // Set by pprof_prepare on the profiles it makes: `profile` is then what
  // pprof reports on (merged, drop_frames applied, filtered), `unfiltered` is
  // the same before the filters (pprof's Total is computed there), and
  // `active_filters` lists the filters for the report's header.
  bool prepared = false;
  std::shared_ptr<const Profile> unfiltered;
  std::vector<std::string> active_filters;
  std::string prepare_key;  // the sources and options it was made from

  // Local symbolization (symbolize/): the settings the profile was read
  // with ("" when it was not symbolized on load; a reload with other
  // settings reads the file again), and what the symbolizer said: warnings
  // in pprof's words and one note per symbolized mapping.
  std::string symbolize_key;
  bool symbolized = false;
  std::vector<std::string> symbolize_warnings, symbolize_notes;
};

using LoadedPtr = std::shared_ptr<const LoadedProfile>;

class Registry {
 public:
  // All loaded profiles, ordered by id.
  std::vector<LoadedPtr> All() const;
  LoadedPtr Find(int64_t id) const;
  LoadedPtr FindByName(const std::string& name) const;
  LoadedPtr FindByRealPath(const std::string& real_path) const;
  LoadedPtr FindPrepared(const std::string& prepare_key) const;
  // The memory the loaded profiles hold (Profile::MemoryBytes), but for
  // profile `except_id`; and whether some loaded profile is `p` itself.
  uint64_t MemoryBytes(int64_t except_id = 0) const;
  bool Holds(const Profile* p) const;
  // Adds (or replaces, when `entry.id` is already loaded) a profile.
  void Put(LoadedProfile entry);
  bool Remove(int64_t id);
  int64_t NextId() { return next_id_++; }
  // New ids start at `id` or above (functions.h kFirstLoadedIdAboveImports).
  void UseIdsFrom(int64_t id) {
    if (next_id_ < id) next_id_ = id;
  }

  // The connection's source reader for the current source_path/trim_path
  // (rebuilt when they change, or when the default search path, the current
  // directory, changes). pprof_source and the -list report read through it.
  SourceReader& Sources() const;

  // A small cache of computed results (report graphs), most recent last.
  std::shared_ptr<const void> CacheGet(const std::string& key) const;
  void CachePut(const std::string& key, std::shared_ptr<const void> value) const;

  ReadLimits limits;
  // pprof's -source_path and -trim_path (':'-separated lists), set with
  // pprof_config. They decide where pprof_source finds files and how the
  // reports print file names. `settings_generation` changes whenever a
  // setting does, so cached report results can tell they are stale.
  std::string source_path, trim_path;
  uint64_t settings_generation = 0;
  // pprof_config('progress', 1): long work (pprof_import) reports progress
  // on standard error when it is a terminal.
  bool progress = false;
  // pprof_config('busy_timeout_ms', N): how long pprof_import waits for
  // another writer of its database before failing.
  int64_t busy_timeout_ms = 10000;
  // pprof_config('symbolize', 'none'|'local[:force][:demangle=full|none]'):
  // whether pprof_load symbolizes address-only mappings from local
  // binaries, and pprof_config('binary_path', 'DIR:DIR') where it looks
  // for them (default $PPROF_BINARY_PATH, else $HOME/pprof/binaries).
  std::string symbolize = "none";
  std::string binary_path = DefaultBinaryPath();

 private:
  std::map<int64_t, LoadedPtr> by_id_;
  static constexpr size_t kCacheEntries = 16;
  mutable std::vector<std::pair<std::string, std::shared_ptr<const void>>> cache_;
  mutable std::unique_ptr<SourceReader> sources_;
  mutable uint64_t sources_generation_ = 0;
  int64_t next_id_ = 1;
};

}  // namespace pprofsql
