#include "net/task_queue.h"

#include <cstdint>

namespace sluice::net {
namespace {
size_t RoundUpPow2(size_t v) {
  size_t p = 2;
  while (p < v) p <<= 1;
  return p;
}
}  // namespace

TaskQueue::TaskQueue(size_t capacity)
    : mask_(RoundUpPow2(capacity) - 1), cells_(new Cell[mask_ + 1]) {
  for (size_t i = 0; i <= mask_; ++i) cells_[i].seq.store(i, std::memory_order_relaxed);
}

bool TaskQueue::Push(LoopTask& task) {
  size_t pos = enqueue_pos_.load(std::memory_order_relaxed);
  for (;;) {
    Cell& c = cells_[pos & mask_];
    const size_t seq = c.seq.load(std::memory_order_acquire);
    const intptr_t diff = static_cast<intptr_t>(seq) - static_cast<intptr_t>(pos);
    if (diff == 0) {
      if (enqueue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
        c.task = std::move(task);
        c.seq.store(pos + 1, std::memory_order_release);
        return true;
      }
    } else if (diff < 0) {
      return false;  // the consumer has not freed this cell yet: full
    } else {
      pos = enqueue_pos_.load(std::memory_order_relaxed);
    }
  }
}

bool TaskQueue::Pop(LoopTask& out) {
  // One consumer: no CAS needed on dequeue_pos_.
  const size_t pos = dequeue_pos_.load(std::memory_order_relaxed);
  Cell& c = cells_[pos & mask_];
  const size_t seq = c.seq.load(std::memory_order_acquire);
  if (seq != pos + 1) return false;
  out = std::move(c.task);
  dequeue_pos_.store(pos + 1, std::memory_order_relaxed);
  c.seq.store(pos + mask_ + 1, std::memory_order_release);
  return true;
}

bool TaskQueue::Empty() const {
  const size_t pos = dequeue_pos_.load(std::memory_order_relaxed);
  return cells_[pos & mask_].seq.load(std::memory_order_acquire) != pos + 1;
}

}  // namespace sluice::net
