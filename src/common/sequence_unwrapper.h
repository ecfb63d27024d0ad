// Unwrapping of wrapping sequence numbers into a monotonic 64-bit space.
//
// RTP sequence numbers are 16 bits (RFC 3550 §5.1), SCTP TSNs and RTP timestamps 32 bits; each
// wraps. The unwrapper keeps the last unwrapped value and picks, for every new wire value, the
// 64-bit value closest to it (RFC 1982 serial number arithmetic), so reordering of less than
// half the space in either direction is handled. The first value maps to itself (plus one wrap
// of headroom so that values just before it stay non-negative).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>

namespace sluice {

template <typename T>
class SequenceUnwrapper {
  static_assert(std::numeric_limits<T>::is_integer && !std::numeric_limits<T>::is_signed);
  static constexpr int64_t kSpan = int64_t{1} << (8 * sizeof(T));

 public:
  // The 64-bit value for `v`, updating the reference point.
  int64_t Unwrap(T v) {
    int64_t u = PeekUnwrap(v);
    last_ = u;
    return u;
  }
  // The 64-bit value for `v` without moving the reference point.
  int64_t PeekUnwrap(T v) const {
    if (!last_) return kSpan + static_cast<int64_t>(v);
    // Signed distance in the ring, in (-kSpan/2, kSpan/2].
    T delta_raw = static_cast<T>(v - static_cast<T>(*last_));
    int64_t delta = static_cast<int64_t>(delta_raw);
    if (delta > kSpan / 2) delta -= kSpan;
    return *last_ + delta;
  }
  std::optional<int64_t> last() const { return last_; }
  void Reset() { last_.reset(); }

 private:
  std::optional<int64_t> last_;
};

using SeqNumUnwrapper = SequenceUnwrapper<uint16_t>;
using U32Unwrapper = SequenceUnwrapper<uint32_t>;

// True if a is newer than b in serial number arithmetic (RFC 1982 §3.2).
template <typename T>
constexpr bool IsNewer(T a, T b) {
  constexpr T kHalf = static_cast<T>(T{1} << (8 * sizeof(T) - 1));
  T d = static_cast<T>(a - b);
  return d != 0 && (d < kHalf || (d == kHalf && a > b));
}

}  // namespace sluice
