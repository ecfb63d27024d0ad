// One RTCP packet: the common header and a view over its bytes.
//
// RFC 3550 §6.4.1 (https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1), the header every RTCP
// packet starts with (RFC 4585 §6.1 reuses the 5-bit count as FMT for feedback packets):
//
//         0                   1                   2                   3
//         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// header |V=2|P|    RC   |   PT=SR=200   |             length            |
//        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// length: "The length of this RTCP packet in 32-bit words minus one, including the header and
// any padding." padding (P): "the last octet of the padding is a count of how many padding
// octets should be ignored, including itself."
//
// RtcpPacketView::Parse reads exactly one packet from the start of a buffer; the compound walk
// (rtcp_compound.h) chains it. Typed views (SenderReportView, ...) are parsed from an
// RtcpPacketView with V::Parse(packet) or packet.As<V>().
//
// Thread rules: plain values; a view is valid while the bytes it points at are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "common/byte_order.h"
#include "common/strong_id.h"
#include "sluice/result.h"

namespace sluice {

// RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1).
enum class RtcpPacketType : uint8_t {
  kSenderReport = 200,
  kReceiverReport = 201,
  kSdes = 202,
  kBye = 203,
  kApp = 204,
  kRtpFeedback = 205,      // RTPFB
  kPayloadFeedback = 206,  // PSFB
};

// What an RTCP packet is, from its PT and FMT (and, for PSFB FMT 15, the "REMB" identifier).
enum class RtcpPacketKind : uint8_t {
  kUnknown,            // a PT/FMT sluice does not decode: skipped, not an error
  kSenderReport,       // PT 200
  kReceiverReport,     // PT 201
  kSdes,               // PT 202
  kBye,                // PT 203
  kApp,                // PT 204
  kGenericNack,        // PT 205 FMT 1 (RFC 4585 §6.2.1)
  kTransportFeedback,  // PT 205 FMT 15 (draft-holmer-rmcat-transport-wide-cc-extensions-01)
  kPli,                // PT 206 FMT 1 (RFC 4585 §6.3.1)
  kFir,                // PT 206 FMT 4 (RFC 5104 §4.3.1)
  kRemb,               // PT 206 FMT 15 with "REMB" (draft-alvestrand-rmcat-remb-03)
};

const char* ToString(RtcpPacketKind kind);

inline constexpr size_t kRtcpHeaderSize = 4;
// The 16-bit length field counts 32-bit words minus one.
inline constexpr size_t kRtcpMaxPacketSize = (size_t{0xffff} + 1) * 4;
// RTPFB/PSFB FMT values (RFC 4585 §6.2, §6.3; RFC 5104 §4.3).
inline constexpr uint8_t kFmtGenericNack = 1;
inline constexpr uint8_t kFmtTransportFeedback = 15;
inline constexpr uint8_t kFmtPli = 1;
inline constexpr uint8_t kFmtFir = 4;
inline constexpr uint8_t kFmtApplicationLayer = 15;

struct RtcpHeader {
  bool padding = false;
  uint8_t count = 0;  // RC / SC / subtype / FMT, 5 bits
  uint8_t packet_type = 0;
  uint16_t length_words = 0;  // the wire field: words minus one

  size_t packet_size() const { return (size_t{length_words} + 1) * 4; }
};

class RtcpPacketView {
 public:
  // Parses the packet at the start of `data` (which may hold further packets). The packet's
  // length must fit in `data`; when P is set its padding is removed from payload().
  static Result<RtcpPacketView> Parse(std::span<const uint8_t> data);

  const RtcpHeader& header() const { return header_; }
  RtcpPacketKind kind() const { return kind_; }
  uint8_t packet_type() const { return header_.packet_type; }
  uint8_t count() const { return header_.count; }  // also FMT
  uint8_t fmt() const { return header_.count; }
  bool has_padding() const { return header_.padding; }
  // The whole packet as on the wire, header and padding included.
  std::span<const uint8_t> bytes() const { return bytes_; }
  // The bytes after the 4-byte header, without padding.
  std::span<const uint8_t> payload() const { return payload_; }
  size_t padding_size() const { return bytes_.size() - kRtcpHeaderSize - payload_.size(); }

  // The typed view of this packet, e.g. packet.As<SenderReportView>().
  template <typename View>
  Result<View> As() const { return View::Parse(*this); }

 private:
  RtcpHeader header_;
  RtcpPacketKind kind_ = RtcpPacketKind::kUnknown;
  std::span<const uint8_t> bytes_;
  std::span<const uint8_t> payload_;
};

namespace internal {

inline RtcpPacketKind Classify(const RtcpHeader& h, std::span<const uint8_t> payload) {
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

}  // namespace internal

// Inline: the compound walk calls this once per packet.
inline Result<RtcpPacketView> RtcpPacketView::Parse(std::span<const uint8_t> data) {
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
  v.kind_ = internal::Classify(v.header_, v.payload_);
  return v;
}

// Parses `packet` as exactly one RTCP packet (no trailing bytes) and checks that it is of
// `kind`: the common first step of every typed Parse(std::span).
Result<RtcpPacketView> ParseSinglePacket(std::span<const uint8_t> packet, RtcpPacketKind kind);
// Checks that `packet` is of `kind` (typed views call this first).
Result<void> CheckKind(const RtcpPacketView& packet, RtcpPacketKind kind);

// Writes a 4-byte header for a packet of `packet_size` bytes (a multiple of 4, at most
// kRtcpMaxPacketSize) without padding. `out` must hold 4 bytes.
void WriteRtcpHeader(uint8_t* out, uint8_t count, RtcpPacketType type, size_t packet_size);

// Checks a serializer's size against the wire limits and the destination span.
Result<void> CheckSerializeSize(size_t packet_size, size_t out_size);

}  // namespace sluice
