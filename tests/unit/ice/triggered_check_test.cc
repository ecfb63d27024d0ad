// RFC 8445 §7.3.1.4 triggered checks and the connect-time path: a check from the peer is
// answered and triggers our own check at once (not at the next Ta pacing slot), an In-Progress
// check it replaces is cancelled (no retransmissions, no failure) but its late answer still
// counts, the controlling agent nominates as soon as its pair succeeds, and the ordinary checks
// keep their Ta pacing. Two agents wired by hand so that every datagram's timing is explicit.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "common/time.h"
#include "ice/agent.h"
#include "stun/stun_message.h"

namespace sluice::ice {
namespace {

const TransportAddress kCtl = Ipv4Address(10, 0, 0, 1, 1000);  // the controlling agent
const TransportAddress kCtd = Ipv4Address(10, 0, 0, 2, 2000);  // the controlled agent
const Instant kT0 = Instant{} + std::chrono::hours(1);

struct Sent {
  TransportAddress to;
  std::vector<uint8_t> bytes;
  StunClass cls;
  StunTransactionId id;
  bool use_candidate;
};

std::vector<Sent> DrainSent(Agent& a) {
  std::vector<Sent> out;
  while (auto t = a.PollTransmit()) {
    auto v = StunMessageView::Parse(t->data);
    EXPECT_TRUE(v.ok());
    if (!v.ok()) continue;
    out.push_back({t->remote, std::vector<uint8_t>(t->data.begin(), t->data.end()),
                   v->message_class(), v->transaction_id(), v->use_candidate()});
  }
  return out;
}

const Sent* FindRequest(const std::vector<Sent>& sent) {
  for (const Sent& s : sent) {
    if (s.cls == StunClass::kRequest) return &s;
  }
  return nullptr;
}

AgentConfig Config(Role role, uint64_t seed) {
  AgentConfig c;
  c.role = role;
  c.seed = seed;
  c.ta = milliseconds(50);
  return c;
}

Candidate HostOf(Agent& agent, const TransportAddress& address) {
  auto c = agent.AddHostCandidate(address);
  EXPECT_TRUE(c.ok());
  return *c;
}

// Credentials and host candidates signalled both ways, nobody started.
void Signal(Agent& ctl, Agent& ctd) {
  Candidate ctl_host = HostOf(ctl, kCtl);
  Candidate ctd_host = HostOf(ctd, kCtd);
  ASSERT_TRUE(ctl.SetRemoteCredentials(ctd.local_ufrag(), ctd.local_pwd()).ok());
  ASSERT_TRUE(ctd.SetRemoteCredentials(ctl.local_ufrag(), ctl.local_pwd()).ok());
  ASSERT_TRUE(ctl.AddRemoteCandidate(ctd_host).ok());
  ASSERT_TRUE(ctd.AddRemoteCandidate(ctl_host).ok());
}

TEST(IceTriggeredCheckTest, PeerCheckTriggersOurCheckAtOnceWhileOrdinaryChecksStayPaced) {
  Agent ctl(Config(Role::kControlling, 1));
  Agent ctd(Config(Role::kControlled, 2));
  Signal(ctl, ctd);
  // Two more remote candidates for the controlled agent, both of higher priority than the
  // controlling agent's host, which therefore comes last in its paced check list.
  ASSERT_TRUE(ctd.AddRemoteCandidate(Candidate{.foundation = "x1",
                                               .priority = 0x7f000002,
                                               .address = Ipv4Address(10, 9, 9, 1, 9)})
                  .ok());
  ASSERT_TRUE(ctd.AddRemoteCandidate(Candidate{.foundation = "x2",
                                               .priority = 0x7f000001,
                                               .address = Ipv4Address(10, 9, 9, 2, 9)})
                  .ok());
  ctd.Start(kT0);
  auto first = DrainSent(ctd);
  ASSERT_EQ(first.size(), 1u);  // the first check of a fresh check list goes at once
  EXPECT_EQ(first[0].to, Ipv4Address(10, 9, 9, 1, 9));
  EXPECT_EQ(ctd.PollTimeout(), kT0 + milliseconds(50));  // the next ordinary check: Ta later

  ctl.Start(kT0);
  const auto ctl_sent = DrainSent(ctl);
  const Sent* check = FindRequest(ctl_sent);
  ASSERT_NE(check, nullptr);
  // The peer's check arrives 1 ms later: answered, and our own check on that pair goes out in
  // the same call, 49 ms before the pacer would have allowed it.
  ctd.HandleReceive(kT0 + milliseconds(1), kCtd, kCtl, check->bytes);
  auto reply = DrainSent(ctd);
  ASSERT_EQ(reply.size(), 2u);
  EXPECT_EQ(reply[0].cls, StunClass::kSuccessResponse);
  EXPECT_EQ(reply[0].to, kCtl);
  EXPECT_EQ(reply[1].cls, StunClass::kRequest);
  EXPECT_EQ(reply[1].to, kCtl);
  // The ordinary checks keep their pacing: the other candidate waits for its Ta slot.
  EXPECT_EQ(ctd.PollTimeout(), kT0 + milliseconds(50));
  ctd.HandleTimeout(kT0 + milliseconds(49));
  EXPECT_TRUE(DrainSent(ctd).empty());
  ctd.HandleTimeout(kT0 + milliseconds(50));
  auto paced = DrainSent(ctd);
  ASSERT_EQ(paced.size(), 1u);
  EXPECT_EQ(paced[0].to, Ipv4Address(10, 9, 9, 2, 9));
  EXPECT_EQ(ctd.stats().checks_sent, 3u);
}

TEST(IceTriggeredCheckTest, CancelledCheckStopsRetransmittingButItsLateAnswerCounts) {
  Agent ctl(Config(Role::kControlling, 3));
  Agent ctd(Config(Role::kControlled, 4));
  Signal(ctl, ctd);
  ctl.SetRemoteEndOfCandidates();
  ctd.SetRemoteEndOfCandidates();
  ctl.Start(kT0);
  const auto c_sent = DrainSent(ctl);
  ASSERT_EQ(c_sent.size(), 1u);
  const Sent c1 = c_sent[0];  // held back by the network for now
  ctd.Start(kT0);
  const auto d_sent = DrainSent(ctd);
  ASSERT_EQ(d_sent.size(), 1u);
  const Sent d1 = d_sent[0];

  // The peer's check reaches the controlling agent while its own check is In-Progress: the
  // answer and a triggered check (a new transaction) go out at once.
  ctl.HandleReceive(kT0 + milliseconds(1), kCtl, kCtd, d1.bytes);
  auto reply = DrainSent(ctl);
  ASSERT_EQ(reply.size(), 2u);
  EXPECT_EQ(reply[0].cls, StunClass::kSuccessResponse);
  ASSERT_EQ(reply[1].cls, StunClass::kRequest);
  const Sent c2 = reply[1];
  EXPECT_FALSE(c2.id == c1.id);
  EXPECT_FALSE(c2.use_candidate);

  // Nothing answered for 1.2 s: the cancelled check is never retransmitted, its replacement is
  // (RTO 500 ms), and the pair has not failed.
  int c1_again = 0;
  int c2_again = 0;
  Instant now = kT0 + milliseconds(1);
  while (true) {
    auto next = ctl.PollTimeout();
    ASSERT_TRUE(next);
    if (*next > kT0 + milliseconds(1200)) break;
    now = std::max(now, *next);
    ctl.HandleTimeout(now);
    for (const Sent& s : DrainSent(ctl)) {
      if (s.id == c1.id) ++c1_again;
      if (s.id == c2.id) ++c2_again;
    }
  }
  EXPECT_EQ(c1_again, 0);
  EXPECT_EQ(c2_again, 1);
  EXPECT_EQ(ctl.state(), ConnectionState::kChecking);

  // The network finally delivers the cancelled check; the answer to it makes the pair valid and
  // the controlling agent nominates it in the same call (no Ta wait, nothing better pending).
  const Instant late = kT0 + milliseconds(1201);
  ctd.HandleReceive(late, kCtd, kCtl, c1.bytes);
  auto ctd_out = DrainSent(ctd);
  const Sent* answer_c1 = nullptr;
  const Sent* d2 = nullptr;
  for (const Sent& s : ctd_out) {
    if (s.cls == StunClass::kSuccessResponse && s.id == c1.id) answer_c1 = &s;
    if (s.cls == StunClass::kRequest) d2 = &s;
  }
  ASSERT_NE(answer_c1, nullptr);
  ctl.HandleReceive(late + milliseconds(1), kCtl, kCtd, answer_c1->bytes);
  auto nomination_out = DrainSent(ctl);
  const Sent* nomination = FindRequest(nomination_out);
  ASSERT_NE(nomination, nullptr);
  EXPECT_TRUE(nomination->use_candidate);

  // The controlled agent connects once the nominated pair's own check (its triggered one)
  // succeeded; the controlling one when the nomination is answered.
  ASSERT_NE(d2, nullptr);
  ctd.HandleReceive(late + milliseconds(2), kCtd, kCtl, nomination->bytes);
  auto ctd_answers = DrainSent(ctd);
  ctl.HandleReceive(late + milliseconds(2), kCtl, kCtd, d2->bytes);
  auto ctl_answers = DrainSent(ctl);
  for (const Sent& s : ctl_answers) {
    if (s.cls == StunClass::kSuccessResponse)
      ctd.HandleReceive(late + milliseconds(3), kCtd, kCtl, s.bytes);
  }
  for (const Sent& s : ctd_answers) {
    if (s.cls == StunClass::kSuccessResponse)
      ctl.HandleReceive(late + milliseconds(3), kCtl, kCtd, s.bytes);
  }
  EXPECT_EQ(ctd.state(), ConnectionState::kConnected);
  EXPECT_TRUE(ctl.state() == ConnectionState::kConnected ||
              ctl.state() == ConnectionState::kCompleted);
  EXPECT_EQ(ctl.stats().dropped(), 0u);
  EXPECT_EQ(ctd.stats().dropped(), 0u);
}

// RFC 8445 §12.1: "An ICE agent MAY send data on any valid pair before selected pairs have been
// produced". The controlled agent reports its first valid pair (kFirstValidPair) as soon as its
// own check succeeds, a round trip before the controlling agent's USE-CANDIDATE check selects
// it; a PeerConnection starts its DTLS client there. Reported once, and never after selection.
TEST(IceTriggeredCheckTest, ControlledAgentReportsItsFirstValidPairBeforeTheNomination) {
  Agent ctl(Config(Role::kControlling, 5));
  Agent ctd(Config(Role::kControlled, 6));
  Signal(ctl, ctd);
  ctl.Start(kT0);
  (void)DrainSent(ctl);  // its first check is lost: the controlled agent's check leads
  ctd.Start(kT0);
  const auto ctd_first = DrainSent(ctd);
  const Sent* check = FindRequest(ctd_first);
  ASSERT_NE(check, nullptr);
  ctl.HandleReceive(kT0 + milliseconds(1), kCtl, kCtd, check->bytes);
  const auto ctl_reply = DrainSent(ctl);
  const Sent* response = nullptr;
  for (const Sent& s : ctl_reply) {
    if (s.cls == StunClass::kSuccessResponse) response = &s;
  }
  ASSERT_NE(response, nullptr);
  auto count_first_valid = [](std::vector<Event>& log) {
    return std::count_if(log.begin(), log.end(),
                         [](const Event& e) { return e.type == EventType::kFirstValidPair; });
  };
  std::vector<Event> ctd_events;
  while (auto e = ctd.PollEvent()) ctd_events.push_back(*e);
  EXPECT_EQ(count_first_valid(ctd_events), 0);  // nothing valid before a check succeeds

  ctd.HandleReceive(kT0 + milliseconds(2), kCtd, kCtl, response->bytes);
  while (auto e = ctd.PollEvent()) ctd_events.push_back(*e);
  ASSERT_EQ(count_first_valid(ctd_events), 1);
  const Event& valid = *std::find_if(ctd_events.begin(), ctd_events.end(), [](const Event& e) {
    return e.type == EventType::kFirstValidPair;
  });
  ASSERT_TRUE(valid.pair.has_value());
  EXPECT_EQ(valid.pair->local_base, kCtd);
  EXPECT_EQ(valid.pair->remote.address, kCtl);
  // Not nominated yet: no pair selected, not connected.
  EXPECT_FALSE(ctd.selected_pair().has_value());
  EXPECT_NE(ctd.state(), ConnectionState::kConnected);

  // Let the controlling agent nominate: the controlled agent selects the pair and connects, and
  // does not report a first valid pair again.
  Instant now = kT0 + milliseconds(3);
  for (const Sent& s : ctl_reply) {
    if (s.cls == StunClass::kRequest) ctd.HandleReceive(now, kCtd, kCtl, s.bytes);
  }
  for (int round = 0; round < 1000 && ctd.state() != ConnectionState::kConnected; ++round) {
    for (const Sent& s : DrainSent(ctl)) ctd.HandleReceive(now, kCtd, kCtl, s.bytes);
    for (const Sent& s : DrainSent(ctd)) ctl.HandleReceive(now, kCtl, kCtd, s.bytes);
    now += milliseconds(1);
    if (auto t = ctl.PollTimeout(); t && *t <= now) ctl.HandleTimeout(now);
    if (auto t = ctd.PollTimeout(); t && *t <= now) ctd.HandleTimeout(now);
  }
  while (auto e = ctd.PollEvent()) ctd_events.push_back(*e);
  EXPECT_EQ(ctd.state(), ConnectionState::kConnected);
  EXPECT_TRUE(ctd.selected_pair().has_value());
  EXPECT_EQ(count_first_valid(ctd_events), 1);
}

}  // namespace
}  // namespace sluice::ice
