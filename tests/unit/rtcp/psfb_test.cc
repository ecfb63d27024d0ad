#include <gtest/gtest.h>

#include <vector>

#include "rtcp/fir.h"
#include "rtcp/pli.h"
#include "rtcp/remb.h"
#include "rtcp/rtcp_compound.h"
#include "rtcp_test_packets.h"

namespace sluice {
namespace {

using test::Bytes;

TEST(PliTest, FirefoxPliRoundTrip) {
  const auto all = Bytes(test::kFirefoxRrSdesByePliRrr);
  const auto bytes = std::vector<uint8_t>(all.begin() + 92, all.begin() + 104);
  auto pli = PliView::Parse(bytes);
  ASSERT_TRUE(pli.ok());
  EXPECT_EQ(pli->sender_ssrc(), Ssrc(0x902f9e2e));
  EXPECT_EQ(pli->media_ssrc(), Ssrc(0x902f9e2e));
  const Pli plain = Pli::FromView(*pli);
  std::vector<uint8_t> out(plain.SerializedSize());
  ASSERT_TRUE(plain.SerializeTo(out).ok());
  EXPECT_EQ(out, bytes);
}

TEST(PliTest, ChromiumReducedSizePli) {
  const auto bytes = Bytes(test::kChromiumPli);
  EXPECT_EQ(ValidateRtcpCompound(bytes, RtcpCompoundRule::kReducedSizeAllowed).value(), 1u);
  EXPECT_FALSE(ValidateRtcpCompound(bytes, RtcpCompoundRule::kStrict).ok());
  auto pli = PliView::Parse(bytes);
  ASSERT_TRUE(pli.ok());
  EXPECT_EQ(pli->sender_ssrc(), Ssrc(1));
  EXPECT_EQ(pli->media_ssrc(), Ssrc(0x024cc827));
}

TEST(PliTest, Malformed) {
  EXPECT_EQ(PliView::Parse(Bytes("81ce0001 00000001")).error().code, ErrorCode::kTruncated);
  // RFC 4585 §6.3.1.2: "there MUST NOT be any Feedback Control Information".
  EXPECT_EQ(PliView::Parse(Bytes("81ce0003 00000001 00000002 00000003")).error().code,
            ErrorCode::kMalformed);
}

TEST(FirTest, ParseAndRoundTrip) {
  // RFC 5104 §4.3.1: media SSRC 0, two FCI entries, reserved bits zero.
  const auto bytes = Bytes("84ce0006 00000001 00000000 0000abcd 07000000 0000abce 08000000");
  auto fir = FirView::Parse(bytes);
  ASSERT_TRUE(fir.ok());
  EXPECT_EQ(fir->sender_ssrc(), Ssrc(1));
  ASSERT_EQ(fir->entry_count(), 2u);
  EXPECT_EQ(fir->entry(0), (FirEntry{Ssrc(0xabcd), 7}));
  EXPECT_EQ(fir->entry(1), (FirEntry{Ssrc(0xabce), 8}));
  auto plain = Fir::FromView(*fir);
  ASSERT_TRUE(plain.ok());
  std::vector<uint8_t> out(plain->SerializedSize());
  ASSERT_TRUE(plain->SerializeTo(out).ok());
  EXPECT_EQ(out, bytes);
}

TEST(FirTest, ReservedBitsIgnoredOnReceiveZeroedOnSend) {
  const auto bytes = Bytes("84ce0004 00000001 00000000 0000abcd 07ffffff");
  auto fir = FirView::Parse(bytes);
  ASSERT_TRUE(fir.ok());
  auto plain = Fir::FromView(*fir);
  std::vector<uint8_t> out(plain->SerializedSize());
  ASSERT_TRUE(plain->SerializeTo(out).ok());
  EXPECT_EQ(out, Bytes("84ce0004 00000001 00000000 0000abcd 07000000"));
}

TEST(FirTest, Malformed) {
  EXPECT_EQ(FirView::Parse(Bytes("84ce0002 00000001 00000000")).error().code,
            ErrorCode::kMalformed);  // no entry
  EXPECT_EQ(FirView::Parse(Bytes("84ce0003 00000001 00000000 0000abcd")).error().code,
            ErrorCode::kMalformed);  // half an entry
  EXPECT_EQ(FirView::Parse(Bytes("84ce0000")).error().code, ErrorCode::kTruncated);
  Fir empty;
  std::vector<uint8_t> out(64);
  EXPECT_EQ(empty.SerializeTo(out).error().code, ErrorCode::kInvalidArgument);
}

TEST(RembTest, ChromiumRemb) {
  const auto bytes = Bytes(test::kChromiumRrRembXr);
  RtcpCompoundIterator it(bytes);
  it.Next();
  auto packet = it.Next();
  ASSERT_TRUE(packet);
  auto remb = packet->As<RembView>();
  ASSERT_TRUE(remb.ok());
  EXPECT_EQ(remb->sender_ssrc(), Ssrc(1));
  EXPECT_EQ(remb->media_ssrc(), Ssrc(0));
  EXPECT_EQ(remb->bitrate_bps(), 0x2c7d9ull << 4);
  ASSERT_EQ(remb->ssrc_count(), 1u);
  EXPECT_EQ(remb->ssrc(0), Ssrc(0xc9c0d697));
  // Canonical: Chromium normalises the mantissa the way we do.
  const Ssrc ssrcs[] = {remb->ssrc(0)};
  Remb plain{remb->sender_ssrc(), remb->bitrate_bps(), ssrcs};
  std::vector<uint8_t> out(plain.SerializedSize());
  ASSERT_TRUE(plain.SerializeTo(out).ok());
  EXPECT_TRUE(std::equal(out.begin(), out.end(), packet->bytes().begin()));
}

TEST(RembTest, ChromiumRembTwoSsrcs) {
  const auto bytes = Bytes(test::kChromiumRr2RembXr);
  RtcpCompoundIterator it(bytes);
  it.Next();
  auto remb = it.Next()->As<RembView>();
  ASSERT_TRUE(remb.ok());
  ASSERT_EQ(remb->ssrc_count(), 2u);
  EXPECT_EQ(remb->ssrc(1), Ssrc(0xd9092421));
}

TEST(RembTest, BitrateEncodingRoundTrips) {
  for (uint64_t bps : {0ull, 1ull, 262143ull, 262144ull, 1000000ull, 2500000000ull,
                       (0x3ffffull << 46)}) {
    Remb remb{Ssrc(1), bps, {}};
    std::vector<uint8_t> out(remb.SerializedSize());
    ASSERT_TRUE(remb.SerializeTo(out).ok());
    auto view = RembView::Parse(out);
    ASSERT_TRUE(view.ok());
    // Rounded down to 18 significant bits.
    uint64_t expected = bps;
    int shift = 0;
    while ((expected >> shift) >= (1u << 18)) ++shift;
    expected = (expected >> shift) << shift;
    EXPECT_EQ(view->bitrate_bps(), expected) << bps;
  }
}

TEST(RembTest, Malformed) {
  // SSRC count says 2, one present.
  EXPECT_EQ(RembView::Parse(Bytes("8fce0005 00000001 00000000 52454d42 0212c7d9 c9c0d697"))
                .error()
                .code,
            ErrorCode::kMalformed);
  // Too short for num/exp/mantissa (still classified REMB by its identifier).
  EXPECT_EQ(RembView::Parse(Bytes("8fce0003 00000001 00000000 52454d42")).error().code,
            ErrorCode::kTruncated);
  // Exponent 63 with a large mantissa overflows 64 bits.
  EXPECT_EQ(RembView::Parse(Bytes("8fce0004 00000001 00000000 52454d42 00ffffff")).error().code,
            ErrorCode::kMalformed);
}

}  // namespace
}  // namespace sluice
