// Strong identifier types (DESIGN.md §6): an Ssrc is not a SeqNum is not a Tsn, even though all
// are integers on the wire. Construction is explicit; value() gives the raw integer.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace sluice {

template <typename Tag, typename T>
class StrongId {
 public:
  using value_type = T;
  constexpr StrongId() = default;
  constexpr explicit StrongId(T v) : value_(v) {}
  constexpr T value() const { return value_; }
  friend constexpr auto operator<=>(const StrongId&, const StrongId&) = default;

 private:
  T value_{};
};

struct SsrcTag {};
struct SeqNumTag {};
struct TsnTag {};
struct StreamIdTag {};
struct PayloadTypeTag {};

using Ssrc = StrongId<SsrcTag, uint32_t>;                // RTP synchronization source
using SeqNum = StrongId<SeqNumTag, uint16_t>;            // RTP sequence number (wraps)
using Tsn = StrongId<TsnTag, uint32_t>;                  // SCTP transmission sequence number
using StreamId = StrongId<StreamIdTag, uint16_t>;        // SCTP stream / DataChannel id
using PayloadType = StrongId<PayloadTypeTag, uint8_t>;   // RTP payload type (7 bits)

}  // namespace sluice

template <typename Tag, typename T>
struct std::hash<sluice::StrongId<Tag, T>> {
  size_t operator()(const sluice::StrongId<Tag, T>& id) const noexcept {
    return std::hash<T>{}(id.value());
  }
};
