// A manually advanced clock for simulated-time tests (DESIGN.md §3). Engines never read it;
// tests pass now() into HandleReceive / HandleTimeout.
#pragma once

#include "common/time.h"

namespace sluice::test {

class FakeClock {
 public:
  // Starts at an arbitrary non-zero instant so code that treats Instant{} as "unset" is caught.
  FakeClock() : now_(Instant{} + std::chrono::hours(1000)) {}
  explicit FakeClock(Instant start) : now_(start) {}

  Instant now() const { return now_; }
  void Advance(Duration d) { now_ += d; }
  // Moves to `t` if it is later; time never goes backwards.
  void AdvanceTo(Instant t) {
    if (t > now_) now_ = t;
  }

 private:
  Instant now_;
};

}  // namespace sluice::test
