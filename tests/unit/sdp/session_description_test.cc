#include "sdp/session_description.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::sdp {
namespace {

// A small JSEP-style offer written by hand, LF line ends.
constexpr const char* kOffer =
    "v=0\n"
    "o=- 123 2 IN IP4 127.0.0.1\n"
    "s=-\n"
    "t=0 0\n"
    "a=group:BUNDLE a v d\n"
    "a=group:LS a v\n"
    "a=msid-semantic:WMS stream\n"
    "a=ice-lite\n"
    "a=ice-options:trickle ice2\n"
    "a=x-session-thing:keep me\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 0\n"
    "c=IN IP4 0.0.0.0\n"
    "b=AS:64\n"
    "a=mid:a\n"
    "a=sendonly\n"
    "a=msid:stream track\n"
    "a=rtpmap:111 opus/48000/2\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\n"
    "a=rtcp-fb:111 transport-cc\n"
    "a=rtcp-fb:* nack\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\n"
    "a=rtcp:9 IN IP4 0.0.0.0\n"
    "a=rtcp-mux\n"
    "a=rtcp-rsize\n"
    "a=ssrc:11 cname:abc\n"
    "a=ice-ufrag:ufra\n"
    "a=ice-pwd:0123456789012345678901\n"
    "a=fingerprint:sha-256 81:89:F3:1A:B3:AE:33:9D:2A:F5:A2:DD:8B:7B:09:65:9B:C8:28:1D:48:9C:CB:"
    "3F:00:12:06:E4:1F:25:9C:13\n"
    "a=setup:actpass\n"
    "a=ptime:20\n"
    "a=unknown-flag\n"
    "a=candidate:1 1 udp 2122194687 192.0.2.2 54390 typ host generation 0\n"
    "a=end-of-candidates\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97\n"
    "c=IN IP4 0.0.0.0\n"
    "a=mid:v\n"
    "a=recvonly\n"
    "a=rtpmap:96 VP8/90000\n"
    "a=rtcp-fb:96 nack pli\n"
    "a=rtcp-fb:96 ccm fir\n"
    "a=rtpmap:97 rtx/90000\n"
    "a=fmtp:97 apt=96\n"
    "a=ssrc-group:FID 1 2\n"
    "a=ssrc-group:SIM 1 3 5\n"
    "a=rid:hi send\n"
    "a=simulcast:send hi;lo\n"
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\n"
    "c=IN IP4 0.0.0.0\n"
    "a=mid:d\n"
    "a=sctp-port:5000\n"
    "a=max-message-size:262144\n";

TEST(SessionDescriptionTest, ParsesTypedFields) {
  ParseError error;
  auto d = SessionDescription::Parse(kOffer, &error);
  ASSERT_TRUE(d.ok()) << error.ToString();
  EXPECT_EQ(d->origin.session_id, "123");
  EXPECT_EQ(d->session_name, "-");
  ASSERT_EQ(d->timings.size(), 1u);
  EXPECT_TRUE(d->ice_lite);
  EXPECT_EQ(d->transport.ice_options, (std::vector<std::string>{"trickle", "ice2"}));
  ASSERT_NE(d->FindGroup("BUNDLE"), nullptr);
  EXPECT_EQ(d->FindGroup("BUNDLE")->mids, (std::vector<std::string>{"a", "v", "d"}));
  ASSERT_NE(d->FindGroup("LS"), nullptr);
  EXPECT_EQ(d->FindGroup("FID"), nullptr);
  ASSERT_EQ(d->other_attributes.size(), 1u);
  EXPECT_EQ(d->other_attributes[0].name, "x-session-thing");
  EXPECT_EQ(d->other_attributes[0].value, "keep me");
  ASSERT_EQ(d->media.size(), 3u);

  const MediaSection& audio = d->media[0];
  EXPECT_EQ(audio.media(), "audio");
  EXPECT_EQ(audio.mid, "a");
  EXPECT_EQ(audio.direction, Direction::kSendOnly);
  ASSERT_EQ(audio.bandwidths.size(), 1u);
  ASSERT_EQ(audio.codecs.size(), 2u);
  EXPECT_EQ(audio.codecs[0].payload_type, PayloadType(111));
  EXPECT_EQ(audio.codecs[0].name(), "opus");
  EXPECT_EQ(audio.codecs[0].clock_rate(), 48000u);
  EXPECT_EQ(audio.codecs[0].FmtpParameter("useinbandfec"), "1");
  EXPECT_TRUE(audio.codecs[0].HasFeedback("transport-cc"));
  EXPECT_EQ(audio.codecs[1].payload_type, PayloadType(0));
  EXPECT_FALSE(audio.codecs[1].rtpmap);  // static PCMU without rtpmap
  ASSERT_EQ(audio.wildcard_feedback.size(), 1u);
  EXPECT_EQ(audio.wildcard_feedback[0].type, "nack");
  EXPECT_TRUE(audio.rtcp_mux);
  EXPECT_TRUE(audio.rtcp_rsize);
  EXPECT_EQ(audio.SsrcValue(Ssrc(11), "cname"), "abc");
  EXPECT_EQ(d->IceUfragFor(audio), "ufra");
  EXPECT_EQ(d->SetupFor(audio), Setup::kActPass);
  EXPECT_EQ(d->FingerprintsFor(audio).size(), 1u);
  ASSERT_EQ(audio.candidates.size(), 1u);
  EXPECT_TRUE(audio.end_of_candidates);
  ASSERT_NE(audio.FindAttribute("ptime"), nullptr);
  EXPECT_EQ(audio.FindAttribute("ptime")->value, "20");
  ASSERT_NE(audio.FindAttribute("unknown-flag"), nullptr);
  EXPECT_FALSE(audio.FindAttribute("unknown-flag")->value);

  const MediaSection& video = *d->FindMedia("v");
  EXPECT_EQ(video.direction_or_default(), Direction::kRecvOnly);
  ASSERT_EQ(video.codecs.size(), 2u);
  EXPECT_EQ(video.codecs[0].feedback.size(), 2u);
  EXPECT_TRUE(video.codecs[0].HasFeedback("nack", "pli"));
  EXPECT_FALSE(video.codecs[0].HasFeedback("nack"));
  EXPECT_EQ(video.codecs[1].FmtpParameter("apt"), "96");
  ASSERT_EQ(video.ssrc_groups.size(), 2u);
  EXPECT_EQ(video.ssrc_groups[1].semantics, "SIM");
  ASSERT_NE(video.FindAttribute("rid"), nullptr);
  ASSERT_NE(video.FindAttribute("simulcast"), nullptr);
  // No ICE credentials in this section or at session level.
  EXPECT_FALSE(d->IceUfragFor(video));

  const MediaSection& data = *d->FindMedia("d");
  EXPECT_FALSE(data.is_rtp());
  EXPECT_TRUE(data.codecs.empty());
  EXPECT_EQ(data.sctp_port, 5000);
  EXPECT_EQ(data.max_message_size, 262144u);
  EXPECT_EQ(d->FindMedia("nope"), nullptr);
}

TEST(SessionDescriptionTest, SerializesCrlfInJsepOrderAndRoundTrips) {
  auto d = SessionDescription::Parse(kOffer);
  ASSERT_TRUE(d.ok());
  const std::string text = d->Serialize();
  // Every line ends in CRLF and there is no bare LF.
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') ASSERT_TRUE(i > 0 && text[i - 1] == '\r') << i;
  }
  EXPECT_TRUE(text.starts_with("v=0\r\no=- 123 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"));
  // rtpmap, fmtp and rtcp-fb of one payload type are adjacent; mid comes first.
  EXPECT_NE(text.find("m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\nc=IN IP4 0.0.0.0\r\nb=AS:64\r\n"
                      "a=mid:a\r\na=msid:stream track\r\na=sendonly\r\n"
                      "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
                      "a=rtcp-fb:111 transport-cc\r\na=rtcp-fb:* nack\r\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("a=x-session-thing:keep me\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=unknown-flag\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=simulcast:send hi;lo\r\n"), std::string::npos);
  auto again = SessionDescription::Parse(text);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *d);
  EXPECT_EQ(again->Serialize(), text);
}

TEST(SessionDescriptionTest, RfcAndHandBuiltDescriptions) {
  // A description built in code serializes to something Parse accepts and gives back.
  SessionDescription d;
  d.origin.session_id = "42";
  d.groups.push_back(Group{"BUNDLE", {"0"}});
  MediaSection m;
  m.line = MediaLine{"application", 9, std::nullopt, "UDP/DTLS/SCTP", {"webrtc-datachannel"}};
  m.mid = "0";
  m.sctp_port = 5000;
  m.transport.ice_ufrag = "abcd";
  m.transport.ice_pwd = "abcdefghijklmnopqrstuv";
  m.transport.setup = Setup::kActive;
  d.media.push_back(m);
  const std::string text = d.Serialize();
  ParseError error;
  auto parsed = SessionDescription::Parse(text, &error);
  ASSERT_TRUE(parsed.ok()) << error.ToString() << "\n" << text;
  EXPECT_EQ(*parsed, d);
}

TEST(SessionDescriptionTest, ToleratesTrailingWhitespaceBlankLinesAndCrlf) {
  const std::string text =
      "v=0  \r\no=- 1 1 IN IP4 0.0.0.0\t\r\ns=-\r\nt=0 0\r\n\r\na=ice-lite \r\n\r\n";
  auto d = SessionDescription::Parse(text);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->ice_lite);
  EXPECT_TRUE(d->media.empty());
}

TEST(SessionDescriptionTest, EmptySessionNameAndOtherSessionLines) {
  const std::string text =
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns= \r\ni=info\r\nu=http://x\r\ne=a@b\r\ne=c@d\r\n"
      "p=+1 2\r\nc=IN IP4 224.2.17.12/127\r\nb=CT:1\r\nt=1 2\r\nr=604800 3600 0 90000\r\n"
      "t=3 4\r\nz=2882844526 -1h\r\nk=prompt\r\nm=audio 0 RTP/AVP 0\r\ni=media info\r\n"
      "k=clear:x\r\n";
  auto d = SessionDescription::Parse(text);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->session_name, "");
  EXPECT_EQ(d->emails.size(), 2u);
  ASSERT_EQ(d->timings.size(), 2u);
  EXPECT_EQ(d->timings[0].repeats.size(), 1u);
  EXPECT_EQ(d->connection->address, "224.2.17.12/127");
  EXPECT_TRUE(d->media[0].rejected());
  const std::string out = d->Serialize();
  EXPECT_NE(out.find("s= \r\n"), std::string::npos);
  auto again = SessionDescription::Parse(out);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *d);
}

TEST(SessionDescriptionTest, ParseErrorNamesTheLine) {
  const std::string text =
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 99999 UDP/TLS/RTP/SAVPF 111\r\n";
  ParseError error;
  auto d = SessionDescription::Parse(text, &error);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, ErrorCode::kMalformed);
  EXPECT_STREQ(d.error().message, "m= line port is not 0..65535");
  EXPECT_EQ(error.line, 5u);
  EXPECT_STREQ(error.reason, "m= line port is not 0..65535");
  EXPECT_EQ(error.text, "m=audio 99999 UDP/TLS/RTP/SAVPF 111");
  EXPECT_EQ(error.ToString(),
            "line 5: m= line port is not 0..65535 (m=audio 99999 UDP/TLS/RTP/SAVPF 111)");
}

}  // namespace
}  // namespace sluice::sdp
