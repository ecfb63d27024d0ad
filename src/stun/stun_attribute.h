// The one generic STUN attribute TLV helper (RFC 8489 §14). Every attribute is read and written
// through here, so type/length/padding checks live in one place and each attribute only decodes
// its value.
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |         Type                  |            Length             |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                         Value (variable)                ....
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// "The value in the Length field MUST contain the length of the Value part of the attribute,
// prior to padding, measured in bytes. Since STUN aligns attributes on 32-bit boundaries,
// attributes whose content is not a multiple of 4 bytes are padded with 1, 2, or 3 bytes of
// padding so that its value contains a multiple of 4 bytes." Padding bytes are ignored on
// receipt (RFC 8489 §14) and written as zeros.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>

#include "common/byte_order.h"
#include "sluice/result.h"
#include "stun/stun_types.h"

namespace sluice {

// One attribute: a view into the message bytes.
struct StunAttribute {
  uint16_t type = 0;
  std::span<const uint8_t> value;  // without padding
  size_t offset = 0;               // of the TLV header, from the start of the message

  // Header + value + padding: where the next attribute starts, relative to this one.
  size_t padded_size() const {
    return kStunAttributeHeaderSize + ((value.size() + 3) & ~size_t{3});
  }
};

// Bytes an attribute with a value of `value_size` bytes occupies, padding included.
constexpr size_t StunAttributeSize(size_t value_size) {
  return kStunAttributeHeaderSize + ((value_size + 3) & ~size_t{3});
}

// Reads the attribute whose header starts at `offset` of `message` (the whole message, header
// included). Its header, value and padding must all lie inside `message`: kTruncated otherwise.
inline Result<StunAttribute> ReadStunAttribute(std::span<const uint8_t> message, size_t offset) {
  if (offset > message.size() || message.size() - offset < kStunAttributeHeaderSize) {
    return MakeError(ErrorCode::kTruncated, "attribute header runs past the end of the message");
  }
  const uint8_t* p = message.data() + offset;  // 4 bytes checked above
  StunAttribute attr;
  attr.type = LoadBe16(p);
  const size_t length = LoadBe16(p + 2);
  attr.offset = offset;
  const size_t available = message.size() - offset - kStunAttributeHeaderSize;
  // Every inner length bounded by the outer one: value and padding inside the message.
  if (length > available) {
    return MakeError(ErrorCode::kTruncated, "attribute value runs past the end of the message");
  }
  if (StunAttributeSize(length) - kStunAttributeHeaderSize > available) {
    return MakeError(ErrorCode::kTruncated, "attribute padding runs past the end of the message");
  }
  attr.value = message.subspan(offset + kStunAttributeHeaderSize, length);
  return attr;
}

// Writes header, value and zero padding at the start of `out`; returns the bytes written
// (StunAttributeSize(value.size())). kInvalidArgument if the value exceeds 65535 bytes,
// kBufferTooSmall if `out` is short (nothing is written then).
Result<size_t> WriteStunAttribute(std::span<uint8_t> out, uint16_t type,
                                  std::span<const uint8_t> value);

// Iterates the attributes of a message whose TLV chain has been validated (StunMessageView
// does that in Parse). On bytes that were not validated it stops at the first bad TLV.
class StunAttributeIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = StunAttribute;
  using difference_type = std::ptrdiff_t;
  using pointer = const StunAttribute*;
  using reference = const StunAttribute&;

  StunAttributeIterator() = default;
  StunAttributeIterator(std::span<const uint8_t> message, size_t offset) : message_(message) {
    Load(offset);
  }
  const StunAttribute& operator*() const { return current_; }
  const StunAttribute* operator->() const { return &current_; }
  StunAttributeIterator& operator++() {
    Load(current_.offset + current_.padded_size());
    return *this;
  }
  void operator++(int) { ++*this; }
  friend bool operator==(const StunAttributeIterator& a, const StunAttributeIterator& b) {
    return a.done_ == b.done_ && (a.done_ || a.current_.offset == b.current_.offset);
  }

 private:
  void Load(size_t offset) {
    auto attr = ReadStunAttribute(message_, offset);
    done_ = !attr.ok();
    if (!done_) current_ = *attr;
  }

  std::span<const uint8_t> message_;
  StunAttribute current_;
  bool done_ = true;
};

class StunAttributeRange {
 public:
  explicit StunAttributeRange(std::span<const uint8_t> message) : message_(message) {}
  StunAttributeIterator begin() const { return StunAttributeIterator(message_, kStunHeaderSize); }
  StunAttributeIterator end() const { return StunAttributeIterator(); }

 private:
  std::span<const uint8_t> message_;
};

}  // namespace sluice
