// Two-agent tests in simulated time: connect (IPv4, IPv6, several candidates), roles and role
// conflicts, ICE-lite, trickle, peer-reflexive early checks, server-reflexive gathering behind a
// NAT, wrong credentials, consent loss and recovery, a lossy link, malformed input.
#include "ice/agent.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "ice_harness.h"
#include "stun/stun_ice.h"
#include "stun/stun_integrity.h"

namespace sluice::ice::test {
namespace {

const TransportAddress kA1 = Ipv4Address(10, 0, 0, 1, 1000);
const TransportAddress kZ1 = Ipv4Address(10, 0, 0, 2, 2000);

bool Connected(Side& s) { return s.connected(); }

TEST(IceAgentTest, ConnectsOverIpv4) {
  IceHarness h(TestConfig(Role::kControlling, 1), TestConfig(Role::kControlled, 2),
               {.delay = milliseconds(1)});
  h.AddHosts(h.a(), {kA1});
  h.AddHosts(h.z(), {kZ1});
  h.Connect();
  ASSERT_TRUE(h.RunUntilConnected(seconds(2)));
  auto pa = h.a().agent.selected_pair();
  auto pz = h.z().agent.selected_pair();
  ASSERT_TRUE(pa && pz);
  EXPECT_EQ(pa->local_base, kA1);
  EXPECT_EQ(pa->remote.address, kZ1);
  EXPECT_EQ(pz->local_base, kZ1);
  EXPECT_EQ(pz->remote.address, kA1);
  EXPECT_TRUE(h.a().Saw(ConnectionState::kChecking));
  EXPECT_EQ(h.a().agent.role(), Role::kControlling);
  EXPECT_EQ(h.z().agent.role(), Role::kControlled);
  // Both peers signalled end-of-candidates: once the checks are over, both complete.
  ASSERT_TRUE(h.RunUntil([&] {
    return h.a().agent.state() == ConnectionState::kCompleted &&
           h.z().agent.state() == ConnectionState::kCompleted;
  }, seconds(2)));
  EXPECT_EQ(h.a().agent.stats().dropped(), 0u);
  EXPECT_EQ(h.z().agent.stats().dropped(), 0u);
  EXPECT_EQ(h.a().agent.stats().role_conflicts, 0u);
}

TEST(IceAgentTest, ConnectsOverIpv6) {
  IceHarness h(TestConfig(Role::kControlling, 3), TestConfig(Role::kControlled, 4),
               {.delay = milliseconds(1)});
  h.AddHosts(h.a(), {V6("2001:db8::a", 1000)});
  h.AddHosts(h.z(), {V6("2001:db8::2", 2000)});
  h.Connect();
  ASSERT_TRUE(h.RunUntilConnected(seconds(2)));
  EXPECT_EQ(h.a().agent.selected_pair()->remote.address, V6("2001:db8::2", 2000));
  EXPECT_EQ(h.z().agent.selected_pair()->remote.address, V6("2001:db8::a", 1000));
}

TEST(IceAgentTest, SelectsReachablePairAmongSeveralWithOneUnreachable) {
  IceHarness h(TestConfig(Role::kControlling, 5), TestConfig(Role::kControlled, 6),
               {.delay = milliseconds(1)});
  // A's IPv6 address (the highest priority, RFC 8421) is a dead interface; IPv4 works.
  auto a6 = V6("2001:db8::a", 1001);
  auto z6 = V6("2001:db8::2", 2001);
  h.Blackhole(a6);
  h.AddHosts(h.a(), {a6, kA1});
  h.AddHosts(h.z(), {z6, kZ1});
  h.Connect();
  ASSERT_TRUE(h.RunUntilConnected(seconds(3)));
  EXPECT_EQ(h.a().agent.selected_pair()->local_base, kA1);
  EXPECT_EQ(h.a().agent.selected_pair()->remote.address, kZ1);
  EXPECT_EQ(h.z().agent.selected_pair()->remote.address, kA1);
  // The IPv6 pair fails later; that must not fail the agent.
  h.RunFor(seconds(20));
  EXPECT_TRUE(h.a().connected());
  EXPECT_TRUE(h.z().connected());
  EXPECT_FALSE(h.a().Saw(ConnectionState::kFailed));
}

TEST(IceAgentTest, PrefersIpv6WhenBothFamiliesWork) {
  IceHarness h(TestConfig(Role::kControlling, 7), TestConfig(Role::kControlled, 8),
               {.delay = milliseconds(1)});
  h.AddHosts(h.a(), {kA1, V6("2001:db8::a", 1001)});
  h.AddHosts(h.z(), {kZ1, V6("2001:db8::2", 2001)});
  h.Connect();
  ASSERT_TRUE(h.RunUntilConnected(seconds(3)));
  EXPECT_TRUE(h.a().agent.selected_pair()->local_base.family() == AddressFamily::kIpv6);
  EXPECT_TRUE(h.z().agent.selected_pair()->local_base.family() == AddressFamily::kIpv6);
}

TEST(IceAgentTest, ControlledAgentStartingFirstStillFollowsTheNomination) {
  // Z is controlled and also runs checks; only A's USE-CANDIDATE selects the pair on Z.
  IceHarness h(TestConfig(Role::kControlled, 9), TestConfig(Role::kControlling, 10),
               {.delay = milliseconds(2)});
  h.AddHosts(h.a(), {kA1});
  h.AddHosts(h.z(), {kZ1});
  h.Connect();
  ASSERT_TRUE(h.RunUntilConnected(seconds(2)));
  EXPECT_EQ(h.a().agent.role(), Role::kControlled);
  EXPECT_EQ(h.z().agent.role(), Role::kControlling);
  EXPECT_EQ(h.a().agent.stats().role_conflicts + h.z().agent.stats().role_conflicts, 0u);
}

void ExpectRoleConflictResolves(Role role, uint64_t seed_a, uint64_t seed_z) {
  IceHarness h(TestConfig(role, seed_a), TestConfig(role, seed_z), {.delay = milliseconds(1)});
  h.AddHosts(h.a(), {kA1});
  h.AddHosts(h.z(), {kZ1});
  h.Connect();
  ASSERT_TRUE(h.RunUntilConnected(seconds(3)));
  EXPECT_NE(h.a().agent.role(), h.z().agent.role());
  EXPECT_GT(h.a().agent.stats().role_conflicts + h.z().agent.stats().role_conflicts, 0u);
  // §7.3.1.1: the agent with the larger tie-breaker ends up controlling.
  Side& larger = h.a().agent.tie_breaker() > h.z().agent.tie_breaker() ? h.a() : h.z();
  EXPECT_EQ(larger.agent.role(), Role::kControlling);
  EXPECT_EQ(h.a().agent.selected_pair()->remote.address, kZ1);
  EXPECT_EQ(h.z().agent.selected_pair()->remote.address, kA1);
}

TEST(IceAgentTest, BothControllingResolvesRoleConflict) {
  ExpectRoleConflictResolves(Role::kControlling, 11, 12);
  ExpectRoleConflictResolves(Role::kControlling, 12, 11);
}

TEST(IceAgentTest, BothControlledResolvesRoleConflict) {
  ExpectRoleConflictResolves(Role::kControlled, 13, 14);
  ExpectRoleConflictResolves(Role::kControlled, 14, 13);
}

TEST(IceAgentTest, FullAgentConnectsToIceLitePeer) {
  AgentConfig lite = TestConfig(Role::kControlling, 16);  // a lite agent ignores the role
  lite.lite = true;
  IceHarness h(TestConfig(Role::kControlled, 15), lite, {.delay = milliseconds(1)});
  h.AddHosts(h.a(), {kA1});
  h.AddHosts(h.z(), {kZ1});
  h.a().agent.SetRemoteLite(true);  // a=ice-lite in Z's SDP
  EXPECT_EQ(h.a().agent.role(), Role::kControlling);
  EXPECT_EQ(h.z().agent.role(), Role::kControlled);
  h.Connect();
  ASSERT_TRUE(h.RunUntilConnected(seconds(2)));
  EXPECT_EQ(h.z().agent.stats().checks_sent, 0u);  // lite: answers only
  EXPECT_EQ(h.z().agent.selected_pair()->remote.address, kA1);
  // Consent keeps running from the full side and keeps the lite side fresh.
  h.RunFor(seconds(40));
  EXPECT_TRUE(h.a().connected());
  EXPECT_TRUE(h.z().connected());
  EXPECT_EQ(h.z().agent.stats().consent_checks_sent, 0u);
  EXPECT_GE(h.a().agent.stats().consent_checks_sent, 6u);
  // Cut: both sides notice (the lite one from the silence).
  h.SetDown(true);
  ASSERT_TRUE(h.RunUntil([&] {
    return h.a().agent.state() == ConnectionState::kFailed &&
           h.z().agent.state() == ConnectionState::kFailed;
  }, seconds(40)));
  EXPECT_STREQ(h.z().agent.failure_reason(), "consent expired");
}

TEST(IceAgentTest, TrickledCandidatesAfterStartConnect) {
  IceHarness h(TestConfig(Role::kControlling, 17), TestConfig(Role::kControlled, 18),
               {.delay = milliseconds(1)});
  h.AddHosts(h.a(), {kA1});
  h.AddHosts(h.z(), {kZ1});
  h.ExchangeCredentials();
  h.StartBoth();
  h.RunFor(milliseconds(300));
  EXPECT_EQ(h.a().agent.state(), ConnectionState::kChecking);
  EXPECT_FALSE(h.a().Saw(ConnectionState::kFailed));
  // Trickle: candidates arrive late, end-of-candidates later still.
  h.SignalCandidates(h.z(), h.a(), false);
  h.SignalCandidates(h.a(), h.z(), false);
  ASSERT_TRUE(h.RunUntilConnected(seconds(2)));
  EXPECT_EQ(h.a().agent.state(), ConnectionState::kConnected);  // no end-of-candidates yet
  h.a().agent.SetRemoteEndOfCandidates();
  h.z().agent.SetRemoteEndOfCandidates();
  ASSERT_TRUE(h.RunUntil([&] { return h.a().agent.state() == ConnectionState::kCompleted; },
                         seconds(1)));
  // After end-of-candidates no more candidates are accepted.
  EXPECT_FALSE(h.a().agent.AddRemoteCandidate(Candidate{.foundation = "9", .priority = 1,
                                                         .address = V4(10, 0, 0, 9, 9)}).ok());
}

TEST(IceAgentTest, NoFailureBeforeEndOfCandidates) {
  IceHarness h(TestConfig(Role::kControlling, 19), TestConfig(Role::kControlled, 20),
               {.delay = milliseconds(1)});
  h.AddHosts(h.a(), {kA1});
  h.AddHosts(h.z(), {kZ1});
  h.SetDown(true);
  h.Connect(/*end_of_candidates=*/false);
  h.RunFor(seconds(60));
  EXPECT_EQ(h.a().agent.state(), ConnectionState::kChecking);  // every pair failed, more may come
  h.a().agent.SetRemoteEndOfCandidates();
  h.RunFor(milliseconds(10));
  EXPECT_EQ(h.a().agent.state(), ConnectionState::kFailed);
  EXPECT_STREQ(h.a().agent.failure_reason(), "all candidate pairs failed");
}

TEST(IceAgentTest, EarlyChecksCreatePeerReflexiveCandidatesAndConnectAtOnce) {
  AgentConfig ca = TestConfig(Role::kControlling, 21);
  AgentConfig cz = TestConfig(Role::kControlled, 22);
  ca.ta = cz.ta = milliseconds(50);  // the default pacing: connect must not wait for ticks
  IceHarness h(ca, cz, {.delay = milliseconds(1)});
  h.AddHosts(h.a(), {kA1});
  h.AddHosts(h.z(), {kZ1});
  h.ExchangeCredentials();
  // Only Z's candidate reaches A; A's candidate is "still in signalling" when its check lands.
  h.SignalCandidates(h.z(), h.a(), true);
  Instant start = h.now();
  h.StartBoth();
  ASSERT_TRUE(h.RunUntilConnected(seconds(1)));
  Duration connect = h.now() - start;
  // First check at t=0, answered at 2 ms; Z's triggered check goes out on receipt (no tick);
  // A nominates at its next pacing slot (Ta) and Z selects on that request: Ta + 2 RTT at most.
  EXPECT_LE(connect, milliseconds(50) + milliseconds(4));
  ASSERT_EQ(h.z().agent.remote_candidates().size(), 1u);
  EXPECT_EQ(h.z().agent.remote_candidates()[0].type, CandidateType::kPeerReflexive);
  EXPECT_EQ(h.z().agent.remote_candidates()[0].address, kA1);
  // PRIORITY of the check: a peer-reflexive candidate with A's host local preference.
  EXPECT_EQ(h.z().agent.remote_candidates()[0].priority >> 24, 110u);
  // The candidate signalled later replaces the peer-reflexive type (no duplicate).
  h.SignalCandidates(h.a(), h.z(), true);
  ASSERT_EQ(h.z().agent.remote_candidates().size(), 1u);
  EXPECT_EQ(h.z().agent.remote_candidates()[0].type, CandidateType::kHost);
}

TEST(IceAgentTest, ChecksBeforeRemoteCredentialsAreAnsweredThenProcessed) {
  IceHarness h(TestConfig(Role::kControlling, 23), TestConfig(Role::kControlled, 24),
               {.delay = milliseconds(1)});
  h.AddHosts(h.a(), {kA1});
  h.AddHosts(h.z(), {kZ1});
  // A knows everything about Z; Z knows nothing about A yet (the answer is still in flight).
  ASSERT_TRUE(h.a().agent.SetRemoteCredentials(h.z().agent.local_ufrag(), h.z().agent.local_pwd()).ok());
  h.SignalCandidates(h.z(), h.a(), true);
  h.StartBoth();
  h.RunFor(milliseconds(30));
  EXPECT_GT(h.z().agent.stats().responses_sent, 0u);  // answered with our own password
  EXPECT_EQ(h.z().agent.stats().checks_sent, 0u);     // but cannot check without A's password
  EXPECT_EQ(h.z().agent.stats().dropped(), 0u);
  ASSERT_TRUE(h.z().agent.SetRemoteCredentials(h.a().agent.local_ufrag(), h.a().agent.local_pwd()).ok());
  ASSERT_TRUE(h.RunUntilConnected(seconds(1)));
  EXPECT_EQ(h.z().agent.remote_candidates()[0].type, CandidateType::kPeerReflexive);
}

TEST(IceAgentTest, GathersServerReflexiveCandidateAndConnectsThroughNat) {
  auto server = V4(198, 51, 100, 1, 3478);
  AgentConfig ca = TestConfig(Role::kControlling, 25);
  ca.stun_server = server;
  IceHarness h(ca, TestConfig(Role::kControlled, 26), {.delay = milliseconds(5)});
  h.RunStunServer(server);
  h.NatA(true);
  h.AddHosts(h.a(), {kA1});
  h.AddHosts(h.z(), {kZ1});
  h.a().agent.Start(h.now());
  ASSERT_TRUE(h.RunUntil([&] {
    return std::any_of(h.a().events.begin(), h.a().events.end(),
                       [](const Event& e) { return e.type == EventType::kGatheringComplete; });
  }, seconds(2)));
  std::optional<Candidate> srflx;
  for (const Event& e : h.a().events) {
    if (e.type == EventType::kLocalCandidate && e.candidate->type == CandidateType::kServerReflexive) {
      srflx = e.candidate;
    }
  }
  ASSERT_TRUE(srflx);
  EXPECT_EQ(srflx->address, IceHarness::MapNat(kA1));
  EXPECT_EQ(srflx->related, kA1);
  EXPECT_EQ(srflx->priority >> 24, 100u);
  EXPECT_NE(srflx->foundation, h.a().events[0].candidate->foundation);
  // A's private host candidate is useless to Z; the srflx one goes through the NAT.
  h.Connect();
  ASSERT_TRUE(h.RunUntilConnected(seconds(3)));
  EXPECT_EQ(h.z().agent.selected_pair()->remote.address, IceHarness::MapNat(kA1));
  EXPECT_EQ(h.z().agent.selected_pair()->remote.type, CandidateType::kServerReflexive);
  EXPECT_EQ(h.a().agent.selected_pair()->local_base, kA1);
}

TEST(IceAgentTest, GatheringCompletesWhenTheStunServerIsSilent) {
  AgentConfig ca = TestConfig(Role::kControlling, 27);
  ca.stun_server = V4(198, 51, 100, 1, 3478);  // no server runs there
  IceHarness h(ca, TestConfig(Role::kControlled, 28));
  h.AddHosts(h.a(), {kA1});
  h.a().agent.Start(h.now());
  bool done = h.RunUntil([&] {
    return std::any_of(h.a().events.begin(), h.a().events.end(),
                       [](const Event& e) { return e.type == EventType::kGatheringComplete; });
  }, seconds(30));
  EXPECT_TRUE(done);
  EXPECT_GT(h.a().agent.stats().retransmissions, 0u);
}

TEST(IceAgentTest, WrongPasswordNeverConnectsAndCountsDrops) {
  IceHarness h(TestConfig(Role::kControlling, 29), TestConfig(Role::kControlled, 30),
               {.delay = milliseconds(1)});
  h.AddHosts(h.a(), {kA1});
  h.AddHosts(h.z(), {kZ1});
  // A was given a wrong password for Z (e.g. a corrupted answer).
  ASSERT_TRUE(h.a().agent.SetRemoteCredentials(h.z().agent.local_ufrag(), "WrongPasswordWrongPassw").ok());
  ASSERT_TRUE(h.z().agent.SetRemoteCredentials(h.a().agent.local_ufrag(), h.a().agent.local_pwd()).ok());
  h.SignalCandidates(h.a(), h.z(), true);
  h.SignalCandidates(h.z(), h.a(), true);
  h.StartBoth();
  h.RunFor(seconds(40));
  EXPECT_FALSE(h.a().Saw(ConnectionState::kConnected));
  EXPECT_FALSE(h.z().Saw(ConnectionState::kConnected));
  EXPECT_FALSE(h.a().agent.selected_pair());
  EXPECT_FALSE(h.z().agent.selected_pair());
  EXPECT_GT(h.z().agent.stats().bad_integrity, 0u);  // every check of A was dropped
  EXPECT_EQ(h.z().agent.stats().bad_integrity, h.a().agent.stats().checks_sent +
                                                   h.a().agent.stats().retransmissions);
  EXPECT_EQ(h.a().agent.state(), ConnectionState::kFailed);
  EXPECT_STREQ(h.a().agent.failure_reason(), "all candidate pairs failed");
}

TEST(IceAgentTest, ConsentLossGoesDisconnectedThenFailedWithinTheRfcTimeout) {
  IceHarness h(TestConfig(Role::kControlling, 31), TestConfig(Role::kControlled, 32),
               {.delay = milliseconds(25)});
  h.AddHosts(h.a(), {kA1});
  h.AddHosts(h.z(), {kZ1});
  h.Connect();
  ASSERT_TRUE(h.RunUntilConnected(seconds(2)));
  h.RunFor(seconds(20));  // consent keeps it up
  EXPECT_TRUE(h.a().connected());
  EXPECT_FALSE(h.a().Saw(ConnectionState::kDisconnected));
  uint64_t consent_before = h.a().agent.stats().consent_checks_sent;
  EXPECT_GE(consent_before, 3u);
  // Measured from consent checks answered on the first try: the 2 x 25 ms path.
  EXPECT_EQ(h.a().agent.stats().selected_pair_rtt, milliseconds(50));
  EXPECT_EQ(h.z().agent.stats().selected_pair_rtt, milliseconds(50));
  Instant cut = h.now();
  h.SetDown(true);
  ASSERT_TRUE(h.RunUntil([&] {
    return h.a().agent.state() == ConnectionState::kFailed &&
           h.z().agent.state() == ConnectionState::kFailed;
  }, seconds(40)));
  for (Side* s : {&h.a(), &h.z()}) {
    auto disconnected = s->first_state_at(ConnectionState::kDisconnected);
    auto failed = s->first_state_at(ConnectionState::kFailed);
    ASSERT_TRUE(disconnected && failed);
    EXPECT_LT(*disconnected, *failed);
    // Disconnected within one consent interval (+20 %) and the unanswered-check time.
    EXPECT_LE(*disconnected - cut, seconds(6) + milliseconds(2500) + milliseconds(100));
    // RFC 7675: consent expires 30 s after the last response, i.e. within 30 s + one interval.
    EXPECT_LE(*failed - cut, seconds(30) + seconds(6));
    EXPECT_GE(*failed - cut, seconds(30) - seconds(6));
    EXPECT_STREQ(s->agent.failure_reason(), "consent expired");
  }
  // Failed is terminal: nothing more is sent.
  uint64_t sent = h.a().agent.stats().consent_checks_sent;
  h.RunFor(seconds(30));
  EXPECT_EQ(h.a().agent.stats().consent_checks_sent, sent);
  EXPECT_FALSE(h.a().agent.PollTimeout());
}

TEST(IceAgentTest, RecoversFromShortOutage) {
  IceHarness h(TestConfig(Role::kControlling, 33), TestConfig(Role::kControlled, 34),
               {.delay = milliseconds(10)});
  h.AddHosts(h.a(), {kA1});
  h.AddHosts(h.z(), {kZ1});
  h.Connect();
  ASSERT_TRUE(h.RunUntilConnected(seconds(2)));
  h.RunFor(seconds(3));
  h.SetDown(true);
  ASSERT_TRUE(h.RunUntil([&] { return h.a().agent.state() == ConnectionState::kDisconnected; },
                         seconds(10)));
  h.SetDown(false);
  ASSERT_TRUE(h.RunUntilConnected(seconds(10)));
  h.RunFor(seconds(60));
  EXPECT_TRUE(h.a().connected());
  EXPECT_TRUE(h.z().connected());
  EXPECT_FALSE(h.a().Saw(ConnectionState::kFailed));
  EXPECT_FALSE(h.z().Saw(ConnectionState::kFailed));
}

TEST(IceAgentTest, ConsentChecksAreRandomizedAroundFiveSeconds) {
  IceHarness h(TestConfig(Role::kControlling, 35), TestConfig(Role::kControlled, 36),
               {.delay = milliseconds(1)});
  h.AddHosts(h.a(), {kA1});
  h.AddHosts(h.z(), {kZ1});
  h.Connect();
  ASSERT_TRUE(h.RunUntilConnected(seconds(2)));
  std::vector<Instant> sends;
  uint64_t last = h.a().agent.stats().consent_checks_sent;
  while (sends.size() < 40) {
    ASSERT_TRUE(h.RunUntil([&] { return h.a().agent.stats().consent_checks_sent != last; }, seconds(7)));
    last = h.a().agent.stats().consent_checks_sent;
    sends.push_back(h.now());
  }
  Duration min = seconds(100), max{};
  for (size_t i = 1; i < sends.size(); ++i) {
    min = std::min(min, sends[i] - sends[i - 1]);
    max = std::max(max, sends[i] - sends[i - 1]);
  }
  EXPECT_GE(min, milliseconds(4000));  // RFC 7675 §5.1: 0.8 .. 1.2 times 5 s
  EXPECT_LE(max, milliseconds(6000));
  EXPECT_GT(max - min, milliseconds(500));  // actually randomised
}

TEST(IceAgentTest, ConnectsOverLossyDelayedReorderingLink) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    SimulatedLinkOptions link{.delay = milliseconds(50), .jitter = milliseconds(5), .loss = 0.1,
                              .reorder = 0.05, .seed = seed};
    AgentConfig ca = TestConfig(Role::kControlling, 100 + seed);
    AgentConfig cz = TestConfig(Role::kControlled, 200 + seed);
    ca.ta = cz.ta = milliseconds(50);
    IceHarness h(ca, cz, link);
    h.AddHosts(h.a(), {kA1});
    h.AddHosts(h.z(), {kZ1});
    h.Connect();
    EXPECT_TRUE(h.RunUntilConnected(seconds(10))) << "seed " << seed;
    // And stays up: 10 % loss never looks like consent loss.
    h.RunFor(seconds(60));
    EXPECT_TRUE(h.a().connected()) << "seed " << seed;
    EXPECT_TRUE(h.z().connected()) << "seed " << seed;
    EXPECT_FALSE(h.a().Saw(ConnectionState::kFailed)) << "seed " << seed;
    // Then consent is cut: both sides report failed within the RFC 7675 timeout.
    Instant cut = h.now();
    h.SetDown(true);
    EXPECT_TRUE(h.RunUntil([&] {
      return h.a().agent.state() == ConnectionState::kFailed &&
             h.z().agent.state() == ConnectionState::kFailed;
    }, seconds(36))) << "seed " << seed;
    for (Side* s : {&h.a(), &h.z()}) {
      auto failed = s->first_state_at(ConnectionState::kFailed);
      ASSERT_TRUE(failed) << "seed " << seed;
      EXPECT_LE(*failed - cut, seconds(30) + seconds(6)) << "seed " << seed;
      EXPECT_STREQ(s->agent.failure_reason(), "consent expired");
    }
  }
}

// Many random networks: random roles (conflicts included), candidate sets with dead addresses,
// loss, delay, reordering, trickle timing. Whenever a working pair exists both sides connect, and
// they always select the same pair seen from each end.
TEST(IceAgentTest, RandomNetworksConnectOnMirroredPairs) {
  Random rnd(2024);
  int connected = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    SimulatedLinkOptions link{.delay = milliseconds(rnd.Uniform(0, 80)),
                              .jitter = milliseconds(rnd.Uniform(0, 10)),
                              .loss = 0.05 * static_cast<double>(rnd.Uniform(0, 4)),
                              .reorder = 0.05, .seed = seed};
    AgentConfig ca = TestConfig(rnd.Bernoulli(0.5) ? Role::kControlling : Role::kControlled, 1000 + seed);
    AgentConfig cz = TestConfig(rnd.Bernoulli(0.5) ? Role::kControlling : Role::kControlled, 2000 + seed);
    ca.ta = cz.ta = milliseconds(rnd.Uniform(5, 50));
    bool z_lite = rnd.Bernoulli(0.15);
    cz.lite = z_lite;
    IceHarness h(ca, cz, link);
    auto a6 = V6("2001:db8::a", 1001), z6 = V6("2001:db8::2", 2001);
    auto a4b = V4(10, 0, 1, 1, 1002), z4b = V4(10, 0, 1, 2, 2002);
    h.AddHosts(h.a(), {a6, kA1, a4b});
    h.AddHosts(h.z(), {z6, kZ1, z4b});
    std::vector<TransportAddress> alive_a, alive_z;
    for (const TransportAddress& addr : {a6, kA1, a4b}) {
      if (rnd.Bernoulli(0.3)) h.Blackhole(addr);
      else alive_a.push_back(addr);
    }
    for (const TransportAddress& addr : {z6, kZ1, z4b}) {
      if (rnd.Bernoulli(0.3)) h.Blackhole(addr);
      else alive_z.push_back(addr);
    }
    bool any_path = false;
    for (const auto& x : alive_a) {
      for (const auto& y : alive_z) any_path |= x.family() == y.family();
    }
    if (z_lite) h.a().agent.SetRemoteLite(true);
    h.ExchangeCredentials();
    h.SignalCandidates(h.z(), h.a(), rnd.Bernoulli(0.5));
    h.StartBoth();
    h.RunFor(milliseconds(rnd.Uniform(0, 300)));  // A's candidates trickle late
    h.SignalCandidates(h.a(), h.z(), true);
    h.a().agent.SetRemoteEndOfCandidates();
    bool ok = h.RunUntilConnected(seconds(15));
    EXPECT_EQ(ok, any_path) << "seed " << seed;
    if (ok) {
      ++connected;
      h.RunFor(seconds(1));
      auto pa = h.a().agent.selected_pair();
      auto pz = h.z().agent.selected_pair();
      ASSERT_TRUE(pa && pz) << "seed " << seed;
      EXPECT_EQ(pa->local_base, pz->remote.address) << "seed " << seed;
      EXPECT_EQ(pz->local_base, pa->remote.address) << "seed " << seed;
      EXPECT_NE(h.a().agent.role(), h.z().agent.role()) << "seed " << seed;
    }
    h.RunFor(seconds(20));
    EXPECT_FALSE(h.a().Saw(ConnectionState::kFailed) && ok) << "seed " << seed;
  }
  EXPECT_GT(connected, 20);
  std::printf("[ random  ] %d of 60 random networks connected\n", connected);
}

TEST(IceAgentTest, SimulatedConnectTimeOnOneMillisecondLink) {
  for (Duration ta : {milliseconds(50), milliseconds(5)}) {
    AgentConfig ca = TestConfig(Role::kControlling, 41);
    AgentConfig cz = TestConfig(Role::kControlled, 42);
    ca.ta = cz.ta = ta;
    IceHarness h(ca, cz, {.delay = milliseconds(1)});
    h.AddHosts(h.a(), {kA1});
    h.AddHosts(h.z(), {kZ1});
    h.Connect();
    Instant start = h.now();
    ASSERT_TRUE(h.RunUntilConnected(seconds(1)));
    auto a = *h.a().first_state_at(ConnectionState::kConnected) - start;
    auto z = *h.z().first_state_at(ConnectionState::kConnected) - start;
    std::printf("[ connect ] Ta %3lld ms, 1 ms one-way: controlling %.1f ms, controlled %.1f ms\n",
                static_cast<long long>(std::chrono::duration_cast<milliseconds>(ta).count()),
                std::chrono::duration<double, std::milli>(a).count(),
                std::chrono::duration<double, std::milli>(z).count());
    // One check and a nomination sent as soon as it succeeded (RFC 8445 §7.3.1.4 triggered
    // checks are not paced by Ta): the controlled agent connects after 1.5 RTT, the controlling
    // one after 2 RTT, whatever Ta is.
    EXPECT_LE(z, milliseconds(3));
    EXPECT_LE(a, milliseconds(4));
  }
}

// Several host candidates per side (two IPv4 interfaces and one IPv6 each: five pairs, with the
// default Ta of 50 ms): the highest-priority pair is the first both agents check, so it
// succeeds first, nothing better is pending and it is nominated at once.
TEST(IceAgentTest, SimulatedConnectTimeWithSeveralCandidatesOnOneMillisecondLink) {
  AgentConfig ca = TestConfig(Role::kControlling, 43);
  AgentConfig cz = TestConfig(Role::kControlled, 44);
  ca.ta = cz.ta = milliseconds(50);
  IceHarness h(ca, cz, {.delay = milliseconds(1)});
  h.AddHosts(h.a(), {kA1, V4(10, 0, 1, 1, 1001), V6("2001:db8::a", 1002)});
  h.AddHosts(h.z(), {kZ1, V4(10, 0, 1, 2, 2001), V6("2001:db8::2", 2002)});
  h.Connect();
  Instant start = h.now();
  ASSERT_TRUE(h.RunUntilConnected(seconds(1)));
  auto a = *h.a().first_state_at(ConnectionState::kConnected) - start;
  auto z = *h.z().first_state_at(ConnectionState::kConnected) - start;
  std::printf("[ connect ] 3 hosts a side, 1 ms one-way: controlling %.1f ms, controlled %.1f ms\n",
              std::chrono::duration<double, std::milli>(a).count(),
              std::chrono::duration<double, std::milli>(z).count());
  EXPECT_TRUE(h.a().agent.selected_pair()->local_base.family() == AddressFamily::kIpv6);
  EXPECT_LE(z, milliseconds(3));
  EXPECT_LE(a, milliseconds(4));
}

TEST(IceAgentTest, BadFingerprintUnknownUsernameAndBadIntegrityAreCountedDrops) {
  IceHarness h(TestConfig(Role::kControlling, 43), TestConfig(Role::kControlled, 44));
  h.AddHosts(h.a(), {kA1});
  h.AddHosts(h.z(), {kZ1});
  h.ExchangeCredentials();
  h.SignalCandidates(h.z(), h.a(), true);
  h.a().agent.Start(h.now());
  h.Drain();
  ASSERT_FALSE(h.a_sent().empty());
  std::vector<uint8_t> check = h.a_sent().front();  // A's first check, valid for Z
  Agent& z = h.z().agent;
  z.Start(h.now());
  h.Drain();
  auto before = z.stats();

  std::vector<uint8_t> bad_fp = check;
  bad_fp.back() ^= 1;
  z.HandleReceive(h.now(), kZ1, kA1, bad_fp);
  EXPECT_EQ(z.stats().bad_fingerprint, before.bad_fingerprint + 1);

  // Well-formed requests with the wrong credentials.
  std::array<uint8_t, kMaxIceStunSize> buf;
  std::string good_user = z.local_ufrag() + ":" + h.a().agent.local_ufrag();
  auto wrong_key = StunIntegrityKey::ShortTerm("WrongPasswordWrongPassw");
  auto z_key = StunIntegrityKey::ShortTerm(z.local_pwd());
  IceBindingRequestParams p{.username = good_user, .priority = 1};
  auto n = BuildIceBindingRequest(p, wrong_key, buf);
  ASSERT_TRUE(n.ok());
  z.HandleReceive(h.now(), kZ1, kA1, std::span(buf.data(), *n));
  EXPECT_EQ(z.stats().bad_integrity, before.bad_integrity + 1);
  std::string nope = "nope:" + h.a().agent.local_ufrag();
  p.username = nope;
  n = BuildIceBindingRequest(p, z_key, buf);
  z.HandleReceive(h.now(), kZ1, kA1, std::span(buf.data(), *n));
  EXPECT_EQ(z.stats().unknown_username, before.unknown_username + 1);
  std::string other = z.local_ufrag() + ":someoneelse";  // not the remote ufrag we know
  p.username = other;
  n = BuildIceBindingRequest(p, z_key, buf);
  z.HandleReceive(h.now(), kZ1, kA1, std::span(buf.data(), *n));
  EXPECT_EQ(z.stats().unknown_username, before.unknown_username + 2);
  // No USERNAME, no MESSAGE-INTEGRITY.
  StunMessageBuilder bare(buf, StunMethod::kBinding, StunClass::kRequest, StunTransactionId{});
  n = bare.AddPriority(1).AddFingerprint().Finish();
  ASSERT_TRUE(n.ok());
  z.HandleReceive(h.now(), kZ1, kA1, std::span(buf.data(), *n));
  // Authentic but without FINGERPRINT.
  StunMessageBuilder no_fp(buf, StunMethod::kBinding, StunClass::kRequest, StunTransactionId{});
  std::string user_ok = z.local_ufrag() + ":" + h.a().agent.local_ufrag();
  n = no_fp.AddUsername(user_ok).AddPriority(1).AddMessageIntegrity(z_key).Finish();
  ASSERT_TRUE(n.ok());
  z.HandleReceive(h.now(), kZ1, kA1, std::span(buf.data(), *n));
  EXPECT_EQ(z.stats().bad_fingerprint, before.bad_fingerprint + 2);
  EXPECT_EQ(z.stats().dropped(), before.dropped() + 6);
  EXPECT_FALSE(z.PollTransmit());  // none of these is answered
  EXPECT_EQ(z.state(), ConnectionState::kChecking);

  // Same request through the wrong socket.
  z.HandleReceive(h.now(), V4(10, 0, 0, 99, 1), kA1, check);
  EXPECT_EQ(z.stats().unknown_local_address, before.unknown_local_address + 1);
  // The real one is answered.
  z.HandleReceive(h.now(), kZ1, kA1, check);
  auto t = z.PollTransmit();
  ASSERT_TRUE(t);
  auto resp = StunMessageView::Parse(t->data);
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->message_class(), StunClass::kSuccessResponse);
  EXPECT_EQ(resp->xor_mapped_address(), kA1);
  EXPECT_TRUE(VerifyMessageIntegrity(*resp, z_key).ok());
  EXPECT_FALSE(VerifyMessageIntegrity(*resp, StunIntegrityKey::ShortTerm(h.a().agent.local_pwd())).ok());
  EXPECT_TRUE(VerifyFingerprint(*resp).ok());
  // A response nobody asked for is a counted drop.
  std::vector<uint8_t> stray(t->data.begin(), t->data.end());
  h.a().agent.HandleReceive(h.now(), kA1, kZ1, stray);
  h.a().agent.HandleReceive(h.now(), kA1, kZ1, stray);  // second copy: no transaction left
  EXPECT_EQ(h.a().agent.stats().unmatched_responses, 1u);
}

TEST(IceAgentTest, MalformedStunNeverCrashesAndIsCounted) {
  IceHarness h(TestConfig(Role::kControlling, 45), TestConfig(Role::kControlled, 46));
  h.AddHosts(h.a(), {kA1});
  h.AddHosts(h.z(), {kZ1});
  h.Connect();
  h.Drain();
  ASSERT_FALSE(h.a_sent().empty());
  std::vector<uint8_t> check = h.a_sent().front();
  Agent& z = h.z().agent;
  // Every truncation of a real check.
  for (size_t n = 0; n < check.size(); ++n) {
    z.HandleReceive(h.now(), kZ1, kA1, std::span(check.data(), n));
  }
  EXPECT_EQ(z.stats().malformed, check.size());
  // Every single-bit flip: never a crash, never a response unless it is still authentic.
  Random rnd(7);
  for (size_t i = 0; i < check.size() * 8; ++i) {
    auto m = check;
    m[i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
    z.HandleReceive(h.now(), kZ1, kA1, m);
  }
  // Random junk, including STUN-looking headers with lying lengths.
  for (int i = 0; i < 5000; ++i) {
    std::vector<uint8_t> junk(rnd.Uniform(0, 200));
    rnd.Fill(junk);
    if (junk.size() >= 8 && (i & 1)) {
      junk[0] = 0x00;
      junk[1] = 0x01;
      junk[4] = 0x21;
      junk[5] = 0x12;
      junk[6] = 0xA4;
      junk[7] = 0x42;
    }
    z.HandleReceive(h.now(), kZ1, kA1, junk);
  }
  while (z.PollTransmit()) {
  }
  EXPECT_GT(z.stats().dropped(), 5000u);
  EXPECT_NE(z.state(), ConnectionState::kFailed);
  // Still works afterwards.
  ASSERT_TRUE(h.RunUntilConnected(seconds(2)));
}

// A connected-looking Z with a known peer, for message-level tests.
struct Responder {
  IceHarness h{TestConfig(Role::kControlling, 51), TestConfig(Role::kControlling, 52)};
  std::array<uint8_t, kMaxIceStunSize> buf{};
  StunIntegrityKey z_key = StunIntegrityKey::ShortTerm("placeholderplaceholder");
  std::string user;
  Responder() {
    h.AddHosts(h.a(), {kA1});
    h.AddHosts(h.z(), {kZ1});
    h.ExchangeCredentials();
    h.z().agent.Start(h.now());
    h.Drain();
    z_key = StunIntegrityKey::ShortTerm(h.z().agent.local_pwd());
    user = h.z().agent.local_ufrag() + ":" + h.a().agent.local_ufrag();
  }
  // Sends `bytes` to Z from A's address; returns Z's answer, parsed (or nullopt).
  std::optional<StunMessageView> Ask(std::span<const uint8_t> bytes) {
    Agent& z = h.z().agent;
    z.HandleReceive(h.now(), kZ1, kA1, bytes);
    while (auto t = z.PollTransmit()) {
      if (t->remote != kA1) continue;
      last.assign(t->data.begin(), t->data.end());
      auto v = StunMessageView::Parse(last);
      if (v.ok() && v->message_class() != StunClass::kRequest) return *v;
    }
    return std::nullopt;
  }
  std::vector<uint8_t> last;
};

TEST(IceAgentTest, UnknownComprehensionRequiredAttributeIsAnswered420) {
  Responder r;
  StunMessageBuilder b(r.buf, StunMethod::kBinding, StunClass::kRequest, StunTransactionId{{7}});
  const uint8_t value[4] = {1, 2, 3, 4};
  auto n = b.AddUsername(r.user).AddPriority(1).AddIceControlled(1).AddAttribute(0x7777, value)
               .AddMessageIntegrity(r.z_key).AddFingerprint().Finish();
  ASSERT_TRUE(n.ok());
  auto answer = r.Ask(std::span(r.buf.data(), *n));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->message_class(), StunClass::kErrorResponse);
  EXPECT_EQ(answer->error_code()->code, 420);
  ASSERT_TRUE(answer->unknown_attributes());
  EXPECT_EQ((*answer->unknown_attributes())[0], 0x7777);
  EXPECT_TRUE(VerifyMessageIntegrity(*answer, r.z_key).ok());
  EXPECT_EQ(r.h.z().agent.stats().unknown_attributes, 1u);
  // A request without PRIORITY is a 400.
  StunMessageBuilder b2(r.buf, StunMethod::kBinding, StunClass::kRequest, StunTransactionId{{8}});
  n = b2.AddUsername(r.user).AddIceControlled(1).AddMessageIntegrity(r.z_key).AddFingerprint().Finish();
  answer = r.Ask(std::span(r.buf.data(), *n));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->error_code()->code, 400);
}

TEST(IceAgentTest, RoleConflictAnswers487OrSwitchesByTieBreaker) {
  Responder r;
  Agent& z = r.h.z().agent;
  ASSERT_EQ(z.role(), Role::kControlling);
  ASSERT_GT(z.tie_breaker(), 0u);
  // The peer also claims controlling with a smaller tie-breaker: Z keeps its role, answers 487.
  IceBindingRequestParams p{.transaction_id = StunTransactionId{{1}}, .username = r.user,
                            .priority = 1, .controlling = true, .tie_breaker = 0};
  auto n = BuildIceBindingRequest(p, r.z_key, r.buf);
  ASSERT_TRUE(n.ok());
  auto answer = r.Ask(std::span(r.buf.data(), *n));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->error_code()->code, 487);
  EXPECT_TRUE(VerifyMessageIntegrity(*answer, r.z_key).ok());
  EXPECT_EQ(z.role(), Role::kControlling);
  // A larger tie-breaker wins: Z becomes controlled and answers with success.
  p.transaction_id = StunTransactionId{{2}};
  p.tie_breaker = UINT64_MAX;
  n = BuildIceBindingRequest(p, r.z_key, r.buf);
  answer = r.Ask(std::span(r.buf.data(), *n));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->message_class(), StunClass::kSuccessResponse);
  EXPECT_EQ(z.role(), Role::kControlled);
  r.h.Drain();
  EXPECT_TRUE(std::any_of(r.h.z().events.begin(), r.h.z().events.end(), [](const Event& e) {
    return e.type == EventType::kRoleChanged && e.role == Role::kControlled;
  }));
  // Now controlled: a peer that is also controlled with a smaller tie-breaker makes Z switch
  // back to controlling; with a larger one it gets 487.
  p.transaction_id = StunTransactionId{{3}};
  p.controlling = false;
  p.tie_breaker = UINT64_MAX;
  n = BuildIceBindingRequest(p, r.z_key, r.buf);
  answer = r.Ask(std::span(r.buf.data(), *n));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->error_code()->code, 487);
  EXPECT_EQ(z.role(), Role::kControlled);
  p.transaction_id = StunTransactionId{{4}};
  p.tie_breaker = 0;
  n = BuildIceBindingRequest(p, r.z_key, r.buf);
  answer = r.Ask(std::span(r.buf.data(), *n));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->message_class(), StunClass::kSuccessResponse);
  EXPECT_EQ(z.role(), Role::kControlling);
  EXPECT_EQ(z.stats().role_conflicts, 4u);
}

TEST(IceAgentTest, ChecksArePacedAndRetransmissionsBounded) {
  AgentConfig c = TestConfig(Role::kControlling, 53);
  c.ta = milliseconds(20);
  Agent a(c);
  ASSERT_TRUE(a.AddHostCandidate(kA1).ok());
  ASSERT_TRUE(a.SetRemoteCredentials("zzzz", "0123456789012345678901").ok());
  for (uint8_t i = 0; i < 4; ++i) {
    ASSERT_TRUE(a.AddRemoteCandidate(Candidate{.foundation = std::to_string(i), .priority = 1000u + i,
                                               .address = Ipv4Address(10, 0, 1, i, 5000)}).ok());
  }
  a.SetRemoteEndOfCandidates();
  sluice::test::FakeClock clock;
  a.Start(clock.now());
  struct Sent {
    StunTransactionId id;
    Instant at;
    TransportAddress to;
  };
  std::vector<Sent> sent;
  for (int i = 0; i < 10000; ++i) {
    while (auto t = a.PollTransmit()) {
      auto v = StunMessageView::Parse(t->data);
      ASSERT_TRUE(v.ok());
      sent.push_back({v->transaction_id(), clock.now(), t->remote});
    }
    auto next = a.PollTimeout();
    if (!next) break;
    ASSERT_GE(*next, clock.now() - seconds(1));
    clock.AdvanceTo(*next);
    a.HandleTimeout(clock.now());
  }
  EXPECT_EQ(a.state(), ConnectionState::kFailed);
  // Four pairs, seven transmissions each, new checks at least Ta apart, highest priority first.
  ASSERT_EQ(sent.size(), 4u * 7);
  EXPECT_EQ(sent[0].to, Ipv4Address(10, 0, 1, 3, 5000));
  std::vector<Sent> firsts;
  for (const Sent& s : sent) {
    bool seen = std::any_of(firsts.begin(), firsts.end(), [&](const Sent& f) { return f.id == s.id; });
    if (!seen) firsts.push_back(s);
  }
  ASSERT_EQ(firsts.size(), 4u);
  for (size_t i = 1; i < firsts.size(); ++i) EXPECT_GE(firsts[i].at - firsts[i - 1].at, milliseconds(20));
  // Retransmissions of one check back off: 500 ms, then doubling up to the 3 s cap.
  std::vector<Instant> times;
  for (const Sent& s : sent) {
    if (s.id == firsts[0].id) times.push_back(s.at);
  }
  ASSERT_EQ(times.size(), 7u);
  EXPECT_EQ(times[1] - times[0], milliseconds(500));
  EXPECT_EQ(times[2] - times[1], milliseconds(1000));
  EXPECT_EQ(times[3] - times[2], milliseconds(2000));
  EXPECT_EQ(times[4] - times[3], milliseconds(3000));
  EXPECT_EQ(a.stats().retransmissions, 4u * 6);
}

TEST(IceAgentTest, CheckListIsBounded) {
  AgentConfig c = TestConfig(Role::kControlling, 61);
  c.max_pairs = 10;
  Agent a(c);
  ASSERT_TRUE(a.AddHostCandidate(kA1).ok());
  ASSERT_TRUE(a.AddHostCandidate(V4(10, 0, 0, 5, 1000)).ok());
  ASSERT_TRUE(a.SetRemoteCredentials("zzzz", "0123456789012345678901").ok());
  for (uint8_t i = 0; i < 64; ++i) {
    ASSERT_TRUE(a.AddRemoteCandidate(Candidate{.foundation = "1", .priority = 1000u + i,
                                               .address = V4(10, 0, 2, i, 5000)}).ok());
  }
  // 64 is the remote-candidate limit.
  EXPECT_EQ(a.AddRemoteCandidate(Candidate{.foundation = "1", .priority = 1,
                                           .address = V4(10, 0, 3, 1, 5000)}).error().code,
            ErrorCode::kExhausted);
  a.SetRemoteEndOfCandidates();
  sluice::test::FakeClock clock;
  a.Start(clock.now());
  size_t checks = 0;
  for (int i = 0; i < 100000 && a.PollTimeout(); ++i) {
    while (a.PollTransmit()) ++checks;
    clock.AdvanceTo(*a.PollTimeout());
    a.HandleTimeout(clock.now());
  }
  EXPECT_EQ(a.stats().checks_sent, 10u);  // only the 10 pairs the list holds
  EXPECT_EQ(a.state(), ConnectionState::kFailed);
}

TEST(IceAgentTest, ApiMisuseIsReported) {
  Agent a(TestConfig(Role::kControlling, 47));
  EXPECT_TRUE(a.AddHostCandidate(kA1).ok());
  EXPECT_FALSE(a.AddHostCandidate(kA1).ok());
  EXPECT_FALSE(a.AddHostCandidate(V4(10, 0, 0, 1, 0)).ok());
  EXPECT_FALSE(a.SetRemoteCredentials("abc", "0123456789012345678901").ok());   // ufrag < 4
  EXPECT_FALSE(a.SetRemoteCredentials("abcd", "012345678901234567890").ok());   // pwd < 22
  EXPECT_FALSE(a.SetRemoteCredentials("ab:d", "0123456789012345678901").ok());  // not ice-char
  EXPECT_TRUE(a.SetRemoteCredentials("abcd", "0123456789012345678901").ok());
  EXPECT_FALSE(a.SetRemoteCredentials("efgh", "0123456789012345678901").ok());  // restart
  Candidate c{.foundation = "1", .component = 2, .priority = 1, .address = kZ1};
  EXPECT_FALSE(a.AddRemoteCandidate(c).ok());
  EXPECT_GE(a.local_ufrag().size(), 4u);
  EXPECT_GE(a.local_pwd().size(), 22u);
  Agent b(TestConfig(Role::kControlling, 47));
  EXPECT_NE(a.local_pwd(), b.local_pwd());  // from the CSPRNG, not the seed
  EXPECT_EQ(a.tie_breaker(), b.tie_breaker());  // same seed, same run
  Agent e(AgentConfig{}), f(AgentConfig{});   // seed 0: seeded from the CSPRNG
  EXPECT_NE(e.tie_breaker(), f.tie_breaker());
  EXPECT_EQ(a.state(), ConnectionState::kNew);
  EXPECT_FALSE(a.PollTimeout());  // nothing to do before Start

  AgentConfig bad;
  EXPECT_TRUE(Agent::ValidateConfig(bad).ok());
  bad.local_pwd = "short";
  EXPECT_EQ(Agent::ValidateConfig(bad).error().code, ErrorCode::kInvalidArgument);
  bad.local_pwd = "0123456789012345678901";
  bad.local_ufrag = "a:b:";
  EXPECT_FALSE(Agent::ValidateConfig(bad).ok());
  bad.local_ufrag = "abcd";
  EXPECT_TRUE(Agent::ValidateConfig(bad).ok());
  Agent given(bad);
  EXPECT_EQ(given.local_ufrag(), "abcd");
  EXPECT_EQ(given.local_pwd(), "0123456789012345678901");
  bad.ta = Duration::zero();
  EXPECT_FALSE(Agent::ValidateConfig(bad).ok());
}

}  // namespace
}  // namespace sluice::ice::test
