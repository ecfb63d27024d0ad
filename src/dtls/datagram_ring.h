// A fixed ring of datagram slots, allocated once at construction (DESIGN.md §4).
//
// The DTLS engine queues what OpenSSL writes (datagrams to send), decrypted application data
// and records that arrive before Start() here, so the steady state allocates nothing. A slot
// holds at most slot_size() bytes; a full ring refuses new datagrams (the caller counts the
// drop, as a lossy network would).
//
// Thread rules: not thread-safe; owned by one engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

namespace sluice::dtls {

class DatagramRing {
 public:
  DatagramRing(size_t slots, size_t slot_size)
      : slot_size_(slot_size), storage_(slots * slot_size), lengths_(slots, 0) {}

  size_t capacity() const { return lengths_.size(); }
  size_t slot_size() const { return slot_size_; }
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  bool full() const { return count_ == lengths_.size(); }

  // Copies `datagram` into the next free slot; false if the ring is full or it does not fit.
  bool Push(std::span<const uint8_t> datagram) {
    if (full() || datagram.size() > slot_size_) return false;
    auto slot = WritableTail();
    if (!datagram.empty()) std::memcpy(slot.data(), datagram.data(), datagram.size());
    CommitTail(datagram.size());
    return true;
  }

  // The free slot at the tail to write into directly (empty span if full); CommitTail(n)
  // then makes its first n bytes the newest datagram.
  std::span<uint8_t> WritableTail() {
    if (full()) return {};
    const size_t index = (head_ + count_) % lengths_.size();
    return {storage_.data() + index * slot_size_, slot_size_};
  }
  void CommitTail(size_t length) {
    if (full() || length > slot_size_) return;
    lengths_[(head_ + count_) % lengths_.size()] = length;
    ++count_;
  }

  // The oldest datagram; valid until it is popped.
  std::optional<std::span<const uint8_t>> Front() const {
    if (empty()) return std::nullopt;
    return std::span<const uint8_t>(storage_.data() + head_ * slot_size_, lengths_[head_]);
  }
  void Pop() {
    if (empty()) return;
    head_ = (head_ + 1) % lengths_.size();
    --count_;
  }
  void Clear() { head_ = count_ = 0; }

 private:
  size_t slot_size_;
  std::vector<uint8_t> storage_;
  std::vector<size_t> lengths_;
  size_t head_ = 0;
  size_t count_ = 0;
};

}  // namespace sluice::dtls
