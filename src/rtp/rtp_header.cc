// RtpHeader serialization (RFC 3550 §5.1, §5.3.1; RFC 8285 §4.2, §4.3). Diagram in rtp_header.h.
#include "rtp/rtp_header.h"

#include <cstring>

#include "common/byte_order.h"

namespace sluice {
namespace {

bool NeedsTwoByteForm(const RtpExtensionElement& e) {
  return e.id > kRtpOneByteMaxId || e.data.size() > kRtpOneByteMaxDataSize || e.data.empty();
}

size_t PadTo4(size_t n) { return (n + 3) & ~size_t{3}; }

}  // namespace

Result<void> RtpHeader::AddCsrc(Ssrc csrc) {
  if (csrc_count >= kRtpMaxCsrcs) {
    return MakeError(ErrorCode::kExhausted, "an RTP header holds at most 15 CSRCs");
  }
  csrcs[csrc_count++] = csrc;
  return Ok();
}

Result<void> RtpHeader::AddExtension(uint8_t id, std::span<const uint8_t> data) {
  if (id == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "extension id 0 is padding; use ids 1-255");
  }
  if (data.size() > kRtpTwoByteMaxDataSize) {
    return MakeError(ErrorCode::kInvalidArgument, "extension data is limited to 255 bytes");
  }
  if (extension_count >= kMaxExtensions) {
    return MakeError(ErrorCode::kExhausted, "too many extension elements (max 16)");
  }
  extensions[extension_count++] = RtpExtensionElement{id, data};
  return Ok();
}

namespace {

// Everything SerializeTo needs to know before writing, found in one pass over the elements.
struct Layout {
  size_t size = 0;  // header bytes
  RtpExtensionForm form = RtpExtensionForm::kNone;
  const char* error = nullptr;  // kInvalidArgument reason, if the header cannot be written
};

[[gnu::always_inline]] inline Layout ComputeLayout(const RtpHeader& h) {
  Layout l;
  l.size = kRtpFixedHeaderSize + 4 * h.csrc_count;
  if (h.payload_type.value() > 127) l.error = "RTP payload type must be 0-127";
  if (h.csrc_count > kRtpMaxCsrcs) l.error = "RTP csrc_count must be 0-15";
  if (h.has_raw_extension) {
    if (h.extension_count != 0) {
      l.error = "use either a raw extension block or RFC 8285 elements, not both";
    }
    if (h.raw_extension_data.size() % 4 != 0) l.error = "raw extension data must be 32-bit words";
    // RFC 3550 §5.3.1: the extension length is a 16-bit count of 32-bit words.
    if (h.raw_extension_data.size() > 4 * size_t{0xFFFF}) {
      l.error = "header extension longer than 65535 words";
    }
    l.form = RtpExtensionFormOf(h.raw_extension_profile);
    l.size += kRtpExtensionHeaderSize + h.raw_extension_data.size();
    return l;
  }
  if (h.extension_count == 0) return l;
  size_t count = h.extension_count;
  if (count > RtpHeader::kMaxExtensions) {
    l.error = "extension_count exceeds kMaxExtensions";
    count = RtpHeader::kMaxExtensions;
  }
  bool two_byte = false;
  size_t data_bytes = 0;
  for (size_t i = 0; i < count; ++i) {
    const RtpExtensionElement& e = h.extensions[i];
    if (e.id == 0 || e.data.size() > kRtpTwoByteMaxDataSize) {
      l.error = "extension element needs id 1-255 and at most 255 bytes of data";
    }
    two_byte |= NeedsTwoByteForm(e);
    data_bytes += e.data.size();
  }
  l.form = two_byte ? RtpExtensionForm::kTwoByte : RtpExtensionForm::kOneByte;
  l.size += kRtpExtensionHeaderSize + PadTo4(data_bytes + count * (two_byte ? 2 : 1));
  return l;
}

// Element data are short (1-16 bytes in the one-byte form): a byte loop beats a memcpy call.
inline void CopySmall(uint8_t* dst, std::span<const uint8_t> src) {
  const uint8_t* s = src.data();
  const size_t n = src.size();
  if (n > 32) {
    std::memcpy(dst, s, n);
    return;
  }
  for (size_t i = 0; i < n; ++i) dst[i] = s[i];
}

}  // namespace

RtpExtensionForm RtpHeader::extension_form() const { return ComputeLayout(*this).form; }

size_t RtpHeader::SerializedSize() const { return ComputeLayout(*this).size; }

Result<size_t> RtpHeader::SerializeTo(std::span<uint8_t> out) const {
  const Layout layout = ComputeLayout(*this);
  if (layout.error != nullptr) return MakeError(ErrorCode::kInvalidArgument, layout.error);
  const size_t size = layout.size;
  if (out.size() < size) {
    return MakeError(ErrorCode::kBufferTooSmall, "buffer shorter than the RTP header");
  }
  const RtpExtensionForm form = layout.form;
  // Byte stores may alias *this, so every field is read into a local before writing.
  const size_t csrc_n = csrc_count;
  const size_t element_n = extension_count;
  const uint8_t first = static_cast<uint8_t>((kRtpVersion << 6) | (padding_size != 0 ? 0x20 : 0) |
                                             (form != RtpExtensionForm::kNone ? 0x10 : 0) |
                                             csrc_n);
  const uint8_t second = static_cast<uint8_t>((marker ? 0x80 : 0) | payload_type.value());
  const uint16_t seq = sequence_number.value();
  const uint32_t ts = timestamp;
  const uint32_t ssrc_value = ssrc.value();
  uint8_t* p = out.data();
  // RFC 3550 §5.1: "The version defined by this specification is two (2)."
  p[0] = first;
  p[1] = second;
  StoreBe16(p + 2, seq);
  StoreBe32(p + 4, ts);
  StoreBe32(p + 8, ssrc_value);
  size_t pos = kRtpFixedHeaderSize;
  for (size_t i = 0; i < csrc_n; ++i, pos += 4) StoreBe32(p + pos, csrcs[i].value());
  if (form == RtpExtensionForm::kNone) return pos;

  const size_t ext_header = pos;
  const size_t words = (size - ext_header - kRtpExtensionHeaderSize) / 4;
  pos += kRtpExtensionHeaderSize;
  if (has_raw_extension) {
    StoreBe16(p + ext_header, raw_extension_profile);
    if (!raw_extension_data.empty()) {
      std::memcpy(p + pos, raw_extension_data.data(), raw_extension_data.size());
    }
    pos += raw_extension_data.size();
  } else if (form == RtpExtensionForm::kOneByte) {
    StoreBe16(p + ext_header, kRtpOneByteExtensionProfile);
    for (size_t i = 0; i < element_n; ++i) {
      const uint8_t id = extensions[i].id;
      const std::span<const uint8_t> data = extensions[i].data;
      // RFC 8285 §4.2: "The 4-bit length is the number, minus one, of data bytes of this header
      // extension element following the one-byte header."
      p[pos] = static_cast<uint8_t>((id << 4) | (data.size() - 1));
      CopySmall(p + pos + 1, data);
      pos += 1 + data.size();
    }
  } else {
    StoreBe16(p + ext_header,
              static_cast<uint16_t>(kRtpTwoByteExtensionProfile | (extension_appbits & 0x0F)));
    for (size_t i = 0; i < element_n; ++i) {
      const uint8_t id = extensions[i].id;
      const std::span<const uint8_t> data = extensions[i].data;
      p[pos] = id;
      p[pos + 1] = static_cast<uint8_t>(data.size());
      CopySmall(p + pos + 2, data);
      pos += 2 + data.size();
    }
  }
  StoreBe16(p + ext_header + 2, static_cast<uint16_t>(words));
  // RFC 8285 §4.1.2: "padding bytes have the value of 0 (zero)".
  while (pos < size) p[pos++] = 0;
  return size;
}

Result<size_t> RtpHeader::SerializePacketTo(std::span<const uint8_t> payload,
                                            std::span<uint8_t> out) const {
  const size_t total = PacketSize(payload.size());
  if (out.size() < total) {
    return MakeError(ErrorCode::kBufferTooSmall, "buffer shorter than the RTP packet");
  }
  auto header = SerializeTo(out);
  if (!header.ok()) return header;
  size_t pos = *header;
  if (!payload.empty()) std::memcpy(out.data() + pos, payload.data(), payload.size());
  pos += payload.size();
  if (padding_size != 0) {
    // RFC 3550 §5.1: "The last octet of the padding contains a count of how many padding
    // octets should be ignored, including itself."
    std::memset(out.data() + pos, 0, padding_size - 1u);
    pos += padding_size;
    out[pos - 1] = padding_size;
  }
  return pos;
}

Result<RtpHeader> RtpHeader::FromView(const RtpPacketView& packet) {
  RtpHeader h;
  h.marker = packet.marker();
  h.payload_type = packet.payload_type();
  h.sequence_number = packet.sequence_number();
  h.timestamp = packet.timestamp();
  h.ssrc = packet.ssrc();
  for (Ssrc csrc : packet.csrcs()) h.csrcs[h.csrc_count++] = csrc;
  h.padding_size = static_cast<uint8_t>(packet.padding_size());
  if (!packet.has_extension()) return h;
  const RtpHeaderExtensions ext = packet.extensions();
  if (ext.form() == RtpExtensionForm::kOther) {
    h.has_raw_extension = true;
    h.raw_extension_profile = ext.profile();
    h.raw_extension_data = ext.block();
    return h;
  }
  auto valid = ext.Validate();
  if (!valid.ok()) return valid.error();
  if (ext.form() == RtpExtensionForm::kTwoByte) h.extension_appbits = ext.appbits();
  for (const RtpExtensionElement& e : ext) {
    auto added = h.AddExtension(e.id, e.data);
    if (!added.ok()) return added.error();
  }
  return h;
}

}  // namespace sluice
