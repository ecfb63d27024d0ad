// Consent freshness timers: RFC 7675 §5.1, plus the `disconnected` hint browsers give.
//
// RFC 7675 §5.1: "Consent expires after 30 seconds." Every authenticated Binding success
// response on the selected pair restarts that timer. "To prevent synchronization of consent
// checks, each interval MUST be randomized from between 0.8 and 1.2 times the basic period.
// Implementations SHOULD set a default interval of 5 seconds ... Implementations MUST NOT set the
// period between checks to less than 4 seconds." A check that stays
// unanswered for `disconnected_after` marks the pair disconnected (recoverable); no response for
// `timeout` is consent loss (terminal).
//
// A passive tracker (ICE-lite, which sends no checks) treats every authenticated request on the
// selected pair as the proof of life instead and calls silence longer than one randomised
// interval plus `disconnected_after` disconnected.
// Pure timer arithmetic: no clock, no I/O. Thread rules: a plain value, one thread.
#pragma once

#include <optional>

#include "common/random.h"
#include "common/time.h"

namespace sluice::ice {

struct ConsentConfig {
  Duration interval = seconds(5);                   // RFC 7675 §5.1 basic period
  double jitter = 0.2;                              // ±20 % randomisation (§5.1)
  Duration disconnected_after = milliseconds(2500);  // unanswered check → kDisconnected
  Duration timeout = seconds(30);                   // RFC 7675: consent expiry → kFailed
};

enum class ConsentVerdict { kFresh, kDisconnected, kExpired };

class ConsentTracker {
 public:
  ConsentTracker() = default;
  ConsentTracker(const ConsentConfig& config, bool passive);

  // Consent is granted at `now` (the pair was just selected); schedules the first check.
  void Start(Instant now, Random& random);
  bool started() const { return started_; }

  // The next consent check is due (active trackers only).
  bool CheckDue(Instant now) const { return started_ && !passive_ && now >= next_check_; }
  // A check was sent at `now`: starts the unanswered clock and schedules the next check.
  void OnCheckSent(Instant now, Random& random);
  // An authenticated response (active) or request (passive) arrived on the selected pair.
  void OnProofOfLife(Instant now);

  ConsentVerdict Evaluate(Instant now) const;
  // The soonest instant at which CheckDue or Evaluate may change.
  std::optional<Instant> NextDeadline(Instant now) const;

  Instant last_proof() const { return last_proof_; }

 private:
  Duration RandomizedInterval(Random& random) const;

  ConsentConfig config_;
  bool passive_ = false;
  bool started_ = false;
  Instant last_proof_{};
  Instant next_check_{};
  std::optional<Instant> unanswered_since_;
};

}  // namespace sluice::ice
