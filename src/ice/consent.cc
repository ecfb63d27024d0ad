#include "ice/consent.h"

namespace sluice::ice {

Duration ConsentTracker::RandomizedInterval(Random& random) const {
  // §5.1: uniformly distributed in [(1 - jitter), (1 + jitter)] times the basic period.
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
  // RFC 7675 §5.1: "If no packets have been received on the local port [for 30 s] ... consent
  // expires"; the agent "MUST cease transmission" on that 5-tuple (the caller's job).
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
