#include "rtcp/pli.h"

#include "common/byte_order.h"

namespace sluice {

Result<PliView> PliView::Parse(std::span<const uint8_t> packet) {
  auto view = ParseSinglePacket(packet, RtcpPacketKind::kPli);
  if (!view) return view.error();
  return Parse(*view);
}

Result<PliView> PliView::Parse(const RtcpPacketView& packet) {
  if (auto k = CheckKind(packet, RtcpPacketKind::kPli); !k) return k.error();
  auto payload = packet.payload();
  if (payload.size() < 8) {
    return MakeError(ErrorCode::kTruncated, "rtcp pli: shorter than the feedback header");
  }
  // RFC 4585 §6.3.1.2: "the length field MUST be 2, and there MUST NOT be any Feedback Control
  // Information."
  if (payload.size() != 8) return MakeError(ErrorCode::kMalformed, "rtcp pli: has an FCI");
  PliView v;
  v.sender_ssrc_ = Ssrc(LoadBe32(payload.data()));
  v.media_ssrc_ = Ssrc(LoadBe32(payload.data() + 4));
  return v;
}

Result<size_t> Pli::SerializeTo(std::span<uint8_t> out) const {
  const size_t size = SerializedSize();
  if (auto c = CheckSerializeSize(size, out.size()); !c) return c.error();
  uint8_t* p = out.data();
  WriteRtcpHeader(p, kFmtPli, RtcpPacketType::kPayloadFeedback, size);
  StoreBe32(p + 4, sender_ssrc.value());
  StoreBe32(p + 8, media_ssrc.value());
  return size;
}

}  // namespace sluice
