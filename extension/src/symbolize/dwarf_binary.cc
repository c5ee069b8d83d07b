#include "symbolize/dwarf_binary.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "base/path.h"

namespace pprofsql {

struct DwarfBinary::DebugSearch {
  std::string elf_path;
  std::string build_id;
  std::vector<std::string> dirs;
  std::string found;  // the debug file used
};

namespace {

// zlib's crc32 is the CRC that .gnu_debuglink records.
bool FileCrcIs(int fd, uint32_t want) {
  uLong crc = crc32(0L, Z_NULL, 0);
  char buf[1 << 16];
  off_t pos = 0;
  for (;;) {
    ssize_t n = pread(fd, buf, sizeof(buf), pos);
    if (n < 0) return false;
    if (n == 0) break;
    crc = crc32(crc, reinterpret_cast<const Bytef*>(buf), static_cast<uInt>(n));
    pos += n;
  }
  return static_cast<uint32_t>(crc) == want;
}

// libdwfl calls this when the binary has no DWARF of its own. Returns a
// descriptor (libdwfl takes it) of a debug file whose build ID matches the
// binary's (or, without build IDs, whose CRC matches the debuglink), or -1.
int FindDebugInfo(Dwfl_Module*, void** userdata, const char*, Dwarf_Addr, const char* file_name,
                  const char* debuglink, GElf_Word debuglink_crc, char** debuginfo_file_name) {
  auto* s = static_cast<DwarfBinary::DebugSearch*>(*userdata);
  if (s == nullptr) return -1;
  std::vector<std::string> candidates;
  if (s->build_id.size() > 2) {
    std::string rest = s->build_id.substr(0, 2) + "/" + s->build_id.substr(2) + ".debug";
    for (const std::string& d : s->dirs) candidates.push_back(JoinPath(d, ".build-id/" + rest));
  }
  if (debuglink != nullptr && *debuglink != '\0' && std::strchr(debuglink, '/') == nullptr) {
    std::string dir = DirName(s->elf_path);
    candidates.push_back(JoinPath(dir, debuglink));
    candidates.push_back(JoinPath(dir, std::string(".debug/") + debuglink));
    for (const std::string& d : s->dirs) candidates.push_back(JoinPath(JoinPath(d, dir), debuglink));
  }
  for (const std::string& c : candidates) {
    if (file_name != nullptr && c == file_name) continue;
    auto f = ElfFile::Open(c);
    if (!f.ok()) continue;
    bool match = !s->build_id.empty() ? (*f)->build_id() == s->build_id
                                      : debuglink != nullptr && FileCrcIs((*f)->fd(), debuglink_crc);
    if (!match) continue;
    int fd = dup((*f)->fd());
    if (fd < 0) continue;
    s->found = c;
    *debuginfo_file_name = strdup(c.c_str());
    return fd;
  }
  return -1;
}

int NoFindElf(Dwfl_Module*, void**, const char*, Dwarf_Addr, char**, Elf**) { return -1; }

const Dwfl_Callbacks kCallbacks = {NoFindElf, FindDebugInfo, nullptr, nullptr};

const char* AttrString(Dwarf_Die* die, unsigned int name) {
  Dwarf_Attribute a;
  if (dwarf_attr_integrate(die, name, &a) == nullptr) return nullptr;
  return dwarf_formstring(&a);
}

bool MangledLanguage(Dwarf_Die* cu) {
  int lang = dwarf_srclang(cu);
  return lang == DW_LANG_C_plus_plus || lang == DW_LANG_C_plus_plus_03 || lang == DW_LANG_C_plus_plus_11 ||
         lang == DW_LANG_C_plus_plus_14;
}

// The name addr2line prints for a function DIE: its linkage name, following
// DW_AT_abstract_origin and DW_AT_specification. A C++ function without one
// (internal linkage, e.g. in an anonymous namespace, or main) takes the name
// of the ELF symbol that starts at its entry (its low pc, else its first
// range), as binutils does, so that `(anonymous namespace)::Phase(unsigned
// int, int)` keeps its parameters and its .cold part the same name; else
// DW_AT_name.
template <typename SymbolAtFn>
std::string DieName(const SymbolAtFn& symbol_at, Dwarf_Die* cu, Dwarf_Die* die, Dwarf_Addr bias) {
  const char* n = AttrString(die, DW_AT_linkage_name);
  if (n == nullptr) n = AttrString(die, DW_AT_MIPS_linkage_name);
  if (n != nullptr) return n;
  if (MangledLanguage(cu)) {
    Dwarf_Addr entry = 0;
    bool have = dwarf_lowpc(die, &entry) == 0;
    if (!have) {
      Dwarf_Addr base = 0, end = 0;
      have = dwarf_ranges(die, 0, &base, &entry, &end) > 0;
    }
    if (have) {
      if (const char* s = symbol_at(entry + bias)) return s;
    }
  }
  n = AttrString(die, DW_AT_name);
  return n ? n : "";
}

bool IsCodeScope(int tag) {
  return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block ||
         tag == DW_TAG_try_block || tag == DW_TAG_catch_block || tag == DW_TAG_entry_point;
}

bool IsContainer(int tag) {
  return tag == DW_TAG_namespace || tag == DW_TAG_class_type || tag == DW_TAG_structure_type ||
         tag == DW_TAG_union_type || tag == DW_TAG_module;
}

// Appends to `chain`, outermost first, the subprogram and inlined-subroutine
// DIEs under `parent` whose ranges contain `pc`. Depth-limited: hostile
// DWARF cannot exhaust the stack.
bool WalkScopes(Dwarf_Die* parent, Dwarf_Addr pc, std::vector<Dwarf_Die>& chain, int depth) {
  if (depth > 200) return false;
  Dwarf_Die child;
  if (dwarf_child(parent, &child) != 0) return false;
  do {
    int tag = dwarf_tag(&child);
    if (IsCodeScope(tag)) {
      if (dwarf_haspc(&child, pc) == 1) {
        if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine || tag == DW_TAG_entry_point) {
          chain.push_back(child);
        }
        WalkScopes(&child, pc, chain, depth + 1);
        return true;
      }
    } else if (IsContainer(tag)) {
      if (WalkScopes(&child, pc, chain, depth + 1)) return true;
    }
  } while (dwarf_siblingof(&child, &child) == 0);
  return false;
}

// Collects the ranges of the functions under `parent`, looking through
// namespaces and classes but not into functions.
void CollectFunctions(Dwarf_Die* parent, std::vector<std::pair<std::pair<Dwarf_Addr, Dwarf_Addr>, Dwarf_Die>>& out,
                      int depth) {
  if (depth > 200) return;
  Dwarf_Die child;
  if (dwarf_child(parent, &child) != 0) return;
  do {
    int tag = dwarf_tag(&child);
    if (tag == DW_TAG_subprogram || tag == DW_TAG_entry_point) {
      Dwarf_Addr base = 0, start = 0, end = 0;
      ptrdiff_t it = 0;
      int guard = 0;
      while ((it = dwarf_ranges(&child, it, &base, &start, &end)) > 0 && guard++ < 100000) {
        if (end > start) out.push_back({{start, end}, child});
      }
    } else if (IsContainer(tag)) {
      CollectFunctions(&child, out, depth + 1);
    }
  } while (dwarf_siblingof(&child, &child) == 0);
}

}  // namespace

struct DwarfBinary::FunctionRange {
  Dwarf_Addr start, end;
  Dwarf_Die die;
};

const std::vector<DwarfBinary::FunctionRange>& DwarfBinary::FunctionRanges(void* cu_die) {
  auto* cu = static_cast<Dwarf_Die*>(cu_die);
  auto [it, added] = cu_functions_.emplace(dwarf_dieoffset(cu), std::vector<FunctionRange>());
  if (added) {
    std::vector<std::pair<std::pair<Dwarf_Addr, Dwarf_Addr>, Dwarf_Die>> found;
    CollectFunctions(cu, found, 0);
    for (auto& f : found) it->second.push_back({f.first.first, f.first.second, f.second});
    std::sort(it->second.begin(), it->second.end(),
              [](const FunctionRange& a, const FunctionRange& b) { return a.start < b.start; });
  }
  return it->second;
}

Result<std::unique_ptr<DwarfBinary>> DwarfBinary::Open(const ElfFile& elf, const std::vector<std::string>& debug_dirs) {
  std::unique_ptr<DwarfBinary> b(new DwarfBinary());
  b->search_ = std::make_unique<DebugSearch>();
  b->search_->elf_path = elf.path();
  b->search_->build_id = elf.build_id();
  b->search_->dirs = debug_dirs;
  b->dwfl_ = dwfl_begin(&kCallbacks);
  if (b->dwfl_ == nullptr) return Status::Error(fmt::format("{}: libdwfl: {}", elf.path(), dwfl_errmsg(-1)));
  int fd = dup(elf.fd());
  if (fd < 0) return Status::Error(fmt::format("{}: {}", elf.path(), std::strerror(errno)));
  dwfl_report_begin(b->dwfl_);
  // Base 0 relative to p_vaddr: module addresses are the file's own ELF
  // virtual addresses (bias 0) for ET_DYN as for ET_EXEC.
  b->mod_ = dwfl_report_elf(b->dwfl_, elf.path().c_str(), elf.path().c_str(), fd, 0, true);
  if (b->mod_ == nullptr) {
    close(fd);
    return Status::Error(fmt::format("{}: cannot read the ELF file: {}", elf.path(), dwfl_errmsg(-1)));
  }
  dwfl_report_end(b->dwfl_, nullptr, nullptr);
  void** userdata = nullptr;
  dwfl_module_info(b->mod_, &userdata, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
  if (userdata != nullptr) *userdata = b->search_.get();
  return b;
}

DwarfBinary::~DwarfBinary() {
  if (dwfl_) dwfl_end(dwfl_);
}

const std::string& DwarfBinary::debug_file() const { return search_->found; }

SymResult DwarfBinary::Lookup(uint64_t vaddr) {
  SymResult r;
  std::string file;
  int64_t line = 0;
  Dwarf_Addr bias = 0;
  Dwarf_Die* cu = dwfl_module_addrdie(mod_, vaddr, &bias);
  std::string comp_dir;
  if (cu != nullptr) {
    if (const char* d = AttrString(cu, DW_AT_comp_dir)) comp_dir = d;
  }
  auto full_path = [&](const char* f) -> std::string {
    if (f == nullptr) return "";
    if (f[0] == '/' || comp_dir.empty()) return f;
    return JoinPath(comp_dir, f);
  };
  if (cu != nullptr) {
    if (Dwfl_Line* l = dwfl_module_getsrc(mod_, vaddr)) {
      Dwarf_Addr at = 0;
      int lineno = 0;
      if (const char* src = dwfl_lineinfo(l, &at, &lineno, nullptr, nullptr, nullptr)) {
        file = full_path(src);
        line = lineno;
        r.from_dwarf = true;
      }
    }
  }
  auto symbol_at = [this](uint64_t addr) -> const char* {
    const Symbol* s = SymbolStarting(addr);
    return s ? s->name : nullptr;
  };
  std::vector<Dwarf_Die> chain;
  if (cu != nullptr) {
    const Dwarf_Addr pc = vaddr - bias;
    const std::vector<FunctionRange>& fns = FunctionRanges(cu);
    auto it = std::upper_bound(fns.begin(), fns.end(), pc,
                               [](Dwarf_Addr a, const FunctionRange& f) { return a < f.start; });
    // The innermost (last starting) function range holding pc.
    for (int looked = 0; it != fns.begin() && looked < 64; looked++) {
      --it;
      if (pc < it->end) {
        Dwarf_Die die = it->die;
        chain.push_back(die);
        WalkScopes(&die, pc, chain, 1);
        break;
      }
    }
  }
  if (!chain.empty()) {
    r.from_dwarf = true;
    Dwarf_Files* files = nullptr;
    size_t nfiles = 0;
    if (dwarf_getsrcfiles(cu, &files, &nfiles) != 0) files = nullptr;
    for (size_t i = chain.size(); i-- > 0;) {
      Dwarf_Die* die = &chain[i];
      std::string name = DieName(symbol_at, cu, die, bias);
      if (name.empty()) {
        // A function without a name: the ELF symbol names it.
        if (const Symbol* s = SymbolContaining(vaddr)) name = s->name;
      }
      r.frames.push_back({name, file, line});
      if (dwarf_tag(die) != DW_TAG_inlined_subroutine) break;
      Dwarf_Attribute a;
      Dwarf_Word call_file = 0, call_line = 0;
      if (dwarf_attr(die, DW_AT_call_file, &a) == nullptr || dwarf_formudata(&a, &call_file) != 0) call_file = 0;
      if (dwarf_attr(die, DW_AT_call_line, &a) == nullptr || dwarf_formudata(&a, &call_line) != 0) call_line = 0;
      file = files != nullptr && call_file < nfiles ? full_path(dwarf_filesrc(files, call_file, nullptr, nullptr)) : "";
      line = static_cast<int64_t>(call_line);
    }
    return r;
  }
  // No function DIE here (assembly, or no DWARF at all): the ELF symbol
  // names the function, the line table (if any) gives file and line.
  const Symbol* s = SymbolContaining(vaddr);
  if (s != nullptr) {
    r.frames.push_back({s->name, file, line});
  } else if (!file.empty()) {
    r.frames.push_back({"", file, line});
  }
  return r;
}

}  // namespace pprofsql

namespace pprofsql {

// The module's function symbols (symtab of the binary or its debug file,
// else dynsym), sorted once: libdwfl's own lookup scans them all each time.
void DwarfBinary::LoadSymbols() {
  symbols_loaded_ = true;
  int n = dwfl_module_getsymtab(mod_);
  for (int i = 1; i < n; i++) {
    GElf_Sym sym;
    GElf_Addr addr = 0;
    GElf_Word shndx = 0;
    const char* name = dwfl_module_getsym_info(mod_, i, &sym, &addr, &shndx, nullptr, nullptr);
    if (name == nullptr || *name == '\0' || sym.st_shndx == SHN_UNDEF) continue;
    int type = GELF_ST_TYPE(sym.st_info), bind = GELF_ST_BIND(sym.st_info);
    if (type != STT_FUNC && type != STT_GNU_IFUNC) continue;
    int rank = bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
    symbols_.push_back({addr, sym.st_size, rank, name});
  }
  std::stable_sort(symbols_.begin(), symbols_.end(), [](const Symbol& a, const Symbol& b) {
    return a.addr != b.addr ? a.addr < b.addr : a.rank < b.rank;
  });
}

const DwarfBinary::Symbol* DwarfBinary::SymbolStarting(uint64_t addr) {
  if (!symbols_loaded_) LoadSymbols();
  auto it = std::lower_bound(symbols_.begin(), symbols_.end(), addr,
                             [](const Symbol& s, uint64_t a) { return s.addr < a; });
  return it != symbols_.end() && it->addr == addr ? &*it : nullptr;
}

const DwarfBinary::Symbol* DwarfBinary::SymbolContaining(uint64_t addr) {
  if (!symbols_loaded_) LoadSymbols();
  auto it = std::upper_bound(symbols_.begin(), symbols_.end(), addr,
                             [](uint64_t a, const Symbol& s) { return a < s.addr; });
  if (it == symbols_.begin()) return nullptr;
  // The best-ranked symbol at the nearest address at or below `addr` that
  // contains it; nested or overlapping symbols are looked at a little further back.
  const Symbol* nearest = nullptr;
  int looked = 0;
  for (auto p = it; p != symbols_.begin() && looked < 64; looked++) {
    --p;
    if (nearest == nullptr) nearest = &*p;
    if (p->addr + p->size > addr) {
      // The first (best-ranked) symbol at this address.
      while (p != symbols_.begin() && (p - 1)->addr == p->addr && (p - 1)->addr + (p - 1)->size > addr) --p;
      return &*p;
    }
  }
  if (nearest != nullptr && nearest->size == 0) {
    auto p = symbols_.begin() + (nearest - symbols_.data());
    while (p != symbols_.begin() && (p - 1)->addr == p->addr) --p;
    return &*p;
  }
  return nullptr;
}

}  // namespace pprofsql
