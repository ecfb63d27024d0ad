// PSFB Receiver Estimated Maximum Bitrate (PT 206, FMT 15, "REMB").
//
// draft-alvestrand-rmcat-remb-03 §2.2
// (https://datatracker.ietf.org/doc/html/draft-alvestrand-rmcat-remb-03#section-2.2):
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |V=2|P| FMT=15  |   PT=206      |             length            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                  SSRC of packet sender                        |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                  SSRC of media source                         |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |  Unique identifier 'R' 'E' 'M' 'B'                            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |  Num SSRC     | BR Exp    |  BR Mantissa                      |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |   SSRC feedback                                               |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |  ...                                                          |
//
// Bitrate in bits per second = mantissa * 2^exp. "SSRC of media source: Always 0."
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "common/byte_order.h"
#include "common/strong_id.h"
#include "rtcp/rtcp_packet.h"
#include "sluice/result.h"

namespace sluice {

class RembView {
 public:
  static constexpr size_t kFixedSize = 16;  // two SSRCs, "REMB", num/exp/mantissa

  static Result<RembView> Parse(const RtcpPacketView& packet);
  static Result<RembView> Parse(std::span<const uint8_t> packet);

  Ssrc sender_ssrc() const { return Ssrc(LoadBe32(payload_.data())); }
  Ssrc media_ssrc() const { return Ssrc(LoadBe32(payload_.data() + 4)); }
  uint64_t bitrate_bps() const { return bitrate_bps_; }
  size_t ssrc_count() const { return payload_[12]; }
  Ssrc ssrc(size_t i) const { return Ssrc(LoadBe32(payload_.data() + kFixedSize + 4 * i)); }

 private:
  std::span<const uint8_t> payload_;
  uint64_t bitrate_bps_ = 0;
};

struct Remb {
  Ssrc sender_ssrc;
  uint64_t bitrate_bps = 0;    // rounded down to 18 significant bits when sent
  std::span<const Ssrc> ssrcs;  // at most 255; the caller keeps them alive

  size_t SerializedSize() const { return kRtcpHeaderSize + RembView::kFixedSize + 4 * ssrcs.size(); }
  Result<size_t> SerializeTo(std::span<uint8_t> out) const;
};

}  // namespace sluice
