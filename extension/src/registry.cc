#include "registry.h"

namespace pprofsql {

std::vector<LoadedPtr> Registry::All() const {
  std::vector<LoadedPtr> out;
  out.reserve(by_id_.size());
  for (const auto& [id, p] : by_id_) out.push_back(p);
  return out;
}

LoadedPtr Registry::Find(int64_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

LoadedPtr Registry::FindByName(const std::string& name) const {
  for (const auto& [id, p] : by_id_) {
    if (p->name == name) return p;
  }
  return nullptr;
}

LoadedPtr Registry::FindByRealPath(const std::string& real_path) const {
  for (const auto& [id, p] : by_id_) {
    if (!p->prepared && p->real_path == real_path) return p;
  }
  return nullptr;
}

LoadedPtr Registry::FindPrepared(const std::string& key) const {
  for (const auto& [id, p] : by_id_) {
    if (p->prepared && p->prepare_key == key) return p;
  }
  return nullptr;
}

uint64_t Registry::MemoryBytes(int64_t except_id) const {
  uint64_t total = 0;
  for (const auto& [id, p] : by_id_) {
    if (id != except_id) total += p->profile->MemoryBytes();
  }
  return total;
}

bool Registry::Holds(const Profile* p) const {
  for (const auto& [id, loaded] : by_id_) {
    if (loaded->profile.get() == p) return true;
  }
  return false;
}

void Registry::Put(LoadedProfile entry) {
  int64_t id = entry.id;
  by_id_[id] = std::make_shared<const LoadedProfile>(std::move(entry));
  cache_.clear();
}

std::shared_ptr<const void> Registry::CacheGet(const std::string& key) const {
  for (size_t i = 0; i < cache_.size(); i++) {
    if (cache_[i].first == key) {
      auto entry = std::move(cache_[i]);
      cache_.erase(cache_.begin() + static_cast<std::ptrdiff_t>(i));
      cache_.push_back(std::move(entry));
      return cache_.back().second;
    }
  }
  return nullptr;
}

void Registry::CachePut(const std::string& key, std::shared_ptr<const void> value) const {
  if (cache_.size() >= kCacheEntries) cache_.erase(cache_.begin());
  cache_.emplace_back(key, std::move(value));
}

SourceReader& Registry::Sources() const {
  bool stale = !sources_ || sources_generation_ != settings_generation;
  if (!stale && source_path.empty()) {
    // The default search path is the current directory: follow chdir().
    Result<std::string> wd = GoGetwd();
    stale = !wd.ok() || *wd != sources_->search_path();
  }
  if (stale) {
    // Readers hand out lines by shared_ptr, so replacing one mid-scan is safe.
    sources_ = std::make_unique<SourceReader>(source_path, trim_path);
    sources_generation_ = settings_generation;
  }
  return *sources_;
}

bool Registry::Remove(int64_t id) {
  cache_.clear();
  return by_id_.erase(id) > 0;
}

}  // namespace pprofsql
