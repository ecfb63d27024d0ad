// A FIFO on one growable ring of slots, for SctpTransport's send queue.
//
// std::deque frees a block when pop_front empties it and allocates one when push_back needs
// it, so a queue that cycles (batch mode queues ~32 messages per loop turn, then drains them)
// allocates every few dozen messages forever. Here push_back / pop_front reuse the ring's
// slots: nothing is allocated once the ring has grown to the largest backlog seen. The rare
// operations (insert or erase in the middle: a DCEP OPEN ahead of queued messages, a closed
// channel's messages dropped) shift elements.
//
// pop_front and EraseIf assign T{} over the vacated slot, so what a slot held is released
// then (the caller moves out whatever it wants to keep first).
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace sluice::sctp {

template <typename T>
class RingQueue {
 public:
  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }
  // i < size(); 0 is the front.
  T& operator[](size_t i) { return slots_[(head_ + i) & (slots_.size() - 1)]; }
  T& front() { return (*this)[0]; }

  void push_back(T value) {
    if (count_ == slots_.size()) Grow();
    ++count_;
    (*this)[count_ - 1] = std::move(value);
  }

  void pop_front() {
    front() = T{};
    head_ = (head_ + 1) & (slots_.size() - 1);
    --count_;
  }

  // Places `value` at position `index` (<= size()); the elements from there move back one.
  void insert(size_t index, T value) {
    push_back(std::move(value));
    for (size_t i = count_ - 1; i > index; --i) std::swap((*this)[i], (*this)[i - 1]);
  }

  // Removes every element for which pred(element) is true, keeping the others' order. pred
  // may move out of the element it removes.
  template <typename Pred>
  void EraseIf(Pred pred) {
    size_t kept = 0;
    for (size_t i = 0; i < count_; ++i) {
      if (pred((*this)[i])) continue;
      if (kept != i) (*this)[kept] = std::move((*this)[i]);
      ++kept;
    }
    for (size_t i = kept; i < count_; ++i) (*this)[i] = T{};
    count_ = kept;
  }

 private:
  void Grow() {
    std::vector<T> bigger(slots_.empty() ? 16 : slots_.size() * 2);  // a power of two
    for (size_t i = 0; i < count_; ++i) bigger[i] = std::move((*this)[i]);
    slots_ = std::move(bigger);
    head_ = 0;
  }

  std::vector<T> slots_;
  size_t head_ = 0;
  size_t count_ = 0;
};

}  // namespace sluice::sctp
