#include "rtp/rtp_packet.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <vector>

#include "rtp_test_packets.h"
#include "support/alloc_counter.h"

namespace sluice {
namespace {

using test::FromHex;

static_assert(std::forward_iterator<RtpCsrcList::Iterator>);

TEST(RtpPacketViewTest, ParsesMinimalHeader) {
  // RFC 3550 §5.1: V=2, no P/X/CC, M=0, PT 0 (PCMU), seq 1, ts 160, SSRC 0xdeadbeef.
  const auto bytes = FromHex("80000001 000000a0 deadbeef 01020304");
  auto p = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->version(), 2);
  EXPECT_FALSE(p->has_padding());
  EXPECT_FALSE(p->has_extension());
  EXPECT_FALSE(p->marker());
  EXPECT_EQ(p->payload_type(), PayloadType(0));
  EXPECT_EQ(p->sequence_number(), SeqNum(1));
  EXPECT_EQ(p->timestamp(), 160u);
  EXPECT_EQ(p->ssrc(), Ssrc(0xdeadbeef));
  EXPECT_EQ(p->csrc_count(), 0u);
  EXPECT_TRUE(p->csrcs().empty());
  EXPECT_EQ(p->header_size(), 12u);
  EXPECT_EQ(p->padding_size(), 0u);
  EXPECT_EQ(p->extension_profile(), 0);
  EXPECT_TRUE(p->extension_data().empty());
  ASSERT_EQ(p->payload().size(), 4u);
  EXPECT_EQ(p->payload()[0], 1);
  EXPECT_EQ(p->payload()[3], 4);
  EXPECT_TRUE(p->Validate().ok());
}

TEST(RtpPacketViewTest, HeaderOnlyPacketHasEmptyPayload) {
  const auto bytes = FromHex("80e0ffff ffffffff 00000001");
  auto p = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->payload().empty());
  EXPECT_TRUE(p->marker());
  EXPECT_EQ(p->payload_type(), PayloadType(96));
  EXPECT_EQ(p->sequence_number(), SeqNum(0xffff));
  EXPECT_EQ(p->timestamp(), 0xffffffffu);
}

TEST(RtpPacketViewTest, ChromiumOpusWithOneByteExtensions) {
  const auto bytes = FromHex(test::kChromiumOpusOneByte);
  ASSERT_EQ(bytes.size(), 70u);
  auto p = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE(p->marker());
  EXPECT_EQ(p->payload_type(), PayloadType(111));
  EXPECT_EQ(p->sequence_number(), SeqNum(0x6cbb));
  EXPECT_EQ(p->timestamp(), 0x3455ff5au);
  EXPECT_EQ(p->ssrc(), Ssrc(0x52948204));
  EXPECT_EQ(p->extension_profile(), kRtpOneByteExtensionProfile);
  EXPECT_EQ(p->extension_data().size(), 12u);
  EXPECT_EQ(p->header_size(), 28u);
  EXPECT_EQ(p->payload().size(), 42u);
  EXPECT_EQ(p->payload()[0], 0x44);
  EXPECT_TRUE(p->Validate().ok());

  auto abs_send_time = p->FindExtension(2);
  ASSERT_TRUE(abs_send_time);
  EXPECT_EQ(std::vector<uint8_t>(abs_send_time->begin(), abs_send_time->end()),
            FromHex("58dba4"));
  auto twcc = p->FindExtension(3);
  ASSERT_TRUE(twcc);
  EXPECT_EQ(std::vector<uint8_t>(twcc->begin(), twcc->end()), FromHex("0001"));
  auto mid = p->FindExtension(4);
  ASSERT_TRUE(mid && mid->size() == 1);
  EXPECT_EQ((*mid)[0], '0');
  auto level = p->FindExtension(1);
  ASSERT_TRUE(level && level->size() == 1);
  EXPECT_EQ((*level)[0], 0xff);  // RFC 6464: V=1, level 127 dBov
  EXPECT_FALSE(p->FindExtension(5));
}

TEST(RtpPacketViewTest, ChromiumOpusWithTwoByteExtensions) {
  const auto bytes = FromHex(test::kChromiumOpusTwoByte);
  ASSERT_EQ(bytes.size(), 74u);
  auto p = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->payload_type(), PayloadType(111));
  EXPECT_EQ(p->ssrc(), Ssrc(0x069c0085));
  EXPECT_EQ(p->extension_profile(), 0x1000);
  EXPECT_EQ(p->extensions().form(), RtpExtensionForm::kTwoByte);
  EXPECT_EQ(p->extensions().appbits(), 0);
  EXPECT_EQ(p->header_size(), 32u);
  EXPECT_EQ(p->payload().size(), 42u);
  auto twcc = p->FindExtension(20);
  ASSERT_TRUE(twcc);
  EXPECT_EQ(std::vector<uint8_t>(twcc->begin(), twcc->end()), FromHex("0001"));
  EXPECT_TRUE(p->Validate().ok());
}

TEST(RtpPacketViewTest, EveryCapturedChromiumPacketParsesAndValidates) {
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SLUICE_RTP_CORPUS_DIR)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("chromium_", 0) != 0) continue;
    const auto bytes = test::LoadCorpusFile(name);
    auto p = RtpPacketView::Parse(bytes);
    ASSERT_TRUE(p.ok()) << name << ": " << p.error().message;
    EXPECT_TRUE(p->Validate().ok()) << name;
    EXPECT_TRUE(p->has_extension()) << name;
    // Every Chromium packet carries abs-send-time as id 2 (3 bytes).
    auto ast = p->FindExtension(2);
    ASSERT_TRUE(ast) << name;
    EXPECT_EQ(ast->size(), 3u) << name;
    ++files;
  }
  EXPECT_GE(files, 12u);
}

TEST(RtpPacketViewTest, ChromiumVideoWithSixOneByteElements) {
  // RTX (PT 119) carrying: 2 abs-send-time, 13 video-orientation, 3 transport-cc,
  // 7 video-timing (13 bytes), 8 color-space (4 bytes), 4 mid.
  const auto bytes = test::LoadCorpusFile("chromium_video_rtx_1byte_six_elements.bin");
  auto p = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->payload_type(), PayloadType(119));
  std::vector<std::pair<int, size_t>> seen;
  for (const RtpExtensionElement& e : p->extensions()) seen.emplace_back(e.id, e.data.size());
  EXPECT_EQ(seen, (std::vector<std::pair<int, size_t>>{
                      {2, 3}, {13, 1}, {3, 2}, {7, 13}, {8, 4}, {4, 1}}));
}

TEST(RtpPacketViewTest, ParsesCsrcs) {
  const auto bytes = FromHex("82080010 00000001 11111111 22222222 33333333 aabb");
  auto p = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->csrc_count(), 2u);
  EXPECT_EQ(p->csrcs()[0], Ssrc(0x22222222));
  EXPECT_EQ(p->csrcs()[1], Ssrc(0x33333333));
  std::vector<Ssrc> all(p->csrcs().begin(), p->csrcs().end());
  EXPECT_EQ(all, (std::vector<Ssrc>{Ssrc(0x22222222), Ssrc(0x33333333)}));
  EXPECT_EQ(p->header_size(), 20u);
  EXPECT_EQ(p->payload().size(), 2u);
}

TEST(RtpPacketViewTest, ParsesPadding) {
  // Payload "ab", then 3 octets of padding whose last octet counts all 3 (RFC 3550 §5.1).
  const auto bytes = FromHex("a0000001 00000002 00000003 ab 0000 03");
  auto p = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->has_padding());
  EXPECT_EQ(p->padding_size(), 3u);
  ASSERT_EQ(p->payload().size(), 1u);
  EXPECT_EQ(p->payload()[0], 0xab);
}

TEST(RtpPacketViewTest, PaddingMayFillTheWholePayload) {
  const auto bytes = FromHex("a0000001 00000002 00000003 00000004");
  auto p = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->padding_size(), 4u);
  EXPECT_TRUE(p->payload().empty());
}

TEST(RtpPacketViewTest, RejectsPaddingCountOfZero) {
  auto p = RtpPacketView::Parse(FromHex("a0000001 00000002 00000003 ab00"));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::kMalformed);
}

TEST(RtpPacketViewTest, RejectsPaddingLargerThanPayload) {
  auto p = RtpPacketView::Parse(FromHex("a0000001 00000002 00000003 ab05"));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::kMalformed);
  // The padding may not reach back into the header either (header-only packet with P set:
  // the count octet would be the last SSRC octet).
  auto q = RtpPacketView::Parse(FromHex("a0000001 00000002 00000001"));
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, ErrorCode::kMalformed);
  // Padding reaching into the extension block.
  auto r = RtpPacketView::Parse(FromHex("b0000001 00000002 00000003 bede0001 10ff0000 09"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
}

TEST(RtpPacketViewTest, RejectsVersionOtherThanTwo) {
  for (uint8_t first : {0x00, 0x40, 0xc0}) {
    auto bytes = FromHex("80000001 00000002 00000003");
    bytes[0] = first;
    auto p = RtpPacketView::Parse(bytes);
    ASSERT_FALSE(p.ok()) << int{first};
    EXPECT_EQ(p.error().code, ErrorCode::kMalformed);
  }
}

TEST(RtpPacketViewTest, RejectsShorterThanFixedHeader) {
  const auto bytes = FromHex("80000001 00000002 00000003");
  for (size_t n = 0; n < 12; ++n) {
    auto p = RtpPacketView::Parse(std::span<const uint8_t>(bytes).first(n));
    ASSERT_FALSE(p.ok()) << n;
    EXPECT_EQ(p.error().code, ErrorCode::kTruncated);
  }
}

TEST(RtpPacketViewTest, TruncatedAtEveryLengthNeverReadsPastTheEnd) {
  // CC=2, X=1 (one-byte, 2 words), payload 5 bytes. Every prefix shorter than the header
  // fails as truncated; every longer prefix parses with the payload cut short. Each prefix is
  // copied into its own exact-size heap block so that ASan flags any overread.
  const auto full = FromHex(
      "92600102 00000003 00000004 0000000a 0000000b bede0002 10ff2201 02030000 0102030405");
  const size_t header = 12 + 8 + 4 + 8;
  ASSERT_TRUE(RtpPacketView::Parse(full).ok());
  for (size_t n = 0; n <= full.size(); ++n) {
    std::vector<uint8_t> prefix(full.begin(), full.begin() + static_cast<ptrdiff_t>(n));
    auto p = RtpPacketView::Parse(prefix);
    if (n < header) {
      ASSERT_FALSE(p.ok()) << n;
      EXPECT_EQ(p.error().code, ErrorCode::kTruncated) << n;
    } else {
      ASSERT_TRUE(p.ok()) << n;
      EXPECT_EQ(p->header_size(), header);
      EXPECT_EQ(p->payload().size(), n - header);
      EXPECT_TRUE(p->Validate().ok());
    }
  }
}

TEST(RtpPacketViewTest, RejectsCsrcListPastTheEnd) {
  // CC=15 announces 60 bytes of CSRCs; only 8 are present.
  auto p = RtpPacketView::Parse(FromHex("8f000001 00000002 00000003 11111111 22222222"));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::kTruncated);
}

TEST(RtpPacketViewTest, RejectsExtensionHeaderPastTheEnd) {
  auto p = RtpPacketView::Parse(FromHex("90000001 00000002 00000003 bede00"));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::kTruncated);
  auto q = RtpPacketView::Parse(FromHex("90000001 00000002 00000003"));
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, ErrorCode::kTruncated);
}

TEST(RtpPacketViewTest, RejectsLyingExtensionLength) {
  // Length 0xffff words: the block would end 262140 bytes later.
  auto p = RtpPacketView::Parse(FromHex("90000001 00000002 00000003 bedeffff 10ff0000 aabbccdd"));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::kTruncated);
  // Off by one word.
  auto q = RtpPacketView::Parse(FromHex("90000001 00000002 00000003 bede0002 10ff0000"));
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, ErrorCode::kTruncated);
}

TEST(RtpPacketViewTest, ZeroLengthExtensionIsValid) {
  // RFC 3550 §5.3.1: "(therefore zero is a valid length)".
  const auto bytes = FromHex("90000001 00000002 00000003 bede0000 ff");
  auto p = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->header_size(), 16u);
  EXPECT_EQ(p->extension_profile(), kRtpOneByteExtensionProfile);
  EXPECT_TRUE(p->extension_data().empty());
  EXPECT_EQ(p->extensions().begin(), std::default_sentinel);
  EXPECT_EQ(p->payload().size(), 1u);
  EXPECT_TRUE(p->Validate().ok());
}

TEST(RtpPacketViewTest, OpaqueExtensionProfileIsExposedRaw) {
  const auto bytes = FromHex("90000001 00000002 00000003 abcd0001 01020304 ee");
  auto p = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->extension_profile(), 0xabcd);
  EXPECT_EQ(p->extensions().form(), RtpExtensionForm::kOther);
  ASSERT_EQ(p->extension_data().size(), 4u);
  EXPECT_EQ(p->extension_data()[0], 1);
  EXPECT_FALSE(p->FindExtension(1));
  EXPECT_TRUE(p->Validate().ok());
}

TEST(RtpPacketViewTest, ValidateRejectsRtcpPayloadTypes) {
  // RFC 5761 §4: PT 72-76 with M=1 is the RTCP packet type octet 200-204.
  for (int pt = 70; pt <= 78; ++pt) {
    auto bytes = FromHex("80000001 00000002 00000003");
    bytes[1] = static_cast<uint8_t>(0x80 | pt);
    auto p = RtpPacketView::Parse(bytes);
    ASSERT_TRUE(p.ok()) << pt;  // Parse stays minimal
    EXPECT_EQ(p->Validate().ok(), pt < 72 || pt > 76) << pt;
  }
}

TEST(RtpPacketViewTest, ValidateRejectsMalformedExtensionElements) {
  struct Case {
    const char* hex;
    ErrorCode code;
  };
  const Case cases[] = {
      // One-byte id 15 (RFC 8285 §4.2).
      {"90000001 00000002 00000003 bede0001 10aaf000", ErrorCode::kMalformed},
      // One-byte 0x05: id 0 with a length is not a padding byte.
      {"90000001 00000002 00000003 bede0001 05aabbcc", ErrorCode::kMalformed},
      // One-byte element of 4 data bytes with only 3 left in the block.
      {"90000001 00000002 00000003 bede0001 33aabbcc", ErrorCode::kTruncated},
      // Two-byte element of 3 data bytes with only 2 left.
      {"90000001 00000002 00000003 10000001 0503aabb", ErrorCode::kTruncated},
      // Two-byte id as the last byte, no length octet.
      {"90000001 00000002 00000003 10000001 01010007", ErrorCode::kTruncated},
  };
  for (const Case& c : cases) {
    const auto bytes = FromHex(c.hex);
    auto p = RtpPacketView::Parse(bytes);
    ASSERT_TRUE(p.ok()) << c.hex;
    auto v = p->Validate();
    ASSERT_FALSE(v.ok()) << c.hex;
    EXPECT_EQ(v.error().code, c.code) << c.hex;
  }
}

TEST(RtpPacketViewTest, ParseAllocatesNothing) {
  const auto bytes = FromHex(test::kChromiumOpusOneByte);
  uint64_t sum = 0;
  test::AllocationScope allocs;
  for (int i = 0; i < 10000; ++i) {
    auto p = RtpPacketView::Parse(bytes);
    if (!p.ok() || !p->Validate().ok()) { ADD_FAILURE(); return; }
    for (const RtpExtensionElement& e : p->extensions()) sum += e.id;
    sum += p->ssrc().value() + p->payload().size();
  }
  EXPECT_EQ(allocs.count(), 0u);
  EXPECT_NE(sum, 0u);
}

}  // namespace
}  // namespace sluice
