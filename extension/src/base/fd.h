// RAII for a file descriptor.
#pragma once

#include <unistd.h>

namespace pprofsql {

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) close(fd);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
};

}  // namespace pprofsql
