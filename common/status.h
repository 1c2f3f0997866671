// Status and Result<T>: the error type of domain and store code.
// "Not found" is an ordinary result (Code::kNotFound), not a failure.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace wardsync {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kNotFound,
    kInvalidArgument,   // bad input from a user or a peer
    kFailedPrecondition,
    kPermissionDenied,
    kUnauthenticated,
    kAlreadyExists,
    kIoError,
    kCorruption,
    kUnavailable,       // network / peer not reachable
    kDeadlineExceeded,
    kResourceExhausted,
    kInternal,
  };

  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status Invalid(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status Precondition(std::string m) { return {Code::kFailedPrecondition, std::move(m)}; }
  static Status Denied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
  static Status Unauthenticated(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
  static Status Exists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
  static Status Io(std::string m) { return {Code::kIoError, std::move(m)}; }
  static Status Corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status Deadline(std::string m) { return {Code::kDeadlineExceeded, std::move(m)}; }
  static Status Exhausted(std::string m) { return {Code::kResourceExhausted, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  bool not_found() const { return code_ == Code::kNotFound; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const { return ok() ? "ok" : message_; }

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
class Result {
 public:
  // Default: an error (needed by asio::co_spawn for its result slot).
  Result() : status_(Status::Internal("result not set")) {}
  Result(T value) : value_(std::move(value)) {}
  Result(Status status) : status_(std::move(status)) {}

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

#define WS_RETURN_IF_ERROR(expr)          \
  do {                                    \
    ::wardsync::Status _st = (expr);      \
    if (!_st.ok()) return _st;            \
  } while (0)

}  // namespace wardsync
