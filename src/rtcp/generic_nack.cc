#include "rtcp/generic_nack.h"

#include <bit>

namespace sluice {

Result<GenericNackView> GenericNackView::Parse(std::span<const uint8_t> packet) {
  auto view = ParseSinglePacket(packet, RtcpPacketKind::kGenericNack);
  if (!view) return view.error();
  return Parse(*view);
}

Result<GenericNackView> GenericNackView::Parse(const RtcpPacketView& packet) {
  if (auto k = CheckKind(packet, RtcpPacketKind::kGenericNack); !k) return k.error();
  auto payload = packet.payload();
  if (payload.size() < 8) {
    return MakeError(ErrorCode::kTruncated, "rtcp nack: shorter than the feedback header");
  }
  // RFC 4585 §6.2.1: "The FCI field MUST contain at least one and MAY contain more than one
  // Generic NACK."
  if (payload.size() == 8) return MakeError(ErrorCode::kMalformed, "rtcp nack: no FCI entry");
  if (payload.size() % 4 != 0) {
    return MakeError(ErrorCode::kMalformed, "rtcp nack: FCI is not a multiple of 4 bytes");
  }
  GenericNackView v;
  v.payload_ = payload;
  return v;
}

size_t GenericNackView::lost_count() const {
  size_t n = 0;
  for (size_t i = 0; i < item_count(); ++i) n += 1 + static_cast<size_t>(std::popcount(item(i).blp));
  return n;
}

size_t GenericNackView::CopyLost(std::span<uint16_t> out) const {
  size_t n = 0;
  ForEachLost([&](uint16_t seq) {
    if (n < out.size()) out[n] = seq;
    ++n;
  });
  return n;
}

namespace {

// Runs the packing over `lost`, calling emit(item) for every finished item.
template <typename Emit>
void Pack(std::span<const uint16_t> lost, Emit&& emit) {
  bool open = false;
  NackItem current;
  for (uint16_t seq : lost) {
    const uint16_t diff = static_cast<uint16_t>(seq - current.pid);
    if (open && diff == 0) continue;
    if (open && diff <= 16) {
      current.blp = static_cast<uint16_t>(current.blp | (1u << (diff - 1)));
      continue;
    }
    if (open) emit(current);
    current = NackItem{seq, 0};
    open = true;
  }
  if (open) emit(current);
}

}  // namespace

size_t GenericNack::item_count() const {
  size_t n = 0;
  Pack(lost, [&](const NackItem&) { ++n; });
  return n;
}

Result<size_t> GenericNack::SerializeTo(std::span<uint8_t> out) const {
  if (lost.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "rtcp nack: needs at least one lost packet");
  }
  const size_t size = SerializedSize();
  if (auto c = CheckSerializeSize(size, out.size()); !c) return c.error();
  uint8_t* p = out.data();
  WriteRtcpHeader(p, kFmtGenericNack, RtcpPacketType::kRtpFeedback, size);
  StoreBe32(p + 4, sender_ssrc.value());
  StoreBe32(p + 8, media_ssrc.value());
  size_t pos = 12;
  Pack(lost, [&](const NackItem& item) {
    StoreBe16(p + pos, item.pid);
    StoreBe16(p + pos + 2, item.blp);
    pos += 4;
  });
  return size;
}

}  // namespace sluice
