#include "ice/consent.h"

#include <gtest/gtest.h>

namespace sluice::ice {
namespace {

const Instant kT0 = Instant{} + std::chrono::hours(1);

TEST(ConsentTrackerTest, FreshDisconnectedExpired) {
  Random rnd(1);
  ConsentTracker t(ConsentConfig{}, /*passive=*/false);
  EXPECT_EQ(t.Evaluate(kT0), ConsentVerdict::kFresh);
  EXPECT_FALSE(t.NextDeadline(kT0));
  t.Start(kT0, rnd);
  EXPECT_FALSE(t.CheckDue(kT0 + milliseconds(3999)));
  EXPECT_TRUE(t.CheckDue(kT0 + milliseconds(6000)));
  Instant sent = kT0 + seconds(5);
  t.OnCheckSent(sent, rnd);
  EXPECT_EQ(t.Evaluate(sent + milliseconds(2499)), ConsentVerdict::kFresh);
  EXPECT_EQ(t.Evaluate(sent + milliseconds(2500)), ConsentVerdict::kDisconnected);
  EXPECT_EQ(*t.NextDeadline(sent), sent + milliseconds(2500));
  t.OnProofOfLife(sent + seconds(3));
  EXPECT_EQ(t.Evaluate(sent + seconds(3)), ConsentVerdict::kFresh);
  // RFC 7675: 30 s after the last response consent is gone, whatever else happened.
  Instant last = sent + seconds(3);
  EXPECT_EQ(t.Evaluate(last + seconds(30) - milliseconds(1)), ConsentVerdict::kFresh);
  EXPECT_EQ(t.Evaluate(last + seconds(30)), ConsentVerdict::kExpired);
}

TEST(ConsentTrackerTest, IntervalIsRandomizedWithinTwentyPercent) {
  Random rnd(2);
  ConsentTracker t(ConsentConfig{}, false);
  t.Start(kT0, rnd);
  Instant now = kT0;
  Duration lo = seconds(100), hi{};
  for (int i = 0; i < 1000; ++i) {
    t.OnCheckSent(now, rnd);
    t.OnProofOfLife(now);
    auto next = *t.NextDeadline(now);
    lo = std::min(lo, next - now);
    hi = std::max(hi, next - now);
    now = next;
  }
  EXPECT_GE(lo, milliseconds(4000));
  EXPECT_LE(hi, milliseconds(6000));
  EXPECT_LT(lo, milliseconds(4100));
  EXPECT_GT(hi, milliseconds(5900));
}

TEST(ConsentTrackerTest, PassiveTrackerUsesSilence) {
  Random rnd(3);
  ConsentTracker t(ConsentConfig{}, /*passive=*/true);
  t.Start(kT0, rnd);
  EXPECT_FALSE(t.CheckDue(kT0 + seconds(10)));  // lite sends nothing
  EXPECT_EQ(t.Evaluate(kT0 + seconds(8)), ConsentVerdict::kFresh);
  EXPECT_EQ(t.Evaluate(kT0 + milliseconds(8500)), ConsentVerdict::kDisconnected);
  t.OnProofOfLife(kT0 + seconds(9));
  EXPECT_EQ(t.Evaluate(kT0 + seconds(9)), ConsentVerdict::kFresh);
  EXPECT_EQ(t.Evaluate(kT0 + seconds(39)), ConsentVerdict::kExpired);
}

}  // namespace
}  // namespace sluice::ice
