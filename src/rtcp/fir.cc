#include "rtcp/fir.h"

#include <cstring>

namespace sluice {

Result<FirView> FirView::Parse(std::span<const uint8_t> packet) {
  auto view = ParseSinglePacket(packet, RtcpPacketKind::kFir);
  if (!view) return view.error();
  return Parse(*view);
}

Result<FirView> FirView::Parse(const RtcpPacketView& packet) {
  if (auto k = CheckKind(packet, RtcpPacketKind::kFir); !k) return k.error();
  auto payload = packet.payload();
  if (payload.size() < 8) {
    return MakeError(ErrorCode::kTruncated, "rtcp fir: shorter than the feedback header");
  }
  // RFC 5104 §4.3.1.2: "The FCI field MUST contain one or more FIR entries."
  if (payload.size() == 8) return MakeError(ErrorCode::kMalformed, "rtcp fir: no FCI entry");
  if ((payload.size() - 8) % 8 != 0) {
    return MakeError(ErrorCode::kMalformed, "rtcp fir: FCI is not a multiple of 8 bytes");
  }
  FirView v;
  v.payload_ = payload;
  return v;
}

Result<Fir> Fir::FromView(const FirView& view) {
  Fir fir;
  fir.sender_ssrc = view.sender_ssrc();
  for (size_t i = 0; i < view.entry_count(); ++i) {
    if (!fir.entries.push_back(view.entry(i))) {
      return MakeError(ErrorCode::kExhausted, "rtcp fir: more entries than kMaxFirEntries");
    }
  }
  return fir;
}

Result<size_t> Fir::SerializeTo(std::span<uint8_t> out) const {
  if (entries.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "rtcp fir: needs at least one entry");
  }
  const size_t size = SerializedSize();
  if (auto c = CheckSerializeSize(size, out.size()); !c) return c.error();
  uint8_t* p = out.data();
  WriteRtcpHeader(p, kFmtFir, RtcpPacketType::kPayloadFeedback, size);
  StoreBe32(p + 4, sender_ssrc.value());
  // RFC 5104 §4.3.1.2: the "SSRC of media source" "SHALL be set to 0".
  StoreBe32(p + 8, 0);
  size_t pos = 12;
  for (const FirEntry& e : entries) {
    StoreBe32(p + pos, e.ssrc.value());
    p[pos + 4] = e.seq_nr;
    // Reserved: "All bits SHALL be set to 0 by the sender".
    std::memset(p + pos + 5, 0, 3);
    pos += 8;
  }
  return size;
}

}  // namespace sluice
