#include "common/random.h"

#include <gtest/gtest.h>

#include <array>

namespace sluice {
namespace {

TEST(RandomTest, SameSeedSameSequence) {
  Random a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    uint64_t va = a.NextU64();
    EXPECT_EQ(va, b.NextU64());
    differs |= va != c.NextU64();
  }
  EXPECT_TRUE(differs);
}

TEST(RandomTest, UniformStaysInRangeAndCoversIt) {
  Random r(7);
  std::array<int, 6> hits{};
  for (int i = 0; i < 6000; ++i) {
    uint64_t v = r.Uniform(10, 15);
    ASSERT_GE(v, 10u);
    ASSERT_LE(v, 15u);
    ++hits[v - 10];
  }
  for (int h : hits) EXPECT_GT(h, 800);
}

TEST(RandomTest, BernoulliRate) {
  Random r(9);
  int hits = 0;
  for (int i = 0; i < 100000; ++i) hits += r.Bernoulli(0.1);
  EXPECT_NEAR(hits / 100000.0, 0.1, 0.01);
}

TEST(RandomTest, FillAndSecureBytes) {
  Random r(1);
  std::array<uint8_t, 13> a{}, b{};
  r.Fill(a);
  EXPECT_NE(a, b);
  ASSERT_TRUE(SecureRandomBytes(b));
  std::array<uint8_t, 13> zero{};
  EXPECT_NE(b, zero);
}

}  // namespace
}  // namespace sluice
