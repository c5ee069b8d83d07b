// The -traces report (report.go: printTraces), computed in C++: what the
// pprof_traces and pprof_traces_text views (sql/30_traces.sql) show.
//
//   pprof_traces_blocks  one row per block of text -traces prints: each header
//                        line (ProfileLabels), then one row per printed sample
//                        holding its whole block (separator, label lines,
//                        frames; lines joined by '\n', no final newline), then
//                        the closing separator. line_no is the row's position,
//                        and a plain scan returns the rows in line_no order.
//   pprof_traces_frames  one row per printed frame: sample, value, frame name.
//
// Both take one parameter, `options` (pprof's report flags, as pprof_graph's).
// What a profile's options need is computed once and cached (one name per
// (location, line) at the granularity, the printed samples, the numeric label
// units); the text of each block is built only when a row's column is read,
// so memory stays small however many lines the report has.
//
// Semantics, as the SQL views had them: the blocks come from the profile as
// given (pprof_prepare makes the profile pprof would print: merged, all-zero
// samples dropped, drop_frames and filters applied), the header from the
// report profile as pprof_report_labels has it.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstring>
#include <map>
#include <unordered_map>

#include "base/sqlite_util.h"
#include "functions/functions.h"
#include "report/graph.h"
#include "report/labels.h"
#include "report/measure.h"
#include "report/options.h"
#include "report/source.h"
#include "report/transform.h"
#include "vtab/table.h"

namespace pprofsql {
namespace {

constexpr std::string_view kSeparator = "-----------+-------------------------------------------------------";
constexpr std::string_view kInline = " (inline)";
constexpr std::string_view kBlank = "          ";  // %10s of ""

struct TracesData {
  uint64_t serial = 0;  // tells per-thread caches apart (addresses get reused)
  std::shared_ptr<const Profile> profile;
  std::vector<std::string> header;
  int sample_index = 0;
  bool mean = false;
  double ratio = 1;  // 1 / -divide_by
  std::string sample_unit, output_unit;
  // The frames of each location (`slot`s), in the order -traces prints them:
  // loc_begin[l] .. loc_begin[l + 1]; each slot's name is
  // names[name_begin[s] .. name_begin[s + 1]), inlined ones marked in slot_inline.
  std::vector<uint32_t> loc_begin;
  std::vector<uint64_t> name_begin;
  std::string names;
  std::vector<char> slot_inline;
  // The printed samples (those with a non-empty stack), in profile order, and
  // the running count of their frames (one more entry than samples).
  std::vector<uint32_t> samples;
  std::vector<uint64_t> frame_begin;
  // The unit of each numeric label key (profile.NumLabelUnits), by key string id.
  std::unordered_map<StrId, std::string> num_units;

  size_t rows() const { return header.size() + samples.size() + 1; }
  std::string_view Name(uint32_t slot) const {
    return std::string_view(names).substr(name_begin[slot], name_begin[slot + 1] - name_begin[slot]);
  }
};

std::atomic<uint64_t> next_serial{1};

// The name pprof prints for one frame (graph.go: nodeInfo after
// Profile.Aggregate at the granularity, then NameComponents joined by ' ').
// `line` is null for a location without lines.
struct Naming {
  bool addresses, lines, keep_function, keep_file;
  explicit Naming(const std::string& g)
      : addresses(g == "addresses"),
        lines(addresses || g == "lines"),
        keep_function(lines || g == "functions" || g == "filefunctions"),
        keep_file(lines || g == "files" || g == "filefunctions") {}

  void Append(const Profile& p, const Location& l, const Line* line, std::string& out) const {
    std::string_view name, file;
    int64_t lineno = 0;
    if (line && line->function != kNone) {
      const Function& f = p.functions[line->function];
      if (keep_function) name = p.str(f.name);
      if (keep_file) file = p.str(f.filename);
      if (lines) lineno = line->line;
    }
    if (addresses && l.address != 0) out += fmt::format("{:016x} ", l.address);
    out += name;
    if (!name.empty() && (lineno != 0 || !file.empty())) out += ' ';
    if (lineno != 0) {
      if (!file.empty()) out += CleanPath(file);
      out += ':';
      out += std::to_string(lineno);
    } else if (!file.empty()) {
      out += CleanPath(file);
    } else if (name.empty()) {
      std::string_view objfile = l.mapping == kNone ? std::string_view() : p.str(p.mappings[l.mapping].filename);
      if (objfile.empty()) {
        out += "<unknown>";
      } else {
        out += '[';
        out += BasePath(objfile);
        out += ']';
      }
    }
  }
};

Result<std::shared_ptr<const void>> ComputeTraces(const LoadedProfile& loaded, const Registry& reg,
                                                  const std::vector<std::string>& params) {
  auto parsed = ParseReportOptions(params[0]);
  if (!parsed.ok()) return parsed.status();
  ReportOptions o = std::move(parsed.value());
  o.ApplyOverrides(ReportKind::kTraces);
  const Profile& p = *loaded.profile;
  auto si = ResolveSampleIndex(p, o.sample_index);
  if (!si.ok()) return si.status();

  auto d = std::make_shared<TracesData>();
  d->serial = next_serial++;
  d->profile = loaded.profile;
  d->sample_index = *si;
  d->mean = o.mean;
  d->ratio = 1.0 / o.divide_by;
  d->sample_unit = std::string(p.str(p.sample_types[static_cast<size_t>(*si)].unit));
  d->output_unit = o.unit;

  // The header: ProfileLabels of the report profile, with the Total pprof
  // computes (before the filters, unless -relative_percentages).
  {
    auto rp = ReportProfile(loaded, reg, /*merge=*/true);
    if (!rp.ok()) return rp.status();
    const LoadedProfile& report = **rp;
    const Profile& rpp = *report.profile;
    auto rsi = ResolveSampleIndex(rpp, o.sample_index);
    if (!rsi.ok()) return rsi.status();
    ReportGraph g;
    g.sample_index = *rsi;
    const ValueType& vt = rpp.sample_types[static_cast<size_t>(*rsi)];
    g.sample_type = (o.mean ? "mean_" : "") + std::string(rpp.str(vt.type));
    g.sample_unit = std::string(rpp.str(vt.unit));
    g.output_unit = o.unit;
    g.options = o;
    const Profile& total_from = report.unfiltered && !o.relative_percentages ? *report.unfiltered : rpp;
    g.total = ComputeTotal(total_from, *rsi, o.mean);
    d->header = ProfileLabels(rpp, g);
    // fmt.Fprintln(w, strings.Join(labels, "\n")): an empty line when there are none.
    if (d->header.empty()) d->header.emplace_back();
  }

  // One name per (location, line); -noinlines keeps each location's last line.
  const Naming naming(o.granularity);
  d->loc_begin.reserve(p.locations.size() + 1);
  d->name_begin.push_back(0);
  for (const Location& l : p.locations) {
    d->loc_begin.push_back(static_cast<uint32_t>(d->slot_inline.size()));
    if (l.lines_begin == l.lines_end) {
      naming.Append(p, l, nullptr, d->names);
      d->name_begin.push_back(d->names.size());
      d->slot_inline.push_back(0);
      continue;
    }
    const uint32_t first = o.noinlines ? l.lines_end - 1 : l.lines_begin;
    for (uint32_t j = first; j < l.lines_end; j++) {
      naming.Append(p, l, &p.lines[j], d->names);
      d->name_begin.push_back(d->names.size());
      d->slot_inline.push_back(j + 1 < l.lines_end ? 1 : 0);
    }
  }
  d->loc_begin.push_back(static_cast<uint32_t>(d->slot_inline.size()));
  d->names.shrink_to_fit();

  uint64_t frames = 0;
  d->frame_begin.push_back(0);
  for (size_t s = 0; s < p.samples.size(); s++) {
    const Sample& smp = p.samples[s];
    if (smp.stack_begin == smp.stack_end) continue;
    for (uint32_t i = smp.stack_begin; i < smp.stack_end; i++) {
      frames += d->loc_begin[p.stack[i] + 1] - d->loc_begin[p.stack[i]];
    }
    d->samples.push_back(static_cast<uint32_t>(s));
    d->frame_begin.push_back(frames);
  }
  if (d->rows() > UINT32_MAX || frames > UINT32_MAX) {
    return Status::Error(fmt::format("too many frames for -traces ({})", frames));
  }

  {
    const std::map<std::string, std::string> units = NumLabelUnits(p);
    for (const struct Label& l : p.labels) {
      if (l.is_string() || d->num_units.count(l.key)) continue;
      auto it = units.find(std::string(p.str(l.key)));
      d->num_units.emplace(l.key, it == units.end() ? std::string() : it->second);
    }
  }
  return std::shared_ptr<const void>(std::move(d));
}

// Go's utf8.RuneCountInString: every byte of an invalid sequence is one rune.
size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); n++) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 1;
    if (c >= 0x80) {
      unsigned char lo = 0x80, hi = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
      } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
      } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
      }
      if (len > 1) {
        bool ok = i + len <= s.size();
        for (size_t k = 1; ok && k < len; k++) {
          const auto b = static_cast<unsigned char>(s[i + k]);
          ok = k == 1 ? b >= lo && b <= hi : b >= 0x80 && b <= 0xBF;
        }
        if (!ok) len = 1;
      }
    }
    i += len;
  }
  return n;
}

// Go's fmt "%10s".
void AppendPadded10(std::string& out, std::string_view s) {
  const size_t runes = RuneCount(s);
  if (runes < 10) out.append(10 - runes, ' ');
  out += s;
}

// sort.Strings on the lines as printTraces sorts them, each with its newline.
bool LineLess(const std::string& a, const std::string& b) {
  const size_t n = std::min(a.size(), b.size());
  const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c < 0;
  if (a.size() == b.size()) return false;
  if (a.size() < b.size()) return '\n' < static_cast<unsigned char>(b[n]);
  return static_cast<unsigned char>(a[n]) < '\n';
}

// The value -traces prints for sample `s` (before -divide_by): the selected
// value, divided by value 0 with -mean when that is not 0 (Go's division).
int64_t SampleValue(const TracesData& d, uint32_t s) {
  const Profile& p = *d.profile;
  const int64_t v = p.value(s, static_cast<size_t>(d.sample_index));
  if (!d.mean) return v;
  const int64_t div = p.value(s, 0);
  if (div == 0) return v;
  if (div == -1) return v == INT64_MIN ? v : -v;
  return v / div;
}

std::string ValueText(const TracesData& d, int64_t v) {
  return ScaledLabel(ApplyRatio(v, d.ratio), d.sample_unit, d.output_unit);
}

// The label lines of sample `s`: one per key, string labels first, each
// group sorted (Go's map iteration, then sort.Strings).
void LabelLines(const TracesData& d, uint32_t s, std::vector<std::string>& out) {
  out.clear();
  const Profile& p = *d.profile;
  const Sample& smp = p.samples[s];
  if (smp.labels_begin == smp.labels_end) return;
  struct Group {
    bool is_num;
    std::string_view key;
    std::string line;
    bool started;
  };
  std::vector<Group> groups;
  for (uint32_t j = smp.labels_begin; j < smp.labels_end; j++) {
    const struct Label& l = p.labels[j];
    const bool is_num = !l.is_string();
    const std::string_view key = p.str(l.key);
    Group* g = nullptr;
    for (Group& x : groups) {
      if (x.is_num == is_num && x.key == key) g = &x;
    }
    if (!g) {
      groups.push_back({is_num, key, std::string(), false});
      g = &groups.back();
      AppendPadded10(g->line, key);
      g->line += ":  ";
    }
    if (g->started) g->line += ' ';
    g->started = true;
    if (is_num) {
      auto it = d.num_units.find(l.key);
      g->line += Label(l.num, it == d.num_units.end() ? std::string_view() : std::string_view(it->second));
    } else {
      g->line += p.str(l.str);
    }
  }
  size_t strings = 0;
  for (Group& g : groups) {
    if (!g.is_num) strings++;
  }
  std::stable_partition(groups.begin(), groups.end(), [](const Group& g) { return !g.is_num; });
  for (Group& g : groups) out.push_back(std::move(g.line));
  std::sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(strings), LineLess);
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(strings), out.end(), LineLess);
}

// Hands a block built in an sqlite3_malloc'd buffer to SQLite without a copy.
void ResultBlock(sqlite3_context* c, const TracesData& d, uint32_t s) {
  const Profile& p = *d.profile;
  const Sample& smp = p.samples[s];
  thread_local std::vector<std::string> labels;
  LabelLines(d, s, labels);
  std::string value;
  AppendPadded10(value, ValueText(d, SampleValue(d, s)));
  // Exact size first: separator, label lines, frame lines, newlines between.
  size_t size = kSeparator.size();
  for (const std::string& l : labels) size += 1 + l.size();
  bool first = true;
  for (uint32_t i = smp.stack_begin; i < smp.stack_end; i++) {
    const uint32_t loc = p.stack[i];
    for (uint32_t k = d.loc_begin[loc]; k < d.loc_begin[loc + 1]; k++) {
      size += 1 + (first ? value.size() : kBlank.size()) + 3 + (d.name_begin[k + 1] - d.name_begin[k]) +
              (d.slot_inline[k] ? kInline.size() : 0);
      first = false;
    }
  }
  char* buf = static_cast<char*>(sqlite3_malloc64(size + 1));
  if (!buf) return sqlite3_result_error_nomem(c);
  char* w = buf;
  auto put = [&](std::string_view x) {
    std::memcpy(w, x.data(), x.size());
    w += x.size();
  };
  put(kSeparator);
  for (const std::string& l : labels) {
    *w++ = '\n';
    put(l);
  }
  first = true;
  for (uint32_t i = smp.stack_begin; i < smp.stack_end; i++) {
    const uint32_t loc = p.stack[i];
    for (uint32_t k = d.loc_begin[loc]; k < d.loc_begin[loc + 1]; k++) {
      *w++ = '\n';
      put(first ? std::string_view(value) : kBlank);
      put("   ");
      put(d.Name(k));
      if (d.slot_inline[k]) put(kInline);
      first = false;
    }
  }
  *w = '\0';
  sqlite3_result_text64(c, buf, size, sqlite3_free, SQLITE_UTF8);
}

const TracesData& DataOf(const Row& r) { return *static_cast<const TracesData*>(r.computed); }

// pprof_traces_blocks rows: header lines, one per printed sample, the closing separator.
enum class BlockKind { kHeader, kSample, kEnd };
BlockKind KindOf(const Row& r, uint32_t* index) {
  const TracesData& d = DataOf(r);
  if (r.child < d.header.size()) {
    *index = r.child;
    return BlockKind::kHeader;
  }
  const size_t i = r.child - d.header.size();
  if (i < d.samples.size()) {
    *index = d.samples[i];
    return BlockKind::kSample;
  }
  return BlockKind::kEnd;
}

// pprof_traces_frames rows: the sample and the frame's slot, found through
// a per-thread cache of the last sample's slots (rows are read in order).
struct FrameCache {
  uint64_t serial = 0;
  size_t sample_pos = SIZE_MAX;
  std::vector<uint32_t> slots;
};

const std::vector<uint32_t>& SlotsOf(const TracesData& d, size_t pos) {
  thread_local FrameCache cache;
  if (cache.serial != d.serial || cache.sample_pos != pos) {
    cache.serial = d.serial;
    cache.sample_pos = pos;
    cache.slots.clear();
    const Profile& p = *d.profile;
    const Sample& smp = p.samples[d.samples[pos]];
    for (uint32_t i = smp.stack_begin; i < smp.stack_end; i++) {
      const uint32_t loc = p.stack[i];
      for (uint32_t k = d.loc_begin[loc]; k < d.loc_begin[loc + 1]; k++) cache.slots.push_back(k);
    }
  }
  return cache.slots;
}

struct FrameRef {
  size_t pos;      // index into samples
  uint32_t depth;  // frame position, 0 = leaf
  uint32_t slot;
};

FrameRef FrameOf(const Row& r) {
  const TracesData& d = DataOf(r);
  thread_local uint64_t last_serial = 0;
  thread_local uint32_t last_child = 0;
  thread_local FrameRef last{};
  if (last_serial == d.serial && last_child == r.child) return last;
  const auto it = std::upper_bound(d.frame_begin.begin(), d.frame_begin.end(), static_cast<uint64_t>(r.child));
  const size_t pos = static_cast<size_t>(it - d.frame_begin.begin()) - 1;
  const uint32_t depth = static_cast<uint32_t>(r.child - d.frame_begin[pos]);
  last = {pos, depth, SlotsOf(d, pos)[depth]};
  last_serial = d.serial;
  last_child = r.child;
  return last;
}

const ComputedSpec kBlocksSpec = {"traces", {"options"}, ComputeTraces, [](const void* d) {
                                    return static_cast<uint32_t>(static_cast<const TracesData*>(d)->rows());
                                  }};
const ComputedSpec kFramesSpec = {"traces", {"options"}, ComputeTraces, [](const void* d) {
                                    return static_cast<uint32_t>(static_cast<const TracesData*>(d)->frame_begin.back());
                                  }};

const ColumnSpec kProfileId = {"profile_id", "INTEGER", "Id returned by pprof_load.",
                               [](sqlite3_context* c, const Row& r) { sqlite3_result_int64(c, r.loaded->id); }};

}  // namespace

std::vector<TableSpec> TracesTables() {
  std::vector<TableSpec> t;
  t.push_back(
      {"pprof_traces_blocks",
       "The text of pprof's -traces report in blocks, in line_no order: each header line, then one row per "
       "sample with a non-empty stack holding its whole block (separator, label lines, frames; lines joined by "
       "newlines), then the closing separator. Parameter: options.",
       ParentKind::kComputed, nullptr, nullptr, false,
       {kProfileId,
        {"line_no", "INTEGER", "0-based position of the block in the report.",
         [](sqlite3_context* c, const Row& r) { sqlite3_result_int64(c, r.child); }},
        {"sample_id", "INTEGER", "The sample the block prints, or NULL for the header and the closing separator.",
         [](sqlite3_context* c, const Row& r) {
           uint32_t i;
           if (KindOf(r, &i) != BlockKind::kSample) return sqlite3_result_null(c);
           sqlite3_result_int64(c, static_cast<int64_t>(i) + 1);
         }},
        {"text", "TEXT", "The block's lines, joined by newlines (no newline at the end).",
         [](sqlite3_context* c, const Row& r) {
           uint32_t i;
           switch (KindOf(r, &i)) {
             case BlockKind::kHeader: return ResultText(c, DataOf(r).header[i]);
             case BlockKind::kSample: return ResultBlock(c, DataOf(r), i);
             case BlockKind::kEnd: return ResultText(c, kSeparator);
           }
         }}},
       &kBlocksSpec, false});
  t.push_back(
      {"pprof_traces_frames",
       "The frames -traces prints: one row per frame of each sample with a non-empty stack, in report order "
       "(leaf first), named at the report's granularity. Parameter: options.",
       ParentKind::kComputed, nullptr, nullptr, false,
       {kProfileId,
        {"sample_id", "INTEGER", "The sample (1-based position in the profile).",
         [](sqlite3_context* c, const Row& r) {
           sqlite3_result_int64(c, static_cast<int64_t>(DataOf(r).samples[FrameOf(r).pos]) + 1);
         }},
        {"value", "INTEGER", "The sample's value for the selected sample type (divided as -mean asks).",
         [](sqlite3_context* c, const Row& r) {
           const TracesData& d = DataOf(r);
           sqlite3_result_int64(c, SampleValue(d, d.samples[FrameOf(r).pos]));
         }},
        {"value_text", "TEXT", "The value as -traces prints it (-divide_by and -unit applied).",
         [](sqlite3_context* c, const Row& r) {
           const TracesData& d = DataOf(r);
           ResultText(c, ValueText(d, SampleValue(d, d.samples[FrameOf(r).pos])));
         }},
        {"depth", "INTEGER", "Position of the frame: 0 is the leaf.",
         [](sqlite3_context* c, const Row& r) { sqlite3_result_int64(c, FrameOf(r).depth); }},
        {"name", "TEXT", "The frame's name as -traces prints it, without the ' (inline)' mark.",
         [](sqlite3_context* c, const Row& r) { ResultText(c, DataOf(r).Name(FrameOf(r).slot)); }},
        {"is_inline", "INTEGER", "1 if the frame was inlined into the next one (printed with ' (inline)').",
         [](sqlite3_context* c, const Row& r) { sqlite3_result_int(c, DataOf(r).slot_inline[FrameOf(r).slot]); }}},
       &kFramesSpec, false});
  return t;
}

}  // namespace pprofsql
