// Typed attributes and lines: parse, ToString round trip, and every malformed shape.
#include <gtest/gtest.h>

#include <string>

#include "sdp/rtp_attributes.h"
#include "sdp/sdp_attributes.h"
#include "sdp/sdp_lines.h"

namespace sluice::sdp {
namespace {

TEST(RtpMapTest, ParsesWithAndWithoutEncodingParameters) {
  auto opus = RtpMap::Parse("111 opus/48000/2");
  ASSERT_TRUE(opus.ok());
  EXPECT_EQ(opus->payload_type, PayloadType(111));
  EXPECT_EQ(opus->encoding_name, "opus");
  EXPECT_EQ(opus->clock_rate, 48000u);
  EXPECT_EQ(opus->encoding_parameters, 2u);
  EXPECT_EQ(opus->ToString(), "111 opus/48000/2");
  auto vp8 = RtpMap::Parse("96 VP8/90000");
  ASSERT_TRUE(vp8.ok());
  EXPECT_FALSE(vp8->encoding_parameters);
  EXPECT_EQ(vp8->ToString(), "96 VP8/90000");
}

TEST(RtpMapTest, RejectsMalformed) {
  for (const char* text :
       {"", "opus/48000", "128 opus/48000", "-1 opus/48000", "111", "111 opus", "111 opus/",
        "111 opus/0", "111 opus/x", "111 /48000", "111 opus/48000/", "111 opus/48000/2/1",
        "111 opus/48000 extra", "1111 opus/48000", "111 op:us/48000"}) {
    auto r = RtpMap::Parse(text);
    EXPECT_FALSE(r.ok()) << text;
  }
  EXPECT_STREQ(RtpMap::Parse("opus/48000").error().message, "rtpmap payload type is not 0..127");
}

TEST(FmtpTest, KeepsParametersVerbatimAndSplitsThem) {
  auto f = Fmtp::Parse("111 minptime=10;useinbandfec=1");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->payload_type, PayloadType(111));
  EXPECT_EQ(f->parameters, "minptime=10;useinbandfec=1");
  EXPECT_EQ(f->ToString(), "111 minptime=10;useinbandfec=1");
  auto params = SplitFmtpParameters("a=1; b=2;;flag ;c=x=y");
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params[0].first, "a");
  EXPECT_EQ(params[0].second, "1");
  EXPECT_EQ(params[1].first, "b");
  EXPECT_EQ(params[2].first, "flag");
  EXPECT_EQ(params[2].second, "");
  EXPECT_EQ(params[3].first, "c");
  EXPECT_EQ(params[3].second, "x=y");
  EXPECT_FALSE(Fmtp::Parse("x apt=1").ok());
  EXPECT_FALSE(Fmtp::Parse("").ok());
  auto empty = Fmtp::Parse("101");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->ToString(), "101");
}

TEST(RtcpFeedbackTest, ParsesPayloadTypeAndWildcard) {
  auto pli = RtcpFeedbackLine::Parse("96 nack pli");
  ASSERT_TRUE(pli.ok());
  EXPECT_EQ(pli->payload_type, PayloadType(96));
  EXPECT_EQ(pli->feedback.type, "nack");
  EXPECT_EQ(pli->feedback.parameter, "pli");
  EXPECT_EQ(pli->ToString(), "96 nack pli");
  auto star = RtcpFeedbackLine::Parse("* trr-int 100");
  ASSERT_TRUE(star.ok());
  EXPECT_FALSE(star->payload_type);
  EXPECT_EQ(star->ToString(), "* trr-int 100");
  auto remb = RtcpFeedbackLine::Parse("96 goog-remb");
  ASSERT_TRUE(remb.ok());
  EXPECT_EQ(remb->feedback.parameter, "");
  EXPECT_FALSE(RtcpFeedbackLine::Parse("96").ok());
  EXPECT_FALSE(RtcpFeedbackLine::Parse("200 nack").ok());
  EXPECT_FALSE(RtcpFeedbackLine::Parse("** nack").ok());
}

TEST(ExtMapTest, ParsesIdDirectionUriAndAttributes) {
  auto e = ExtMap::Parse("2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->id, 2);
  EXPECT_EQ(e->direction, Direction::kRecvOnly);
  EXPECT_EQ(e->uri, "urn:ietf:params:rtp-hdrext:csrc-audio-level");
  EXPECT_EQ(e->ToString(), "2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level");
  auto with_attrs = ExtMap::Parse("4096 urn:x vad=on  more");
  ASSERT_TRUE(with_attrs.ok());
  EXPECT_EQ(with_attrs->id, 4096);
  EXPECT_EQ(with_attrs->attributes, "vad=on  more");
  for (const char* text :
       {"", "0 urn:x", "256 urn:x", "4352 urn:x", "1/sideways urn:x", "1", "x urn:x", "1/ urn:x"}) {
    EXPECT_FALSE(ExtMap::Parse(text).ok()) << text;
  }
  EXPECT_TRUE(ExtMap::Parse("255 urn:x").ok());
}

TEST(SsrcTest, ParsesAttributeAndValue) {
  auto s = SsrcAttribute::Parse("2552796618 msid:stream track");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->ssrc, Ssrc(2552796618u));
  EXPECT_EQ(s->attribute, "msid");
  EXPECT_EQ(s->value, "stream track");
  EXPECT_EQ(s->ToString(), "2552796618 msid:stream track");
  auto cname = SsrcAttribute::Parse("1 cname:{b11da7a1-56f4}");
  ASSERT_TRUE(cname.ok());
  EXPECT_EQ(cname->value, "{b11da7a1-56f4}");
  auto bare = SsrcAttribute::Parse("1 flag");
  ASSERT_TRUE(bare.ok());
  EXPECT_FALSE(bare->value);
  for (const char* text : {"", "1", "4294967296 cname:x", "x cname:x", "1 :x", "1 c@name:x"}) {
    EXPECT_FALSE(SsrcAttribute::Parse(text).ok()) << text;
  }
}

TEST(SsrcGroupTest, ParsesFidAndSim) {
  auto g = SsrcGroup::Parse("FID 1820373416 496151417");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->semantics, "FID");
  ASSERT_EQ(g->ssrcs.size(), 2u);
  EXPECT_EQ(g->ssrcs[1], Ssrc(496151417));
  EXPECT_EQ(g->ToString(), "FID 1820373416 496151417");
  auto sim = SsrcGroup::Parse("SIM 1 2 3");
  ASSERT_TRUE(sim.ok());
  EXPECT_EQ(sim->ssrcs.size(), 3u);
  EXPECT_FALSE(SsrcGroup::Parse("FID 1 x").ok());
  EXPECT_FALSE(SsrcGroup::Parse("").ok());
}

TEST(GroupTest, ParsesBundleAndLs) {
  auto b = Group::Parse("BUNDLE 0 1 2");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->semantics, "BUNDLE");
  EXPECT_EQ(b->mids, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(b->ToString(), "BUNDLE 0 1 2");
  auto ls = Group::Parse("LS audio video");
  ASSERT_TRUE(ls.ok());
  EXPECT_EQ(ls->mids.size(), 2u);
  auto empty = Group::Parse("BUNDLE");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->mids.empty());
  EXPECT_FALSE(Group::Parse("").ok());
  EXPECT_FALSE(Group::Parse("BUNDLE a<b").ok());
}

TEST(MsidTest, ParsesStreamAndTrack) {
  auto m = Msid::Parse("- {73b368b6-4a66-409b-87ea-0ed7919bce82}");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->stream_id, "-");
  EXPECT_EQ(m->track_id, "{73b368b6-4a66-409b-87ea-0ed7919bce82}");
  EXPECT_EQ(m->ToString(), "- {73b368b6-4a66-409b-87ea-0ed7919bce82}");
  auto only = Msid::Parse("stream");
  ASSERT_TRUE(only.ok());
  EXPECT_FALSE(only->track_id);
  EXPECT_FALSE(Msid::Parse("a b c").ok());
  EXPECT_FALSE(Msid::Parse("").ok());
}

TEST(MsidSemanticTest, AcceptsChromiumSpaceAndPionNoSpace) {
  auto chromium = MsidSemantic::Parse(" WMS 8f791bd2");
  ASSERT_TRUE(chromium.ok());
  EXPECT_EQ(chromium->semantic, "WMS");
  EXPECT_EQ(chromium->stream_ids, (std::vector<std::string>{"8f791bd2"}));
  auto pion = MsidSemantic::Parse("WMS*");
  ASSERT_TRUE(pion.ok());
  EXPECT_EQ(pion->semantic, "WMS*");
  EXPECT_FALSE(MsidSemantic::Parse(" ").ok());
}

TEST(RtcpAttributeTest, ParsesPortAndAddress) {
  auto r = RtcpAttribute::Parse("9 IN IP4 0.0.0.0");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->port, 9);
  EXPECT_EQ(r->address, "IN IP4 0.0.0.0");
  EXPECT_EQ(r->ToString(), "9 IN IP4 0.0.0.0");
  auto port_only = RtcpAttribute::Parse("12312");
  ASSERT_TRUE(port_only.ok());
  EXPECT_FALSE(port_only->address);
  for (const char* text : {"", "65536", "9 IN", "9 IN IP4", "9 IN IP4 1.2.3.4 extra"}) {
    EXPECT_FALSE(RtcpAttribute::Parse(text).ok()) << text;
  }
}

TEST(EnumTest, DirectionAndSetupRoundTrip) {
  for (auto d :
       {Direction::kSendRecv, Direction::kSendOnly, Direction::kRecvOnly, Direction::kInactive}) {
    EXPECT_EQ(ParseDirection(ToString(d)), d);
  }
  for (auto s : {Setup::kActPass, Setup::kActive, Setup::kPassive, Setup::kHoldConn}) {
    EXPECT_EQ(ParseSetup(ToString(s)), s);
  }
  EXPECT_FALSE(ParseDirection("SendRecv"));
  EXPECT_FALSE(ParseSetup("both"));
}

TEST(LinesTest, OriginConnectionBandwidthTiming) {
  auto o = Origin::Parse("- 2147841541467009162 2 IN IP4 127.0.0.1");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->session_id, "2147841541467009162");
  EXPECT_EQ(o->session_version, "2");
  EXPECT_EQ(o->ToString(), "- 2147841541467009162 2 IN IP4 127.0.0.1");
  EXPECT_FALSE(Origin::Parse("- 1 2 IN IP4").ok());
  EXPECT_FALSE(Origin::Parse("- x 2 IN IP4 1.2.3.4").ok());
  EXPECT_FALSE(Origin::Parse("- 1 y IN IP4 1.2.3.4").ok());
  EXPECT_FALSE(Origin::Parse("- 1 2 IN IP4 1.2.3.4 more").ok());

  auto c = Connection::Parse("IN IP6 2001:db8::2");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->address_type, "IP6");
  EXPECT_FALSE(Connection::Parse("IN IP4").ok());

  auto b = Bandwidth::Parse("AS:30");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->type, "AS");
  EXPECT_EQ(b->value, 30u);
  EXPECT_EQ(b->ToString(), "AS:30");
  for (const char* text : {"AS", "AS:", ":30", "AS:x", "AS:99999999999999999999999"}) {
    EXPECT_FALSE(Bandwidth::Parse(text).ok()) << text;
  }

  auto t = Timing::Parse("2873397496 2873404696");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->start, 2873397496u);
  EXPECT_FALSE(Timing::Parse("0").ok());
  EXPECT_FALSE(Timing::Parse("0 0 0").ok());
}

TEST(LinesTest, MediaLine) {
  auto m = MediaLine::Parse("audio 54390 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->media, "audio");
  EXPECT_EQ(m->port, 54390);
  EXPECT_TRUE(m->is_rtp());
  EXPECT_EQ(m->formats.size(), 8u);
  EXPECT_EQ(m->ToString(), "audio 54390 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126");
  auto dc = MediaLine::Parse("application 9 UDP/DTLS/SCTP webrtc-datachannel");
  ASSERT_TRUE(dc.ok());
  EXPECT_FALSE(dc->is_rtp());
  EXPECT_EQ(dc->formats[0], "webrtc-datachannel");
  auto counted = MediaLine::Parse("video 49170/2 RTP/AVP 31");
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(counted->port_count, 2u);
  EXPECT_EQ(counted->ToString(), "video 49170/2 RTP/AVP 31");

  struct Bad {
    const char* text;
    const char* reason;
  };
  for (const Bad& bad : {
           Bad{"audio 99999 RTP/AVP 0", "m= line port is not 0..65535"},
           Bad{"audio -1 RTP/AVP 0", "m= line port is not 0..65535"},
           Bad{"audio 9/x RTP/AVP 0", "m= line port count is not a number"},
           Bad{"audio 9 RTP/AVP", "m= line has no formats"},
           Bad{"audio 9", "m= line needs media, port, proto and formats"},
           Bad{"audio 9 RTP/AVP 128", "m= line payload type is not 0..127"},
           Bad{"audio 9 RTP/AVP opus", "m= line payload type is not 0..127"},
           Bad{"audio 9 RTP//AVP 0", "m= line proto is not token *(\"/\" token)"},
           Bad{"au<dio 9 RTP/AVP 0", "m= line media is not a token"},
       }) {
    auto r = MediaLine::Parse(bad.text);
    ASSERT_FALSE(r.ok()) << bad.text;
    EXPECT_STREQ(r.error().message, bad.reason) << bad.text;
  }
}

}  // namespace
}  // namespace sluice::sdp
