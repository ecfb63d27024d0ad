// Issue "Secure transport": two peers (ICE + DTLS + SRTP) over simulated links with 10 % loss,
// reordering, duplication and 50 ms one-way delay, in simulated time. They connect, agree on
// keys, carry 1,000 RTP and 1,000 RTCP packets each way byte-identical, and when the link is
// cut both report ICE `failed` within the RFC 7675 consent timeout.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>

#include "common/random.h"
#include "integration/secure_transport_peer.h"
#include "rtcp/sender_report.h"
#include "rtp/rtp_header.h"
#include "support/fake_clock.h"

namespace sluice::test {
namespace {

constexpr int kPackets = 1000;

class SecureTransportTest : public ::testing::Test {
 protected:
  SecureTransportTest()
      : a_("A", ice::Ipv4Address(127, 0, 0, 1, 40000), ice::Role::kControlling,
           dtls::DtlsRole::kServer, 11),
        z_("Z", ice::Ipv4Address(127, 0, 0, 1, 50000), ice::Role::kControlled,
           dtls::DtlsRole::kClient, 22) {}

  void Connect(const SimulatedLinkOptions& link) {
    SimulatedLinkOptions az_options = link, za_options = link;
    az_options.seed = link.seed * 2 + 1;
    za_options.seed = link.seed * 2 + 2;
    az_ = std::make_unique<SimulatedLink>(az_options);
    za_ = std::make_unique<SimulatedLink>(za_options);
    a_.Learn(z_);
    z_.Learn(a_);
    start_ = clock_.now();
    a_.Start(clock_.now());
    z_.Start(clock_.now());
    RunUntil([&] { return a_.secure() && z_.secure(); }, seconds(30));
  }

  // Steps both peers and both links in simulated time until `done` or `limit` has passed.
  template <typename Done>
  bool RunUntil(Done done, Duration limit) {
    const Instant deadline = clock_.now() + limit;
    for (int steps = 0; steps < 2'000'000; ++steps) {
      Flush();
      if (done()) return true;
      std::optional<Instant> next =
          Soonest(Soonest(a_.PollTimeout(), z_.PollTimeout()),
                  Soonest(az_->NextDelivery(), za_->NextDelivery()));
      if (!next || *next > deadline) {
        clock_.AdvanceTo(deadline);
        Flush();
        return done();
      }
      clock_.AdvanceTo(*next);
      const Instant now = clock_.now();
      while (auto d = az_->Poll(now)) z_.Deliver(now, *d);
      while (auto d = za_->Poll(now)) a_.Deliver(now, *d);
      a_.HandleTimeout(now);
      z_.HandleTimeout(now);
    }
    ADD_FAILURE() << "step limit reached";
    return false;
  }

  void Flush() {
    a_.Flush(clock_.now(), *az_);
    z_.Flush(clock_.now(), *za_);
  }

  FakeClock clock_;
  Instant start_;
  SecureTransportPeer a_;
  SecureTransportPeer z_;
  std::unique_ptr<SimulatedLink> az_;
  std::unique_ptr<SimulatedLink> za_;
};

std::vector<uint8_t> MakeRtp(Random& random, uint32_t ssrc, uint16_t seq) {
  RtpHeader h;
  h.payload_type = PayloadType(111);
  h.sequence_number = SeqNum(seq);
  h.timestamp = seq * 960u;
  h.ssrc = Ssrc(ssrc);
  h.marker = seq % 50 == 0;
  std::vector<uint8_t> payload(random.Uniform(20, 1100));
  random.Fill(payload);
  std::vector<uint8_t> out(h.PacketSize(payload.size()));
  size_t n = h.SerializePacketTo(payload, out).value();
  out.resize(n);
  return out;
}

std::vector<uint8_t> MakeRtcp(uint32_t ssrc, uint32_t i) {
  SenderReport sr;
  sr.sender_ssrc = Ssrc(ssrc);
  sr.ntp_timestamp = (uint64_t{i} << 32) | 0x8000;
  sr.rtp_timestamp = i * 960;
  sr.packet_count = i;
  sr.octet_count = i * 100;
  std::vector<uint8_t> out(sr.SerializedSize());
  size_t n = sr.SerializeTo(out).value();
  out.resize(n);
  return out;
}

// Sends kPackets RTP and RTCP packets from `from` and checks that every one that arrives at
// `to` is byte-identical to what was sent, and that each sent packet arrives at most once.
void ExpectMediaIdentical(const std::map<std::vector<uint8_t>, int>& sent,
                          const std::vector<std::vector<uint8_t>>& received, size_t min_expected) {
  std::map<std::vector<uint8_t>, int> seen;
  for (const auto& p : received) {
    ASSERT_TRUE(sent.count(p)) << "a received packet differs from every sent packet";
    EXPECT_EQ(++seen[p], 1) << "delivered twice: SRTP replay protection failed";
  }
  EXPECT_GE(received.size(), min_expected);
}

TEST_F(SecureTransportTest, LossyLinkConnectsAndCarriesMediaThenConsentExpires) {
  SimulatedLinkOptions link{.delay = milliseconds(50),
                            .jitter = milliseconds(5),
                            .loss = 0.10,
                            .duplicate = 0.02,
                            .reorder = 0.05,
                            .reorder_delay = milliseconds(15),
                            .seed = 7};
  Connect(link);
  ASSERT_TRUE(a_.secure() && z_.secure()) << "ICE " << ToString(a_.ice().state()) << "/"
                                         << ToString(z_.ice().state()) << ", DTLS "
                                         << dtls::ToString(a_.dtls().state()) << "/"
                                         << dtls::ToString(z_.dtls().state());
  const auto setup = std::chrono::duration_cast<milliseconds>(
      std::max(*a_.secure_at(), *z_.secure_at()) - start_);
  std::printf("simulated setup (ICE + DTLS, 50 ms one-way, 10%% loss): %lld ms\n",
              static_cast<long long>(setup.count()));
  EXPECT_EQ(a_.dtls().srtp_keying_material().profile, z_.dtls().srtp_keying_material().profile);

  // Media both ways: one RTP and one RTCP packet every 20 ms per direction.
  Random random(99);
  std::map<std::vector<uint8_t>, int> sent_az_rtp, sent_za_rtp, sent_az_rtcp, sent_za_rtcp;
  for (int i = 0; i < kPackets; ++i) {
    auto ra = MakeRtp(random, 0xA0A0A0A0, static_cast<uint16_t>(65000 + i));  // wraps seq
    auto rz = MakeRtp(random, 0x2B2B2B2B, static_cast<uint16_t>(i));
    auto ca = MakeRtcp(0xA0A0A0A0, static_cast<uint32_t>(i));
    auto cz = MakeRtcp(0x2B2B2B2B, static_cast<uint32_t>(i));
    ASSERT_TRUE(a_.SendRtp(clock_.now(), ra, *az_).ok());
    ASSERT_TRUE(z_.SendRtp(clock_.now(), rz, *za_).ok());
    ASSERT_TRUE(a_.SendRtcp(clock_.now(), ca, *az_).ok());
    ASSERT_TRUE(z_.SendRtcp(clock_.now(), cz, *za_).ok());
    ++sent_az_rtp[ra];
    ++sent_za_rtp[rz];
    ++sent_az_rtcp[ca];
    ++sent_za_rtcp[cz];
    RunUntil([] { return false; }, milliseconds(20));
  }
  RunUntil([] { return false; }, seconds(1));
  // 10 % loss: about 900 of 1,000 arrive; fewer than 800 would mean SRTP rejected good packets.
  ExpectMediaIdentical(sent_az_rtp, z_.rtp_received(), 800);
  ExpectMediaIdentical(sent_za_rtp, a_.rtp_received(), 800);
  ExpectMediaIdentical(sent_az_rtcp, z_.rtcp_received(), 800);
  ExpectMediaIdentical(sent_za_rtcp, a_.rtcp_received(), 800);
  // Every SRTP rejection is a duplicate made by the link (a replay), never a good packet.
  EXPECT_EQ(z_.srtp_in()->stats().auth_failures, 0u);
  EXPECT_EQ(a_.srtp_in()->stats().auth_failures, 0u);
  for (const auto* peer : {&a_, &z_}) {
    const auto& c = peer->counters();
    const auto& srtp = peer->srtp_in()->stats();
    EXPECT_EQ(c.media_datagrams, c.rtp_unprotected + c.rtcp_unprotected + srtp.replays)
        << peer->name() << ": media datagrams that were neither accepted nor replays";
    EXPECT_GT(srtp.replays, 0u) << "the link duplicates 2 %: replays must have been seen";
  }
  std::printf("A->Z: %zu/%d RTP and %zu/%d RTCP delivered identical; %llu replays dropped\n",
              z_.rtp_received().size(), kPackets, z_.rtcp_received().size(), kPackets,
              static_cast<unsigned long long>(z_.srtp_in()->stats().replays));

  // Consent: cut the link both ways; RFC 7675 §5.1 expires consent 30 s after the last
  // response, and a check goes out every 5 s ± 20 %, so both sides must fail within 30 + 6 s.
  const Instant cut = clock_.now();
  az_->set_down(true);
  za_->set_down(true);
  RunUntil([&] { return a_.ice_failed_at() && z_.ice_failed_at(); }, seconds(60));
  ASSERT_TRUE(a_.ice_failed_at()) << ToString(a_.ice().state());
  ASSERT_TRUE(z_.ice_failed_at()) << ToString(z_.ice().state());
  EXPECT_LE(*a_.ice_failed_at() - cut, seconds(36));
  EXPECT_LE(*z_.ice_failed_at() - cut, seconds(36));
  EXPECT_GE(*a_.ice_failed_at() - cut, seconds(24));  // not before consent could have expired
  EXPECT_STRNE(a_.ice_failure_reason(), "");
  std::printf("consent cut: A failed after %lld ms (%s), Z after %lld ms (%s)\n",
              static_cast<long long>(
                  std::chrono::duration_cast<milliseconds>(*a_.ice_failed_at() - cut).count()),
              a_.ice_failure_reason(),
              static_cast<long long>(
                  std::chrono::duration_cast<milliseconds>(*z_.ice_failed_at() - cut).count()),
              z_.ice_failure_reason());
}

TEST_F(SecureTransportTest, CleanLinkConnectsInFewRoundTrips) {
  Connect({.delay = milliseconds(1), .seed = 3});
  ASSERT_TRUE(a_.secure() && z_.secure());
  const auto setup = std::max(*a_.secure_at(), *z_.secure_at()) - start_;
  std::printf("simulated setup (ICE + DTLS, 1 ms one-way, no loss): %.1f ms\n",
              std::chrono::duration<double, std::milli>(setup).count());
  // ICE (1 RTT + nomination) and a DTLS 1.2 handshake (2 RTTs) at 2 ms RTT, plus pacing and the
  // nomination delay: well under 300 ms. A retransmission (1 s) would show up here.
  EXPECT_LT(setup, milliseconds(300));
}

}  // namespace
}  // namespace sluice::test
