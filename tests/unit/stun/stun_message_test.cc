// StunMessageView::Parse on malformed input, the attribute walk, the §14.5 ignore rule and the
// typed accessors.
#include "stun/stun_message.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "common/byte_order.h"
#include "stun/stun_builder.h"
#include "stun/stun_integrity.h"
#include "stun_test_vectors.h"

namespace sluice {
namespace {

using stun_test::FromHex;
using ::testing::ElementsAre;

// A Binding request header with the given attribute bytes; the length field is set to match.
std::vector<uint8_t> Message(std::vector<uint8_t> attrs, uint16_t type = 0x0001) {
  std::vector<uint8_t> m = FromHex("0000 0000 2112a442 000102030405060708090a0b");
  StoreBe16(m.data(), type);
  StoreBe16(m.data() + 2, static_cast<uint16_t>(attrs.size()));
  m.insert(m.end(), attrs.begin(), attrs.end());
  return m;
}

ErrorCode ParseError(const std::vector<uint8_t>& m) {
  auto r = StunMessageView::Parse(m);
  EXPECT_FALSE(r.ok());
  return r.ok() ? ErrorCode::kInternal : r.error().code;
}

TEST(StunMessage, MessageTypeBits) {
  EXPECT_EQ(StunMessageType(StunMethod::kBinding, StunClass::kRequest), 0x0001);
  EXPECT_EQ(StunMessageType(StunMethod::kBinding, StunClass::kIndication), 0x0011);
  EXPECT_EQ(StunMessageType(StunMethod::kBinding, StunClass::kSuccessResponse), 0x0101);
  EXPECT_EQ(StunMessageType(StunMethod::kBinding, StunClass::kErrorResponse), 0x0111);
  // Every method and class survives the interleaving.
  for (uint16_t m = 0; m < 0x1000; ++m) {
    for (uint8_t c = 0; c < 4; ++c) {
      const uint16_t t = StunMessageType(static_cast<StunMethod>(m), static_cast<StunClass>(c));
      ASSERT_LT(t, 0x4000);
      ASSERT_EQ(static_cast<uint16_t>(StunMethodOf(t)), m);
      ASSERT_EQ(static_cast<uint8_t>(StunClassOf(t)), c);
    }
  }
}

TEST(StunMessage, EmptyBindingRequest) {
  auto m = Message({});
  auto r = StunMessageView::Parse(m);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->attribute_count(), 0u);
  EXPECT_EQ(r->attributes().begin(), r->attributes().end());
  EXPECT_FALSE(r->username());
  EXPECT_FALSE(r->xor_mapped_address());
  EXPECT_TRUE(StunMessageView::LooksLikeStun(m));
}

TEST(StunMessage, EveryTruncationFails) {
  const auto full = FromHex(stun_test::kRfc5769Request);
  for (size_t n = 0; n < full.size(); ++n) {
    std::vector<uint8_t> cut(full.begin(), full.begin() + n);
    auto r = StunMessageView::Parse(cut);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code, ErrorCode::kTruncated) << n;
    EXPECT_FALSE(StunMessageView::LooksLikeStun(cut));
  }
}

TEST(StunMessage, HeaderChecks) {
  auto m = Message({});
  m[0] |= 0x80;
  EXPECT_EQ(ParseError(m), ErrorCode::kMalformed);  // top bits
  m = Message({});
  m[0] |= 0x40;
  EXPECT_EQ(ParseError(m), ErrorCode::kMalformed);
  m = Message({});
  m[7] ^= 1;
  EXPECT_EQ(ParseError(m), ErrorCode::kMalformed);  // magic cookie
  EXPECT_FALSE(StunMessageView::LooksLikeStun(m));
}

TEST(StunMessage, LengthNotMultipleOfFour) {
  auto m = Message(FromHex("0006 0003 616263 00"));
  for (uint16_t len : {1, 2, 3, 5, 6, 7}) {
    StoreBe16(m.data() + 2, len);
    m.resize(20 + len, 0);
    EXPECT_EQ(ParseError(m), ErrorCode::kMalformed) << len;
  }
}

TEST(StunMessage, LengthBeyondDatagram) {
  auto m = Message(FromHex("0006 0003 616263 00"));
  StoreBe16(m.data() + 2, 12);
  EXPECT_EQ(ParseError(m), ErrorCode::kTruncated);
  StoreBe16(m.data() + 2, 0xFFFC);
  EXPECT_EQ(ParseError(m), ErrorCode::kTruncated);
}

TEST(StunMessage, TrailingBytesAfterLength) {
  auto m = Message(FromHex("0006 0003 616263 00"));
  m.insert(m.end(), {0, 0, 0, 0});
  EXPECT_EQ(ParseError(m), ErrorCode::kMalformed);
}

TEST(StunMessage, AttributePastEnd) {
  // USERNAME claims 8 bytes, the message holds 4.
  EXPECT_EQ(ParseError(Message(FromHex("0006 0008 61626364"))), ErrorCode::kTruncated);
  // Claims 0xFFFF bytes.
  EXPECT_EQ(ParseError(Message(FromHex("0006 ffff 61626364"))), ErrorCode::kTruncated);
  // Length 5 where 4 bytes remain (the padded value would need 8).
  EXPECT_EQ(ParseError(Message(FromHex("0006 0005 61626364"))), ErrorCode::kTruncated);
  // The second attribute lies about its length.
  EXPECT_EQ(ParseError(Message(FromHex("8022 0001 61000000 8022 0005 61626364"))),
            ErrorCode::kTruncated);
}

TEST(StunMessage, FingerprintNotLast) {
  // FINGERPRINT followed by SOFTWARE.
  auto m = Message(FromHex("8028 0004 00000000 8022 0004 61626364"));
  auto r = StunMessageView::Parse(m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
  EXPECT_STREQ(r.error().message, "FINGERPRINT is not the last attribute");
  // Two FINGERPRINTs.
  EXPECT_EQ(ParseError(Message(FromHex("8028 0004 00000000 8028 0004 00000000"))),
            ErrorCode::kMalformed);
}

TEST(StunMessage, AttributeCountIsBounded) {
  // 64 empty unknown optional attributes parse; 65 do not (a loop of empty TLVs cannot hang).
  std::vector<uint8_t> attrs;
  for (int i = 0; i < 64; ++i) attrs.insert(attrs.end(), {0x80, 0x99, 0x00, 0x00});
  EXPECT_TRUE(StunMessageView::Parse(Message(attrs)).ok());
  attrs.insert(attrs.end(), {0x80, 0x99, 0x00, 0x00});
  EXPECT_EQ(ParseError(Message(attrs)), ErrorCode::kMalformed);
  // A datagram of the maximum size full of empty attributes is rejected quickly.
  std::vector<uint8_t> big;
  for (int i = 0; i < 16383; ++i) big.insert(big.end(), {0x80, 0x99, 0x00, 0x00});
  EXPECT_EQ(ParseError(Message(big)), ErrorCode::kMalformed);
}

TEST(StunMessage, KnownAttributeLengthsAreChecked) {
  const char* bad[] = {
      "0024 0003 010203 00",                                  // PRIORITY 3 bytes
      "0024 0008 0102030405060708",                           // PRIORITY 8 bytes
      "0025 0004 00000000",                                   // USE-CANDIDATE not empty
      "802a 0004 00000000",                                   // ICE-CONTROLLING 4 bytes
      "8029 000c 000000000000000000000000",                   // ICE-CONTROLLED 12 bytes
      "0008 0010 00000000000000000000000000000000",           // MESSAGE-INTEGRITY 16 bytes
      "001c 000c 000000000000000000000000",                   // MESSAGE-INTEGRITY-SHA256 12 bytes
      "001c 0012 000000000000000000000000000000000000 0000",  // 18 bytes: not a multiple of 4
      "001c 0024 000000000000000000000000000000000000000000000000000000000000000000000000",  // 36
      "8028 0008 0000000000000000",   // FINGERPRINT 8 bytes
      "0009 0003 000004 00",          // ERROR-CODE shorter than 4
      "0009 0004 00000201",           // ERROR-CODE class 2
      "0009 0004 00000701",           // ERROR-CODE class 7
      "0009 0004 00000464",           // ERROR-CODE number 100
      "000a 0003 000100 00",          // UNKNOWN-ATTRIBUTES odd length
      "0020 0004 00010000",           // XOR-MAPPED-ADDRESS truncated to 4 bytes
      "0020 0007 0001a147e112a6 00",  // XOR-MAPPED-ADDRESS IPv4 7 bytes
      "0020 0008 0002a147e112a643",   // XOR-MAPPED-ADDRESS IPv6 family with 8 bytes
      "0020 0008 0003a147e112a643",   // unknown family 3
      "0020 0008 0000a147e112a643",   // unknown family 0
      "0001 0002 0001 0000",          // MAPPED-ADDRESS 2 bytes
      "0001 0014 00010000 00000000000000000000000000000000",  // IPv4 family with 20 bytes
  };
  for (const char* hex : bad) {
    auto m = Message(FromHex(hex));
    ASSERT_EQ(m.size() % 4, 0u) << hex;
    auto r = StunMessageView::Parse(m);
    EXPECT_FALSE(r.ok()) << hex;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, ErrorCode::kMalformed) << hex;
      EXPECT_STRNE(r.error().message, "") << hex;
    }
  }
}

TEST(StunMessage, LongTextAttributes) {
  std::vector<uint8_t> username(4 + 512, 'u');
  StoreBe16(username.data(), 0x0006);
  StoreBe16(username.data() + 2, 512);
  EXPECT_TRUE(StunMessageView::Parse(Message(username)).ok());
  username.resize(4 + 516, 'u');
  StoreBe16(username.data() + 2, 513);
  EXPECT_EQ(ParseError(Message(username)), ErrorCode::kMalformed);
  std::vector<uint8_t> software(4 + 764, 's');
  StoreBe16(software.data(), 0x8022);
  StoreBe16(software.data() + 2, 764);
  EXPECT_EQ(ParseError(Message(software)), ErrorCode::kMalformed);
}

TEST(StunMessage, PaddingBytesAreIgnored) {
  auto m = Message(FromHex("0006 0003 616263 cc"));  // libwebrtc's padded USERNAME sample
  auto r = StunMessageView::Parse(m);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->username(), "abc");
}

TEST(StunMessage, AttributesInWireOrderAndFind) {
  auto m =
      Message(FromHex("00aa 0007 61626364656667 00"  // unknown comprehension-required
                      "0006 0003 616263 00"          // USERNAME abc
                      "80ff 0002 0102 0000"          // unknown optional
                      "0006 0001 7a 000000"));       // a second USERNAME: ignored
  auto r = StunMessageView::Parse(m);
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::vector<uint16_t> types;
  std::vector<size_t> sizes;
  for (const auto& a : r->attributes()) {
    types.push_back(a.type);
    sizes.push_back(a.value.size());
  }
  EXPECT_THAT(types, ElementsAre(0x00aa, 0x0006, 0x80ff, 0x0006));
  EXPECT_THAT(sizes, ElementsAre(7, 3, 2, 1));
  EXPECT_EQ(r->username(), "abc");  // first occurrence
  auto unknown = r->Find(0x80ff);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->value.size(), 2u);
  EXPECT_EQ(unknown->offset, 20u + 12 + 8);
  EXPECT_FALSE(r->Find(0x80fe));
  EXPECT_THAT(r->unknown_comprehension_required(), ElementsAre(0x00aa));
}

TEST(StunMessage, UnknownComprehensionRequiredReported) {
  auto m = Message(FromHex("7fff 0000 0003 0000 c001 0000 001e 0004 01020304"));
  auto r = StunMessageView::Parse(m);
  ASSERT_TRUE(r.ok());
  // 0x7fff, 0x0003 (RFC 3489's RESPONSE-ADDRESS) and USERHASH are comprehension-required and not
  // understood; 0xc001 is optional.
  EXPECT_THAT(r->unknown_comprehension_required(), ElementsAre(0x7fff, 0x0003, 0x001e));
}

TEST(StunMessage, AttributesAfterIntegrityAreIgnored) {
  const auto key = StunIntegrityKey::ShortTerm("pwd");
  uint8_t buf[256];
  StunTransactionId id{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}};
  StunMessageBuilder b(buf, StunMethod::kBinding, StunClass::kRequest, id);
  b.AddUsername("a:b").AddMessageIntegrity(key);
  auto n = b.Finish();
  ASSERT_TRUE(n.ok());
  // Append PRIORITY, USE-CANDIDATE and an unknown comprehension-required attribute after MI, as
  // an attacker could without knowing the key, then FINGERPRINT.
  std::vector<uint8_t> m(buf, buf + *n);
  const auto extra = FromHex("0024 0004 7effffff 0025 0000 0077 0000");
  m.insert(m.end(), extra.begin(), extra.end());
  m.insert(m.end(), {0x80, 0x28, 0x00, 0x04, 0, 0, 0, 0});
  StoreBe16(m.data() + 2, static_cast<uint16_t>(m.size() - 20));
  StoreBe32(m.data() + m.size() - 4, ComputeStunFingerprint(std::span(m).first(m.size() - 8)));
  auto r = StunMessageView::Parse(m);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->attribute_count(), 6u);
  EXPECT_FALSE(r->priority());
  EXPECT_FALSE(r->use_candidate());
  EXPECT_FALSE(r->Find(0x0077));
  EXPECT_TRUE(r->unknown_comprehension_required().empty());
  EXPECT_TRUE(VerifyMessageIntegrity(*r, key).ok());
  EXPECT_TRUE(VerifyFingerprint(*r).ok());
  // Malformed attributes in the ignored region do not fail the parse either.
  const auto bad_priority = FromHex("0024 0000");
  std::vector<uint8_t> m2(buf, buf + *n);
  m2.insert(m2.end(), bad_priority.begin(), bad_priority.end());
  StoreBe16(m2.data() + 2, static_cast<uint16_t>(m2.size() - 20));
  EXPECT_TRUE(StunMessageView::Parse(m2).ok());
}

TEST(StunMessage, IntegrityAfterSha256IsIgnored) {
  // RFC 8489 §14.6: after MESSAGE-INTEGRITY-SHA256 only FINGERPRINT counts, so a
  // MESSAGE-INTEGRITY placed after it is ignored.
  auto m =
      Message(FromHex("001c 0010 00000000000000000000000000000000"
                      "0008 0014 0000000000000000000000000000000000000000"
                      "0006 0003 616263 00"));
  auto r = StunMessageView::Parse(m);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->has_message_integrity_sha256());
  EXPECT_FALSE(r->has_message_integrity());
  EXPECT_FALSE(r->username());
  EXPECT_EQ(VerifyMessageIntegrity(*r, StunIntegrityKey::ShortTerm("k")).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(VerifyMessageIntegritySha256(*r, StunIntegrityKey::ShortTerm("k")).error().code,
            ErrorCode::kAuthFailed);
}

TEST(StunMessage, ErrorCodeAndUnknownAttributes) {
  // libwebrtc's 401 sample, then UNKNOWN-ATTRIBUTES with three types and padding.
  auto m = Message(FromHex("0009 0010 00000401 556e617574686f72697a6564"
                           "000a 0006 0001 1000 abcd 0000"),
                   0x0111);
  auto r = StunMessageView::Parse(m);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->message_class(), StunClass::kErrorResponse);
  auto e = r->error_code();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, 401);
  EXPECT_EQ(e->reason, "Unauthorized");
  auto u = r->unknown_attributes();
  ASSERT_TRUE(u);
  ASSERT_EQ(u->size(), 3u);
  EXPECT_EQ((*u)[0], 0x0001);
  EXPECT_EQ((*u)[1], 0x1000);
  EXPECT_EQ((*u)[2], 0xabcd);
  EXPECT_EQ((*u)[3], 0);  // out of range reads as 0, never past the value
}

TEST(StunMessage, MappedAddress) {
  auto m = Message(FromHex("0001 0008 0001 ea49 ac1744e6"), 0x0101);
  auto r = StunMessageView::Parse(m);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->mapped_address());
  EXPECT_EQ(r->mapped_address()->ToString(), "172.23.68.230:59977");
}

}  // namespace
}  // namespace sluice
