// Answers to real offers captured from Chromium, Firefox, pion and aiortc (tests/unit/sdp/data):
// what each stack needs to accept the answer (RFC 8829 §5.3): same m-lines in order with their
// mids, BUNDLE of the accepted ones, setup:active, ICE credentials, sha-256 fingerprint, our
// candidates and end-of-candidates, the offerer's payload types for the codecs we share, and the
// data channel section in the offer's own form.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "unit/pc/test_util.h"
#include "sdp/jsep_checks.h"
#include "sdp/session_description.h"

namespace sluice::pc {
namespace {

using testing::MakeCore;
using testing::ReadSdp;

struct Answered {
  std::unique_ptr<PeerConnectionCore> core;
  sdp::SessionDescription offer;
  sdp::SessionDescription answer;
  std::vector<TrackId> tracks;  // kTrack events
};

Answered Answer(const std::string& file) {
  Answered a;
  a.core = MakeCore();
  const std::string text = ReadSdp(file);
  EXPECT_FALSE(text.empty()) << file;
  a.offer = sdp::SessionDescription::Parse(text).value();
  const Instant now = test::FakeClock().now();
  auto r = a.core->SetRemoteDescription(now, {SdpType::kOffer, text});
  EXPECT_TRUE(r) << file << ": " << (r ? "" : r.error().message);
  auto l = a.core->SetLocalDescription(now);
  EXPECT_TRUE(l) << file << ": " << (l ? "" : l.error().message);
  auto local = a.core->local_description();
  EXPECT_TRUE(local);
  if (local) {
    EXPECT_EQ(local->type, SdpType::kAnswer);
    a.answer = sdp::SessionDescription::Parse(local->sdp).value();
  }
  while (auto e = a.core->PollEvent()) {
    if (e->type == EventType::kTrack) a.tracks.push_back(e->track);
  }
  return a;
}

const sdp::Codec* FindByName(const sdp::MediaSection& m, std::string_view name) {
  for (const auto& c : m.codecs) {
    if (c.rtpmap && c.rtpmap->encoding_name == name) return &c;
  }
  return nullptr;
}

// The checks every answer must pass, whatever the offer.
void CheckAnswer(const Answered& a) {
  ASSERT_TRUE(sdp::CheckJsep(a.answer));
  ASSERT_EQ(a.answer.media.size(), a.offer.media.size());
  const sdp::Group* bundle = a.answer.FindGroup("BUNDLE");
  for (size_t i = 0; i < a.answer.media.size(); ++i) {
    const auto& m = a.answer.media[i];
    const auto& o = a.offer.media[i];
    SCOPED_TRACE("m-line " + std::to_string(i));
    EXPECT_EQ(m.media(), o.media());
    EXPECT_EQ(m.line.proto, o.line.proto);
    EXPECT_EQ(m.mid, o.mid);
    if (m.rejected()) {
      if (bundle) {
        EXPECT_EQ(std::count(bundle->mids.begin(), bundle->mids.end(), *m.mid), 0);
      }
      continue;
    }
    ASSERT_NE(bundle, nullptr);
    EXPECT_EQ(std::count(bundle->mids.begin(), bundle->mids.end(), *m.mid), 1);
    EXPECT_EQ(m.transport.setup, sdp::Setup::kActive);
    ASSERT_TRUE(m.transport.ice_ufrag);
    ASSERT_TRUE(m.transport.ice_pwd);
    EXPECT_GE(m.transport.ice_pwd->size(), 22u);
    ASSERT_EQ(m.transport.fingerprints.size(), 1u);
    EXPECT_EQ(m.transport.fingerprints[0].hash_function, "sha-256");
    ASSERT_FALSE(m.candidates.empty());
    EXPECT_EQ(m.candidates[0].address, "192.0.2.10");
    EXPECT_EQ(m.candidates[0].port, 50000);
    EXPECT_TRUE(m.end_of_candidates);
    if (m.is_rtp()) {
      EXPECT_TRUE(m.rtcp_mux);
      ASSERT_FALSE(m.codecs.empty());
      for (const auto& c : m.codecs) {
        // RFC 8829 §5.3.1: only payload types the offer has, with the offer's encoding.
        const sdp::Codec* offered = o.FindCodec(c.payload_type);
        ASSERT_NE(offered, nullptr) << int(c.payload_type.value());
        ASSERT_TRUE(c.rtpmap && offered->rtpmap);
        EXPECT_EQ(c.rtpmap->encoding_name, offered->rtpmap->encoding_name);
        EXPECT_EQ(c.rtpmap->clock_rate, offered->rtpmap->clock_rate);
        EXPECT_TRUE(c.name() == "opus" || c.name() == "VP8" || c.name() == "H264") << c.name();
      }
      EXPECT_EQ(m.line.formats.size(), m.codecs.size());
      // The peer sent sendrecv and we have no track yet: recvonly.
      if (o.direction_or_default() == sdp::Direction::kSendRecv) {
        EXPECT_EQ(m.direction_or_default(), sdp::Direction::kRecvOnly);
      }
    } else {
      EXPECT_EQ(m.max_message_size, 262144u);
      EXPECT_EQ(m.SctpPortOrLegacy(), 5000);
    }
  }
}

TEST(JsepAnswer, ChromiumOffer) {
  Answered a = Answer("chromium_offer.sdp");
  CheckAnswer(a);
  ASSERT_EQ(a.answer.media.size(), 3u);
  EXPECT_EQ(a.tracks.size(), 2u);
  const auto& audio = a.answer.media[0];
  ASSERT_EQ(audio.codecs.size(), 1u);
  EXPECT_EQ(audio.codecs[0].payload_type.value(), 111);
  EXPECT_EQ(audio.codecs[0].fmtp, "minptime=10;useinbandfec=1");
  ASSERT_EQ(audio.extmaps.size(), 1u);
  EXPECT_EQ(audio.extmaps[0].id, 4);  // the offerer's id for sdes:mid
  const auto& video = a.answer.media[1];
  const sdp::Codec* vp8 = FindByName(video, "VP8");
  ASSERT_NE(vp8, nullptr);
  EXPECT_EQ(vp8->payload_type.value(), 96);
  EXPECT_TRUE(vp8->HasFeedback("nack", "pli"));
  EXPECT_TRUE(vp8->HasFeedback("ccm", "fir"));
  EXPECT_FALSE(vp8->HasFeedback("transport-cc"));  // not implemented: not accepted
  // H.264 packetization-mode=1, profile 42 only: 102 (42001f) and 108 (42e01f), not 104/114
  // (mode 0) nor 116/39 (main profile 4d).
  std::vector<int> h264;
  for (const auto& c : video.codecs) {
    if (c.name() == "H264") h264.push_back(c.payload_type.value());
  }
  EXPECT_EQ(h264, (std::vector<int>{102, 108}));
  EXPECT_EQ(*video.FindCodec(PayloadType(102))->fmtp,
            "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f");
  // No RTX, RED, FEC: we do not implement them.
  EXPECT_EQ(video.FindCodec(PayloadType(97)), nullptr);
  const auto& data = a.answer.media[2];
  EXPECT_EQ(data.line.proto, "UDP/DTLS/SCTP");
  EXPECT_EQ(data.sctp_port, 5000);
  EXPECT_EQ(a.answer.FindGroup("BUNDLE")->mids, (std::vector<std::string>{"0", "1", "2"}));
  // The tracks learnt the offerer's SSRCs and msid.
  auto t = a.core->track(a.tracks[1]);
  EXPECT_EQ(t->remote_ssrc, 1820373416u);  // the FID group's primary, not its RTX
  EXPECT_EQ(t->remote_track_id, "7b9dc893-0a2b-47d3-b9b5-3bcf58891933");
  EXPECT_EQ(t->kind, MediaKind::kVideo);
}

TEST(JsepAnswer, ChromiumOfferWithoutCandidates) {
  Answered a = Answer("chromium_offer_no_candidates.sdp");
  CheckAnswer(a);
}

TEST(JsepAnswer, FirefoxOffers) {
  CheckAnswer(Answer("firefox_offer.sdp"));
  CheckAnswer(Answer("firefox_esr_offer.sdp"));
}

TEST(JsepAnswer, PionOffers) {
  Answered a = Answer("pion_offer.sdp");
  CheckAnswer(a);
  CheckAnswer(Answer("pion_datachannel_offer.sdp"));
  // pion puts the fingerprint at session level only.
  EXPECT_TRUE(a.offer.transport.fingerprints.size() == 1);
}

TEST(JsepAnswer, AiortcOffer) {
  Answered a = Answer("aiortc_offer.sdp");
  CheckAnswer(a);
  const auto& audio = a.answer.media[0];
  ASSERT_EQ(audio.codecs.size(), 1u);
  EXPECT_EQ(audio.codecs[0].payload_type.value(), 96);
  EXPECT_EQ(audio.codecs[0].name(), "opus");
  const auto& video = a.answer.media[1];
  EXPECT_NE(FindByName(video, "VP8"), nullptr);
  EXPECT_EQ(FindByName(video, "VP8")->payload_type.value(), 97);
}

TEST(JsepAnswer, LegacySdesOfferIsRefused) {
  // Chrome's 2014 offer: SDES a=crypto and no a=fingerprint. WebRTC needs DTLS-SRTP (RFC 8827).
  auto core = MakeCore();
  EXPECT_FALSE(core->SetRemoteDescription(test::FakeClock().now(),
                                          {SdpType::kOffer, ReadSdp("legacy_chrome_offer.sdp")}));
  EXPECT_EQ(core->signaling_state(), SignalingState::kStable);
}

TEST(JsepAnswer, LegacySctpmapIsAnsweredInKind) {
  // draft-ietf-mmusic-sctp-sdp-05: "m=application 9 DTLS/SCTP 5000" + a=sctpmap (old aiortc).
  std::string offer = ReadSdp("chromium_offer.sdp");
  const size_t m = offer.find("m=application");
  offer.replace(m, offer.find('\n', m) - m, "m=application 44723 DTLS/SCTP 5000\r");
  offer.replace(offer.find("a=sctp-port:5000"), 16, "a=sctpmap:5000 webrtc-datachannel 1024");
  auto core = MakeCore();
  const Instant now = test::FakeClock().now();
  ASSERT_TRUE(core->SetRemoteDescription(now, {SdpType::kOffer, offer}));
  ASSERT_TRUE(core->SetLocalDescription(now));
  auto answer = sdp::SessionDescription::Parse(core->local_description()->sdp).value();
  const auto& dc = answer.media.at(2);
  EXPECT_EQ(dc.line.proto, "DTLS/SCTP");
  EXPECT_EQ(dc.line.formats, (std::vector<std::string>{"5000"}));
  ASSERT_NE(dc.FindAttribute("sctpmap"), nullptr);
  EXPECT_EQ(dc.SctpPortOrLegacy(), 5000);
  EXPECT_FALSE(dc.sctp_port);
}

TEST(JsepAnswer, AnswererAddTrackClaimsTheOfferedTransceiver) {
  auto core = MakeCore();
  const Instant now = test::FakeClock().now();
  ASSERT_TRUE(core->SetRemoteDescription(now, {SdpType::kOffer, ReadSdp("chromium_offer.sdp")}));
  TrackId from_offer = 0;
  while (auto e = core->PollEvent()) {
    if (e->type == EventType::kTrack && core->track(e->track)->kind == MediaKind::kVideo) {
      from_offer = e->track;
    }
  }
  ASSERT_NE(from_offer, 0u);
  EXPECT_EQ(core->AddTrack(MediaKind::kVideo, "echo", "v").value(), from_offer);
  ASSERT_TRUE(core->SetLocalDescription(now));
  auto answer = sdp::SessionDescription::Parse(core->local_description()->sdp).value();
  const auto& video = answer.media[1];
  EXPECT_EQ(video.direction_or_default(), sdp::Direction::kSendRecv);
  ASSERT_EQ(video.msids.size(), 1u);
  EXPECT_EQ(video.msids[0].stream_id, "echo");
  ASSERT_EQ(video.ssrcs.size(), 2u);  // cname + msid
  EXPECT_EQ(video.ssrcs[0].ssrc.value(), core->track(from_offer)->ssrc);
  EXPECT_EQ(video.ssrcs[0].attribute, "cname");
  EXPECT_EQ(answer.media[0].direction_or_default(), sdp::Direction::kRecvOnly);
}

TEST(JsepAnswer, UnsupportedCodecsRejectTheMLine) {
  std::string offer = ReadSdp("chromium_offer.sdp");
  Configuration config;
  config.video_codecs = {Codec{.name = "AV2", .payload_type = 35, .clock_rate = 90000}};
  auto core = MakeCore(config);
  const Instant now = test::FakeClock().now();
  ASSERT_TRUE(core->SetRemoteDescription(now, {SdpType::kOffer, offer}));
  ASSERT_TRUE(core->SetLocalDescription(now));
  auto answer = sdp::SessionDescription::Parse(core->local_description()->sdp).value();
  EXPECT_FALSE(answer.media[0].rejected());
  EXPECT_TRUE(answer.media[1].rejected());
  EXPECT_EQ(answer.FindGroup("BUNDLE")->mids, (std::vector<std::string>{"0", "2"}));
}

TEST(JsepAnswer, BadRemoteDescriptionsAreRefused) {
  const Instant now = test::FakeClock().now();
  auto core = MakeCore();
  EXPECT_FALSE(core->SetRemoteDescription(now, {SdpType::kOffer, "not sdp"}));
  EXPECT_EQ(core->SetRemoteDescription(now, {SdpType::kAnswer, ReadSdp("chromium_answer.sdp")})
                .error().code, ErrorCode::kInvalidState);
  EXPECT_EQ(core->CreateAnswer().error().code, ErrorCode::kInvalidState);
  std::string no_fp = ReadSdp("chromium_offer.sdp");
  for (size_t p; (p = no_fp.find("a=fingerprint:")) != std::string::npos;) {
    no_fp.erase(p, no_fp.find('\n', p) - p + 1);
  }
  EXPECT_FALSE(core->SetRemoteDescription(now, {SdpType::kOffer, no_fp}));
  std::string md5 = ReadSdp("chromium_offer.sdp");
  for (size_t p = 0; (p = md5.find("a=fingerprint:sha-256 ", p)) != std::string::npos;) {
    md5.replace(p, 22, "a=fingerprint:md5 ");
    md5.replace(md5.find(' ', p + 18), md5.find('\n', p) - md5.find(' ', p + 18),
                " 81:89:F3:1A:B3:AE:33:9D:2A:F5:A2:DD:8B:7B:09:65\r");
    ++p;
  }
  EXPECT_FALSE(core->SetRemoteDescription(now, {SdpType::kOffer, md5}));
  EXPECT_EQ(core->signaling_state(), SignalingState::kStable);
  // A good offer still works after the failures.
  EXPECT_TRUE(core->SetRemoteDescription(now, {SdpType::kOffer, ReadSdp("chromium_offer.sdp")}));
  EXPECT_EQ(core->signaling_state(), SignalingState::kHaveRemoteOffer);
}

TEST(JsepAnswer, TrickledCandidatesAreCheckedAndHeld) {
  const Instant now = test::FakeClock().now();
  auto core = MakeCore();
  // Before any remote description: held.
  EXPECT_TRUE(core->AddIceCandidate(now, {"candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host", "0", 0}));
  EXPECT_EQ(core->AddIceCandidate(now, {"candidate:2 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active", "0", 0})
                .error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(core->AddIceCandidate(now, {"candidate:3 1 udp 2122260223 abc.local 54321 typ host", "0", 0})
                .error().code, ErrorCode::kUnsupported);
  EXPECT_FALSE(core->AddIceCandidate(now, {"candidate:garbage", "0", 0}));
  EXPECT_TRUE(core->AddIceCandidate(now, {"", "0", 0}));  // end-of-candidates
}

}  // namespace
}  // namespace sluice::pc

namespace sluice::pc {
namespace {

TEST(JsepAnswer, AnActiveOffererGetsAPassiveAnswer) {
  // RFC 8842 §5.3: an offerer that insists on a=setup:active makes us the DTLS server.
  std::string offer = testing::ReadSdp("chromium_offer.sdp");
  for (size_t p; (p = offer.find("a=setup:actpass")) != std::string::npos;) {
    offer.replace(p, 15, "a=setup:active");
  }
  auto core = testing::MakeCore();
  const Instant now = test::FakeClock().now();
  ASSERT_TRUE(core->SetRemoteDescription(now, {SdpType::kOffer, offer}));
  ASSERT_TRUE(core->SetLocalDescription(now));
  auto answer = sdp::SessionDescription::Parse(core->local_description()->sdp).value();
  for (const auto& m : answer.media) EXPECT_EQ(m.transport.setup, sdp::Setup::kPassive);
}

TEST(JsepAnswer, AnswerWithFewerMLinesIsRefused) {
  auto core = testing::MakeCore();
  const Instant now = test::FakeClock().now();
  ASSERT_TRUE(core->AddTrack(MediaKind::kAudio, "s", "a"));
  ASSERT_TRUE(core->AddTrack(MediaKind::kVideo, "s", "v"));
  ASSERT_TRUE(core->SetLocalDescription(now));
  // An answer from another core to an offer with only the audio m-line.
  auto other = testing::MakeCore({}, 8);
  auto offer = sdp::SessionDescription::Parse(core->local_description()->sdp).value();
  offer.media.resize(1);
  offer.groups[0].mids.resize(1);
  ASSERT_TRUE(other->SetRemoteDescription(now, {SdpType::kOffer, offer.Serialize()}));
  ASSERT_TRUE(other->SetLocalDescription(now));
  EXPECT_EQ(core->SetRemoteDescription(now, *other->local_description()).error().code,
            ErrorCode::kMalformed);
  EXPECT_EQ(core->signaling_state(), SignalingState::kHaveLocalOffer);
}

}  // namespace
}  // namespace sluice::pc
