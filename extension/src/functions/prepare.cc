// pprof_prepare(ids [, options]): the profile pprof actually reports on.
//
// `go tool pprof` never reports on a file as it is: it merges the sources
// (even a single one: identical samples are added, ids renumbered), applies
// -base/-diff_base, removes the frames the profile's drop_frames names, and
// then applies the filters (-focus, -ignore, -hide, -show, -tagfocus, ...).
// pprof_prepare does the same and registers the result as a new profile,
// whose id the report views take. `ids` is one profile id or a
// comma-separated list; `options` holds pprof's flags for these steps:
//   -base=IDS -diff_base=IDS -normalize -all_frames
//   -focus=RE -ignore=RE -hide=RE -show=RE -show_from=RE -prune_from=RE
//   -tagfocus=RE -tagignore=RE -tagshow=RE -taghide=RE
// Calling it again with the same arguments returns the same id (the result
// is rebuilt, so it follows reloaded sources).
//
// -merge=false skips merging a single profile with itself. pprof always does
// it, but it only changes what -raw and -traces print (duplicate samples
// added, all-zero ones dropped, ids renumbered): the graph reports (-top,
// -list, -peek) and -tags are the same without it, and it costs a pass over
// every sample.
#include <fmt/format.h>

#include "base/sqlite_util.h"
#include "functions/functions.h"
#include "report/options.h"
#include "report/transform.h"

namespace pprofsql {
namespace {

Result<std::vector<LoadedPtr>> ParseIds(const Registry& reg, const std::string& text) {
  std::vector<LoadedPtr> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string word = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? text.size() + 1 : comma + 1;
    size_t b = word.find_first_not_of(' '), e = word.find_last_not_of(' ');
    word = b == std::string::npos ? "" : word.substr(b, e - b + 1);
    char* end = nullptr;
    long long id = std::strtoll(word.c_str(), &end, 10);
    if (word.empty() || *end != '\0') return Status::Error(fmt::format("'{}' is not a profile id", word));
    LoadedPtr p = reg.Find(id);
    if (!p) return Status::Error(fmt::format("no profile with id {} is loaded", id));
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::shared_ptr<Profile>> MergeAll(const std::vector<LoadedPtr>& sources) {
  std::vector<const Profile*> ps;
  for (const LoadedPtr& s : sources) ps.push_back(s->profile.get());
  return Merge(ps);
}

}  // namespace

Result<LoadedProfile> PrepareProfile(const Registry& reg, const std::string& ids, const std::string& options) {
  auto sources = ParseIds(reg, ids);
  if (!sources.ok()) return sources.status();
  auto words = SplitFlags(options);
  if (!words.ok()) return words.status();
  FilterOptions f;
  std::string base_ids;
  bool diff_base = false, normalize = false, all_frames = false, merge = true;
  std::vector<std::string> active;  // in pprof's order (driver.go: reportOptions)
  struct Named {
    const char* name;
    std::string* field;
  };
  const Named filters[] = {{"focus", &f.focus},       {"ignore", &f.ignore},       {"hide", &f.hide},
                           {"show", &f.show},         {"show_from", &f.show_from}, {"tagfocus", &f.tagfocus},
                           {"tagignore", &f.tagignore}, {"tagshow", &f.tagshow},   {"taghide", &f.taghide},
                           {"prune_from", &f.prune_from}};
  for (const std::string& w : *words) {
    std::string body = w.substr(w.rfind("--", 0) == 0 ? 2 : (w.rfind("-", 0) == 0 ? 1 : 0));
    size_t eq = body.find('=');
    std::string name = body.substr(0, eq), value = eq == std::string::npos ? "" : body.substr(eq + 1);
    bool matched = false;
    for (const Named& n : filters) {
      if (name == n.name) {
        *n.field = value;
        matched = true;
      }
    }
    if (matched) continue;
    if (name == "base" || name == "diff_base") {
      if (!base_ids.empty()) return Status::Error("-base and -diff_base flags cannot both be specified");
      base_ids = value;
      diff_base = name == "diff_base";
    } else if (name == "normalize") {
      normalize = true;
    } else if (name == "all_frames") {
      all_frames = true;
    } else if (name == "merge") {
      merge = value != "false" && value != "0";
    } else {
      return Status::Error(fmt::format("unknown option '{}'", w));
    }
  }
  for (const Named& n : filters) {
    if (!n.field->empty() && std::string(n.name) != "prune_from") active.push_back(std::string(n.name) + "=" + *n.field);
  }
  std::shared_ptr<const Profile> p;
  if (merge || sources->size() > 1) {
    auto merged = MergeAll(*sources);
    if (!merged.ok()) return merged.status();
    p = std::move(merged.value());
  } else {
    p = (*sources)[0]->profile;
  }
  if (!base_ids.empty()) {
    auto bases = ParseIds(reg, base_ids);
    if (!bases.ok()) return bases.status();
    auto base = MergeAll(*bases);
    if (!base.ok()) return base.status();
    auto with_base = ApplyBase(*p, **base, diff_base, normalize);
    if (!with_base.ok()) return with_base.status();
    p = std::move(with_base.value());
  } else if (normalize) {
    return Status::Error("must have base profile to normalize by");
  }
  if (!all_frames && p->drop_frames != 0) {
    auto pruned = RemoveUninteresting(*p);
    if (!pruned.ok()) return pruned.status();
    p = std::move(pruned.value());
  }
  // pprof always runs its name filter, which drops samples with empty
  // stacks even when no filter is set; with no filter and no empty stack it
  // changes nothing, and the profile is shared instead of copied.
  bool any_filter = false;
  for (const Named& n : filters) any_filter = any_filter || !n.field->empty();
  bool empty_stack = false;
  for (const Sample& smp : p->samples) empty_stack = empty_stack || smp.stack_begin == smp.stack_end;
  std::shared_ptr<const Profile> filtered_profile = p;
  if (any_filter || empty_stack) {
    auto filtered = ApplyFilters(*p, f, nullptr);
    if (!filtered.ok()) return filtered.status();
    filtered_profile = std::move(filtered.value());
  }
  LoadedProfile e;
  e.prepared = true;
  e.unfiltered = p;
  e.profile = std::move(filtered_profile);
  e.active_filters = std::move(active);
  const LoadedProfile& first = *(*sources)[0];
  e.path = first.path;
  e.name = "prepared(" + ids + (options.empty() ? "" : " " + options) + ")";
  e.prepare_key = ids + "\x1f" + options;
  return e;
}

Result<std::shared_ptr<const LoadedProfile>> ReportProfile(const LoadedProfile& lp, const Registry& reg, bool merge) {
  if (lp.prepared) return std::shared_ptr<const LoadedProfile>(std::shared_ptr<const LoadedProfile>(), &lp);
  std::string key = fmt::format("prepared\x1f{}\x1f{}\x1f{}", lp.id, static_cast<const void*>(lp.profile.get()), merge);
  if (auto cached = reg.CacheGet(key)) return std::static_pointer_cast<const LoadedProfile>(cached);
  auto prepared = PrepareProfile(reg, std::to_string(lp.id), merge ? "" : "-merge=false");
  if (!prepared.ok()) return prepared.status();
  auto result = std::make_shared<const LoadedProfile>(std::move(prepared.value()));
  reg.CachePut(key, result);
  return result;
}

namespace {

void PrepareFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  GuardFunction(ctx, "pprof_prepare", [&] {
    if (!RequireDirectCall(ctx, "pprof_prepare")) return;
    Registry& reg = **static_cast<std::shared_ptr<Registry>*>(sqlite3_user_data(ctx));
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return ResultError(ctx, "pprof_prepare", "ids is NULL");
    std::string ids = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    std::string options;
    if (argc > 1 && sqlite3_value_type(argv[1]) != SQLITE_NULL) {
      options = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
    }
    auto e = PrepareProfile(reg, ids, options);
    if (!e.ok()) return ResultError(ctx, "pprof_prepare", e.status().message());
    LoadedPtr old = reg.FindPrepared(e->prepare_key);
    // The prepared profile stays loaded: charge it to the memory limit, as
    // pprof_load does (a profile it shares with its source, when nothing
    // was filtered or merged, costs nothing more).
    uint64_t memory = reg.MemoryBytes(old ? old->id : 0);
    if (!reg.Holds(e->profile.get())) memory += e->profile->MemoryBytes();
    if (e->unfiltered && e->unfiltered != e->profile && !reg.Holds(e->unfiltered.get())) {
      memory += e->unfiltered->MemoryBytes();
    }
    if (Status st = CheckLimit(reg.limits, &ReadLimits::max_memory_bytes, memory); !st.ok()) {
      return ResultError(ctx, "pprof_prepare", st.message());
    }
    e->id = old ? old->id : reg.NextId();
    int64_t id = e->id;
    reg.Put(std::move(e.value()));
    sqlite3_result_int64(ctx, id);
  });
}

}  // namespace

int RegisterPrepareFunction(sqlite3* db, const std::shared_ptr<Registry>& registry) {
  for (int nargs : {1, 2}) {
    auto* data = new std::shared_ptr<Registry>(registry);
    // DIRECTONLY (and RequireDirectCall): it reads no files, but it adds
    // profiles to the connection, which costs memory and changes ids.
    int rc = sqlite3_create_function_v2(db, "pprof_prepare", nargs, SQLITE_UTF8 | SQLITE_DIRECTONLY, data,
                                        PrepareFunction, nullptr, nullptr,
                                        [](void* p) { delete static_cast<std::shared_ptr<Registry>*>(p); });
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

}  // namespace pprofsql
