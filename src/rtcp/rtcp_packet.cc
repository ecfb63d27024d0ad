#include "rtcp/rtcp_packet.h"

#include "common/byte_order.h"

namespace sluice {

const char* ToString(RtcpPacketKind kind) {
  switch (kind) {
    case RtcpPacketKind::kUnknown: return "unknown";
    case RtcpPacketKind::kSenderReport: return "SR";
    case RtcpPacketKind::kReceiverReport: return "RR";
    case RtcpPacketKind::kSdes: return "SDES";
    case RtcpPacketKind::kBye: return "BYE";
    case RtcpPacketKind::kApp: return "APP";
    case RtcpPacketKind::kGenericNack: return "NACK";
    case RtcpPacketKind::kTransportFeedback: return "TWCC";
    case RtcpPacketKind::kPli: return "PLI";
    case RtcpPacketKind::kFir: return "FIR";
    case RtcpPacketKind::kRemb: return "REMB";
  }
  return "unknown";
}

Result<void> CheckKind(const RtcpPacketView& packet, RtcpPacketKind kind) {
  if (packet.kind() != kind) {
    return MakeError(ErrorCode::kInvalidArgument, "rtcp: packet is not of the requested kind");
  }
  return Ok();
}

Result<RtcpPacketView> ParseSinglePacket(std::span<const uint8_t> packet, RtcpPacketKind kind) {
  auto view = RtcpPacketView::Parse(packet);
  if (!view) return view.error();
  if (view->bytes().size() != packet.size()) {
    return MakeError(ErrorCode::kMalformed, "rtcp: bytes after the packet's length");
  }
  if (auto k = CheckKind(*view, kind); !k) return k.error();
  return view;
}

void WriteRtcpHeader(uint8_t* out, uint8_t count, RtcpPacketType type, size_t packet_size) {
  out[0] = static_cast<uint8_t>(0x80 | (count & 0x1f));
  out[1] = static_cast<uint8_t>(type);
  StoreBe16(out + 2, static_cast<uint16_t>(packet_size / 4 - 1));
}

Result<void> CheckSerializeSize(size_t packet_size, size_t out_size) {
  if (packet_size > kRtcpMaxPacketSize) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "rtcp: packet exceeds the 16-bit length field; split it");
  }
  if (out_size < packet_size) {
    return MakeError(ErrorCode::kBufferTooSmall, "rtcp: output span too small");
  }
  return Ok();
}

}  // namespace sluice
