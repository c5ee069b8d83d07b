// Go's int64 arithmetic, without C++'s undefined behaviour: Go wraps on
// overflow (and MinInt64 / -1 is MinInt64), C++ signed overflow is undefined
// (and INT64_MIN / -1 traps). pprof sums sample values, which a profile may
// set to anything, with Go's rules; the report code does the same with these.
#pragma once

#include <cstdint>

namespace pprofsql {

inline int64_t GoAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
inline int64_t GoMul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}
inline int64_t GoNeg(int64_t a) { return static_cast<int64_t>(uint64_t{0} - static_cast<uint64_t>(a)); }
inline int64_t GoAbs(int64_t a) { return a < 0 ? GoNeg(a) : a; }
// b must not be 0 (Go panics; callers test for it).
inline int64_t GoDiv(int64_t a, int64_t b) { return b == -1 ? GoNeg(a) : a / b; }

// Go's int64(f) on amd64: truncation toward zero, and MinInt64 for NaN and
// values out of range (where C++'s conversion is undefined).
inline int64_t GoFloatToInt64(double f) {
  if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) return INT64_MIN;
  return static_cast<int64_t>(f);
}

}  // namespace pprofsql
