#include "rtcp/generic_nack.h"

#include <gtest/gtest.h>

#include <vector>

#include "rtcp_test_packets.h"

namespace sluice {
namespace {

using test::Bytes;

std::vector<uint16_t> Lost(const GenericNackView& view) {
  std::vector<uint16_t> seqs;
  view.ForEachLost([&](uint16_t s) { seqs.push_back(s); });
  return seqs;
}

std::vector<uint8_t> Build(const std::vector<uint16_t>& lost) {
  GenericNack nack{Ssrc(0x11111111), Ssrc(0x22222222), lost};
  std::vector<uint8_t> out(nack.SerializedSize());
  EXPECT_EQ(nack.SerializeTo(out).value(), out.size());
  return out;
}

TEST(GenericNackTest, ParsesPidAndBlp) {
  // RFC 4585 §6.2.1 layout, PID 0xaaaa, BLP 0x0555 (bits 0, 2, 4, 6, 8, 10).
  const auto bytes = Bytes("81cd0003 902f9e2e 902f9e2e aaaa0555");
  auto nack = GenericNackView::Parse(bytes);
  ASSERT_TRUE(nack.ok());
  EXPECT_EQ(nack->sender_ssrc(), Ssrc(0x902f9e2e));
  EXPECT_EQ(nack->media_ssrc(), Ssrc(0x902f9e2e));
  ASSERT_EQ(nack->item_count(), 1u);
  EXPECT_EQ(nack->item(0), (NackItem{0xaaaa, 0x0555}));
  EXPECT_EQ(Lost(*nack), (std::vector<uint16_t>{0xaaaa, 0xaaab, 0xaaad, 0xaaaf, 0xaab1, 0xaab3,
                                                 0xaab5}));
  EXPECT_EQ(nack->lost_count(), 7u);
  uint16_t few[3];
  EXPECT_EQ(nack->CopyLost(few), 7u);
  EXPECT_EQ(few[2], 0xaaad);
}

TEST(GenericNackTest, ChromiumNacks) {
  const auto bytes = Bytes(test::kChromiumNack);
  auto nack = GenericNackView::Parse(bytes);
  ASSERT_TRUE(nack.ok());
  EXPECT_EQ(nack->sender_ssrc(), Ssrc(1));
  EXPECT_EQ(nack->media_ssrc(), Ssrc(0xdf35df9c));
  EXPECT_EQ(Lost(*nack), (std::vector<uint16_t>{0x58d8, 0x58d9, 0x58da, 0x58db, 0x58dc, 0x58dd,
                                                 0x58de, 0x58df}));
  EXPECT_EQ(Build(Lost(*nack)).size(), bytes.size());
  const auto burst = Bytes(test::kChromiumNackBurst);
  auto big = GenericNackView::Parse(burst);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->item_count(), 11u);
  const auto lost = Lost(*big);
  ASSERT_EQ(lost.size(), 10u * 17u + 1u + 13u);
  for (size_t i = 0; i < lost.size(); ++i) EXPECT_EQ(lost[i], 0x19f0 + i);  // one contiguous burst
  // Chromium and GenericNack pack identically.
  GenericNack rebuilt{big->sender_ssrc(), big->media_ssrc(), lost};
  std::vector<uint8_t> out(rebuilt.SerializedSize());
  ASSERT_TRUE(rebuilt.SerializeTo(out).ok());
  EXPECT_EQ(out, burst);
}

TEST(GenericNackTest, BlpWrapsAroundSequenceSpace) {
  const auto bytes = Bytes("81cd0003 00000001 00000002 fffe8001");
  auto nack = GenericNackView::Parse(bytes);
  ASSERT_TRUE(nack.ok());
  EXPECT_EQ(Lost(*nack), (std::vector<uint16_t>{0xfffe, 0xffff, 0x000e}));
}

TEST(GenericNackTest, BuilderPacksAndRoundTrips) {
  const std::vector<uint16_t> lost = {100, 101, 105, 116, 117, 200, 65535, 0, 3};
  const auto bytes = Build(lost);
  auto view = GenericNackView::Parse(bytes);
  ASSERT_TRUE(view.ok());
  // 100 (+101,105,116) | 117 | 200 | 65535 (+0,3)
  ASSERT_EQ(view->item_count(), 4u);
  EXPECT_EQ(view->item(0), (NackItem{100, (1u << 0) | (1u << 4) | (1u << 15)}));
  EXPECT_EQ(view->item(1), (NackItem{117, 0}));
  EXPECT_EQ(view->item(2), (NackItem{200, 0}));
  EXPECT_EQ(view->item(3), (NackItem{65535, (1u << 0) | (1u << 3)}));
  EXPECT_EQ(Lost(*view), lost);
}

TEST(GenericNackTest, BuilderHandlesDuplicatesAndLongRuns) {
  std::vector<uint16_t> lost;
  for (uint16_t s = 1000; s < 1100; ++s) lost.push_back(s);
  lost.push_back(1099);  // duplicate of the last
  const auto bytes = Build(lost);
  auto view = GenericNackView::Parse(bytes);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->item_count(), 6u);  // ceil(100 / 17)
  lost.pop_back();
  EXPECT_EQ(Lost(*view), lost);
}

TEST(GenericNackTest, Malformed) {
  EXPECT_EQ(GenericNackView::Parse(Bytes("81cd0001 00000001")).error().code,
            ErrorCode::kTruncated);
  // No FCI entry: "MUST contain at least one".
  EXPECT_EQ(GenericNackView::Parse(Bytes("81cd0002 00000001 00000002")).error().code,
            ErrorCode::kMalformed);
  // FCI not a multiple of 4 after removing padding.
  EXPECT_EQ(GenericNackView::Parse(Bytes("a1cd0003 00000001 00000002 00010001")).error().code,
            ErrorCode::kMalformed);
  GenericNack empty{Ssrc(1), Ssrc(2), {}};
  std::vector<uint8_t> out(64);
  EXPECT_EQ(empty.SerializeTo(out).error().code, ErrorCode::kInvalidArgument);
  const uint16_t one[] = {5};
  GenericNack small{Ssrc(1), Ssrc(2), one};
  std::vector<uint8_t> tiny(15);
  EXPECT_EQ(small.SerializeTo(tiny).error().code, ErrorCode::kBufferTooSmall);
}

}  // namespace
}  // namespace sluice
