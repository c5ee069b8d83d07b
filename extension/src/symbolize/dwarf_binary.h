// Address-to-source lookups in one binary through elfutils' libdwfl/libdw:
// DWARF line tables and inline scopes, with the ELF symbol table as the
// fallback for code without debug information. The separate debug file
// (build-id directories, .gnu_debuglink) is found by this code, not by
// libdwfl's standard callback, so that nothing is fetched over the network
// (debuginfod) and every file used is checked against the binary's build ID.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "symbolize/elf_file.h"

typedef struct Dwfl Dwfl;
typedef struct Dwfl_Module Dwfl_Module;

namespace pprofsql {

// One frame at an address, as the binary names it: `name` is the linkage
// (mangled) name when the DWARF has one, else DW_AT_name, else the ELF
// symbol's name.
struct SymFrame {
  std::string name;
  std::string file;
  int64_t line = 0;
};

struct SymResult {
  std::vector<SymFrame> frames;  // [0] the innermost inlined callee, last the outer function
  bool from_dwarf = false;       // line or scope information came from DWARF
};

class DwarfBinary {
 public:
  // `elf` stays owned by the caller and must outlive nothing here: the
  // module gets its own descriptor. `debug_dirs` are searched for
  // .build-id/xx/rest.debug and debuglink files.
  static Result<std::unique_ptr<DwarfBinary>> Open(const ElfFile& elf, const std::vector<std::string>& debug_dirs);
  ~DwarfBinary();
  DwarfBinary(const DwarfBinary&) = delete;
  DwarfBinary& operator=(const DwarfBinary&) = delete;

  // Frames at ELF virtual address `vaddr`; empty if nothing is known there.
  SymResult Lookup(uint64_t vaddr);
  // The separate debug file used, if any.
  const std::string& debug_file() const;

  struct DebugSearch;

 private:
  struct Symbol {
    uint64_t addr, size;
    int rank;  // lower is preferred among symbols at one address
    const char* name;
  };
  DwarfBinary() = default;
  void LoadSymbols();
  // The function symbol containing `addr` (sized), else the nearest one
  // before it without a size; null if none.
  const Symbol* SymbolContaining(uint64_t addr);
  // The function symbol starting at `addr`, or null.
  const Symbol* SymbolStarting(uint64_t addr);
  // Per compile unit (by DIE offset): the address ranges of its functions,
  // sorted, found once (a C++ unit declares thousands of DIEs in namespace
  // std that a walk per address would visit again and again).
  struct FunctionRange;
  const std::vector<FunctionRange>& FunctionRanges(void* cu_die);
  std::unordered_map<uint64_t, std::vector<FunctionRange>> cu_functions_;
  bool symbols_loaded_ = false;
  std::vector<Symbol> symbols_;  // by address, then rank
  Dwfl* dwfl_ = nullptr;
  Dwfl_Module* mod_ = nullptr;
  std::unique_ptr<DebugSearch> search_;
};

}  // namespace pprofsql
