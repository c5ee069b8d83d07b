// Profile transforms before a report: merging, -base/-diff_base, the focus
// family of filters and drop_frames. Each function works on a private copy
// (or builds a fresh profile) and returns it.
//
// The Go code these follow mutates shared *Location objects; here a location
// owns a range of Profile::lines, so "replace the location's lines" becomes
// "point the range at the kept lines" (a sub-range, or lines rewritten into a
// fresh array), and "replace a sample's locations" rebuilds the flat sample
// arrays.
#include "report/transform.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "report/measure.h"
#include "report/regexp.h"

namespace pprofsql {
namespace {

// measure.h's Label() function hides the model's Label struct by name.
using SampleLabel = struct Label;

// ---------------------------------------------------------------------------
// Small helpers on the model.

// Go's int64 arithmetic wraps; C++'s signed overflow is undefined.
int64_t WrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

// The id of `s` in p's string table, appending it when absent.
StrId InternInto(Profile& p, std::string_view s) {
  for (size_t i = 0; i < p.strings.size(); i++) {
    if (p.strings[i] == s) return static_cast<StrId>(i);
  }
  p.strings.emplace_back(s);
  return static_cast<StrId>(p.strings.size() - 1);
}

// Rebuilds the samples of `p`: for each sample, `edit(index, stack)` gets a
// copy of its stack (location indices, leaf first), may change it, and
// returns whether the sample stays. Values and labels follow their sample.
template <typename F>
void RewriteSamples(Profile& p, F&& edit) {
  const size_t n = p.num_types();
  std::vector<Sample> samples;
  std::vector<uint32_t> stack;
  std::vector<int64_t> values;
  std::vector<SampleLabel> labels;
  samples.reserve(p.samples.size());
  stack.reserve(p.stack.size());
  values.reserve(p.values.size());
  labels.reserve(p.labels.size());
  std::vector<uint32_t> buf;
  for (uint32_t i = 0; i < p.samples.size(); i++) {
    const Sample& s = p.samples[i];
    buf.assign(p.stack.begin() + s.stack_begin, p.stack.begin() + s.stack_end);
    if (!edit(i, buf)) continue;
    Sample ns;
    ns.stack_begin = static_cast<uint32_t>(stack.size());
    stack.insert(stack.end(), buf.begin(), buf.end());
    ns.stack_end = static_cast<uint32_t>(stack.size());
    ns.labels_begin = static_cast<uint32_t>(labels.size());
    labels.insert(labels.end(), p.labels.begin() + s.labels_begin, p.labels.begin() + s.labels_end);
    ns.labels_end = static_cast<uint32_t>(labels.size());
    values.insert(values.end(), p.values.begin() + i * n, p.values.begin() + (i + 1) * n);
    samples.push_back(ns);
  }
  p.samples = std::move(samples);
  p.stack = std::move(stack);
  p.values = std::move(values);
  p.labels = std::move(labels);
}

// Rebuilds the labels of every sample: `keep(label)` decides, and `extra`
// (may be null) appends labels after the kept ones.
template <typename Keep, typename Extra>
void RewriteLabels(Profile& p, Keep&& keep, Extra&& extra) {
  std::vector<SampleLabel> labels;
  labels.reserve(p.labels.size() + p.samples.size());
  for (Sample& s : p.samples) {
    uint32_t begin = static_cast<uint32_t>(labels.size());
    for (uint32_t j = s.labels_begin; j < s.labels_end; j++) {
      if (keep(p.labels[j])) labels.push_back(p.labels[j]);
    }
    extra(labels);
    s.labels_begin = begin;
    s.labels_end = static_cast<uint32_t>(labels.size());
  }
  p.labels = std::move(labels);
}

// profile.ScaleN: multiplies column i by ratios[i] (as float64, rounded half
// away from zero); a sample stays only if some rescaled column is nonzero.
// Nothing at all happens when every ratio is 1.
void ScaleN(Profile& p, const std::vector<double>& ratios) {
  if (std::all_of(ratios.begin(), ratios.end(), [](double r) { return r == 1; })) return;
  const size_t n = p.num_types();
  std::vector<char> keep(p.samples.size(), 0);
  for (size_t i = 0; i < p.samples.size(); i++) {
    for (size_t t = 0; t < n; t++) {
      if (ratios[t] == 1) continue;
      int64_t& v = p.values[i * n + t];
      v = GoFloatToInt64(std::round(static_cast<double>(v) * ratios[t]));
      if (v != 0) keep[i] = 1;
    }
  }
  RewriteSamples(p, [&](uint32_t i, std::vector<uint32_t>&) { return keep[i] != 0; });
}

bool IsZeroSample(const Profile& p, size_t i) {
  const size_t n = p.num_types();
  for (size_t t = 0; t < n; t++) {
    if (p.values[i * n + t] != 0) return false;
  }
  return true;
}

void RebuildIndexes(Profile& p) {
  p.location_index.clear();
  p.function_index.clear();
  p.mapping_index.clear();
  for (uint32_t i = 0; i < p.locations.size(); i++) p.location_index.emplace(p.locations[i].id, i);
  for (uint32_t i = 0; i < p.functions.size(); i++) p.function_index.emplace(p.functions[i].id, i);
  for (uint32_t i = 0; i < p.mappings.size(); i++) p.mapping_index.emplace(p.mappings[i].id, i);
}

// ---------------------------------------------------------------------------
// measurement.ScaleProfiles and profile.Merge.

enum class UnitFamily { kNone, kMemory, kTime, kGcu };

// Which of measurement's unit families `unit` belongs to (its sniffUnit).
UnitFamily FamilyOf(std::string_view unit) {
  std::string u = Scale(1, unit, "auto").unit;
  if (u.empty()) return UnitFamily::kNone;
  if (u.find("GCU") != std::string::npos) return UnitFamily::kGcu;
  if (u.back() == 'B') return UnitFamily::kMemory;
  return UnitFamily::kTime;
}

std::string_view TrimOneS(std::string_view s) {
  if (!s.empty() && s.back() == 's') s.remove_suffix(1);
  return s;
}

struct VT {  // a value type by name
  std::string type, unit;
  // Go's %v of a decoded ValueType (its string indices are zeroed on decode).
  std::string GoString() const { return fmt::format("{{{} {} 0 0}}", type, unit); }
};

VT MakeVT(const Profile& p, const ValueType& v) { return VT{std::string(p.str(v.type)), std::string(p.str(v.unit))}; }

// measurement.compatibleValueTypes
bool CompatibleValueTypes(const VT& a, const VT& b) {
  if (TrimOneS(a.type) != TrimOneS(b.type)) return false;
  if (a.unit == b.unit) return true;
  UnitFamily fa = FamilyOf(a.unit);
  return fa != UnitFamily::kNone && fa == FamilyOf(b.unit);
}

// measurement.CommonValueType for two or more types: the finest compatible one.
Result<VT> CommonValueType(const std::vector<VT>& ts) {
  VT min = ts[0];
  for (size_t i = 1; i < ts.size(); i++) {
    if (!CompatibleValueTypes(min, ts[i])) {
      return Status::Error(fmt::format("incompatible types: {} {}", min.GoString(), ts[i].GoString()));
    }
    if (Scale(1, ts[i].unit, min.unit).value < 1) min = ts[i];
  }
  return min;
}

// measurement.ScaleProfiles. `ps` is updated to point at rescaled copies
// (kept alive by `owned`) for the profiles that change.
Status ScaleProfiles(std::vector<const Profile*>& ps, std::vector<std::shared_ptr<Profile>>& owned) {
  if (ps.size() <= 1) return Status();  // CommonValueType of one type is nil: nothing to do
  std::vector<VT> periods;
  for (const Profile* p : ps) periods.push_back(MakeVT(*p, p->period_type));
  Result<VT> period = CommonValueType(periods);
  if (!period.ok()) return Status::Error("period type: " + period.status().message());

  const size_t ntypes = ps[0]->num_types();
  for (size_t k = 1; k < ps.size(); k++) {
    if (ps[k]->num_types() != ntypes) {
      return Status::Error(fmt::format("inconsistent samples type count: {} != {}", ntypes, ps[k]->num_types()));
    }
  }
  std::vector<VT> common;
  for (size_t i = 0; i < ntypes; i++) {
    std::vector<VT> ts;
    for (const Profile* p : ps) ts.push_back(MakeVT(*p, p->sample_types[i]));
    Result<VT> c = CommonValueType(ts);
    if (!c.ok()) return Status::Error("sample types: " + c.status().message());
    common.push_back(*c);
  }

  for (const Profile*& p : ps) {
    int64_t new_period = GoFloatToInt64(Scale(p->period, p->str(p->period_type.unit), period->unit).value);
    bool change = new_period != p->period || p->str(p->period_type.unit) != period->unit;
    std::vector<double> ratios(ntypes, 1.0);
    for (size_t i = 0; i < ntypes; i++) {
      ratios[i] = Scale(1, p->str(p->sample_types[i].unit), common[i].unit).value;
      if (ratios[i] != 1 || p->str(p->sample_types[i].unit) != common[i].unit) change = true;
    }
    if (!change) continue;
    auto copy = std::make_shared<Profile>(*p);
    copy->period = new_period;
    copy->period_type.unit = InternInto(*copy, period->unit);
    for (size_t i = 0; i < ntypes; i++) copy->sample_types[i].unit = InternInto(*copy, common[i].unit);
    ScaleN(*copy, ratios);
    owned.push_back(copy);
    p = copy.get();
  }
  return Status();
}

// Go prints the []*ValueType of this message as pointer values; we print the
// types instead.
std::string GoValueTypes(const Profile& p) {
  std::string out = "[";
  for (size_t i = 0; i < p.sample_types.size(); i++) {
    if (i) out += " ";
    out += "&" + MakeVT(p, p.sample_types[i]).GoString();
  }
  return out + "]";
}

// profile.compatible
Status Compatible(const Profile& a, const Profile& b) {
  if (a.str(a.period_type.type) != b.str(b.period_type.type) ||
      a.str(a.period_type.unit) != b.str(b.period_type.unit)) {
    return Status::Error(fmt::format("incompatible period types &{} and &{}", MakeVT(a, a.period_type).GoString(),
                                     MakeVT(b, b.period_type).GoString()));
  }
  bool same = a.sample_types.size() == b.sample_types.size();
  for (size_t i = 0; same && i < a.sample_types.size(); i++) {
    same = a.str(a.sample_types[i].type) == b.str(b.sample_types[i].type) &&
           a.str(a.sample_types[i].unit) == b.str(b.sample_types[i].unit);
  }
  if (!same) {
    return Status::Error(fmt::format("incompatible sample types {} and {}", GoValueTypes(a), GoValueTypes(b)));
  }
  return Status();
}

template <typename T>
void Put(std::string& key, T v) {
  key.append(reinterpret_cast<const char*>(&v), sizeof v);
}

// profile.Merge's profileMerger over the flat model. Strings are re-interned
// into the result's own table, so equal strings have equal ids there and keys
// can be built from ids.
class Merger {
 public:
  explicit Merger(Profile& out) : out_(out) {
    out_.strings.assign(1, std::string());
    strings_.emplace(std::string(), 0);
  }

  // combineHeaders
  Status Headers(const std::vector<const Profile*>& srcs) {
    for (size_t k = 1; k < srcs.size(); k++) PPROF_RETURN_IF_ERROR(Compatible(*srcs[0], *srcs[k]));
    const Profile& first = *srcs[0];
    int64_t time_nanos = 0, duration_nanos = 0, period = 0;
    std::string default_type, doc_url;
    std::unordered_map<std::string, bool> seen;
    for (const Profile* s : srcs) {
      if (time_nanos == 0 || s->time_nanos < time_nanos) time_nanos = s->time_nanos;
      duration_nanos = WrapAdd(duration_nanos, s->duration_nanos);
      if (period == 0 || period < s->period) period = s->period;
      for (StrId c : s->comments) {
        if (seen.emplace(std::string(s->str(c)), true).second) out_.comments.push_back(Intern(s->str(c)));
      }
      if (default_type.empty()) default_type = s->str(s->default_sample_type);
      // Not in Go 1.19's pprof (it has no doc_url); newer ones keep the first.
      if (doc_url.empty()) doc_url = s->str(s->doc_url);
    }
    for (const ValueType& t : first.sample_types) {
      out_.sample_types.push_back(ValueType{Intern(first.str(t.type)), Intern(first.str(t.unit))});
    }
    out_.drop_frames = Intern(first.str(first.drop_frames));
    out_.keep_frames = Intern(first.str(first.keep_frames));
    out_.time_nanos = time_nanos;
    out_.duration_nanos = duration_nanos;
    out_.period_type = ValueType{Intern(first.str(first.period_type.type)), Intern(first.str(first.period_type.unit))};
    out_.period = period;
    out_.default_sample_type = Intern(default_type);
    out_.doc_url = Intern(doc_url);
    return Status();
  }

  void AddSource(const Profile& src) {
    src_ = &src;
    str_memo_.assign(src.strings.size(), kNone);
    loc_memo_.assign(src.locations.size(), kNone);
    fn_memo_.assign(src.functions.size(), kNone);
    map_memo_.assign(src.mappings.size(), MapInfo{});
    if (mappings_.empty() && !src.mappings.empty()) MapMapping(0);
    for (uint32_t i = 0; i < src.samples.size(); i++) {
      if (!IsZeroSample(src, i)) MapSample(i);
    }
  }

  bool HasZeroSample() const {
    for (size_t i = 0; i < out_.samples.size(); i++) {
      if (IsZeroSample(out_, i)) return true;
    }
    return false;
  }

  void Finish() { RebuildIndexes(out_); }

 private:
  struct MapInfo {
    bool set = false;
    uint32_t index = kNone;  // into out_.mappings
    int64_t offset = 0;
  };

  StrId Intern(std::string_view s) {
    auto it = strings_.find(std::string(s));
    if (it != strings_.end()) return it->second;
    StrId id = static_cast<StrId>(out_.strings.size());
    out_.strings.emplace_back(s);
    strings_.emplace(std::string(s), id);
    return id;
  }

  StrId Str(StrId src_id) {
    StrId& m = str_memo_[src_id];
    if (m == kNone) m = Intern(src_->str(src_id));
    return m;
  }

  MapInfo MapMapping(uint32_t src_index) {
    if (src_index == kNone) return MapInfo{true, kNone, 0};
    MapInfo& memo = map_memo_[src_index];
    if (memo.set) return memo;
    const Mapping& m = src_->mappings[src_index];
    // mapping.key: size rounded up to 4 KiB, offset, build id or else file.
    uint64_t size = m.memory_limit - m.memory_start;
    size = size + 0xfff;
    size = size - (size % 0x1000);
    std::string key;
    Put(key, size);
    Put(key, m.file_offset);
    Put(key, Str(src_->str(m.build_id).empty() ? m.filename : m.build_id));
    auto it = mappings_.find(key);
    if (it != mappings_.end()) {
      const Mapping& have = out_.mappings[it->second];
      memo = MapInfo{true, it->second,
                     static_cast<int64_t>(have.memory_start) - static_cast<int64_t>(m.memory_start)};
      return memo;
    }
    Mapping nm = m;
    nm.id = out_.mappings.size() + 1;
    nm.filename = Str(m.filename);
    nm.build_id = Str(m.build_id);
    uint32_t index = static_cast<uint32_t>(out_.mappings.size());
    out_.mappings.push_back(nm);
    mappings_.emplace(std::move(key), index);
    memo = MapInfo{true, index, 0};
    return memo;
  }

  uint32_t MapFunction(uint32_t src_index) {
    if (src_index == kNone) return kNone;
    uint32_t& memo = fn_memo_[src_index];
    if (memo != kNone) return memo;
    const Function& f = src_->functions[src_index];
    Function nf = f;
    nf.name = Str(f.name);
    nf.system_name = Str(f.system_name);
    nf.filename = Str(f.filename);
    std::string key;
    Put(key, f.start_line);
    Put(key, nf.name);
    Put(key, nf.system_name);
    Put(key, nf.filename);
    auto it = functions_.find(key);
    if (it != functions_.end()) return memo = it->second;
    nf.id = out_.functions.size() + 1;
    uint32_t index = static_cast<uint32_t>(out_.functions.size());
    out_.functions.push_back(nf);
    functions_.emplace(std::move(key), index);
    return memo = index;
  }

  uint32_t MapLocation(uint32_t src_index) {
    uint32_t& memo = loc_memo_[src_index];
    if (memo != kNone) return memo;
    const Location& l = src_->locations[src_index];
    MapInfo mi = MapMapping(l.mapping);
    uint64_t address = static_cast<uint64_t>(WrapAdd(static_cast<int64_t>(l.address), mi.offset));
    line_buf_.clear();
    for (uint32_t j = l.lines_begin; j < l.lines_end; j++) {
      Line ln = src_->lines[j];
      ln.function = MapFunction(ln.function);
      line_buf_.push_back(ln);
    }
    // location.key: address relative to the mapping, mapping, lines, folding.
    std::string key;
    Put(key, mi.index == kNone ? address : address - out_.mappings[mi.index].memory_start);
    Put(key, mi.index == kNone ? uint64_t{0} : out_.mappings[mi.index].id);
    Put(key, static_cast<uint8_t>(l.is_folded));
    for (const Line& ln : line_buf_) {
      Put(key, ln.function);
      Put(key, ln.line);
    }
    auto it = locations_.find(key);
    if (it != locations_.end()) return memo = it->second;
    Location nl;
    nl.id = out_.locations.size() + 1;
    nl.mapping = mi.index;
    nl.address = address;
    nl.is_folded = l.is_folded;
    nl.lines_begin = static_cast<uint32_t>(out_.lines.size());
    out_.lines.insert(out_.lines.end(), line_buf_.begin(), line_buf_.end());
    nl.lines_end = static_cast<uint32_t>(out_.lines.size());
    uint32_t index = static_cast<uint32_t>(out_.locations.size());
    out_.locations.push_back(nl);
    locations_.emplace(std::move(key), index);
    return memo = index;
  }

  // Samples are looked up in an open-addressing table of out_'s sample
  // indices, compared against out_'s own arrays: no key is materialised, as
  // a profile may have millions of samples.
  static uint64_t Mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdULL;
  }

  static bool SameLabel(const SampleLabel& a, const SampleLabel& b) {
    if (a.is_string() != b.is_string() || a.key != b.key) return false;
    return a.is_string() ? a.str == b.str : a.num == b.num && a.num_unit == b.num_unit;
  }

  bool SameSample(uint32_t out_index) const {
    const Sample& o = out_.samples[out_index];
    if (o.stack_end - o.stack_begin != stack_buf_.size() || o.labels_end - o.labels_begin != label_buf_.size()) {
      return false;
    }
    if (!std::equal(stack_buf_.begin(), stack_buf_.end(), out_.stack.begin() + o.stack_begin)) return false;
    for (size_t j = 0; j < label_buf_.size(); j++) {
      if (!SameLabel(label_buf_[j], out_.labels[o.labels_begin + j])) return false;
    }
    return true;
  }

  void GrowSampleTable() {
    std::vector<uint32_t> slots(std::max<size_t>(64, slots_.size() * 2), 0);
    const size_t mask = slots.size() - 1;
    for (uint32_t k = 0; k < sample_hashes_.size(); k++) {
      size_t pos = sample_hashes_[k] & mask;
      while (slots[pos] != 0) pos = (pos + 1) & mask;
      slots[pos] = k + 1;
    }
    slots_ = std::move(slots);
  }

  void MapSample(uint32_t i) {
    const Sample& s = src_->samples[i];
    stack_buf_.clear();
    for (uint32_t j = s.stack_begin; j < s.stack_end; j++) stack_buf_.push_back(MapLocation(src_->stack[j]));
    label_buf_.clear();
    for (uint32_t j = s.labels_begin; j < s.labels_end; j++) {
      SampleLabel l = src_->labels[j];
      l.key = Str(l.key);
      l.str = Str(l.str);
      l.num_unit = Str(l.num_unit);
      label_buf_.push_back(l);
    }
    // sample.key is the locations, then the labels by key (each key's values
    // in order), string labels apart from numeric ones. Putting the labels in
    // that canonical order (string labels first, keys sorted: the order
    // pprof's encoder writes them in) makes equal samples compare equal.
    std::stable_sort(label_buf_.begin(), label_buf_.end(), [this](const SampleLabel& a, const SampleLabel& b) {
      if (a.is_string() != b.is_string()) return a.is_string();
      return a.key != b.key && out_.str(a.key) < out_.str(b.key);
    });
    uint64_t h = Mix(0, stack_buf_.size());
    for (uint32_t loc : stack_buf_) h = Mix(h, loc);
    for (const SampleLabel& l : label_buf_) {
      h = Mix(h, (uint64_t{l.key} << 1) | (l.is_string() ? 1 : 0));
      h = l.is_string() ? Mix(h, l.str) : Mix(Mix(h, static_cast<uint64_t>(l.num)), l.num_unit);
    }
    if ((sample_hashes_.size() + 1) * 2 > slots_.size()) GrowSampleTable();
    const size_t mask = slots_.size() - 1;
    size_t pos = h & mask;
    const size_t n = src_->num_types();
    for (; slots_[pos] != 0; pos = (pos + 1) & mask) {
      uint32_t k = slots_[pos] - 1;
      if (sample_hashes_[k] != h || !SameSample(k)) continue;
      for (size_t t = 0; t < n; t++) {
        int64_t& v = out_.values[k * n + t];
        v = WrapAdd(v, src_->values[i * n + t]);
      }
      return;
    }
    Sample ns;
    ns.stack_begin = static_cast<uint32_t>(out_.stack.size());
    out_.stack.insert(out_.stack.end(), stack_buf_.begin(), stack_buf_.end());
    ns.stack_end = static_cast<uint32_t>(out_.stack.size());
    ns.labels_begin = static_cast<uint32_t>(out_.labels.size());
    out_.labels.insert(out_.labels.end(), label_buf_.begin(), label_buf_.end());
    ns.labels_end = static_cast<uint32_t>(out_.labels.size());
    out_.values.insert(out_.values.end(), src_->values.begin() + i * n, src_->values.begin() + (i + 1) * n);
    slots_[pos] = static_cast<uint32_t>(out_.samples.size()) + 1;
    sample_hashes_.push_back(h);
    out_.samples.push_back(ns);
  }

  Profile& out_;
  const Profile* src_ = nullptr;
  std::unordered_map<std::string, StrId> strings_;
  std::unordered_map<std::string, uint32_t> locations_, functions_, mappings_;
  std::vector<uint32_t> slots_;  // sample index + 1, or 0 for empty
  std::vector<uint64_t> sample_hashes_;
  std::vector<StrId> str_memo_;
  std::vector<uint32_t> loc_memo_, fn_memo_;
  std::vector<MapInfo> map_memo_;
  std::vector<Line> line_buf_;
  std::vector<uint32_t> stack_buf_;
  std::vector<SampleLabel> label_buf_;
};

// profile.Merge
Result<std::shared_ptr<Profile>> MergeProfiles(const std::vector<const Profile*>& srcs) {
  if (srcs.empty()) return Status::Error("no profiles to merge");
  auto out = std::make_shared<Profile>();
  Merger m(*out);
  PPROF_RETURN_IF_ERROR(m.Headers(srcs));
  for (const Profile* s : srcs) m.AddSource(*s);
  m.Finish();
  // Values that cancelled out: merge the result again to drop those samples
  // and everything only they used.
  if (m.HasZeroSample()) return MergeProfiles({out.get()});
  return out;
}

// fetch.go combineProfiles
Result<std::shared_ptr<Profile>> Combine(std::vector<const Profile*> ps) {
  std::vector<std::shared_ptr<Profile>> owned;
  PPROF_RETURN_IF_ERROR(ScaleProfiles(ps, owned));
  return MergeProfiles(ps);
}

// ---------------------------------------------------------------------------
// Filters.

// Caches, per function and per mapping of one profile, whether a regexp
// matches (the function's name or file name; the mapping's file name).
class NameMatcher {
 public:
  NameMatcher(const Profile& p, const Regexp& re)
      : p_(p), re_(re), fn_(p.functions.size(), -1), map_(p.mappings.size(), -1) {}

  bool Function(uint32_t f) {
    if (f == kNone) return false;
    int8_t& c = fn_[f];
    if (c < 0) c = re_.Search(p_.str(p_.functions[f].name)) || re_.Search(p_.str(p_.functions[f].filename));
    return c != 0;
  }
  bool Line(const pprofsql::Line& ln) { return Function(ln.function); }
  bool Mapping(const Location& l) {
    if (l.mapping == kNone) return false;
    int8_t& c = map_[l.mapping];
    if (c < 0) c = re_.Search(p_.str(p_.mappings[l.mapping].filename));
    return c != 0;
  }
  // Location.matchesName
  bool Location(const pprofsql::Location& l) {
    for (uint32_t j = l.lines_begin; j < l.lines_end; j++) {
      if (Line(p_.lines[j])) return true;
    }
    return Mapping(l);
  }

 private:
  const Profile& p_;
  const Regexp& re_;
  std::vector<int8_t> fn_, map_;
};

struct NameFilterMatches {
  bool focus = false, ignore = false, hide = false, show = false;
};

// profile.FilterSamplesByName
NameFilterMatches FilterSamplesByName(Profile& p, const Regexp* focus, const Regexp* ignore, const Regexp* hide,
                                      const Regexp* show) {
  NameFilterMatches m;
  enum : int8_t { kUnmarked, kFocused, kIgnored };
  std::vector<int8_t> mark(p.locations.size(), kUnmarked);
  std::vector<char> hidden(p.locations.size(), 0);
  bool any_hidden = false;
  std::optional<NameMatcher> fm, im, hm, sm;
  if (focus) fm.emplace(p, *focus);
  if (ignore) im.emplace(p, *ignore);
  if (hide) hm.emplace(p, *hide);
  if (show) sm.emplace(p, *show);
  const bool edit_lines = hide || show;
  std::vector<Line> lines, kept;
  if (edit_lines) lines.reserve(p.lines.size());
  for (uint32_t li = 0; li < p.locations.size(); li++) {
    Location& l = p.locations[li];
    if (im && im->Location(l)) {
      m.ignore = true;
      mark[li] = kIgnored;
    } else if (!fm || fm->Location(l)) {
      m.focus = true;
      mark[li] = kFocused;
    }
    if (!edit_lines) continue;
    kept.assign(p.lines.begin() + l.lines_begin, p.lines.begin() + l.lines_end);
    if (hm && hm->Location(l)) {
      m.hide = true;
      // unmatchedLines: none when the mapping matches.
      if (hm->Mapping(l)) {
        kept.clear();
      } else {
        kept.erase(std::remove_if(kept.begin(), kept.end(), [&](const Line& ln) { return hm->Line(ln); }),
                   kept.end());
      }
      if (kept.empty()) hidden[li] = 1, any_hidden = true;
    }
    if (sm) {
      // matchedLines: all when the mapping matches; lines without a function stay.
      if (!sm->Mapping(l)) {
        kept.erase(std::remove_if(kept.begin(), kept.end(),
                                  [&](const Line& ln) { return ln.function != kNone && !sm->Line(ln); }),
                   kept.end());
      }
      if (kept.empty()) {
        hidden[li] = 1, any_hidden = true;
      } else {
        m.show = true;
      }
    }
    l.lines_begin = static_cast<uint32_t>(lines.size());
    lines.insert(lines.end(), kept.begin(), kept.end());
    l.lines_end = static_cast<uint32_t>(lines.size());
  }
  if (edit_lines) p.lines = std::move(lines);

  RewriteSamples(p, [&](uint32_t, std::vector<uint32_t>& stack) {
    // focusedAndNotIgnored
    bool focused = false;
    for (uint32_t loc : stack) {
      if (mark[loc] == kIgnored) return false;
      if (mark[loc] == kFocused) focused = true;
    }
    if (!focused) return false;
    if (any_hidden) {
      stack.erase(std::remove_if(stack.begin(), stack.end(), [&](uint32_t loc) { return hidden[loc] != 0; }),
                  stack.end());
      if (stack.empty()) return false;
    }
    return true;
  });
  return m;
}

// profile.ShowFrom
bool ShowFrom(Profile& p, const Regexp& re) {
  NameMatcher nm(p, re);
  std::vector<char> matched(p.locations.size(), 0);
  bool any = false;
  for (uint32_t li = 0; li < p.locations.size(); li++) {
    Location& l = p.locations[li];
    if (nm.Mapping(l)) {
      matched[li] = 1;
    } else {
      // The outermost (last) matching line; the callers above it go.
      for (uint32_t j = l.lines_end; j > l.lines_begin; j--) {
        if (nm.Line(p.lines[j - 1])) {
          l.lines_end = j;
          matched[li] = 1;
          break;
        }
      }
    }
    if (matched[li]) any = true;
  }
  RewriteSamples(p, [&](uint32_t, std::vector<uint32_t>& stack) {
    for (size_t i = stack.size(); i > 0; i--) {
      if (matched[stack[i - 1]]) {
        stack.resize(i);
        return true;
      }
    }
    return false;
  });
  return any;
}

// A compiled -tagfocus / -tagignore (driver_focus.go compileTagFilter).
struct TagFilter {
  std::string want_key;  // "" for any key
  // Numeric range (parseTagFilterRange).
  bool numeric = false;
  enum Kind { kEqual, kAtLeast, kAtMost, kBetween } kind = kEqual;
  double lo = 0, hi = 0;
  std::string unit;
  // Otherwise, comma-separated regexps.
  std::vector<Regexp> regexps;
};

struct RangeMatch {
  std::string_view whole, number, unit;
};

// tagFilterRangeRx.FindAllStringSubmatch(s, 2) for ([+-]?[[:digit:]]+)([[:alpha:]]+)?
std::vector<RangeMatch> FindRanges(std::string_view s) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  std::vector<RangeMatch> out;
  size_t i = 0;
  while (i < s.size() && out.size() < 2) {
    size_t start = i, j = i;
    if ((s[j] == '+' || s[j] == '-') && j + 1 < s.size() && digit(s[j + 1])) j++;
    if (!digit(s[j])) {
      i++;
      continue;
    }
    while (j < s.size() && digit(s[j])) j++;
    size_t num_end = j;
    while (j < s.size() && alpha(s[j])) j++;
    out.push_back(RangeMatch{s.substr(start, j - start), s.substr(start, num_end - start),
                             s.substr(num_end, j - num_end)});
    i = j;
  }
  return out;
}

// strconv.ParseInt(s, 10, 64) for [+-]?[0-9]+
Result<int64_t> ParseInt(std::string_view s) {
  bool neg = false;
  std::string_view d = s;
  if (!d.empty() && (d[0] == '+' || d[0] == '-')) {
    neg = d[0] == '-';
    d.remove_prefix(1);
  }
  uint64_t v = 0;
  const uint64_t limit = neg ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  for (char c : d) {
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (limit - digit) / 10) {
      return Status::Error(
          fmt::format("failed to parse int {}: strconv.ParseInt: parsing \"{}\": value out of range", s, s));
    }
    v = v * 10 + digit;
  }
  return neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

// parseTagFilterRange. Returns false (no error) when `filter` is not a range.
Result<bool> ParseTagFilterRange(std::string_view filter, TagFilter& f) {
  std::vector<RangeMatch> r = FindRanges(filter);
  if (r.empty()) return false;
  Result<int64_t> v = ParseInt(r[0].number);
  if (!v.ok()) return v.status();
  Scaled first = Scale(*v, r[0].unit, r[0].unit);
  f.lo = first.value;
  f.unit = first.unit;
  if (r.size() == 1) {
    std::string m(r[0].whole);
    if (filter == m) {
      f.kind = TagFilter::kEqual;
    } else if (filter == m + ":") {
      f.kind = TagFilter::kAtLeast;
    } else if (filter == ":" + m) {
      f.kind = TagFilter::kAtMost;
    } else {
      return false;
    }
    return true;
  }
  if (filter != std::string(r[0].whole) + ":" + std::string(r[1].whole)) return false;
  Result<int64_t> v2 = ParseInt(r[1].number);
  if (!v2.ok()) return v2.status();
  Scaled second = Scale(*v2, r[1].unit, f.unit);
  if (second.unit != f.unit) return false;
  f.kind = TagFilter::kBetween;
  f.hi = second.value;
  return true;
}

Status CompileRegexOption(const char* name, const std::string& value, std::optional<Regexp>& out) {
  if (value.empty()) return Status();
  Result<Regexp> re = Regexp::Compile(value);
  if (!re.ok()) return Status::Error(fmt::format("parsing {} regexp: {}", name, re.status().message()));
  out.emplace(std::move(*re));
  return Status();
}

Status CompileTagFilter(const char* name, const std::string& option, std::optional<TagFilter>& out,
                        std::vector<std::string>* warnings) {
  if (option.empty()) return Status();
  TagFilter f;
  std::string value = option;
  if (size_t eq = option.find('='); eq != std::string::npos) {
    f.want_key = option.substr(0, eq);
    value = option.substr(eq + 1);
  }
  Result<bool> is_range = ParseTagFilterRange(value, f);
  if (!is_range.ok()) return is_range.status();
  if (*is_range) {
    if (warnings) warnings->push_back(fmt::format("{}:Interpreted '{}' as range, not regexp", name, value));
    f.numeric = true;
    out.emplace(std::move(f));
    return Status();
  }
  size_t start = 0;
  for (;;) {
    size_t comma = value.find(',', start);
    std::string part = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    Result<Regexp> re = Regexp::Compile(part);
    if (!re.ok()) return Status::Error(fmt::format("parsing {} regexp: {}", name, re.status().message()));
    f.regexps.push_back(std::move(*re));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  out.emplace(std::move(f));
  return Status();
}

// The compiled filter applied to one sample.
class TagMatcher {
 public:
  TagMatcher(const Profile& p, const TagFilter& f, const std::map<std::string, std::string>& units)
      : p_(p), f_(f), units_(units) {}

  bool operator()(uint32_t sample) const {
    const Sample& s = p_.samples[sample];
    if (f_.numeric) {
      for (uint32_t j = s.labels_begin; j < s.labels_end; j++) {
        const SampleLabel& l = p_.labels[j];
        if (l.is_string()) continue;
        std::string_view key = p_.str(l.key);
        if (!f_.want_key.empty() && key != f_.want_key) continue;
        auto u = units_.find(std::string(key));
        if (InRange(l.num, u == units_.end() ? std::string_view() : std::string_view(u->second))) return true;
      }
      return false;
    }
    if (f_.want_key.empty()) {
      // Every regexp must match some "key:value" of the sample's string labels.
      for (const Regexp& re : f_.regexps) {
        bool found = false;
        for (uint32_t j = s.labels_begin; j < s.labels_end && !found; j++) {
          const SampleLabel& l = p_.labels[j];
          if (!l.is_string()) continue;
          std::string kv = std::string(p_.str(l.key)) + ":" + std::string(p_.str(l.str));
          found = re.Search(kv);
        }
        if (!found) return false;
      }
      return true;
    }
    // With a key: any regexp matching any value of that key.
    for (const Regexp& re : f_.regexps) {
      for (uint32_t j = s.labels_begin; j < s.labels_end; j++) {
        const SampleLabel& l = p_.labels[j];
        if (l.is_string() && p_.str(l.key) == f_.want_key && re.Search(p_.str(l.str))) return true;
      }
    }
    return false;
  }

 private:
  bool InRange(int64_t v, std::string_view unit) const {
    Scaled sv = Scale(v, unit, f_.unit);
    if (sv.unit != f_.unit) return false;
    switch (f_.kind) {
      case TagFilter::kEqual: return sv.value == f_.lo;
      case TagFilter::kAtLeast: return sv.value >= f_.lo;
      case TagFilter::kAtMost: return sv.value <= f_.lo;
      case TagFilter::kBetween: return sv.value >= f_.lo && sv.value <= f_.hi;
    }
    return false;
  }

  const Profile& p_;
  const TagFilter& f_;
  const std::map<std::string, std::string>& units_;
};

// profile.FilterTagsByName. Returns whether show / hide matched some key.
std::pair<bool, bool> FilterTagsByName(Profile& p, const Regexp* show, const Regexp* hide) {
  bool sm = false, hm = false;
  std::unordered_map<StrId, bool> remove;  // per key
  RewriteLabels(
      p,
      [&](const SampleLabel& l) {
        auto it = remove.find(l.key);
        if (it == remove.end()) {
          std::string_view name = p.str(l.key);
          bool match_show = !show || show->Search(name);
          bool match_hide = hide && hide->Search(name);
          sm = sm || match_show;
          hm = hm || match_hide;
          it = remove.emplace(l.key, !match_show || match_hide).first;
        }
        return !it->second;
      },
      [](std::vector<SampleLabel>&) {});
  return {sm, hm};
}

// profile.PruneFrom
void PruneFrom(Profile& p, const Regexp& re) {
  std::vector<int8_t> fn_match(p.functions.size(), -1);
  auto matches = [&](uint32_t f) {
    if (f == kNone || p.str(p.functions[f].name).empty()) return false;
    int8_t& c = fn_match[f];
    if (c < 0) c = re.Search(SimplifyFunc(p.str(p.functions[f].name)));
    return c != 0;
  };
  std::vector<char> prune_beneath(p.locations.size(), 0);
  for (uint32_t li = 0; li < p.locations.size(); li++) {
    Location& l = p.locations[li];
    for (uint32_t j = l.lines_begin; j < l.lines_end; j++) {
      if (matches(p.lines[j].function)) {
        prune_beneath[li] = 1;
        l.lines_begin = j;
        break;
      }
    }
  }
  RewriteSamples(p, [&](uint32_t, std::vector<uint32_t>& stack) {
    for (size_t i = 0; i < stack.size(); i++) {
      if (prune_beneath[stack[i]]) {
        stack.erase(stack.begin(), stack.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
    return true;
  });
}

// profile.Prune
void Prune(Profile& p, const Regexp& drop, const Regexp* keep) {
  std::vector<int8_t> fn_match(p.functions.size(), -1);
  auto prunes = [&](uint32_t f) {
    if (f == kNone || p.str(p.functions[f].name).empty()) return false;
    int8_t& c = fn_match[f];
    if (c < 0) {
      std::string name = SimplifyFunc(p.str(p.functions[f].name));
      c = drop.Search(name) && (!keep || !keep->Search(name));
    }
    return c != 0;
  };
  std::vector<char> prune(p.locations.size(), 0), prune_beneath(p.locations.size(), 0);
  for (uint32_t li = 0; li < p.locations.size(); li++) {
    Location& l = p.locations[li];
    for (uint32_t j = l.lines_end; j > l.lines_begin; j--) {
      if (!prunes(p.lines[j - 1].function)) continue;
      prune_beneath[li] = 1;
      if (j == l.lines_end) {
        prune[li] = 1;  // the outermost line: the whole location goes
      } else {
        l.lines_begin = j;  // keep the lines after the match
      }
      break;
    }
  }
  RewriteSamples(p, [&](uint32_t, std::vector<uint32_t>& stack) {
    bool found_user = false;
    for (size_t i = stack.size(); i > 0; i--) {
      uint32_t loc = stack[i - 1];
      if (!prune[loc] && !prune_beneath[loc]) {
        found_user = true;
        continue;
      }
      if (!found_user) continue;
      size_t from = prune[loc] ? i : i - 1;
      stack.erase(stack.begin(), stack.begin() + static_cast<std::ptrdiff_t>(from));
      break;
    }
    return true;
  });
}

void Warn(std::vector<std::string>* warnings, bool matched, const char* option) {
  if (!matched && warnings) warnings->push_back(std::string(option) + " expression matched no samples");
}

}  // namespace

// ---------------------------------------------------------------------------

std::string SimplifyFunc(std::string_view name) {
  static constexpr std::string_view kReserved[] = {"(anonymous namespace)", "operator()"};
  if (!name.empty() && name[0] == '.') name.remove_prefix(1);
  size_t i = 0;
  while (i < name.size()) {
    bool reserved = false;
    for (std::string_view r : kReserved) {
      if (name.substr(i, r.size()) == r) {
        i += r.size();
        reserved = true;
        break;
      }
    }
    if (reserved) continue;
    if (name[i] == '(') return std::string(name.substr(0, i));
    i++;
  }
  return std::string(name);
}

std::map<std::string, std::string> NumLabelUnits(const Profile& p) {
  std::map<std::string, std::string> units;
  std::unordered_set<StrId> keys;
  for (const Sample& s : p.samples) {
    for (uint32_t j = s.labels_begin; j < s.labels_end; j++) {
      const SampleLabel& l = p.labels[j];
      if (l.is_string()) continue;
      keys.insert(l.key);
      if (!p.str(l.num_unit).empty()) units.emplace(p.str(l.key), p.str(l.num_unit));
    }
  }
  for (StrId id : keys) {
    std::string key(p.str(id));
    std::string& u = units[key];
    if (u.empty()) u = (key == "alignment" || key == "request") ? "bytes" : key;
  }
  return units;
}

Result<std::shared_ptr<Profile>> Merge(const std::vector<const Profile*>& profiles) {
  if (profiles.empty()) return Status::Error("no profiles to merge");
  // fetch.go chunkedGrab: sources are combined 64 at a time, and each chunk's
  // result is then combined with what came before.
  constexpr size_t kChunk = 64;
  std::shared_ptr<Profile> merged;
  for (size_t start = 0; start < profiles.size(); start += kChunk) {
    std::vector<const Profile*> chunk(profiles.begin() + static_cast<std::ptrdiff_t>(start),
                                      profiles.begin() + static_cast<std::ptrdiff_t>(
                                                             std::min(profiles.size(), start + kChunk)));
    Result<std::shared_ptr<Profile>> r = Combine(chunk);
    if (!r.ok()) return r.status();
    if (merged) {
      r = Combine({merged.get(), r->get()});
      if (!r.ok()) return r.status();
    }
    merged = *r;
  }
  return merged;
}

Result<std::shared_ptr<Profile>> ApplyBase(const Profile& source, const Profile& base, bool diff_base,
                                           bool normalize) {
  // Each side was merged on its own when it was fetched (concurrentGrab), which
  // matters: ScaleProfiles below can drop a sample that merging would have
  // combined with another first.
  Result<std::shared_ptr<Profile>> merged_source = Combine({&source});
  if (!merged_source.ok()) return merged_source.status();
  Result<std::shared_ptr<Profile>> merged_base = Combine({&base});
  if (!merged_base.ok()) return merged_base.status();
  std::shared_ptr<Profile> psrc = *merged_source, pbase = *merged_base;
  if (diff_base) {
    // Profile.SetLabel("pprof::base", {"true"}): replaces the key's string values.
    StrId key = InternInto(*pbase, "pprof::base");
    StrId value = InternInto(*pbase, "true");
    RewriteLabels(
        *pbase, [&](const SampleLabel& l) { return !(l.is_string() && l.key == key); },
        [&](std::vector<SampleLabel>& out) {
          SampleLabel l;
          l.key = key;
          l.str = value;
          out.push_back(l);
        });
  }
  if (normalize) {
    // Profile.Normalize(base)
    PPROF_RETURN_IF_ERROR(Compatible(*psrc, *pbase));
    const size_t n = psrc->num_types();
    std::vector<int64_t> base_sum(n, 0), src_sum(n, 0);
    for (size_t i = 0; i < pbase->samples.size(); i++) {
      for (size_t t = 0; t < n; t++) base_sum[t] = WrapAdd(base_sum[t], pbase->values[i * n + t]);
    }
    for (size_t i = 0; i < psrc->samples.size(); i++) {
      for (size_t t = 0; t < n; t++) src_sum[t] = WrapAdd(src_sum[t], psrc->values[i * n + t]);
    }
    std::vector<double> ratios(n, 0.0);
    for (size_t t = 0; t < n; t++) {
      ratios[t] = src_sum[t] == 0 ? 0.0 : static_cast<double>(base_sum[t]) / static_cast<double>(src_sum[t]);
    }
    ScaleN(*psrc, ratios);
  }
  // Profile.Scale(-1)
  ScaleN(*pbase, std::vector<double>(pbase->num_types(), -1.0));
  return Combine({psrc.get(), pbase.get()});
}

Result<std::shared_ptr<Profile>> ApplyFilters(const Profile& in, const FilterOptions& o,
                                              std::vector<std::string>* warnings) {
  std::optional<Regexp> focus, ignore, hide, show, show_from, prune_from, tagshow, taghide;
  std::optional<TagFilter> tagfocus, tagignore;
  // Compiled in pprof's order; the first error stops the rest.
  PPROF_RETURN_IF_ERROR(CompileRegexOption("focus", o.focus, focus));
  PPROF_RETURN_IF_ERROR(CompileRegexOption("ignore", o.ignore, ignore));
  PPROF_RETURN_IF_ERROR(CompileRegexOption("hide", o.hide, hide));
  PPROF_RETURN_IF_ERROR(CompileRegexOption("show", o.show, show));
  PPROF_RETURN_IF_ERROR(CompileRegexOption("show_from", o.show_from, show_from));
  PPROF_RETURN_IF_ERROR(CompileTagFilter("tagfocus", o.tagfocus, tagfocus, warnings));
  PPROF_RETURN_IF_ERROR(CompileTagFilter("tagignore", o.tagignore, tagignore, warnings));
  PPROF_RETURN_IF_ERROR(CompileRegexOption("prune_from", o.prune_from, prune_from));

  auto p = std::make_shared<Profile>(in);
  auto ptr = [](std::optional<Regexp>& r) { return r ? &*r : nullptr; };

  NameFilterMatches m = FilterSamplesByName(*p, ptr(focus), ptr(ignore), ptr(hide), ptr(show));
  Warn(warnings, !focus || m.focus, "Focus");
  Warn(warnings, !ignore || m.ignore, "Ignore");
  Warn(warnings, !hide || m.hide, "Hide");
  Warn(warnings, !show || m.show, "Show");

  if (show_from) Warn(warnings, ShowFrom(*p, *show_from), "ShowFrom");

  if (tagfocus || tagignore) {
    std::map<std::string, std::string> units = NumLabelUnits(in);
    bool fm = false, im = false;
    std::optional<TagMatcher> fmatch, imatch;
    if (tagfocus) fmatch.emplace(*p, *tagfocus, units);
    if (tagignore) imatch.emplace(*p, *tagignore, units);
    std::vector<char> keep(p->samples.size(), 0);
    for (uint32_t i = 0; i < p->samples.size(); i++) {
      bool focused = !fmatch || (*fmatch)(i);
      bool ignored = imatch && (*imatch)(i);
      fm = fm || focused;
      im = im || ignored;
      keep[i] = focused && !ignored;
    }
    RewriteSamples(*p, [&](uint32_t i, std::vector<uint32_t>&) { return keep[i] != 0; });
    Warn(warnings, !tagfocus || fm, "TagFocus");
    Warn(warnings, !tagignore || im, "TagIgnore");
  }

  // tagshow/taghide are compiled late; an error there is returned only after
  // the remaining steps ran (and warned), as pprof does.
  Status late = CompileRegexOption("tagshow", o.tagshow, tagshow);
  if (late.ok()) late = CompileRegexOption("taghide", o.taghide, taghide);
  if (tagshow || taghide) {
    auto [sm, hm] = FilterTagsByName(*p, ptr(tagshow), ptr(taghide));
    Warn(warnings, !tagshow || sm, "TagShow");
    Warn(warnings, !taghide || hm, "TagHide");
  }

  if (prune_from) PruneFrom(*p, *prune_from);
  if (!late.ok()) return late;
  return p;
}

Result<std::shared_ptr<Profile>> RemoveUninteresting(const Profile& in) {
  auto p = std::make_shared<Profile>(in);
  std::string_view drop_frames = in.str(in.drop_frames), keep_frames = in.str(in.keep_frames);
  if (drop_frames.empty()) return p;
  // profile.RemoveUninteresting returns a compile error before it prunes,
  // and pprof's only caller (driver/fetch.go, grabProfile) ignores that
  // error: the report is printed from the profile as it is.
  Result<Regexp> drop = Regexp::Compile("^(" + std::string(drop_frames) + ")$");
  if (!drop.ok()) return p;
  std::optional<Regexp> keep;
  if (!keep_frames.empty()) {
    Result<Regexp> k = Regexp::Compile("^(" + std::string(keep_frames) + ")$");
    if (!k.ok()) return p;
    keep.emplace(std::move(*k));
  }
  Prune(*p, *drop, keep ? &*keep : nullptr);
  return p;
}

}  // namespace pprofsql
