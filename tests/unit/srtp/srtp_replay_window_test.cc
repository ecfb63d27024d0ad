#include "srtp/srtp_replay_window.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "srtp/srtp_stream_table.h"

namespace sluice {
namespace {

// Accept a packet the way a receiver does: estimate, check, then record.
ReplayCheck Receive(SrtpReplayWindow& w, uint16_t seq, uint64_t* index = nullptr) {
  auto e = w.EstimateIndex(seq);
  auto c = w.Check(e.delta);
  if (c == ReplayCheck::kOk) w.Add(e.delta);
  if (index) *index = e.index;
  return c;
}

TEST(SrtpReplayWindowTest, InOrderThenReplay) {
  SrtpReplayWindow w(128);
  for (uint16_t s = 1; s < 200; ++s) EXPECT_EQ(Receive(w, s), ReplayCheck::kOk) << s;
  EXPECT_EQ(Receive(w, 199), ReplayCheck::kReplayed);
  EXPECT_EQ(Receive(w, 150), ReplayCheck::kReplayed);
  EXPECT_EQ(w.index(), 199u);
}

TEST(SrtpReplayWindowTest, FirstPacketSeqZeroThenReplay) {
  SrtpReplayWindow w(64);
  EXPECT_EQ(Receive(w, 0), ReplayCheck::kOk);
  EXPECT_EQ(Receive(w, 0), ReplayCheck::kReplayed);
  EXPECT_EQ(Receive(w, 1), ReplayCheck::kOk);
}

TEST(SrtpReplayWindowTest, TooOldAtExactlyTheWindow) {
  for (size_t window : {64u, 128u, 1024u}) {
    SrtpReplayWindow w(window);
    const uint16_t top = 5000;
    EXPECT_EQ(Receive(w, top), ReplayCheck::kOk);
    // age window-1 still inside (and unseen), age window is too old.
    EXPECT_EQ(Receive(w, static_cast<uint16_t>(top - (window - 1))), ReplayCheck::kOk);
    EXPECT_EQ(Receive(w, static_cast<uint16_t>(top - window)), ReplayCheck::kTooOld);
  }
}

TEST(SrtpReplayWindowTest, ReorderedInsideWindowAccepted) {
  SrtpReplayWindow w(128);
  EXPECT_EQ(Receive(w, 1000), ReplayCheck::kOk);
  EXPECT_EQ(Receive(w, 1005), ReplayCheck::kOk);
  EXPECT_EQ(Receive(w, 1003), ReplayCheck::kOk);
  EXPECT_EQ(Receive(w, 1001), ReplayCheck::kOk);
  EXPECT_EQ(Receive(w, 1003), ReplayCheck::kReplayed);
  EXPECT_EQ(Receive(w, 1002), ReplayCheck::kOk);
  EXPECT_EQ(w.index(), 1005u);
}

TEST(SrtpReplayWindowTest, BigJumpClearsTheWindow) {
  SrtpReplayWindow w(128);
  EXPECT_EQ(Receive(w, 100), ReplayCheck::kOk);
  EXPECT_EQ(Receive(w, 20000), ReplayCheck::kOk);
  EXPECT_EQ(Receive(w, 19990), ReplayCheck::kOk);
  EXPECT_EQ(Receive(w, 100), ReplayCheck::kTooOld);
}

// RFC 3711 §3.3.1: the ROC increments when SEQ wraps, and a late packet from before the wrap
// is placed in the previous ROC.
TEST(SrtpReplayWindowTest, RolloverAndLatePacketFromBeforeIt) {
  SrtpReplayWindow w(128);
  uint64_t index = 0;
  for (uint32_t s = 65000; s < 65536; ++s)
    ASSERT_EQ(Receive(w, static_cast<uint16_t>(s)), ReplayCheck::kOk);
  EXPECT_EQ(Receive(w, 3, &index), ReplayCheck::kOk);
  EXPECT_EQ(index, (uint64_t{1} << 16) | 3);
  EXPECT_EQ(Receive(w, 65530, &index), ReplayCheck::kReplayed);
  EXPECT_EQ(index, 65530u);  // ROC 0
  EXPECT_EQ(Receive(w, 0, &index), ReplayCheck::kOk);
  EXPECT_EQ(index, uint64_t{1} << 16);
  // Far ahead in the new ROC, then a sequence number that is closer in ROC 2.
  for (uint32_t s = 4; s < 40000; s += 1000)
    ASSERT_EQ(Receive(w, static_cast<uint16_t>(s)), ReplayCheck::kOk);
  EXPECT_EQ(Receive(w, 100, &index), ReplayCheck::kOk);
  EXPECT_EQ(index >> 16, 2u);  // s_l >= 2^15 and s_l - 2^15 > SEQ: v = ROC + 1
}

// libsrtp keeps ROC 0 while the index is <= 2^15 (it never guesses ROC = -1).
TEST(SrtpReplayWindowTest, EarlyIndexNeverGuessesNegativeRoc) {
  SrtpReplayWindow w(128);
  uint64_t index = 0;
  EXPECT_EQ(Receive(w, 10), ReplayCheck::kOk);
  EXPECT_EQ(Receive(w, 60000, &index), ReplayCheck::kOk);
  EXPECT_EQ(index, 60000u);
}

// The window against a plain model (a set of every index seen and the highest one), over
// random walks that mix in-order runs, reordering, duplicates, jumps past the window and
// sequence-number wraps, for each window size: the ring bitmap must give the same decisions.
TEST(SrtpReplayWindowTest, MatchesASetModelOnRandomWalks) {
  for (size_t window : {64u, 128u, 192u, 1024u}) {
    std::mt19937 rng(static_cast<uint32_t>(window));
    SrtpReplayWindow w(window);
    std::set<uint64_t> seen;
    uint64_t highest = 0;
    bool any = false;
    uint64_t next = 40000;  // exercises both the early (index <= 2^15) rule and the general one
    for (int step = 0; step < 200000; ++step) {
      const uint32_t r = rng() % 100;
      uint64_t index = next;
      if (r < 60) {
        index = next++;  // in order
      } else if (r < 80) {
        index = next - 1 - rng() % (window + 40);  // late (some past the window)
      } else if (r < 90) {
        index = next + rng() % (2 * window);  // a gap
        next = index + 1;
      } else if (r < 92) {
        index = next + 5000 + rng() % 20000;  // a jump far ahead
        next = index + 1;
      } else {
        index = seen.empty() ? next : *seen.rbegin();  // duplicate of the highest
      }
      if (index > highest + 30000 && any) index = highest + 1;  // stay estimable (< 2^15 ahead)
      const auto est = w.EstimateIndex(static_cast<uint16_t>(index));
      ASSERT_EQ(est.index, index) << "window " << window << " step " << step;
      ReplayCheck want = ReplayCheck::kOk;
      if (any && index + window <= highest) {
        want = ReplayCheck::kTooOld;
      } else if (seen.count(index) != 0) {
        want = ReplayCheck::kReplayed;
      }
      const ReplayCheck got = w.Check(est.delta);
      ASSERT_EQ(got, want) << "window " << window << " step " << step << " index " << index;
      if (got == ReplayCheck::kOk) {
        w.Add(est.delta);
        seen.insert(index);
        if (!any || index > highest) highest = index;
        any = true;
      }
      ASSERT_EQ(w.index(), highest);
    }
  }
}

TEST(SrtcpReplayWindowTest, SlidingWindow) {
  SrtcpReplayWindow w;
  EXPECT_EQ(w.Check(1), ReplayCheck::kOk);
  w.Add(1);
  EXPECT_EQ(w.Check(1), ReplayCheck::kReplayed);
  EXPECT_EQ(w.Check(0), ReplayCheck::kOk);
  w.Add(300);
  EXPECT_EQ(w.Check(300), ReplayCheck::kReplayed);
  EXPECT_EQ(w.Check(173), ReplayCheck::kOk);  // 300 - 127: oldest in the window
  EXPECT_EQ(w.Check(172), ReplayCheck::kTooOld);
  w.Add(200);
  EXPECT_EQ(w.Check(200), ReplayCheck::kReplayed);
  w.Add(0x7fffffff);
  EXPECT_EQ(w.Check(0x7fffffff), ReplayCheck::kReplayed);
  EXPECT_EQ(w.Check(300), ReplayCheck::kTooOld);
}

TEST(SrtpStreamTableTest, FindInsertAndCap) {
  SrtpStreamTable t(3, 128);
  EXPECT_EQ(t.Find(1), nullptr);
  auto* a = t.Insert(1);
  auto* b = t.Insert(0xffffffff);
  auto* c = t.Insert(0);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(t.full());
  EXPECT_EQ(t.Insert(7), nullptr);
  EXPECT_EQ(t.Find(1), a);
  EXPECT_EQ(t.Find(0xffffffff), b);
  EXPECT_EQ(t.Find(0), c);
  EXPECT_EQ(t.Find(7), nullptr);
  EXPECT_EQ(t.size(), 3u);
}

TEST(SrtpStreamTableTest, ManySsrcs) {
  SrtpStreamTable t(1000, 64);
  for (uint32_t i = 0; i < 1000; ++i) ASSERT_NE(t.Insert(i * 0x10000u), nullptr);
  for (uint32_t i = 0; i < 1000; ++i) {
    auto* s = t.Find(i * 0x10000u);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->ssrc, i * 0x10000u);
  }
  EXPECT_EQ(t.Find(12345), nullptr);
}

}  // namespace
}  // namespace sluice
