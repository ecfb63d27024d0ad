// The connect timeline of two cores in simulated time (tests/support/pc_pair), for the waits
// removed from it (issue 6: offer -> first DataChannel message):
//  - the DTLS client (the answerer) sends its ClientHello on ICE's first valid pair
//    (RFC 8445 §12.1), not one round trip later when the controlling agent's nomination arrives;
//  - a data-only connection defers its SRTP sessions, and a renegotiation that adds a track
//    after connect still keys them from the DTLS exporter (the track opens, RTP flows).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>

#include "integration/pc/rtp_util.h"
#include "support/pc_pair/pc_pair.h"

namespace sluice::test {
namespace {

// A opens a channel before the offer and sends one message from kChannelOpen; returns the
// simulated time from the start of negotiation to Z receiving it.
Duration OfferToFirstMessage(PcPair& pair) {
  const auto channel = pair.a().CreateDataChannel(pair.now(), "first", {});
  EXPECT_TRUE(channel.ok());
  static constexpr std::array<uint8_t, 5> kHello = {'h', 'e', 'l', 'l', 'o'};
  pair.on_event = [&](Side side, const pc::Event& e) {
    if (side == Side::kA && e.type == pc::EventType::kChannelOpen) {
      EXPECT_TRUE(pair.a().SendChannelMessage(pair.now(), e.channel, kHello, false).ok());
    }
  };
  const Instant start = pair.now();
  EXPECT_TRUE(pair.Negotiate().ok());
  EXPECT_TRUE(pair.RunUntil([&] { return !pair.log_z().messages.empty(); }, seconds(5)));
  return pair.now() - start;
}

TEST(PcConnectTimeline, FirstMessageAfterIceDtlsAndSctpRoundTripsWithNoTimerWait) {
  // 1 ms each way. Both agents check at once (non-trickle, both descriptions applied at t0):
  //   2 ms  Z's own check answered: first valid pair, Z (DTLS client) sends its ClientHello
  //   3 ms  A: ServerHello ... ServerHelloDone;  4 ms Z: Certificate ... Finished
  //   5 ms  A connected: ChangeCipherSpec, Finished, and its SCTP INIT;  6 ms  Z connected
  //   then SCTP's INIT-ACK / COOKIE-ECHO / COOKIE-ACK (the INITs cross, RFC 8261 §5) and DCEP
  //   OPEN / ACK round trips: A's channel opens at 11 ms, it sends "hello", Z has it at 12 ms.
  // Starting the ClientHello only at the nomination (3 ms) made it 13 ms; any timer wait (DTLS's
  // 1 s retransmission, an SCTP 10 ms tick, a delayed SACK holding the message) far more.
  PcPair pair;
  const double ms = std::chrono::duration<double, std::milli>(OfferToFirstMessage(pair)).count();
  ASSERT_EQ(pair.log_z().messages.size(), 1u);
  EXPECT_EQ(pair.log_z().messages[0].data, (std::vector<uint8_t>{'h', 'e', 'l', 'l', 'o'}));
  std::printf("[ pc ] offer -> first message over 1 ms links: %.1f ms\n", ms);
  EXPECT_LE(ms, 12.0);
  EXPECT_TRUE(pair.log_a().errors.empty());
  EXPECT_TRUE(pair.log_z().errors.empty());
}

TEST(PcConnectTimeline, DataOnlyConnectionKeysSrtpWhenARenegotiationAddsTracks) {
  PcPair pair;
  (void)OfferToFirstMessage(pair);
  ASSERT_EQ(pair.log_z().messages.size(), 1u);
  // The cipher is reported from the handshake even before any session exists.
  EXPECT_FALSE(pair.a().GetStats(pair.now()).transport.at(0).srtp_cipher.empty());
  pair.on_event = nullptr;
  const pc::TrackId audio = pair.a().AddTrack(MediaKind::kAudio, "s", "a").value();
  ASSERT_TRUE(pair.Negotiate().ok());
  ASSERT_TRUE(pair.RunUntil([&] { return pair.a().track(audio)->open; }, seconds(1)));
  ASSERT_TRUE(pair.RunUntil([&] { return !pair.log_z().open_tracks.empty(); }, seconds(1)));
  ASSERT_TRUE(pair.a().SendRtp(pair.now(), audio, MakeRtp(111, 1, 1, 1, 100, 7)).ok());
  ASSERT_TRUE(pair.RunUntil([&] { return pair.log_z().rtp.size() == 1; }, seconds(1)));
  EXPECT_TRUE(pair.log_a().errors.empty());
  EXPECT_TRUE(pair.log_z().errors.empty());
}

}  // namespace
}  // namespace sluice::test
