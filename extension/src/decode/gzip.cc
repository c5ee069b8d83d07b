#include <zlib.h>

#include <algorithm>
#include <memory>

#include "decode/reader.h"

namespace pprofsql {
namespace {

struct InflateDeleter {
  void operator()(z_stream* z) const {
    inflateEnd(z);
    delete z;
  }
};
using InflatePtr = std::unique_ptr<z_stream, InflateDeleter>;

std::string HumanBytes(uint64_t n) {
  if (n >= (uint64_t{1} << 30) && n % (uint64_t{1} << 30) == 0) return std::to_string(n >> 30) + " GiB";
  if (n >= (uint64_t{1} << 20) && n % (uint64_t{1} << 20) == 0) return std::to_string(n >> 20) + " MiB";
  return std::to_string(n) + " bytes";
}

// zlib's own messages ("invalid block type", "incorrect data check") say
// little on their own: say first that the gzip data is corrupt.
Status Corrupt(const z_stream& z) {
  std::string msg = "decompressing profile: corrupt gzip data";
  if (z.msg) msg += std::string(": ") + z.msg;
  return Status::Error(msg);
}

}  // namespace

Result<std::string> MaybeGunzip(std::string_view data, const ReadLimits& limits) {
  const uint64_t max = limits.max_profile_bytes;
  auto too_big = [&] {
    return Status::LimitExceeded("profile is larger than the limit of " + HumanBytes(max) +
                         " once decompressed (raise it with pprof_config('max_profile_bytes', N))");
  };
  if (data.size() < 2 || static_cast<unsigned char>(data[0]) != 0x1f ||
      static_cast<unsigned char>(data[1]) != 0x8b) {
    if (data.size() > max) return too_big();
    return std::string(data);
  }
  InflatePtr z(new z_stream{});
  // 16 + MAX_WBITS: expect a gzip header and trailer.
  if (inflateInit2(z.get(), 16 + MAX_WBITS) != Z_OK) {
    z.reset();  // inflateEnd on an uninitialised stream is harmless but pointless
    return Status::Error("decompressing profile: cannot initialise zlib");
  }
  // The output is appended chunk by chunk to a string reserved at the size
  // the gzip trailer states (ISIZE, the last member's size mod 2^32), so that
  // an honest file is decompressed into exactly its size: growing by doubling
  // would hold up to three times the output at the last copy (1.5 GB for
  // 500 MB). A false ISIZE costs no more than an honest file of its size
  // could (deflate expands at most 1032:1; the reserve is address space,
  // not touched until written), and a wrong one only means growing.
  std::string out;
  const uint64_t isize = data.size() >= 18 ? (static_cast<uint64_t>(static_cast<unsigned char>(data[data.size() - 4])) |
                                              static_cast<uint64_t>(static_cast<unsigned char>(data[data.size() - 3])) << 8 |
                                              static_cast<uint64_t>(static_cast<unsigned char>(data[data.size() - 2])) << 16 |
                                              static_cast<uint64_t>(static_cast<unsigned char>(data[data.size() - 1])) << 24)
                                           : 0;
  out.reserve(static_cast<size_t>(std::min<uint64_t>({isize, max, uint64_t{data.size()} * 1032})));
  constexpr size_t kChunk = size_t{1} << 18;
  std::unique_ptr<char[]> chunk(new char[kChunk]);
  z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  // zlib counts in uInt; feed at most 1 GiB at a time.
  size_t in_left = data.size();
  for (;;) {
    if (z->avail_in == 0 && in_left > 0) {
      z->avail_in = static_cast<uInt>(std::min<size_t>(in_left, 1u << 30));
      in_left -= z->avail_in;
    }
    z->next_out = reinterpret_cast<Bytef*>(chunk.get());
    z->avail_out = static_cast<uInt>(kChunk);
    int rc = inflate(z.get(), Z_NO_FLUSH);
    const size_t produced = kChunk - z->avail_out;
    if (produced > max - out.size()) return too_big();
    out.append(chunk.get(), produced);
    if (rc == Z_STREAM_END) {
      if (z->avail_in == 0 && in_left == 0) break;
      // Another gzip member follows: Go's gzip.Reader is multistream.
      inflateReset(z.get());
      continue;
    }
    if (rc == Z_BUF_ERROR) {
      // The output chunk was empty: zlib needs more input.
      if (z->avail_in == 0 && in_left == 0) {
        return Status::Error("decompressing profile: unexpected end of gzip data (file truncated?)");
      }
      continue;
    }
    if (rc != Z_OK) {
      return Corrupt(*z);
    }
  }
  // Give back a reserve much larger than the output (a wrong ISIZE, or the
  // last doubling); a small excess is not worth a copy.
  if (out.capacity() - out.size() > out.size() / 4) out.shrink_to_fit();
  return out;
}

}  // namespace pprofsql
