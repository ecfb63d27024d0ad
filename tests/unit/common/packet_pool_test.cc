#include <gtest/gtest.h>

#include <cstring>
#include <thread>
#include <vector>

#include "sluice/packet_buffer.h"

namespace sluice {
namespace {

std::unique_ptr<PacketPool> MakePool(size_t slots) {
  auto r = PacketPool::Create({.slot_count = slots, .headroom = 32, .capacity = 1200, .tailroom = 20});
  EXPECT_TRUE(r.ok());
  return std::move(r).value();
}

TEST(PacketPoolTest, AcquireGivesEmptyWindowWithHeadroomAndTailroom) {
  auto pool = MakePool(2);
  auto b = pool->Acquire();
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->empty());
  EXPECT_EQ(b->headroom(), 32u);
  EXPECT_EQ(b->tailroom(), 1220u);
  EXPECT_EQ(b->writable_area().size(), 1220u);
  EXPECT_EQ(pool->available(), 1u);
}

TEST(PacketPoolTest, ExhaustionIsAClearErrorNotAnAllocation) {
  auto pool = MakePool(2);
  auto a = pool->Acquire();
  auto b = pool->Acquire();
  auto c = pool->Acquire();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kExhausted);
  EXPECT_NE(std::strstr(c.error().message, "slot_count"), nullptr);
  EXPECT_EQ(pool->stats().exhausted, 1u);
  a->Release();
  EXPECT_TRUE(pool->Acquire().ok());
}

TEST(PacketPoolTest, WindowOperationsStayInsideTheSlot) {
  auto pool = MakePool(1);
  auto r = pool->Acquire();
  PacketBuffer& b = *r;
  ASSERT_TRUE(b.Resize(100));
  EXPECT_FALSE(b.Resize(1221));
  EXPECT_EQ(b.size(), 100u);
  ASSERT_TRUE(b.Prepend(12));
  EXPECT_EQ(b.headroom(), 20u);
  EXPECT_FALSE(b.Prepend(21));
  ASSERT_TRUE(b.Append(16));
  EXPECT_EQ(b.size(), 128u);
  EXPECT_FALSE(b.Append(b.tailroom() + 1));
  ASSERT_TRUE(b.TrimFront(12));
  ASSERT_TRUE(b.TrimBack(16));
  EXPECT_EQ(b.size(), 100u);
  EXPECT_FALSE(b.TrimFront(101));
  EXPECT_FALSE(b.TrimBack(101));
}

TEST(PacketPoolTest, MoveTransfersOwnership) {
  auto pool = MakePool(1);
  PacketBuffer a = std::move(pool->Acquire().value());
  PacketBuffer b = std::move(a);
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_TRUE(b.valid());
  EXPECT_EQ(pool->available(), 0u);
  b = PacketBuffer();
  EXPECT_EQ(pool->available(), 1u);
}

TEST(PacketPoolTest, ShareCountsAndReturnsSlotWithLastHandle) {
  auto pool = MakePool(1);
  PacketBuffer a = std::move(pool->Acquire().value());
  ASSERT_TRUE(a.Resize(4));
  std::memcpy(a.mutable_data().data(), "abcd", 4);
  PacketBuffer b = a.Share();
  EXPECT_EQ(a.use_count(), 2u);
  EXPECT_EQ(b.data().data(), a.data().data());  // same bytes, no copy
  ASSERT_TRUE(b.TrimFront(2));                 // each handle has its own window
  EXPECT_EQ(a.size(), 4u);
  a.Release();
  EXPECT_EQ(pool->available(), 0u);
  EXPECT_EQ(b.use_count(), 1u);
  EXPECT_EQ(std::memcmp(b.data().data(), "cd", 2), 0);
  b.Release();
  EXPECT_EQ(pool->available(), 1u);
}

TEST(PacketPoolTest, CloneCopiesIntoAFreshSlot) {
  auto pool = MakePool(2);
  PacketBuffer a = std::move(pool->Acquire().value());
  ASSERT_TRUE(a.Resize(3));
  std::memcpy(a.mutable_data().data(), "xyz", 3);
  auto c = a.Clone();
  ASSERT_TRUE(c.ok());
  EXPECT_NE(c->data().data(), a.data().data());
  EXPECT_EQ(std::memcmp(c->data().data(), "xyz", 3), 0);
  EXPECT_EQ(c->headroom(), a.headroom());
  EXPECT_EQ(c->use_count(), 1u);
  auto d = a.Clone();
  EXPECT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, ErrorCode::kExhausted);
}

TEST(PacketPoolTest, BuffersMayOutliveThePoolObject) {
  PacketBuffer b;
  {
    auto pool = MakePool(1);
    b = std::move(pool->Acquire().value());
  }
  ASSERT_TRUE(b.Resize(10));
  b.mutable_data()[9] = 1;  // memory still valid (asan would catch otherwise)
  b.Release();
}

TEST(PacketPoolTest, InvalidOptionsAreRejected) {
  EXPECT_EQ(PacketPool::Create({.slot_count = 0}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(PacketPool::Create({.capacity = 0}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(PacketPool::Create({.capacity = 1 << 20}).error().code, ErrorCode::kInvalidArgument);
}

TEST(PacketPoolTest, ConcurrentAcquireAndReleaseAcrossThreads) {
  // The network thread acquires, a media thread releases (DESIGN.md §8): every slot must come
  // back exactly once.
  auto pool = MakePool(64);
  constexpr int kPerThread = 20000;
  auto worker = [&] {
    for (int i = 0; i < kPerThread; ++i) {
      auto b = pool->Acquire();
      if (b.ok()) {
        PacketBuffer shared = b->Share();
        b->Release();
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  EXPECT_EQ(pool->available(), 64u);
  EXPECT_EQ(pool->stats().acquired + pool->stats().exhausted, 4u * kPerThread);
}

}  // namespace
}  // namespace sluice
