// DeadlineHeap: one optional deadline per key (a DatagramReceiver*), the soonest on top.
//
// An indexed binary min-heap: each key has a record (found through a hash map, allocated when
// the key is first seen) that remembers its heap position, so Set (raise, lower, clear) is
// O(log n) without searching and without allocating once the key is known. Forget drops the
// record. Ties fire in no particular order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "common/time.h"

namespace sluice::net {

template <class Key>
class DeadlineHeap {
 public:
  void Set(Key key, std::optional<Instant> deadline) {
    auto it = index_.find(key);
    if (it == index_.end()) {
      if (!deadline) return;
      it = index_.emplace(key, NewRecord(key)).first;
    }
    const uint32_t r = it->second;
    Record& rec = records_[r];
    if (!deadline) {
      if (rec.pos != kNone) RemoveAt(rec.pos);
      return;
    }
    if (rec.pos == kNone) {
      rec.deadline = *deadline;
      rec.pos = static_cast<uint32_t>(heap_.size());
      heap_.push_back(r);
      SiftUp(rec.pos);
      return;
    }
    const bool earlier = *deadline < rec.deadline;
    rec.deadline = *deadline;
    if (earlier) {
      SiftUp(rec.pos);
    } else {
      SiftDown(rec.pos);
    }
  }

  void Forget(Key key) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    const uint32_t r = it->second;
    if (records_[r].pos != kNone) RemoveAt(records_[r].pos);
    free_.push_back(r);
    index_.erase(it);
  }

  std::optional<Instant> Next() const {
    if (heap_.empty()) return std::nullopt;
    return records_[heap_[0]].deadline;
  }
  std::optional<Instant> Get(Key key) const {
    auto it = index_.find(key);
    if (it == index_.end() || records_[it->second].pos == kNone) return std::nullopt;
    return records_[it->second].deadline;
  }

  // Removes and returns the soonest key whose deadline is <= now (its record stays known).
  std::optional<Key> PopDue(Instant now) {
    if (heap_.empty() || records_[heap_[0]].deadline > now) return std::nullopt;
    const Key key = records_[heap_[0]].key;
    RemoveAt(0);
    return key;
  }

  size_t size() const { return heap_.size(); }
  void Clear() {
    heap_.clear();
    records_.clear();
    free_.clear();
    index_.clear();
  }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Record {
    Key key;
    Instant deadline;
    uint32_t pos = kNone;
  };

  uint32_t NewRecord(Key key) {
    if (!free_.empty()) {
      const uint32_t r = free_.back();
      free_.pop_back();
      records_[r] = Record{key, Instant{}, kNone};
      return r;
    }
    records_.push_back(Record{key, Instant{}, kNone});
    return static_cast<uint32_t>(records_.size() - 1);
  }

  void Place(uint32_t pos, uint32_t r) {
    heap_[pos] = r;
    records_[r].pos = pos;
  }

  void RemoveAt(uint32_t pos) {
    const uint32_t r = heap_[pos];
    records_[r].pos = kNone;
    const uint32_t last = heap_.back();
    heap_.pop_back();
    if (pos == heap_.size()) return;
    Place(pos, last);
    SiftUp(pos);
    SiftDown(records_[last].pos);
  }

  void SiftUp(uint32_t pos) {
    const uint32_t r = heap_[pos];
    while (pos > 0) {
      const uint32_t parent = (pos - 1) / 2;
      if (!(records_[r].deadline < records_[heap_[parent]].deadline)) break;
      Place(pos, heap_[parent]);
      pos = parent;
    }
    Place(pos, r);
  }

  void SiftDown(uint32_t pos) {
    const uint32_t r = heap_[pos];
    const uint32_t n = static_cast<uint32_t>(heap_.size());
    for (;;) {
      uint32_t child = 2 * pos + 1;
      if (child >= n) break;
      if (child + 1 < n && records_[heap_[child + 1]].deadline < records_[heap_[child]].deadline)
        ++child;
      if (!(records_[heap_[child]].deadline < records_[r].deadline)) break;
      Place(pos, heap_[child]);
      pos = child;
    }
    Place(pos, r);
  }

  std::vector<uint32_t> heap_;      // record indices, min-heap by deadline
  std::vector<Record> records_;
  std::vector<uint32_t> free_;      // reusable record indices
  std::unordered_map<Key, uint32_t> index_;
};

}  // namespace sluice::net
