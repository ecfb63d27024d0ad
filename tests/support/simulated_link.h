// A one-way simulated network link for two-peer tests in simulated time.
//
// Datagrams handed to Send() come out of Poll() after the propagation delay plus jitter and
// their serialization time at the configured bandwidth, subject to seeded random loss,
// duplication and reordering, and to a bounded queue (tail drop) like a real bottleneck.
// Everything is driven by the `now` the test passes in; the same seed replays the same run.
// Test-support code: it copies each datagram and may allocate.
#pragma once

#include <cstdint>
#include <optional>
#include <queue>
#include <span>
#include <vector>

#include "common/random.h"
#include "common/time.h"

namespace sluice::test {

struct SimulatedLinkOptions {
  Duration delay = milliseconds(0);      // one-way propagation delay
  Duration jitter = milliseconds(0);     // extra uniform delay in [0, jitter]
  double loss = 0.0;                     // probability that a datagram is dropped
  double duplicate = 0.0;                // probability that a datagram is delivered twice
  double reorder = 0.0;                  // probability that a datagram is held back
  Duration reorder_delay = milliseconds(20);  // how long a held-back datagram waits extra
  uint64_t bandwidth_bps = 0;            // 0 = unlimited; else serialization at this rate
  size_t queue_limit_bytes = 0;          // 0 = unlimited; else tail-drop past this backlog
  uint64_t seed = 1;
};

struct SimulatedLinkStats {
  uint64_t sent = 0;
  uint64_t delivered = 0;
  uint64_t lost = 0;
  uint64_t duplicated = 0;
  uint64_t reordered = 0;
  uint64_t queue_dropped = 0;
};

class SimulatedLink {
 public:
  explicit SimulatedLink(const SimulatedLinkOptions& options = {});

  void Send(Instant now, std::span<const uint8_t> datagram);
  // The next datagram due at or before `now`, in delivery order.
  std::optional<std::vector<uint8_t>> Poll(Instant now);
  // When the next datagram is due, if any.
  std::optional<Instant> NextDelivery() const;
  size_t in_flight() const { return queue_.size(); }

  const SimulatedLinkStats& stats() const { return stats_; }
  void set_options(const SimulatedLinkOptions& o) { options_ = o; }
  // Cuts the link (every datagram lost) or restores it, e.g. to test consent expiry.
  void set_down(bool down) { down_ = down; }

 private:
  struct InFlight {
    Instant due;
    uint64_t order;  // FIFO among equal due times
    std::vector<uint8_t> bytes;
    bool operator>(const InFlight& o) const {
      return due != o.due ? due > o.due : order > o.order;
    }
  };
  void Enqueue(Instant due, std::span<const uint8_t> datagram);

  SimulatedLinkOptions options_;
  Random random_;
  bool down_ = false;
  uint64_t next_order_ = 0;
  Instant link_free_at_{};    // when the bottleneck finishes serializing the backlog
  size_t backlog_bytes_ = 0;  // bytes queued but not yet serialized
  std::priority_queue<InFlight, std::vector<InFlight>, std::greater<>> queue_;
  SimulatedLinkStats stats_;
};

}  // namespace sluice::test
