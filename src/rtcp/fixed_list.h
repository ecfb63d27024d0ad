// FixedList<T, N>: a fixed-capacity, in-place list for the RTCP plain structs (DESIGN.md §4).
//
// RTCP counts are 5-bit fields, so lists such as report blocks (RFC 3550 §6.4.1: at most 31)
// have a small hard bound; holding them in place keeps serializers free of heap allocations.
// push_back() returns false instead of growing when the list is full.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <span>

namespace sluice {

template <typename T, size_t N>
class FixedList {
 public:
  constexpr FixedList() = default;
  // Takes at most N items; further ones are dropped (check size() if that matters).
  constexpr FixedList(std::initializer_list<T> items) {
    for (const T& item : items) push_back(item);
  }

  static constexpr size_t capacity() { return N; }
  constexpr size_t size() const { return size_; }
  constexpr bool empty() const { return size_ == 0; }
  constexpr bool full() const { return size_ == N; }

  constexpr bool push_back(const T& item) {
    if (size_ == N) return false;
    items_[size_++] = item;
    return true;
  }
  constexpr void clear() { size_ = 0; }

  constexpr T& operator[](size_t i) { return items_[i]; }
  constexpr const T& operator[](size_t i) const { return items_[i]; }
  constexpr T& back() { return items_[size_ - 1]; }
  constexpr const T& back() const { return items_[size_ - 1]; }
  constexpr T* begin() { return items_.data(); }
  constexpr T* end() { return items_.data() + size_; }
  constexpr const T* begin() const { return items_.data(); }
  constexpr const T* end() const { return items_.data() + size_; }
  constexpr std::span<const T> span() const { return {items_.data(), size_}; }

  friend constexpr bool operator==(const FixedList& a, const FixedList& b) {
    if (a.size_ != b.size_) return false;
    for (size_t i = 0; i < a.size_; ++i) {
      if (!(a.items_[i] == b.items_[i])) return false;
    }
    return true;
  }

 private:
  std::array<T, N> items_{};
  size_t size_ = 0;
};

}  // namespace sluice
