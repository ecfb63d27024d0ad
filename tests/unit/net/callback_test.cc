#include "net/callback.h"

#include <gtest/gtest.h>

#include <memory>

namespace sluice::net {
namespace {

TEST(CallbackTest, CallsAndKeepsTheFunction) {
  Callback<void(int)> cb;
  cb.Call(1);  // empty: nothing
  int sum = 0;
  cb.Set([&](int v) { sum += v; });
  cb.Call(2);
  cb.Call(3);
  EXPECT_EQ(sum, 5);
  EXPECT_TRUE(cb);
}

TEST(CallbackTest, ReplacingOrClearingItselfDuringTheCallIsSafe) {
  Callback<void()> cb;
  int first = 0, second = 0;
  auto alive = std::make_shared<int>(1);
  cb.Set([&, alive] {
    ++first;
    cb.Set([&] { ++second; });  // replaces the running function: it stays alive until it returns
    EXPECT_EQ(*alive, 1);
  });
  cb.Call();
  cb.Call();
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 1);
  EXPECT_EQ(alive.use_count(), 1);  // the first function was destroyed after its call
  cb.Set([&] {
    ++second;
    cb.Clear();
  });
  cb.Call();
  cb.Call();
  EXPECT_EQ(second, 2);
  EXPECT_FALSE(cb);
}

}  // namespace
}  // namespace sluice::net
