// Tests for report/transform.{h,cc}: Merge, ApplyBase (-base/-diff_base),
// ApplyFilters (-focus ... -prune_from) and RemoveUninteresting
// (drop_frames/keep_frames).
//
// Expectations come from the pprof vendored by Go 1.19
// (cmd/vendor/github.com/google/pprof: profile/merge.go, filter.go, prune.go,
// internal/driver/driver_focus.go, fetch.go), from the examples in those
// files' doc comments, and from pprof-semantics.md sections 6 and 7. The last
// test checks -base against the `go tool pprof -top -base=...` golden.
//
// Profiles are built with ProfileBuilder: locations are named and made of
// function names (innermost inlined function first); a sample lists its
// locations leaf first. Describe() prints a profile's samples back in the
// same vocabulary: "values: loc / loc / ... {labels}", a location printed as
// its functions joined with '+'.
#include "report/transform.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "decode/reader.h"
#include "report/measure.h"
#include "test_util.h"

namespace pprofsql {
namespace {

using Strings = std::vector<std::string>;
using Types = std::vector<std::pair<std::string, std::string>>;
// measure.h's Label() function hides the model's Label struct by name.
using SampleLabel = struct Label;

struct NumLabelSpec {
  std::string key;
  int64_t value;
  std::string unit;
};

class ProfileBuilder {
 public:
  explicit ProfileBuilder(const Types& types = Types{{"samples", "count"}}) {
    p_.strings.assign(1, "");
    for (const auto& [t, u] : types) p_.sample_types.push_back({S(t), S(u)});
  }

  StrId S(const std::string& s) {
    auto it = std::find(p_.strings.begin(), p_.strings.end(), s);
    if (it != p_.strings.end()) return static_cast<StrId>(it - p_.strings.begin());
    p_.strings.push_back(s);
    return static_cast<StrId>(p_.strings.size() - 1);
  }

  uint32_t Mapping(uint64_t start, uint64_t limit, const std::string& file, const std::string& build_id = "") {
    pprofsql::Mapping m;
    m.id = p_.mappings.size() + 1;
    m.memory_start = start;
    m.memory_limit = limit;
    m.filename = S(file);
    m.build_id = S(build_id);
    p_.mappings.push_back(m);
    return static_cast<uint32_t>(p_.mappings.size() - 1);
  }

  // A function per distinct (name, file); "" file by default.
  uint32_t Function(const std::string& name, const std::string& file = "", int64_t start_line = 0) {
    for (uint32_t i = 0; i < p_.functions.size(); i++) {
      const auto& f = p_.functions[i];
      if (p_.str(f.name) == name && p_.str(f.filename) == file && f.start_line == start_line) return i;
    }
    return NewFunction(name, file, start_line);
  }
  // Always a new function (a duplicate, if one with this key exists).
  uint32_t NewFunction(const std::string& name, const std::string& file = "", int64_t start_line = 0) {
    pprofsql::Function f;
    f.id = p_.functions.size() + 1;
    f.name = f.system_name = S(name);
    f.filename = S(file);
    f.start_line = start_line;
    p_.functions.push_back(f);
    return static_cast<uint32_t>(p_.functions.size() - 1);
  }

  // A named location whose lines call `functions` (innermost first), each at
  // line 1. `mapping` kNone for none.
  uint32_t Loc(const std::string& name, const Strings& functions, uint32_t mapping = kNone, uint64_t address = 0) {
    std::vector<uint32_t> fns;
    for (const auto& f : functions) fns.push_back(Function(f));
    return LocFns(name, fns, mapping, address);
  }
  uint32_t LocFns(const std::string& name, const std::vector<uint32_t>& fns, uint32_t mapping = kNone,
                  uint64_t address = 0) {
    pprofsql::Location l;
    l.id = p_.locations.size() + 1;
    l.mapping = mapping;
    l.address = address ? address : 0x1000 + 0x10 * l.id;
    l.lines_begin = static_cast<uint32_t>(p_.lines.size());
    for (uint32_t f : fns) p_.lines.push_back(Line{f, 1, 0});
    l.lines_end = static_cast<uint32_t>(p_.lines.size());
    names_[name] = static_cast<uint32_t>(p_.locations.size());
    p_.locations.push_back(l);
    return static_cast<uint32_t>(p_.locations.size() - 1);
  }

  // A sample; `stack` names locations made with Loc, leaf first. A name not
  // yet defined becomes a location with the single function of that name.
  void Sample(const std::vector<int64_t>& values, const Strings& stack,
              const std::vector<std::pair<std::string, std::string>>& labels = {},
              const std::vector<NumLabelSpec>& num_labels = {}) {
    pprofsql::Sample s;
    s.stack_begin = static_cast<uint32_t>(p_.stack.size());
    for (const auto& name : stack) {
      auto it = names_.find(name);
      p_.stack.push_back(it != names_.end() ? it->second : Loc(name, {name}));
    }
    s.stack_end = static_cast<uint32_t>(p_.stack.size());
    s.labels_begin = static_cast<uint32_t>(p_.labels.size());
    for (const auto& [k, v] : labels) {
      SampleLabel l;
      l.key = S(k);
      l.str = S(v);
      p_.labels.push_back(l);
    }
    for (const auto& n : num_labels) {
      SampleLabel l;
      l.key = S(n.key);
      l.num = n.value;
      l.num_unit = S(n.unit);
      p_.labels.push_back(l);
    }
    s.labels_end = static_cast<uint32_t>(p_.labels.size());
    EXPECT_EQ(values.size(), p_.sample_types.size());
    p_.values.insert(p_.values.end(), values.begin(), values.end());
    p_.samples.push_back(s);
  }

  Profile& profile() { return p_; }

  std::shared_ptr<Profile> Build() {
    auto p = std::make_shared<Profile>(p_);
    p->location_index.clear();
    p->function_index.clear();
    p->mapping_index.clear();
    for (uint32_t i = 0; i < p->locations.size(); i++) p->location_index[p->locations[i].id] = i;
    for (uint32_t i = 0; i < p->functions.size(); i++) p->function_index[p->functions[i].id] = i;
    for (uint32_t i = 0; i < p->mappings.size(); i++) p->mapping_index[p->mappings[i].id] = i;
    return p;
  }

 private:
  Profile p_;
  std::map<std::string, uint32_t> names_;
};

std::string DescribeLocation(const Profile& p, uint32_t loc) {
  const Location& l = p.locations[loc];
  if (l.lines_begin == l.lines_end) return "#" + std::to_string(l.id);
  std::string out;
  for (uint32_t j = l.lines_begin; j < l.lines_end; j++) {
    if (j > l.lines_begin) out += "+";
    out += p.lines[j].function == kNone ? "?" : std::string(p.str(p.functions[p.lines[j].function].name));
  }
  return out;
}

// One string per sample: "v1,v2: leaf / caller / root {k=v,k=12unit}".
Strings Describe(const Profile& p) {
  Strings out;
  for (uint32_t i = 0; i < p.samples.size(); i++) {
    const Sample& s = p.samples[i];
    std::string d;
    for (size_t t = 0; t < p.num_types(); t++) d += (t ? "," : "") + std::to_string(p.value(i, t));
    d += ":";
    for (uint32_t j = s.stack_begin; j < s.stack_end; j++) d += (j > s.stack_begin ? " / " : " ") + DescribeLocation(p, p.stack[j]);
    if (s.labels_begin != s.labels_end) {
      Strings labels;
      for (uint32_t j = s.labels_begin; j < s.labels_end; j++) {
        const SampleLabel& l = p.labels[j];
        labels.push_back(std::string(p.str(l.key)) + "=" +
                         (l.is_string() ? std::string(p.str(l.str))
                                        : std::to_string(l.num) + std::string(p.str(l.num_unit))));
      }
      std::stable_sort(labels.begin(), labels.end());
      d += " {";
      for (size_t j = 0; j < labels.size(); j++) d += (j ? "," : "") + labels[j];
      d += "}";
    }
    out.push_back(d);
  }
  return out;
}

// The model's invariants every transform must keep.
void ExpectValid(const Profile& p) {
  ASSERT_FALSE(p.strings.empty());
  EXPECT_EQ(p.strings[0], "");
  EXPECT_EQ(p.values.size(), p.samples.size() * p.num_types());
  for (const Sample& s : p.samples) {
    ASSERT_LE(s.stack_begin, s.stack_end);
    ASSERT_LE(s.stack_end, p.stack.size());
    ASSERT_LE(s.labels_begin, s.labels_end);
    ASSERT_LE(s.labels_end, p.labels.size());
  }
  for (uint32_t loc : p.stack) ASSERT_LT(loc, p.locations.size());
  for (const SampleLabel& l : p.labels) {
    ASSERT_LT(l.key, p.strings.size());
    ASSERT_LT(l.str, p.strings.size());
    ASSERT_LT(l.num_unit, p.strings.size());
  }
  EXPECT_EQ(p.location_index.size(), p.locations.size());
  EXPECT_EQ(p.function_index.size(), p.functions.size());
  EXPECT_EQ(p.mapping_index.size(), p.mappings.size());
  for (uint32_t i = 0; i < p.locations.size(); i++) {
    const Location& l = p.locations[i];
    ASSERT_EQ(p.location_index.at(l.id), i) << "location ids must be unique";
    ASSERT_LE(l.lines_begin, l.lines_end);
    ASSERT_LE(l.lines_end, p.lines.size());
    ASSERT_TRUE(l.mapping == kNone || l.mapping < p.mappings.size());
    for (uint32_t j = l.lines_begin; j < l.lines_end; j++) {
      ASSERT_TRUE(p.lines[j].function == kNone || p.lines[j].function < p.functions.size());
    }
  }
  for (uint32_t i = 0; i < p.functions.size(); i++) ASSERT_EQ(p.function_index.at(p.functions[i].id), i);
  for (uint32_t i = 0; i < p.mappings.size(); i++) ASSERT_EQ(p.mapping_index.at(p.mappings[i].id), i);
}

std::shared_ptr<Profile> MustMerge(const std::vector<const Profile*>& ps) {
  Result<std::shared_ptr<Profile>> r = Merge(ps);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.status().message());
  if (!r.ok()) return std::make_shared<Profile>();
  ExpectValid(**r);
  return *r;
}

std::shared_ptr<Profile> MustFilter(const Profile& p, const FilterOptions& o, Strings* warnings = nullptr) {
  Result<std::shared_ptr<Profile>> r = ApplyFilters(p, o, warnings);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.status().message());
  if (!r.ok()) return std::make_shared<Profile>();
  ExpectValid(**r);
  return *r;
}

FilterOptions Opt(std::string FilterOptions::*field, const std::string& value) {
  FilterOptions o;
  o.*field = value;
  return o;
}

// ---------------------------------------------------------------------------
// Merge (profile.Merge, fetch.go combineProfiles)

TEST(Merge, AddsEqualSamplesAndDropsZeroOnes) {
  ProfileBuilder b(Types{{"samples", "count"}, {"cpu", "nanoseconds"}});
  b.Sample({1, 10}, {"a", "main"});
  b.Sample({0, 0}, {"b", "main"});  // all zero: removed
  b.Sample({2, 20}, {"a", "main"});  // same stack: added to the first
  b.Sample({4, 40}, {"a", "main"}, {{"k", "v"}});  // labels differ: stays apart
  b.Sample({8, 80}, {"a", "main"}, {{"k", "v"}});
  b.Sample({0, 5}, {"main"});
  auto in = b.Build();
  auto out = MustMerge({in.get()});
  EXPECT_EQ(Describe(*out), (Strings{"3,30: a / main", "12,120: a / main {k=v}", "0,5: main"}));
  // Location "b" was only used by the zero sample: gone; ids renumbered 1..n.
  ASSERT_EQ(out->locations.size(), 2u);
  EXPECT_EQ(out->locations[0].id, 1u);
  EXPECT_EQ(out->locations[1].id, 2u);
  EXPECT_EQ(out->functions.size(), 2u);
  // The input is untouched.
  EXPECT_EQ(in->samples.size(), 6u);
  EXPECT_EQ(in->locations.size(), 3u);
}

TEST(Merge, LabelIdentityIgnoresKeyOrderButNotValueOrder) {
  ProfileBuilder b;
  b.Sample({1}, {"f"}, {{"a", "1"}, {"b", "2"}});
  b.Sample({2}, {"f"}, {{"b", "2"}, {"a", "1"}});  // same labels, other order: merged
  b.Sample({4}, {"f"}, {{"t", "x"}, {"t", "y"}});
  b.Sample({8}, {"f"}, {{"t", "y"}, {"t", "x"}});  // values of one key in another order: distinct
  b.Sample({16}, {"f"}, {}, {{"bytes", 1024, "bytes"}});
  b.Sample({32}, {"f"}, {}, {{"bytes", 1024, ""}});  // unit differs: distinct
  b.Sample({64}, {"f"}, {}, {{"bytes", 1024, "bytes"}});
  auto out = MustMerge({b.Build().get()});
  EXPECT_EQ(Describe(*out), (Strings{"3: f {a=1,b=2}", "4: f {t=x,t=y}", "8: f {t=x,t=y}", "80: f {bytes=1024bytes}",
                                     "32: f {bytes=1024}"}));
}

TEST(Merge, IdsFollowFirstUseAndDuplicatesUnify) {
  ProfileBuilder b;
  uint32_t m = b.Mapping(0x400000, 0x500000, "/bin/app");
  uint32_t f1 = b.NewFunction("main.f", "f.go");
  uint32_t f1dup = b.NewFunction("main.f", "f.go");  // same key, other id
  uint32_t g = b.NewFunction("main.g", "g.go");
  b.LocFns("unused", {g}, m, 0x400100);
  b.LocFns("x", {f1}, m, 0x400200);
  b.LocFns("xdup", {f1dup}, m, 0x400200);  // same address, same function key: same location
  b.LocFns("y", {g}, m, 0x400300);
  b.profile().locations[1].id = 70;  // ids need not be dense or ordered
  b.profile().locations[2].id = 30;
  b.Sample({1}, {"y", "x"});
  b.Sample({2}, {"y", "xdup"});
  auto out = MustMerge({b.Build().get()});
  EXPECT_EQ(Describe(*out), (Strings{"3: main.g / main.f"}));
  ASSERT_EQ(out->locations.size(), 2u);
  // "y" first (leaf of the first sample), then "x".
  EXPECT_EQ(out->locations[0].id, 1u);
  EXPECT_EQ(out->locations[0].address, 0x400300u);
  EXPECT_EQ(out->locations[1].address, 0x400200u);
  ASSERT_EQ(out->functions.size(), 2u);
  EXPECT_EQ(out->str(out->functions[0].name), "main.g");
  EXPECT_EQ(out->functions[0].id, 1u);
  EXPECT_EQ(out->str(out->functions[1].name), "main.f");
  ASSERT_EQ(out->mappings.size(), 1u);
  EXPECT_EQ(out->mappings[0].id, 1u);
  EXPECT_EQ(out->locations[0].mapping, 0u);
}

TEST(Merge, HeadersCombineAsMergeGoDoes) {
  ProfileBuilder a, b, c;
  a.Sample({1}, {"f"});
  b.Sample({2}, {"f"});
  c.Sample({4}, {"g"});
  Profile& pa = a.profile();
  pa.period = 10, pa.time_nanos = 500, pa.duration_nanos = 1000;
  pa.comments = {a.S("one"), a.S("two")};
  pa.drop_frames = a.S("drop.*");
  Profile& pb = b.profile();
  pb.period = 30, pb.time_nanos = 200, pb.duration_nanos = 2000;
  pb.comments = {b.S("two"), b.S("three")};
  pb.default_sample_type = b.S("samples");
  pb.drop_frames = b.S("other");
  Profile& pc = c.profile();
  pc.period = 20, pc.time_nanos = 0, pc.duration_nanos = 4000;
  auto A = a.Build(), B = b.Build(), C = c.Build();
  auto out = MustMerge({A.get(), B.get(), C.get()});
  EXPECT_EQ(out->period, 30);  // the largest
  EXPECT_EQ(out->duration_nanos, 7000);  // the sum
  // The smallest time, except that a later 0 wins (merge.go's quirk).
  EXPECT_EQ(out->time_nanos, 0);
  auto out2 = MustMerge({A.get(), B.get()});
  EXPECT_EQ(out2->time_nanos, 200);
  Strings comments;
  for (StrId s : out->comments) comments.emplace_back(out->str(s));
  EXPECT_EQ(comments, (Strings{"one", "two", "three"}));
  EXPECT_EQ(out->str(out->default_sample_type), "samples");  // the first non-empty
  EXPECT_EQ(out->str(out->drop_frames), "drop.*");           // the first profile's
  EXPECT_EQ(Describe(*out), (Strings{"3: f", "4: g"}));
}

TEST(Merge, RelocatedMappingsMergeByRelativeAddress) {
  // The same binary loaded at another address (same size, file and offset):
  // one mapping; locations at the same offset into it are the same location,
  // and addresses are rewritten into the first profile's mapping.
  ProfileBuilder a, b;
  uint32_t ma = a.Mapping(0x400000, 0x480000, "/bin/app");
  a.Loc("x", {"main.x"}, ma, 0x400100);
  a.Sample({1}, {"x"});
  uint32_t mb = b.Mapping(0x700000, 0x780000, "/bin/app");
  b.Loc("x", {"main.x"}, mb, 0x700100);
  b.Loc("y", {"main.y"}, mb, 0x700200);
  b.Sample({2}, {"x"});
  b.Sample({4}, {"y"});
  auto A = a.Build(), B = b.Build();
  auto out = MustMerge({A.get(), B.get()});
  EXPECT_EQ(Describe(*out), (Strings{"3: main.x", "4: main.y"}));
  ASSERT_EQ(out->mappings.size(), 1u);
  EXPECT_EQ(out->mappings[0].memory_start, 0x400000u);
  ASSERT_EQ(out->locations.size(), 2u);
  EXPECT_EQ(out->locations[1].address, 0x400200u);
}

TEST(Merge, ScalesUnitsToTheFinest) {
  // measurement.ScaleProfiles: microseconds and nanoseconds merge in
  // nanoseconds; the coarser profile's values (and period) are multiplied.
  ProfileBuilder a(Types{{"samples", "count"}, {"cpu", "nanoseconds"}});
  ProfileBuilder b(Types{{"samples", "count"}, {"cpu", "microseconds"}});
  a.profile().period_type = {a.S("cpu"), a.S("nanoseconds")};
  a.profile().period = 1000;
  b.profile().period_type = {b.S("cpu"), b.S("microseconds")};
  b.profile().period = 7;
  a.Sample({1, 5}, {"f"});
  b.Sample({1, 2}, {"f"});
  b.Sample({3, 0}, {"g"});  // the rescaled column is 0: ScaleN drops the sample
  auto A = a.Build(), B = b.Build();
  auto out = MustMerge({B.get(), A.get()});
  EXPECT_EQ(out->str(out->sample_types[1].unit), "nanoseconds");
  EXPECT_EQ(out->str(out->period_type.unit), "nanoseconds");
  EXPECT_EQ(out->period, 7000);
  EXPECT_EQ(Describe(*out), (Strings{"2,2005: f"}));
  // The inputs keep their units.
  EXPECT_EQ(B->str(B->sample_types[1].unit), "microseconds");
  EXPECT_EQ(B->value(0, 1), 2);
}

TEST(Merge, IncompatibleProfilesAreErrors) {
  ProfileBuilder a(Types{{"samples", "count"}, {"cpu", "nanoseconds"}});
  ProfileBuilder b(Types{{"samples", "count"}});
  ProfileBuilder c(Types{{"samples", "count"}, {"space", "bytes"}});
  ProfileBuilder d(Types{{"sample", "count"}, {"cpu", "nanoseconds"}});
  a.Sample({1, 1}, {"f"});
  auto A = a.Build(), B = b.Build(), C = c.Build(), D = d.Build();
  Result<std::shared_ptr<Profile>> r = Merge({A.get(), B.get()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "inconsistent samples type count: 2 != 1");
  r = Merge({A.get(), C.get()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "sample types: incompatible types: {cpu nanoseconds 0 0} {space bytes 0 0}");
  // "sample" and "samples" are compatible for scaling, but Merge wants equal names.
  r = Merge({A.get(), D.get()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("incompatible sample types ", 0), 0u) << r.status().message();
  r = Merge({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "no profiles to merge");
}

// ---------------------------------------------------------------------------
// ApplyBase (-base, -diff_base, -normalize)

TEST(ApplyBase, BaseCancelsIdenticalStacks) {
  ProfileBuilder src, base;
  src.Sample({10}, {"a", "main"});
  src.Sample({5}, {"b", "main"});
  src.Sample({7}, {"c", "main"});
  base.Sample({10}, {"a", "main"});
  base.Sample({2}, {"b", "main"});
  base.Sample({4}, {"d", "main"});
  auto S = src.Build(), B = base.Build();
  Result<std::shared_ptr<Profile>> r = ApplyBase(*S, *B, false);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ExpectValid(**r);
  // a cancels out and disappears, with its location; b and d remain as differences.
  EXPECT_EQ(Describe(**r), (Strings{"3: b / main", "7: c / main", "-4: d / main"}));
  for (const Location& l : (*r)->locations) EXPECT_NE(DescribeLocation(**r, l.id - 1), "a");
  EXPECT_EQ(B->value(0, 0), 10);  // the base is untouched
}

TEST(ApplyBase, DiffBaseLabelsBaseSamples) {
  ProfileBuilder src, base;
  src.Sample({10}, {"a", "main"});
  base.Sample({10}, {"a", "main"});
  base.Sample({3}, {"b", "main"}, {{"pprof::base", "false"}, {"k", "v"}});
  auto S = src.Build(), B = base.Build();
  Result<std::shared_ptr<Profile>> r = ApplyBase(*S, *B, true);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ExpectValid(**r);
  // Base samples never merge with source samples; their earlier pprof::base
  // values are replaced.
  EXPECT_EQ(Describe(**r), (Strings{"10: a / main", "-10: a / main {pprof::base=true}",
                                    "-3: b / main {k=v,pprof::base=true}"}));
}

TEST(ApplyBase, NormalizeScalesTheSource) {
  ProfileBuilder src, base;
  src.Sample({30}, {"a"});
  src.Sample({10}, {"b"});
  base.Sample({20}, {"a"});
  auto S = src.Build(), B = base.Build();
  Result<std::shared_ptr<Profile>> r = ApplyBase(*S, *B, false, /*normalize=*/true);
  ASSERT_TRUE(r.ok()) << r.status().message();
  // Source scaled by 20/40: a 15, b 5; then minus the base.
  EXPECT_EQ(Describe(**r), (Strings{"-5: a", "5: b"}));
}

// ---------------------------------------------------------------------------
// ApplyFilters: FilterSamplesByName

ProfileBuilder NameFilterProfile() {
  ProfileBuilder b;
  uint32_t app = b.Mapping(0x400000, 0x500000, "/bin/app");
  uint32_t libc = b.Mapping(0x700000, 0x800000, "/lib/libc.so");
  b.Loc("inl", {"inl.leaf", "main.work"}, app);  // main.work with inl.leaf inlined into it
  b.Loc("work", {"main.work"}, app);
  b.Loc("main", {"main.main"}, app);
  b.Loc("malloc", {"runtime.mallocgc"}, app);
  b.Loc("memcpy", {}, libc);  // unsymbolized
  b.Sample({1}, {"inl", "main"});
  b.Sample({2}, {"malloc", "work", "main"});
  b.Sample({4}, {"memcpy", "malloc"});
  b.Sample({8}, {});  // no stack
  return b;
}

TEST(FilterByName, NoOptionsStillDropsEmptyStacks) {
  // Go 1.19's FilterSamplesByName always runs: every location counts as
  // focused, and a sample without locations has none.
  auto p = NameFilterProfile().Build();
  Strings w;
  auto out = MustFilter(*p, FilterOptions{}, &w);
  EXPECT_EQ(Describe(*out), (Strings{"1: inl.leaf+main.work / main.main", "2: runtime.mallocgc / main.work / main.main",
                                     "4: #5 / runtime.mallocgc"}));
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(p->samples.size(), 4u);  // the input is untouched
}

TEST(FilterByName, Focus) {
  auto p = NameFilterProfile().Build();
  // Matching the inlined line is enough to focus the location.
  EXPECT_EQ(Describe(*MustFilter(*p, Opt(&FilterOptions::focus, "inl\\."))),
            (Strings{"1: inl.leaf+main.work / main.main"}));
  // The mapping's file name matches too.
  EXPECT_EQ(Describe(*MustFilter(*p, Opt(&FilterOptions::focus, "libc"))), (Strings{"4: #5 / runtime.mallocgc"}));
  Strings w;
  auto out = MustFilter(*p, Opt(&FilterOptions::focus, "nomatch"), &w);
  EXPECT_TRUE(out->samples.empty());
  EXPECT_EQ(w, (Strings{"Focus expression matched no samples"}));
}

TEST(FilterByName, IgnoreWinsOverFocus) {
  auto p = NameFilterProfile().Build();
  FilterOptions o;
  o.focus = "main";
  o.ignore = "mallocgc";
  EXPECT_EQ(Describe(*MustFilter(*p, o)), (Strings{"1: inl.leaf+main.work / main.main"}));
}

TEST(FilterByName, HideRemovesLines) {
  auto p = NameFilterProfile().Build();
  Strings w;
  // The inlined main.work line goes, the location stays with inl.leaf; the
  // location that only held main.work leaves the stack.
  auto out = MustFilter(*p, Opt(&FilterOptions::hide, "main\\.work"), &w);
  EXPECT_EQ(Describe(*out),
            (Strings{"1: inl.leaf / main.main", "2: runtime.mallocgc / main.main", "4: #5 / runtime.mallocgc"}));
  EXPECT_TRUE(w.empty());
  // Hiding by mapping file removes all of a location's lines; samples left
  // without locations are dropped.
  out = MustFilter(*p, Opt(&FilterOptions::hide, "/bin/app"));
  EXPECT_EQ(Describe(*out), (Strings{"4: #5"}));
  out = MustFilter(*p, Opt(&FilterOptions::hide, "^main\\.|runtime"));
  EXPECT_EQ(Describe(*out), (Strings{"1: inl.leaf", "4: #5"}));
}

TEST(FilterByName, ShowKeepsMatchingLines) {
  auto p = NameFilterProfile().Build();
  auto out = MustFilter(*p, Opt(&FilterOptions::show, "main\\."));
  // Unsymbolized locations disappear unless their mapping matches.
  EXPECT_EQ(Describe(*out), (Strings{"1: main.work / main.main", "2: main.work / main.main"}));
  out = MustFilter(*p, Opt(&FilterOptions::show, "libc|leaf"));
  // memcpy matches by mapping but has no lines to keep: hidden all the same.
  EXPECT_EQ(Describe(*out), (Strings{"1: inl.leaf"}));
  Strings w;
  out = MustFilter(*p, Opt(&FilterOptions::show, "zzz"), &w);
  EXPECT_TRUE(out->samples.empty());
  EXPECT_EQ(w, (Strings{"Show expression matched no samples"}));
}

TEST(FilterByName, ShowKeepsLinesWithoutFunction) {
  ProfileBuilder b;
  uint32_t f = b.Function("main.f");
  b.LocFns("odd", {kNone, f});
  b.Sample({1}, {"odd"});
  auto out = MustFilter(*b.Build(), Opt(&FilterOptions::show, "other"));
  EXPECT_EQ(Describe(*out), (Strings{"1: ?"}));
}

// ---------------------------------------------------------------------------
// ShowFrom, PruneFrom (and Prune via RemoveUninteresting): the examples of
// their doc comments. A sample [A, B, C, B] with A the root is, leaf first,
// B / C / B / A.

ProfileBuilder DocExample() {
  ProfileBuilder b;
  b.Sample({1}, {"B", "C", "B", "A"});
  return b;
}

TEST(ShowFrom, DocCommentExamples) {
  auto p = DocExample().Build();
  auto run = [&](const std::string& re, Strings* w = nullptr) {
    return Describe(*MustFilter(*p, Opt(&FilterOptions::show_from, re), w));
  };
  EXPECT_EQ(run("^A$"), (Strings{"1: B / C / B / A"}));
  EXPECT_EQ(run("^B$"), (Strings{"1: B / C / B"}));
  EXPECT_EQ(run("^C$"), (Strings{"1: B / C"}));
  Strings w;
  EXPECT_EQ(run("^D$", &w), Strings{});
  EXPECT_EQ(w, (Strings{"ShowFrom expression matched no samples"}));
}

TEST(ShowFrom, CutsCallerLinesOfTheMatchingLocation) {
  ProfileBuilder b;
  b.Loc("x", {"leaf", "mid", "outer"});
  b.Sample({1}, {"x", "root"});
  auto out = MustFilter(*b.Build(), Opt(&FilterOptions::show_from, "mid"));
  EXPECT_EQ(Describe(*out), (Strings{"1: leaf+mid"}));
}

TEST(PruneFrom, DocCommentExamples) {
  // [A, B, C, B, D] with D the top (root) frame: leaf first A / B / C / B / D.
  ProfileBuilder b;
  b.Sample({1}, {"A", "B", "C", "B", "D"});
  auto p = b.Build();
  EXPECT_EQ(Describe(*MustFilter(*p, Opt(&FilterOptions::prune_from, "^A$"))), (Strings{"1: A / B / C / B / D"}));
  EXPECT_EQ(Describe(*MustFilter(*p, Opt(&FilterOptions::prune_from, "^B$"))), (Strings{"1: B / C / B / D"}));
}

TEST(PruneFrom, RemovesLinesInlinedIntoTheMatch) {
  ProfileBuilder b;
  b.Loc("x", {"inl.helper", "pkg.Target(int)", "outer"});
  b.Sample({1}, {"x", "root"});
  b.Sample({2}, {"leaf", "x", "root"});
  // Matching is on simplifyFunc(name): the argument list is cut off.
  auto out = MustFilter(*b.Build(), Opt(&FilterOptions::prune_from, "Target$"));
  EXPECT_EQ(Describe(*out), (Strings{"1: pkg.Target(int)+outer / root", "2: pkg.Target(int)+outer / root"}));
}

TEST(RemoveUninteresting, DocCommentExamplesOfPrune) {
  // Prune(A) on A / B / C / B / D gives B / C / B / D; Prune(B) gives D.
  ProfileBuilder b;
  b.Sample({1}, {"A", "B", "C", "B", "D"});
  Profile& p = b.profile();
  p.drop_frames = b.S("A");
  auto r = RemoveUninteresting(*b.Build());
  ASSERT_TRUE(r.ok()) << r.status().message();
  ExpectValid(**r);
  EXPECT_EQ(Describe(**r), (Strings{"1: B / C / B / D"}));
  p.drop_frames = b.S("B");
  r = RemoveUninteresting(*b.Build());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Describe(**r), (Strings{"1: D"}));
}

TEST(RemoveUninteresting, AnchoredKeepFramesAndInlinedLines) {
  ProfileBuilder b;
  b.Loc("alloc", {"runtime.memclr", "runtime.mallocgc"});
  b.Loc("inl", {"runtime.helper", "user.f"});  // runtime.helper inlined into user.f
  b.Sample({1}, {"alloc", "user.g", "main"});
  b.Sample({2}, {"runtime.keepme", "user.g", "main"});
  b.Sample({4}, {"inl", "main"});
  b.Sample({8}, {"main", "runtime.main"});  // runtime frames at the root stay
  Profile& p = b.profile();
  p.drop_frames = b.S("runtime\\..*");
  p.keep_frames = b.S("runtime\\.keep.*");
  auto r = RemoveUninteresting(*b.Build());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(Describe(**r), (Strings{"1: user.g / main", "2: runtime.keepme / user.g / main", "4: user.f / main",
                                    "8: main / runtime.main"}));
  // Anchored: "untime\..*" matches no whole name.
  p.drop_frames = b.S("untime\\..*");
  p.keep_frames = 0;
  r = RemoveUninteresting(*b.Build());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->samples.size(), 4u);
  EXPECT_EQ(Describe(**r)[0], "1: runtime.memclr+runtime.mallocgc / user.g / main");
}

// pprof's driver ignores RemoveUninteresting's compile error (fetch.go):
// a drop_frames or keep_frames that does not compile prunes nothing, and
// go tool pprof prints its reports (tests/edge: drop_frames_bad.pb,
// keep_frames_bad.pb).
TEST(RemoveUninteresting, NoDropFramesOrABadRegexpMeansNoChange) {
  ProfileBuilder b;
  b.Sample({1}, {"runtime.x", "main"});
  b.profile().keep_frames = b.S("x");  // keep_frames alone does nothing
  auto r = RemoveUninteresting(*b.Build());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Describe(**r), (Strings{"1: runtime.x / main"}));
  b.profile().drop_frames = b.S("(");
  r = RemoveUninteresting(*b.Build());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Describe(**r), (Strings{"1: runtime.x / main"}));
  b.profile().drop_frames = b.S("runtime\\..*");
  b.profile().keep_frames = b.S("[");  // drop_frames compiles, keep_frames does not: no pruning either
  r = RemoveUninteresting(*b.Build());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Describe(**r), (Strings{"1: runtime.x / main"}));
  b.profile().keep_frames = 0;  // the same drop_frames alone prunes
  r = RemoveUninteresting(*b.Build());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Describe(**r), (Strings{"1: main"}));
}

TEST(SimplifyFunc, CutsArgumentsButNotReservedNames) {
  EXPECT_EQ(SimplifyFunc("main.main"), "main.main");
  EXPECT_EQ(SimplifyFunc(".ppc.func(int)"), "ppc.func");
  EXPECT_EQ(SimplifyFunc("ns::f(int, char)"), "ns::f");
  EXPECT_EQ(SimplifyFunc("(anonymous namespace)::Phase(unsigned int)"), "(anonymous namespace)::Phase");
  EXPECT_EQ(SimplifyFunc("Foo::operator()(int) const"), "Foo::operator()");
  EXPECT_EQ(SimplifyFunc("std::function<void ()>::operator()() const"), "std::function<void ");
  EXPECT_EQ(SimplifyFunc("pkg.(*T).Method"), "pkg.");
}

// ---------------------------------------------------------------------------
// Tags: tagfocus / tagignore / tagshow / taghide

ProfileBuilder TagProfile() {
  ProfileBuilder b;
  b.Sample({1}, {"f"}, {{"key1", "a"}, {"thread", "t1"}}, {{"bytes", 16 * 1024, "bytes"}});
  b.Sample({2}, {"f"}, {{"key1", "b"}}, {{"bytes", 64 * 1024, "bytes"}, {"request", 2048, ""}});
  b.Sample({4}, {"f"}, {{"thread", "t2"}}, {{"pid", 3, ""}});
  b.Sample({8}, {"f"});
  return b;
}

Strings Values(const Profile& p) {
  Strings out;
  for (size_t i = 0; i < p.samples.size(); i++) out.push_back(std::to_string(p.value(i, 0)));
  return out;
}

TEST(TagFilter, Regexps) {
  auto p = TagProfile().Build();
  auto run = [&](std::string FilterOptions::*f, const std::string& v) { return Values(*MustFilter(*p, Opt(f, v))); };
  // Without a key, the regexp is matched against "key:value".
  EXPECT_EQ(run(&FilterOptions::tagfocus, "key1:a"), (Strings{"1"}));
  EXPECT_EQ(run(&FilterOptions::tagfocus, "t"), (Strings{"1", "4"}));
  // A comma list without key: every regexp must match some "key:value" (AND).
  EXPECT_EQ(run(&FilterOptions::tagfocus, "key1,thread"), (Strings{"1"}));
  EXPECT_EQ(run(&FilterOptions::tagfocus, "a,thread"), (Strings{"1", "4"}));  // "thread:t2" has an "a"
  // With key=: any regexp matching any value of that key (OR).
  EXPECT_EQ(run(&FilterOptions::tagfocus, "key1=b"), (Strings{"2"}));
  EXPECT_EQ(run(&FilterOptions::tagfocus, "key1=a,b"), (Strings{"1", "2"}));
  EXPECT_EQ(run(&FilterOptions::tagfocus, "thread=^t"), (Strings{"1", "4"}));
  EXPECT_EQ(run(&FilterOptions::tagignore, "thread"), (Strings{"2", "8"}));
  FilterOptions both;
  both.tagfocus = "thread=t";
  both.tagignore = "key1=a";
  EXPECT_EQ(Values(*MustFilter(*p, both)), (Strings{"4"}));
}

TEST(TagFilter, NumericRanges) {
  auto p = TagProfile().Build();
  Strings w;
  auto run = [&](const std::string& v) {
    w.clear();
    return Values(*MustFilter(*p, Opt(&FilterOptions::tagfocus, v), &w));
  };
  EXPECT_EQ(run("32kb:"), (Strings{"2"}));
  EXPECT_EQ(w, (Strings{"tagfocus:Interpreted '32kb:' as range, not regexp"}));
  // request=2048 has unit "bytes" (NumLabelUnits). And pid=3, whose unit
  // "pid" is no known unit: measurement.Scale then returns the value as is,
  // labelled with the requested unit, so it passes as 3kB.
  EXPECT_EQ(run(":16kb"), (Strings{"1", "2", "4"}));
  EXPECT_EQ(run("bytes=:16kb"), (Strings{"1"}));
  EXPECT_EQ(run("16kb"), (Strings{"1"}));
  EXPECT_EQ(run("bytes=12kb:64kb"), (Strings{"1", "2"}));
  EXPECT_EQ(run("request=2kb"), (Strings{"2"}));
  EXPECT_EQ(run("+1mb:"), (Strings{"4"}));  // pid=3 again, as 3MB
  EXPECT_EQ(run("bytes=+1mb:"), Strings{});
  EXPECT_EQ(w, (Strings{"tagfocus:Interpreted '+1mb:' as range, not regexp", "TagFocus expression matched no samples"}));
  // A unitless range: values whose key's unit is unknown, compared as is.
  EXPECT_EQ(run("pid=3"), (Strings{"4"}));
  // Not the exact shape of a range: a regexp after all.
  EXPECT_EQ(run("x16kb"), Strings{});
  EXPECT_EQ(w, (Strings{"TagFocus expression matched no samples"}));
  w.clear();
  EXPECT_EQ(Values(*MustFilter(*p, Opt(&FilterOptions::tagignore, "request=1kb:"), &w)), (Strings{"1", "4", "8"}));
  EXPECT_EQ(w, (Strings{"tagignore:Interpreted '1kb:' as range, not regexp"}));
}

TEST(TagFilter, TagShowAndHideRemoveLabelKeys) {
  auto p = TagProfile().Build();
  auto out = MustFilter(*p, Opt(&FilterOptions::tagshow, "^(key1|bytes)$"));
  EXPECT_EQ(Describe(*out), (Strings{"1: f {bytes=16384bytes,key1=a}", "2: f {bytes=65536bytes,key1=b}", "4: f",
                                     "8: f"}));
  Strings w;
  out = MustFilter(*p, Opt(&FilterOptions::taghide, "e"), &w);  // thread, request, key1, bytes
  EXPECT_EQ(Describe(*out), (Strings{"1: f", "2: f", "4: f {pid=3}", "8: f"}));
  EXPECT_TRUE(w.empty());
  out = MustFilter(*p, Opt(&FilterOptions::taghide, "zzz"), &w);
  EXPECT_EQ(w, (Strings{"TagHide expression matched no samples"}));
}

TEST(NumLabelUnits, FirstUnitElseDefaults) {
  auto p = TagProfile().Build();
  EXPECT_EQ(NumLabelUnits(*p), (std::map<std::string, std::string>{
                                   {"bytes", "bytes"}, {"pid", "pid"}, {"request", "bytes"}}));
}

// ---------------------------------------------------------------------------
// Order, warnings and errors of applyFocus.

TEST(ApplyFilters, OrderOfStepsAndWarnings) {
  ProfileBuilder b;
  b.Loc("x", {"inl", "mid", "outer"});
  b.Sample({1}, {"leaf", "x", "main"}, {{"k", "v"}});
  b.Sample({2}, {"other", "main"});
  FilterOptions o;
  o.focus = "mid";        // keeps the first sample (focus looks at the original lines)
  o.hide = "^mid$";       // then removes that line
  o.show_from = "outer";  // the sample is cut above x
  o.tagfocus = "1kb";     // a range, warned about first; no numeric labels: nothing left
  o.tagshow = "k";
  o.prune_from = "inl";
  Strings w;
  auto out = MustFilter(*b.Build(), o, &w);
  EXPECT_TRUE(out->samples.empty());
  EXPECT_EQ(w, (Strings{"tagfocus:Interpreted '1kb' as range, not regexp", "TagFocus expression matched no samples",
                        "TagShow expression matched no samples"}));
  o.tagfocus = "k:v";
  w.clear();
  out = MustFilter(*b.Build(), o, &w);
  // show_from then prune_from: x keeps inl+outer (mid hidden), leaf goes.
  EXPECT_EQ(Describe(*out), (Strings{"1: inl+outer {k=v}"}));
  EXPECT_TRUE(w.empty());
}

TEST(ApplyFilters, RegexpErrors) {
  auto p = NameFilterProfile().Build();
  auto error = [&](const FilterOptions& o) {
    Result<std::shared_ptr<Profile>> r = ApplyFilters(*p, o, nullptr);
    return r.ok() ? std::string("<ok>") : r.status().message();
  };
  EXPECT_EQ(error(Opt(&FilterOptions::focus, "(")),
            "parsing focus regexp: error parsing regexp: missing closing ): `(`");
  EXPECT_EQ(error(Opt(&FilterOptions::show_from, "a**")),
            "parsing show_from regexp: error parsing regexp: invalid nested repetition operator: `**`");
  EXPECT_EQ(error(Opt(&FilterOptions::tagfocus, "key=a,[")),
            "parsing tagfocus regexp: error parsing regexp: missing closing ]: `[`");
  EXPECT_EQ(error(Opt(&FilterOptions::taghide, "(")),
            "parsing taghide regexp: error parsing regexp: missing closing ): `(`");
  // The first bad option is the one reported.
  FilterOptions o;
  o.hide = "[";
  o.ignore = ")";
  EXPECT_EQ(error(o), "parsing ignore regexp: error parsing regexp: unexpected ): `)`");
}

// ---------------------------------------------------------------------------
// A real -base: go1.heap.pb.gz minus go1.heap-mid.pb.gz against the goldens
// printed by `go tool pprof -top -base=go1.heap-mid.pb.gz go1.heap.pb.gz`
// (with and without -sample_index=alloc_space).

std::shared_ptr<Profile> LoadCorpus(const std::string& name) {
  std::string path = pprof_test::CorpusDir() + "/" + name;
  Result<std::string> data = ReadFile(path, uint64_t{1} << 30);
  EXPECT_TRUE(data.ok()) << path;
  if (!data.ok()) return nullptr;
  Result<std::shared_ptr<Profile>> p = ParseProfile(*data, ReadLimits{});
  EXPECT_TRUE(p.ok()) << path << ": " << (p.ok() ? "" : p.status().message());
  return p.ok() ? *p : nullptr;
}

struct TopRow {
  std::string flat, name;
};

// The golden's "of X total" and its rows (name without " (inline)").
void ReadTop(const std::string& path, std::string* total, std::vector<TopRow>* rows) {
  std::istringstream in(pprof_test::ReadAll(path));
  std::string line;
  bool body = false;
  while (std::getline(in, line)) {
    if (line.rfind("Showing nodes accounting for", 0) == 0) {
      size_t of = line.find(" of ");
      *total = line.substr(of + 4, line.find(" total") - of - 4);
    } else if (line.find("flat  flat%") != std::string::npos) {
      body = true;
    } else if (body) {
      std::istringstream f(line);
      TopRow r;
      std::string pct, sum, cum, cumpct;
      f >> r.flat >> pct >> sum >> cum >> cumpct;
      std::getline(f >> std::ws, r.name);
      for (const char* suffix : {" (inline)", " (partial-inline)"}) {
        size_t n = std::string(suffix).size();
        if (r.name.size() > n && r.name.compare(r.name.size() - n, n, suffix) == 0) r.name.resize(r.name.size() - n);
      }
      rows->push_back(r);
    }
  }
}

void CheckBaseGolden(const std::string& golden, const std::string& type) {
  std::string path = pprof_test::CorpusDir() + "/" + golden;
  ASSERT_SHARED_EXISTS(path);
  auto heap = LoadCorpus("go1.heap.pb.gz");
  auto mid = LoadCorpus("go1.heap-mid.pb.gz");
  ASSERT_TRUE(heap && mid);
  Result<std::shared_ptr<Profile>> diff = ApplyBase(*heap, *mid, false);
  ASSERT_TRUE(diff.ok()) << diff.status().message();
  Result<std::shared_ptr<Profile>> pruned = RemoveUninteresting(**diff);
  ASSERT_TRUE(pruned.ok()) << pruned.status().message();
  const Profile& p = **pruned;
  ExpectValid(p);
  size_t index = 0;
  while (index < p.num_types() && p.str(p.sample_types[index].type) != type) index++;
  ASSERT_LT(index, p.num_types());
  std::string unit(p.str(p.sample_types[index].unit));

  std::string total_text;
  std::vector<TopRow> rows;
  ReadTop(path, &total_text, &rows);
  ASSERT_GE(rows.size(), 5u);
  // The report's unit is the one its total is printed in ("3.12MB" -> "MB").
  std::string report_unit = total_text;
  while (!report_unit.empty() && !isalpha(static_cast<unsigned char>(report_unit.front()))) {
    report_unit.erase(report_unit.begin());
  }

  int64_t total = 0;
  std::map<std::string, int64_t> flat;
  std::vector<Frame> frames;
  for (uint32_t i = 0; i < p.samples.size(); i++) {
    int64_t v = p.value(i, index);
    total += v < 0 ? -v : v;
    ExpandFrames(p, i, frames);
    if (frames.empty() || frames[0].line_index < 0) continue;
    const Location& l = p.locations[frames[0].location];
    flat[std::string(p.str(p.functions[p.lines[l.lines_begin + frames[0].line_index].function].name))] += v;
  }
  EXPECT_EQ(ScaledLabel(total, unit, report_unit), total_text);
  std::map<std::string, int> seen;
  for (const TopRow& r : rows) seen[r.name]++;
  int checked = 0;
  for (const TopRow& r : rows) {
    if (seen[r.name] != 1) continue;  // inlined and not: two rows of one name
    EXPECT_EQ(ScaledLabel(flat[r.name], unit, report_unit), r.flat) << golden << ": " << r.name;
    checked++;
  }
  EXPECT_GE(checked, 5);
}

TEST(ApplyBaseCorpus, HeapMinusHeapMidInuseSpace) {
  CheckBaseGolden("go1.heap.top.base=heap-mid.txt", "inuse_space");
}

TEST(ApplyBaseCorpus, HeapMinusHeapMidAllocSpace) {
  CheckBaseGolden("go1.heap.top.sample_index=alloc_space.base=heap-mid.txt", "alloc_space");
}

}  // namespace
}  // namespace pprofsql
