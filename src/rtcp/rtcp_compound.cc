#include "rtcp/rtcp_compound.h"

namespace sluice {

std::optional<RtcpPacketView> RtcpCompoundIterator::Next() {
  if (done_) return std::nullopt;
  if (rest_.empty()) {
    done_ = true;
    if (packets_read_ == 0) {
      failed_ = true;
      error_ = MakeError(ErrorCode::kTruncated, "rtcp: empty compound packet");
    }
    return std::nullopt;
  }
  auto packet = RtcpPacketView::Parse(rest_);
  if (!packet) {
    done_ = true;
    failed_ = true;
    error_ = packet.error();
    return std::nullopt;
  }
  rest_ = rest_.subspan(packet->bytes().size());
  // RFC 3550 §6.4.1: "padding MUST only be added to the last individual packet, and if padding
  // is added to that packet, the padding bit MUST be set only on that packet."
  if (packet->has_padding() && !rest_.empty()) {
    done_ = true;
    failed_ = true;
    error_ = MakeError(ErrorCode::kMalformed, "rtcp: padding on a packet that is not the last");
    return std::nullopt;
  }
  ++packets_read_;
  return *packet;
}

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
