#include "net/deadline_heap.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace sluice::net {
namespace {

Instant T(int ms) { return Instant{} + milliseconds(ms); }

TEST(DeadlineHeapTest, PopsDueKeysSoonestFirst) {
  DeadlineHeap<int> h;
  h.Set(1, T(30));
  h.Set(2, T(10));
  h.Set(3, T(20));
  EXPECT_EQ(h.Next(), T(10));
  EXPECT_EQ(h.PopDue(T(5)), std::nullopt);
  EXPECT_EQ(h.PopDue(T(25)), 2);
  EXPECT_EQ(h.PopDue(T(25)), 3);
  EXPECT_EQ(h.PopDue(T(25)), std::nullopt);
  EXPECT_EQ(h.PopDue(T(30)), 1);  // due exactly at its deadline
  EXPECT_EQ(h.size(), 0u);
}

TEST(DeadlineHeapTest, OneDeadlinePerKeyMovesBothWaysAndClears) {
  DeadlineHeap<int> h;
  h.Set(1, T(10));
  h.Set(2, T(20));
  h.Set(1, T(30));  // later
  EXPECT_EQ(h.Next(), T(20));
  h.Set(1, T(5));  // earlier
  EXPECT_EQ(h.Next(), T(5));
  EXPECT_EQ(h.size(), 2u);
  h.Set(1, std::nullopt);
  EXPECT_EQ(h.Get(1), std::nullopt);
  EXPECT_EQ(h.Next(), T(20));
  h.Forget(2);
  EXPECT_EQ(h.Next(), std::nullopt);
  h.Set(2, T(1));  // a forgotten key can come back
  EXPECT_EQ(h.PopDue(T(1)), 2);
  h.Set(7, std::nullopt);  // clearing an unknown key is a no-op
  EXPECT_EQ(h.size(), 0u);
}

TEST(DeadlineHeapTest, MatchesAReferenceUnderRandomOperations) {
  std::mt19937 rng(7);
  DeadlineHeap<int> h;
  std::map<int, int> ref;  // key -> deadline ms
  int now = 0;
  for (int step = 0; step < 20000; ++step) {
    const int key = static_cast<int>(rng() % 64);
    switch (rng() % 5) {
      case 0:
      case 1: {
        const int d = now + static_cast<int>(rng() % 100);
        h.Set(key, T(d));
        ref[key] = d;
        break;
      }
      case 2:
        h.Set(key, std::nullopt);
        ref.erase(key);
        break;
      case 3:
        h.Forget(key);
        ref.erase(key);
        break;
      case 4: {
        now += static_cast<int>(rng() % 10);
        while (auto k = h.PopDue(T(now))) {
          ASSERT_TRUE(ref.count(*k));
          ASSERT_LE(ref[*k], now);
          ref.erase(*k);
        }
        for (auto& [k, d] : ref) ASSERT_GT(d, now) << "key " << k << " was due but not popped";
        break;
      }
    }
    ASSERT_EQ(h.size(), ref.size());
    if (!ref.empty()) {
      int soonest = INT32_MAX;
      for (auto& [k, d] : ref) soonest = std::min(soonest, d);
      ASSERT_EQ(h.Next(), T(soonest));
    }
  }
}

}  // namespace
}  // namespace sluice::net
