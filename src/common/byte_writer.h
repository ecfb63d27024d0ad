// ByteWriter: a bounds-checked, big-endian cursor that serializes into a caller's span.
//
// A write that does not fit writes nothing and latches overflow(); serializers write
// unconditionally and check ok() once at the end, then return written() (DESIGN.md §4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "common/byte_order.h"

namespace sluice {

class ByteWriter {
 public:
  explicit ByteWriter(std::span<uint8_t> out) : out_(out) {}

  size_t written() const { return pos_; }
  size_t remaining() const { return out_.size() - pos_; }
  bool ok() const { return !overflow_; }
  bool overflow() const { return overflow_; }
  // The bytes written so far.
  std::span<uint8_t> data() const { return out_.first(pos_); }

  bool WriteU8(uint8_t v) {
    if (!Reserve(1)) return false;
    out_[pos_++] = v;
    return true;
  }
  bool WriteU16(uint16_t v) {
    if (!Reserve(2)) return false;
    StoreBe16(out_.data() + pos_, v);
    pos_ += 2;
    return true;
  }
  bool WriteU24(uint32_t v) {
    if (!Reserve(3)) return false;
    StoreBe24(out_.data() + pos_, v);
    pos_ += 3;
    return true;
  }
  bool WriteU32(uint32_t v) {
    if (!Reserve(4)) return false;
    StoreBe32(out_.data() + pos_, v);
    pos_ += 4;
    return true;
  }
  bool WriteU64(uint64_t v) {
    if (!Reserve(8)) return false;
    StoreBe64(out_.data() + pos_, v);
    pos_ += 8;
    return true;
  }
  bool WriteBytes(std::span<const uint8_t> bytes) {
    if (!Reserve(bytes.size())) return false;
    if (!bytes.empty()) std::memcpy(out_.data() + pos_, bytes.data(), bytes.size());
    pos_ += bytes.size();
    return true;
  }
  bool WriteZeros(size_t n) {
    if (!Reserve(n)) return false;
    if (n != 0) std::memset(out_.data() + pos_, 0, n);
    pos_ += n;
    return true;
  }
  // Zero padding up to the next multiple of `alignment` from the start of the span.
  bool PadToAlignment(size_t alignment) { return WriteZeros((alignment - pos_ % alignment) % alignment); }

  // Reserves n bytes to be filled later (e.g. a length field); returns their span or an empty one.
  std::span<uint8_t> Skip(size_t n) {
    if (!Reserve(n)) return {};
    auto s = out_.subspan(pos_, n);
    pos_ += n;
    return s;
  }

 private:
  bool Reserve(size_t n) {
    if (overflow_ || remaining() < n) {
      overflow_ = true;
      return false;
    }
    return true;
  }

  std::span<uint8_t> out_;
  size_t pos_ = 0;
  bool overflow_ = false;
};

}  // namespace sluice
