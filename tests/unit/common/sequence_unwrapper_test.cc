#include "common/sequence_unwrapper.h"

#include <gtest/gtest.h>

#include "common/strong_id.h"

namespace sluice {
namespace {

TEST(SequenceUnwrapperTest, ForwardAcrossWraps) {
  SeqNumUnwrapper u;
  int64_t first = u.Unwrap(65530);
  for (int i = 1; i < 200000; ++i) {
    EXPECT_EQ(u.Unwrap(static_cast<uint16_t>(65530 + i)), first + i);
  }
}

TEST(SequenceUnwrapperTest, ReorderingAroundWrap) {
  SeqNumUnwrapper u;
  int64_t a = u.Unwrap(65535);
  EXPECT_EQ(u.Unwrap(1), a + 2);
  EXPECT_EQ(u.Unwrap(0), a + 1);       // late packet, just before the newest
  EXPECT_EQ(u.Unwrap(65534), a - 1);   // older than the first: still non-negative
  EXPECT_GE(u.Unwrap(65534), 0);
}

TEST(SequenceUnwrapperTest, PeekDoesNotMove) {
  SeqNumUnwrapper u;
  u.Unwrap(100);
  EXPECT_EQ(u.PeekUnwrap(200), u.PeekUnwrap(200));
  EXPECT_EQ(*u.last(), 65536 + 100);
}

TEST(SequenceUnwrapperTest, ThirtyTwoBit) {
  U32Unwrapper u;
  int64_t a = u.Unwrap(0xfffffff0u);
  EXPECT_EQ(u.Unwrap(0x10u), a + 0x20);
  EXPECT_EQ(u.Unwrap(0xffffffffu), a + 0xf);
}

TEST(SequenceUnwrapperTest, HalfSpaceJumpsGoForward) {
  SeqNumUnwrapper u;
  int64_t a = u.Unwrap(0);
  EXPECT_EQ(u.Unwrap(32768), a + 32768);
}

TEST(IsNewerTest, SerialArithmetic) {
  EXPECT_TRUE(IsNewer<uint16_t>(1, 0));
  EXPECT_TRUE(IsNewer<uint16_t>(0, 65535));
  EXPECT_FALSE(IsNewer<uint16_t>(65535, 0));
  EXPECT_FALSE(IsNewer<uint16_t>(5, 5));
  EXPECT_TRUE(IsNewer<uint32_t>(0, 0xffffffffu));
}

TEST(StrongIdTest, DistinctTypesCompareAndHash) {
  Ssrc a(1), b(2);
  EXPECT_LT(a, b);
  EXPECT_EQ(a, Ssrc(1));
  EXPECT_EQ(std::hash<Ssrc>{}(a), std::hash<uint32_t>{}(1));
  static_assert(!std::is_convertible_v<uint32_t, Ssrc>);
  static_assert(!std::is_convertible_v<Ssrc, Tsn>);
}

}  // namespace
}  // namespace sluice
