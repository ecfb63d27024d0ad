#include "ice/candidate.h"

#include <gtest/gtest.h>

namespace sluice::ice {
namespace {

TEST(CandidateTest, PriorityFollowsRfc8445Formula) {
  // (2^24)*126 + (2^8)*65535 + (256 - 1)
  EXPECT_EQ(ComputePriority(CandidateType::kHost, 65535), 2130706431u);
  EXPECT_EQ(ComputePriority(CandidateType::kPeerReflexive, 65535) >> 24, 110u);
  EXPECT_EQ(ComputePriority(CandidateType::kServerReflexive, 65535) >> 24, 100u);
  EXPECT_EQ(ComputePriority(CandidateType::kRelay, 65535) >> 24, 0u);
  EXPECT_EQ(ComputePriority(CandidateType::kHost, 0, 2) & 0xFF, 254u);
  // Chrome's "2122260223" host candidate: type 126, local preference 32542, component 1.
  EXPECT_EQ(ComputePriority(CandidateType::kHost, 32542), 2122260223u);
}

TEST(CandidateTest, PairPriorityFollowsRfc8445Formula) {
  constexpr uint32_t kHost = 2130706431;  // 126 / 65535 / component 1
  constexpr uint32_t kSrflx = 1694498815;  // 100 / 65535 / component 1
  // 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0)
  EXPECT_EQ(CandidatePairPriority(kHost, kSrflx), (uint64_t{kSrflx} << 32) + 2 * uint64_t{kHost} + 1);
  EXPECT_EQ(CandidatePairPriority(kSrflx, kHost), (uint64_t{kSrflx} << 32) + 2 * uint64_t{kHost});
  EXPECT_EQ(CandidatePairPriority(5, 5), (uint64_t{5} << 32) + 10);
  // Both agents compute the same number for the same pair (each from its own role).
  EXPECT_GT(CandidatePairPriority(kHost, kHost), CandidatePairPriority(kHost, kSrflx));
  EXPECT_EQ(CandidatePairPriority(0x7FFFFFFF, 0x7FFFFFFF), (uint64_t{0x7FFFFFFF} << 32) + 0xFFFFFFFE);
}

TEST(CandidateTest, Rfc8421InterleavesFamiliesIpv6First) {
  uint16_t v6_0 = HostLocalPreference(AddressFamily::kIpv6, 0);
  uint16_t v4_0 = HostLocalPreference(AddressFamily::kIpv4, 0);
  uint16_t v6_1 = HostLocalPreference(AddressFamily::kIpv6, 1);
  uint16_t v4_1 = HostLocalPreference(AddressFamily::kIpv4, 1);
  EXPECT_GT(v6_0, v4_0);
  EXPECT_GT(v4_0, v6_1);
  EXPECT_GT(v6_1, v4_1);
  EXPECT_EQ(v6_0, 65535);
}

TEST(CandidateTest, FoundationDependsOnTypeBaseAndServer) {
  auto a = Ipv4Address(192, 0, 2, 1, 1000);
  auto a_other_port = Ipv4Address(192, 0, 2, 1, 2000);
  auto b = Ipv4Address(192, 0, 2, 2, 1000);
  EXPECT_EQ(ComputeFoundation(CandidateType::kHost, a), ComputeFoundation(CandidateType::kHost, a_other_port));
  EXPECT_NE(ComputeFoundation(CandidateType::kHost, a), ComputeFoundation(CandidateType::kHost, b));
  EXPECT_NE(ComputeFoundation(CandidateType::kHost, a),
            ComputeFoundation(CandidateType::kServerReflexive, a));
  auto s1 = Ipv4Address(198, 51, 100, 1, 3478);
  auto s2 = Ipv4Address(198, 51, 100, 2, 3478);
  EXPECT_NE(ComputeFoundation(CandidateType::kServerReflexive, a, s1),
            ComputeFoundation(CandidateType::kServerReflexive, a, s2));
  EXPECT_LE(ComputeFoundation(CandidateType::kHost, a).size(), 32u);
}

TEST(CandidateTest, ParsesTheTaskExampleAndRoundTrips) {
  auto c = Candidate::FromSdpString("candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->foundation, "1");
  EXPECT_EQ(c->component, 1);
  EXPECT_EQ(c->priority, 2122260223u);
  EXPECT_EQ(c->address, Ipv4Address(192, 0, 2, 1, 54321));
  EXPECT_EQ(c->type, CandidateType::kHost);
  EXPECT_FALSE(c->related);
  EXPECT_EQ(c->ToSdpString(), "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host");
}

TEST(CandidateTest, ParsesRealBrowserLines) {
  // Chrome (trickled over a data channel signalling path), with extensions.
  auto chrome = Candidate::FromSdpString(
      "a=candidate:842163049 1 udp 1677729535 198.51.100.7 61665 typ srflx raddr 10.0.1.17 "
      "rport 61665 generation 0 ufrag EsAw network-cost 999\r\n");
  ASSERT_TRUE(chrome.ok()) << chrome.error().message;
  EXPECT_EQ(chrome->type, CandidateType::kServerReflexive);
  EXPECT_EQ(chrome->related, Ipv4Address(10, 0, 1, 17, 61665));
  EXPECT_EQ(chrome->priority >> 24, 100u);
  // Firefox IPv6 host.
  auto firefox = Candidate::FromSdpString("candidate:0 1 UDP 2122252543 2001:db8:85a3::8a2e:370:7334 "
                                          "50371 typ host");
  ASSERT_TRUE(firefox.ok()) << firefox.error().message;
  EXPECT_TRUE(IsIpv6(firefox->address));
  EXPECT_EQ(firefox->address.port(), 50371);
  EXPECT_EQ(firefox->ToSdpString(),
            "candidate:0 1 udp 2122252543 2001:db8:85a3::8a2e:370:7334 50371 typ host");
  auto prflx = Candidate::FromSdpString("candidate:3 1 udp 1845501695 192.0.2.9 5000 typ prflx "
                                        "raddr 0.0.0.0 rport 0");
  ASSERT_TRUE(prflx.ok());
  EXPECT_EQ(prflx->type, CandidateType::kPeerReflexive);
  auto round = Candidate::FromSdpString(chrome->ToSdpString());
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(*round, *chrome);
}

TEST(CandidateTest, RejectsMalformedAndUnsupportedLines) {
  struct Case {
    const char* line;
    ErrorCode code;
  };
  const Case cases[] = {
      {"", ErrorCode::kMalformed},
      {"candidate:1 1 udp 2122260223 192.0.2.1 54321 typ", ErrorCode::kMalformed},
      {"candidate:1 1 udp 2122260223 192.0.2.1 54321 type host", ErrorCode::kMalformed},
      {"candidate:1 1 udp 2122260223 192.0.2.1 54321 typ bogus", ErrorCode::kMalformed},
      {"candidate:1 1 udp 2122260223 192.0.2.1 65536 typ host", ErrorCode::kMalformed},
      {"candidate:1 1 udp 2122260223 192.0.2.1 -1 typ host", ErrorCode::kMalformed},
      {"candidate:1 1 udp 0 192.0.2.1 5000 typ host", ErrorCode::kMalformed},
      {"candidate:1 1 udp 99999999999 192.0.2.1 5000 typ host", ErrorCode::kMalformed},
      {"candidate:1 x udp 1 192.0.2.1 5000 typ host", ErrorCode::kMalformed},
      {"candidate:1 0 udp 1 192.0.2.1 5000 typ host", ErrorCode::kMalformed},
      {"candidate:1 1 udp 1 192.0.2.300 5000 typ host", ErrorCode::kMalformed},
      {"candidate:1 1 udp 1 not-an-ip 5000 typ host", ErrorCode::kMalformed},
      {"candidate:f@o 1 udp 1 192.0.2.1 5000 typ host", ErrorCode::kMalformed},
      {"candidate:123456789012345678901234567890123 1 udp 1 192.0.2.1 5000 typ host", ErrorCode::kMalformed},
      {"candidate:1 1 udp 1 192.0.2.1 5000 typ srflx raddr nope rport 1", ErrorCode::kMalformed},
      {"candidate:1 1 udp 1 192.0.2.1 5000 typ srflx raddr 10.0.0.1 rport 70000", ErrorCode::kMalformed},
      {"candidate:1 2 udp 1 192.0.2.1 5000 typ host", ErrorCode::kUnsupported},
      {"candidate:1 1 tcp 1 192.0.2.1 9 typ host tcptype active", ErrorCode::kUnsupported},
      {"candidate:1 1 udp 1 0b0e3c7a-49bc-4b4b-8f0a-7a1c3b1b9e55.local 5000 typ host", ErrorCode::kUnsupported},
  };
  for (const Case& c : cases) {
    auto r = Candidate::FromSdpString(c.line);
    ASSERT_FALSE(r.ok()) << c.line;
    EXPECT_EQ(r.error().code, c.code) << c.line << ": " << r.error().message;
    EXPECT_STRNE(r.error().message, "");
  }
}

TEST(TransportAddressTest, IpTextForms) {
  auto v4 = ParseIp("192.0.2.1", 80);
  ASSERT_TRUE(v4);
  EXPECT_EQ(IpString(*v4), "192.0.2.1");
  EXPECT_EQ(v4->ToString(), "192.0.2.1:80");
  auto v6 = ParseIp("2001:db8::1", 443);
  ASSERT_TRUE(v6);
  EXPECT_EQ(IpString(*v6), "2001:db8::1");
  EXPECT_EQ(v6->ToString(), "[2001:db8::1]:443");
  EXPECT_NE(*v4, *v6);
  EXPECT_EQ(WithPort(*v6, 1), *ParseIp("2001:db8::1", 1));
  EXPECT_EQ(WithPort(*v4, 1), Ipv4Address(192, 0, 2, 1, 1));
  EXPECT_FALSE(ParseIp("", 1));
  EXPECT_FALSE(ParseIp("[2001:db8::1]", 1));
  EXPECT_FALSE(ParseIp("192.0.2.1:80", 1));
  EXPECT_FALSE(ParseIp(std::string(100, '1'), 1));
}

}  // namespace
}  // namespace sluice::ice
