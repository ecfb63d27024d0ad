#include "dtls/datagram_ring.h"

#include <gtest/gtest.h>

#include <vector>

namespace sluice::dtls {
namespace {

std::vector<uint8_t> V(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

TEST(DatagramRingTest, FifoWithWrapAround) {
  DatagramRing ring(3, 8);
  for (uint8_t round = 0; round < 10; ++round) {
    const uint8_t a[] = {round, 1};
    const uint8_t b[] = {round, 2, 2};
    ASSERT_TRUE(ring.Push(a));
    ASSERT_TRUE(ring.Push(b));
    EXPECT_EQ(ring.size(), 2u);
    EXPECT_EQ(V(*ring.Front()), V(a));
    ring.Pop();
    EXPECT_EQ(V(*ring.Front()), V(b));
    ring.Pop();
    EXPECT_TRUE(ring.empty());
    EXPECT_FALSE(ring.Front().has_value());
  }
}

TEST(DatagramRingTest, RefusesWhenFullOrTooLarge) {
  DatagramRing ring(2, 4);
  const uint8_t big[5] = {};
  EXPECT_FALSE(ring.Push(big));
  const uint8_t ok[4] = {1, 2, 3, 4};
  EXPECT_TRUE(ring.Push(ok));
  EXPECT_TRUE(ring.Push({}));  // empty datagrams are legal
  EXPECT_TRUE(ring.full());
  EXPECT_FALSE(ring.Push(ok));
  EXPECT_TRUE(ring.WritableTail().empty());
  ring.Pop();
  EXPECT_EQ(ring.Front()->size(), 0u);
  ring.Pop();
  ring.Pop();  // popping empty is harmless
  EXPECT_TRUE(ring.empty());
}

TEST(DatagramRingTest, WritableTailThenCommit) {
  DatagramRing ring(2, 16);
  auto tail = ring.WritableTail();
  ASSERT_EQ(tail.size(), 16u);
  tail[0] = 9;
  tail[1] = 8;
  ring.CommitTail(2);
  EXPECT_EQ(V(*ring.Front()), (std::vector<uint8_t>{9, 8}));
  ring.CommitTail(17);  // larger than a slot: ignored
  EXPECT_EQ(ring.size(), 1u);
  ring.Clear();
  EXPECT_TRUE(ring.empty());
}

}  // namespace
}  // namespace sluice::dtls
