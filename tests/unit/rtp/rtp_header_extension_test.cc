#include "rtp/rtp_header_extension.h"

#include <gtest/gtest.h>

#include <iterator>
#include <ranges>
#include <utility>
#include <vector>

#include "rtp_test_packets.h"

namespace sluice {
namespace {

using test::FromHex;

// The element walk is a standard range, so std algorithms and range-for work on it.
static_assert(std::input_iterator<RtpExtensionIterator>);
static_assert(std::sentinel_for<std::default_sentinel_t, RtpExtensionIterator>);
static_assert(std::ranges::input_range<const RtpHeaderExtensions>);

using Elements = std::vector<std::pair<int, std::vector<uint8_t>>>;

Elements Collect(const RtpHeaderExtensions& ext) {
  Elements out;
  for (const RtpExtensionElement& e : ext) {
    out.emplace_back(e.id, std::vector<uint8_t>(e.data.begin(), e.data.end()));
  }
  return out;
}

TEST(RtpHeaderExtensionsTest, FormFromProfile) {
  EXPECT_EQ(RtpExtensionFormOf(0xBEDE), RtpExtensionForm::kOneByte);
  EXPECT_EQ(RtpExtensionFormOf(0x1000), RtpExtensionForm::kTwoByte);
  EXPECT_EQ(RtpExtensionFormOf(0x100F), RtpExtensionForm::kTwoByte);
  EXPECT_EQ(RtpExtensionFormOf(0x1010), RtpExtensionForm::kOther);
  EXPECT_EQ(RtpExtensionFormOf(0xBEDF), RtpExtensionForm::kOther);
  EXPECT_EQ(RtpExtensionFormOf(0x0000), RtpExtensionForm::kOther);
}

TEST(RtpHeaderExtensionsTest, OneByteSkipsPaddingBetweenAndAfterElements) {
  // RFC 8285 §4.2 example shape: id 1 (1 byte), padding, id 2 (2 bytes), padding to the end.
  const auto block = FromHex("10aa0000 21bbcc00 00000000");
  RtpHeaderExtensions ext(0xBEDE, block);
  EXPECT_EQ(Collect(ext), (Elements{{1, {0xaa}}, {2, {0xbb, 0xcc}}}));
  EXPECT_TRUE(ext.Validate().ok());
  auto it = ext.begin();
  while (it != std::default_sentinel) ++it;
  EXPECT_EQ(it.stop(), RtpExtensionStop::kEnd);
}

TEST(RtpHeaderExtensionsTest, OneByteMaximumElementIs16Bytes) {
  const auto block = FromHex("ef000102 03040506 0708090a 0b0c0d0e 0f000000");
  RtpHeaderExtensions ext(0xBEDE, block);
  auto e = ext.Find(14);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->size(), 16u);
  EXPECT_EQ((*e)[15], 0x0f);
  EXPECT_TRUE(ext.Validate().ok());
}

TEST(RtpHeaderExtensionsTest, OneByteId15TerminatesTheWalk) {
  // id 1, then id 15 with a length nibble of 2 that must be ignored, then what would be id 2.
  const auto block = FromHex("10aaf220 bb000000");
  RtpHeaderExtensions ext(0xBEDE, block);
  EXPECT_EQ(Collect(ext), (Elements{{1, {0xaa}}}));
  EXPECT_FALSE(ext.Find(2));
  EXPECT_FALSE(ext.Find(15));
  auto it = ext.begin();
  ++it;
  EXPECT_EQ(it, std::default_sentinel);
  EXPECT_EQ(it.stop(), RtpExtensionStop::kReservedId15);
  auto v = ext.Validate();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, ErrorCode::kMalformed);
}

TEST(RtpHeaderExtensionsTest, OneByteIdZeroWithLengthStopsTheWalk) {
  const auto block = FromHex("10aa0320 bb000000");
  RtpHeaderExtensions ext(0xBEDE, block);
  EXPECT_EQ(Collect(ext), (Elements{{1, {0xaa}}}));
  auto it = ext.begin();
  ++it;
  EXPECT_EQ(it.stop(), RtpExtensionStop::kBadPadding);
  EXPECT_FALSE(ext.Validate().ok());
}

TEST(RtpHeaderExtensionsTest, ElementPastTheBlockIsNeverReturned) {
  // The block is the first 4 bytes of a larger buffer; the element claims 5 data bytes and the
  // bytes after the block would satisfy it. The walk must stop without looking at them.
  const auto buffer = FromHex("10aa4411 22334455 66778899");
  RtpHeaderExtensions ext(0xBEDE, std::span<const uint8_t>(buffer).first(4));
  EXPECT_EQ(Collect(ext), (Elements{{1, {0xaa}}}));
  EXPECT_FALSE(ext.Find(4));
  auto v = ext.Validate();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, ErrorCode::kTruncated);

  RtpHeaderExtensions two(0x1000, std::span<const uint8_t>(buffer).first(4));
  // Two-byte: id 0x10 length 0xaa (170 bytes) runs past the 4-byte block.
  EXPECT_TRUE(Collect(two).empty());
  EXPECT_FALSE(two.Validate().ok());
}

TEST(RtpHeaderExtensionsTest, TwoByteElementsIncludingEmptyAndLong) {
  // id 1 with 0 bytes, padding, id 255 with 17 bytes, padding.
  auto block = FromHex("01000000 ff11");
  for (uint8_t i = 0; i < 17; ++i) block.push_back(i);
  block.push_back(0);
  ASSERT_EQ(block.size() % 4, 0u);
  RtpHeaderExtensions ext(0x1007, block);
  EXPECT_EQ(ext.form(), RtpExtensionForm::kTwoByte);
  EXPECT_EQ(ext.appbits(), 7);
  auto elements = Collect(ext);
  ASSERT_EQ(elements.size(), 2u);
  EXPECT_EQ(elements[0].first, 1);
  EXPECT_TRUE(elements[0].second.empty());
  EXPECT_EQ(elements[1].first, 255);
  EXPECT_EQ(elements[1].second.size(), 17u);
  auto empty = ext.Find(1);
  ASSERT_TRUE(empty);  // present, with no data
  EXPECT_TRUE(empty->empty());
  EXPECT_TRUE(ext.Validate().ok());
}

TEST(RtpHeaderExtensionsTest, TwoByteIdFifteenIsAnOrdinaryId) {
  const auto block = FromHex("0f01aa00");
  RtpHeaderExtensions ext(0x1000, block);
  EXPECT_EQ(Collect(ext), (Elements{{15, {0xaa}}}));
  EXPECT_TRUE(ext.Validate().ok());
}

TEST(RtpHeaderExtensionsTest, FindReturnsTheFirstOfDuplicateIds) {
  const auto block = FromHex("10aa10bb");
  RtpHeaderExtensions ext(0xBEDE, block);
  auto e = ext.Find(1);
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)[0], 0xaa);
  EXPECT_FALSE(ext.Find(0));
}

TEST(RtpHeaderExtensionsTest, OnlyPaddingOrEmptyBlocks) {
  const auto zeros = FromHex("00000000 00000000");
  for (uint16_t profile : {uint16_t{0xBEDE}, uint16_t{0x1000}}) {
    RtpHeaderExtensions ext(profile, zeros);
    EXPECT_TRUE(Collect(ext).empty());
    EXPECT_TRUE(ext.Validate().ok());
    RtpHeaderExtensions empty(profile, {});
    EXPECT_TRUE(Collect(empty).empty());
    EXPECT_TRUE(empty.Validate().ok());
  }
  RtpHeaderExtensions none;
  EXPECT_EQ(none.form(), RtpExtensionForm::kNone);
  EXPECT_TRUE(Collect(none).empty());
}

TEST(RtpHeaderExtensionsTest, OpaqueProfileHasNoElements) {
  const auto block = FromHex("10aa2bbb");
  RtpHeaderExtensions ext(0x0001, block);
  EXPECT_EQ(ext.form(), RtpExtensionForm::kOther);
  EXPECT_TRUE(Collect(ext).empty());
  EXPECT_FALSE(ext.Find(1));
  EXPECT_TRUE(ext.Validate().ok());
}

TEST(RtpHeaderExtensionsTest, EveryTruncationOfARealBlockIsSafe) {
  // The one-byte block of the Chromium Opus packet, cut at every length: each prefix yields
  // a prefix of the full element list and Validate fails exactly when an element is cut.
  const auto packet = FromHex(test::kChromiumOpusOneByte);
  const auto block = std::vector<uint8_t>(packet.begin() + 16, packet.begin() + 28);
  const Elements full = Collect(RtpHeaderExtensions(0xBEDE, block));
  ASSERT_EQ(full.size(), 4u);
  const size_t element_ends[] = {4, 7, 9, 11};  // where each element's data ends
  for (size_t n = 0; n <= block.size(); ++n) {
    std::vector<uint8_t> cut(block.begin(), block.begin() + static_cast<ptrdiff_t>(n));
    RtpHeaderExtensions ext(0xBEDE, cut);
    const Elements got = Collect(ext);
    size_t complete = 0;
    for (size_t end : element_ends) complete += end <= n ? 1 : 0;
    ASSERT_EQ(got.size(), complete) << n;
    for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], full[i]);
    const bool on_boundary = n == 0 || n == 4 || n == 7 || n == 9 || n >= 11;
    EXPECT_EQ(ext.Validate().ok(), on_boundary) << n;
  }
}

}  // namespace
}  // namespace sluice
