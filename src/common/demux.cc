#include "common/demux.h"

namespace sluice {

const char* ToString(PacketKind kind) {
  switch (kind) {
    case PacketKind::kStun: return "stun";
    case PacketKind::kZrtp: return "zrtp";
    case PacketKind::kDtls: return "dtls";
    case PacketKind::kTurnChannel: return "turn-channel";
    case PacketKind::kRtp: return "rtp";
    case PacketKind::kRtcp: return "rtcp";
    case PacketKind::kUnknown: return "unknown";
  }
  return "unknown";
}

}  // namespace sluice
