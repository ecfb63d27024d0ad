// RtpHeader: builds an RTP header (RFC 3550 §5.1, §5.3.1) with RFC 8285 header extensions into
// a caller's span. https://www.rfc-editor.org/rfc/rfc3550#section-5.1
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P|X|  CC   |M|     PT      |       sequence number         |
//   |                           timestamp                           |
//   |           synchronization source (SSRC) identifier            |
//   |            contributing source (CSRC) identifiers  (CC words) |
//   |  0xBEDE or 0x100X             |  length (32-bit words)        |
//   |  extension elements, zero-padded to a 32-bit boundary         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The extension form is picked automatically (RFC 8285 §4.2/§4.3): one-byte (0xBEDE) unless an
// element needs the two-byte form (id > 14, data longer than 16 bytes, or empty data).
//
//   RtpHeader h;
//   h.payload_type = PayloadType(111); h.sequence_number = SeqNum(7); h.ssrc = Ssrc(0x1234);
//   h.AddExtension(1, audio_level);           // data spans must outlive SerializeTo
//   Result<size_t> n = h.SerializePacketTo(payload, buffer);
//
// Thread rules: a plain value. No allocation: CSRCs and extension elements live in fixed arrays
// and extension data are spans into the caller's memory.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "common/strong_id.h"
#include "rtp/rtp_header_extension.h"
#include "rtp/rtp_packet.h"
#include "sluice/result.h"

namespace sluice {

struct RtpHeader {
  static constexpr size_t kMaxExtensions = 16;

  bool marker = false;
  PayloadType payload_type{0};  // 0-127
  SeqNum sequence_number{0};
  uint32_t timestamp = 0;
  Ssrc ssrc{0};
  std::array<Ssrc, kRtpMaxCsrcs> csrcs{};
  size_t csrc_count = 0;  // 0-15
  // RFC 8285 elements, written in this order. ids 1-255 (0 is padding); data 0-255 bytes.
  std::array<RtpExtensionElement, kMaxExtensions> extensions{};
  size_t extension_count = 0;
  uint8_t extension_appbits = 0;  // low 4 bits of 0x100X; two-byte form only
  // An opaque (non RFC 8285) extension block, written as is when has_raw_extension is set
  // (forwarding a profile we do not interpret). Its size must be a multiple of 4 and it
  // cannot be combined with `extensions`.
  bool has_raw_extension = false;
  uint16_t raw_extension_profile = 0;
  std::span<const uint8_t> raw_extension_data;
  // Padding octets after the payload, including the count octet (0 = none; sets P).
  uint8_t padding_size = 0;

  // Appends a CSRC; kExhausted past 15.
  Result<void> AddCsrc(Ssrc csrc);
  // Appends an element; kInvalidArgument for id 0 or data over 255 bytes, kExhausted past
  // kMaxExtensions. `data` is not copied.
  Result<void> AddExtension(uint8_t id, std::span<const uint8_t> data);

  // kNone, kOneByte or kTwoByte (or kOther for a raw block).
  RtpExtensionForm extension_form() const;

  // Header bytes: 12 + 4 * CSRCs + extension block.
  size_t SerializedSize() const;
  // Writes the header only (the P bit follows padding_size); returns the bytes written.
  // kBufferTooSmall if `out` is short, kInvalidArgument for an unserializable header.
  Result<size_t> SerializeTo(std::span<uint8_t> out) const;

  // Header + payload + padding.
  size_t PacketSize(size_t payload_size) const {
    return SerializedSize() + payload_size + padding_size;
  }
  // Writes a whole packet: header, payload, then padding_size - 1 zero octets and the count.
  Result<size_t> SerializePacketTo(std::span<const uint8_t> payload, std::span<uint8_t> out) const;

  // The header of a parsed packet (extension data still points into the packet). kExhausted if
  // it has more than kMaxExtensions elements; kMalformed if its RFC 8285 elements do not walk
  // to the end of the block (see RtpHeaderExtensions::Validate).
  static Result<RtpHeader> FromView(const RtpPacketView& packet);
};

}  // namespace sluice
