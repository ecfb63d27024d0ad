// RTPFB Generic NACK (PT 205, FMT 1).
//
// RFC 4585 §6.1 (common feedback format) and §6.2.1
// (https://www.rfc-editor.org/rfc/rfc4585#section-6.2.1):
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |V=2|P|  FMT=1  |   PT=205      |          length               |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                  SSRC of packet sender                        |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                  SSRC of media source                         |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |            PID                |             BLP               |   FCI, one or more
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// PID is a lost packet's sequence number; bit i of BLP (LSB = 0) reports PID + i + 1 lost.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "common/byte_order.h"
#include "common/strong_id.h"
#include "rtcp/rtcp_packet.h"
#include "sluice/result.h"

namespace sluice {

struct NackItem {
  uint16_t pid = 0;
  uint16_t blp = 0;
  friend bool operator==(const NackItem&, const NackItem&) = default;
};

class GenericNackView {
 public:
  static Result<GenericNackView> Parse(const RtcpPacketView& packet);
  static Result<GenericNackView> Parse(std::span<const uint8_t> packet);

  Ssrc sender_ssrc() const { return Ssrc(LoadBe32(payload_.data())); }
  Ssrc media_ssrc() const { return Ssrc(LoadBe32(payload_.data() + 4)); }
  size_t item_count() const { return (payload_.size() - 8) / 4; }
  NackItem item(size_t i) const {
    const uint8_t* p = payload_.data() + 8 + 4 * i;
    return {LoadBe16(p), LoadBe16(p + 2)};
  }

  // Calls f(uint16_t seq) for every sequence number reported lost, in wire order.
  template <typename F>
  void ForEachLost(F&& f) const {
    for (size_t i = 0; i < item_count(); ++i) {
      const NackItem it = item(i);
      f(it.pid);
      for (int bit = 0; bit < 16; ++bit) {
        if (it.blp & (1u << bit)) f(static_cast<uint16_t>(it.pid + bit + 1));
      }
    }
  }
  // Number of sequence numbers ForEachLost() reports.
  size_t lost_count() const;
  // Writes the lost sequence numbers into `out` (as many as fit); returns lost_count().
  size_t CopyLost(std::span<uint16_t> out) const;

 private:
  std::span<const uint8_t> payload_;
};

// Packs a list of lost sequence numbers into PID+BLP items: a sequence number within 16 after
// the current item's PID sets a BLP bit, anything else starts a new item. Give the list in
// sequence order (wrap-aware) for the tightest packing; any order gives a correct packet.
struct GenericNack {
  Ssrc sender_ssrc;
  Ssrc media_ssrc;
  std::span<const uint16_t> lost;  // non-empty; the caller keeps it alive

  size_t item_count() const;
  size_t SerializedSize() const { return kRtcpHeaderSize + 8 + 4 * item_count(); }
  Result<size_t> SerializeTo(std::span<uint8_t> out) const;
};

}  // namespace sluice
