// Replays STUN datagrams captured from a real, independent ICE implementation (aioice) against
// the agent configured exactly as it was during the capture: the agent must accept aioice's
// checks and answers (integrity, fingerprint, USERNAME, role attributes) and connect.
#include <gtest/gtest.h>

#include <vector>

#include "ice/agent.h"
#include "stun/stun_integrity.h"
#include "stun/stun_message.h"

namespace sluice::ice {
namespace {

// Captured on a real network interface (192.0.2.2, UDP) from aioice 0.8.0 (Debian
// python3-aioice) talking to this agent (tools in capture/). Our side used
// ufrag "sluiceUF", pwd "sluicePasswordForInterop0", seed 7, so its transaction ids replay.
// aioice controlling (aggressive USE-CANDIDATE); aioice ufrag adM6, pwd pnbdyaZWAKXKv8LhLwXcmS,
// aioice at 192.0.2.2:51849, our socket 192.0.2.2:37968.
const std::vector<uint8_t> kAioiceControllingRequest = {
    0x00, 0x01, 0x00, 0x4c, 0x21, 0x12, 0xa4, 0x42, 0xf7, 0xde, 0x08, 0x74, 0x2a, 0xc2, 0xc9, 0x44,
    0x7c, 0xe5, 0x49, 0x3e, 0x00, 0x06, 0x00, 0x0d, 0x73, 0x6c, 0x75, 0x69, 0x63, 0x65, 0x55, 0x46,
    0x3a, 0x61, 0x64, 0x4d, 0x36, 0x00, 0x00, 0x00, 0x00, 0x24, 0x00, 0x04, 0x6e, 0xff, 0xff, 0xff,
    0x80, 0x2a, 0x00, 0x08, 0x1a, 0xd1, 0xb4, 0x53, 0x3e, 0xaa, 0x49, 0x81, 0x00, 0x25, 0x00, 0x00,
    0x00, 0x08, 0x00, 0x14, 0xb2, 0xb0, 0x30, 0x97, 0xe1, 0xac, 0x0b, 0x54, 0x75, 0xcf, 0xaf, 0x1e,
    0x1d, 0x95, 0xd0, 0xdd, 0xda, 0x71, 0x3b, 0x1f, 0x80, 0x28, 0x00, 0x04, 0xde, 0x65, 0x39, 0xd2,
};
const std::vector<uint8_t> kAioiceControllingResponse = {
    0x01, 0x01, 0x00, 0x2c, 0x21, 0x12, 0xa4, 0x42, 0xd2, 0x2c, 0x48, 0x4f, 0x96, 0x3d, 0x5c, 0x47,
    0x96, 0x79, 0x2c, 0x95, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xb5, 0x42, 0xe1, 0x12, 0xa6, 0x40,
    0x00, 0x08, 0x00, 0x14, 0x36, 0x20, 0xe8, 0x11, 0xc4, 0x15, 0x7b, 0x33, 0x89, 0x0c, 0x19, 0xa7,
    0x45, 0x4a, 0x00, 0x77, 0x88, 0xce, 0x73, 0x2f, 0x80, 0x28, 0x00, 0x04, 0x20, 0x20, 0xa7, 0xff,
};
// aioice controlled; ufrag fzua, pwd oRIa0oXib6XLo1xnW0OSpG, aioice at 192.0.2.2:60513, our
// socket 192.0.2.2:35795. Request, answer to our first check, answer to our nomination.
const std::vector<uint8_t> kAioiceControlledRequest = {
    0x00, 0x01, 0x00, 0x48, 0x21, 0x12, 0xa4, 0x42, 0xf7, 0xea, 0xbe, 0xdc, 0xcf, 0x1f, 0xd1, 0x66,
    0xc8, 0xd0, 0xe1, 0x38, 0x00, 0x06, 0x00, 0x0d, 0x73, 0x6c, 0x75, 0x69, 0x63, 0x65, 0x55, 0x46,
    0x3a, 0x66, 0x7a, 0x75, 0x61, 0x00, 0x00, 0x00, 0x00, 0x24, 0x00, 0x04, 0x6e, 0xff, 0xff, 0xff,
    0x80, 0x29, 0x00, 0x08, 0xb4, 0x6f, 0xbc, 0x8b, 0xf2, 0x42, 0xdb, 0xcf, 0x00, 0x08, 0x00, 0x14,
    0xef, 0xf3, 0xc2, 0x80, 0x4c, 0x8d, 0x55, 0x0a, 0xf4, 0x4a, 0xf8, 0x70, 0xdf, 0x72, 0xb8, 0x92,
    0x35, 0x16, 0x8a, 0x17, 0x80, 0x28, 0x00, 0x04, 0xf1, 0xed, 0x7b, 0xf1,
};
const std::vector<uint8_t> kAioiceControlledResponse1 = {
    0x01, 0x01, 0x00, 0x2c, 0x21, 0x12, 0xa4, 0x42, 0xd2, 0x2c, 0x48, 0x4f, 0x96, 0x3d, 0x5c, 0x47,
    0x96, 0x79, 0x2c, 0x95, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xaa, 0xc1, 0xe1, 0x12, 0xa6, 0x40,
    0x00, 0x08, 0x00, 0x14, 0x91, 0x8f, 0x58, 0x39, 0xe3, 0x53, 0x25, 0xbe, 0xaa, 0xf9, 0x2b, 0x41,
    0xc2, 0x1c, 0x1e, 0xe4, 0xa3, 0x9f, 0xb0, 0x2b, 0x80, 0x28, 0x00, 0x04, 0x1f, 0xfa, 0x16, 0x0d,
};
const std::vector<uint8_t> kAioiceControlledResponse2 = {
    0x01, 0x01, 0x00, 0x2c, 0x21, 0x12, 0xa4, 0x42, 0x40, 0x72, 0x80, 0x1e, 0x73, 0x38, 0x29, 0xfb,
    0x18, 0x03, 0x54, 0x7e, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xaa, 0xc1, 0xe1, 0x12, 0xa6, 0x40,
    0x00, 0x08, 0x00, 0x14, 0x3b, 0x98, 0x75, 0x2b, 0xb9, 0xbe, 0x52, 0xb0, 0xaf, 0x2d, 0xde, 0x6a,
    0xfb, 0xc8, 0xd8, 0x34, 0x4f, 0x89, 0x00, 0x73, 0x80, 0x28, 0x00, 0x04, 0x84, 0xab, 0xff, 0x08,
};

const Instant kT0 = Instant{} + std::chrono::hours(1);

AgentConfig CaptureConfig(Role role) {
  AgentConfig c;
  c.role = role;
  c.local_ufrag = "sluiceUF";
  c.local_pwd = "sluicePasswordForInterop0";
  c.seed = 7;
  return c;
}

Candidate AioiceHost(uint16_t port) {
  auto c = Candidate::FromSdpString("candidate:f957a2332b1715da3b0ef8ba684454eb 1 udp 2130706431 "
                                    "192.0.2.2 " + std::to_string(port) + " typ host");
  return *c;
}

void DrainAll(Agent& a) {
  while (a.PollTransmit()) {
  }
}

TEST(IceAioiceCaptureTest, ControlledAgentAcceptsAioiceNomination) {
  Agent z(CaptureConfig(Role::kControlled));
  auto self = Ipv4Address(192, 0, 2, 2, 37968);
  auto peer = Ipv4Address(192, 0, 2, 2, 51849);
  ASSERT_TRUE(z.AddHostCandidate(self).ok());
  ASSERT_TRUE(z.SetRemoteCredentials("adM6", "pnbdyaZWAKXKv8LhLwXcmS").ok());
  ASSERT_TRUE(z.AddRemoteCandidate(AioiceHost(51849)).ok());
  z.SetRemoteEndOfCandidates();
  z.Start(kT0);
  DrainAll(z);  // our first check (its transaction id is the one aioice answered)

  z.HandleReceive(kT0 + milliseconds(1), self, peer, kAioiceControllingRequest);
  auto answer = z.PollTransmit();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->remote, peer);
  auto view = StunMessageView::Parse(answer->data);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->message_class(), StunClass::kSuccessResponse);
  EXPECT_EQ(view->xor_mapped_address(), peer);
  EXPECT_TRUE(VerifyMessageIntegrity(*view, StunIntegrityKey::ShortTerm("sluicePasswordForInterop0")).ok());
  EXPECT_EQ(z.state(), ConnectionState::kChecking);  // nominated, but our own check is pending

  z.HandleReceive(kT0 + milliseconds(1), self, peer, kAioiceControllingResponse);
  EXPECT_EQ(z.state(), ConnectionState::kConnected);
  ASSERT_TRUE(z.selected_pair());
  EXPECT_EQ(z.selected_pair()->remote.address, peer);
  EXPECT_EQ(z.stats().dropped(), 0u);
}

TEST(IceAioiceCaptureTest, ControllingAgentNominatesAioice) {
  Agent a(CaptureConfig(Role::kControlling));
  auto self = Ipv4Address(192, 0, 2, 2, 35795);
  auto peer = Ipv4Address(192, 0, 2, 2, 60513);
  ASSERT_TRUE(a.AddHostCandidate(self).ok());
  ASSERT_TRUE(a.SetRemoteCredentials("fzua", "oRIa0oXib6XLo1xnW0OSpG").ok());
  ASSERT_TRUE(a.AddRemoteCandidate(AioiceHost(60513)).ok());
  a.SetRemoteEndOfCandidates();
  a.Start(kT0);
  DrainAll(a);
  // aioice's answer to our first check: the pair succeeds and, nothing better being pending,
  // the nomination (USE-CANDIDATE) goes out at once, not at the next Ta pacing slot.
  a.HandleReceive(kT0 + milliseconds(1), self, peer, kAioiceControlledResponse1);
  auto nomination = a.PollTransmit();
  ASSERT_TRUE(nomination);
  auto view = StunMessageView::Parse(nomination->data);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->use_candidate());
  EXPECT_FALSE(a.PollTransmit());
  // aioice's own check (captured before its answer; replayed after it here, which a network may
  // do too: during the capture our agent still paced triggered checks, so the transaction ids
  // only replay in this order) is answered, and needs no triggered check on a Succeeded pair.
  a.HandleReceive(kT0 + milliseconds(1), self, peer, kAioiceControlledRequest);
  auto answer = a.PollTransmit();
  ASSERT_TRUE(answer);
  auto answer_view = StunMessageView::Parse(answer->data);
  ASSERT_TRUE(answer_view.ok());
  EXPECT_EQ(answer_view->message_class(), StunClass::kSuccessResponse);
  EXPECT_FALSE(a.PollTransmit());
  EXPECT_EQ(a.stats().role_conflicts, 0u);
  // aioice's answer to the nomination selects the pair.
  a.HandleReceive(kT0 + milliseconds(2), self, peer, kAioiceControlledResponse2);
  EXPECT_TRUE(a.state() == ConnectionState::kConnected || a.state() == ConnectionState::kCompleted);
  ASSERT_TRUE(a.selected_pair());
  EXPECT_EQ(a.selected_pair()->remote.address, peer);
  EXPECT_EQ(a.stats().dropped(), 0u);
  // A tampered copy of aioice's answer (one bit of the HMAC) is a counted drop.
  std::vector<uint8_t> bad = kAioiceControlledResponse2;
  bad[bad.size() - 12] ^= 1;
  a.HandleReceive(kT0 + milliseconds(3), self, peer, bad);
  EXPECT_EQ(a.stats().dropped(), 1u);
}

}  // namespace
}  // namespace sluice::ice
