#include "rtcp/rtcp_compound.h"

#include <gtest/gtest.h>

#include <vector>

#include "rtcp/receiver_report.h"
#include "rtcp/remb.h"
#include "rtcp/sdes.h"
#include "rtcp/sender_report.h"
#include "rtcp_test_packets.h"

namespace sluice {
namespace {

using test::Bytes;

std::vector<RtcpPacketKind> Kinds(std::span<const uint8_t> data, Error* error = nullptr) {
  std::vector<RtcpPacketKind> kinds;
  RtcpCompoundIterator it(data);
  for (const RtcpPacketView& packet : it) kinds.push_back(packet.kind());
  if (error != nullptr) *error = it.ok() ? Error{} : it.error();
  return kinds;
}

TEST(RtcpPacketViewTest, ParsesHeaderFields) {
  const auto bytes = Bytes(test::kChromiumTwccPad3);
  auto packet = RtcpPacketView::Parse(bytes);
  ASSERT_TRUE(packet.ok());
  EXPECT_TRUE(packet->has_padding());
  EXPECT_EQ(packet->fmt(), 15);
  EXPECT_EQ(packet->packet_type(), 205);
  EXPECT_EQ(packet->header().length_words, 9);
  EXPECT_EQ(packet->bytes().size(), 40u);
  EXPECT_EQ(packet->padding_size(), 3u);
  EXPECT_EQ(packet->payload().size(), 33u);
  EXPECT_EQ(packet->kind(), RtcpPacketKind::kTransportFeedback);
}

TEST(RtcpPacketViewTest, RejectsShortAndBadVersion) {
  const uint8_t three[] = {0x80, 0xc8, 0x00};
  EXPECT_EQ(RtcpPacketView::Parse(three).error().code, ErrorCode::kTruncated);
  const uint8_t v1[] = {0x40, 0xc9, 0x00, 0x00};
  EXPECT_EQ(RtcpPacketView::Parse(v1).error().code, ErrorCode::kMalformed);
  const uint8_t v3[] = {0xc0, 0xc9, 0x00, 0x00};
  EXPECT_EQ(RtcpPacketView::Parse(v3).error().code, ErrorCode::kMalformed);
}

TEST(RtcpPacketViewTest, LengthZeroWordsIsAHeaderOnlyPacket) {
  // BYE with SC=0 is legal and exactly 4 bytes.
  const uint8_t bye[] = {0x80, 0xcb, 0x00, 0x00};
  auto packet = RtcpPacketView::Parse(bye);
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(packet->bytes().size(), 4u);
  EXPECT_TRUE(packet->payload().empty());
  // An RR of length 0 has no room for its sender SSRC: the typed parse says so.
  const uint8_t rr[] = {0x80, 0xc9, 0x00, 0x00};
  auto view = RtcpPacketView::Parse(rr);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(ReceiverReportView::Parse(*view).error().code, ErrorCode::kTruncated);
}

TEST(RtcpPacketViewTest, LengthBeyondBufferIsTruncated) {
  auto bytes = Bytes(test::kChromiumTwcc);
  bytes[3] = 7;  // one word more than there is
  EXPECT_EQ(RtcpPacketView::Parse(bytes).error().code, ErrorCode::kTruncated);
  bytes[2] = 0xff;
  bytes[3] = 0xff;
  EXPECT_EQ(RtcpPacketView::Parse(bytes).error().code, ErrorCode::kTruncated);
}

TEST(RtcpPacketViewTest, PaddingChecks) {
  // P set, count 0.
  auto zero = Bytes("a0c90001 00000000");
  EXPECT_EQ(RtcpPacketView::Parse(zero).error().code, ErrorCode::kMalformed);
  // Padding larger than the packet after its header.
  auto big = Bytes("a0c90001 00000005");
  EXPECT_EQ(RtcpPacketView::Parse(big).error().code, ErrorCode::kMalformed);
  // Padding equal to the whole body is allowed: empty payload.
  auto all = Bytes("a0cb0001 00000004");
  auto packet = RtcpPacketView::Parse(all);
  ASSERT_TRUE(packet.ok());
  EXPECT_TRUE(packet->payload().empty());
  EXPECT_EQ(packet->padding_size(), 4u);
}

TEST(RtcpCompoundTest, ChromiumSrSdes) {
  const auto bytes = Bytes(test::kChromiumSrSdes);
  RtcpCompoundIterator it(bytes);
  auto sr_packet = it.Next();
  ASSERT_TRUE(sr_packet);
  auto sr = sr_packet->As<SenderReportView>();
  ASSERT_TRUE(sr.ok());
  EXPECT_EQ(sr->sender_ssrc(), Ssrc(0x88145e3a));
  EXPECT_EQ(sr->ntp_timestamp(), 0xeeae290b6c090b41ull);
  EXPECT_EQ(sr->rtp_timestamp(), 0x04bbe826u);
  EXPECT_EQ(sr->packet_count(), 0x1au);
  EXPECT_EQ(sr->octet_count(), 0x3abfu);
  EXPECT_EQ(sr->report_blocks().size(), 0u);
  auto sdes_packet = it.Next();
  ASSERT_TRUE(sdes_packet);
  auto sdes = sdes_packet->As<SdesView>();
  ASSERT_TRUE(sdes.ok());
  auto chunks = sdes->chunks();
  auto chunk = chunks.Next();
  ASSERT_TRUE(chunk);
  EXPECT_EQ(chunk->ssrc(), Ssrc(0x88145e3a));
  EXPECT_EQ(chunk->Find(SdesItemType::kCname), "AAYla1vYmsya/b8y");
  EXPECT_FALSE(chunks.Next());
  EXPECT_FALSE(it.Next());
  EXPECT_TRUE(it.ok());
  EXPECT_TRUE(it.done());
  EXPECT_EQ(it.packets_read(), 2u);
  EXPECT_EQ(ValidateRtcpCompound(bytes, RtcpCompoundRule::kStrict).value(), 2u);
}

TEST(RtcpCompoundTest, ChromiumCompoundsYieldXrAsUnknown) {
  using K = RtcpPacketKind;
  EXPECT_EQ(Kinds(Bytes(test::kChromiumSrSdesXr)),
            (std::vector<K>{K::kSenderReport, K::kSdes, K::kUnknown}));
  EXPECT_EQ(Kinds(Bytes(test::kChromiumRrXr)), (std::vector<K>{K::kReceiverReport, K::kUnknown}));
  EXPECT_EQ(Kinds(Bytes(test::kChromiumRr2Xr)), (std::vector<K>{K::kReceiverReport, K::kUnknown}));
  EXPECT_EQ(Kinds(Bytes(test::kChromiumRrRembXr)),
            (std::vector<K>{K::kReceiverReport, K::kRemb, K::kUnknown}));
  EXPECT_EQ(Kinds(Bytes(test::kChromiumRr2RembXr)),
            (std::vector<K>{K::kReceiverReport, K::kRemb, K::kUnknown}));
  EXPECT_EQ(Kinds(Bytes(test::kFirefoxRrSdesByePliRrr)),
            (std::vector<K>{K::kReceiverReport, K::kSdes, K::kBye, K::kPli, K::kUnknown}));
}

TEST(RtcpCompoundTest, ReducedSizeAcceptedStrictRejected) {
  const auto twcc = Bytes(test::kChromiumTwcc);
  EXPECT_EQ(ValidateRtcpCompound(twcc, RtcpCompoundRule::kReducedSizeAllowed).value(), 1u);
  auto strict = ValidateRtcpCompound(twcc, RtcpCompoundRule::kStrict);
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(Kinds(twcc), std::vector<RtcpPacketKind>{RtcpPacketKind::kTransportFeedback});
}

TEST(RtcpCompoundTest, EmptyInputIsAnError) {
  Error error;
  EXPECT_TRUE(Kinds({}, &error).empty());
  EXPECT_EQ(error.code, ErrorCode::kTruncated);
  EXPECT_FALSE(ValidateRtcpCompound({}, RtcpCompoundRule::kReducedSizeAllowed).ok());
}

TEST(RtcpCompoundTest, StopsAtLyingLengthAfterYieldingGoodPackets) {
  auto bytes = Bytes(test::kChromiumSrSdes);
  bytes[28 + 3] = 0x07;  // the SDES claims one more word than the datagram holds
  Error error;
  EXPECT_EQ(Kinds(bytes, &error), std::vector<RtcpPacketKind>{RtcpPacketKind::kSenderReport});
  EXPECT_EQ(error.code, ErrorCode::kTruncated);
}

TEST(RtcpCompoundTest, TrailingBytesShorterThanAHeader) {
  auto bytes = Bytes(test::kChromiumSrSdes);
  bytes.push_back(0x80);
  bytes.push_back(0xc9);
  Error error;
  EXPECT_EQ(Kinds(bytes, &error).size(), 2u);
  EXPECT_EQ(error.code, ErrorCode::kTruncated);
}

TEST(RtcpCompoundTest, BadVersionInSecondPacket) {
  auto bytes = Bytes(test::kChromiumSrSdes);
  bytes[28] = 0x41;
  Error error;
  EXPECT_EQ(Kinds(bytes, &error).size(), 1u);
  EXPECT_EQ(error.code, ErrorCode::kMalformed);
}

TEST(RtcpCompoundTest, PaddingOnlyOnTheLastPacket) {
  // RFC 3550 §6.4.1: padding on the SR of an SR+SDES compound is misuse.
  auto bytes = Bytes(test::kChromiumSrSdes);
  bytes[0] |= 0x20;
  bytes[27] = 4;  // would be a valid pad count for the SR alone
  Error error;
  EXPECT_TRUE(Kinds(bytes, &error).empty());
  EXPECT_EQ(error.code, ErrorCode::kMalformed);
  // Padding on the last packet is fine.
  auto twcc_last = Bytes(test::kChromiumRrXr);
  const auto pad = Bytes(test::kChromiumTwccPad3);
  twcc_last.insert(twcc_last.end(), pad.begin(), pad.end());
  EXPECT_EQ(Kinds(twcc_last, &error).size(), 3u);
}

TEST(RtcpCompoundTest, EveryTruncationFailsCleanly) {
  const auto bytes = Bytes(test::kChromiumRr2RembXr);
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    auto r = ValidateRtcpCompound(cut, RtcpCompoundRule::kReducedSizeAllowed);
    // A cut exactly at a packet boundary is a valid shorter compound.
    const bool boundary = n == 56 || n == 84;
    EXPECT_EQ(r.ok(), boundary) << n;
  }
}

TEST(RtcpCompoundTest, TypedParseOfWrongKindIsRejected) {
  const auto bytes = Bytes(test::kChromiumTwcc);
  auto packet = RtcpPacketView::Parse(bytes);
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(packet->As<SenderReportView>().error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(SenderReportView::Parse(bytes).error().code, ErrorCode::kInvalidArgument);
  // The span overload wants exactly one packet.
  const auto compound = Bytes(test::kChromiumSrSdes);
  EXPECT_EQ(SenderReportView::Parse(compound).error().code, ErrorCode::kMalformed);
}

TEST(RtcpCompoundTest, AfbWithoutRembIdentifierIsUnknown) {
  auto bytes = Bytes("8fce0003 00000001 00000000 41424344");
  EXPECT_EQ(Kinds(bytes), std::vector<RtcpPacketKind>{RtcpPacketKind::kUnknown});
  auto packet = RtcpPacketView::Parse(bytes);
  EXPECT_EQ(packet->As<RembView>().error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice
