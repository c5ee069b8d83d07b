// One ELF file opened for symbolization: its type, build ID and loadable
// segments, read with Debian's libelf (elfutils). The file descriptor and
// the Elf handle are owned here and released in the destructor.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

typedef struct Elf Elf;

namespace pprofsql {

struct ElfSegment {
  uint64_t offset = 0, vaddr = 0, filesz = 0, memsz = 0;
  bool executable = false;
};

class ElfFile {
 public:
  // Opens `path` and checks that it is an ELF executable or shared object
  // (ET_EXEC or ET_DYN). The error says what is wrong, starting with the path.
  static Result<std::unique_ptr<ElfFile>> Open(const std::string& path);
  ~ElfFile();
  ElfFile(const ElfFile&) = delete;
  ElfFile& operator=(const ElfFile&) = delete;

  const std::string& path() const { return path_; }
  int fd() const { return fd_; }
  Elf* elf() const { return elf_; }
  bool is_executable() const { return type_ == 2; }  // ET_EXEC, else ET_DYN
  // NT_GNU_BUILD_ID as lower-case hex, "" if the file has none.
  const std::string& build_id() const { return build_id_; }
  const std::vector<ElfSegment>& loads() const { return loads_; }

  // The ELF virtual address of `address`, a run-time address inside a
  // mapping of this file at [start, limit) from file offset `file_offset`.
  // ET_EXEC files run at their link addresses; ET_DYN files (PIE
  // executables, shared libraries) are relocated by the mapping: the
  // PT_LOAD segment holding `file_offset` gives the offset-to-address delta.
  Result<uint64_t> ElfAddress(uint64_t address, uint64_t start, uint64_t file_offset) const;

 private:
  ElfFile() = default;
  std::string path_;
  int fd_ = -1;
  Elf* elf_ = nullptr;
  int type_ = 0;
  std::string build_id_;
  std::vector<ElfSegment> loads_;
};

// Lower-case hex of `n` bytes.
std::string HexString(const void* bytes, size_t n);

}  // namespace pprofsql
