// RFC 5769 test vectors: parse, typed fields, MESSAGE-INTEGRITY and FINGERPRINT, and rebuilding
// the same messages with StunMessageBuilder.
#include <gtest/gtest.h>

#include "stun/stun_builder.h"
#include "stun/stun_integrity.h"
#include "stun/stun_message.h"
#include "stun_test_vectors.h"

namespace sluice {
namespace {

using stun_test::FromHex;

const StunTransactionId kRfcId{
    {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae}};

TEST(StunRfc5769, SampleRequestParses) {
  const auto bytes = FromHex(stun_test::kRfc5769Request);
  ASSERT_EQ(bytes.size(), 108u);
  auto msg = StunMessageView::Parse(bytes);
  ASSERT_TRUE(msg.ok()) << msg.error().message;
  EXPECT_EQ(msg->method(), StunMethod::kBinding);
  EXPECT_EQ(msg->message_class(), StunClass::kRequest);
  EXPECT_EQ(msg->transaction_id(), kRfcId);
  EXPECT_EQ(msg->attribute_count(), 6u);
  EXPECT_EQ(msg->software(), "STUN test client");
  EXPECT_EQ(msg->username(), "evtj:h6vY");
  EXPECT_EQ(msg->priority(), 0x6e0001ffu);
  EXPECT_EQ(msg->ice_controlled(), 0x932ff9b151263b36u);
  EXPECT_FALSE(msg->ice_controlling());
  EXPECT_FALSE(msg->use_candidate());
  EXPECT_TRUE(msg->has_message_integrity());
  EXPECT_TRUE(msg->has_fingerprint());
  EXPECT_TRUE(msg->unknown_comprehension_required().empty());
}

TEST(StunRfc5769, SampleRequestIntegrityAndFingerprint) {
  const auto bytes = FromHex(stun_test::kRfc5769Request);
  auto msg = StunMessageView::Parse(bytes);
  ASSERT_TRUE(msg.ok());
  const auto key = StunIntegrityKey::ShortTerm(stun_test::kRfc5769Password);
  EXPECT_TRUE(VerifyMessageIntegrity(*msg, key).ok());
  EXPECT_TRUE(VerifyFingerprint(*msg).ok());
  const auto wrong = StunIntegrityKey::ShortTerm("VOkJxbRl1RmTxUk/WvJxBT");
  auto bad = VerifyMessageIntegrity(*msg, wrong);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kAuthFailed);
}

TEST(StunRfc5769, Ipv4Response) {
  const auto bytes = FromHex(stun_test::kRfc5769Ipv4Response);
  ASSERT_EQ(bytes.size(), 80u);
  auto msg = StunMessageView::Parse(bytes);
  ASSERT_TRUE(msg.ok()) << msg.error().message;
  EXPECT_EQ(msg->message_class(), StunClass::kSuccessResponse);
  EXPECT_EQ(msg->software(), "test vector");
  auto addr = msg->xor_mapped_address();
  ASSERT_TRUE(addr);
  EXPECT_EQ(addr->ToString(), "192.0.2.1:32853");
  EXPECT_EQ(*addr, *StunAddress::FromString("192.0.2.1:32853"));
  const auto key = StunIntegrityKey::ShortTerm(stun_test::kRfc5769Password);
  EXPECT_TRUE(VerifyMessageIntegrity(*msg, key).ok());
  EXPECT_TRUE(VerifyFingerprint(*msg).ok());
}

TEST(StunRfc5769, Ipv6Response) {
  const auto bytes = FromHex(stun_test::kRfc5769Ipv6Response);
  ASSERT_EQ(bytes.size(), 92u);
  auto msg = StunMessageView::Parse(bytes);
  ASSERT_TRUE(msg.ok()) << msg.error().message;
  auto addr = msg->xor_mapped_address();
  ASSERT_TRUE(addr);
  EXPECT_EQ(addr->family(), StunAddressFamily::kIpv6);
  EXPECT_EQ(addr->ToString(), "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
  const auto key = StunIntegrityKey::ShortTerm(stun_test::kRfc5769Password);
  EXPECT_TRUE(VerifyMessageIntegrity(*msg, key).ok());
  EXPECT_TRUE(VerifyFingerprint(*msg).ok());
}

TEST(StunRfc5769, LongTermRequest) {
  const auto bytes = FromHex(stun_test::kRfc5769LongTermRequest);
  ASSERT_EQ(bytes.size(), 116u);
  auto msg = StunMessageView::Parse(bytes);
  ASSERT_TRUE(msg.ok()) << msg.error().message;
  EXPECT_EQ(msg->username(), stun_test::kRfc5769LongTermUsername);
  EXPECT_EQ(msg->nonce(), stun_test::kRfc5769LongTermNonce);
  EXPECT_EQ(msg->realm(), stun_test::kRfc5769LongTermRealm);
  EXPECT_FALSE(msg->has_fingerprint());
  auto fp = VerifyFingerprint(*msg);
  ASSERT_FALSE(fp.ok());
  EXPECT_EQ(fp.error().code, ErrorCode::kNotFound);
  const auto key = StunIntegrityKey::LongTerm(stun_test::kRfc5769LongTermUsername,
                                              stun_test::kRfc5769LongTermRealm,
                                              stun_test::kRfc5769LongTermPassword);
  EXPECT_TRUE(VerifyMessageIntegrity(*msg, key).ok());
  // The short-term interpretation of the same password must not verify.
  EXPECT_FALSE(VerifyMessageIntegrity(*msg, StunIntegrityKey::ShortTerm("TheMatrIX")).ok());
}

// Rebuilding §2.1 with the builder gives the same bytes except the USERNAME padding (the RFC pads
// with 0x20, we pad with zeros) and therefore MESSAGE-INTEGRITY and FINGERPRINT. libwebrtc's
// stun_unittest.cc records the HMAC of the zero-padded message, 7907c2d2...: an independent
// implementation agreeing with ours.
TEST(StunRfc5769, RebuildSampleRequest) {
  const auto rfc = FromHex(stun_test::kRfc5769Request);
  uint8_t buf[256];
  StunMessageBuilder b(buf, StunMethod::kBinding, StunClass::kRequest, kRfcId);
  b.AddSoftware("STUN test client")
      .AddPriority(0x6e0001ff)
      .AddIceControlled(0x932ff9b151263b36)
      .AddUsername("evtj:h6vY")
      .AddMessageIntegrity(StunIntegrityKey::ShortTerm(stun_test::kRfc5769Password))
      .AddFingerprint();
  auto n = b.Finish();
  ASSERT_TRUE(n.ok()) << n.error().message;
  ASSERT_EQ(*n, rfc.size());
  // Header and attributes up to the USERNAME padding are identical.
  EXPECT_TRUE(std::equal(rfc.begin(), rfc.begin() + 73, buf));
  EXPECT_EQ(buf[73], 0);
  const auto expected_mac = FromHex("79 07 c2 d2 ed bf ea 48 0e 4c 76 d8 29 62 d5 c3 74 2a f9 e3");
  EXPECT_TRUE(std::equal(expected_mac.begin(), expected_mac.end(), buf + 80));
  auto msg = StunMessageView::Parse(std::span<const uint8_t>(buf, *n));
  ASSERT_TRUE(msg.ok());
  EXPECT_TRUE(
      VerifyMessageIntegrity(*msg, StunIntegrityKey::ShortTerm(stun_test::kRfc5769Password)).ok());
  EXPECT_TRUE(VerifyFingerprint(*msg).ok());
}

TEST(StunRfc5769, RebuildIpv4ResponseMatchesLibwebrtcHmac) {
  uint8_t buf[128];
  StunMessageBuilder b(buf, StunMethod::kBinding, StunClass::kSuccessResponse, kRfcId);
  b.AddSoftware("test vector")
      .AddXorMappedAddress(*StunAddress::FromString("192.0.2.1:32853"))
      .AddMessageIntegrity(StunIntegrityKey::ShortTerm(stun_test::kRfc5769Password));
  auto n = b.Finish();
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(*n, 72u);
  const auto rfc = FromHex(stun_test::kRfc5769Ipv4Response);
  // XOR-MAPPED-ADDRESS bytes are the RFC's exactly.
  EXPECT_TRUE(std::equal(rfc.begin() + 36, rfc.begin() + 48, buf + 36));
  const auto expected_mac = FromHex("5d 6b 58 be ad 94 e0 7e ef 0d fc 12 82 a2 bd 08 43 14 10 28");
  EXPECT_TRUE(std::equal(expected_mac.begin(), expected_mac.end(), buf + 52));
}

TEST(StunRfc5769, RebuildIpv6ResponseWithRfcPaddingIsByteExact) {
  // With the RFC's 0x20 padding written as a raw attribute value, MI and FINGERPRINT come out
  // byte for byte as in the RFC: 11 bytes of "test vector" + the pad byte would change the
  // length, so instead patch the padding into the built bytes before MI is computed.
  const auto rfc = FromHex(stun_test::kRfc5769Ipv6Response);
  uint8_t buf[128];
  StunMessageBuilder b(buf, StunMethod::kBinding, StunClass::kSuccessResponse, kRfcId);
  b.AddSoftware("test vector");
  buf[35] = 0x20;  // the RFC's padding byte
  b.AddXorMappedAddress(*StunAddress::FromString("[2001:db8:1234:5678:11:2233:4455:6677]:32853"))
      .AddMessageIntegrity(StunIntegrityKey::ShortTerm(stun_test::kRfc5769Password))
      .AddFingerprint();
  auto n = b.Finish();
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(*n, rfc.size());
  EXPECT_TRUE(std::equal(rfc.begin(), rfc.end(), buf));
}

}  // namespace
}  // namespace sluice
