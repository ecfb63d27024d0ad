// Steady state allocates nothing (DESIGN.md §4): consent checks, their answers and responses,
// 10,000 round trips between two connected agents, counted by the replaced operator new.
#include <gtest/gtest.h>

#include "ice/agent.h"
#include "support/alloc_counter.h"

namespace sluice::ice {
namespace {

struct Datagram {
  TransportAddress from, to;
  std::array<uint8_t, kMaxIceStunSize> bytes;
  size_t size = 0;
};

// Moves every datagram `from` wants to send into `to` (fixed storage, no allocation).
size_t Pump(Agent& from, Agent& to, Instant now) {
  static Datagram d;
  size_t n = 0;
  while (auto t = from.PollTransmit()) {
    d.from = t->local;
    d.to = t->remote;
    d.size = t->data.size();
    std::copy(t->data.begin(), t->data.end(), d.bytes.begin());
    to.HandleReceive(now, d.to, d.from, std::span(d.bytes.data(), d.size));
    ++n;
  }
  return n;
}

TEST(IceAgentAllocTest, ConsentRoundTripsAllocateNothing) {
  AgentConfig ca, cz;
  ca.role = Role::kControlling;
  cz.role = Role::kControlled;
  ca.seed = 1;
  cz.seed = 2;
  Agent a(ca), z(cz);
  auto ha = Ipv4Address(10, 0, 0, 1, 1000);
  auto hz = Ipv4Address(10, 0, 0, 2, 2000);
  auto ca_host = a.AddHostCandidate(ha);
  auto cz_host = z.AddHostCandidate(hz);
  ASSERT_TRUE(a.SetRemoteCredentials(z.local_ufrag(), z.local_pwd()).ok());
  ASSERT_TRUE(z.SetRemoteCredentials(a.local_ufrag(), a.local_pwd()).ok());
  ASSERT_TRUE(a.AddRemoteCandidate(*cz_host).ok());
  ASSERT_TRUE(z.AddRemoteCandidate(*ca_host).ok());
  a.SetRemoteEndOfCandidates();
  z.SetRemoteEndOfCandidates();
  Instant now = Instant{} + std::chrono::hours(1);
  a.Start(now);
  z.Start(now);
  for (int i = 0; i < 1000 && !(a.state() == ConnectionState::kCompleted &&
                                 z.state() == ConnectionState::kCompleted); ++i) {
    // Everything sent at `now` arrives at `now`: pump until both queues are empty before the
    // clock moves (a datagram left queued would arrive only at the next timer, after its
    // request was retransmitted, and the second answer would be an unmatched response).
    while (Pump(a, z, now) + Pump(z, a, now) > 0) {
    }
    while (a.PollEvent()) {
    }
    while (z.PollEvent()) {
    }
    auto next = Soonest(a.PollTimeout(), z.PollTimeout());
    if (next && *next > now) now = *next;
    a.HandleTimeout(now);
    z.HandleTimeout(now);
  }
  ASSERT_EQ(a.state(), ConnectionState::kCompleted);
  ASSERT_EQ(z.state(), ConnectionState::kCompleted);

  uint64_t before_checks = a.stats().consent_checks_sent + z.stats().consent_checks_sent;
  size_t datagrams = 0;
  test::AllocationScope scope;
  for (int i = 0; i < 10000; ++i) {
    auto next = Soonest(a.PollTimeout(), z.PollTimeout());
    if (next && *next > now) now = *next;
    a.HandleTimeout(now);
    z.HandleTimeout(now);
    datagrams += Pump(a, z, now);
    datagrams += Pump(z, a, now);
    datagrams += Pump(a, z, now);
  }
  EXPECT_EQ(scope.count(), 0u);
  EXPECT_GT(a.stats().consent_checks_sent + z.stats().consent_checks_sent - before_checks, 5000u);
  EXPECT_GT(datagrams, 10000u);
  EXPECT_EQ(a.state(), ConnectionState::kCompleted);
  EXPECT_EQ(z.state(), ConnectionState::kCompleted);
  EXPECT_EQ(a.stats().dropped() + z.stats().dropped(), 0u);
}

}  // namespace
}  // namespace sluice::ice
