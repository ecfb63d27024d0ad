// Result<T>: the subset of std::expected that sluice uses (DESIGN.md §5).
//
// g++ 12 has no std::expected in C++20 mode, so the library returns this small type from every
// call that can fail. Errors carry a code and a static message (a string literal, so that
// building an error never allocates on the data path).
//
// Thread rules: a Result is a plain value; it is as thread-safe as the T it holds.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>

namespace sluice {

enum class ErrorCode {
  kInvalidArgument,  // the caller passed something that cannot work; the message says what to do
  kMalformed,        // input bytes break the wire format
  kTruncated,        // input ends before a length it announced
  kBufferTooSmall,   // a serializer's destination span is too short
  kExhausted,        // a fixed-size resource (pool, queue, context table) is full
  kUnsupported,      // valid input that sluice does not implement
  kAuthFailed,       // integrity, fingerprint or tag check failed
  kInvalidState,     // the call is not allowed in the object's current state
  kNotFound,         // a referenced object does not exist
  kInternal,         // a dependency (e.g. OpenSSL) failed unexpectedly
};

// A short, stable name for logs ("malformed", "exhausted", ...).
constexpr const char* ToString(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid-argument";
    case ErrorCode::kMalformed: return "malformed";
    case ErrorCode::kTruncated: return "truncated";
    case ErrorCode::kBufferTooSmall: return "buffer-too-small";
    case ErrorCode::kExhausted: return "exhausted";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kAuthFailed: return "auth-failed";
    case ErrorCode::kInvalidState: return "invalid-state";
    case ErrorCode::kNotFound: return "not-found";
    case ErrorCode::kInternal: return "internal";
  }
  return "unknown";
}

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  // A static string: it must outlive every copy of the Error (use a string literal).
  const char* message = "";

  friend bool operator==(const Error& a, const Error& b) { return a.code == b.code; }
};

constexpr Error MakeError(ErrorCode code, const char* message) { return Error{code, message}; }

namespace internal {
[[noreturn]] inline void ResultAccessFailed(const Error& e) {
  std::fprintf(stderr, "sluice: value() on a Result holding error %s: %s\n", ToString(e.code),
               e.message);
  std::abort();
}
}  // namespace internal

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  Result(const T& v) : has_value_(true) { new (&value_) T(v); }  // NOLINT: implicit by design
  Result(T&& v) : has_value_(true) { new (&value_) T(std::move(v)); }  // NOLINT
  Result(Error e) : has_value_(false) { new (&error_) Error(e); }  // NOLINT

  Result(const Result& o) : has_value_(o.has_value_) {
    if (has_value_) new (&value_) T(o.value_); else new (&error_) Error(o.error_);
  }
  Result(Result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) : has_value_(o.has_value_) {
    if (has_value_) new (&value_) T(std::move(o.value_)); else new (&error_) Error(o.error_);
  }
  Result& operator=(const Result& o) {
    if (this != &o) { Destroy(); new (this) Result(o); }
    return *this;
  }
  Result& operator=(Result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) {
    if (this != &o) { Destroy(); new (this) Result(std::move(o)); }
    return *this;
  }
  ~Result() { Destroy(); }

  bool ok() const { return has_value_; }
  bool has_value() const { return has_value_; }
  explicit operator bool() const { return has_value_; }

  T& value() & { Check(); return value_; }
  const T& value() const& { Check(); return value_; }
  T&& value() && { Check(); return std::move(value_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& { return has_value_ ? value_ : T(std::forward<U>(fallback)); }

  // Only valid when !ok().
  const Error& error() const { return error_; }

 private:
  void Check() const { if (!has_value_) internal::ResultAccessFailed(error_); }
  void Destroy() { if (has_value_) value_.~T(); }

  bool has_value_;
  union {
    T value_;
    Error error_;
  };
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error e) : has_error_(true), error_(e) {}  // NOLINT: implicit by design

  bool ok() const { return !has_error_; }
  bool has_value() const { return !has_error_; }
  explicit operator bool() const { return !has_error_; }
  void value() const { if (has_error_) internal::ResultAccessFailed(error_); }
  const Error& error() const { return error_; }

 private:
  bool has_error_ = false;
  Error error_{};
};

// Result<void> success value: `return Ok();`
inline Result<void> Ok() { return {}; }

}  // namespace sluice
