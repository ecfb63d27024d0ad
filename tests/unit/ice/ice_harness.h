// Two ICE agents, A and Z, over two simulated one-way links in simulated time (no sockets, no
// sleeps). Step() exchanges datagrams and advances the fake clock to the next deadline; the
// test-side "network" can black-hole addresses, put A behind a NAT, and run a fake STUN server.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <optional>
#include <vector>

#include "ice/agent.h"
#include "stun/stun_builder.h"
#include "stun/stun_message.h"
#include "support/fake_clock.h"
#include "support/simulated_link.h"

namespace sluice::ice::test {

using sluice::test::FakeClock;
using sluice::test::SimulatedLink;
using sluice::test::SimulatedLinkOptions;

inline TransportAddress V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  return Ipv4Address(a, b, c, d, port);
}
inline TransportAddress V6(const char* ip, uint16_t port) { return *ParseIp(ip, port); }

inline AgentConfig TestConfig(Role role, uint64_t seed) {
  AgentConfig c;
  c.role = role;
  c.seed = seed;
  c.ta = milliseconds(5);
  return c;
}

struct Side {
  Agent agent;
  std::vector<Event> events;
  std::vector<TransportAddress> hosts;
  explicit Side(const AgentConfig& c) : agent(c) {}

  bool connected() const {
    auto s = agent.state();
    return s == ConnectionState::kConnected || s == ConnectionState::kCompleted;
  }
  bool Saw(ConnectionState s) const {
    return std::any_of(events.begin(), events.end(), [s](const Event& e) {
      return e.type == EventType::kStateChanged && e.state == s;
    });
  }
  std::optional<Instant> first_state_at(ConnectionState s) const;
  std::vector<Instant> state_times;  // parallel to events
};

inline std::optional<Instant> Side::first_state_at(ConnectionState s) const {
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].type == EventType::kStateChanged && events[i].state == s) return state_times[i];
  }
  return std::nullopt;
}

class IceHarness {
 public:
  IceHarness(const AgentConfig& a, const AgentConfig& z, const SimulatedLinkOptions& link = {})
      : a_(a), z_(z), a_to_z_(link), z_to_a_(WithSeed(link, link.seed + 100)) {}

  Side& a() { return a_; }
  Side& z() { return z_; }
  FakeClock& clock() { return clock_; }
  Instant now() const { return clock_.now(); }
  SimulatedLink& a_to_z() { return a_to_z_; }
  SimulatedLink& z_to_a() { return z_to_a_; }
  void SetDown(bool down) {
    a_to_z_.set_down(down);
    z_to_a_.set_down(down);
  }
  void Blackhole(const TransportAddress& addr) { blackholed_.push_back(addr); }
  // A fake STUN server at `server` answering every Binding request with the NAT mapping.
  void RunStunServer(const TransportAddress& server) { server_ = server; }
  // Puts A behind an endpoint-independent NAT: A's host h is seen outside as MapNat(h).
  void NatA(bool on) { nat_a_ = on; }
  static TransportAddress MapNat(const TransportAddress& host) {
    return V4(203, 0, 113, 9, static_cast<uint16_t>(host.port() + 10000));
  }
  // Datagrams every Transmit of A / Z produced (after the NAT), for tests that inspect them.
  std::vector<std::vector<uint8_t>>& a_sent() { return a_sent_; }
  std::vector<std::vector<uint8_t>>& z_sent() { return z_sent_; }

  void AddHosts(Side& s, std::initializer_list<TransportAddress> hosts) {
    for (const auto& h : hosts) {
      auto c = s.agent.AddHostCandidate(h);
      ASSERT_TRUE(c.ok()) << c.error().message;
      s.hosts.push_back(h);
    }
  }
  // Signals credentials both ways.
  void ExchangeCredentials() {
    ASSERT_TRUE(a_.agent.SetRemoteCredentials(z_.agent.local_ufrag(), z_.agent.local_pwd()).ok());
    ASSERT_TRUE(z_.agent.SetRemoteCredentials(a_.agent.local_ufrag(), a_.agent.local_pwd()).ok());
  }
  // Signals every local candidate `from` announced so far to `to` (trickle), optionally EOC.
  void SignalCandidates(Side& from, Side& to, bool end_of_candidates) {
    Drain();  // collect the kLocalCandidate events first
    for (const Event& e : from.events) {
      if (e.type == EventType::kLocalCandidate) {
        auto line = e.candidate->ToSdpString();
        auto parsed = Candidate::FromSdpString(line);
        ASSERT_TRUE(parsed.ok()) << line;
        auto r = to.agent.AddRemoteCandidate(*parsed);
        ASSERT_TRUE(r.ok()) << r.error().message;
      }
    }
    if (end_of_candidates) to.agent.SetRemoteEndOfCandidates();
  }
  void StartBoth() {
    a_.agent.Start(now());
    z_.agent.Start(now());
    Drain();
  }
  // The usual set-up: hosts added, credentials and candidates signalled, both started.
  void Connect(bool end_of_candidates = true) {
    ExchangeCredentials();
    Drain();
    SignalCandidates(a_, z_, end_of_candidates);
    SignalCandidates(z_, a_, end_of_candidates);
    StartBoth();
  }

  // Runs until `done` holds or `limit` of simulated time passes. Returns done().
  bool RunUntil(const std::function<bool()>& done, Duration limit) {
    Instant deadline = now() + limit;
    for (int iterations = 0; iterations < 2000000; ++iterations) {
      Drain();
      if (done()) return true;
      std::optional<Instant> next = Soonest(a_.agent.PollTimeout(), z_.agent.PollTimeout());
      next = Soonest(next, a_to_z_.NextDelivery());
      next = Soonest(next, z_to_a_.NextDelivery());
      next = Soonest(next, server_to_a_.NextDelivery());
      if (!next || *next > deadline) {
        clock_.AdvanceTo(deadline);
        Drain();
        return done();
      }
      clock_.AdvanceTo(*next);
      Deliver();
      if (auto t = a_.agent.PollTimeout(); t && *t <= now()) a_.agent.HandleTimeout(now());
      if (auto t = z_.agent.PollTimeout(); t && *t <= now()) z_.agent.HandleTimeout(now());
    }
    ADD_FAILURE() << "the agents never stop asking for timeouts (busy loop)";
    return false;
  }
  void RunFor(Duration d) {
    RunUntil([] { return false; }, d);
  }
  bool RunUntilConnected(Duration limit) {
    return RunUntil([this] { return a_.connected() && z_.connected(); }, limit);
  }

  // Drains transmits and events of both agents into the links and event logs.
  void Drain() {
    for (int round = 0; round < 4; ++round) {
      DrainSide(a_, true);
      DrainSide(z_, false);
    }
  }

 private:
  static SimulatedLinkOptions WithSeed(SimulatedLinkOptions o, uint64_t seed) {
    o.seed = seed;
    return o;
  }
  // Wire format inside the simulated link: src (19 bytes), dst (19 bytes), datagram.
  static void PutAddr(std::vector<uint8_t>& out, const TransportAddress& a) {
    out.push_back(static_cast<uint8_t>(a.family()));
    std::array<uint8_t, 16> ip{};
    std::copy(a.address().begin(), a.address().end(), ip.begin());
    out.insert(out.end(), ip.begin(), ip.end());
    out.push_back(static_cast<uint8_t>(a.port() >> 8));
    out.push_back(static_cast<uint8_t>(a.port()));
  }
  static TransportAddress GetAddr(const uint8_t* p) {
    std::array<uint8_t, 16> ip;
    std::memcpy(ip.data(), p + 1, 16);
    uint16_t port = static_cast<uint16_t>((p[17] << 8) | p[18]);
    if (static_cast<AddressFamily>(p[0]) == AddressFamily::kIpv6) return StunAddress::Ipv6(ip, port);
    return StunAddress::Ipv4({ip[0], ip[1], ip[2], ip[3]}, port);
  }
  static std::vector<uint8_t> Frame(const TransportAddress& src, const TransportAddress& dst,
                                    std::span<const uint8_t> data) {
    std::vector<uint8_t> out;
    PutAddr(out, src);
    PutAddr(out, dst);
    out.insert(out.end(), data.begin(), data.end());
    return out;
  }
  bool IsBlackholed(const TransportAddress& x) const {
    return std::find(blackholed_.begin(), blackholed_.end(), x) != blackholed_.end();
  }

  void DrainSide(Side& s, bool is_a) {
    while (auto t = s.agent.PollTransmit()) {
      TransportAddress src = t->local;
      if (is_a && nat_a_) src = MapNat(src);
      (is_a ? a_sent_ : z_sent_).emplace_back(t->data.begin(), t->data.end());
      if (IsBlackholed(t->local) || IsBlackholed(t->remote)) continue;
      if (server_ && t->remote == *server_ && is_a) {
        auto req = StunMessageView::Parse(t->data);
        if (req.ok() && req->message_class() == StunClass::kRequest) {
          std::array<uint8_t, kMaxIceStunSize> buf;
          StunMessageBuilder b(buf, StunMethod::kBinding, StunClass::kSuccessResponse,
                               req->transaction_id());
          auto n = b.AddXorMappedAddress(src).AddFingerprint().Finish();
          if (n.ok()) {
            server_to_a_.Send(now(), Frame(*server_, t->local, std::span(buf.data(), *n)));
          }
        }
        continue;
      }
      (is_a ? a_to_z_ : z_to_a_).Send(now(), Frame(src, t->remote, t->data));
    }
    while (auto e = s.agent.PollEvent()) {
      s.events.push_back(*e);
      s.state_times.push_back(now());
    }
  }

  void Deliver() {
    while (auto d = a_to_z_.Poll(now())) {
      z_.agent.HandleReceive(now(), GetAddr(d->data() + 19), GetAddr(d->data()),
                             std::span(*d).subspan(38));
    }
    while (auto d = z_to_a_.Poll(now())) {
      TransportAddress dst = GetAddr(d->data() + 19);
      if (nat_a_) {
        // Inbound through A's NAT: only mapped addresses are reachable.
        bool mapped = false;
        for (const auto& h : a_.hosts) {
          if (MapNat(h) == dst) {
            dst = h;
            mapped = true;
          }
        }
        if (!mapped) continue;
      }
      a_.agent.HandleReceive(now(), dst, GetAddr(d->data()), std::span(*d).subspan(38));
    }
    while (auto d = server_to_a_.Poll(now())) {
      a_.agent.HandleReceive(now(), GetAddr(d->data() + 19), GetAddr(d->data()),
                             std::span(*d).subspan(38));
    }
  }

  FakeClock clock_;
  Side a_;
  Side z_;
  SimulatedLink a_to_z_;
  SimulatedLink z_to_a_;
  SimulatedLink server_to_a_{SimulatedLinkOptions{.delay = milliseconds(10)}};
  std::vector<TransportAddress> blackholed_;
  std::optional<TransportAddress> server_;
  bool nat_a_ = false;
  std::vector<std::vector<uint8_t>> a_sent_;
  std::vector<std::vector<uint8_t>> z_sent_;
};

}  // namespace sluice::ice::test
