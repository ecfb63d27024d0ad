#include "sluice/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace sluice {
namespace {

Result<int> Half(int v) {
  if (v % 2 != 0) return MakeError(ErrorCode::kInvalidArgument, "odd input: pass an even number");
  return v / 2;
}

TEST(ResultTest, HoldsValueOrError) {
  auto ok = Half(4);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 2);
  auto bad = Half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_STREQ(bad.error().message, "odd input: pass an even number");
  EXPECT_EQ(bad.value_or(7), 7);
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<std::string>> r = std::make_unique<std::string>("x");
  auto moved = std::move(r);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(**moved, "x");
  std::unique_ptr<std::string> taken = std::move(moved).value();
  EXPECT_EQ(*taken, "x");
}

TEST(ResultTest, CopyAndAssignAcrossStates) {
  Result<std::string> a = std::string("hello");
  Result<std::string> b = MakeError(ErrorCode::kNotFound, "nope");
  b = a;
  EXPECT_EQ(*b, "hello");
  a = MakeError(ErrorCode::kTruncated, "short");
  EXPECT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, ErrorCode::kTruncated);
}

TEST(ResultTest, VoidResult) {
  Result<void> ok = Ok();
  EXPECT_TRUE(ok.ok());
  Result<void> bad = MakeError(ErrorCode::kInvalidState, "closed");
  EXPECT_FALSE(bad.ok());
  EXPECT_STREQ(ToString(bad.error().code), "invalid-state");
}

TEST(ResultDeathTest, ValueOnErrorAbortsWithMessage) {
  Result<int> bad = MakeError(ErrorCode::kMalformed, "bad bytes");
  EXPECT_DEATH((void)bad.value(), "bad bytes");
}

}  // namespace
}  // namespace sluice
