#include "sctp/ring_queue.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <vector>

#include "support/alloc_counter.h"

namespace sluice::sctp {
namespace {

std::vector<int> Contents(RingQueue<std::vector<int>>& q) {
  std::vector<int> out;
  for (size_t i = 0; i < q.size(); ++i) out.push_back(q[i].empty() ? -1 : q[i][0]);
  return out;
}

std::vector<int> Contents(const std::deque<std::vector<int>>& d) {
  std::vector<int> out;
  for (auto& v : d) out.push_back(v.empty() ? -1 : v[0]);
  return out;
}

// Random pushes, pops, inserts and erases, checked against std::deque; the ring wraps and grows.
TEST(RingQueue, BehavesLikeADequeAcrossWrapsAndGrowth) {
  RingQueue<std::vector<int>> q;
  std::deque<std::vector<int>> ref;
  std::mt19937 rng(7);
  for (int step = 0; step < 20000; ++step) {
    const int op = static_cast<int>(rng() % 10);
    if (op < 5) {
      q.push_back({step});
      ref.push_back({step});
    } else if (op < 8) {
      if (ref.empty()) continue;
      EXPECT_EQ(q.front(), ref.front());
      q.pop_front();
      ref.pop_front();
    } else if (op == 8) {
      const size_t at = rng() % (ref.size() + 1);
      q.insert(at, {-step});
      ref.insert(ref.begin() + static_cast<std::ptrdiff_t>(at), {-step});
    } else {
      const int mod = 2 + static_cast<int>(rng() % 5);
      q.EraseIf([&](std::vector<int>& v) { return v[0] % mod == 0; });
      std::erase_if(ref, [&](const std::vector<int>& v) { return v[0] % mod == 0; });
    }
    ASSERT_EQ(q.size(), ref.size());
    ASSERT_EQ(q.empty(), ref.empty());
    if (step % 97 == 0) ASSERT_EQ(Contents(q), Contents(ref)) << "step " << step;
  }
  EXPECT_EQ(Contents(q), Contents(ref));
}

TEST(RingQueue, InsertAtTheEndsAndEraseEverything) {
  RingQueue<std::vector<int>> q;
  q.insert(0, {2});
  q.insert(0, {1});
  q.insert(2, {3});
  EXPECT_EQ(Contents(q), (std::vector<int>{1, 2, 3}));
  q.EraseIf([](std::vector<int>&) { return true; });
  EXPECT_TRUE(q.empty());
  q.push_back({4});
  EXPECT_EQ(Contents(q), (std::vector<int>{4}));
}

// The reason it exists: a queue that fills and drains over and over stops allocating once the
// ring has grown (std::deque keeps allocating and freeing blocks).
TEST(RingQueue, CyclingAllocatesNothingOnceGrown) {
  struct Item {
    int a = 0, b = 0;
  };
  RingQueue<Item> q;
  for (int i = 0; i < 40; ++i) q.push_back({i, i});
  while (!q.empty()) q.pop_front();
  test::AllocationScope scope;
  for (int round = 0; round < 1000; ++round) {
    for (int i = 0; i < 33; ++i) q.push_back({round, i});
    while (!q.empty()) q.pop_front();
  }
  EXPECT_EQ(scope.count(), 0u);
}

}  // namespace
}  // namespace sluice::sctp
