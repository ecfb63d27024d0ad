// Two cores connect in simulated time: offer/answer with every candidate in the SDP, ICE, DTLS,
// SRTP keyed, states as W3C reports them; connect time over clean 1 ms links.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "support/pc_pair/pc_pair.h"

namespace sluice::test {
namespace {

bool Contains(const std::vector<PeerConnectionState>& v, PeerConnectionState s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(PcConnect, MediaOnlyConnectsOverCleanLinks) {
  PcPair pair;
  ASSERT_TRUE(pair.a().AddTrack(MediaKind::kAudio, "s", "a1"));
  ASSERT_TRUE(pair.Connect());
  EXPECT_EQ(pair.a().connection_state(), PeerConnectionState::kConnected);
  EXPECT_EQ(pair.z().connection_state(), PeerConnectionState::kConnected);
  EXPECT_EQ(pair.a().signaling_state(), SignalingState::kStable);
  EXPECT_EQ(pair.z().signaling_state(), SignalingState::kStable);
  EXPECT_EQ(pair.a().ice_gathering_state(), IceGatheringState::kComplete);
  // new -> connecting -> connected, nothing else.
  EXPECT_EQ(pair.log_a().connection_states,
            (std::vector<PeerConnectionState>{PeerConnectionState::kConnecting,
                                              PeerConnectionState::kConnected}));
  EXPECT_TRUE(pair.log_a().errors.empty());
  EXPECT_TRUE(pair.log_z().errors.empty());
  const auto stats = pair.a().GetStats(pair.now());
  ASSERT_EQ(stats.transport.size(), 1u);
  EXPECT_EQ(stats.transport[0].dtls_state, "connected");
  EXPECT_EQ(stats.transport[0].ice_role, "controlling");
  EXPECT_FALSE(stats.transport[0].srtp_cipher.empty());
  ASSERT_EQ(stats.candidate_pair.size(), 1u);
  EXPECT_EQ(stats.candidate_pair[0].remote_candidate, "udp 10.0.0.2:50000 host");
  EXPECT_EQ(pair.z().GetStats(pair.now()).transport[0].ice_role, "controlled");
}

TEST(PcConnect, SimulatedConnectTimeOverOneMillisecondLinks) {
  // Offer to both sides connected (ICE + DTLS 1.2 handshake + SRTP) with 1 ms one-way delay.
  std::vector<double> times;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    PcPair pair({.seed = seed});
    ASSERT_TRUE(pair.a().AddTrack(MediaKind::kVideo, "s", "v"));
    ASSERT_TRUE(pair.Connect());
    times.push_back(std::chrono::duration<double, std::milli>(pair.connect_time()).count());
  }
  std::sort(times.begin(), times.end());
  std::printf("[ pc ] simulated connect over 1 ms links: median %.1f ms, max %.1f ms (20 runs)\n",
              times[times.size() / 2], times.back());
  // ICE round trip + DTLS (2 round trips) at 2 ms RTT: a few ms, never a retransmit timeout.
  EXPECT_LT(times.back(), 50.0);
}

TEST(PcConnect, LocalDescriptionCarriesCandidatesAndEndOfCandidates) {
  PcPair pair;
  ASSERT_TRUE(pair.a().AddTrack(MediaKind::kAudio, "s", "a1"));
  ASSERT_TRUE(pair.Negotiate());
  EXPECT_NE(pair.offer_sdp().find("a=candidate:"), std::string::npos);
  EXPECT_NE(pair.offer_sdp().find("10.0.0.1 40000 typ host"), std::string::npos);
  EXPECT_NE(pair.offer_sdp().find("a=end-of-candidates"), std::string::npos);
  EXPECT_NE(pair.answer_sdp().find("10.0.0.2 50000 typ host"), std::string::npos);
  EXPECT_NE(pair.answer_sdp().find("a=setup:active"), std::string::npos);
  EXPECT_NE(pair.offer_sdp().find("a=setup:actpass"), std::string::npos);
  ASSERT_EQ(pair.log_a().local_candidates.size(), 1u);
  EXPECT_EQ(pair.log_a().local_candidates[0].sdp_mid, "0");
}

TEST(PcConnect, ConnectsWithTenPercentLoss) {
  PcPairOptions options;
  options.link.loss = 0.10;
  options.link.delay = milliseconds(5);
  int connected = 0;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    options.seed = seed;
    PcPair pair(options);
    ASSERT_TRUE(pair.a().AddTrack(MediaKind::kAudio, "s", "a"));
    if (pair.Connect(seconds(30))) ++connected;
  }
  EXPECT_EQ(connected, 5);
}

TEST(PcConnect, CloseReportsClosedStates) {
  PcPair pair;
  ASSERT_TRUE(pair.a().AddTrack(MediaKind::kAudio, "s", "a1"));
  ASSERT_TRUE(pair.Connect());
  pair.a().Close(pair.now());
  pair.RunFor(milliseconds(100));
  EXPECT_EQ(pair.a().connection_state(), PeerConnectionState::kClosed);
  EXPECT_EQ(pair.a().signaling_state(), SignalingState::kClosed);
  EXPECT_TRUE(Contains(pair.log_a().connection_states, PeerConnectionState::kClosed));
  // The peer saw close_notify.
  EXPECT_NE(pair.z().connection_state(), PeerConnectionState::kConnected);
  EXPECT_FALSE(pair.a().PollTimeout().has_value());
}

TEST(PcConnect, BrokenLinkFailsIce) {
  PcPair pair;
  ASSERT_TRUE(pair.a().AddTrack(MediaKind::kAudio, "s", "a1"));
  pair.az().set_down(true);
  pair.za().set_down(true);
  ASSERT_TRUE(pair.Negotiate());
  pair.RunUntil([&] { return pair.a().connection_state() == PeerConnectionState::kFailed; },
                seconds(60));
  EXPECT_EQ(pair.a().connection_state(), PeerConnectionState::kFailed);
  EXPECT_FALSE(pair.log_a().errors.empty());
}

}  // namespace
}  // namespace sluice::test

namespace sluice::test {
namespace {

TEST(PcConnect, RolesSwapForARenegotiationButDtlsRolesStay) {
  PcPair pair;
  ASSERT_TRUE(pair.a().AddTrack(MediaKind::kAudio, "s", "a"));
  ASSERT_TRUE(pair.Connect());
  // Now Z offers (it adds a video track) and A answers. A was the DTLS server (Z answered
  // active): A's answer must say passive to keep it so (RFC 8842 §5.5).
  ASSERT_TRUE(pair.z().AddTrack(MediaKind::kVideo, "z", "v"));
  ASSERT_TRUE(pair.z().SetLocalDescription(pair.now()));
  ASSERT_TRUE(pair.a().SetRemoteDescription(pair.now(), *pair.z().local_description()));
  ASSERT_TRUE(pair.a().SetLocalDescription(pair.now()));
  const std::string answer = pair.a().local_description()->sdp;
  EXPECT_NE(answer.find("a=setup:passive"), std::string::npos);
  EXPECT_EQ(answer.find("a=setup:active"), std::string::npos);
  ASSERT_TRUE(pair.z().SetRemoteDescription(pair.now(), *pair.a().local_description()));
  pair.RunFor(milliseconds(50));
  EXPECT_EQ(pair.a().connection_state(), PeerConnectionState::kConnected);
  EXPECT_EQ(pair.z().connection_state(), PeerConnectionState::kConnected);
  ASSERT_EQ(pair.log_a().remote_tracks.size(), 1u);
  EXPECT_TRUE(pair.a().track(pair.log_a().remote_tracks[0])->open);
}

}  // namespace
}  // namespace sluice::test
