// Status and Result<T>: how fallible work reports failure inside sqlite-pprof.
// Exceptions never cross the C ABI; errors travel as these values and become
// SQLite error codes and messages at the edge (base/sqlite_errors.h).
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace pprofsql {

class Status {
 public:
  Status() = default;
  static Status Error(std::string message) { return Status(std::move(message), false); }
  // An input over one of the reader's limits (decode/reader.h): not a
  // malformed input, so no other reading of the bytes is tried.
  static Status LimitExceeded(std::string message) { return Status(std::move(message), true); }
  bool ok() const { return !message_.has_value(); }
  bool is_limit() const { return limit_; }
  const std::string& message() const { return *message_; }

 private:
  Status(std::string message, bool limit) : message_(std::move(message)), limit_(limit) {}
  std::optional<std::string> message_;
  bool limit_ = false;
};

template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T& operator*() { return *value_; }
  T* operator->() { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace pprofsql

#define PPROF_RETURN_IF_ERROR(expr)        \
  do {                                     \
    ::pprofsql::Status _st = (expr);       \
    if (!_st.ok()) return _st;             \
  } while (0)
