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
    if (p->real_path == real_path) return p;
  }
  return nullptr;
}

void Registry::Put(LoadedProfile entry) {
  int64_t id = entry.id;
  by_id_[id] = std::make_shared<const LoadedProfile>(std::move(entry));
}

bool Registry::Remove(int64_t id) { return by_id_.erase(id) > 0; }

}  // namespace pprofsql
