#include "rtcp/remb.h"

#include <cstring>

namespace sluice {

Result<RembView> RembView::Parse(std::span<const uint8_t> packet) {
  auto view = ParseSinglePacket(packet, RtcpPacketKind::kRemb);
  if (!view) return view.error();
  return Parse(*view);
}

Result<RembView> RembView::Parse(const RtcpPacketView& packet) {
  // kind() is kRemb only if the payload holds the "REMB" identifier (rtcp_packet.cc).
  if (auto k = CheckKind(packet, RtcpPacketKind::kRemb); !k) return k.error();
  auto payload = packet.payload();
  if (payload.size() < kFixedSize) {
    return MakeError(ErrorCode::kTruncated, "rtcp remb: shorter than its fixed fields");
  }
  const size_t count = payload[12];
  if (payload.size() != kFixedSize + 4 * count) {
    return MakeError(ErrorCode::kMalformed, "rtcp remb: SSRC count does not match the length");
  }
  const uint8_t exp = payload[13] >> 2;
  const uint64_t mantissa = LoadBe24(payload.data() + 13) & 0x3ffffu;
  const uint64_t bitrate = exp >= 64 ? 0 : mantissa << exp;
  if ((bitrate >> exp) != mantissa) {
    return MakeError(ErrorCode::kMalformed, "rtcp remb: bitrate overflows 64 bits");
  }
  RembView v;
  v.payload_ = payload;
  v.bitrate_bps_ = bitrate;
  return v;
}

Result<size_t> Remb::SerializeTo(std::span<uint8_t> out) const {
  if (ssrcs.size() > 255) {
    return MakeError(ErrorCode::kInvalidArgument, "rtcp remb: at most 255 SSRCs");
  }
  const size_t size = SerializedSize();
  if (auto c = CheckSerializeSize(size, out.size()); !c) return c.error();
  uint8_t exp = 0;
  while ((bitrate_bps >> exp) >= (uint64_t{1} << 18)) ++exp;
  const uint32_t mantissa = static_cast<uint32_t>(bitrate_bps >> exp);
  uint8_t* p = out.data();
  WriteRtcpHeader(p, kFmtApplicationLayer, RtcpPacketType::kPayloadFeedback, size);
  StoreBe32(p + 4, sender_ssrc.value());
  StoreBe32(p + 8, 0);  // "SSRC of media source: Always 0."
  std::memcpy(p + 12, "REMB", 4);
  p[16] = static_cast<uint8_t>(ssrcs.size());
  StoreBe24(p + 17, (uint32_t{exp} << 18) | mantissa);
  size_t pos = 20;
  for (Ssrc ssrc : ssrcs) {
    StoreBe32(p + pos, ssrc.value());
    pos += 4;
  }
  return size;
}

}  // namespace sluice
