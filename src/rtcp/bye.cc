#include "rtcp/bye.h"

#include <cstring>

#include "common/byte_order.h"

namespace sluice {

Result<ByeView> ByeView::Parse(std::span<const uint8_t> packet) {
  auto view = ParseSinglePacket(packet, RtcpPacketKind::kBye);
  if (!view) return view.error();
  return Parse(*view);
}

Result<ByeView> ByeView::Parse(const RtcpPacketView& packet) {
  if (auto k = CheckKind(packet, RtcpPacketKind::kBye); !k) return k.error();
  auto payload = packet.payload();
  const size_t ssrc_bytes = size_t{packet.count()} * 4;
  if (payload.size() < ssrc_bytes) {
    return MakeError(ErrorCode::kMalformed, "rtcp bye: source count exceeds the packet length");
  }
  ByeView v;
  v.payload_ = payload;
  v.ssrc_count_ = packet.count();
  auto rest = payload.subspan(ssrc_bytes);
  if (!rest.empty()) {
    const size_t length = rest[0];
    if (rest.size() - 1 < length) {
      return MakeError(ErrorCode::kMalformed, "rtcp bye: reason runs past the packet");
    }
    if (rest.size() - 1 - length > 3) {
      return MakeError(ErrorCode::kMalformed, "rtcp bye: bytes after the reason's padding");
    }
    v.reason_ = {reinterpret_cast<const char*>(rest.data() + 1), length};
  }
  return v;
}

Ssrc ByeView::ssrc(size_t i) const { return Ssrc(LoadBe32(payload_.data() + 4 * i)); }

Bye Bye::FromView(const ByeView& view) {
  Bye bye;
  for (size_t i = 0; i < view.ssrc_count(); ++i) bye.ssrcs.push_back(view.ssrc(i));
  bye.reason = view.reason();
  return bye;
}

size_t Bye::SerializedSize() const {
  size_t size = kRtcpHeaderSize + 4 * ssrcs.size();
  if (!reason.empty()) size += (1 + reason.size() + 3) / 4 * 4;
  return size;
}

Result<size_t> Bye::SerializeTo(std::span<uint8_t> out) const {
  if (reason.size() > 255) {
    return MakeError(ErrorCode::kInvalidArgument, "rtcp bye: reason longer than 255 bytes");
  }
  const size_t size = SerializedSize();
  if (auto c = CheckSerializeSize(size, out.size()); !c) return c.error();
  uint8_t* p = out.data();
  WriteRtcpHeader(p, static_cast<uint8_t>(ssrcs.size()), RtcpPacketType::kBye, size);
  size_t pos = kRtcpHeaderSize;
  for (Ssrc ssrc : ssrcs) {
    StoreBe32(p + pos, ssrc.value());
    pos += 4;
  }
  if (!reason.empty()) {
    p[pos++] = static_cast<uint8_t>(reason.size());
    std::memcpy(p + pos, reason.data(), reason.size());
    pos += reason.size();
    std::memset(p + pos, 0, size - pos);
  }
  return size;
}

}  // namespace sluice
