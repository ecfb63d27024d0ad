#include "sdp/fingerprint.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::sdp {
namespace {

constexpr const char* kChromium =
    "sha-256 81:89:F3:1A:B3:AE:33:9D:2A:F5:A2:DD:8B:7B:09:65:9B:C8:28:1D:48:9C:CB:3F:00:12:06:E4:"
    "1F:25:9C:13";

TEST(FingerprintTest, ParsesSha256) {
  auto fp = Fingerprint::Parse(kChromium);
  ASSERT_TRUE(fp.ok()) << fp.error().message;
  EXPECT_EQ(fp->hash_function, "sha-256");
  ASSERT_EQ(fp->digest().size(), 32u);
  EXPECT_EQ(fp->digest()[0], 0x81);
  EXPECT_EQ(fp->digest()[1], 0x89);
  EXPECT_EQ(fp->digest()[31], 0x13);
  EXPECT_EQ(fp->ToString(), kChromium);
}

TEST(FingerprintTest, AcceptsLowerCaseAndWritesUpperCase) {
  auto fp = Fingerprint::Parse("sha-1 0a:1b:2c:3d:4e:5f:60:71:82:93:a4:b5:c6:d7:e8:f9:00:11:22:33");
  ASSERT_TRUE(fp.ok());
  EXPECT_EQ(fp->ToString(), "sha-1 0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:00:11:22:33");
}

TEST(FingerprintTest, UnknownHashFunctionKeepsAnyLength) {
  auto fp = Fingerprint::Parse("future-hash AB:CD");
  ASSERT_TRUE(fp.ok());
  EXPECT_EQ(fp->digest().size(), 2u);
}

TEST(FingerprintTest, EqualityIgnoresBytesPastTheDigest) {
  auto a = Fingerprint::Parse("x AB");
  auto b = Fingerprint::Parse("x AB:CD");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  Fingerprint c = *a;
  c.digest_bytes[5] = 7;  // beyond digest_size: not part of the value
  EXPECT_EQ(*a, c);
}

TEST(FingerprintTest, RejectsMalformed) {
  const char* bad[] = {
      "",                     // nothing
      "sha-256",              // no digest
      "sha-256 8",            // half a byte
      "sha-256 8G:00",        // bad hex digit
      "sha-256 81-89",        // wrong separator
      "sha-256 81:89:",       // trailing colon
      "sha-256 :81:89",       // leading colon
      "sha-256 81:89 extra",  // trailing field
      "sha-256 81:89",        // too short for sha-256
      "sha-1 81:89:F3:1A:B3:AE:33:9D:2A:F5:A2:DD:8B:7B:09:65:9B:C8:28:1D:48",  // 21 bytes
      "sh@ 81:89",  // hash function not a token
  };
  for (const char* text : bad) {
    auto fp = Fingerprint::Parse(text);
    EXPECT_FALSE(fp.ok()) << text;
    if (!fp.ok()) EXPECT_EQ(fp.error().code, ErrorCode::kMalformed) << text;
  }
  std::string too_long = "x ";
  for (int i = 0; i < 65; ++i) too_long += i == 0 ? "AB" : ":AB";
  EXPECT_FALSE(Fingerprint::Parse(too_long).ok());
}

}  // namespace
}  // namespace sluice::sdp
