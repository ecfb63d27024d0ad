#include "srtp/srtp_profile.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace sluice {
namespace {

TEST(SrtpProfileTest, LengthsFollowTheRfcs) {
  const auto* cm = GetSrtpProfileInfo(SrtpProfile::kAes128CmHmacSha1_80);
  ASSERT_NE(cm, nullptr);
  EXPECT_EQ(cm->master_key_len, 16u);
  EXPECT_EQ(cm->master_salt_len, 14u);
  EXPECT_EQ(cm->rtp_tag_len, 10u);
  EXPECT_FALSE(cm->aead);
  const auto* g128 = GetSrtpProfileInfo(SrtpProfile::kAeadAes128Gcm);
  ASSERT_NE(g128, nullptr);
  EXPECT_EQ(g128->master_key_len, 16u);
  EXPECT_EQ(g128->master_salt_len, 12u);
  EXPECT_EQ(g128->rtp_tag_len, 16u);
  EXPECT_TRUE(g128->aead);
  const auto* g256 = GetSrtpProfileInfo(SrtpProfile::kAeadAes256Gcm);
  ASSERT_NE(g256, nullptr);
  EXPECT_EQ(g256->master_key_len, 32u);
  EXPECT_EQ(GetSrtpProfileInfo(static_cast<SrtpProfile>(0x0002)), nullptr);
}

TEST(SrtpProfileTest, DtlsIds) {
  EXPECT_EQ(SrtpProfileFromDtlsId(0x0001), SrtpProfile::kAes128CmHmacSha1_80);
  EXPECT_EQ(SrtpProfileFromDtlsId(0x0007), SrtpProfile::kAeadAes128Gcm);
  EXPECT_EQ(SrtpProfileFromDtlsId(0x0008), SrtpProfile::kAeadAes256Gcm);
  EXPECT_FALSE(SrtpProfileFromDtlsId(0x0002).has_value());  // SHA1_32: not supported
  EXPECT_FALSE(SrtpProfileFromDtlsId(0).has_value());
}

TEST(SrtpProfileTest, KeysCheckLengths) {
  std::vector<uint8_t> k16(16, 1), k32(32, 2), s12(12, 3), s14(14, 4);
  EXPECT_TRUE(SrtpKeys::Create(SrtpProfile::kAeadAes128Gcm, k16, s12).ok());
  EXPECT_TRUE(SrtpKeys::Create(SrtpProfile::kAeadAes256Gcm, k32, s12).ok());
  EXPECT_TRUE(SrtpKeys::Create(SrtpProfile::kAes128CmHmacSha1_80, k16, s14).ok());
  auto bad_key = SrtpKeys::Create(SrtpProfile::kAeadAes256Gcm, k16, s12);
  ASSERT_FALSE(bad_key.ok());
  EXPECT_EQ(bad_key.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(SrtpKeys::Create(SrtpProfile::kAeadAes128Gcm, k16, s14).ok());
  EXPECT_FALSE(SrtpKeys::Create(SrtpProfile::kAes128CmHmacSha1_80, k16, s12).ok());
  EXPECT_FALSE(SrtpKeys::Create(static_cast<SrtpProfile>(9), k16, s12).ok());
  auto k = SrtpKeys::Create(SrtpProfile::kAeadAes256Gcm, k32, s12);
  EXPECT_EQ(k->key().size(), 32u);
  EXPECT_EQ(k->salt().size(), 12u);
  EXPECT_EQ(k->key()[31], 2);
}

}  // namespace
}  // namespace sluice
