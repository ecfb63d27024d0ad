// PSFB Picture Loss Indication (PT 206, FMT 1).
//
// RFC 4585 §6.3.1 (https://www.rfc-editor.org/rfc/rfc4585#section-6.3.1):
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |V=2|P|  FMT=1  |   PT=206      |          length=2             |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                  SSRC of packet sender                        |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                  SSRC of media source                         |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// "The PLI FB message is identified by PT=PSFB and FMT=1. There MUST be exactly one PLI
// contained in the FCI field." (§6.3.1) and "PLI does not require parameters. Therefore, the
// length field MUST be 2, and there MUST NOT be any Feedback Control Information." (§6.3.1.2)
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "common/strong_id.h"
#include "rtcp/rtcp_packet.h"
#include "sluice/result.h"

namespace sluice {

class PliView {
 public:
  static Result<PliView> Parse(const RtcpPacketView& packet);
  static Result<PliView> Parse(std::span<const uint8_t> packet);

  Ssrc sender_ssrc() const { return sender_ssrc_; }
  Ssrc media_ssrc() const { return media_ssrc_; }

 private:
  Ssrc sender_ssrc_;
  Ssrc media_ssrc_;
};

struct Pli {
  Ssrc sender_ssrc;
  Ssrc media_ssrc;

  static Pli FromView(const PliView& view) { return {view.sender_ssrc(), view.media_ssrc()}; }
  size_t SerializedSize() const { return 12; }
  Result<size_t> SerializeTo(std::span<uint8_t> out) const;

  friend bool operator==(const Pli&, const Pli&) = default;
};

}  // namespace sluice
