// PacketPool and PacketBuffer: pre-allocated packet memory (DESIGN.md §4).
//
// A PacketPool allocates all of its slots once. Each slot holds one datagram with room in front
// (headroom: for headers prepended on send) and behind (tailroom: for the SRTP/SRTCP tag and
// index appended in place). A PacketBuffer is a move-only handle to one slot that returns the
// slot when it is destroyed; nothing is allocated per packet.
//
//   slot: | headroom | data (size() bytes) ............ | tailroom |
//         ^ start    ^ data()                                      ^ end of slot
//
// Sharing is explicit and counted: Share() returns a second handle to the same bytes (each
// handle keeps its own view window), and the slot returns to the pool when the last handle
// goes. Copying is explicit too: Clone() copies the bytes into a fresh slot.
//
// Thread rules:
//  - PacketPool::Acquire() and the release of a buffer (its destructor) may run on any threads
//    at once: the free list is a lock-free bounded queue. Share() may also run on any thread.
//  - One PacketBuffer handle is used by one thread at a time (hand it over by moving it).
//  - Two shared handles see the same bytes: write through one only while use_count() == 1, or
//    when every other holder is known not to read concurrently.
//  - The pool's memory stays alive until the PacketPool object is destroyed *and* every buffer
//    has been released, so a buffer may safely outlive its PacketPool object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "sluice/result.h"

namespace sluice {

struct PacketPoolOptions {
  size_t slot_count = 1024;  // buffers in the pool; Acquire() fails with kExhausted past this
  size_t headroom = 64;      // bytes before the data for prepended headers
  size_t capacity = 1500;    // data bytes a slot holds at its initial position (one MTU)
  size_t tailroom = 64;      // bytes after capacity: SRTP tag (up to 16) + SRTCP index (4) + MKI
};

struct PacketPoolStats {
  uint64_t acquired = 0;   // successful Acquire() calls
  uint64_t exhausted = 0;  // Acquire() calls that failed because every slot was in use
};

namespace internal {
class PacketPoolCore;
}

class PacketBuffer {
 public:
  PacketBuffer() = default;  // an empty handle: valid() is false
  PacketBuffer(PacketBuffer&& o) noexcept { Steal(o); }
  PacketBuffer& operator=(PacketBuffer&& o) noexcept {
    if (this != &o) {
      Release();
      Steal(o);
    }
    return *this;
  }
  PacketBuffer(const PacketBuffer&) = delete;
  PacketBuffer& operator=(const PacketBuffer&) = delete;
  ~PacketBuffer() { Release(); }

  bool valid() const { return core_ != nullptr; }
  explicit operator bool() const { return valid(); }

  // The current data window.
  std::span<const uint8_t> data() const { return {slot_ + offset_, size_}; }
  std::span<uint8_t> mutable_data() { return {slot_ + offset_, size_}; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  size_t headroom() const { return offset_; }
  size_t tailroom() const { return slot_bytes_ - offset_ - size_; }
  // Everything from data() to the end of the slot: where a receive writes before Resize().
  std::span<uint8_t> writable_area() { return {slot_ + offset_, slot_bytes_ - offset_}; }

  // Window changes. Each returns false and changes nothing if it does not fit in the slot.
  bool Resize(size_t n) {  // data() keeps its start; n may reach into the tailroom
    if (n > slot_bytes_ - offset_) return false;
    size_ = static_cast<uint32_t>(n);
    return true;
  }
  bool Prepend(size_t n) {  // grow the front into the headroom (e.g. to write a header)
    if (n > offset_) return false;
    offset_ -= static_cast<uint32_t>(n);
    size_ += static_cast<uint32_t>(n);
    return true;
  }
  bool Append(size_t n) {  // grow the back into the tailroom (e.g. for an SRTP tag)
    if (n > tailroom()) return false;
    size_ += static_cast<uint32_t>(n);
    return true;
  }
  bool TrimFront(size_t n) {  // drop bytes at the front (e.g. a consumed header)
    if (n > size_) return false;
    offset_ += static_cast<uint32_t>(n);
    size_ -= static_cast<uint32_t>(n);
    return true;
  }
  bool TrimBack(size_t n) {  // drop bytes at the back (e.g. a verified tag)
    if (n > size_) return false;
    size_ -= static_cast<uint32_t>(n);
    return true;
  }

  // A second, counted handle to the same slot with the same window.
  PacketBuffer Share() const;
  // A copy of the window (same headroom) in a fresh slot of the same pool; kExhausted if none.
  Result<PacketBuffer> Clone() const;
  // Handles sharing this slot (0 for an empty handle).
  uint32_t use_count() const;
  // Returns the slot now (if this is the last handle) and empties the handle.
  void Release();

 private:
  friend class internal::PacketPoolCore;
  void Steal(PacketBuffer& o) {
    core_ = o.core_;
    slot_ = o.slot_;
    index_ = o.index_;
    offset_ = o.offset_;
    size_ = o.size_;
    slot_bytes_ = o.slot_bytes_;
    o.core_ = nullptr;
    o.slot_ = nullptr;
    o.size_ = 0;
  }

  internal::PacketPoolCore* core_ = nullptr;
  uint8_t* slot_ = nullptr;  // start of the slot (headroom begins here)
  uint32_t index_ = 0;
  uint32_t offset_ = 0;      // data() starts here
  uint32_t size_ = 0;
  uint32_t slot_bytes_ = 0;  // headroom + capacity + tailroom
};

class PacketPool {
 public:
  // Validates the options and allocates every slot up front.
  static Result<std::unique_ptr<PacketPool>> Create(const PacketPoolOptions& options = {});
  ~PacketPool();
  PacketPool(const PacketPool&) = delete;
  PacketPool& operator=(const PacketPool&) = delete;

  // A buffer with data() empty at offset `headroom`, or kExhausted when every slot is in use
  // (counted in stats().exhausted; the pool never grows and never allocates here).
  Result<PacketBuffer> Acquire();

  size_t available() const;  // free slots right now (a snapshot under concurrency)
  size_t slot_count() const;
  const PacketPoolOptions& options() const;
  PacketPoolStats stats() const;

 private:
  explicit PacketPool(internal::PacketPoolCore* core) : core_(core) {}
  internal::PacketPoolCore* core_;
};

}  // namespace sluice
