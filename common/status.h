// Status and Result<T>: the error type of domain and store code.
// "Not found" is an ordinary result (Code::kNotFound), not a failure.
// Both are [[nodiscard]]: a dropped error is a compile warning. Where
// ignoring one is right, the call site says why.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace wardsync {

class [[nodiscard]] Status {
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

// Ends the process with `status`'s message: reading the value of a Result
// that holds an error is a bug in the caller, in every build type.
[[noreturn]] void DieOnMissingValue(const Status& status);

// A value or the Status explaining why there is none. Reading the value
// (value(), ->, *) of an error aborts with the error's message.
template <typename T>
class [[nodiscard]] Result {
 public:
  // Default: an error (needed by asio::co_spawn for its result slot).
  Result() : status_(Status::Internal("result not set")) {}
  Result(T value) : value_(std::move(value)) {}
  Result(Status status) : status_(std::move(status)) {}

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return Checked(); }
  const T& value() const& { return Checked(); }
  T&& value() && { return std::move(Checked()); }
  T* operator->() { return &Checked(); }
  const T* operator->() const { return &Checked(); }
  T& operator*() { return Checked(); }
  const T& operator*() const { return Checked(); }

 private:
  T& Checked() {
    if (!value_.has_value()) DieOnMissingValue(status_);
    return *value_;
  }
  const T& Checked() const {
    if (!value_.has_value()) DieOnMissingValue(status_);
    return *value_;
  }

  std::optional<T> value_;
  Status status_;
};

#define WS_RETURN_IF_ERROR(expr)          \
  do {                                    \
    ::wardsync::Status _st = (expr);      \
    if (!_st.ok()) return _st;            \
  } while (0)

}  // namespace wardsync
