// DESIGN.md §4: the steady-state media path allocates nothing. Two cores exchange datagrams
// directly (no SimulatedLink copies): A sends 10,000 RTP packets with SendRtp, each goes through
// SRTP protect, PollTransmit, Z's HandleReceive (demux, unprotect, routing, receive statistics)
// and Z's PollEvent; timers (ICE consent, RTCP reports) run as time passes. Counted with
// tests/support/alloc_counter (malloc, operator new and OpenSSL's allocations).
#include <gtest/gtest.h>

#include "dtls/dtls_certificate.h"
#include "integration/pc/rtp_util.h"
#include "pc/peer_connection_core.h"
#include "support/alloc_counter.h"

namespace sluice::test {
namespace {

const StunAddress kA = StunAddress::Ipv4({10, 0, 0, 1}, 40000);
const StunAddress kZ = StunAddress::Ipv4({10, 0, 0, 2}, 50000);

struct Direct {
  std::unique_ptr<pc::PeerConnectionCore> a, z;
  Instant now = Instant{} + std::chrono::hours(2000);
  size_t rtp_at_z = 0;

  // Moves every datagram straight into the other core (the span is valid until the next call
  // into the sender, which is after the receiver consumed it).
  void Pump() {
    for (int round = 0; round < 100; ++round) {
      bool progress = false;
      while (auto t = a->PollTransmit()) {
        z->HandleReceive(now, kZ, kA, t->data);
        progress = true;
      }
      while (auto t = z->PollTransmit()) {
        a->HandleReceive(now, kA, kZ, t->data);
        progress = true;
      }
      while (auto e = a->PollEvent()) progress = true;
      while (auto e = z->PollEvent()) {
        if (e->type == pc::EventType::kRtp) ++rtp_at_z;
        progress = true;
      }
      if (!progress) return;
    }
  }

  void Advance(Duration d) {
    now += d;
    if (auto t = a->PollTimeout(); t && *t <= now) a->HandleTimeout(now);
    if (auto t = z->PollTimeout(); t && *t <= now) z->HandleTimeout(now);
    Pump();
  }
};

TEST(PcAllocations, SteadyStateRtpPathAllocatesNothing) {
  Direct d;
  auto ca = dtls::DtlsCertificate::Generate().value();
  auto cz = dtls::DtlsCertificate::Generate().value();
  d.a = pc::PeerConnectionCore::Create({}, ca, 1).value();
  d.z = pc::PeerConnectionCore::Create({}, cz, 2).value();
  ASSERT_TRUE(d.a->AddHostCandidate(kA));
  ASSERT_TRUE(d.z->AddHostCandidate(kZ));
  const pc::TrackId video = d.a->AddTrack(MediaKind::kVideo, "s", "v").value();
  ASSERT_TRUE(d.a->SetLocalDescription(d.now));
  ASSERT_TRUE(d.z->SetRemoteDescription(d.now, *d.a->local_description()));
  ASSERT_TRUE(d.z->SetLocalDescription(d.now));
  ASSERT_TRUE(d.a->SetRemoteDescription(d.now, *d.z->local_description()));
  for (int i = 0; i < 2000 && !d.a->track(video)->open; ++i) d.Advance(milliseconds(1));
  ASSERT_TRUE(d.a->track(video)->open);
  std::vector<uint8_t> packet = MakeRtp(96, 0, 0, 1, 1000, 0x5a);
  auto send = [&](uint16_t seq) {
    packet[2] = static_cast<uint8_t>(seq >> 8);
    packet[3] = static_cast<uint8_t>(seq);
    ASSERT_TRUE(d.a->SendRtp(d.now, video, packet));
    d.Advance(milliseconds(1));
  };
  // Warm-up: queues reach their working capacity, the first reports go out.
  for (uint16_t i = 0; i < 3000; ++i) send(i);
  const size_t before = d.rtp_at_z;
  AllocationScope scope;
  for (uint16_t i = 3000; i < 13000; ++i) send(i);
  const uint64_t allocations = scope.count();
  EXPECT_EQ(d.rtp_at_z - before, 10000u);
  EXPECT_EQ(allocations, 0u) << "allocations over 10,000 packets (and 10 s of timers)";
  // The counter sees this binary's allocations: GetStats builds strings and vectors.
  AllocationScope control;
  (void)d.z->GetStats(d.now);
  EXPECT_GT(control.count(), 0u);
}

}  // namespace
}  // namespace sluice::test
