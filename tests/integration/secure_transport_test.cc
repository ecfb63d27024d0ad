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
  bool RunFor(Duration d) { return pair_.RunFor(d); }
  Instant now() { return pair_.clock().now(); }

  SecureTransportPair pair_;
  SecureTransportPeer& a_ = pair_.a();
  SecureTransportPeer& z_ = pair_.z();
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
  pair_.Connect(link);
  SimulatedLink& az = pair_.az();
  SimulatedLink& za = pair_.za();
  ASSERT_TRUE(a_.secure() && z_.secure())
      << "ICE " << ToString(a_.ice().state()) << "/" << ToString(z_.ice().state()) << ", DTLS "
      << dtls::ToString(a_.dtls().state()) << "/" << dtls::ToString(z_.dtls().state());
  const auto setup = std::chrono::duration_cast<milliseconds>(pair_.setup_time());
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
    ASSERT_TRUE(a_.SendRtp(now(), ra, az).ok());
    ASSERT_TRUE(z_.SendRtp(now(), rz, za).ok());
    ASSERT_TRUE(a_.SendRtcp(now(), ca, az).ok());
    ASSERT_TRUE(z_.SendRtcp(now(), cz, za).ok());
    ++sent_az_rtp[ra];
    ++sent_za_rtp[rz];
    ++sent_az_rtcp[ca];
    ++sent_za_rtcp[cz];
    RunFor(milliseconds(20));
  }
  RunFor(seconds(1));
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
  const Instant cut = now();
  az.set_down(true);
  za.set_down(true);
  pair_.RunUntil([&] { return a_.ice_failed_at() && z_.ice_failed_at(); }, seconds(60));
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
  ASSERT_TRUE(pair_.Connect({.delay = milliseconds(1), .seed = 3}));
  const auto setup = pair_.setup_time();
  std::printf("simulated setup (ICE + DTLS, 1 ms one-way, no loss): %.1f ms\n",
              std::chrono::duration<double, std::milli>(setup).count());
  // ICE (a check, then the nomination sent as soon as it succeeds: 2 RTT for the controlling
  // side, 1.5 for the controlled DTLS client, which starts at once) and a DTLS 1.2 handshake
  // (2 RTT) at 2 ms RTT: 7 ms. Neither Ta pacing (50 ms) nor a retransmission (1 s) may show up;
  // issue 6 wants every connect within 10 ms on loopback.
  EXPECT_LE(setup, milliseconds(8));
}

}  // namespace
}  // namespace sluice::test
