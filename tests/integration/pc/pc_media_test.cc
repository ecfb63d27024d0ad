// RTP and RTCP between two cores in simulated time: SSRC rewriting, payload types, routing by
// MID / SSRC, PLI and NACK both ways, echo as echo-peer does it, and loss.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "integration/pc/rtp_util.h"
#include "rtp/rtp_packet.h"
#include "support/pc_pair/pc_pair.h"

namespace sluice::test {
namespace {

uint32_t SsrcOf(const std::vector<uint8_t>& p) { return RtpPacketView::Parse(p)->ssrc().value(); }
uint8_t PtOf(const std::vector<uint8_t>& p) { return RtpPacketView::Parse(p)->payload_type().value(); }
uint16_t SeqOf(const std::vector<uint8_t>& p) {
  return RtpPacketView::Parse(p)->sequence_number().value();
}

bool WaitOpen(PcPair& pair) {
  return pair.RunUntil([&] {
    return !pair.log_a().open_tracks.empty() && !pair.log_z().open_tracks.empty();
  }, seconds(5));
}

TEST(PcMedia, SendRecvBothWaysWithSsrcAndPayloadType) {
  PcPair pair;
  const pc::TrackId ta = pair.a().AddTrack(MediaKind::kVideo, "sa", "va").value();
  const pc::TrackId tz = pair.z().AddTrack(MediaKind::kVideo, "sz", "vz").value();
  ASSERT_TRUE(pair.Connect());
  ASSERT_TRUE(WaitOpen(pair));
  // Z's own transceiver was associated with A's m-line (JSEP §5.10): no kTrack.
  EXPECT_TRUE(pair.log_z().remote_tracks.empty());
  const auto info_a = *pair.a().track(ta);
  const auto info_z = *pair.z().track(tz);
  EXPECT_EQ(info_a.mid, info_z.mid);
  EXPECT_EQ(info_z.direction, TransceiverDirection::kSendRecv);
  ASSERT_FALSE(info_z.codecs.empty());
  const uint8_t pt = info_a.codecs[0].payload_type;  // VP8 96: A offered it, Z kept it

  for (uint16_t i = 0; i < 100; ++i) {
    ASSERT_TRUE(pair.a().SendRtp(pair.now(), ta, MakeRtp(pt, i, i * 3000u, 0xdeadbeef, 500, 0xa0)));
    ASSERT_TRUE(pair.z().SendRtp(pair.now(), tz, MakeRtp(pt, 1000 + i, i * 3000u, 42, 300, 0x20)));
    pair.RunFor(milliseconds(1));
  }
  pair.RunFor(milliseconds(20));
  ASSERT_EQ(pair.log_z().rtp.size(), 100u);
  ASSERT_EQ(pair.log_a().rtp.size(), 100u);
  for (size_t i = 0; i < 100; ++i) {
    const auto& p = pair.log_z().rtp[i];
    EXPECT_EQ(p.track, tz);
    EXPECT_EQ(SsrcOf(p.packet), info_a.ssrc);  // rewritten to the track's own SSRC
    EXPECT_EQ(PtOf(p.packet), pt);
    EXPECT_EQ(SeqOf(p.packet), i);
    EXPECT_EQ(RtpPacketView::Parse(p.packet)->payload().size(), 500u);
    const auto& q = pair.log_a().rtp[i];
    EXPECT_EQ(q.track, ta);
    EXPECT_EQ(SsrcOf(q.packet), info_z.ssrc);
    EXPECT_EQ(SeqOf(q.packet), 1000 + i);
  }
  EXPECT_EQ(*pair.z().track(tz)->remote_ssrc, info_a.ssrc);
  const auto sz = pair.z().GetStats(pair.now());
  ASSERT_EQ(sz.inbound_rtp.size(), 1u);
  EXPECT_EQ(sz.inbound_rtp[0].packets_received, 100u);
  EXPECT_EQ(sz.inbound_rtp[0].bytes_received, 100u * 500u);
  EXPECT_EQ(sz.inbound_rtp[0].packets_lost, 0);
  EXPECT_EQ(sz.inbound_rtp[0].codec, "video/VP8");
  const auto sa = pair.a().GetStats(pair.now());
  ASSERT_EQ(sa.outbound_rtp.size(), 1u);
  EXPECT_EQ(sa.outbound_rtp[0].packets_sent, 100u);
  EXPECT_EQ(sa.outbound_rtp[0].ssrc, info_a.ssrc);
}

TEST(PcMedia, RemoteTracksAreAnnouncedAndRoutedByMid) {
  PcPair pair;
  const pc::TrackId audio = pair.a().AddTrack(MediaKind::kAudio, "s", "a").value();
  const pc::TrackId video = pair.a().AddTrack(MediaKind::kVideo, "s", "v").value();
  ASSERT_TRUE(pair.Connect());
  ASSERT_TRUE(WaitOpen(pair));
  ASSERT_EQ(pair.log_z().remote_tracks.size(), 2u);
  const pc::TrackId za = pair.log_z().remote_tracks[0];
  const pc::TrackId zv = pair.log_z().remote_tracks[1];
  EXPECT_EQ(pair.z().track(za)->kind, MediaKind::kAudio);
  EXPECT_EQ(pair.z().track(zv)->kind, MediaKind::kVideo);
  EXPECT_EQ(pair.z().track(za)->remote_track_id, "a");
  EXPECT_EQ(pair.z().track(zv)->remote_stream_id, "s");
  // Z has no sender on them: the answer says recvonly, and Z cannot send.
  EXPECT_EQ(pair.z().track(zv)->direction, TransceiverDirection::kRecvOnly);
  EXPECT_EQ(pair.a().track(video)->direction, TransceiverDirection::kSendOnly);
  EXPECT_FALSE(pair.z().SendRtp(pair.now(), zv, MakeRtp(96, 1, 1, 1, 10, 0)));
  ASSERT_TRUE(pair.a().SendRtp(pair.now(), audio, MakeRtp(111, 7, 960, 1, 80, 1)));
  ASSERT_TRUE(pair.a().SendRtp(pair.now(), video, MakeRtp(96, 9, 3000, 1, 800, 2)));
  pair.RunFor(milliseconds(10));
  ASSERT_EQ(pair.log_z().rtp.size(), 2u);
  EXPECT_EQ(pair.log_z().rtp[0].track, za);
  EXPECT_EQ(pair.log_z().rtp[1].track, zv);
}

TEST(PcMedia, PliAndNackReachTheSender) {
  PcPair pair;
  const pc::TrackId video = pair.a().AddTrack(MediaKind::kVideo, "s", "v").value();
  ASSERT_TRUE(pair.Connect());
  ASSERT_TRUE(WaitOpen(pair));
  const pc::TrackId zv = pair.log_z().remote_tracks.at(0);
  // Before any packet, Z knows A's SSRC from a=ssrc.
  EXPECT_EQ(*pair.z().track(zv)->remote_ssrc, pair.a().track(video)->ssrc);
  ASSERT_TRUE(pair.z().RequestKeyFrame(pair.now(), zv));
  const std::vector<uint16_t> lost = {100, 101, 105, 130, 65535};
  ASSERT_TRUE(pair.z().SendNack(pair.now(), zv, lost));
  pair.RunFor(milliseconds(10));
  ASSERT_EQ(pair.log_a().key_frame_requests.size(), 1u);
  EXPECT_EQ(pair.log_a().key_frame_requests[0], video);
  ASSERT_EQ(pair.log_a().nacks.size(), 1u);
  EXPECT_EQ(pair.log_a().nacks[0].track, video);
  std::vector<uint16_t> got = pair.log_a().nacks[0].sequence_numbers;
  std::vector<uint16_t> want = lost;
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
  const auto stats = pair.a().GetStats(pair.now());
  EXPECT_EQ(stats.outbound_rtp.at(0).pli_count, 1u);
  EXPECT_EQ(stats.outbound_rtp.at(0).nack_count, 1u);
}

TEST(PcMedia, EchoLikeEchoPeer) {
  PcPair pair;
  const pc::TrackId video = pair.a().AddTrack(MediaKind::kVideo, "s", "v").value();
  std::optional<pc::TrackId> z_track;
  pair.before_answer = [&] { z_track = pair.z().AddTrack(MediaKind::kVideo, "echo", "e").value(); };
  pair.on_event = [&](Side side, const pc::Event& e) {
    if (side != Side::kZ) return;
    if (e.type == pc::EventType::kRtp) ASSERT_TRUE(pair.z().SendRtp(pair.now(), e.track, e.data));
  };
  ASSERT_TRUE(pair.Connect());
  ASSERT_TRUE(WaitOpen(pair));
  ASSERT_TRUE(z_track);
  // AddTrack on Z claimed the transceiver the offer created (the one kTrack announced).
  ASSERT_EQ(pair.log_z().remote_tracks.size(), 1u);
  EXPECT_EQ(pair.log_z().remote_tracks[0], *z_track);
  EXPECT_EQ(pair.z().track(*z_track)->direction, TransceiverDirection::kSendRecv);
  for (uint16_t i = 0; i < 50; ++i) {
    ASSERT_TRUE(pair.a().SendRtp(pair.now(), video, MakeRtp(96, i, i * 90u, 5, 1000, uint8_t(i))));
    pair.RunFor(milliseconds(2));
  }
  pair.RunFor(milliseconds(10));
  ASSERT_EQ(pair.log_a().rtp.size(), 50u);
  for (uint16_t i = 0; i < 50; ++i) {
    const auto& p = pair.log_a().rtp[i].packet;
    EXPECT_EQ(SsrcOf(p), pair.z().track(*z_track)->ssrc);
    EXPECT_EQ(SeqOf(p), i);
    EXPECT_EQ(RtpPacketView::Parse(p)->payload()[0], uint8_t(i));
  }
}

TEST(PcMedia, TenPercentLossIsCountedAndNackedBack) {
  PcPairOptions options;
  options.link.loss = 0.10;
  PcPair pair(options);
  const pc::TrackId video = pair.a().AddTrack(MediaKind::kVideo, "s", "v").value();
  ASSERT_TRUE(pair.Connect(seconds(30)));
  ASSERT_TRUE(WaitOpen(pair));
  const pc::TrackId zv = pair.log_z().remote_tracks.at(0);
  constexpr uint16_t kCount = 1000;
  for (uint16_t i = 0; i < kCount; ++i) {
    ASSERT_TRUE(pair.a().SendRtp(pair.now(), video, MakeRtp(96, i, i * 90u, 5, 200, 0)));
    pair.RunFor(milliseconds(1));
  }
  pair.RunFor(milliseconds(50));
  const size_t received = pair.log_z().rtp.size();
  EXPECT_GT(received, kCount * 85 / 100);
  EXPECT_LT(received, kCount * 95 / 100);
  // Z NACKs what it missed (as a NACK generator would); A hears exactly those numbers.
  std::set<uint16_t> seen;
  for (const auto& p : pair.log_z().rtp) seen.insert(SeqOf(p.packet));
  std::vector<uint16_t> missing;
  for (uint16_t i = 0; i < kCount; ++i) {
    if (!seen.count(i)) missing.push_back(i);
  }
  const auto inbound = pair.z().GetStats(pair.now()).inbound_rtp.at(0);
  // RFC 3550 loss counts up to the highest sequence number received.
  const uint16_t highest = *seen.rbegin();
  const auto lost_below_highest = std::count_if(missing.begin(), missing.end(),
                                                [&](uint16_t s) { return s < highest; });
  EXPECT_EQ(inbound.packets_lost, lost_below_highest);
  for (size_t i = 0; i < missing.size(); i += 16) {
    const size_t n = std::min<size_t>(16, missing.size() - i);
    ASSERT_TRUE(pair.z().SendNack(pair.now(), zv, std::span(missing).subspan(i, n)));
    pair.RunFor(milliseconds(1));
  }
  pair.RunFor(milliseconds(50));
  std::set<uint16_t> nacked;
  for (const auto& n : pair.log_a().nacks) nacked.insert(n.sequence_numbers.begin(), n.sequence_numbers.end());
  // NACKs travel over the same 10 % lossy link: most arrive, and nothing else is reported.
  EXPECT_GT(nacked.size(), missing.size() * 7 / 10);
  for (uint16_t s : nacked) EXPECT_TRUE(std::binary_search(missing.begin(), missing.end(), s));
}

TEST(PcMedia, ReportsFlowAndCarryLoss) {
  PcPairOptions options;
  options.link.loss = 0.05;
  PcPair pair(options);
  const pc::TrackId audio = pair.a().AddTrack(MediaKind::kAudio, "s", "a").value();
  ASSERT_TRUE(pair.Connect(seconds(30)));
  ASSERT_TRUE(WaitOpen(pair));
  for (uint16_t i = 0; i < 300; ++i) {
    ASSERT_TRUE(pair.a().SendRtp(pair.now(), audio, MakeRtp(111, i, i * 960u, 5, 100, 0)));
    pair.RunFor(milliseconds(20));
  }
  // 6 s: several SR/RR rounds went by without disturbing anything.
  EXPECT_TRUE(pair.log_a().errors.empty());
  EXPECT_TRUE(pair.log_z().errors.empty());
  EXPECT_GT(pair.z().GetStats(pair.now()).inbound_rtp.at(0).packets_lost, 0);
  EXPECT_GT(pair.z().GetStats(pair.now()).inbound_rtp.at(0).jitter, -1.0);
}

}  // namespace
}  // namespace sluice::test

namespace sluice::test {
namespace {

TEST(PcMedia, RenegotiationAddsAVideoTrackAfterConnect) {
  PcPair pair;
  ASSERT_TRUE(pair.a().AddTrack(MediaKind::kAudio, "s", "a"));
  ASSERT_TRUE(pair.Connect());
  ASSERT_TRUE(WaitOpen(pair));
  const pc::TrackId video = pair.a().AddTrack(MediaKind::kVideo, "s", "v").value();
  ASSERT_TRUE(pair.Negotiate());  // a second offer/answer round on the same transport
  ASSERT_TRUE(pair.RunUntil([&] { return pair.log_z().remote_tracks.size() == 2; }, seconds(1)));
  ASSERT_TRUE(pair.RunUntil([&] { return pair.a().track(video)->open; }, seconds(1)));
  const pc::TrackId zv = pair.log_z().remote_tracks[1];
  EXPECT_EQ(pair.z().track(zv)->kind, MediaKind::kVideo);
  ASSERT_TRUE(pair.a().SendRtp(pair.now(), video, MakeRtp(96, 1, 1, 1, 100, 7)));
  pair.RunFor(milliseconds(10));
  ASSERT_EQ(pair.log_z().rtp.size(), 1u);
  EXPECT_EQ(pair.log_z().rtp[0].track, zv);
  EXPECT_EQ(pair.a().connection_state(), PeerConnectionState::kConnected);
}

}  // namespace
}  // namespace sluice::test
