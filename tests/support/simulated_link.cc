#include "support/simulated_link.h"

#include <algorithm>

namespace sluice::test {

SimulatedLink::SimulatedLink(const SimulatedLinkOptions& options)
    : options_(options), random_(options.seed) {}

void SimulatedLink::Send(Instant now, std::span<const uint8_t> datagram) {
  ++stats_.sent;
  if (down_ || random_.Bernoulli(options_.loss)) {
    ++stats_.lost;
    return;
  }
  Instant departs = now;
  if (options_.bandwidth_bps > 0) {
    // The backlog drains at the link rate; compute what is still queued at `now`.
    if (link_free_at_ <= now) {
      backlog_bytes_ = 0;
      link_free_at_ = now;
    } else {
      auto left = std::chrono::duration_cast<nanoseconds>(link_free_at_ - now).count();
      backlog_bytes_ = static_cast<size_t>(static_cast<double>(left) *
                                           static_cast<double>(options_.bandwidth_bps) / 8e9);
    }
    if (options_.queue_limit_bytes > 0 &&
        backlog_bytes_ + datagram.size() > options_.queue_limit_bytes) {
      ++stats_.queue_dropped;
      return;
    }
    auto serialize = nanoseconds(static_cast<int64_t>(
        static_cast<double>(datagram.size()) * 8e9 / static_cast<double>(options_.bandwidth_bps)));
    link_free_at_ += serialize;
    departs = link_free_at_;
  }
  Instant due = departs + options_.delay;
  if (options_.jitter.count() > 0) {
    due += Duration(static_cast<Duration::rep>(
        random_.Uniform(0, static_cast<uint64_t>(options_.jitter.count()))));
  }
  if (random_.Bernoulli(options_.reorder)) {
    ++stats_.reordered;
    due += options_.reorder_delay;
  }
  Enqueue(due, datagram);
  if (random_.Bernoulli(options_.duplicate)) {
    ++stats_.duplicated;
    Enqueue(due + microseconds(random_.Uniform(0, 1000)), datagram);
  }
}

void SimulatedLink::Enqueue(Instant due, std::span<const uint8_t> datagram) {
  queue_.push(InFlight{due, next_order_++, std::vector<uint8_t>(datagram.begin(), datagram.end())});
}

std::optional<std::vector<uint8_t>> SimulatedLink::Poll(Instant now) {
  if (queue_.empty() || queue_.top().due > now) return std::nullopt;
  // priority_queue::top is const; the element is popped right after, so moving out is safe.
  auto bytes = std::move(const_cast<InFlight&>(queue_.top()).bytes);
  queue_.pop();
  ++stats_.delivered;
  return bytes;
}

std::optional<Instant> SimulatedLink::NextDelivery() const {
  if (queue_.empty()) return std::nullopt;
  return queue_.top().due;
}

}  // namespace sluice::test
