#include "symbolize/elf_file.h"

#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace pprofsql {

std::string HexString(const void* bytes, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  const auto* b = static_cast<const unsigned char*>(bytes);
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; i++) {
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 15];
  }
  return out;
}

Result<std::unique_ptr<ElfFile>> ElfFile::Open(const std::string& path) {
  static const bool elf_ready = elf_version(EV_CURRENT) != EV_NONE;
  if (!elf_ready) return Status::Error("libelf: version mismatch");
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return Status::Error(fmt::format("{}: {}", path, std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) return Status::Error(fmt::format("{}: not a regular file", path));
  std::unique_ptr<ElfFile> f(new ElfFile());
  f->path_ = path;
  f->fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f->fd_ < 0) return Status::Error(fmt::format("{}: {}", path, std::strerror(errno)));
  // Read, not mmap: a file truncated or rewritten while we look at it then
  // gives an error, not SIGBUS.
  f->elf_ = elf_begin(f->fd_, ELF_C_READ, nullptr);
  if (f->elf_ == nullptr || elf_kind(f->elf_) != ELF_K_ELF) {
    return Status::Error(fmt::format("{}: not an ELF file", path));
  }
  GElf_Ehdr ehdr;
  if (gelf_getehdr(f->elf_, &ehdr) == nullptr) {
    return Status::Error(fmt::format("{}: corrupt ELF header: {}", path, elf_errmsg(-1)));
  }
  if (ehdr.e_type != ET_EXEC && ehdr.e_type != ET_DYN) {
    const char* what = ehdr.e_type == ET_REL ? "a relocatable object" : ehdr.e_type == ET_CORE ? "a core file" : "of an unknown type";
    return Status::Error(fmt::format("{}: the ELF file is {}, not an executable or shared library", path, what));
  }
  f->type_ = ehdr.e_type;
  size_t phnum = 0;
  if (elf_getphdrnum(f->elf_, &phnum) != 0) {
    return Status::Error(fmt::format("{}: corrupt ELF program headers: {}", path, elf_errmsg(-1)));
  }
  for (size_t i = 0; i < phnum; i++) {
    GElf_Phdr ph;
    if (gelf_getphdr(f->elf_, static_cast<int>(i), &ph) == nullptr) {
      return Status::Error(fmt::format("{}: corrupt ELF program header {}: {}", path, i, elf_errmsg(-1)));
    }
    if (ph.p_type != PT_LOAD) continue;
    f->loads_.push_back({ph.p_offset, ph.p_vaddr, ph.p_filesz, ph.p_memsz, (ph.p_flags & PF_X) != 0});
  }
  if (f->loads_.empty()) return Status::Error(fmt::format("{}: the ELF file has no loadable segment", path));
  const void* id = nullptr;
  ssize_t n = dwelf_elf_gnu_build_id(f->elf_, &id);
  if (n > 0) f->build_id_ = HexString(id, static_cast<size_t>(n));
  return f;
}

ElfFile::~ElfFile() {
  if (elf_) elf_end(elf_);
  if (fd_ >= 0) close(fd_);
}

Result<uint64_t> ElfFile::ElfAddress(uint64_t address, uint64_t start, uint64_t file_offset) const {
  if (type_ == ET_EXEC) return address;
  // A mapping starts at a page boundary of the file: the segment holding its
  // offset is the one whose page-aligned range contains it.
  for (uint64_t page : {uint64_t{4096}, uint64_t{65536}}) {
    for (const ElfSegment& s : loads_) {
      uint64_t first = s.offset & ~(page - 1);
      if (file_offset >= first && file_offset < s.offset + std::max(s.filesz, uint64_t{1})) {
        return address - start + file_offset + (s.vaddr - s.offset);
      }
    }
  }
  if (start == 0 && file_offset == 0) return address;  // addresses already relative to the file
  return Status::Error(fmt::format("{}: the mapping's file offset {:#x} is in no loadable segment", path_, file_offset));
}

}  // namespace pprofsql
