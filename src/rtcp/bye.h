// RTCP Goodbye (PT 203).
//
// RFC 3550 §6.6 (https://www.rfc-editor.org/rfc/rfc3550#section-6.6):
//
//        0                   1                   2                   3
//        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//       |V=2|P|    SC   |   PT=BYE=203  |             length            |
//       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//       |                           SSRC/CSRC                           |
//       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//       :                              ...                              :
//       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// (opt) |     length    |               reason for leaving            ...
//       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// "the string MUST be padded with null octets to the next 32-bit boundary" is checked loosely:
// up to 3 bytes may follow the reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "common/strong_id.h"
#include "rtcp/fixed_list.h"
#include "rtcp/rtcp_packet.h"
#include "sluice/result.h"

namespace sluice {

class ByeView {
 public:
  static Result<ByeView> Parse(const RtcpPacketView& packet);
  static Result<ByeView> Parse(std::span<const uint8_t> packet);

  size_t ssrc_count() const { return ssrc_count_; }
  Ssrc ssrc(size_t i) const;
  std::string_view reason() const { return reason_; }  // empty if absent

 private:
  std::span<const uint8_t> payload_;
  size_t ssrc_count_ = 0;
  std::string_view reason_;
};

struct Bye {
  FixedList<Ssrc, 31> ssrcs;  // SC is 5 bits
  std::string_view reason;    // at most 255 bytes; empty means no reason field

  static Bye FromView(const ByeView& view);
  size_t SerializedSize() const;
  Result<size_t> SerializeTo(std::span<uint8_t> out) const;

  friend bool operator==(const Bye&, const Bye&) = default;
};

}  // namespace sluice
