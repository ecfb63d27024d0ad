// Time types (DESIGN.md §3). Engines get `now` as an argument and never read a clock; only
// src/net/ calls steady_clock::now().
#pragma once

#include <chrono>

namespace sluice {

using Clock = std::chrono::steady_clock;
using Instant = Clock::time_point;
using Duration = Clock::duration;

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// The earlier of two optional deadlines (the "soonest" fold of DESIGN.md §3).
template <typename Opt>
constexpr Opt Soonest(const Opt& a, const Opt& b) {
  if (!a) return b;
  if (!b) return a;
  return *a < *b ? a : b;
}

}  // namespace sluice
