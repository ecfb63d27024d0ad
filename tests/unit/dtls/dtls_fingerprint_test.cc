#include "dtls/dtls_fingerprint.h"

#include <gtest/gtest.h>

namespace sluice::dtls {
namespace {

// From a real Chromium offer (a=fingerprint line).
constexpr char kChromeSha256[] =
    "sha-256 3C:4A:AA:37:5E:4A:2C:57:E3:73:F8:58:AE:B7:3A:AD:EA:98:DE:0A:A4:D7:13:2E:49:9D:"
    "73:26:7E:59:96:A0";

TEST(DtlsFingerprintTest, ParsesSha256AndWritesItBack) {
  auto fp = DtlsFingerprint::Parse(kChromeSha256);
  ASSERT_TRUE(fp.ok()) << fp.error().message;
  EXPECT_EQ(fp->algorithm(), HashAlgorithm::kSha256);
  ASSERT_EQ(fp->digest().size(), 32u);
  EXPECT_EQ(fp->digest()[0], 0x3C);
  EXPECT_EQ(fp->digest()[31], 0xA0);
  EXPECT_EQ(fp->ToString(), kChromeSha256);
}

TEST(DtlsFingerprintTest, AcceptsLowerCaseHexUpperCaseNameAndSdpWhitespace) {
  auto fp = DtlsFingerprint::Parse(
      "SHA-256 3c:4a:aa:37:5e:4a:2c:57:e3:73:f8:58:ae:b7:3a:ad:ea:98:de:0a:a4:d7:13:2e:49:9d:"
      "73:26:7e:59:96:a0\r\n");
  ASSERT_TRUE(fp.ok()) << fp.error().message;
  EXPECT_EQ(fp->ToString(), kChromeSha256);
  EXPECT_TRUE(fp->Matches(DtlsFingerprint::Parse(kChromeSha256).value()));
}

TEST(DtlsFingerprintTest, EveryAlgorithmHasItsSize) {
  struct Case { HashAlgorithm h; const char* name; size_t size; };
  for (const Case& c : {Case{HashAlgorithm::kSha1, "sha-1", 20},
                        Case{HashAlgorithm::kSha256, "sha-256", 32},
                        Case{HashAlgorithm::kSha384, "sha-384", 48},
                        Case{HashAlgorithm::kSha512, "sha-512", 64}}) {
    std::string text = c.name;
    text += ' ';
    for (size_t i = 0; i < c.size; ++i) text += i == 0 ? "AB" : ":AB";
    auto fp = DtlsFingerprint::Parse(text);
    ASSERT_TRUE(fp.ok()) << c.name;
    EXPECT_EQ(fp->algorithm(), c.h);
    EXPECT_EQ(fp->digest().size(), c.size);
    EXPECT_EQ(fp->ToString(), text);
    EXPECT_STREQ(HashAlgorithmName(c.h), c.name);
    EXPECT_EQ(DigestSize(c.h), c.size);
    // One byte short or long is refused.
    EXPECT_EQ(DtlsFingerprint::Parse(text.substr(0, text.size() - 3)).error().code,
              ErrorCode::kMalformed);
    EXPECT_EQ(DtlsFingerprint::Parse(text + ":AB").error().code, ErrorCode::kMalformed);
  }
}

TEST(DtlsFingerprintTest, RejectsMalformedValues) {
  EXPECT_EQ(DtlsFingerprint::Parse("").error().code, ErrorCode::kMalformed);
  EXPECT_EQ(DtlsFingerprint::Parse("sha-256").error().code, ErrorCode::kMalformed);
  EXPECT_EQ(DtlsFingerprint::Parse("sha-256 ").error().code, ErrorCode::kMalformed);
  EXPECT_EQ(DtlsFingerprint::Parse("md5 AB:CD").error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(DtlsFingerprint::Parse("sha-224 AB:CD").error().code, ErrorCode::kUnsupported);
  std::string bad = kChromeSha256;
  bad[10] = 'G';  // non-hex
  EXPECT_EQ(DtlsFingerprint::Parse(bad).error().code, ErrorCode::kMalformed);
  bad = kChromeSha256;
  bad[10] = '-';  // first separator position is 8+2=10: wrong separator
  EXPECT_EQ(DtlsFingerprint::Parse(bad).error().code, ErrorCode::kMalformed);
  bad = kChromeSha256;
  bad.back() = ':';
  EXPECT_EQ(DtlsFingerprint::Parse(bad).error().code, ErrorCode::kMalformed);
}

TEST(DtlsFingerprintTest, MatchesNeedsSameAlgorithmAndDigest) {
  const uint8_t d20[20] = {1, 2, 3};
  uint8_t d32[32] = {1, 2, 3};
  auto a = DtlsFingerprint::FromDigest(HashAlgorithm::kSha256, d32).value();
  auto b = DtlsFingerprint::FromDigest(HashAlgorithm::kSha256, d32).value();
  EXPECT_TRUE(a.Matches(b));
  EXPECT_EQ(a, b);
  d32[31] = 1;
  auto c = DtlsFingerprint::FromDigest(HashAlgorithm::kSha256, d32).value();
  EXPECT_FALSE(a.Matches(c));
  auto s1 = DtlsFingerprint::FromDigest(HashAlgorithm::kSha1, d20).value();
  EXPECT_FALSE(a.Matches(s1));
  EXPECT_FALSE(DtlsFingerprint{}.Matches(DtlsFingerprint{}));  // empty never matches
  EXPECT_TRUE(DtlsFingerprint{}.empty());
  EXPECT_EQ(DtlsFingerprint::FromDigest(HashAlgorithm::kSha1, d32).error().code,
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::dtls
