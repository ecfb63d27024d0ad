#include "net/task_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace sluice::net {
namespace {

struct Counted {
  static inline int alive = 0;
  int* hits;
  explicit Counted(int* h) : hits(h) { ++alive; }
  Counted(Counted&& o) noexcept : hits(o.hits) { ++alive; }
  ~Counted() { --alive; }
  void operator()() { ++*hits; }
};

TEST(LoopTaskTest, RunsMovesAndDestroysItsCaptureExactlyOnce) {
  int hits = 0;
  {
    LoopTask a(Counted{&hits});
    EXPECT_EQ(Counted::alive, 1);
    LoopTask b(std::move(a));
    EXPECT_FALSE(a);
    EXPECT_TRUE(b);
    EXPECT_EQ(Counted::alive, 1);
    b();
    b();
    EXPECT_EQ(hits, 2);
    LoopTask c;
    c = std::move(b);
    EXPECT_EQ(Counted::alive, 1);
    c.Reset();
    EXPECT_EQ(Counted::alive, 0);
    EXPECT_FALSE(c);
  }
  EXPECT_EQ(Counted::alive, 0);
}

TEST(LoopTaskTest, HoldsMoveOnlyCapturesUpToTheInlineSize) {
  auto p = std::make_unique<int>(41);
  int out = 0;
  LoopTask t([p = std::move(p), &out] { out = *p + 1; });
  LoopTask u = std::move(t);
  u();
  EXPECT_EQ(out, 42);
  struct Full {  // exactly kInlineBytes
    char bytes[LoopTask::kInlineBytes - sizeof(int*)];
    int* out;
    void operator()() { *out = bytes[0] + bytes[sizeof(bytes) - 1]; }
  };
  static_assert(sizeof(Full) == LoopTask::kInlineBytes);
  Full f{};
  f.bytes[0] = 3;
  f.bytes[sizeof(f.bytes) - 1] = 4;
  f.out = &out;
  LoopTask full(f);
  LoopTask moved = std::move(full);
  moved();
  EXPECT_EQ(out, 7);
}

TEST(TaskQueueTest, CapacityRoundsUpToAPowerOfTwo) {
  EXPECT_EQ(TaskQueue(1).capacity(), 2u);
  EXPECT_EQ(TaskQueue(5).capacity(), 8u);
  EXPECT_EQ(TaskQueue(64).capacity(), 64u);
}

TEST(TaskQueueTest, FifoAndFullIsRefusedWithoutTakingTheTask) {
  TaskQueue q(4);
  std::vector<int> order;
  for (int i = 0; i < 4; ++i) {
    LoopTask t([&order, i] { order.push_back(i); });
    ASSERT_TRUE(q.Push(t));
    EXPECT_FALSE(t);  // moved into the queue
  }
  int extra = 0;
  LoopTask overflow([&extra] { ++extra; });
  EXPECT_FALSE(q.Push(overflow));
  EXPECT_TRUE(overflow);  // still ours
  LoopTask t;
  ASSERT_TRUE(q.Pop(t));
  t();
  EXPECT_TRUE(q.Push(overflow));  // one slot free again
  while (q.Pop(t)) t();
  EXPECT_TRUE(q.Empty());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(extra, 1);
}

TEST(TaskQueueTest, ManyProducersOneConsumerKeepEachProducersOrder) {
  constexpr int kProducers = 4;
  constexpr int kPerProducer = 20000;
  TaskQueue q(256);
  std::vector<int> last(kProducers, -1);
  std::atomic<int> bad{0};
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i) {
        LoopTask t([&last, &bad, p, i] {
          if (last[p] != i - 1) bad.fetch_add(1);
          last[p] = i;
        });
        while (!q.Push(t)) std::this_thread::yield();
      }
    });
  }
  int ran = 0;
  LoopTask t;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (ran < kProducers * kPerProducer && std::chrono::steady_clock::now() < deadline) {
    if (q.Pop(t)) {
      t();
      ++ran;
    } else {
      std::this_thread::yield();
    }
  }
  for (auto& th : producers) th.join();
  EXPECT_EQ(ran, kProducers * kPerProducer);
  EXPECT_EQ(bad.load(), 0);
  for (int p = 0; p < kProducers; ++p) EXPECT_EQ(last[p], kPerProducer - 1);
}

}  // namespace
}  // namespace sluice::net
