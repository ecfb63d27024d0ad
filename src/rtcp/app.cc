#include "rtcp/app.h"

#include <cstring>

#include "common/byte_order.h"

namespace sluice {

Result<AppView> AppView::Parse(std::span<const uint8_t> packet) {
  auto view = ParseSinglePacket(packet, RtcpPacketKind::kApp);
  if (!view) return view.error();
  return Parse(*view);
}

Result<AppView> AppView::Parse(const RtcpPacketView& packet) {
  if (auto k = CheckKind(packet, RtcpPacketKind::kApp); !k) return k.error();
  auto payload = packet.payload();
  if (payload.size() < kFixedSize) {
    return MakeError(ErrorCode::kTruncated, "rtcp app: shorter than SSRC and name");
  }
  // "It MUST be a multiple of 32 bits long."
  if (payload.size() % 4 != 0) {
    return MakeError(ErrorCode::kMalformed, "rtcp app: data is not a multiple of 32 bits");
  }
  AppView v;
  v.payload_ = payload;
  v.subtype_ = packet.count();
  return v;
}

Ssrc AppView::ssrc() const { return Ssrc(LoadBe32(payload_.data())); }

std::array<char, 4> AppView::name() const {
  std::array<char, 4> name;
  std::memcpy(name.data(), payload_.data() + 4, 4);
  return name;
}

App App::FromView(const AppView& view) {
  return App{view.subtype(), view.ssrc(), view.name(), view.data()};
}

size_t App::SerializedSize() const { return kRtcpHeaderSize + AppView::kFixedSize + data.size(); }

Result<size_t> App::SerializeTo(std::span<uint8_t> out) const {
  if (data.size() % 4 != 0) {
    return MakeError(ErrorCode::kInvalidArgument, "rtcp app: data must be a multiple of 4 bytes");
  }
  if (subtype > 31) return MakeError(ErrorCode::kInvalidArgument, "rtcp app: subtype is 5 bits");
  const size_t size = SerializedSize();
  if (auto c = CheckSerializeSize(size, out.size()); !c) return c.error();
  uint8_t* p = out.data();
  WriteRtcpHeader(p, subtype, RtcpPacketType::kApp, size);
  StoreBe32(p + 4, ssrc.value());
  std::memcpy(p + 8, name.data(), 4);
  if (!data.empty()) std::memcpy(p + 12, data.data(), data.size());
  return size;
}

}  // namespace sluice
