// NextRange<Derived, T>: range-for over any walker with `std::optional<T> Next()`.
//
// The RTCP walkers (compound packets, SDES chunks and items, TWCC packets) are cursors with a
// Next() that cannot allocate; deriving from NextRange adds begin()/end() so that
//   for (const auto& chunk : sdes.chunks()) { ... }
// works too. Each begin() continues from the cursor's current position (input range).
#pragma once

#include <cstddef>
#include <iterator>
#include <optional>

namespace sluice {

template <typename Derived, typename T>
class NextRange {
 public:
  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;

    Iterator() = default;
    explicit Iterator(Derived* owner) : owner_(owner) { Advance(); }
    reference operator*() const { return *current_; }
    pointer operator->() const { return &*current_; }
    Iterator& operator++() {
      Advance();
      return *this;
    }
    void operator++(int) { Advance(); }
    friend bool operator==(const Iterator& it, std::default_sentinel_t) { return !it.current_; }

   private:
    void Advance() { current_ = owner_->Next(); }
    Derived* owner_ = nullptr;
    std::optional<T> current_;
  };

  Iterator begin() { return Iterator(static_cast<Derived*>(this)); }
  std::default_sentinel_t end() { return {}; }
};

}  // namespace sluice
