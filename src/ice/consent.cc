#include "ice/consent.h"

namespace sluice::ice {

ConsentTracker::ConsentTracker(const ConsentConfig& config, bool passive)
    : config_(config), passive_(passive) {
  if (config_.jitter < 0.0) config_.jitter = 0.0;
  if (config_.jitter > 0.5) config_.jitter = 0.5;
  // "Implementations MUST NOT set the period between checks to less than 4 seconds."
  Duration shortest = std::chrono::duration_cast<Duration>(config_.interval * (1.0 - config_.jitter));
  if (shortest < seconds(4)) {
    config_.interval = std::chrono::duration_cast<Duration>(seconds(4) / (1.0 - config_.jitter));
  }
}

Duration ConsentTracker::RandomizedInterval(Random& random) const {
  // §5.1: "each interval MUST be randomized from between 0.8 and 1.2 times the basic period".
  double factor = 1.0 - config_.jitter + 2.0 * config_.jitter * random.NextDouble();
  return std::chrono::duration_cast<Duration>(config_.interval * factor);
}

void ConsentTracker::Start(Instant now, Random& random) {
  started_ = true;
  last_proof_ = now;
  unanswered_since_.reset();
  next_check_ = now + RandomizedInterval(random);
}

void ConsentTracker::OnCheckSent(Instant now, Random& random) {
  if (!unanswered_since_) unanswered_since_ = now;
  next_check_ = now + RandomizedInterval(random);
}

void ConsentTracker::OnProofOfLife(Instant now) {
  if (now > last_proof_) last_proof_ = now;
  unanswered_since_.reset();
}

ConsentVerdict ConsentTracker::Evaluate(Instant now) const {
  if (!started_) return ConsentVerdict::kFresh;
  // RFC 7675 §5.1: "Consent expires after 30 seconds" without a response; the agent then stops
  // sending on the pair (the caller stops its media when the agent reports kFailed).
  if (now - last_proof_ >= config_.timeout) return ConsentVerdict::kExpired;
  if (passive_) {
    Duration silence = std::chrono::duration_cast<Duration>(config_.interval * (1.0 + config_.jitter)) +
                       config_.disconnected_after;
    return now - last_proof_ >= silence ? ConsentVerdict::kDisconnected : ConsentVerdict::kFresh;
  }
  if (unanswered_since_ && now - *unanswered_since_ >= config_.disconnected_after) {
    return ConsentVerdict::kDisconnected;
  }
  return ConsentVerdict::kFresh;
}

std::optional<Instant> ConsentTracker::NextDeadline(Instant now) const {
  if (!started_) return std::nullopt;
  std::optional<Instant> d = last_proof_ + config_.timeout;
  if (passive_) {
    Instant disc = last_proof_ +
                   std::chrono::duration_cast<Duration>(config_.interval * (1.0 + config_.jitter)) +
                   config_.disconnected_after;
    if (disc > now) d = Soonest(d, std::optional<Instant>(disc));
    return d;
  }
  d = Soonest(d, std::optional<Instant>(next_check_));
  if (unanswered_since_) {
    Instant disc = *unanswered_since_ + config_.disconnected_after;
    if (disc > now) d = Soonest(d, std::optional<Instant>(disc));
  }
  return d;
}

}  // namespace sluice::ice
