#include "rtcp/rtcp_packet.h"

#include <cstring>

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

namespace {

RtcpPacketKind Classify(const RtcpHeader& h, std::span<const uint8_t> payload) {
  switch (h.packet_type) {
    case 200: return RtcpPacketKind::kSenderReport;
    case 201: return RtcpPacketKind::kReceiverReport;
    case 202: return RtcpPacketKind::kSdes;
    case 203: return RtcpPacketKind::kBye;
    case 204: return RtcpPacketKind::kApp;
    case 205:
      if (h.count == kFmtGenericNack) return RtcpPacketKind::kGenericNack;
      if (h.count == kFmtTransportFeedback) return RtcpPacketKind::kTransportFeedback;
      return RtcpPacketKind::kUnknown;
    case 206:
      if (h.count == kFmtPli) return RtcpPacketKind::kPli;
      if (h.count == kFmtFir) return RtcpPacketKind::kFir;
      // Application layer feedback (RFC 4585 §6.4) is REMB only when its FCI starts "REMB".
      if (h.count == kFmtApplicationLayer && payload.size() >= 12 &&
          std::memcmp(payload.data() + 8, "REMB", 4) == 0) {
        return RtcpPacketKind::kRemb;
      }
      return RtcpPacketKind::kUnknown;
    default: return RtcpPacketKind::kUnknown;
  }
}

}  // namespace

Result<RtcpPacketView> RtcpPacketView::Parse(std::span<const uint8_t> data) {
  if (data.size() < kRtcpHeaderSize) {
    return MakeError(ErrorCode::kTruncated, "rtcp: shorter than the 4-byte common header");
  }
  const uint8_t* p = data.data();
  // RFC 3550 §6.4.1: "version (V): 2 bits Identifies the version of RTP ... (2)."
  if ((p[0] >> 6) != 2) return MakeError(ErrorCode::kMalformed, "rtcp: version is not 2");
  RtcpPacketView v;
  v.header_.padding = (p[0] & 0x20) != 0;
  v.header_.count = p[0] & 0x1f;
  v.header_.packet_type = p[1];
  v.header_.length_words = LoadBe16(p + 2);
  const size_t size = v.header_.packet_size();
  if (size > data.size()) {
    return MakeError(ErrorCode::kTruncated, "rtcp: length field runs past the buffer");
  }
  v.bytes_ = data.first(size);
  size_t payload_size = size - kRtcpHeaderSize;
  if (v.header_.padding) {
    // "The last octet of the padding is a count of how many padding octets should be ignored,
    // including itself": at least 1, and never more than the packet after its header.
    const size_t pad = v.bytes_[size - 1];
    if (pad == 0) return MakeError(ErrorCode::kMalformed, "rtcp: padding bit set with count 0");
    if (pad > payload_size) {
      return MakeError(ErrorCode::kMalformed, "rtcp: padding larger than the packet");
    }
    payload_size -= pad;
  }
  v.payload_ = v.bytes_.subspan(kRtcpHeaderSize, payload_size);
  v.kind_ = Classify(v.header_, v.payload_);
  return v;
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
