// Callback<Sig>: a user callback slot that survives being replaced or cleared from inside its
// own call (the public headers allow callbacks to call back into the library, including the
// setters). Call() moves the function out for the call (no copy, so no allocation) and puts it
// back unless the slot was set meanwhile.
//
// Thread rules: loop thread only (setters reach it through EventLoop::Invoke).
#pragma once

#include <cstdint>
#include <functional>
#include <utility>

namespace sluice::net {

template <class Sig>
class Callback;

template <class R, class... Args>
class Callback<R(Args...)> {
 public:
  void Set(std::function<R(Args...)> fn) {
    fn_ = std::move(fn);
    ++generation_;
  }
  void Clear() { Set(nullptr); }
  explicit operator bool() const { return static_cast<bool>(fn_); }

  template <class... A>
  void Call(A&&... args) {
    if (!fn_) return;
    std::function<R(Args...)> fn = std::move(fn_);
    fn_ = nullptr;
    const uint64_t generation = generation_;
    fn(std::forward<A>(args)...);
    if (generation_ == generation) fn_ = std::move(fn);
  }

 private:
  std::function<R(Args...)> fn_;
  uint64_t generation_ = 0;
};

}  // namespace sluice::net
