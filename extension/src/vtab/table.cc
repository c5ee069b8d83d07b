// The one virtual-table module behind every pprof_* table.
//
// Query plan (idxNum bits; argv holds the values in this order):
//
//   bit  meaning                                  argv
//   0x1  profile_id = ?   (or IN, with 0x4)       the profile id(s)
//   0x2  <key column> = ? (or IN, with 0x8)       the parent id(s)
//   0x4  the profile_id value is an IN list (sqlite3_vtab_in)
//   0x8  the key value is an IN list
//   0x10 << j  computed tables: parameter j = ?     the parameter's value
//   then, per dimension d of a computed table, two bits after the
//   parameters' (dim_bit(d)): dimension = ? and, the next bit, it is an IN
//   list; argv holds the value(s).
//
// Without 0x1 every loaded profile is scanned; without 0x2 every parent of
// each profile. With 0x2 only the named parents are visited, by hash lookup,
// in ascending id order (computed tables: the rows of the named keys). An
// unconstrained dimension visits its whole domain. Other constraints are left
// to SQLite.
#include "vtab/table.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "base/sqlite_util.h"

namespace pprofsql {
namespace {

enum : int { kProfileEq = 1, kKeyEq = 2, kProfileIn = 4, kKeyIn = 8, kParam0 = 16 };

struct ModuleAux {
  const TableSpec* spec;
  std::shared_ptr<Registry> registry;
  int key_col;               // index of spec->key_column, or -1
  std::vector<int> col_dim;  // per column: its dimension's index, or -1
};

size_t NumParams(const TableSpec& spec) { return spec.computed ? spec.computed->params.size() : 0; }
size_t NumDims(const TableSpec& spec) { return spec.computed ? spec.computed->dimensions.size() : 0; }
// The idxNum bit of "dimension d = ?" (the next bit: it is an IN list).
int DimBit(const TableSpec& spec, size_t d) { return kParam0 << (NumParams(spec) + 2 * d); }

struct VTab : sqlite3_vtab {
  ModuleAux* aux;
};

uint32_t ParentCount(const Profile& p, ParentKind k) {
  switch (k) {
    case ParentKind::kProfile:
    case ParentKind::kComputed: return 1;
    case ParentKind::kSample: return static_cast<uint32_t>(p.samples.size());
    case ParentKind::kLocation: return static_cast<uint32_t>(p.locations.size());
    case ParentKind::kFunction: return static_cast<uint32_t>(p.functions.size());
    case ParentKind::kMapping: return static_cast<uint32_t>(p.mappings.size());
  }
  return 0;
}

bool FindParent(const Profile& p, ParentKind k, int64_t id, uint32_t* index) {
  const std::unordered_map<uint64_t, uint32_t>* map = nullptr;
  switch (k) {
    case ParentKind::kProfile:
    case ParentKind::kComputed: return false;
    case ParentKind::kSample:  // sample ids are 1-based positions
      if (id < 1 || static_cast<uint64_t>(id) > p.samples.size()) return false;
      *index = static_cast<uint32_t>(id - 1);
      return true;
    case ParentKind::kLocation: map = &p.location_index; break;
    case ParentKind::kFunction: map = &p.function_index; break;
    case ParentKind::kMapping: map = &p.mapping_index; break;
  }
  auto it = map->find(static_cast<uint64_t>(id));
  if (it == map->end()) return false;
  *index = it->second;
  return true;
}

struct Cursor : sqlite3_vtab_cursor {
  const TableSpec* spec = nullptr;
  const Registry* registry = nullptr;
  std::vector<std::string> params;          // computed tables: parameter values
  std::shared_ptr<const void> computed;     // computed tables: the current profile's rows
  // Computed tables: the values each dimension was constrained to (none:
  // its whole domain), per profile the values to visit, and the current
  // combination, counted in mixed radix (the last dimension fastest).
  std::vector<std::optional<std::vector<std::string>>> dim_filter;
  std::vector<std::vector<std::string>> dim_values;
  std::vector<std::string> combo;
  size_t combo_pos = 0, combo_count = 1;
  std::vector<LoadedPtr> profiles;  // snapshot: unloading mid-scan is safe
  size_t profile_pos = 0;
  bool by_key = false;
  std::vector<int64_t> keys;  // parent ids to visit, when by_key
  std::vector<std::string> text_keys;  // the keys of a TEXT key column, when by_key
  size_t parent_pos = 0;
  uint32_t child_count = 0;
  // Computed tables looked up by key: the rows of the keys, in key order.
  std::vector<uint32_t> key_rows;
  uint32_t child_pos = 0;
  std::vector<Frame> frames;
  Row row;
  sqlite3_int64 rowid = 0;

  bool Eof() const { return profile_pos >= profiles.size(); }

  // Moves to the first parent at or after parent_pos that has rows.
  bool SeekParent() {
    const Profile& p = *row.p;
    child_pos = 0;
    if (spec->computed && by_key) {  // one parent: the computed rows, of the keys asked for
      if (parent_pos > 0) return false;
      key_rows.clear();
      if (spec->computed->rows_of_text_key) {
        for (const std::string& k : text_keys) spec->computed->rows_of_text_key(computed.get(), k, key_rows);
      } else {
        for (int64_t k : keys) spec->computed->rows_of_key(computed.get(), k, key_rows);
      }
      child_count = static_cast<uint32_t>(key_rows.size());
      row.parent = 0;
      if (child_count == 0) return false;
      row.child = key_rows[0];
      return true;
    }
    for (;; parent_pos++) {
      uint32_t index;
      if (by_key) {
        if (parent_pos >= keys.size()) return false;
        if (!FindParent(p, spec->parent, keys[parent_pos], &index)) continue;
      } else {
        if (parent_pos >= ParentCount(p, spec->parent)) return false;
        index = static_cast<uint32_t>(parent_pos);
      }
      row.parent = index;
      row.child = 0;
      if (spec->computed) {
        child_count = spec->computed->row_count(computed.get());
      } else if (spec->expand_frames) {
        ExpandFrames(p, index, frames);
        child_count = static_cast<uint32_t>(frames.size());
      } else {
        child_count = spec->child_count ? spec->child_count(row) : 1;
      }
      if (child_count > 0) return true;
    }
  }

  // The dimensions' values to visit for the current profile: each one's
  // domain, narrowed to the values it was constrained to.
  void StartCombos() {
    combo_pos = 0;
    combo_count = 1;
    const size_t ndims = NumDims(*spec);
    dim_values.assign(ndims, {});
    for (size_t d = 0; d < ndims; d++) {
      for (std::string& v : spec->computed->dimensions[d].domain(*row.loaded)) {
        const auto& f = dim_filter[d];
        if (f && std::find(f->begin(), f->end(), v) == f->end()) continue;
        dim_values[d].push_back(std::move(v));
      }
      combo_count *= dim_values[d].size();
    }
  }

  // Moves to the first combination at or after combo_pos that has rows.
  Status SeekCombo() {
    for (; combo_pos < combo_count; combo_pos++) {
      if (spec->computed) {
        combo.assign(dim_values.size(), "");
        size_t rest = combo_pos;
        for (size_t d = dim_values.size(); d-- > 0;) {
          combo[d] = dim_values[d][rest % dim_values[d].size()];
          rest /= dim_values[d].size();
        }
        auto r = Compute();
        if (!r.ok()) return r;
      }
      parent_pos = 0;
      if (SeekParent()) return Status();
    }
    return Status();
  }

  // Moves to the first row of profile_pos or a later profile.
  Status SeekProfile() {
    for (; profile_pos < profiles.size(); profile_pos++) {
      row.loaded = profiles[profile_pos].get();
      row.p = row.loaded->profile.get();
      if (spec->computed) {
        StartCombos();
      } else {
        combo_pos = 0;
        combo_count = 1;
      }
      PPROF_RETURN_IF_ERROR(SeekCombo());
      if (combo_pos < combo_count) return Status();
    }
    return Status();
  }

  // Computes (or finds in the cache) a computed table's rows for this profile.
  Status Compute() {
    std::string key = fmt::format("{}\x1f{}\x1f{}\x1f{}", spec->computed->cache_name, row.loaded->id,
                                  static_cast<const void*>(row.p), registry->settings_generation);
    std::vector<std::string> args = params;
    args.insert(args.end(), combo.begin(), combo.end());
    for (const std::string& a : args) key += "\x1f" + a;
    computed = registry->CacheGet(key);
    if (!computed) {
      auto r = spec->computed->compute(*row.loaded, *registry, args);
      if (!r.ok()) {
        return Status::Error(fmt::format("{}: profile {} ({}): {}", spec->name, row.loaded->id, row.loaded->name,
                                         r.status().message()));
      }
      computed = std::move(r.value());
      registry->CachePut(key, computed);
    }
    row.computed = computed.get();
    return Status();
  }

  Status Next() {
    rowid++;
    if (++child_pos < child_count) {
      row.child = spec->computed && by_key ? key_rows[child_pos] : child_pos;
      return Status();
    }
    parent_pos++;
    if (SeekParent()) return Status();
    combo_pos++;
    PPROF_RETURN_IF_ERROR(SeekCombo());
    if (combo_pos < combo_count) return Status();
    profile_pos++;
    return SeekProfile();
  }
};

// Collects the value(s) of one argv entry: an IN list or a single value.
// The distinct values of an equality or IN constraint's value(s), sorted:
// `add` converts one value and appends it to the list, or drops it.
template <typename T, typename Add>
std::vector<T> DistinctValues(sqlite3_value* v, bool is_in, Add add) {
  std::vector<T> out;
  if (is_in) {
    sqlite3_value* x = nullptr;
    for (int rc = sqlite3_vtab_in_first(v, &x); rc == SQLITE_OK && x; rc = sqlite3_vtab_in_next(v, &x)) add(x, out);
  } else {
    add(v, out);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Texts, taken by their byte length (profile strings may hold NUL bytes);
// NULL equals nothing.
std::vector<std::string> TextValues(sqlite3_value* v, bool is_in) {
  return DistinctValues<std::string>(v, is_in, [](sqlite3_value* x, std::vector<std::string>& out) {
    if (sqlite3_value_type(x) == SQLITE_NULL) return;
    const unsigned char* t = sqlite3_value_text(x);
    out.emplace_back(t ? reinterpret_cast<const char*>(t) : "", static_cast<size_t>(sqlite3_value_bytes(x)));
  });
}

// Integer ids: only integers can match one; 1.0 is fine, 'abc' or 1.5 is not.
std::vector<int64_t> Values(sqlite3_value* v, bool is_in) {
  return DistinctValues<int64_t>(v, is_in, [](sqlite3_value* x, std::vector<int64_t>& out) {
    const int t = sqlite3_value_numeric_type(x);
    if (t == SQLITE_INTEGER) {
      out.push_back(sqlite3_value_int64(x));
    } else if (t == SQLITE_FLOAT) {
      const double d = sqlite3_value_double(x);
      if (d == static_cast<double>(static_cast<int64_t>(d))) out.push_back(static_cast<int64_t>(d));
    }
  });
}

int ConnectUnguarded(sqlite3* db, void* paux, sqlite3_vtab** out, char** err) {
  auto* aux = static_cast<ModuleAux*>(paux);
  std::string schema = "CREATE TABLE x(";
  for (size_t i = 0; i < aux->spec->columns.size(); i++) {
    if (i) schema += ", ";
    schema += aux->spec->columns[i].name;
    schema += " ";
    schema += aux->spec->columns[i].type;
  }
  if (aux->spec->computed) {
    for (const char* p : aux->spec->computed->params) schema += std::string(", ") + p + " TEXT HIDDEN";
  }
  schema += ")";
  int rc = sqlite3_declare_vtab(db, schema.c_str());
  if (rc != SQLITE_OK) {
    *err = sqlite3_mprintf("%s: %s", aux->spec->name, sqlite3_errmsg(db));
    return rc;
  }
  // Tables that only read profiles already in memory are harmless from a
  // view or trigger (loading files happens in pprof_load, which is
  // DIRECTONLY). Tables that read other files are DIRECTONLY, so a view or
  // trigger in a database someone else wrote cannot probe this machine's
  // files through them; TEMP views, such as the bundled reports, still can.
  sqlite3_vtab_config(db, aux->spec->reads_files ? SQLITE_VTAB_DIRECTONLY : SQLITE_VTAB_INNOCUOUS);
  auto* vt = new (std::nothrow) VTab();
  if (!vt) return SQLITE_NOMEM;
  vt->aux = aux;
  *out = vt;
  return SQLITE_OK;
}

// Every callback that builds strings can throw std::bad_alloc: none may
// cross into SQLite's C frames (Filter and Next use GuardVtab).
int Connect(sqlite3* db, void* paux, int, const char* const*, sqlite3_vtab** out, char** err) {
  try {
    return ConnectUnguarded(db, paux, out, err);
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (const std::exception& e) {
    *err = sqlite3_mprintf("%s", e.what());
    return SQLITE_ERROR;
  }
}

int Disconnect(sqlite3_vtab* vt) {
  delete static_cast<VTab*>(vt);
  return SQLITE_OK;
}

int BestIndexUnguarded(sqlite3_vtab* vt, sqlite3_index_info* info) {
  const ModuleAux* aux = static_cast<VTab*>(vt)->aux;
  int profile_c = -1, key_c = -1;
  for (int i = 0; i < info->nConstraint; i++) {
    const auto& c = info->aConstraint[i];
    if (!c.usable || c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
    if (c.iColumn == 0 && profile_c < 0) profile_c = i;
    if (aux->key_col >= 0 && c.iColumn == aux->key_col && key_c < 0) key_c = i;
  }
  int idx = 0, argv = 0;
  double cost = 1e6, rows = 1e6;
  const int ncols = static_cast<int>(aux->spec->columns.size());
  const int nparams = aux->spec->computed ? static_cast<int>(aux->spec->computed->params.size()) : 0;
  if (profile_c >= 0) {
    idx |= kProfileEq;
    info->aConstraintUsage[profile_c].argvIndex = ++argv;
    info->aConstraintUsage[profile_c].omit = 1;
    if (sqlite3_vtab_in(info, profile_c, -1)) {
      sqlite3_vtab_in(info, profile_c, 1);
      idx |= kProfileIn;
    }
    cost /= 10;
    rows /= 10;
  }
  if (key_c >= 0) {
    idx |= kKeyEq;
    info->aConstraintUsage[key_c].argvIndex = ++argv;
    info->aConstraintUsage[key_c].omit = 1;
    if (sqlite3_vtab_in(info, key_c, -1)) {
      sqlite3_vtab_in(info, key_c, 1);
      idx |= kKeyIn;
    }
    cost = profile_c >= 0 ? 5 : 20;
    rows = 10;
  }
  // Parameters of computed tables: an equality gives the value; a parameter
  // constrained in a way we cannot use makes this plan unusable.
  for (int j = 0; j < nparams; j++) {
    int usable = -1;
    bool unusable = false;
    for (int i = 0; i < info->nConstraint; i++) {
      const auto& c = info->aConstraint[i];
      if (c.iColumn != ncols + j) continue;
      if (c.usable && c.op == SQLITE_INDEX_CONSTRAINT_EQ) {
        if (usable < 0) usable = i;
      } else {
        unusable = true;
      }
    }
    if (usable >= 0) {
      idx |= kParam0 << j;
      info->aConstraintUsage[usable].argvIndex = ++argv;
      info->aConstraintUsage[usable].omit = 1;
    } else if (unusable) {
      return SQLITE_CONSTRAINT;
    }
  }
  // Dimensions: an equality or IN list narrows the computations to run; any
  // other constraint on one is SQLite's to check on the rows.
  for (size_t d = 0; d < NumDims(*aux->spec); d++) {
    for (int i = 0; i < info->nConstraint; i++) {
      const auto& c = info->aConstraint[i];
      if (!c.usable || c.op != SQLITE_INDEX_CONSTRAINT_EQ || c.iColumn < 0 ||
          aux->col_dim[static_cast<size_t>(c.iColumn)] != static_cast<int>(d)) {
        continue;
      }
      idx |= DimBit(*aux->spec, d);
      info->aConstraintUsage[i].argvIndex = ++argv;
      info->aConstraintUsage[i].omit = 1;
      if (sqlite3_vtab_in(info, i, -1)) {
        sqlite3_vtab_in(info, i, 1);
        idx |= DimBit(*aux->spec, d) << 1;
      }
      cost /= 4;
      rows /= 4;
      break;
    }
  }
  // One computation's rows come in the computed spec's row_order: an ORDER
  // BY on a prefix of it is ours to consume when the scan covers exactly one
  // computation (one profile, one value of each dimension, no key lookup).
  const ComputedSpec* cs = aux->spec->computed;
  bool one_computation = cs && !cs->row_order.empty() && (idx & kProfileEq) && !(idx & kProfileIn) && !(idx & kKeyEq);
  for (size_t d = 0; one_computation && d < NumDims(*aux->spec); d++) {
    one_computation = (idx & DimBit(*aux->spec, d)) && !(idx & (DimBit(*aux->spec, d) << 1));
  }
  if (one_computation && info->nOrderBy > 0 && static_cast<size_t>(info->nOrderBy) <= cs->row_order.size()) {
    bool prefix = true;
    for (int i = 0; prefix && i < info->nOrderBy; i++) {
      const auto& o = info->aOrderBy[i];
      prefix = !o.desc && o.iColumn >= 0 && o.iColumn < ncols &&
               std::strcmp(aux->spec->columns[static_cast<size_t>(o.iColumn)].name,
                           cs->row_order[static_cast<size_t>(i)]) == 0;
    }
    if (prefix) info->orderByConsumed = 1;
  }
  // Shown by EXPLAIN QUERY PLAN, e.g. "INDEX 3:profile_id=,sample_id=".
  std::string plan;
  if (idx & kProfileEq) plan += (idx & kProfileIn) ? "profile_id IN," : "profile_id=,";
  if (idx & kKeyEq) plan += std::string(aux->spec->key_column) + ((idx & kKeyIn) ? " IN," : "=,");
  for (int j = 0; j < nparams; j++) {
    if (idx & (kParam0 << j)) plan += std::string(aux->spec->computed->params[static_cast<size_t>(j)]) + "=,";
  }
  for (size_t d = 0; d < NumDims(*aux->spec); d++) {
    if (!(idx & DimBit(*aux->spec, d))) continue;
    plan += std::string(aux->spec->computed->dimensions[d].column) +
            ((idx & (DimBit(*aux->spec, d) << 1)) ? " IN," : "=,");
  }
  if (plan.empty()) plan = "scan,";
  plan.pop_back();
  info->idxNum = idx;
  info->idxStr = sqlite3_mprintf("%s", plan.c_str());
  info->needToFreeIdxStr = 1;
  info->estimatedCost = cost;
  info->estimatedRows = static_cast<sqlite3_int64>(rows);
  return SQLITE_OK;
}

int BestIndex(sqlite3_vtab* vt, sqlite3_index_info* info) {
  return GuardVtab(vt, [&] { return BestIndexUnguarded(vt, info); });
}

int Open(sqlite3_vtab* vt, sqlite3_vtab_cursor** out) {
  auto* c = new (std::nothrow) Cursor();
  if (!c) return SQLITE_NOMEM;
  c->spec = static_cast<VTab*>(vt)->aux->spec;
  c->registry = static_cast<VTab*>(vt)->aux->registry.get();
  c->row.frames = &c->frames;
  *out = c;
  return SQLITE_OK;
}

int Close(sqlite3_vtab_cursor* c) {
  delete static_cast<Cursor*>(c);
  return SQLITE_OK;
}

int Filter(sqlite3_vtab_cursor* cur, int idx, const char*, int argc, sqlite3_value** argv) {
  auto* c = static_cast<Cursor*>(cur);
  const ModuleAux* aux = static_cast<VTab*>(cur->pVtab)->aux;
  return GuardVtab(cur->pVtab, [&] {
    int arg = 0;
    c->profiles.clear();
    if (idx & kProfileEq) {
      if (arg >= argc) return SetVtabError(cur->pVtab, "internal error: missing profile_id argument");
      for (int64_t id : Values(argv[arg++], idx & kProfileIn)) {
        if (LoadedPtr p = aux->registry->Find(id)) c->profiles.push_back(std::move(p));
      }
    } else {
      c->profiles = aux->registry->All();
    }
    c->by_key = (idx & kKeyEq) != 0;
    if (c->by_key) {
      if (arg >= argc) return SetVtabError(cur->pVtab, "internal error: missing key argument");
      if (aux->spec->computed && aux->spec->computed->rows_of_text_key) {
        c->text_keys = TextValues(argv[arg++], idx & kKeyIn);
      } else {
        c->keys = Values(argv[arg++], idx & kKeyIn);
      }
    }
    c->params.clear();
    if (aux->spec->computed) {
      for (size_t j = 0; j < aux->spec->computed->params.size(); j++) {
        std::string v;
        if ((idx & (kParam0 << j)) && arg < argc) {
          // Taken by its byte length: profile strings may hold NUL bytes.
          sqlite3_value* x = argv[arg++];
          if (const unsigned char* t = sqlite3_value_text(x)) {
            v.assign(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_value_bytes(x)));
          }
        }
        c->params.push_back(std::move(v));
      }
    }
    c->dim_filter.assign(NumDims(*aux->spec), std::nullopt);
    for (size_t d = 0; d < c->dim_filter.size(); d++) {
      const int bit = DimBit(*aux->spec, d);
      if (!(idx & bit)) continue;
      if (arg >= argc) return SetVtabError(cur->pVtab, "internal error: missing dimension argument");
      std::vector<std::string> values;
      const int col = static_cast<int>(std::find(aux->col_dim.begin(), aux->col_dim.end(), static_cast<int>(d)) -
                                       aux->col_dim.begin());
      const bool integer = std::strcmp(aux->spec->columns[static_cast<size_t>(col)].type, "INTEGER") == 0;
      auto add = [&](sqlite3_value* x) {
        // NULL equals nothing. An INTEGER dimension equals numbers of its
        // value (1, 1.0, '1'); the others compare as text.
        const int t = sqlite3_value_numeric_type(x);
        if (integer && (t == SQLITE_INTEGER || t == SQLITE_FLOAT)) {
          const double v = sqlite3_value_double(x);
          if (t == SQLITE_INTEGER) {
            values.push_back(std::to_string(sqlite3_value_int64(x)));
          } else if (v == static_cast<double>(static_cast<int64_t>(v))) {
            values.push_back(std::to_string(static_cast<int64_t>(v)));
          }
        } else if (const unsigned char* text = sqlite3_value_text(x)) {
          // By byte length: a sample type or name may hold a NUL byte.
          values.emplace_back(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_value_bytes(x)));
        }
      };
      sqlite3_value* v = argv[arg++];
      if (idx & (bit << 1)) {
        sqlite3_value* x = nullptr;
        for (int rc = sqlite3_vtab_in_first(v, &x); rc == SQLITE_OK && x; rc = sqlite3_vtab_in_next(v, &x)) add(x);
      } else {
        add(v);
      }
      c->dim_filter[d] = std::move(values);
    }
    c->profile_pos = 0;
    c->rowid = 0;
    Status st = c->SeekProfile();
    if (!st.ok()) return SetVtabError(cur->pVtab, st.message());
    return SQLITE_OK;
  });
}

int Next(sqlite3_vtab_cursor* cur) {
  return GuardVtab(cur->pVtab, [&] {
    Status st = static_cast<Cursor*>(cur)->Next();
    return st.ok() ? SQLITE_OK : SetVtabError(cur->pVtab, st.message());
  });
}

int Eof(sqlite3_vtab_cursor* cur) { return static_cast<Cursor*>(cur)->Eof(); }

int Column(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int i) {
  auto* c = static_cast<Cursor*>(cur);
  return GuardVtab(cur->pVtab, [&] {
    const size_t ncols = c->spec->columns.size();
    if (static_cast<size_t>(i) >= ncols) {  // a computed table's parameter
      ResultText(ctx, c->params[static_cast<size_t>(i) - ncols]);
      return SQLITE_OK;
    }
    const int d = static_cast<VTab*>(cur->pVtab)->aux->col_dim[static_cast<size_t>(i)];
    if (d >= 0) {
      const std::string& v = c->combo[static_cast<size_t>(d)];
      if (std::strcmp(c->spec->columns[static_cast<size_t>(i)].type, "INTEGER") == 0) {
        sqlite3_result_int64(ctx, std::strtoll(v.c_str(), nullptr, 10));
      } else {
        ResultText(ctx, v);
      }
      return SQLITE_OK;
    }
    c->spec->columns[static_cast<size_t>(i)].emit(ctx, c->row);
    return SQLITE_OK;
  });
}

int Rowid(sqlite3_vtab_cursor* cur, sqlite3_int64* rowid) {
  *rowid = static_cast<Cursor*>(cur)->rowid;
  return SQLITE_OK;
}

sqlite3_module MakeModule() {
  sqlite3_module m{};
  m.iVersion = 0;
  m.xCreate = nullptr;  // eponymous-only: the tables exist in every schema, no CREATE VIRTUAL TABLE
  m.xConnect = Connect;
  m.xBestIndex = BestIndex;
  m.xDisconnect = Disconnect;
  m.xDestroy = Disconnect;
  m.xOpen = Open;
  m.xClose = Close;
  m.xFilter = Filter;
  m.xNext = Next;
  m.xEof = Eof;
  m.xColumn = Column;
  m.xRowid = Rowid;
  return m;
}

const sqlite3_module kModule = MakeModule();

}  // namespace

std::string RealTableColumns(const TableSpec& spec) {
  std::string cols;
  for (const ColumnSpec& c : spec.columns) cols += std::string(cols.empty() ? "" : ", ") + c.name + " " + c.type;
  if (spec.computed) {
    for (const char* p : spec.computed->params) cols += std::string(", ") + p + " TEXT";
  }
  return cols;
}

int RegisterTables(sqlite3* db, const std::shared_ptr<Registry>& registry, const std::string& prefix) {
  for (const TableSpec& spec : AllTables()) {
    auto* aux = new ModuleAux{&spec, registry, -1, std::vector<int>(spec.columns.size(), -1)};
    for (size_t d = 0; d < NumDims(spec); d++) {
      for (size_t i = 0; i < spec.columns.size(); i++) {
        if (std::strcmp(spec.columns[i].name, spec.computed->dimensions[d].column) == 0) {
          aux->col_dim[i] = static_cast<int>(d);
        }
      }
    }
    // A computed table's key needs its lookup.
    if (spec.computed && spec.key_column && !spec.computed->rows_of_key && !spec.computed->rows_of_text_key) {
      delete aux;
      return SQLITE_INTERNAL;
    }
    // Only a dimension's column may go without an emit function.
    for (size_t i = 0; i < spec.columns.size(); i++) {
      if (!spec.columns[i].emit && aux->col_dim[i] < 0) {
        delete aux;
        return SQLITE_INTERNAL;
      }
    }
    if (spec.key_column) {
      for (size_t i = 0; i < spec.columns.size(); i++) {
        if (std::strcmp(spec.columns[i].name, spec.key_column) == 0) aux->key_col = static_cast<int>(i);
      }
    }
    int rc = sqlite3_create_module_v2(db, (prefix + spec.name).c_str(), &kModule, aux,
                                      [](void* p) { delete static_cast<ModuleAux*>(p); });
    if (rc != SQLITE_OK) return rc;  // SQLite calls the destructor on failure too
  }
  return SQLITE_OK;
}

}  // namespace pprofsql
