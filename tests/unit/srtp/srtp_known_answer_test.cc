// Known-answer tests against published packets:
//  - a real SRTP_AES128_CM_HMAC_SHA1_80 capture from Chrome (Opus with RFC 8285 one-byte header
//    extensions, and an SR+SDES compound SRTCP packet), with its master key, as published in the
//    test suite of the rlib project (ieei/rlib, test/rsrtp);
//  - RFC 7714 §16.1 (SRTP) and §17.1 (SRTCP) AEAD_AES_128_GCM vectors, which give session keys.
#include <gtest/gtest.h>

#include <vector>

#include "srtp/srtp_backend.h"
#include "srtp/srtp_session.h"
#include "srtp_test_util.h"

namespace sluice {
namespace {

using test::FromHex;

const char kChromeMasterKeySalt[] = "3c39a85c2df05e527e7912ba60c525fe29f797d9daa31760df34b95f87d3";
const char kChromeSrtp[] =
    "90ef41cd5550be52b476823abede00023254e1e110aa0000d73ef00e5aef6695"
    "249930b099d6d1351022d830b14530c9496fdcd68031fe298d6d56a9a393a510"
    "898957b8bf8cb35f0ce7c0898d993aaabdc1bd7f5ad1ec9a26d8310a20a1cf6a"
    "08d23e15cf0efbdbe164497e9a";
const char kChromeRtp[] =
    "90ef41cd5550be52b476823abede00023254e1e110aa000078039cdb17916be3"
    "b1020af1a556e1c4f02df01c90160f342ec234ab93fcf9de7f94b310af10f323"
    "3bced79f55a07033629a72e928cd40a5ae61caa1f6727c10ce6ed6d98716b1e8"
    "226628";
const char kChromeSrtcp[] =
    "80c80006b476823a479bb79d9e0915ca10804320327d42d9c949e86b1fd178e2"
    "d7c37e3b236d4b9996815a7dbb1817f8573ee43a02ceb624800000016589e9de"
    "210161b5debe";
const char kChromeRtcp[] =
    "80c80006b476823adc2327b2ac348f545550cd92000000050000017581ca0006"
    "b476823a01106365694e4c6d793656485345354a61370000";

SrtpKeys ChromeKeys() {
  const auto ks = FromHex(kChromeMasterKeySalt);
  return *SrtpKeys::Create(SrtpProfile::kAes128CmHmacSha1_80,
                           std::span<const uint8_t>(ks).first(16),
                           std::span<const uint8_t>(ks).subspan(16));
}

class ChromeCaptureTest : public ::testing::TestWithParam<SrtpBackendKind> {
 protected:
  std::unique_ptr<SrtpSession> Make(SrtpDirection d) {
    SrtpSessionOptions o;
    o.backend = GetParam();
    return std::move(*SrtpSession::Create(ChromeKeys(), d, o));
  }
};

TEST_P(ChromeCaptureTest, UnprotectsCapturedSrtp) {
  auto in = Make(SrtpDirection::kInbound);
  auto pkt = FromHex(kChromeSrtp);
  auto n = in->UnprotectRtp(pkt);
  ASSERT_TRUE(n.ok()) << n.error().message;
  pkt.resize(*n);
  EXPECT_EQ(pkt, FromHex(kChromeRtp));
  auto again = FromHex(kChromeSrtp);
  EXPECT_FALSE(in->UnprotectRtp(again).ok());  // replay
  EXPECT_EQ(in->stats().replays, 1u);
}

TEST_P(ChromeCaptureTest, ProtectReproducesCapturedSrtp) {
  auto out = Make(SrtpDirection::kOutbound);
  auto pkt = FromHex(kChromeRtp);
  const size_t len = pkt.size();
  pkt.resize(len + kMaxSrtpTrailerLen);
  auto n = out->ProtectRtp(pkt, len);
  ASSERT_TRUE(n.ok());
  pkt.resize(*n);
  EXPECT_EQ(pkt, FromHex(kChromeSrtp));
}

// Chrome's (libsrtp's) first SRTCP index is 1: the capture carries 0x80000001.
TEST_P(ChromeCaptureTest, SrtcpBothWays) {
  auto in = Make(SrtpDirection::kInbound);
  auto pkt = FromHex(kChromeSrtcp);
  auto n = in->UnprotectRtcp(pkt);
  ASSERT_TRUE(n.ok()) << n.error().message;
  pkt.resize(*n);
  EXPECT_EQ(pkt, FromHex(kChromeRtcp));

  auto out = Make(SrtpDirection::kOutbound);
  auto plain = FromHex(kChromeRtcp);
  const size_t len = plain.size();
  plain.resize(len + kMaxSrtpTrailerLen);
  auto m = out->ProtectRtcp(plain, len);
  ASSERT_TRUE(m.ok());
  plain.resize(*m);
  EXPECT_EQ(plain, FromHex(kChromeSrtcp));
}

INSTANTIATE_TEST_SUITE_P(BothBackends, ChromeCaptureTest,
                         ::testing::Values(SrtpBackendKind::kOpenssl, SrtpBackendKind::kLibsrtp),
                         [](const auto& info) {
                           return info.param == SrtpBackendKind::kOpenssl ? "Ours" : "Libsrtp";
                         });

// RFC 7714 §16: key 000102...0f, salt "Quid pro quo", used for SRTP and SRTCP alike.
std::unique_ptr<SrtpBackend> Rfc7714Backend(SrtpDirection d) {
  SrtpSessionKeys sk;
  const auto key = FromHex("000102030405060708090a0b0c0d0e0f");
  const auto salt = FromHex("517569642070726f2071756f");
  std::copy(key.begin(), key.end(), sk.rtp_key.begin());
  std::copy(key.begin(), key.end(), sk.rtcp_key.begin());
  std::copy(salt.begin(), salt.end(), sk.rtp_salt.begin());
  std::copy(salt.begin(), salt.end(), sk.rtcp_salt.begin());
  return std::move(
      *CreateOpensslSrtpBackendWithSessionKeys(SrtpProfile::kAeadAes128Gcm, sk, d, {}));
}

const char kRfc7714Rtp[] =
    "8040f17b8041f8d35501a0b247616c6c69612065737420"
    "6f6d6e697320646976697361 20696e2070617274657320747265 73";
const char kRfc7714Srtp[] =
    "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd5"
    "0d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee439"
    "0cce";

// RFC 7714 §16.1.1 and §16.1.2.
TEST(Rfc7714Test, SrtpEncryptAndDecrypt) {
  auto out = Rfc7714Backend(SrtpDirection::kOutbound);
  auto pkt = FromHex(kRfc7714Rtp);
  ASSERT_EQ(pkt.size(), 50u);
  const size_t len = pkt.size();
  pkt.resize(len + 16);
  ASSERT_EQ(out->ProtectRtp({pkt.data(), len, 12, 0x5501a0b2, 0xf17b}), SrtpStatus::kOk);
  EXPECT_EQ(pkt, FromHex(kRfc7714Srtp));

  auto in = Rfc7714Backend(SrtpDirection::kInbound);
  auto wire = FromHex(kRfc7714Srtp);
  auto bad = wire;
  bad[20] ^= 1;
  EXPECT_EQ(in->UnprotectRtp({bad.data(), bad.size(), 12, 0x5501a0b2, 0xf17b}),
            SrtpStatus::kAuthFailed);
  ASSERT_EQ(in->UnprotectRtp({wire.data(), wire.size(), 12, 0x5501a0b2, 0xf17b}), SrtpStatus::kOk);
  wire.resize(50);
  EXPECT_EQ(wire, FromHex(kRfc7714Rtp));
}

// RFC 7714 §17.1: SRTCP, SRTCP index 0x5d4, E = 1.
TEST(Rfc7714Test, SrtcpDecrypt) {
  const auto plain = FromHex(
      "81c8000d4d6172734e5450314e54503252545020 0000042a0000e9304c756e61"
      "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef");
  auto wire = FromHex(
      "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32d"
      "c676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf872"
      "45d9eade800005d4");
  auto in = Rfc7714Backend(SrtpDirection::kInbound);
  auto wrong_index = wire;
  EXPECT_EQ(in->UnprotectRtcp({wrong_index.data(), wrong_index.size(), 0x4d617273, 0x5d5}),
            SrtpStatus::kAuthFailed);
  ASSERT_EQ(in->UnprotectRtcp({wire.data(), wire.size(), 0x4d617273, 0x5d4}), SrtpStatus::kOk);
  wire.resize(plain.size());
  EXPECT_EQ(wire, plain);
  auto replay = FromHex(
      "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32d"
      "c676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf872"
      "45d9eade800005d4");
  EXPECT_EQ(in->UnprotectRtcp({replay.data(), replay.size(), 0x4d617273, 0x5d4}),
            SrtpStatus::kReplayed);
}

}  // namespace
}  // namespace sluice
