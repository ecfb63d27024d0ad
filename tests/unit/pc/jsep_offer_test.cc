// Offers we create (RFC 8829 §5.2): what Chromium, Firefox, pion and aiortc expect to see.
#include <gtest/gtest.h>

#include "sdp/jsep_checks.h"
#include "sdp/session_description.h"
#include "unit/pc/test_util.h"

namespace sluice::pc {
namespace {

using testing::MakeCore;

TEST(JsepOffer, AudioVideoAndDataInOneBundle) {
  auto core = MakeCore();
  const TrackId audio = core->AddTrack(MediaKind::kAudio, "stream", "mic").value();
  const TrackId video = core->AddTrack(MediaKind::kVideo, "stream", "cam").value();
  ASSERT_TRUE(core->CreateDataChannel(test::FakeClock().now(), "chat"));
  auto offer = core->CreateOffer();
  ASSERT_TRUE(offer);
  EXPECT_EQ(offer->type, SdpType::kOffer);
  EXPECT_EQ(core->signaling_state(), SignalingState::kStable);  // creating changes nothing
  auto d = sdp::SessionDescription::Parse(offer->sdp).value();
  ASSERT_TRUE(sdp::CheckJsep(d));
  ASSERT_EQ(d.media.size(), 3u);
  EXPECT_EQ(d.FindGroup("BUNDLE")->mids, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(d.media[0].media(), "audio");
  EXPECT_EQ(d.media[1].media(), "video");
  EXPECT_EQ(d.media[2].media(), "application");
  for (const auto& m : d.media) {
    EXPECT_EQ(m.transport.setup, sdp::Setup::kActPass);
    EXPECT_EQ(m.transport.fingerprints.at(0).hash_function, "sha-256");
    EXPECT_EQ(m.transport.ice_options, (std::vector<std::string>{"trickle"}));
    EXPECT_TRUE(m.candidates.empty());  // candidates come with SetLocalDescription
  }
  const auto& a = d.media[0];
  EXPECT_EQ(a.line.proto, "UDP/TLS/RTP/SAVPF");
  EXPECT_TRUE(a.rtcp_mux);
  EXPECT_TRUE(a.rtcp_rsize);
  EXPECT_EQ(a.direction_or_default(), sdp::Direction::kSendRecv);
  ASSERT_EQ(a.codecs.size(), 1u);
  EXPECT_EQ(a.codecs[0].rtpmap->ToString(), "111 opus/48000/2");
  ASSERT_EQ(a.extmaps.size(), 1u);
  EXPECT_EQ(a.extmaps[0].uri, "urn:ietf:params:rtp-hdrext:sdes:mid");
  ASSERT_EQ(a.msids.size(), 1u);
  EXPECT_EQ(a.msids[0].ToString(), "stream mic");
  EXPECT_EQ(a.SsrcValue(Ssrc(core->track(audio)->ssrc), "cname").has_value(), true);
  EXPECT_EQ(*a.SsrcValue(Ssrc(core->track(audio)->ssrc), "msid"), "stream mic");
  const auto& v = d.media[1];
  ASSERT_EQ(v.codecs.size(), 2u);
  EXPECT_EQ(v.codecs[0].rtpmap->ToString(), "96 VP8/90000");
  EXPECT_EQ(v.codecs[1].rtpmap->ToString(), "102 H264/90000");
  EXPECT_EQ(v.codecs[1].FmtpParameter("packetization-mode"), "1");
  EXPECT_TRUE(v.codecs[0].HasFeedback("nack"));
  EXPECT_TRUE(v.codecs[0].HasFeedback("nack", "pli"));
  EXPECT_TRUE(v.codecs[0].HasFeedback("ccm", "fir"));
  EXPECT_NE(core->track(video)->ssrc, core->track(audio)->ssrc);
  const auto& dc = d.media[2];
  EXPECT_EQ(dc.line.proto, "UDP/DTLS/SCTP");
  EXPECT_EQ(dc.line.formats, (std::vector<std::string>{"webrtc-datachannel"}));
  EXPECT_EQ(dc.sctp_port, 5000);
  EXPECT_EQ(dc.max_message_size, 262144u);
}

TEST(JsepOffer, SetLocalAddsCandidatesAndCompletesGathering) {
  auto core = MakeCore();
  ASSERT_TRUE(core->AddTrack(MediaKind::kAudio, "s", "a"));
  EXPECT_FALSE(core->local_description());
  ASSERT_TRUE(core->SetLocalDescription(test::FakeClock().now()));
  EXPECT_EQ(core->signaling_state(), SignalingState::kHaveLocalOffer);
  EXPECT_EQ(core->ice_gathering_state(), IceGatheringState::kComplete);
  std::vector<EventType> types;
  std::string candidate;
  while (auto e = core->PollEvent()) {
    types.push_back(e->type);
    if (e->type == EventType::kLocalCandidate) candidate = e->candidate.candidate;
  }
  EXPECT_NE(std::find(types.begin(), types.end(), EventType::kSignalingStateChange), types.end());
  EXPECT_NE(candidate.find("192.0.2.10 50000 typ host"), std::string::npos);
  auto d = sdp::SessionDescription::Parse(core->local_description()->sdp).value();
  ASSERT_EQ(d.media[0].candidates.size(), 1u);
  EXPECT_TRUE(d.media[0].end_of_candidates);
  // The offer cannot be created again while it is outstanding? It can (W3C): same m-lines.
  auto again = sdp::SessionDescription::Parse(core->CreateOffer()->sdp).value();
  EXPECT_EQ(again.media.size(), 1u);
  EXPECT_EQ(again.media[0].mid, d.media[0].mid);
  // A second AddTrack while the offer is outstanding is refused.
  EXPECT_EQ(core->AddTrack(MediaKind::kVideo, "s", "v").error().code, ErrorCode::kInvalidState);
}

TEST(JsepOffer, CodecListsFollowTheConfiguration) {
  Configuration config;
  config.video_codecs = {};
  auto core = MakeCore(config);
  EXPECT_EQ(core->AddTrack(MediaKind::kVideo, "s", "v").error().code, ErrorCode::kUnsupported);
  config = {};
  config.audio_codecs[0].payload_type = 109;
  config.max_message_size = 65536;
  config.sctp_port = 5001;
  core = MakeCore(config);
  ASSERT_TRUE(core->AddTrack(MediaKind::kAudio, "s", "a"));
  ASSERT_TRUE(core->CreateDataChannel(test::FakeClock().now(), "x"));
  auto d = sdp::SessionDescription::Parse(core->CreateOffer()->sdp).value();
  EXPECT_EQ(d.media[0].codecs[0].payload_type.value(), 109);
  EXPECT_EQ(d.media[1].sctp_port, 5001);
  EXPECT_EQ(d.media[1].max_message_size, 65536u);
}

TEST(JsepOffer, IceLiteIsAnnounced) {
  Configuration config;
  config.ice_lite = true;
  auto core = MakeCore(config);
  ASSERT_TRUE(core->AddTrack(MediaKind::kAudio, "s", "a"));
  auto d = sdp::SessionDescription::Parse(core->CreateOffer()->sdp).value();
  EXPECT_TRUE(d.ice_lite);
}

TEST(JsepOffer, OurOfferIsAnsweredByAnotherCore) {
  auto offerer = MakeCore();
  auto answerer = MakeCore({}, 9);
  const Instant now = test::FakeClock().now();
  ASSERT_TRUE(offerer->AddTrack(MediaKind::kVideo, "s", "v"));
  ASSERT_TRUE(offerer->SetLocalDescription(now));
  ASSERT_TRUE(answerer->SetRemoteDescription(now, *offerer->local_description()));
  ASSERT_TRUE(answerer->SetLocalDescription(now));
  ASSERT_TRUE(offerer->SetRemoteDescription(now, *answerer->local_description()));
  EXPECT_EQ(offerer->signaling_state(), SignalingState::kStable);
  // Answer kept our payload types: VP8 96 and H264 102.
  const auto codecs = offerer->track(1)->codecs;
  ASSERT_EQ(codecs.size(), 2u);
  EXPECT_EQ(codecs[0].payload_type, 96);
  EXPECT_EQ(codecs[1].payload_type, 102);
  EXPECT_EQ(offerer->track(1)->direction, TransceiverDirection::kSendOnly);
  // An answer cannot be applied twice.
  EXPECT_EQ(offerer->SetRemoteDescription(now, *answerer->local_description()).error().code,
            ErrorCode::kInvalidState);
}

}  // namespace
}  // namespace sluice::pc
