// Record framing (dtls_record.h), the replay window (dtls_replay_window.h) and the TLS 1.2
// PRF (dtls_aead_keys.h).
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "dtls/dtls_aead_keys.h"
#include "dtls/dtls_record.h"
#include "dtls/dtls_replay_window.h"
#include "support/hex.h"

namespace sluice::dtls {
namespace {

TEST(DtlsRecordTest, HeaderRoundTripAndCutOff) {
  uint8_t buf[13 + 5] = {};
  WriteDtlsRecordHeader(buf, ContentType::kApplicationData, 1, 0x0000A1B2C3D4ULL, 5);
  auto r = ParseDtlsRecord(buf);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->type, 23);
  EXPECT_EQ(r->version, 0xFEFD);
  EXPECT_EQ(r->epoch, 1);
  EXPECT_EQ(r->sequence, 0xA1B2C3D4u);
  EXPECT_EQ(r->record.size(), 18u);
  EXPECT_EQ(r->fragment.size(), 5u);
  EXPECT_FALSE(ParseDtlsRecord(std::span<const uint8_t>(buf, 17)).has_value());
  EXPECT_FALSE(ParseDtlsRecord(std::span<const uint8_t>(buf, 12)).has_value());
  WriteDtlsRecordHeader(buf, ContentType::kAlert, 0xFFFF, kMaxDtlsSequence, 0);
  r = ParseDtlsRecord(std::span<const uint8_t>(buf, 13));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->sequence, kMaxDtlsSequence);
  EXPECT_EQ(r->epoch, 0xFFFF);
  EXPECT_TRUE(r->fragment.empty());
}

TEST(DtlsReplayWindowTest, SlidesAndRemembers) {
  using V = DtlsReplayWindow::Verdict;
  DtlsReplayWindow w;
  EXPECT_EQ(w.Check(5), V::kNew);
  w.Record(5);
  EXPECT_EQ(w.Check(5), V::kReplayed);
  EXPECT_EQ(w.Check(4), V::kNew);  // below the first, but within 64
  w.Record(100);
  EXPECT_EQ(w.Check(36), V::kTooOld);  // 100 - 64
  EXPECT_EQ(w.Check(37), V::kNew);     // the oldest the 64-record window still covers
  w.Record(40);
  EXPECT_EQ(w.Check(40), V::kReplayed);
  w.Record(103);  // shifts by 3: 100 and 40 stay remembered
  EXPECT_EQ(w.Check(100), V::kReplayed);
  EXPECT_EQ(w.Check(40), V::kReplayed);
  EXPECT_EQ(w.Check(101), V::kNew);
  w.Record(103 + 64);  // 103 falls out
  EXPECT_EQ(w.Check(103), V::kTooOld);
  w.Record(1000000);  // a jump clears everything
  EXPECT_EQ(w.Check(1000000 - 1), V::kNew);
  EXPECT_EQ(w.highest(), 1000000u);
}

// The widely used TLS 1.2 PRF (P_SHA256) test vector (IETF TLS WG, "TLS 1.2 PRF test vectors").
TEST(Tls12PrfTest, KnownAnswerSha256) {
  const auto secret = sluice::test::FromHex("9bbe436ba940f017b17652849a71db35");
  const auto seed = sluice::test::FromHex("a0ba9f936cda311827a6f796ffd5198c");
  const auto expected = sluice::test::FromHex(
      "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e"
      "14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5"
      "a72e5a5110fff70187347b66");
  std::vector<uint8_t> out(expected.size());
  ASSERT_TRUE(Tls12Prf(EVP_sha256(), secret, "test label", seed, out).ok());
  EXPECT_EQ(out, expected);
}

}  // namespace
}  // namespace sluice::dtls
