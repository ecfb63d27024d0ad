#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "common/byte_reader.h"
#include "common/byte_writer.h"

namespace sluice {
namespace {

TEST(ByteReaderTest, ReadsBigEndianFields) {
  const std::array<uint8_t, 18> bytes = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
                                         0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12};
  ByteReader r(bytes);
  EXPECT_EQ(r.ReadU8(), 0x01);
  EXPECT_EQ(r.ReadU16(), 0x0203);
  EXPECT_EQ(r.ReadU24(), 0x040506u);
  EXPECT_EQ(r.ReadU32(), 0x0708090au);
  EXPECT_EQ(r.ReadU64(), 0x0b0c0d0e0f101112ull);
  EXPECT_TRUE(r.empty());
}

TEST(ByteReaderTest, FailedReadLeavesCursorAndNeverOverreads) {
  const std::array<uint8_t, 3> bytes = {1, 2, 3};
  ByteReader r(bytes);
  EXPECT_EQ(r.ReadU32(), std::nullopt);
  EXPECT_EQ(r.position(), 0u);
  EXPECT_EQ(r.ReadU16(), 0x0102);
  EXPECT_EQ(r.ReadU16(), std::nullopt);
  EXPECT_EQ(r.ReadBytes(2), std::nullopt);
  EXPECT_FALSE(r.Skip(2));
  auto last = r.ReadBytes(1);
  ASSERT_TRUE(last);
  EXPECT_EQ((*last)[0], 3);
  EXPECT_EQ(r.ReadU8(), std::nullopt);
}

TEST(ByteReaderTest, EmptyInput) {
  ByteReader r(std::span<const uint8_t>{});
  EXPECT_EQ(r.ReadU8(), std::nullopt);
  EXPECT_TRUE(r.Skip(0));
  EXPECT_TRUE(r.SkipToAlignment(4));
}

TEST(ByteReaderTest, SkipToAlignment) {
  std::array<uint8_t, 8> bytes{};
  ByteReader r(bytes);
  ASSERT_TRUE(r.Skip(5));
  ASSERT_TRUE(r.SkipToAlignment(4));
  EXPECT_EQ(r.position(), 8u);
  ByteReader short_reader(std::span<const uint8_t>(bytes).first(6));
  ASSERT_TRUE(short_reader.Skip(5));
  EXPECT_FALSE(short_reader.SkipToAlignment(4));
}

TEST(ByteWriterTest, WritesAndRoundTrips) {
  std::array<uint8_t, 20> out{};
  ByteWriter w(out);
  w.WriteU8(0xab);
  w.WriteU16(0x1234);
  w.WriteU24(0x567890);
  w.WriteU32(0xdeadbeef);
  w.WriteU64(0x0102030405060708ull);
  w.PadToAlignment(4);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w.written(), 20u);
  ByteReader r(w.data());
  EXPECT_EQ(r.ReadU8(), 0xab);
  EXPECT_EQ(r.ReadU16(), 0x1234);
  EXPECT_EQ(r.ReadU24(), 0x567890u);
  EXPECT_EQ(r.ReadU32(), 0xdeadbeefu);
  EXPECT_EQ(r.ReadU64(), 0x0102030405060708ull);
}

TEST(ByteWriterTest, OverflowLatchesAndWritesNothing) {
  std::array<uint8_t, 3> out = {9, 9, 9};
  ByteWriter w(out);
  EXPECT_TRUE(w.WriteU16(0x0102));
  EXPECT_FALSE(w.WriteU16(0x0304));
  EXPECT_TRUE(w.overflow());
  EXPECT_EQ(out[2], 9);  // untouched
  EXPECT_FALSE(w.WriteU8(1));  // latched: later writes fail even if they would fit
  EXPECT_EQ(w.written(), 2u);
  EXPECT_TRUE(w.Skip(1).empty());
}

TEST(ByteWriterTest, SkipReservesForLaterFill) {
  std::array<uint8_t, 6> out{};
  ByteWriter w(out);
  auto len = w.Skip(2);
  ASSERT_EQ(len.size(), 2u);
  const std::array<uint8_t, 4> body = {1, 2, 3, 4};
  w.WriteBytes(body);
  StoreBe16(len.data(), static_cast<uint16_t>(w.written()));
  EXPECT_EQ(LoadBe16(out.data()), 6);
}

}  // namespace
}  // namespace sluice
