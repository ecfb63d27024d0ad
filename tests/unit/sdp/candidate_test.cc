#include "sdp/candidate.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::sdp {
namespace {

TEST(CandidateTest, ParsesChromiumHostCandidate) {
  auto c = Candidate::Parse(
      "candidate:262981335 1 udp 2122194687 192.0.2.2 54390 typ host generation 0 network-id 1");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->foundation, "262981335");
  EXPECT_EQ(c->component, 1);
  EXPECT_EQ(c->transport, "udp");
  EXPECT_TRUE(c->is_udp());
  EXPECT_EQ(c->priority, 2122194687u);
  EXPECT_EQ(c->address, "192.0.2.2");
  EXPECT_EQ(c->port, 54390);
  EXPECT_EQ(c->type(), CandidateType::kHost);
  EXPECT_FALSE(c->related_address);
  EXPECT_EQ(c->Extension("generation"), "0");
  EXPECT_EQ(c->Extension("network-id"), "1");
  EXPECT_EQ(c->Extension("ufrag"), std::nullopt);
}

TEST(CandidateTest, ParsesSrflxWithRelatedAddressAndTcpType) {
  auto c = Candidate::Parse(
      "a=candidate:5 1 TCP 1684013055 192.0.2.3 45664 typ srflx raddr 10.0.1.1 rport 8998 "
      "tcptype passive generation 5");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->type(), CandidateType::kServerReflexive);
  EXPECT_FALSE(c->is_udp());
  EXPECT_EQ(c->related_address, "10.0.1.1");
  EXPECT_EQ(c->related_port, 8998);
  EXPECT_EQ(c->tcp_type, "passive");
  ASSERT_EQ(c->extensions.size(), 1u);
  EXPECT_EQ(c->extensions[0].first, "generation");
  EXPECT_EQ(c->extensions[0].second, "5");
}

TEST(CandidateTest, ParsesMdnsIpv6RelayAndPrflx) {
  auto mdns = Candidate::Parse(
      "1560499547 1 udp 2113937151 2cf0b2c0-0842-4fe3-aaa0-4556a2dfbadc.local 33192 typ host");
  ASSERT_TRUE(mdns.ok());
  EXPECT_EQ(mdns->address, "2cf0b2c0-0842-4fe3-aaa0-4556a2dfbadc.local");
  auto v6 = Candidate::Parse("candidate:1 2 udp 1 fd00::2 1 typ relay raddr fd00::1 rport 0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->component, 2);
  EXPECT_EQ(v6->type(), CandidateType::kRelay);
  EXPECT_EQ(v6->related_port, 0);
  auto prflx = Candidate::Parse("candidate:a+/B 1 udp 1 1.2.3.4 5 typ prflx");
  ASSERT_TRUE(prflx.ok());
  EXPECT_EQ(prflx->type(), CandidateType::kPeerReflexive);
  auto other = Candidate::Parse("candidate:1 1 udp 1 1.2.3.4 5 typ future-type");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->type(), CandidateType::kOther);
}

TEST(CandidateTest, ToStringRoundTrips) {
  const std::string text =
      "candidate:4 1 TCP 1688207359 192.0.2.3 9 typ srflx raddr 10.0.1.1 rport 9 tcptype active "
      "generation 0 ufrag EsAw network-id 1 network-cost 10";
  auto c = Candidate::Parse(text);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->ToString(), text);
  auto again = Candidate::Parse(c->ToString());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *c);
}

TEST(CandidateTest, ToleratesExtraSpacesAndTrailingWhitespace) {
  auto c = Candidate::Parse("candidate:1  1 udp 7 1.2.3.4 5 typ host  \t");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->ToString(), "candidate:1 1 udp 7 1.2.3.4 5 typ host");
}

struct BadCandidate {
  const char* text;
  const char* reason;
};

class CandidateErrorTest : public ::testing::TestWithParam<BadCandidate> {};

TEST_P(CandidateErrorTest, RejectsWithReason) {
  auto c = Candidate::Parse(GetParam().text);
  ASSERT_FALSE(c.ok()) << GetParam().text;
  EXPECT_EQ(c.error().code, ErrorCode::kMalformed);
  EXPECT_STREQ(c.error().message, GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, CandidateErrorTest,
    ::testing::Values(
        BadCandidate{"candidate:", "candidate is empty"},
        BadCandidate{"candidate:1", "candidate is missing its component id"},
        BadCandidate{"candidate:1 1", "candidate is missing its transport"},
        BadCandidate{"candidate:1 1 udp", "candidate is missing its priority"},
        BadCandidate{"candidate:1 1 udp 5", "candidate is missing its connection address"},
        BadCandidate{"candidate:1 1 udp 5 1.2.3.4", "candidate is missing its port"},
        BadCandidate{"candidate:1 1 udp 5 1.2.3.4 9", "candidate is missing \"typ\""},
        BadCandidate{"candidate:1 1 udp 5 1.2.3.4 9 typ",
                     "candidate is missing its candidate type"},
        BadCandidate{"candidate:1 1 udp 5 1.2.3.4 9 type host",
                     "candidate has no \"typ\" after the port"},
        BadCandidate{"candidate:1 0 udp 5 1.2.3.4 9 typ host",
                     "candidate component id is not 1..256"},
        BadCandidate{"candidate:1 257 udp 5 1.2.3.4 9 typ host",
                     "candidate component id is not 1..256"},
        BadCandidate{"candidate:1 1 udp 4294967296 1.2.3.4 9 typ host",
                     "candidate priority is not a 32-bit number"},
        BadCandidate{"candidate:1 1 udp -5 1.2.3.4 9 typ host",
                     "candidate priority is not a 32-bit number"},
        BadCandidate{"candidate:1 1 udp 5 1.2.3.4 65536 typ host",
                     "candidate port is not 0..65535"},
        BadCandidate{"candidate:1 1 udp 5 1.2.3.4 9x typ host", "candidate port is not 0..65535"},
        BadCandidate{"candidate:1 1 udp 5 1.2.3.4 9 typ host raddr",
                     "candidate extension has a name but no value"},
        BadCandidate{"candidate:1 1 udp 5 1.2.3.4 9 typ host rport 70000",
                     "candidate rport is not 0..65535"},
        BadCandidate{"candidate:1 1 udp 5 1.2.3.4 9 typ host raddr 1.1.1.1 raddr 2.2.2.2",
                     "candidate has raddr twice"},
        BadCandidate{"candidate:1 1 udp 5 1.2.3.<> 9 typ host",
                     "candidate connection address is invalid"},
        BadCandidate{"candidate:abc=def 1 udp 5 1.2.3.4 9 typ host",
                     "candidate foundation is not 1*32 ice-char"},
        BadCandidate{"candidate:123456789012345678901234567890123 1 udp 5 1.2.3.4 9 typ host",
                     "candidate foundation is not 1*32 ice-char"}));

TEST(CandidateTest, BoundsTheNumberOfExtensions) {
  std::string text = "candidate:1 1 udp 5 1.2.3.4 9 typ host";
  for (int i = 0; i < 40; ++i) text += " k" + std::to_string(i) + " v";
  auto c = Candidate::Parse(text);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kExhausted);
}

}  // namespace
}  // namespace sluice::sdp
