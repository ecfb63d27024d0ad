// StunAddress text forms and the (XOR-)MAPPED-ADDRESS value codecs.
#include "stun/stun_address.h"

#include <gtest/gtest.h>

#include <vector>

#include "stun_test_vectors.h"

namespace sluice {
namespace {

using stun_test::FromHex;

const StunTransactionId kId{
    {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae}};

TEST(StunAddress, TextRoundTrip) {
  for (const char* text : {"192.0.2.1:32853", "0.0.0.0:0", "255.255.255.255:65535",
                           "[2001:db8::1]:443", "[::]:1", "[::ffff:10.0.0.1]:5000"}) {
    auto a = StunAddress::FromString(text);
    ASSERT_TRUE(a) << text;
    EXPECT_EQ(a->ToString(), text);
  }
  for (const char* bad :
       {"", "1.2.3.4", "1.2.3.4:", "1.2.3.4:65536", "1.2.3.4:-1", "1.2.3:80", "[2001:db8::1]",
        "[2001:db8::1]443", "2001:db8::1:443", "[1.2.3.4]:80", "host:80", "1.2.3.4:80x"}) {
    EXPECT_FALSE(StunAddress::FromString(bad)) << bad;
  }
}

TEST(StunAddress, XorRfc5769Vectors) {
  const auto v4 = FromHex("0001 a147 e112a643");
  auto a = ParseXorMappedAddress(v4, kId);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->ToString(), "192.0.2.1:32853");
  uint8_t out[20];
  ASSERT_EQ(*SerializeXorMappedAddress(*a, kId, out), 8u);
  EXPECT_TRUE(std::equal(v4.begin(), v4.end(), out));

  const auto v6 = FromHex("0002 a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9");
  auto b = ParseXorMappedAddress(v6, kId);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->ToString(), "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
  ASSERT_EQ(*SerializeXorMappedAddress(*b, kId, out), 20u);
  EXPECT_TRUE(std::equal(v6.begin(), v6.end(), out));
  // The plain form is not XORed.
  ASSERT_EQ(*SerializeMappedAddress(*b, out), 20u);
  EXPECT_EQ(out[2], 0x80);
  EXPECT_EQ(out[3], 0x55);
  EXPECT_EQ(out[4], 0x20);
}

TEST(StunAddress, MalformedValues) {
  for (size_t n = 0; n < 8; ++n) {
    const auto v4 = FromHex("0001 a147 e112a643");
    EXPECT_FALSE(ParseXorMappedAddress(std::span(v4).first(n), kId).ok()) << n;
    EXPECT_FALSE(ParseMappedAddress(std::span(v4).first(n)).ok()) << n;
  }
  const auto v6 = FromHex("0002 a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9 00000000");
  for (size_t n = 0; n <= v6.size(); ++n) {
    EXPECT_EQ(ParseXorMappedAddress(std::span(v6).first(n), kId).ok(), n == 20) << n;
  }
  for (uint8_t family : {0, 3, 0x41, 0xff}) {
    auto v = FromHex("0001 a147 e112a643");
    v[1] = family;
    auto r = ParseXorMappedAddress(v, kId);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
  }
  uint8_t small[19];
  EXPECT_EQ(SerializeXorMappedAddress(*StunAddress::FromString("[::1]:1"), kId, small).error().code,
            ErrorCode::kBufferTooSmall);
}

}  // namespace
}  // namespace sluice
