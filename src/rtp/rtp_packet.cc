// RtpPacketView::Validate: the checks beyond Parse() (see rtp_packet.h for the diagram).
#include "rtp/rtp_packet.h"

namespace sluice {

Result<void> RtpPacketView::Validate() const {
  const uint8_t pt = payload_type().value();
  // RFC 5761 §4: with RTP and RTCP multiplexed, the octet holding M and PT is read as an RTCP
  // packet type; PT 72-76 with M set is 200-204 (SR, RR, SDES, BYE, APP), so a multiplexing
  // receiver would take the packet for RTCP. The RFC restricts senders further ("payload type
  // values in the range 64-95 MUST NOT be used"); we reject the range that truly collides.
  if (pt >= 72 && pt <= 76) {
    return MakeError(ErrorCode::kMalformed, "RTP payload type 72-76 collides with RTCP (RFC 5761)");
  }
  if (has_extension()) {
    auto ext = extensions().Validate();
    if (!ext.ok()) return ext;
  }
  return Ok();
}

}  // namespace sluice
