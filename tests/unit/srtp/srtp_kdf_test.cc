#include "srtp/srtp_kdf.h"

#include <gtest/gtest.h>

#include <vector>

#include "srtp_test_util.h"

namespace sluice {
namespace {

using test::FromHex;

// RFC 3711 Appendix B.3, key derivation test vectors.
TEST(SrtpKdfTest, Rfc3711AppendixB3) {
  const auto master_key = FromHex("E1F97A0D3E018BE0D64FA32C06DE4139");
  const auto master_salt = FromHex("0EC675AD498AFEEBB6960B3AABE6");
  std::vector<uint8_t> out(16);
  ASSERT_TRUE(SrtpKdf(master_key, master_salt, SrtpKdfLabel::kRtpEncryption, out).ok());
  EXPECT_EQ(out, FromHex("C61E7A93744F39EE10734AFE3FF7A087"));
  out.resize(14);
  ASSERT_TRUE(SrtpKdf(master_key, master_salt, SrtpKdfLabel::kRtpSalt, out).ok());
  EXPECT_EQ(out, FromHex("30CBBC08863D8C85D49DB34A9AE1"));
  out.resize(20);
  ASSERT_TRUE(SrtpKdf(master_key, master_salt, SrtpKdfLabel::kRtpAuth, out).ok());
  EXPECT_EQ(out, FromHex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"));
}

TEST(SrtpKdfTest, SessionKeysUseEveryLabel) {
  const auto mk = FromHex("E1F97A0D3E018BE0D64FA32C06DE4139");
  const auto ms = FromHex("0EC675AD498AFEEBB6960B3AABE6");
  auto keys = SrtpKeys::Create(SrtpProfile::kAes128CmHmacSha1_80, mk, ms);
  SrtpSessionKeys sk;
  ASSERT_TRUE(DeriveSrtpSessionKeys(*keys, sk).ok());
  EXPECT_EQ(std::vector<uint8_t>(sk.rtp_key.begin(), sk.rtp_key.begin() + 16),
            FromHex("C61E7A93744F39EE10734AFE3FF7A087"));
  EXPECT_NE(sk.rtp_key, sk.rtcp_key);
  EXPECT_NE(sk.rtp_salt, sk.rtcp_salt);
  EXPECT_NE(sk.rtp_auth, sk.rtcp_auth);
  std::vector<uint8_t> rtcp_key(16);
  ASSERT_TRUE(SrtpKdf(mk, ms, SrtpKdfLabel::kRtcpEncryption, rtcp_key).ok());
  EXPECT_EQ(std::vector<uint8_t>(sk.rtcp_key.begin(), sk.rtcp_key.begin() + 16), rtcp_key);
}

TEST(SrtpKdfTest, GcmSaltIsZeroExtendedAnd96Bits) {
  const auto mk = FromHex("000102030405060708090a0b0c0d0e0f");
  const auto salt12 = FromHex("a0a1a2a3a4a5a6a7a8a9aaab");
  auto salt14 = salt12;
  salt14.push_back(0);
  salt14.push_back(0);
  auto keys = SrtpKeys::Create(SrtpProfile::kAeadAes128Gcm, mk, salt12);
  SrtpSessionKeys sk;
  ASSERT_TRUE(DeriveSrtpSessionKeys(*keys, sk).ok());
  std::vector<uint8_t> want(12);
  ASSERT_TRUE(SrtpKdf(mk, salt14, SrtpKdfLabel::kRtpSalt, want).ok());
  EXPECT_EQ(std::vector<uint8_t>(sk.rtp_salt.begin(), sk.rtp_salt.begin() + 12), want);
  EXPECT_EQ(sk.rtp_salt[12], 0);  // only 96 bits derived
  EXPECT_EQ(sk.rtp_auth, (std::array<uint8_t, 20>{}));  // AEAD: no auth key
}

TEST(SrtpKdfTest, RejectsBadLengths) {
  std::vector<uint8_t> k15(15), s14(14), s15(15), out(16);
  EXPECT_EQ(SrtpKdf(k15, s14, SrtpKdfLabel::kRtpEncryption, out).error().code,
            ErrorCode::kInvalidArgument);
  std::vector<uint8_t> k16(16);
  EXPECT_FALSE(SrtpKdf(k16, s15, SrtpKdfLabel::kRtpEncryption, out).ok());
}

}  // namespace
}  // namespace sluice
