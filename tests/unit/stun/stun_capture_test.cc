// Binding requests and responses from real ICE implementations (aioice, captured here; a Chromium
// request published by mediasoup; see stun_test_vectors.h): parse, typed fields, integrity under
// the right password only, and byte-identical rebuilds with our builders.
#include <gtest/gtest.h>

#include <string>

#include "stun/stun_builder.h"
#include "stun/stun_ice.h"
#include "stun/stun_integrity.h"
#include "stun/stun_message.h"
#include "stun_test_vectors.h"

namespace sluice {
namespace {

using stun_test::FromHex;

TEST(StunCapture, AioiceControllingRequest) {
  const auto bytes = FromHex(stun_test::kAioiceRequestAtoB);
  auto r = StunMessageView::Parse(bytes);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->message_class(), StunClass::kRequest);
  const std::string username =
      std::string(stun_test::kAioiceUfragB) + ":" + std::string(stun_test::kAioiceUfragA);
  EXPECT_EQ(r->username(), username);
  EXPECT_TRUE(r->priority());
  EXPECT_TRUE(r->ice_controlling());
  EXPECT_FALSE(r->ice_controlled());
  EXPECT_TRUE(r->use_candidate());
  EXPECT_TRUE(r->unknown_comprehension_required().empty());
  EXPECT_TRUE(VerifyMessageIntegrity(*r, StunIntegrityKey::ShortTerm(stun_test::kAioicePwdB)).ok());
  EXPECT_FALSE(
      VerifyMessageIntegrity(*r, StunIntegrityKey::ShortTerm(stun_test::kAioicePwdA)).ok());
  EXPECT_TRUE(VerifyFingerprint(*r).ok());

  // Our builder, given the same fields, produces a message that verifies under the same key and
  // carries the same values (aioice orders attributes as we do, so the bytes match too).
  IceBindingRequestParams p;
  p.transaction_id = r->transaction_id();
  p.username = *r->username();
  p.priority = *r->priority();
  p.controlling = true;
  p.tie_breaker = *r->ice_controlling();
  p.use_candidate = true;
  uint8_t buf[128];
  auto n = BuildIceBindingRequest(p, StunIntegrityKey::ShortTerm(stun_test::kAioicePwdB), buf);
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(*n, bytes.size());
  EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), buf));
}

TEST(StunCapture, AioiceControlledRequest) {
  const auto bytes = FromHex(stun_test::kAioiceRequestBtoA);
  auto r = StunMessageView::Parse(bytes);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->ice_controlled());
  EXPECT_FALSE(r->ice_controlling());
  EXPECT_FALSE(r->use_candidate());
  EXPECT_TRUE(VerifyMessageIntegrity(*r, StunIntegrityKey::ShortTerm(stun_test::kAioicePwdA)).ok());
  EXPECT_TRUE(VerifyFingerprint(*r).ok());
}

TEST(StunCapture, AioiceResponses) {
  struct Case {
    const char* hex;
    std::string_view pwd;
  } cases[] = {{stun_test::kAioiceResponseBtoA, stun_test::kAioicePwdB},
               {stun_test::kAioiceResponseAtoB, stun_test::kAioicePwdA}};
  for (const auto& c : cases) {
    const auto bytes = FromHex(c.hex);
    auto r = StunMessageView::Parse(bytes);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->message_class(), StunClass::kSuccessResponse);
    ASSERT_TRUE(r->xor_mapped_address());
    EXPECT_EQ(r->xor_mapped_address()->address()[0], 127);
    const auto key = StunIntegrityKey::ShortTerm(c.pwd);
    EXPECT_TRUE(VerifyMessageIntegrity(*r, key).ok());
    EXPECT_TRUE(VerifyFingerprint(*r).ok());
    // Rebuilt with our builder: byte-identical.
    uint8_t buf[128];
    auto n = BuildIceBindingSuccess(r->transaction_id(), *r->xor_mapped_address(), key, buf);
    ASSERT_TRUE(n.ok());
    ASSERT_EQ(*n, bytes.size());
    EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), buf));
  }
}

TEST(StunCapture, ChromiumRequest) {
  const auto bytes = FromHex(stun_test::kChromiumRequest);
  ASSERT_EQ(bytes.size(), 128u);
  auto r = StunMessageView::Parse(bytes);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->username(), stun_test::kChromiumUsername);
  EXPECT_EQ(r->priority(), 1853693695u);
  EXPECT_EQ(r->ice_controlling(), 15897499370457501716u);
  EXPECT_TRUE(r->use_candidate());
  EXPECT_EQ(r->attribute_count(), 7u);
  // GOOG-NETWORK-INFO is comprehension-optional: readable, not a reason for 420.
  auto goog = r->Find(0xC057);
  ASSERT_TRUE(goog);
  EXPECT_EQ(goog->value.size(), 4u);
  EXPECT_TRUE(r->unknown_comprehension_required().empty());
  const auto key = StunIntegrityKey::ShortTerm(stun_test::kChromiumPassword);
  EXPECT_TRUE(VerifyMessageIntegrity(*r, key).ok());
  EXPECT_TRUE(VerifyFingerprint(*r).ok());

  // Rebuilt in Chromium's attribute order: byte-identical, MI and FINGERPRINT included.
  uint8_t buf[160];
  StunMessageBuilder b(buf, StunMethod::kBinding, StunClass::kRequest, r->transaction_id());
  b.AddUsername(*r->username())
      .AddAttribute(0xC057, goog->value)
      .AddIceControlling(*r->ice_controlling())
      .AddUseCandidate()
      .AddPriority(*r->priority())
      .AddMessageIntegrity(key)
      .AddFingerprint();
  auto n = b.Finish();
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(*n, bytes.size());
  EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), buf));
}

}  // namespace
}  // namespace sluice
