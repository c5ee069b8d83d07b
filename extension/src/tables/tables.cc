// The pprof_* virtual tables, each declared once as data: its parent kind,
// key column and columns. docs/SCHEMA.md documents the same columns
// (tests/unit/schema_doc_test.cc checks they agree).
#include <string>

#include "base/json.h"
#include "base/sqlite_util.h"
#include "report/graph.h"
#include "vtab/table.h"

namespace pprofsql {
namespace {

// Emit helpers: one line per column below.
void Int(sqlite3_context* c, int64_t v) { sqlite3_result_int64(c, v); }
void Uint(sqlite3_context* c, uint64_t v) { sqlite3_result_int64(c, static_cast<sqlite3_int64>(v)); }
void Bool(sqlite3_context* c, bool v) { sqlite3_result_int(c, v ? 1 : 0); }
void Text(sqlite3_context* c, std::string_view s) { ResultText(c, s); }
// A string-table reference, or NULL for the empty string (pprof's "unset").
void TextOrNull(sqlite3_context* c, const Profile& p, StrId id) {
  if (id == 0) {
    sqlite3_result_null(c);
  } else {
    ResultText(c, p.str(id));
  }
}

const Sample& SampleOf(const Row& r) { return r.p->samples[r.parent]; }
const Location& LocationOf(const Row& r) { return r.p->locations[r.parent]; }
const Function& FunctionOf(const Row& r) { return r.p->functions[r.parent]; }
const Mapping& MappingOf(const Row& r) { return r.p->mappings[r.parent]; }
const Label& LabelOf(const Row& r) { return r.p->labels[SampleOf(r).labels_begin + r.child]; }
const Frame& FrameOf(const Row& r) { return (*r.frames)[r.child]; }
const Line* FrameLine(const Row& r) {
  const Frame& f = FrameOf(r);
  if (f.line_index < 0) return nullptr;
  return &r.p->lines[r.p->locations[f.location].lines_begin + static_cast<uint32_t>(f.line_index)];
}
const Function* FrameFunction(const Row& r) {
  const Line* l = FrameLine(r);
  return l && l->function != kNone ? &r.p->functions[l->function] : nullptr;
}
const Line& LineOf(const Row& r) { return r.p->lines[LocationOf(r).lines_begin + r.child]; }

const ColumnSpec kProfileId = {"profile_id", "INTEGER", "Id returned by pprof_load.",
                               [](sqlite3_context* c, const Row& r) { Int(c, r.loaded->id); }};

std::vector<TableSpec> MakeTables() {
  std::vector<TableSpec> t;

  t.push_back({"pprof_profiles", "One row per loaded profile: its header fields.", ParentKind::kProfile, nullptr,
               nullptr, false,
               {kProfileId,
                {"name", "TEXT", "Name given to pprof_load, else the path as given.",
                 [](sqlite3_context* c, const Row& r) { Text(c, r.loaded->name); }},
                {"path", "TEXT", "Path the profile was read from, as given.",
                 [](sqlite3_context* c, const Row& r) { Text(c, r.loaded->path); }},
                {"time_nanos", "INTEGER", "Profile.time_nanos: when the profile was taken (ns since the epoch).",
                 [](sqlite3_context* c, const Row& r) { Int(c, r.p->time_nanos); }},
                {"duration_nanos", "INTEGER", "Profile.duration_nanos.",
                 [](sqlite3_context* c, const Row& r) { Int(c, r.p->duration_nanos); }},
                {"period_type", "TEXT", "Profile.period_type.type, e.g. cpu or space.",
                 [](sqlite3_context* c, const Row& r) { TextOrNull(c, *r.p, r.p->period_type.type); }},
                {"period_unit", "TEXT", "Profile.period_type.unit, e.g. nanoseconds or bytes.",
                 [](sqlite3_context* c, const Row& r) { TextOrNull(c, *r.p, r.p->period_type.unit); }},
                {"period", "INTEGER", "Profile.period.",
                 [](sqlite3_context* c, const Row& r) { Int(c, r.p->period); }},
                {"comments", "TEXT", "Profile.comment entries joined by newlines, or NULL.",
                 [](sqlite3_context* c, const Row& r) {
                   if (r.p->comments.empty()) return sqlite3_result_null(c);
                   std::string s;
                   for (StrId id : r.p->comments) s.append(s.empty() ? "" : "\n").append(r.p->str(id));
                   Text(c, s);
                 }},
                {"drop_frames", "TEXT", "Profile.drop_frames regexp, or NULL.",
                 [](sqlite3_context* c, const Row& r) { TextOrNull(c, *r.p, r.p->drop_frames); }},
                {"keep_frames", "TEXT", "Profile.keep_frames regexp, or NULL.",
                 [](sqlite3_context* c, const Row& r) { TextOrNull(c, *r.p, r.p->keep_frames); }},
                {"default_sample_type", "TEXT", "Profile.default_sample_type, or NULL.",
                 [](sqlite3_context* c, const Row& r) { TextOrNull(c, *r.p, r.p->default_sample_type); }},
                {"doc_url", "TEXT", "Profile.doc_url, or NULL.",
                 [](sqlite3_context* c, const Row& r) { TextOrNull(c, *r.p, r.p->doc_url); }},
                {"sample_count", "INTEGER", "Number of samples.",
                 [](sqlite3_context* c, const Row& r) { Uint(c, r.p->samples.size()); }},
                {"location_count", "INTEGER", "Number of locations.",
                 [](sqlite3_context* c, const Row& r) { Uint(c, r.p->locations.size()); }},
                {"function_count", "INTEGER", "Number of functions.",
                 [](sqlite3_context* c, const Row& r) { Uint(c, r.p->functions.size()); }},
                {"mapping_count", "INTEGER", "Number of mappings.",
                 [](sqlite3_context* c, const Row& r) { Uint(c, r.p->mappings.size()); }},
                {"file_size", "INTEGER", "Size of the file in bytes, as read (compressed if it was).",
                 [](sqlite3_context* c, const Row& r) { Uint(c, r.loaded->file_size); }},
                {"memory_bytes", "INTEGER", "Approximate memory the loaded profile holds.",
                 [](sqlite3_context* c, const Row& r) { Uint(c, r.p->MemoryBytes()); }},
                // A column rather than state of the extension: the report
                // views print these lines in plain SQL, and an import keeps them.
                {"active_filters", "TEXT",
                 "The filters pprof_prepare applied, as the report headers list them under Active filters: "
                 "(e.g. focus=mathx), a JSON array of strings; NULL when none.",
                 [](sqlite3_context* c, const Row& r) {
                   if (r.loaded->active_filters.empty()) return sqlite3_result_null(c);
                   std::string s = "[";
                   for (const std::string& f : r.loaded->active_filters) {
                     if (s.size() > 1) s += ',';
                     AppendJsonString(s, f);
                   }
                   Text(c, s + "]");
                 }}}});

  t.push_back({"pprof_comments", "One row per Profile.comment entry, in order.", ParentKind::kProfile, nullptr,
               [](const Row& r) { return static_cast<uint32_t>(r.p->comments.size()); }, false,
               {kProfileId,
                {"comment_index", "INTEGER", "0-based position among the profile's comments.",
                 [](sqlite3_context* c, const Row& r) { Int(c, r.child); }},
                {"text", "TEXT", "The comment (any bytes, a newline or a NUL included).",
                 [](sqlite3_context* c, const Row& r) { Text(c, r.p->str(r.p->comments[r.child])); }}}});

  t.push_back({"pprof_sample_types", "One row per sample type (value column) of each profile.",
               ParentKind::kProfile, nullptr,
               [](const Row& r) { return static_cast<uint32_t>(r.p->sample_types.size()); }, false,
               {kProfileId,
                {"sample_index", "INTEGER", "0-based position, as pprof's -sample_index=N.",
                 [](sqlite3_context* c, const Row& r) { Int(c, r.child); }},
                {"type", "TEXT", "ValueType.type, e.g. alloc_space.",
                 [](sqlite3_context* c, const Row& r) { Text(c, r.p->str(r.p->sample_types[r.child].type)); }},
                {"unit", "TEXT", "ValueType.unit, e.g. bytes.",
                 [](sqlite3_context* c, const Row& r) { Text(c, r.p->str(r.p->sample_types[r.child].unit)); }},
                {"is_default", "INTEGER", "1 for the type pprof reports by default (default_sample_type, else the last).",
                 [](sqlite3_context* c, const Row& r) {
                   Bool(c, static_cast<int>(r.child) == r.p->DefaultSampleIndex());
                 }},
                // The Total reports print and take shares of (report.go computeTotal); a
                // prepared profile's is its unfiltered profile's, as pprof's. Computed
                // only when read: a pass over the samples.
                {"total", "INTEGER",
                 "The report Total: sum of the samples' absolute values (of the -diff_base samples only, when "
                 "there are any; of the profile before filters, for pprof_prepare's).",
                 [](sqlite3_context* c, const Row& r) {
                   const Profile& p = r.loaded->unfiltered ? *r.loaded->unfiltered : *r.p;
                   Int(c, ComputeTotal(p, static_cast<int>(r.child), false));
                 }},
                {"mean_total", "INTEGER", "The Total with -mean: total divided by the same sum of sample type 0.",
                 [](sqlite3_context* c, const Row& r) {
                   const Profile& p = r.loaded->unfiltered ? *r.loaded->unfiltered : *r.p;
                   Int(c, ComputeTotal(p, static_cast<int>(r.child), true));
                 }}}});

  t.push_back({"pprof_samples", "Long form: one row per sample and sample type.", ParentKind::kSample,
               "sample_id", [](const Row& r) { return static_cast<uint32_t>(r.p->sample_types.size()); }, false,
               {kProfileId,
                {"sample_id", "INTEGER", "1-based position of the sample in the profile.",
                 [](sqlite3_context* c, const Row& r) { Int(c, r.parent + 1); }},
                {"sample_index", "INTEGER", "0-based sample type position.",
                 [](sqlite3_context* c, const Row& r) { Int(c, r.child); }},
                {"sample_type", "TEXT", "The sample type's name.",
                 [](sqlite3_context* c, const Row& r) { Text(c, r.p->str(r.p->sample_types[r.child].type)); }},
                {"unit", "TEXT", "The sample type's unit.",
                 [](sqlite3_context* c, const Row& r) { Text(c, r.p->str(r.p->sample_types[r.child].unit)); }},
                {"value", "INTEGER", "The sample's value for this type.",
                 [](sqlite3_context* c, const Row& r) { Int(c, r.p->value(r.parent, r.child)); }},
                {"stack_depth", "INTEGER", "Number of locations in the sample's stack.",
                 [](sqlite3_context* c, const Row& r) {
                   Int(c, SampleOf(r).stack_end - SampleOf(r).stack_begin);
                 }}}});

  t.push_back({"pprof_stacks", "One row per sample and stack position: Sample.location_id, leaf first.",
               ParentKind::kSample, "sample_id",
               [](const Row& r) { return SampleOf(r).stack_end - SampleOf(r).stack_begin; }, false,
               {kProfileId,
                {"sample_id", "INTEGER", "The sample.", [](sqlite3_context* c, const Row& r) { Int(c, r.parent + 1); }},
                {"depth", "INTEGER", "Position in the stack: 0 is the leaf (location_id[0]).",
                 [](sqlite3_context* c, const Row& r) { Int(c, r.child); }},
                {"location_id", "INTEGER", "The location at that position.",
                 [](sqlite3_context* c, const Row& r) {
                   Uint(c, r.p->locations[r.p->stack[SampleOf(r).stack_begin + r.child]].id);
                 }}}});

  t.push_back({"pprof_locations", "One row per location.", ParentKind::kLocation, "location_id", nullptr, false,
               {kProfileId,
                {"location_id", "INTEGER", "Location.id.",
                 [](sqlite3_context* c, const Row& r) { Uint(c, LocationOf(r).id); }},
                {"mapping_id", "INTEGER", "Mapping.id of its mapping, or NULL.",
                 [](sqlite3_context* c, const Row& r) {
                   uint32_t m = LocationOf(r).mapping;
                   if (m == kNone) return sqlite3_result_null(c);
                   Uint(c, r.p->mappings[m].id);
                 }},
                {"address", "INTEGER", "Location.address (as a signed 64-bit integer).",
                 [](sqlite3_context* c, const Row& r) { Uint(c, LocationOf(r).address); }},
                {"is_folded", "INTEGER", "Location.is_folded.",
                 [](sqlite3_context* c, const Row& r) { Bool(c, LocationOf(r).is_folded); }},
                {"line_count", "INTEGER", "Number of Line entries (more than 1 means inlined frames).",
                 [](sqlite3_context* c, const Row& r) {
                   Int(c, LocationOf(r).lines_end - LocationOf(r).lines_begin);
                 }}}});

  t.push_back({"pprof_lines", "One row per Line of a location, in pprof's order: line_index 0 is the innermost "
               "inlined callee, the last is the out-of-line caller.",
               ParentKind::kLocation, "location_id",
               [](const Row& r) { return LocationOf(r).lines_end - LocationOf(r).lines_begin; }, false,
               {kProfileId,
                {"location_id", "INTEGER", "The location.",
                 [](sqlite3_context* c, const Row& r) { Uint(c, LocationOf(r).id); }},
                {"line_index", "INTEGER", "0-based position within the location.",
                 [](sqlite3_context* c, const Row& r) { Int(c, r.child); }},
                {"function_id", "INTEGER", "Function.id.",
                 [](sqlite3_context* c, const Row& r) { Uint(c, r.p->functions[LineOf(r).function].id); }},
                {"function_name", "TEXT", "The function's name.",
                 [](sqlite3_context* c, const Row& r) {
                   Text(c, r.p->str(r.p->functions[LineOf(r).function].name));
                 }},
                {"filename", "TEXT", "The function's file name.",
                 [](sqlite3_context* c, const Row& r) {
                   Text(c, r.p->str(r.p->functions[LineOf(r).function].filename));
                 }},
                {"line", "INTEGER", "Line.line.", [](sqlite3_context* c, const Row& r) { Int(c, LineOf(r).line); }},
                {"column", "INTEGER", "Line.column.",
                 [](sqlite3_context* c, const Row& r) { Int(c, LineOf(r).column); }},
                {"is_inline", "INTEGER", "1 if this line was inlined into the next one (not the last line).",
                 [](sqlite3_context* c, const Row& r) {
                   Bool(c, r.child + 1 < LocationOf(r).lines_end - LocationOf(r).lines_begin);
                 }}}});

  t.push_back({"pprof_functions", "One row per function.", ParentKind::kFunction, "function_id", nullptr, false,
               {kProfileId,
                {"function_id", "INTEGER", "Function.id.",
                 [](sqlite3_context* c, const Row& r) { Uint(c, FunctionOf(r).id); }},
                {"name", "TEXT", "Function.name.",
                 [](sqlite3_context* c, const Row& r) { Text(c, r.p->str(FunctionOf(r).name)); }},
                {"system_name", "TEXT", "Function.system_name (e.g. the mangled C++ name).",
                 [](sqlite3_context* c, const Row& r) { Text(c, r.p->str(FunctionOf(r).system_name)); }},
                {"filename", "TEXT", "Function.filename, as recorded in the profile.",
                 [](sqlite3_context* c, const Row& r) { Text(c, r.p->str(FunctionOf(r).filename)); }},
                {"start_line", "INTEGER", "Function.start_line (0 when unknown).",
                 [](sqlite3_context* c, const Row& r) { Int(c, FunctionOf(r).start_line); }}}});

  t.push_back({"pprof_mappings", "One row per mapping (binary or shared library).", ParentKind::kMapping,
               "mapping_id", nullptr, false,
               {kProfileId,
                {"mapping_id", "INTEGER", "Mapping.id.",
                 [](sqlite3_context* c, const Row& r) { Uint(c, MappingOf(r).id); }},
                {"memory_start", "INTEGER", "Mapping.memory_start.",
                 [](sqlite3_context* c, const Row& r) { Uint(c, MappingOf(r).memory_start); }},
                {"memory_limit", "INTEGER", "Mapping.memory_limit.",
                 [](sqlite3_context* c, const Row& r) { Uint(c, MappingOf(r).memory_limit); }},
                {"file_offset", "INTEGER", "Mapping.file_offset.",
                 [](sqlite3_context* c, const Row& r) { Uint(c, MappingOf(r).file_offset); }},
                {"filename", "TEXT", "Mapping.filename: the binary's path.",
                 [](sqlite3_context* c, const Row& r) { Text(c, r.p->str(MappingOf(r).filename)); }},
                {"build_id", "TEXT", "Mapping.build_id, or NULL.",
                 [](sqlite3_context* c, const Row& r) { TextOrNull(c, *r.p, MappingOf(r).build_id); }},
                {"has_functions", "INTEGER", "Mapping.has_functions.",
                 [](sqlite3_context* c, const Row& r) { Bool(c, MappingOf(r).has_functions); }},
                {"has_filenames", "INTEGER", "Mapping.has_filenames.",
                 [](sqlite3_context* c, const Row& r) { Bool(c, MappingOf(r).has_filenames); }},
                {"has_line_numbers", "INTEGER", "Mapping.has_line_numbers.",
                 [](sqlite3_context* c, const Row& r) { Bool(c, MappingOf(r).has_line_numbers); }},
                {"has_inline_frames", "INTEGER", "Mapping.has_inline_frames.",
                 [](sqlite3_context* c, const Row& r) { Bool(c, MappingOf(r).has_inline_frames); }}}});

  t.push_back({"pprof_labels", "One row per sample label, string or numeric, in the sample's order.",
               ParentKind::kSample, "sample_id",
               [](const Row& r) { return SampleOf(r).labels_end - SampleOf(r).labels_begin; }, false,
               {kProfileId,
                {"sample_id", "INTEGER", "The sample.", [](sqlite3_context* c, const Row& r) { Int(c, r.parent + 1); }},
                {"label_index", "INTEGER", "0-based position among the sample's labels.",
                 [](sqlite3_context* c, const Row& r) { Int(c, r.child); }},
                {"key", "TEXT", "Label.key.", [](sqlite3_context* c, const Row& r) { Text(c, r.p->str(LabelOf(r).key)); }},
                {"str", "TEXT", "The string value, or NULL for a numeric label.",
                 [](sqlite3_context* c, const Row& r) { TextOrNull(c, *r.p, LabelOf(r).str); }},
                {"num", "INTEGER", "The numeric value, or NULL for a string label.",
                 [](sqlite3_context* c, const Row& r) {
                   if (LabelOf(r).is_string()) return sqlite3_result_null(c);
                   Int(c, LabelOf(r).num);
                 }},
                {"num_unit", "TEXT", "The numeric value's unit as recorded, or NULL.",
                 [](sqlite3_context* c, const Row& r) {
                   if (LabelOf(r).is_string()) return sqlite3_result_null(c);
                   TextOrNull(c, *r.p, LabelOf(r).num_unit);
                 }}}});

  t.push_back({"pprof_frames", "The inline-expanded walk of each sample's stack that pprof's reports use: "
               "locations from the leaf to the root, and within a location its lines from the innermost "
               "inlined callee to the caller. depth 0 is the leaf frame.",
               ParentKind::kSample, "sample_id", nullptr, true,
               {kProfileId,
                {"sample_id", "INTEGER", "The sample.", [](sqlite3_context* c, const Row& r) { Int(c, r.parent + 1); }},
                {"depth", "INTEGER", "Position in the expanded stack: 0 is the leaf frame.",
                 [](sqlite3_context* c, const Row& r) { Int(c, r.child); }},
                {"location_id", "INTEGER", "The frame's location.",
                 [](sqlite3_context* c, const Row& r) { Uint(c, r.p->locations[FrameOf(r).location].id); }},
                {"stack_depth", "INTEGER", "The location's position in pprof_stacks (0 = leaf).",
                 [](sqlite3_context* c, const Row& r) { Int(c, FrameOf(r).stack_depth); }},
                {"line_index", "INTEGER", "Index into the location's lines, or NULL for a location without lines.",
                 [](sqlite3_context* c, const Row& r) {
                   if (FrameOf(r).line_index < 0) return sqlite3_result_null(c);
                   Int(c, FrameOf(r).line_index);
                 }},
                {"function_id", "INTEGER", "Function.id, or NULL.",
                 [](sqlite3_context* c, const Row& r) {
                   const Function* f = FrameFunction(r);
                   if (!f) return sqlite3_result_null(c);
                   Uint(c, f->id);
                 }},
                {"function_name", "TEXT", "The function's name, or NULL.",
                 [](sqlite3_context* c, const Row& r) {
                   const Function* f = FrameFunction(r);
                   if (!f) return sqlite3_result_null(c);
                   Text(c, r.p->str(f->name));
                 }},
                {"filename", "TEXT", "The function's file name, or NULL.",
                 [](sqlite3_context* c, const Row& r) {
                   const Function* f = FrameFunction(r);
                   if (!f) return sqlite3_result_null(c);
                   Text(c, r.p->str(f->filename));
                 }},
                {"line", "INTEGER", "Line.line, or NULL.",
                 [](sqlite3_context* c, const Row& r) {
                   const Line* l = FrameLine(r);
                   if (!l) return sqlite3_result_null(c);
                   Int(c, l->line);
                 }},
                {"column", "INTEGER", "Line.column, or NULL.",
                 [](sqlite3_context* c, const Row& r) {
                   const Line* l = FrameLine(r);
                   if (!l) return sqlite3_result_null(c);
                   Int(c, l->column);
                 }},
                {"is_inline", "INTEGER", "1 if the frame was inlined into its caller (not its location's last line).",
                 [](sqlite3_context* c, const Row& r) {
                   const Frame& f = FrameOf(r);
                   const Location& l = r.p->locations[f.location];
                   Bool(c, f.line_index >= 0 && static_cast<uint32_t>(f.line_index) + 1 < l.lines_end - l.lines_begin);
                 }},
                {"address", "INTEGER", "The location's address.",
                 [](sqlite3_context* c, const Row& r) { Uint(c, r.p->locations[FrameOf(r).location].address); }},
                {"mapping_id", "INTEGER", "The location's mapping id, or NULL.",
                 [](sqlite3_context* c, const Row& r) {
                   uint32_t m = r.p->locations[FrameOf(r).location].mapping;
                   if (m == kNone) return sqlite3_result_null(c);
                   Uint(c, r.p->mappings[m].id);
                 }}}});
  return t;
}

}  // namespace

std::vector<TableSpec> ReportTables();  // tables/report_tables.cc
std::vector<TableSpec> TracesTables();  // tables/traces_table.cc
std::vector<TableSpec> NodesTables();   // tables/nodes_table.cc
std::vector<TableSpec> OptionsTables(); // tables/options_table.cc
std::vector<TableSpec> ListTables();    // tables/list_tables.cc

const std::vector<TableSpec>& AllTables() {
  static const std::vector<TableSpec> tables = [] {
    std::vector<TableSpec> all = MakeTables();
    for (TableSpec& t : ReportTables()) all.push_back(std::move(t));
    for (TableSpec& t : TracesTables()) all.push_back(std::move(t));
    for (TableSpec& t : NodesTables()) all.push_back(std::move(t));
    for (TableSpec& t : OptionsTables()) all.push_back(std::move(t));
    for (TableSpec& t : ListTables()) all.push_back(std::move(t));
    return all;
  }();
  return tables;
}

}  // namespace pprofsql
