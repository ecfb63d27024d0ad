// DESIGN.md §4: the steady-state media path allocates nothing. Two cores exchange datagrams
// directly (no SimulatedLink copies): A sends 10,000 RTP packets with SendRtp, each goes through
// SRTP protect, PollTransmit, Z's HandleReceive (demux, unprotect, routing, receive statistics)
// and Z's PollEvent; timers (ICE consent, RTCP reports) run as time passes. Counted with
// tests/support/alloc_counter (malloc, operator new and OpenSSL's allocations).
#include <gtest/gtest.h>

#include <algorithm>

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
  // When set, datagrams reach Z through the zero-copy PacketBuffer form, copied into this pool
  // as a socket layer would receive them; rtp_in_slot counts kRtp events whose data lies in
  // the slot that was handed in.
  std::unique_ptr<PacketPool> receive_pool;
  size_t rtp_in_slot = 0;
  std::vector<const uint8_t*> slots;  // handed to Z since its events were last drained

  // Moves every datagram straight into the other core (the span is valid until the next call
  // into the sender, which is after the receiver consumed it).
  void Pump() {
    for (int round = 0; round < 100; ++round) {
      bool progress = false;
      while (auto t = a->PollTransmit()) {
        if (receive_pool) {
          auto b = receive_pool->Acquire().value();
          (void)b.Resize(t->data.size());
          std::copy(t->data.begin(), t->data.end(), b.mutable_data().begin());
          slots.push_back(b.data().data());
          z->HandleReceive(now, kZ, kA, std::move(b));
        } else {
          z->HandleReceive(now, kZ, kA, t->data);
        }
        progress = true;
      }
      while (auto t = z->PollTransmit()) {
        a->HandleReceive(now, kA, kZ, t->data);
        progress = true;
      }
      while (auto e = a->PollEvent()) progress = true;
      while (auto e = z->PollEvent()) {
        if (e->type == pc::EventType::kRtp) ++rtp_at_z;
        if (e->type == pc::EventType::kRtp &&
            std::find(slots.begin(), slots.end(), e->data.data()) != slots.end()) {
          ++rtp_in_slot;
        }
        progress = true;
      }
      slots.clear();  // keeps its capacity: no allocation in the measured loop
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

void RunRtpPath(bool zero_copy) {
  Direct d;
  if (zero_copy) d.receive_pool = PacketPool::Create({.slot_count = 64}).value();
  d.slots.reserve(256);
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
  if (zero_copy) EXPECT_EQ(d.rtp_in_slot, 13000u);  // unprotected in place, not copied
}

TEST(PcAllocations, SteadyStateRtpPathAllocatesNothing) { RunRtpPath(false); }
TEST(PcAllocations, ZeroCopyReceiveAllocatesNothingAndDeliversInPlace) { RunRtpPath(true); }

}  // namespace
}  // namespace sluice::test
