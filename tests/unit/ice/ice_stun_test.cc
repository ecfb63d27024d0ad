// The STUN Binding messages ICE builds and reads: RFC 5769 test vectors, round trips,
// credentials, and every malformed input we could think of.
#include "ice/ice_stun.h"

#include <gtest/gtest.h>

#include <vector>

namespace sluice::ice {
namespace {

// RFC 5769 §2.1 Sample Request: USERNAME "evtj:h6vY", password "VOkJxbRl1RmTxUk/WvJxBt".
const std::vector<uint8_t> kRfc5769Request = {
    0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10, 0x53, 0x54, 0x55, 0x4e, 0x20, 0x74, 0x65, 0x73,
    0x74, 0x20, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x00, 0x24, 0x00, 0x04, 0x6e, 0x00, 0x01, 0xff,
    0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36, 0x00, 0x06, 0x00, 0x09,
    0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68, 0x36, 0x76, 0x59, 0x20, 0x20, 0x20, 0x00, 0x08, 0x00, 0x14,
    0x9a, 0xea, 0xa7, 0x0c, 0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49,
    0xc1, 0xb5, 0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf};
// RFC 5769 §2.2 Sample IPv4 Response: XOR-MAPPED-ADDRESS 192.0.2.1:32853, same password.
const std::vector<uint8_t> kRfc5769Ipv4Response = {
    0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
    0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
    0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9,
    0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7, 0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96};
constexpr char kRfc5769Password[] = "VOkJxbRl1RmTxUk/WvJxBt";

TEST(IceStunTest, ParsesRfc5769SampleRequest) {
  auto m = ParseIceStun(kRfc5769Request);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->cls, StunClass::kRequest);
  EXPECT_EQ(m->username, "evtj:h6vY");
  EXPECT_EQ(m->priority, 0x6e0001ffu);
  EXPECT_EQ(m->ice_controlled, 0x932ff9b151263b36u);
  EXPECT_FALSE(m->ice_controlling);
  EXPECT_FALSE(m->use_candidate);
  EXPECT_TRUE(m->has_integrity);
  EXPECT_TRUE(m->has_fingerprint);
  EXPECT_EQ(m->transaction_id[0], 0xb7);
  EXPECT_TRUE(VerifyIceIntegrity(kRfc5769Request, kRfc5769Password));
  EXPECT_FALSE(VerifyIceIntegrity(kRfc5769Request, "VOkJxbRl1RmTxUk/WvJxBu"));
  EXPECT_FALSE(VerifyIceIntegrity(kRfc5769Request, ""));
}

TEST(IceStunTest, ParsesRfc5769SampleIpv4Response) {
  auto m = ParseIceStun(kRfc5769Ipv4Response);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->cls, StunClass::kSuccess);
  EXPECT_EQ(m->xor_mapped_address, TransportAddress::V4(192, 0, 2, 1, 32853));
  EXPECT_TRUE(VerifyIceIntegrity(kRfc5769Ipv4Response, kRfc5769Password));
}

TEST(IceStunTest, RequestRoundTripAndIntegrity) {
  std::array<uint8_t, kMaxIceStunSize> buf;
  BindingRequestParams p;
  for (uint8_t i = 0; i < 12; ++i) p.transaction_id[i] = i;
  p.username = "ZZZZ:AAAAAAAA";
  p.password = "0123456789abcdefghijkl";
  p.priority = 1845501695;
  p.include_role = true;
  p.controlling = true;
  p.tie_breaker = 0x0102030405060708;
  p.use_candidate = true;
  auto n = WriteBindingRequest(p, buf);
  ASSERT_TRUE(n.ok());
  std::span<const uint8_t> msg(buf.data(), *n);
  // 20 header + 4+16 USERNAME (13 padded) + 8 PRIORITY + 12 ICE-CONTROLLING + 4 USE-CANDIDATE
  // + 24 MESSAGE-INTEGRITY + 8 FINGERPRINT
  EXPECT_EQ(*n, 20u + 20 + 8 + 12 + 4 + 24 + 8);
  auto m = ParseIceStun(msg);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->transaction_id, p.transaction_id);
  EXPECT_EQ(m->username, p.username);
  EXPECT_EQ(m->priority, p.priority);
  EXPECT_EQ(m->ice_controlling, p.tie_breaker);
  EXPECT_TRUE(m->use_candidate);
  EXPECT_TRUE(m->has_fingerprint);
  EXPECT_TRUE(VerifyIceIntegrity(msg, p.password));
  EXPECT_FALSE(VerifyIceIntegrity(msg, "0123456789abcdefghijkm"));
  // Every buffer shorter than the message is refused, never overrun.
  for (size_t len = 0; len < *n; ++len) {
    std::vector<uint8_t> small(len);
    auto r = WriteBindingRequest(p, small);
    ASSERT_FALSE(r.ok()) << len;
    EXPECT_EQ(r.error().code, ErrorCode::kBufferTooSmall);
  }
}

TEST(IceStunTest, SuccessAndErrorRoundTrip) {
  std::array<uint8_t, kMaxIceStunSize> buf;
  TransactionId id{};
  id[11] = 9;
  auto v6 = *TransportAddress::FromString("2001:db8::1234", 40000);
  auto n = WriteBindingSuccess(id, v6, "pw0123456789012345678901", buf);
  ASSERT_TRUE(n.ok());
  auto m = ParseIceStun(std::span(buf.data(), *n));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->cls, StunClass::kSuccess);
  EXPECT_EQ(m->xor_mapped_address, v6);
  EXPECT_TRUE(VerifyIceIntegrity(std::span(buf.data(), *n), "pw0123456789012345678901"));

  n = WriteBindingError(id, kStunRoleConflict, "Role Conflict", "pw0123456789012345678901", buf);
  ASSERT_TRUE(n.ok());
  m = ParseIceStun(std::span(buf.data(), *n));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->cls, StunClass::kError);
  EXPECT_EQ(m->error_code, 487);
  EXPECT_FALSE(WriteBindingError(id, 200, "", "", buf).ok());
  // Unauthenticated (server-reflexive) messages: no MESSAGE-INTEGRITY, still a FINGERPRINT.
  n = WriteBindingSuccess(id, TransportAddress::V4(192, 0, 2, 1, 1), "", buf);
  m = ParseIceStun(std::span(buf.data(), *n));
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->has_integrity);
  EXPECT_TRUE(m->has_fingerprint);
  EXPECT_FALSE(VerifyIceIntegrity(std::span(buf.data(), *n), ""));
}

std::vector<uint8_t> Msg(std::initializer_list<uint8_t> attrs, uint16_t type = 0x0001) {
  std::vector<uint8_t> m = {static_cast<uint8_t>(type >> 8), static_cast<uint8_t>(type), 0, 0,
                            0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  m.insert(m.end(), attrs);
  m[3] = static_cast<uint8_t>(m.size() - 20);
  return m;
}

TEST(IceStunTest, RejectsMalformedMessages) {
  struct Case {
    const char* what;
    std::vector<uint8_t> bytes;
    ErrorCode code;
  };
  std::vector<Case> cases = {
      {"empty", {}, ErrorCode::kTruncated},
      {"top bits", [] { auto m = Msg({}); m[0] |= 0x80; return m; }(), ErrorCode::kMalformed},
      {"no cookie", [] { auto m = Msg({}); m[4] = 0; return m; }(), ErrorCode::kMalformed},
      {"length not /4", [] { auto m = Msg({0, 0x25, 0, 0}); m[3] = 3; return m; }(), ErrorCode::kMalformed},
      {"length past end", [] { auto m = Msg({}); m[3] = 8; return m; }(), ErrorCode::kTruncated},
      {"trailing bytes", [] { auto m = Msg({0, 0x25, 0, 0}); m[3] = 0; return m; }(), ErrorCode::kMalformed},
      {"not binding", Msg({}, 0x0003), ErrorCode::kUnsupported},
      {"attr past end", Msg({0, 0x06, 0, 8, 'a', 'b', 'c', 'd'}), ErrorCode::kTruncated},
      {"attr header cut", Msg({0, 0x06, 0, 0, 0x00, 0x24, 0, 4}), ErrorCode::kTruncated},
      {"priority len", Msg({0, 0x24, 0, 2, 0, 1, 0, 0}), ErrorCode::kMalformed},
      {"controlling len", Msg({0x80, 0x2a, 0, 4, 0, 0, 0, 1}), ErrorCode::kMalformed},
      {"controlled len", Msg({0x80, 0x29, 0, 4, 0, 0, 0, 1}), ErrorCode::kMalformed},
      {"use-candidate len", Msg({0, 0x25, 0, 4, 0, 0, 0, 1}), ErrorCode::kMalformed},
      {"mi len", Msg({0, 0x08, 0, 4, 0, 0, 0, 1}), ErrorCode::kMalformed},
      {"fp len", Msg({0x80, 0x28, 0, 0}), ErrorCode::kMalformed},
      {"fp wrong", Msg({0x80, 0x28, 0, 4, 0, 0, 0, 0}), ErrorCode::kAuthFailed},
      {"fp not last", Msg({0x80, 0x28, 0, 4, 0, 0, 0, 0, 0, 0x25, 0, 0}), ErrorCode::kMalformed},
      {"xma family", Msg({0, 0x20, 0, 8, 0, 3, 0, 1, 1, 2, 3, 4}), ErrorCode::kMalformed},
      {"xma v6 short", Msg({0, 0x20, 0, 8, 0, 2, 0, 1, 1, 2, 3, 4}), ErrorCode::kMalformed},
      {"error code short", Msg({0, 0x09, 0, 2, 0, 0, 0, 0}, 0x0111), ErrorCode::kMalformed},
      {"error class", Msg({0, 0x09, 0, 4, 0, 0, 7, 1}, 0x0111), ErrorCode::kMalformed},
      {"error number", Msg({0, 0x09, 0, 4, 0, 0, 4, 100}, 0x0111), ErrorCode::kMalformed},
      {"error without code", Msg({}, 0x0111), ErrorCode::kMalformed},
  };
  for (const Case& c : cases) {
    auto r = ParseIceStun(c.bytes);
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.error().code, c.code) << c.what << ": " << r.error().message;
    EXPECT_FALSE(VerifyIceIntegrity(c.bytes, "x")) << c.what;
  }
  // A USERNAME longer than 513 bytes.
  std::vector<uint8_t> big = Msg({});
  big.push_back(0);
  big.push_back(0x06);
  big.push_back(0x02);
  big.push_back(0x04);  // 516
  big.resize(big.size() + 516, 'a');
  big[2] = static_cast<uint8_t>((big.size() - 20) >> 8);
  big[3] = static_cast<uint8_t>(big.size() - 20);
  EXPECT_EQ(ParseIceStun(big).error().code, ErrorCode::kMalformed);
}

TEST(IceStunTest, EveryTruncationOfRealMessagesFailsCleanly) {
  for (const auto* v : {&kRfc5769Request, &kRfc5769Ipv4Response}) {
    for (size_t n = 0; n < v->size(); ++n) {
      std::vector<uint8_t> cut(v->begin(), v->begin() + static_cast<long>(n));
      EXPECT_FALSE(ParseIceStun(cut).ok()) << n;
      EXPECT_FALSE(VerifyIceIntegrity(cut, kRfc5769Password)) << n;
    }
  }
}

TEST(IceStunTest, AttributesAfterIntegrityAreIgnored) {
  // RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) are ignored.
  std::array<uint8_t, kMaxIceStunSize> buf;
  BindingRequestParams p;
  p.username = "abcd:efgh";
  p.password = "0123456789abcdefghijkl";
  p.priority = 5;
  auto n = WriteBindingRequest(p, buf);
  ASSERT_TRUE(n.ok());
  // Drop the FINGERPRINT, append USE-CANDIDATE after MESSAGE-INTEGRITY.
  std::vector<uint8_t> m(buf.begin(), buf.begin() + static_cast<long>(*n - 8));
  m.insert(m.end(), {0x00, 0x25, 0x00, 0x00});
  m[3] = static_cast<uint8_t>(m.size() - 20);
  auto parsed = ParseIceStun(m);
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->use_candidate);
  EXPECT_FALSE(parsed->has_fingerprint);
  EXPECT_TRUE(VerifyIceIntegrity(m, p.password));
}

}  // namespace
}  // namespace sluice::ice
