#include <gtest/gtest.h>

#include <vector>

#include "rtcp/receiver_report.h"
#include "rtcp/rtcp_compound.h"
#include "rtcp/sender_report.h"
#include "rtcp_test_packets.h"

namespace sluice {
namespace {

using test::Bytes;

ReportBlock SampleBlock(uint32_t ssrc) {
  ReportBlock b;
  b.source_ssrc = Ssrc(ssrc);
  b.fraction_lost = 12;
  b.cumulative_lost = -5;
  b.extended_highest_sequence = 0x00011234;
  b.jitter = 77;
  b.last_sr = 0xdeadbeef;
  b.delay_since_last_sr = 65536;
  return b;
}

TEST(ReceiverReportTest, ChromiumTwoBlocks) {
  const auto bytes = Bytes(test::kChromiumRr2Xr);
  auto packet = RtcpPacketView::Parse(bytes);
  ASSERT_TRUE(packet.ok());
  auto rr = ReceiverReportView::Parse(*packet);
  ASSERT_TRUE(rr.ok());
  EXPECT_EQ(rr->sender_ssrc(), Ssrc(1));
  ASSERT_EQ(rr->report_blocks().size(), 2u);
  const ReportBlock b0 = rr->report_blocks()[0];
  EXPECT_EQ(b0.source_ssrc, Ssrc(0x745ca929));
  EXPECT_EQ(b0.fraction_lost, 0);
  EXPECT_EQ(b0.cumulative_lost, 0);
  EXPECT_EQ(b0.extended_highest_sequence, 0x56eu);
  EXPECT_EQ(b0.jitter, 0x7cfu);
  const ReportBlock b1 = rr->report_blocks()[1];
  EXPECT_EQ(b1.source_ssrc, Ssrc(0x88145e3a));
  EXPECT_EQ(b1.extended_highest_sequence, 0x2e90u);
  EXPECT_EQ(b1.jitter, 0x7du);
  EXPECT_TRUE(rr->profile_extensions().empty());
  // Canonical: re-serializing gives the captured bytes.
  const ReceiverReport plain = ReceiverReport::FromView(*rr);
  std::vector<uint8_t> out(plain.SerializedSize());
  ASSERT_EQ(plain.SerializeTo(out).value(), 56u);
  EXPECT_EQ(out, std::vector<uint8_t>(bytes.begin(), bytes.begin() + 56));
}

TEST(ReceiverReportTest, FirefoxBlock) {
  const auto bytes = Bytes(test::kFirefoxRrSdesByePliRrr);
  RtcpCompoundIterator it(bytes);
  auto rr = it.Next()->As<ReceiverReportView>();
  ASSERT_TRUE(rr.ok());
  EXPECT_EQ(rr->sender_ssrc(), Ssrc(0x902f9e2e));
  const ReportBlock b = rr->report_blocks()[0];
  EXPECT_EQ(b.source_ssrc, Ssrc(0xbc5e9a40));
  EXPECT_EQ(b.extended_highest_sequence, 0x46e1u);
  EXPECT_EQ(b.jitter, 273u);
  EXPECT_EQ(b.last_sr, 0x9f36432u);
  EXPECT_EQ(b.delay_since_last_sr, 150137u);
}

TEST(ReceiverReportTest, ReportCountExceedingLength) {
  auto bytes = Bytes(test::kChromiumRrXr);
  bytes.resize(32);
  bytes[0] = 0x82;  // RC 2, but one block's worth of length
  EXPECT_EQ(ReceiverReportView::Parse(bytes).error().code, ErrorCode::kMalformed);
  bytes[0] = 0x9f;  // RC 31
  EXPECT_EQ(ReceiverReportView::Parse(bytes).error().code, ErrorCode::kMalformed);
}

TEST(ReceiverReportTest, ProfileExtensionsAreExposed) {
  auto bytes = Bytes("80c90002 00000001 cafebabe");
  auto rr = ReceiverReportView::Parse(bytes);
  ASSERT_TRUE(rr.ok());
  EXPECT_EQ(rr->report_blocks().size(), 0u);
  ASSERT_EQ(rr->profile_extensions().size(), 4u);
  EXPECT_EQ(rr->profile_extensions()[0], 0xca);
}

TEST(ReceiverReportTest, NegativeAndClampedCumulativeLost) {
  ReceiverReport rr;
  rr.sender_ssrc = Ssrc(7);
  rr.report_blocks.push_back(SampleBlock(1));
  ReportBlock huge = SampleBlock(2);
  huge.cumulative_lost = 1 << 30;
  rr.report_blocks.push_back(huge);
  ReportBlock low = SampleBlock(3);
  low.cumulative_lost = -(1 << 30);
  rr.report_blocks.push_back(low);
  std::vector<uint8_t> out(rr.SerializedSize());
  ASSERT_TRUE(rr.SerializeTo(out).ok());
  auto view = ReceiverReportView::Parse(out);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->report_blocks()[0], SampleBlock(1));
  EXPECT_EQ(view->report_blocks()[0].cumulative_lost, -5);
  EXPECT_EQ(view->report_blocks()[1].cumulative_lost, ReportBlock::kMaxCumulativeLost);
  EXPECT_EQ(view->report_blocks()[2].cumulative_lost, ReportBlock::kMinCumulativeLost);
}

TEST(SenderReportTest, ChromiumRoundTrip) {
  const auto bytes = Bytes(test::kChromiumSrSdesXr);
  auto sr = SenderReportView::Parse(std::span(bytes).first(28));
  ASSERT_TRUE(sr.ok());
  EXPECT_EQ(sr->sender_ssrc(), Ssrc(0x88145e3a));
  EXPECT_EQ(sr->ntp_timestamp(), 0xeeae290cd000b88cull);
  EXPECT_EQ(sr->packet_count(), 0x4au);
  const SenderReport plain = SenderReport::FromView(*sr);
  std::vector<uint8_t> out(plain.SerializedSize());
  ASSERT_EQ(plain.SerializeTo(out).value(), 28u);
  EXPECT_EQ(out, std::vector<uint8_t>(bytes.begin(), bytes.begin() + 28));
}

TEST(SenderReportTest, RoundTripWithMaxBlocks) {
  SenderReport sr;
  sr.sender_ssrc = Ssrc(0x01020304);
  sr.ntp_timestamp = 0x1122334455667788ull;
  sr.rtp_timestamp = 90000;
  sr.packet_count = 1000;
  sr.octet_count = 123456;
  for (uint32_t i = 0; i < kMaxReportBlocks; ++i) ASSERT_TRUE(sr.report_blocks.push_back(SampleBlock(i)));
  EXPECT_FALSE(sr.report_blocks.push_back(SampleBlock(99)));
  std::vector<uint8_t> out(sr.SerializedSize());
  ASSERT_EQ(sr.SerializeTo(out).value(), 28u + 31u * 24u);
  EXPECT_EQ(out[0], 0x80 | 31);
  auto view = SenderReportView::Parse(out);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(SenderReport::FromView(*view), sr);
}

TEST(SenderReportTest, TruncatedAndShortBuffers) {
  const auto bytes = Bytes(test::kChromiumSrSdes);
  // An SR whose length says fewer than the 24 bytes of sender info.
  auto short_sr = Bytes("80c80005 88145e3a eeae290b 6c090b41 04bbe826 0000001a");
  EXPECT_EQ(SenderReportView::Parse(short_sr).error().code, ErrorCode::kTruncated);
  // RC 1 without the block.
  auto no_block = std::vector<uint8_t>(bytes.begin(), bytes.begin() + 28);
  no_block[0] = 0x81;
  EXPECT_EQ(SenderReportView::Parse(no_block).error().code, ErrorCode::kMalformed);
  // Serializer: every short destination is refused, nothing is written past it.
  SenderReport sr;
  sr.report_blocks.push_back(SampleBlock(1));
  for (size_t n = 0; n < sr.SerializedSize(); ++n) {
    std::vector<uint8_t> out(n);
    EXPECT_EQ(sr.SerializeTo(out).error().code, ErrorCode::kBufferTooSmall);
  }
}

}  // namespace
}  // namespace sluice
