// StunMessageBuilder and the ICE message builders: round trips, every short buffer, ordering
// rules and argument checks.
#include "stun/stun_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "stun/stun_ice.h"
#include "stun/stun_integrity.h"
#include "stun/stun_message.h"
#include "support/alloc_counter.h"

namespace sluice {
namespace {

using ::testing::ElementsAre;

const StunTransactionId kId{
    {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae}};

TEST(StunBuilder, AllAttributesRoundTrip) {
  const auto key = StunIntegrityKey::ShortTerm("pass");
  uint8_t buf[512];
  const uint16_t unknown[] = {0x0003, 0x7001, 0x0042};
  StunMessageBuilder b(buf, StunMethod::kBinding, StunClass::kErrorResponse, kId);
  b.AddSoftware("sluice")
      .AddErrorCode(420, "Unknown Attribute")
      .AddUnknownAttributes(unknown)
      .AddMappedAddress(*StunAddress::FromString("10.0.0.1:9"))
      .AddXorMappedAddress(*StunAddress::FromString("[fe80::1:2]:65535"))
      .AddRealm("realm")
      .AddNonce("nonce-1")
      .AddUsername("x:y")
      .AddPriority(0x7e7fffff)
      .AddUseCandidate()
      .AddIceControlling(0x0102030405060708)
      .AddIceControlled(0xf1f2f3f4f5f6f7f8)
      .AddAttribute(0x80ee, std::vector<uint8_t>{1, 2, 3})
      .AddMessageIntegrity(key)
      .AddMessageIntegritySha256(key)
      .AddFingerprint();
  auto n = b.Finish();
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n % 4, 0u);
  auto r = StunMessageView::Parse(std::span<const uint8_t>(buf, *n));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->message_class(), StunClass::kErrorResponse);
  EXPECT_EQ(r->transaction_id(), kId);
  EXPECT_EQ(r->software(), "sluice");
  EXPECT_EQ(r->error_code()->code, 420);
  EXPECT_EQ(r->error_code()->reason, "Unknown Attribute");
  ASSERT_EQ(r->unknown_attributes()->size(), 3u);
  EXPECT_EQ((*r->unknown_attributes())[2], 0x0042);
  EXPECT_EQ(r->mapped_address()->ToString(), "10.0.0.1:9");
  EXPECT_EQ(r->xor_mapped_address()->ToString(), "[fe80::1:2]:65535");
  EXPECT_EQ(r->realm(), "realm");
  EXPECT_EQ(r->nonce(), "nonce-1");
  EXPECT_EQ(r->username(), "x:y");
  EXPECT_EQ(r->priority(), 0x7e7fffffu);
  EXPECT_TRUE(r->use_candidate());
  EXPECT_EQ(r->ice_controlling(), 0x0102030405060708u);
  EXPECT_EQ(r->ice_controlled(), 0xf1f2f3f4f5f6f7f8u);
  auto extra = r->Find(0x80ee);
  ASSERT_TRUE(extra);
  EXPECT_THAT(std::vector<uint8_t>(extra->value.begin(), extra->value.end()), ElementsAre(1, 2, 3));
  EXPECT_TRUE(VerifyMessageIntegrity(*r, key).ok());
  EXPECT_TRUE(VerifyMessageIntegritySha256(*r, key).ok());
  EXPECT_TRUE(VerifyFingerprint(*r).ok());
  EXPECT_EQ(r->attribute_count(), 16u);
}

TEST(StunBuilder, EveryShortBufferFailsWithoutOverrun) {
  const auto key = StunIntegrityKey::ShortTerm("pass");
  IceBindingRequestParams p;
  p.transaction_id = kId;
  p.username = "remote:local";
  p.priority = 1853824767;
  p.controlling = true;
  p.tie_breaker = 42;
  p.use_candidate = true;
  uint8_t full[256];
  auto n = BuildIceBindingRequest(p, key, full);
  ASSERT_TRUE(n.ok());
  for (size_t size = 0; size < *n; ++size) {
    std::vector<uint8_t> buf(size + 16, 0xAB);  // 16 guard bytes after the span
    auto r = BuildIceBindingRequest(p, key, std::span(buf).first(size));
    ASSERT_FALSE(r.ok()) << size;
    EXPECT_EQ(r.error().code, ErrorCode::kBufferTooSmall) << size;
    for (size_t i = size; i < buf.size(); ++i) ASSERT_EQ(buf[i], 0xAB) << size << " " << i;
  }
  std::vector<uint8_t> exact(*n);
  auto ok = BuildIceBindingRequest(p, key, exact);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(std::equal(exact.begin(), exact.end(), full));
}

TEST(StunBuilder, OrderingRules) {
  const auto key = StunIntegrityKey::ShortTerm("pass");
  uint8_t buf[256];
  {
    StunMessageBuilder b(buf, StunMethod::kBinding, StunClass::kRequest, kId);
    b.AddMessageIntegrity(key).AddUsername("late");
    ASSERT_FALSE(b.Finish().ok());
    EXPECT_EQ(b.Finish().error().code, ErrorCode::kInvalidState);
  }
  {
    StunMessageBuilder b(buf, StunMethod::kBinding, StunClass::kRequest, kId);
    b.AddFingerprint().AddMessageIntegrity(key);
    EXPECT_EQ(b.Finish().error().code, ErrorCode::kInvalidState);
  }
  {
    StunMessageBuilder b(buf, StunMethod::kBinding, StunClass::kRequest, kId);
    b.AddFingerprint().AddFingerprint();
    EXPECT_EQ(b.Finish().error().code, ErrorCode::kInvalidState);
  }
  {
    StunMessageBuilder b(buf, StunMethod::kBinding, StunClass::kRequest, kId);
    b.AddMessageIntegritySha256(key).AddMessageIntegrity(key);
    EXPECT_EQ(b.Finish().error().code, ErrorCode::kInvalidState);
  }
  {
    // The first error is kept.
    StunMessageBuilder b(buf, StunMethod::kBinding, StunClass::kRequest, kId);
    b.AddErrorCode(200, "no").AddFingerprint().AddUsername("x");
    EXPECT_EQ(b.Finish().error().code, ErrorCode::kInvalidArgument);
  }
  {
    StunMessageBuilder b(buf, StunMethod::kBinding, StunClass::kRequest, kId);
    b.AddAttribute(StunAttributeType::kFingerprint, std::vector<uint8_t>(4));
    EXPECT_EQ(b.Finish().error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(StunBuilder, ArgumentChecks) {
  uint8_t buf[2048];
  auto code_of = [&](auto add) {
    StunMessageBuilder b(buf, StunMethod::kBinding, StunClass::kRequest, kId);
    add(b);
    auto r = b.Finish();
    return r.ok() ? std::optional<ErrorCode>() : std::optional<ErrorCode>(r.error().code);
  };
  EXPECT_EQ(code_of([](auto& b) { b.AddErrorCode(299, ""); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([](auto& b) { b.AddErrorCode(700, ""); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([](auto& b) { b.AddErrorCode(699, ""); }), std::nullopt);
  EXPECT_EQ(code_of([](auto& b) { b.AddUsername(std::string(509, 'u')); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([](auto& b) { b.AddUsername(std::string(508, 'u')); }), std::nullopt);
  EXPECT_EQ(code_of([](auto& b) { b.AddSoftware(std::string(764, 's')); }),
            ErrorCode::kInvalidArgument);
  StunMessageBuilder tiny(std::span<uint8_t>(buf, 19), StunMethod::kBinding, StunClass::kRequest,
                          kId);
  EXPECT_EQ(tiny.Finish().error().code, ErrorCode::kBufferTooSmall);
  StunMessageBuilder method(buf, static_cast<StunMethod>(0x1000), StunClass::kRequest, kId);
  EXPECT_EQ(method.Finish().error().code, ErrorCode::kInvalidArgument);
}

TEST(StunIce, BindingRequestRoundTrip) {
  const auto remote_pwd = StunIntegrityKey::ShortTerm("asd88fgpdd777uzjYhagZg");
  for (bool controlling : {true, false}) {
    IceBindingRequestParams p;
    p.transaction_id = kId;
    p.username = "9uB6:Iqv+";
    p.priority = 1853824767;
    p.controlling = controlling;
    p.tie_breaker = 0x8000000000000001;
    p.use_candidate = controlling;
    p.software = controlling ? "sluice" : "";
    uint8_t buf[128];
    auto n = BuildIceBindingRequest(p, remote_pwd, buf);
    ASSERT_TRUE(n.ok()) << n.error().message;
    auto r = StunMessageView::Parse(std::span<const uint8_t>(buf, *n));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->method(), StunMethod::kBinding);
    EXPECT_EQ(r->message_class(), StunClass::kRequest);
    EXPECT_EQ(r->username(), "9uB6:Iqv+");
    EXPECT_EQ(r->priority(), 1853824767u);
    EXPECT_EQ(r->use_candidate(), controlling);
    EXPECT_EQ(r->ice_controlling().has_value(), controlling);
    EXPECT_EQ(r->ice_controlled().has_value(), !controlling);
    EXPECT_EQ(controlling ? *r->ice_controlling() : *r->ice_controlled(), 0x8000000000000001u);
    EXPECT_EQ(r->software().has_value(), controlling);
    EXPECT_TRUE(VerifyMessageIntegrity(*r, remote_pwd).ok());
    EXPECT_TRUE(VerifyFingerprint(*r).ok());
  }
}

TEST(StunIce, BindingRequestChecks) {
  const auto key = StunIntegrityKey::ShortTerm("p");
  uint8_t buf[128];
  IceBindingRequestParams p;
  p.username = "a:b";
  p.use_candidate = true;
  p.controlling = false;
  EXPECT_EQ(BuildIceBindingRequest(p, key, buf).error().code, ErrorCode::kInvalidArgument);
  p.use_candidate = false;
  p.username = "";
  EXPECT_EQ(BuildIceBindingRequest(p, key, buf).error().code, ErrorCode::kInvalidArgument);
}

TEST(StunIce, SuccessResponse) {
  const auto local_pwd = StunIntegrityKey::ShortTerm("local-password-22chars");
  for (const char* text : {"192.0.2.1:32853", "[2001:db8::1]:443"}) {
    uint8_t buf[128];
    const auto mapped = *StunAddress::FromString(text);
    auto n = BuildIceBindingSuccess(kId, mapped, local_pwd, buf);
    ASSERT_TRUE(n.ok());
    auto r = StunMessageView::Parse(std::span<const uint8_t>(buf, *n));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->message_class(), StunClass::kSuccessResponse);
    EXPECT_EQ(r->transaction_id(), kId);
    EXPECT_EQ(r->xor_mapped_address(), mapped);
    EXPECT_TRUE(VerifyMessageIntegrity(*r, local_pwd).ok());
    EXPECT_TRUE(VerifyFingerprint(*r).ok());
  }
}

TEST(StunIce, ErrorResponses) {
  const auto key = StunIntegrityKey::ShortTerm("pwd");
  uint8_t buf[128];
  struct Case {
    uint16_t code;
    const char* reason;
    bool with_key;
  } cases[] = {{400, "Bad Request", false},
               {401, "Unauthenticated", false},
               {487, "Role Conflict", true},
               {420, "Unknown Attribute", true}};
  const uint16_t unknown[] = {0x0003, 0x7777};
  for (const auto& c : cases) {
    auto n = BuildIceBindingError(
        kId, c.code, c.with_key ? &key : nullptr, buf,
        c.code == 420 ? std::span<const uint16_t>(unknown) : std::span<const uint16_t>());
    ASSERT_TRUE(n.ok()) << c.code;
    auto r = StunMessageView::Parse(std::span<const uint8_t>(buf, *n));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->message_class(), StunClass::kErrorResponse);
    EXPECT_EQ(r->error_code()->code, c.code);
    EXPECT_EQ(r->error_code()->reason, c.reason);
    EXPECT_EQ(r->has_message_integrity(), c.with_key);
    if (c.with_key) EXPECT_TRUE(VerifyMessageIntegrity(*r, key).ok());
    EXPECT_TRUE(VerifyFingerprint(*r).ok());
    if (c.code == 420) {
      ASSERT_TRUE(r->unknown_attributes());
      EXPECT_EQ(r->unknown_attributes()->size(), 2u);
      EXPECT_EQ((*r->unknown_attributes())[1], 0x7777);
    }
  }
  EXPECT_EQ(BuildIceBindingError(kId, 420, &key, buf).error().code, ErrorCode::kInvalidArgument);
}

// The 420 flow: a request with an unknown comprehension-required attribute is answered with the
// list Parse collected.
TEST(StunIce, UnknownAttributeFlow) {
  const auto key = StunIntegrityKey::ShortTerm("pwd");
  uint8_t req[128];
  StunMessageBuilder b(req, StunMethod::kBinding, StunClass::kRequest, kId);
  b.AddUsername("a:b")
      .AddAttribute(0x0031, std::vector<uint8_t>{1})
      .AddMessageIntegrity(key)
      .AddFingerprint();
  auto parsed = StunMessageView::Parse(std::span<const uint8_t>(req, *b.Finish()));
  ASSERT_TRUE(parsed.ok());
  ASSERT_THAT(parsed->unknown_comprehension_required(), ElementsAre(0x0031));
  uint8_t resp[128];
  auto n = BuildIceBindingError(parsed->transaction_id(), kStunErrorUnknownAttribute, &key, resp,
                                parsed->unknown_comprehension_required());
  ASSERT_TRUE(n.ok());
  auto r = StunMessageView::Parse(std::span<const uint8_t>(resp, *n));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r->unknown_attributes())[0], 0x0031);
}

}  // namespace
}  // namespace sluice

namespace sluice {
namespace {

// DESIGN.md §4: no heap allocation per packet, on receive and on send.
TEST(StunAlloc, BuildParseVerify10000PacketsAllocateNothing) {
  const auto remote = StunIntegrityKey::ShortTerm("remote-password-22char");
  IceBindingRequestParams p;
  p.username = "abcd:efgh";
  p.priority = 0x6e7f00ff;
  p.controlling = true;
  p.tie_breaker = 77;
  p.use_candidate = true;
  uint8_t buf[256];
  uint8_t resp[256];
  const auto mapped = *StunAddress::FromString("[2001:db8::7]:5000");
  test::AllocationScope scope;
  size_t ok = 0;
  for (uint32_t i = 0; i < 10000; ++i) {
    p.transaction_id.bytes[0] = static_cast<uint8_t>(i);
    p.priority = i;
    auto n = BuildIceBindingRequest(p, remote, buf);
    if (!n.ok()) continue;
    auto r = StunMessageView::Parse(std::span<const uint8_t>(buf, *n));
    if (!r.ok() || !VerifyMessageIntegrity(*r, remote).ok() || !VerifyFingerprint(*r).ok())
      continue;
    if (r->priority() != i || !r->use_candidate()) continue;
    auto m = BuildIceBindingSuccess(r->transaction_id(), mapped, remote, resp);
    if (!m.ok()) continue;
    auto s = StunMessageView::Parse(std::span<const uint8_t>(resp, *m));
    if (s.ok() && s->xor_mapped_address() == mapped) ++ok;
  }
  EXPECT_EQ(ok, 10000u);
  EXPECT_EQ(scope.count(), 0u);
}

}  // namespace
}  // namespace sluice
