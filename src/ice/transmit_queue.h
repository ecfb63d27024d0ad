// A small fixed-capacity FIFO of outgoing STUN datagrams (no heap after construction).
//
// The agent writes each message straight into a slot; PollTransmit hands out a view of the
// oldest slot that stays valid until the next call into the agent. When the caller does not drain
// the queue and it fills, the newest datagram is dropped and counted (STUN retransmits cover it).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "ice/transport_address.h"

namespace sluice::ice {

// The largest STUN message the agent writes (USERNAME up to 513 bytes plus the ICE attributes).
inline constexpr size_t kMaxIceStunSize = 700;

struct Transmit {
  TransportAddress local;   // the socket (candidate base) to send from
  TransportAddress remote;  // the destination
  std::span<const uint8_t> data;
};

class TransmitQueue {
 public:
  static constexpr size_t kCapacity = 32;

  struct Slot {
    TransportAddress local;
    TransportAddress remote;
    size_t size = 0;
    std::array<uint8_t, kMaxIceStunSize> bytes;
  };

  // The slot to fill, or nullptr if the queue is full.
  Slot* Back() { return count_ == kCapacity ? nullptr : &slots_[(head_ + count_) % kCapacity]; }
  // Commits the slot Back() returned.
  void Push() { ++count_; }

  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }

  // Pops the oldest datagram; its bytes stay valid until the next Back()/Push() reuses the slot.
  const Slot* Pop() {
    if (count_ == 0) return nullptr;
    const Slot* s = &slots_[head_];
    head_ = (head_ + 1) % kCapacity;
    --count_;
    return s;
  }

 private:
  std::array<Slot, kCapacity> slots_{};
  size_t head_ = 0;
  size_t count_ = 0;
};

}  // namespace sluice::ice
