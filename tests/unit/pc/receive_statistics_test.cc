// RFC 3550 A.1/A.3/A.8 reception statistics.
#include "pc/receive_statistics.h"

#include <gtest/gtest.h>

namespace sluice::pc {
namespace {

TEST(ReceiveStatistics, InOrderHasNoLoss) {
  ReceiveStatistics s;
  for (uint16_t i = 0; i < 100; ++i) s.OnPacket(i, i * 160u, i * 160u);
  EXPECT_EQ(s.received(), 100u);
  EXPECT_EQ(s.cumulative_lost(), 0);
  EXPECT_EQ(s.jitter(), 0u);  // constant transit
  ReportBlock b;
  s.FillReportBlock(b);
  EXPECT_EQ(b.fraction_lost, 0);
  EXPECT_EQ(b.extended_highest_sequence, 99u);
}

TEST(ReceiveStatistics, GapsCountAsLostAndFractionPerInterval) {
  ReceiveStatistics s;
  for (uint16_t i = 0; i < 100; ++i) {
    if (i % 4 != 3) s.OnPacket(i, 0, 0);  // 25 % lost (the last one, 99, is lost too)
  }
  EXPECT_EQ(s.cumulative_lost(), 24);  // up to the highest received (98)
  ReportBlock b;
  s.FillReportBlock(b);
  EXPECT_EQ(b.fraction_lost, (24 << 8) / 99);
  EXPECT_EQ(b.cumulative_lost, 24);
  for (uint16_t i = 100; i < 200; ++i) s.OnPacket(i, 0, 0);
  s.FillReportBlock(b);
  EXPECT_EQ(b.fraction_lost, (1 << 8) / 101);  // the interval 99..199 lost 99 only
  EXPECT_EQ(b.cumulative_lost, 25);
}

TEST(ReceiveStatistics, WrapExtendsTheSequenceNumber) {
  ReceiveStatistics s;
  for (uint32_t i = 65500; i < 65600; ++i) s.OnPacket(static_cast<uint16_t>(i), 0, 0);
  EXPECT_EQ(s.extended_max(), 65599u);
  EXPECT_EQ(s.cumulative_lost(), 0);
}

TEST(ReceiveStatistics, DuplicatesMakeLossNegative) {
  ReceiveStatistics s;
  for (uint16_t i = 0; i < 10; ++i) {
    s.OnPacket(i, 0, 0);
    s.OnPacket(i, 0, 0);
  }
  EXPECT_EQ(s.cumulative_lost(), -10);
}

TEST(ReceiveStatistics, JitterFollowsTransitVariation) {
  ReceiveStatistics s;
  // Arrivals alternate 0 and 80 units late: |D| = 80 each time; J converges toward 80.
  for (uint16_t i = 0; i < 1000; ++i) s.OnPacket(i, i * 160u, i * 160u + (i % 2) * 80u);
  EXPECT_NEAR(s.jitter(), 80u, 8u);
}

TEST(ReceiveStatistics, HugeJumpNeedsTwoPacketsToRestart) {
  ReceiveStatistics s;
  for (uint16_t i = 0; i < 10; ++i) s.OnPacket(i, 0, 0);
  s.OnPacket(30000, 0, 0);  // ignored (A.1: a single stray)
  EXPECT_EQ(s.extended_max(), 9u);
  s.OnPacket(30001, 0, 0);  // the next one in sequence: the source restarted
  EXPECT_EQ(s.extended_max(), 30001u);
  EXPECT_EQ(s.cumulative_lost(), 0);
}

}  // namespace
}  // namespace sluice::pc
