// RFC 7983 §7 first-byte demultiplexing of one UDP 5-tuple (updates RFC 5764 §5.1.2).
//
//                 +----------------+
//                 |        [0..3] -+--> forward to STUN
//                 |                |
//                 |      [16..19] -+--> forward to ZRTP
//                 |                |
//     packet -->  |      [20..63] -+--> forward to DTLS
//                 |                |
//                 |      [64..79] -+--> forward to TURN Channel
//                 |                |
//                 |    [128..191] -+--> forward to RTP/RTCP
//                 +----------------+
//
// RTP and RTCP share the range; RFC 5761 §4 separates them by the second byte: RTCP packet
// types 192–223 (with the marker bit folded in, 64–95 after masking) are RTCP.
#pragma once

#include <cstdint>
#include <span>

namespace sluice {

enum class PacketKind : uint8_t {
  kStun,
  kZrtp,
  kDtls,
  kTurnChannel,
  kRtp,
  kRtcp,
  kUnknown,  // empty or outside every range: a counted drop
};

const char* ToString(PacketKind kind);

// Classifies a datagram by its first byte (and second byte for RTP vs RTCP). Never reads past
// the span; an RTP/RTCP-range datagram shorter than 2 bytes is kUnknown.
inline PacketKind ClassifyPacket(std::span<const uint8_t> d) {
  if (d.empty()) return PacketKind::kUnknown;
  const uint8_t b = d[0];
  if (b <= 3) return PacketKind::kStun;
  if (b >= 16 && b <= 19) return PacketKind::kZrtp;
  if (b >= 20 && b <= 63) return PacketKind::kDtls;
  if (b >= 64 && b <= 79) return PacketKind::kTurnChannel;
  if (b >= 128 && b <= 191) {
    if (d.size() < 2) return PacketKind::kUnknown;
    // RFC 5761 §4: "if the RTP payload type ... is in the range 64-95 (after masking the
    // marker bit) it is RTCP", i.e. RTCP packet types 192-223.
    const uint8_t pt = d[1] & 0x7f;
    return (pt >= 64 && pt <= 95) ? PacketKind::kRtcp : PacketKind::kRtp;
  }
  return PacketKind::kUnknown;
}

}  // namespace sluice
