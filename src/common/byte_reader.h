// ByteReader: a bounds-checked, big-endian cursor over bytes (DESIGN.md §4).
//
// Every read checks the remaining length and returns std::nullopt instead of reading past the
// end; a failed read leaves the cursor where it was. Wire parsers read fields through this,
// never by overlaying a struct on the bytes. Header-only so that every check inlines.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "common/byte_order.h"

namespace sluice {

class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return pos_ == data_.size(); }
  // The bytes not read yet.
  std::span<const uint8_t> rest() const { return data_.subspan(pos_); }

  std::optional<uint8_t> ReadU8() {
    if (remaining() < 1) return std::nullopt;
    return data_[pos_++];
  }
  std::optional<uint16_t> ReadU16() {
    if (remaining() < 2) return std::nullopt;
    uint16_t v = LoadBe16(data_.data() + pos_);
    pos_ += 2;
    return v;
  }
  std::optional<uint32_t> ReadU24() {
    if (remaining() < 3) return std::nullopt;
    uint32_t v = LoadBe24(data_.data() + pos_);
    pos_ += 3;
    return v;
  }
  std::optional<uint32_t> ReadU32() {
    if (remaining() < 4) return std::nullopt;
    uint32_t v = LoadBe32(data_.data() + pos_);
    pos_ += 4;
    return v;
  }
  std::optional<uint64_t> ReadU64() {
    if (remaining() < 8) return std::nullopt;
    uint64_t v = LoadBe64(data_.data() + pos_);
    pos_ += 8;
    return v;
  }
  // A view of the next n bytes (no copy).
  std::optional<std::span<const uint8_t>> ReadBytes(size_t n) {
    if (remaining() < n) return std::nullopt;
    auto v = data_.subspan(pos_, n);
    pos_ += n;
    return v;
  }
  bool Skip(size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }
  // Skips padding up to the next multiple of `alignment` from the start of the data.
  bool SkipToAlignment(size_t alignment) {
    size_t pad = (alignment - pos_ % alignment) % alignment;
    return Skip(pad);
  }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

}  // namespace sluice
