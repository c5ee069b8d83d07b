#include <zlib.h>

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
  std::string out;
  out.resize(std::min<uint64_t>(max, std::max<size_t>(data.size() * 4, 1 << 16)));
  size_t produced = 0;
  z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  // zlib counts in uInt; feed at most 1 GiB at a time.
  size_t in_left = data.size();
  for (;;) {
    if (z->avail_in == 0 && in_left > 0) {
      z->avail_in = static_cast<uInt>(std::min<size_t>(in_left, 1u << 30));
      in_left -= z->avail_in;
    }
    if (produced == out.size()) {
      if (out.size() >= max) {
        // The buffer is full at the limit: one more byte of output means too big.
        unsigned char probe;
        z->next_out = &probe;
        z->avail_out = 1;
        int rc = inflate(z.get(), Z_NO_FLUSH);
        if (z->avail_out == 0) return too_big();
        if (rc == Z_STREAM_END && z->avail_in == 0 && in_left == 0) break;
        if (rc != Z_STREAM_END && rc != Z_OK && rc != Z_BUF_ERROR) {
          return Corrupt(*z);
        }
        if (rc == Z_STREAM_END) {
          inflateReset(z.get());
          continue;
        }
        if (rc == Z_BUF_ERROR && z->avail_in == 0 && in_left == 0) {
          return Status::Error("decompressing profile: unexpected end of gzip data (file truncated?)");
        }
        continue;
      }
      out.resize(std::min<uint64_t>(max, out.size() * 2));
    }
    z->next_out = reinterpret_cast<Bytef*>(&out[produced]);
    z->avail_out = static_cast<uInt>(std::min<size_t>(out.size() - produced, 1u << 30));
    uInt before = z->avail_out;
    int rc = inflate(z.get(), Z_NO_FLUSH);
    produced += before - z->avail_out;
    if (rc == Z_STREAM_END) {
      if (z->avail_in == 0 && in_left == 0) break;
      // Another gzip member follows: Go's gzip.Reader is multistream.
      inflateReset(z.get());
      continue;
    }
    if (rc == Z_BUF_ERROR) {
      if (z->avail_in == 0 && in_left == 0) {
        return Status::Error("decompressing profile: unexpected end of gzip data (file truncated?)");
      }
      continue;  // needs more output space
    }
    if (rc != Z_OK) {
      return Corrupt(*z);
    }
  }
  out.resize(produced);
  out.shrink_to_fit();
  return out;
}

}  // namespace pprofsql
