// TaskQueue: the bounded lock-free queue through which other threads reach the loop thread
// (DESIGN.md §9). Fixed slots allocated once; each holds one LoopTask (inline storage, so a
// push never allocates). Many producers, one consumer. Full -> Push returns false.
//
// The algorithm is D. Vyukov's bounded MPMC queue: every cell carries a sequence number that
// says whether it is free for the producer at position p (seq == p) or holds the value for the
// consumer at position p (seq == p + 1). A producer claims a position with one CAS, then
// publishes with a release store of the cell's sequence; no ABA, no locks.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

#include "sluice/event_loop.h"

namespace sluice::net {

class TaskQueue {
 public:
  explicit TaskQueue(size_t capacity);  // rounded up to a power of two (at least 2)
  TaskQueue(const TaskQueue&) = delete;
  TaskQueue& operator=(const TaskQueue&) = delete;

  // Any thread. Moves from task only on success.
  bool Push(LoopTask& task);
  // Consumer thread only. False when empty (or when the next producer has claimed a cell but
  // not yet published it: the consumer sees it on a later call).
  bool Pop(LoopTask& out);
  // A snapshot; exact only when producers are quiet.
  bool Empty() const;
  size_t capacity() const { return mask_ + 1; }

 private:
  struct Cell {
    std::atomic<size_t> seq;
    LoopTask task;
  };
  static constexpr size_t kCacheLine = 64;

  const size_t mask_;
  std::unique_ptr<Cell[]> cells_;
  alignas(kCacheLine) std::atomic<size_t> enqueue_pos_{0};
  alignas(kCacheLine) std::atomic<size_t> dequeue_pos_{0};
};

}  // namespace sluice::net
