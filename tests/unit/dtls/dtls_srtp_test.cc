#include "dtls/dtls_srtp.h"

#include <gtest/gtest.h>

#include <vector>

namespace sluice::dtls {
namespace {

std::vector<uint8_t> V(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

TEST(DtlsSrtpTest, ProfileSizesFollowRfc5764AndRfc7714) {
  EXPECT_EQ(SrtpMasterKeySize(SrtpProfile::kAes128CmSha1_80), 16u);
  EXPECT_EQ(SrtpMasterSaltSize(SrtpProfile::kAes128CmSha1_80), 14u);
  EXPECT_EQ(SrtpMasterKeySize(SrtpProfile::kAeadAes128Gcm), 16u);
  EXPECT_EQ(SrtpMasterSaltSize(SrtpProfile::kAeadAes128Gcm), 12u);
  EXPECT_EQ(SrtpMasterKeySize(SrtpProfile::kAeadAes256Gcm), 32u);
  EXPECT_EQ(SrtpMasterSaltSize(SrtpProfile::kAeadAes256Gcm), 12u);
  EXPECT_EQ(SrtpMasterKeySize(SrtpProfile::kNone), 0u);
  EXPECT_EQ(static_cast<uint16_t>(SrtpProfile::kAeadAes128Gcm), 0x0007);
  EXPECT_STREQ(SrtpProfileName(SrtpProfile::kAeadAes256Gcm), "SRTP_AEAD_AES_256_GCM");
}

TEST(DtlsSrtpTest, SplitsExporterOutputInRfc5764Order) {
  // 2 * (16 + 14) = 60 bytes: 0..15 client key, 16..31 server key, 32..45 client salt,
  // 46..59 server salt.
  std::vector<uint8_t> exported(60);
  for (size_t i = 0; i < exported.size(); ++i) exported[i] = static_cast<uint8_t>(i);
  auto m = SrtpKeyingMaterial::FromExported(SrtpProfile::kAes128CmSha1_80, true, exported);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(V(m->local_key()), std::vector<uint8_t>(exported.begin(), exported.begin() + 16));
  EXPECT_EQ(V(m->remote_key()),
            std::vector<uint8_t>(exported.begin() + 16, exported.begin() + 32));
  EXPECT_EQ(V(m->local_salt()),
            std::vector<uint8_t>(exported.begin() + 32, exported.begin() + 46));
  EXPECT_EQ(V(m->remote_salt()), std::vector<uint8_t>(exported.begin() + 46, exported.end()));

  auto server = SrtpKeyingMaterial::FromExported(SrtpProfile::kAes128CmSha1_80, false, exported);
  EXPECT_EQ(V(server->local_key()), V(m->remote_key()));
  EXPECT_EQ(V(server->local_salt()), V(m->remote_salt()));
  EXPECT_EQ(V(server->remote_key()), V(m->local_key()));
}

TEST(DtlsSrtpTest, Aes256GcmLayout) {
  std::vector<uint8_t> exported(88);
  for (size_t i = 0; i < exported.size(); ++i) exported[i] = static_cast<uint8_t>(200 - i);
  auto m = SrtpKeyingMaterial::FromExported(SrtpProfile::kAeadAes256Gcm, false, exported).value();
  EXPECT_EQ(m.local_key().size(), 32u);
  EXPECT_EQ(m.local_key()[0], exported[32]);  // server key
  EXPECT_EQ(m.remote_salt()[0], exported[64]);  // client salt
  EXPECT_EQ(m.local_salt()[11], exported[87]);
}

TEST(DtlsSrtpTest, RejectsWrongSizes) {
  std::vector<uint8_t> exported(59);
  EXPECT_EQ(SrtpKeyingMaterial::FromExported(SrtpProfile::kAes128CmSha1_80, true, exported)
                .error()
                .code,
            ErrorCode::kInvalidArgument);
  exported.resize(61);
  EXPECT_FALSE(SrtpKeyingMaterial::FromExported(SrtpProfile::kAes128CmSha1_80, true, exported));
  EXPECT_FALSE(SrtpKeyingMaterial::FromExported(SrtpProfile::kNone, true, {}));
}

}  // namespace
}  // namespace sluice::dtls
