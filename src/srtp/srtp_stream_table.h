// Per-SSRC SRTP/SRTCP stream state in a fixed-capacity table (RFC 3711 §3.2.3: one
// cryptographic context per SSRC, all sharing the session's keys).
//
// The table is allocated once when the session is created; a lookup is an open-addressed
// probe with a one-entry cache for the common single-stream case. Nothing is ever removed: a
// new SSRC past the capacity is refused by the caller (kExhausted).
//
// Thread rules: one thread at a time (the session's).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "srtp/srtp_replay_window.h"

namespace sluice {

struct SrtpStreamState {
  uint32_t ssrc = 0;
  SrtpReplayWindow rtp;    // both directions: the sender tracks its ROC the same way
  SrtcpReplayWindow rtcp;  // inbound
  uint32_t srtcp_index = 0;  // outbound: the last SRTCP index sent (the first sent is 1)
};

class SrtpStreamTable {
 public:
  SrtpStreamTable(size_t capacity, size_t replay_window);

  SrtpStreamState* Find(uint32_t ssrc) {
    if (last_ != nullptr && last_->ssrc == ssrc) return last_;
    return FindSlow(ssrc);
  }
  // A fresh state for an SSRC not in the table, or nullptr when the table is full.
  SrtpStreamState* Insert(uint32_t ssrc);

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool full() const { return size_ == capacity_; }

 private:
  SrtpStreamState* FindSlow(uint32_t ssrc);
  size_t Home(uint32_t ssrc) const {
    return static_cast<size_t>((ssrc * 0x9E3779B1u) >> 7) & mask_;
  }

  size_t capacity_;
  size_t size_ = 0;
  size_t mask_;                              // slots_ has mask_ + 1 entries (a power of two)
  std::unique_ptr<int32_t[]> slots_;         // index into states_, -1 when empty
  std::unique_ptr<SrtpStreamState[]> states_;
  SrtpStreamState* last_ = nullptr;
};

}  // namespace sluice
