#include "rtp/rtp_packet_mutable_view.h"

#include <gtest/gtest.h>

#include <vector>

#include "rtp_test_packets.h"
#include "support/alloc_counter.h"

namespace sluice {
namespace {

using test::FromHex;

TEST(RtpPacketMutableViewTest, RewritesForwardingFieldsInPlace) {
  auto bytes = FromHex(test::kChromiumOpusOneByte);
  const auto original = bytes;
  auto m = RtpPacketMutableView::Parse(bytes);
  ASSERT_TRUE(m.ok());
  m->SetSsrc(Ssrc(0x01020304));
  m->SetSequenceNumber(SeqNum(0xfffe));
  m->SetTimestamp(0xa0b0c0d0);
  m->SetPayloadType(PayloadType(100));
  EXPECT_TRUE(m->view().marker());  // PT rewrite keeps M
  m->SetMarker(false);
  EXPECT_EQ(m->view().payload_type(), PayloadType(100));  // M rewrite keeps PT
  EXPECT_EQ(m->view().ssrc(), Ssrc(0x01020304));
  EXPECT_EQ(m->view().sequence_number(), SeqNum(0xfffe));
  EXPECT_EQ(m->view().timestamp(), 0xa0b0c0d0u);
  EXPECT_EQ(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 12),
            FromHex("9064fffe a0b0c0d0 01020304"));
  // Everything after the fixed header is untouched.
  EXPECT_TRUE(std::equal(bytes.begin() + 12, bytes.end(), original.begin() + 12));
  m->SetMarker(true);
  EXPECT_EQ(bytes[1], 0x80 | 100);
  m->SetPayloadType(PayloadType(0xff));  // masked to 7 bits, M kept
  EXPECT_EQ(bytes[1], 0xff);
}

TEST(RtpPacketMutableViewTest, RewritesExtensionDataAtTheSameSize) {
  auto bytes = FromHex(test::kChromiumOpusTwoByte);
  auto m = RtpPacketMutableView::Parse(bytes);
  ASSERT_TRUE(m.ok());
  // Renumber the transport-wide sequence number (id 20) as a forwarding SFU does.
  auto twcc = m->MutableExtension(20);
  ASSERT_EQ(twcc.size(), 2u);
  StoreBe16(twcc.data(), 0xbeef);
  auto reread = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(reread.ok());
  auto value = reread->FindExtension(20);
  ASSERT_TRUE(value);
  EXPECT_EQ(LoadBe16(value->data()), 0xbeef);
  EXPECT_TRUE(reread->Validate().ok());
  EXPECT_TRUE(m->MutableExtension(9).empty());
}

TEST(RtpPacketMutableViewTest, ParseErrorsAreTheViewErrors) {
  auto bytes = FromHex("40000001 00000002 00000003");
  auto m = RtpPacketMutableView::Parse(bytes);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::kMalformed);
  std::vector<uint8_t> tiny(5, 0x80);
  EXPECT_EQ(RtpPacketMutableView::Parse(tiny).error().code, ErrorCode::kTruncated);
}

TEST(RtpPacketMutableViewTest, RewriteAllocatesNothing) {
  auto bytes = FromHex(test::kChromiumOpusOneByte);
  test::AllocationScope allocs;
  for (uint32_t i = 0; i < 10000; ++i) {
    auto m = RtpPacketMutableView::Parse(bytes);
    if (!m.ok()) { ADD_FAILURE(); return; }
    m->SetSsrc(Ssrc(i));
    m->SetSequenceNumber(SeqNum(static_cast<uint16_t>(i)));
  }
  EXPECT_EQ(allocs.count(), 0u);
  EXPECT_EQ(LoadBe16(bytes.data() + 2), 9999);
}

}  // namespace
}  // namespace sluice
