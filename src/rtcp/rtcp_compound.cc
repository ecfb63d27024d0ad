#include "rtcp/rtcp_compound.h"

namespace sluice {

Result<size_t> ValidateRtcpCompound(std::span<const uint8_t> compound, RtcpCompoundRule rule) {
  RtcpCompoundIterator it(compound);
  size_t count = 0;
  for (const RtcpPacketView& packet : it) {
    if (count == 0 && rule == RtcpCompoundRule::kStrict &&
        packet.kind() != RtcpPacketKind::kSenderReport &&
        packet.kind() != RtcpPacketKind::kReceiverReport) {
      return MakeError(ErrorCode::kMalformed, "rtcp: compound does not start with SR or RR");
    }
    ++count;
  }
  if (!it.ok()) return it.error();
  return count;
}

}  // namespace sluice
