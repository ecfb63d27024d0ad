// RTP header extensions: RFC 3550 §5.3.1 (the extension block) and RFC 8285 (one-byte and
// two-byte element forms). https://www.rfc-editor.org/rfc/rfc8285
//
// RFC 3550 §5.3.1, the block that follows the CSRC list when X is set:
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |      defined by profile       |           length              |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                        header extension                       |
//   |                             ....                              |
//
// RFC 8285 §4.2, one-byte form ("defined by profile" == 0xBEDE), element = ID(4) L(4) data,
// with L = data length - 1 (1..16 bytes):
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |       0xBE    |    0xDE       |           length=3            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  ID   | L=0   |     data      |  ID   |  L=1  |   data...
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 8285 §4.3, two-byte form ("defined by profile" == 0x100 << 4 | appbits), element =
// ID(8) length(8) data (0..255 bytes):
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |       0x10    |    0x00       |           length=3            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |      ID       |     L=0       |     ID        |     L=1       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |       data    |    0 (pad)    |       ID      |      L=4      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 8285 §4.1.2: "In both forms, padding bytes have the value of 0 (zero). They MAY be placed
// between extension elements, if desired for alignment, or after the last extension element, if
// needed for padding. A padding byte does not supply the ID of an element, nor does it supply
// the length field." The walk skips them wherever they appear.
//
// Thread rules: plain views; as thread-safe as the bytes they point at. No allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>

#include "sluice/result.h"

namespace sluice {

inline constexpr uint16_t kRtpOneByteExtensionProfile = 0xBEDE;
inline constexpr uint16_t kRtpTwoByteExtensionProfile = 0x1000;  // low 4 bits: appbits
inline constexpr uint16_t kRtpTwoByteExtensionProfileMask = 0xFFF0;
inline constexpr uint8_t kRtpOneByteMaxId = 14;
inline constexpr uint8_t kRtpOneByteReservedId = 15;
inline constexpr size_t kRtpOneByteMaxDataSize = 16;
inline constexpr size_t kRtpTwoByteMaxDataSize = 255;

enum class RtpExtensionForm {
  kNone,     // no extension block
  kOneByte,  // RFC 8285 §4.2, profile 0xBEDE
  kTwoByte,  // RFC 8285 §4.3, profile 0x100X
  kOther,    // a profile that is not RFC 8285: data is opaque, no elements
};

constexpr RtpExtensionForm RtpExtensionFormOf(uint16_t profile) {
  if (profile == kRtpOneByteExtensionProfile) return RtpExtensionForm::kOneByte;
  if ((profile & kRtpTwoByteExtensionProfileMask) == kRtpTwoByteExtensionProfile) {
    return RtpExtensionForm::kTwoByte;
  }
  return RtpExtensionForm::kOther;
}

// One header-extension element: its local id and a view of its data (into the packet).
struct RtpExtensionElement {
  uint8_t id = 0;
  std::span<const uint8_t> data;
};

// Why an element walk stopped.
enum class RtpExtensionStop {
  kEnd,            // consumed the whole block (possibly ending in padding)
  kReservedId15,   // one-byte form met ID 15 (RFC 8285 §4.2): elements before it count
  kBadPadding,     // one-byte form: ID 0 with a non-zero length nibble is not a padding byte
  kTruncated,      // an element's header or data runs past the end of the block
};

// Reads the element starting at or after `*pos` (skipping padding bytes). On success returns
// the element and advances *pos past it; otherwise returns nullopt and sets *stop. Never reads
// outside `block`. Inline: this is the one place that decodes element headers.
inline std::optional<RtpExtensionElement> ReadRtpExtensionElement(RtpExtensionForm form,
                                                                  std::span<const uint8_t> block,
                                                                  size_t* pos,
                                                                  RtpExtensionStop* stop) {
  const size_t size = block.size();
  size_t p = *pos;
  // RFC 8285 §4: padding bytes (value 0) may sit between elements and after the last one.
  while (p < size && block[p] == 0) ++p;
  *pos = p;
  if (p >= size) {
    *stop = RtpExtensionStop::kEnd;
    return std::nullopt;
  }
  if (form == RtpExtensionForm::kOneByte) {
    const uint8_t id = block[p] >> 4;
    const size_t len = size_t{block[p] & 0x0Fu} + 1;
    if (id == kRtpOneByteReservedId) {
      // RFC 8285 §4.2: "If the ID value 15 is encountered, its length field should be ignored,
      // processing of the entire extension should terminate at that point, and only the
      // extension elements present prior to the element with ID 15 considered."
      *stop = RtpExtensionStop::kReservedId15;
      return std::nullopt;
    }
    if (id == 0) {  // 0x0L with L != 0: neither a padding byte nor a valid ID (1-14).
      *stop = RtpExtensionStop::kBadPadding;
      return std::nullopt;
    }
    if (len > size - p - 1) {
      *stop = RtpExtensionStop::kTruncated;
      return std::nullopt;
    }
    *pos = p + 1 + len;
    return RtpExtensionElement{id, block.subspan(p + 1, len)};
  }
  if (form == RtpExtensionForm::kTwoByte) {
    if (size - p < 2) {
      *stop = RtpExtensionStop::kTruncated;
      return std::nullopt;
    }
    const uint8_t id = block[p];
    const size_t len = block[p + 1];
    if (len > size - p - 2) {
      *stop = RtpExtensionStop::kTruncated;
      return std::nullopt;
    }
    *pos = p + 2 + len;
    return RtpExtensionElement{id, block.subspan(p + 2, len)};
  }
  *stop = RtpExtensionStop::kEnd;  // opaque profile: no elements
  return std::nullopt;
}

// Input iterator over the elements of an extension block. Stops (== end) at the end of the
// block, at a one-byte ID 15, or at the first malformed element; stop() says which.
class RtpExtensionIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = RtpExtensionElement;
  using difference_type = std::ptrdiff_t;
  using pointer = const RtpExtensionElement*;
  using reference = const RtpExtensionElement&;

  RtpExtensionIterator() = default;
  RtpExtensionIterator(RtpExtensionForm form, std::span<const uint8_t> block)
      : form_(form), block_(block) {
    Advance();
  }

  const RtpExtensionElement& operator*() const { return current_; }
  const RtpExtensionElement* operator->() const { return &current_; }
  RtpExtensionIterator& operator++() {
    Advance();
    return *this;
  }
  void operator++(int) { Advance(); }
  bool done() const { return done_; }
  RtpExtensionStop stop() const { return stop_; }
  friend bool operator==(const RtpExtensionIterator& it, std::default_sentinel_t) {
    return it.done_;
  }

 private:
  void Advance() {
    if (done_) return;
    auto e = ReadRtpExtensionElement(form_, block_, &pos_, &stop_);
    if (e) {
      current_ = *e;
    } else {
      done_ = true;
    }
  }

  RtpExtensionForm form_ = RtpExtensionForm::kNone;
  std::span<const uint8_t> block_;
  size_t pos_ = 0;
  RtpExtensionElement current_;
  RtpExtensionStop stop_ = RtpExtensionStop::kEnd;
  bool done_ = false;
};

// A view of one packet's extension block (the bytes after the 4-byte extension header).
//   for (const RtpExtensionElement& e : packet.extensions()) { ... }
class RtpHeaderExtensions {
 public:
  RtpHeaderExtensions() = default;
  RtpHeaderExtensions(uint16_t profile, std::span<const uint8_t> block)
      : form_(RtpExtensionFormOf(profile)), profile_(profile), block_(block) {}

  RtpExtensionForm form() const { return form_; }
  uint16_t profile() const { return profile_; }
  // Two-byte form only: the 4 application-dependent bits of the profile.
  uint8_t appbits() const { return static_cast<uint8_t>(profile_ & 0x0F); }
  std::span<const uint8_t> block() const { return block_; }

  RtpExtensionIterator begin() const { return RtpExtensionIterator(form_, block_); }
  std::default_sentinel_t end() const { return {}; }

  // The data of the first element with `id`, or nullopt (also for id 0 and opaque profiles).
  std::optional<std::span<const uint8_t>> Find(uint8_t id) const {
    if (id == 0) return std::nullopt;
    size_t pos = 0;
    RtpExtensionStop stop;
    while (auto e = ReadRtpExtensionElement(form_, block_, &pos, &stop)) {
      if (e->id == id) return e->data;
    }
    return std::nullopt;
  }

  // Strict check of every element: the walk must reach the end of the block (no ID 15, no
  // truncated element, no stray 0x0L byte). Opaque profiles are accepted as they are.
  Result<void> Validate() const;

 private:
  RtpExtensionForm form_ = RtpExtensionForm::kNone;
  uint16_t profile_ = 0;
  std::span<const uint8_t> block_;
};

}  // namespace sluice
