#include "support/simulated_link.h"

#include <gtest/gtest.h>

#include "support/fake_clock.h"

namespace sluice::test {
namespace {

std::vector<uint8_t> Packet(uint32_t n, size_t size = 100) {
  std::vector<uint8_t> p(size, 0);
  p[0] = static_cast<uint8_t>(n >> 24);
  p[1] = static_cast<uint8_t>(n >> 16);
  p[2] = static_cast<uint8_t>(n >> 8);
  p[3] = static_cast<uint8_t>(n);
  return p;
}
uint32_t Id(const std::vector<uint8_t>& p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

TEST(SimulatedLinkTest, DelaysInOrderWithoutImpairments) {
  FakeClock clock;
  SimulatedLink link({.delay = milliseconds(50)});
  for (uint32_t i = 0; i < 10; ++i) link.Send(clock.now(), Packet(i));
  EXPECT_FALSE(link.Poll(clock.now() + milliseconds(49)));
  clock.Advance(milliseconds(50));
  for (uint32_t i = 0; i < 10; ++i) {
    auto p = link.Poll(clock.now());
    ASSERT_TRUE(p);
    EXPECT_EQ(Id(*p), i);
  }
  EXPECT_FALSE(link.Poll(clock.now()));
}

TEST(SimulatedLinkTest, SeededLossDuplicationAndReordering) {
  FakeClock clock;
  SimulatedLinkOptions o{.delay = milliseconds(10), .loss = 0.1, .duplicate = 0.05, .reorder = 0.1,
                         .seed = 5};
  SimulatedLink link(o);
  for (uint32_t i = 0; i < 10000; ++i) {
    link.Send(clock.now(), Packet(i));
    clock.Advance(milliseconds(1));
  }
  clock.Advance(seconds(1));
  std::vector<uint32_t> got;
  while (auto p = link.Poll(clock.now())) got.push_back(Id(*p));
  const auto& s = link.stats();
  EXPECT_NEAR(static_cast<double>(s.lost) / 10000, 0.1, 0.015);
  EXPECT_GT(s.duplicated, 300u);
  EXPECT_GT(s.reordered, 700u);
  EXPECT_EQ(got.size(), 10000 - s.lost + s.duplicated);
  size_t out_of_order = 0;
  for (size_t i = 1; i < got.size(); ++i) out_of_order += got[i] < got[i - 1];
  EXPECT_GT(out_of_order, 500u);

  // Same seed, same run.
  SimulatedLink again(o);
  FakeClock clock2;
  for (uint32_t i = 0; i < 10000; ++i) {
    again.Send(clock2.now(), Packet(i));
    clock2.Advance(milliseconds(1));
  }
  EXPECT_EQ(again.stats().lost, s.lost);
}

TEST(SimulatedLinkTest, BandwidthSerializesAndQueueTailDrops) {
  FakeClock clock;
  // 1 Mbps: a 1250-byte packet takes 10 ms on the wire. Queue of 5 packets.
  SimulatedLink link({.bandwidth_bps = 1'000'000, .queue_limit_bytes = 5 * 1250});
  for (uint32_t i = 0; i < 10; ++i) link.Send(clock.now(), Packet(i, 1250));
  EXPECT_EQ(link.stats().queue_dropped, 5u);
  ASSERT_TRUE(link.NextDelivery());
  EXPECT_EQ(*link.NextDelivery() - clock.now(), milliseconds(10));
  clock.Advance(milliseconds(50));
  int n = 0;
  while (link.Poll(clock.now())) ++n;
  EXPECT_EQ(n, 5);
}

TEST(SimulatedLinkTest, DownLinkLosesEverything) {
  FakeClock clock;
  SimulatedLink link;
  link.set_down(true);
  link.Send(clock.now(), Packet(1));
  EXPECT_EQ(link.in_flight(), 0u);
  EXPECT_EQ(link.stats().lost, 1u);
}

}  // namespace
}  // namespace sluice::test
