// RTP fixed header: RFC 3550 §5.1. https://www.rfc-editor.org/rfc/rfc3550#section-5.1
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P|X|  CC   |M|     PT      |       sequence number         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                           timestamp                           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |           synchronization source (SSRC) identifier            |
//   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//   |            contributing source (CSRC) identifiers             |
//   |                             ....                              |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  header extension (if X): profile(16) length(16) words...     |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  payload ...                  | padding (if P) ... | pad count|
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RtpPacketView is a view over received bytes (typically a PacketBuffer slot after SRTP
// unprotect). Parse() is the hot path: it checks only what is needed to make every accessor
// safe (size, version, CSRC list, extension block and padding fit) and is inline so that it
// compiles to a handful of loads and compares. Validate() adds the stricter checks that a
// receiver may want once per packet it keeps (RTCP-range payload types, well-formed RFC 8285
// elements).
//
// Thread rules: a view is a plain value; it is valid only while the bytes it points at are, and
// as thread-safe as they are. Nothing here allocates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "common/byte_order.h"
#include "common/strong_id.h"
#include "rtp/rtp_header_extension.h"
#include "sluice/result.h"

namespace sluice {

inline constexpr size_t kRtpFixedHeaderSize = 12;
inline constexpr uint8_t kRtpVersion = 2;
inline constexpr size_t kRtpMaxCsrcs = 15;
inline constexpr size_t kRtpExtensionHeaderSize = 4;

// The CSRC list of a packet as a view: csrcs()[i] is an Ssrc read from the wire.
class RtpCsrcList {
 public:
  RtpCsrcList() = default;
  RtpCsrcList(const uint8_t* data, size_t count) : data_(data), count_(count) {}

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  Ssrc operator[](size_t i) const { return Ssrc(LoadBe32(data_ + 4 * i)); }

  class Iterator {
   public:
    using value_type = Ssrc;
    using difference_type = std::ptrdiff_t;
    Iterator() = default;
    explicit Iterator(const uint8_t* p) : p_(p) {}
    Ssrc operator*() const { return Ssrc(LoadBe32(p_)); }
    Iterator& operator++() {
      p_ += 4;
      return *this;
    }
    Iterator operator++(int) {
      Iterator old = *this;
      p_ += 4;
      return old;
    }
    friend bool operator==(const Iterator&, const Iterator&) = default;

   private:
    const uint8_t* p_ = nullptr;
  };
  Iterator begin() const { return Iterator(data_); }
  Iterator end() const { return Iterator(data_ + 4 * count_); }

 private:
  const uint8_t* data_ = nullptr;
  size_t count_ = 0;
};

class RtpPacketView {
 public:
  // Minimal validation, no copy, no allocation. Errors: kTruncated (shorter than the fixed
  // header, the CSRC list or the extension block), kMalformed (version, padding).
  static Result<RtpPacketView> Parse(std::span<const uint8_t> packet);

  // Stricter checks, see the file comment. Call on a parsed view.
  Result<void> Validate() const;

  // --- RFC 3550 §5.1 fields -------------------------------------------------------------
  uint8_t version() const { return data_[0] >> 6; }
  bool has_padding() const { return (data_[0] & 0x20) != 0; }
  bool has_extension() const { return (data_[0] & 0x10) != 0; }
  size_t csrc_count() const { return data_[0] & 0x0F; }
  bool marker() const { return (data_[1] & 0x80) != 0; }
  PayloadType payload_type() const { return PayloadType(data_[1] & 0x7F); }
  SeqNum sequence_number() const { return SeqNum(LoadBe16(data_ + 2)); }
  uint32_t timestamp() const { return LoadBe32(data_ + 4); }
  Ssrc ssrc() const { return Ssrc(LoadBe32(data_ + 8)); }
  RtpCsrcList csrcs() const { return RtpCsrcList(data_ + kRtpFixedHeaderSize, csrc_count()); }

  // --- RFC 3550 §5.3.1 extension ----------------------------------------------------------
  // "defined by profile" (0xBEDE, 0x100X, or anything else); 0 when X is clear.
  uint16_t extension_profile() const {
    return has_extension() ? LoadBe16(data_ + ExtensionOffset()) : 0;
  }
  // The extension words after the 4-byte extension header (empty when X is clear).
  std::span<const uint8_t> extension_data() const {
    if (!has_extension()) return {};
    const size_t start = ExtensionOffset() + kRtpExtensionHeaderSize;
    return {data_ + start, header_size_ - start};
  }
  RtpHeaderExtensions extensions() const {
    if (!has_extension()) return {};
    return RtpHeaderExtensions(extension_profile(), extension_data());
  }
  // Data of the first RFC 8285 element with `id`.
  std::optional<std::span<const uint8_t>> FindExtension(uint8_t id) const {
    return extensions().Find(id);
  }

  // --- layout -----------------------------------------------------------------------------
  // Fixed header + CSRCs + extension block.
  size_t header_size() const { return header_size_; }
  // Padding octets at the end, including the count octet itself (0 when P is clear).
  size_t padding_size() const { return padding_size_; }
  std::span<const uint8_t> payload() const {
    return {data_ + header_size_, size_ - header_size_ - padding_size_};
  }
  size_t size() const { return size_; }
  std::span<const uint8_t> bytes() const { return {data_, size_}; }

 private:
  RtpPacketView(const uint8_t* data, size_t size, size_t header_size, size_t padding_size)
      : data_(data), size_(size), header_size_(header_size), padding_size_(padding_size) {}
  size_t ExtensionOffset() const { return kRtpFixedHeaderSize + 4 * csrc_count(); }

  const uint8_t* data_;
  size_t size_;
  size_t header_size_;
  size_t padding_size_;
};

inline Result<RtpPacketView> RtpPacketView::Parse(std::span<const uint8_t> packet) {
  const uint8_t* p = packet.data();
  const size_t size = packet.size();
  if (size < kRtpFixedHeaderSize) {
    return MakeError(ErrorCode::kTruncated, "RTP packet shorter than the 12-byte fixed header");
  }
  // RFC 3550 §5.1: "The version defined by this specification is two (2)."
  if ((p[0] >> 6) != kRtpVersion) {
    return MakeError(ErrorCode::kMalformed, "RTP version is not 2");
  }
  size_t header_size = kRtpFixedHeaderSize + 4 * size_t{p[0] & 0x0Fu};
  if (p[0] & 0x10) {
    if (size < header_size + kRtpExtensionHeaderSize) {
      return MakeError(ErrorCode::kTruncated, "RTP header extension header past the end");
    }
    // RFC 3550 §5.3.1: the length "counts the number of 32-bit words in the extension,
    // excluding the four-octet extension header (therefore zero is a valid length)".
    header_size += kRtpExtensionHeaderSize + 4 * size_t{LoadBe16(p + header_size + 2)};
  }
  if (header_size > size) {
    return MakeError(ErrorCode::kTruncated, "RTP CSRC list or header extension past the end");
  }
  size_t padding_size = 0;
  if (p[0] & 0x20) {
    // RFC 3550 §5.1: "The last octet of the padding contains a count of how many padding
    // octets should be ignored, including itself."
    padding_size = p[size - 1];
    if (padding_size == 0) {
      return MakeError(ErrorCode::kMalformed, "RTP padding bit set but padding count is 0");
    }
    if (padding_size > size - header_size) {
      return MakeError(ErrorCode::kMalformed, "RTP padding larger than the payload");
    }
  }
  return RtpPacketView(p, size, header_size, padding_size);
}

}  // namespace sluice
