// Real offers and answers (tests/unit/sdp/data, sources in data/README.md): each parses, exposes
// the fields we expect, round-trips (Parse(Serialize(Parse(x))) == Parse(x)) and survives being
// cut at every length.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "sdp/session_description.h"

namespace sluice::sdp {
namespace {

std::string ReadData(const std::string& name) {
  std::ifstream in(std::string(SLUICE_SDP_TEST_DATA_DIR) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

SessionDescription ParseData(const std::string& name) {
  const std::string text = ReadData(name);
  EXPECT_FALSE(text.empty()) << name;
  ParseError error;
  auto d = SessionDescription::Parse(text, &error);
  EXPECT_TRUE(d.ok()) << name << ": " << error.ToString();
  return d.ok() ? *d : SessionDescription{};
}

const char* const kFiles[] = {"chromium_offer.sdp",      "chromium_offer_no_candidates.sdp",
                              "chromium_answer.sdp",     "aiortc_offer.sdp",
                              "aiortc_answer.sdp",       "firefox_offer.sdp",
                              "firefox_esr_offer.sdp",   "firefox_esr_answer.sdp",
                              "pion_offer.sdp",          "pion_datachannel_offer.sdp",
                              "legacy_chrome_offer.sdp", "rfc8866_example.sdp"};

class RealSdpTest : public ::testing::TestWithParam<const char*> {};

TEST_P(RealSdpTest, RoundTrips) {
  const SessionDescription d = ParseData(GetParam());
  ASSERT_FALSE(d.media.empty());
  const std::string text = d.Serialize();
  ParseError error;
  auto again = SessionDescription::Parse(text, &error);
  ASSERT_TRUE(again.ok()) << error.ToString();
  EXPECT_EQ(*again, d);
  EXPECT_EQ(again->Serialize(), text);  // serialization is a fixed point
}

// Cut lengths: every length in the first KiB (all session-level lines and the first m= line),
// then every length within 3 bytes of each line end and every 13th byte (a cut anywhere inside a
// line behaves like a cut inside the same kind of field; this keeps the asan build fast).
std::vector<size_t> CutLengths(const std::string& text) {
  std::vector<bool> cut(text.size(), false);
  for (size_t n = 0; n < text.size() && n < 1024; ++n) cut[n] = true;
  for (size_t n = 0; n < text.size(); n += 13) cut[n] = true;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n') continue;
    for (size_t n = i >= 3 ? i - 3 : 0; n <= i + 3 && n < text.size(); ++n) cut[n] = true;
  }
  std::vector<size_t> out;
  for (size_t n = 0; n < text.size(); ++n) {
    if (cut[n]) out.push_back(n);
  }
  return out;
}

// Serialize() reorders lines (JSEP order) but keeps every one of them: the sorted lines of the
// output equal the sorted lines of the input, after trimming trailing whitespace and writing
// "msid-semantic: WMS" (Chromium's spelling) as "msid-semantic:WMS".
std::vector<std::string> SortedLines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string line(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.pop_back();
    }
    if (line.starts_with("a=msid-semantic: ")) line.erase(16, 1);
    if (!line.empty()) lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

TEST_P(RealSdpTest, SerializeKeepsEveryLine) {
  const std::string text = ReadData(GetParam());
  const SessionDescription d = ParseData(GetParam());
  EXPECT_EQ(SortedLines(d.Serialize()), SortedLines(text));
}

TEST_P(RealSdpTest, TruncationsParseOrFailCleanly) {
  const std::string text = ReadData(GetParam());
  size_t failures = 0;
  for (size_t n : CutLengths(text)) {
    ParseError error;
    auto d = SessionDescription::Parse(std::string_view(text).substr(0, n), &error);
    if (!d.ok()) {
      ++failures;
      EXPECT_NE(std::string(error.reason), "");
    } else {
      // Whatever parsed must serialize and parse back to itself.
      auto again = SessionDescription::Parse(d->Serialize());
      ASSERT_TRUE(again.ok()) << n;
      EXPECT_EQ(*again, *d) << n;
    }
  }
  EXPECT_GT(failures, 0u);  // at least the cuts before t= must fail
}

INSTANTIATE_TEST_SUITE_P(Captured, RealSdpTest, ::testing::ValuesIn(kFiles), [](const auto& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (c == '.') c = '_';
  }
  return name;
});

std::vector<int> PayloadTypes(const MediaSection& m) {
  std::vector<int> out;
  for (const auto& c : m.codecs) out.push_back(c.payload_type.value());
  return out;
}

TEST(RealSdpFieldsTest, ChromiumOffer) {
  const SessionDescription d = ParseData("chromium_offer.sdp");
  ASSERT_EQ(d.media.size(), 3u);
  ASSERT_NE(d.FindGroup("BUNDLE"), nullptr);
  EXPECT_EQ(d.FindGroup("BUNDLE")->mids, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_TRUE(d.extmap_allow_mixed);
  ASSERT_EQ(d.msid_semantics.size(), 1u);
  EXPECT_EQ(d.msid_semantics[0].semantic, "WMS");

  const MediaSection& audio = d.media[0];
  EXPECT_EQ(audio.mid, "0");
  EXPECT_EQ(audio.line.port, 54390);
  EXPECT_EQ(d.IceUfragFor(audio), "SUfP");
  EXPECT_EQ(d.IcePwdFor(audio), "k/vcWbe+w/TmiPx3bfQhmljD");
  EXPECT_EQ(audio.transport.ice_options, (std::vector<std::string>{"trickle"}));
  ASSERT_EQ(d.FingerprintsFor(audio).size(), 1u);
  EXPECT_EQ(d.FingerprintsFor(audio)[0].hash_function, "sha-256");
  EXPECT_EQ(d.FingerprintsFor(audio)[0].digest()[0], 0x81);
  EXPECT_EQ(d.SetupFor(audio), Setup::kActPass);
  EXPECT_EQ(audio.direction, Direction::kSendRecv);
  EXPECT_TRUE(audio.rtcp_mux);
  EXPECT_TRUE(audio.rtcp_rsize);
  EXPECT_EQ(PayloadTypes(audio), (std::vector<int>{111, 63, 9, 0, 8, 13, 110, 126}));
  const Codec* opus = audio.FindCodec(PayloadType(111));
  ASSERT_NE(opus, nullptr);
  EXPECT_EQ(opus->name(), "opus");
  EXPECT_EQ(opus->clock_rate(), 48000u);
  EXPECT_EQ(opus->rtpmap->encoding_parameters, 2u);
  EXPECT_EQ(opus->FmtpParameter("useinbandfec"), "1");
  EXPECT_TRUE(opus->HasFeedback("transport-cc"));
  EXPECT_EQ(audio.FindCodec(PayloadType(63))->name(), "red");
  ASSERT_EQ(audio.candidates.size(), 4u);
  EXPECT_EQ(audio.candidates[0].address, "192.0.2.2");
  EXPECT_EQ(audio.candidates[1].address, "fd00::2");
  EXPECT_EQ(audio.candidates[2].tcp_type, "active");
  EXPECT_EQ(audio.candidates[0].Extension("network-id"), "1");
  ASSERT_EQ(audio.msids.size(), 1u);
  EXPECT_EQ(audio.msids[0].stream_id, "8f791bd2-cf5f-4e9d-b50d-94819873c687");
  EXPECT_EQ(audio.SsrcValue(Ssrc(2552796618u), "cname"), "o0Yt5yW0y+EtLQK6");
  ASSERT_NE(audio.FindAttribute("rtcp-xr"), nullptr);  // unmodelled, kept verbatim

  const MediaSection& video = d.media[1];
  EXPECT_EQ(video.media(), "video");
  const Codec* vp8 = video.FindCodec(PayloadType(96));
  ASSERT_NE(vp8, nullptr);
  EXPECT_EQ(vp8->name(), "VP8");
  EXPECT_TRUE(vp8->HasFeedback("nack", "pli"));
  EXPECT_TRUE(vp8->HasFeedback("ccm", "fir"));
  EXPECT_EQ(video.FindCodec(PayloadType(97))->FmtpParameter("apt"), "96");
  ASSERT_EQ(video.ssrc_groups.size(), 1u);
  EXPECT_EQ(video.ssrc_groups[0].semantics, "FID");
  EXPECT_EQ(video.ssrc_groups[0].ssrcs, (std::vector<Ssrc>{Ssrc(1820373416u), Ssrc(496151417u)}));
  EXPECT_FALSE(video.extmaps.empty());

  const MediaSection& data = d.media[2];
  EXPECT_EQ(data.media(), "application");
  EXPECT_EQ(data.line.proto, "UDP/DTLS/SCTP");
  EXPECT_EQ(data.sctp_port, 5000);
  EXPECT_EQ(data.SctpPortOrLegacy(), 5000);
  EXPECT_EQ(data.max_message_size, 262144u);
}

TEST(RealSdpFieldsTest, ChromiumAnswer) {
  const SessionDescription d = ParseData("chromium_answer.sdp");
  ASSERT_EQ(d.media.size(), 3u);
  for (const auto& m : d.media) EXPECT_EQ(d.SetupFor(m), Setup::kActive);
  EXPECT_EQ(d.media[0].direction, Direction::kRecvOnly);
  EXPECT_FALSE(d.media[0].candidates.empty());
}

TEST(RealSdpFieldsTest, FirefoxOfferKeepsFingerprintAtSessionLevel) {
  const SessionDescription d = ParseData("firefox_offer.sdp");
  EXPECT_EQ(d.origin.username, "mozilla...THIS_IS_SDPARTA-99.0");
  ASSERT_EQ(d.transport.fingerprints.size(), 1u);
  EXPECT_EQ(d.transport.ice_options, (std::vector<std::string>{"trickle"}));
  ASSERT_EQ(d.media.size(), 2u);
  const MediaSection& audio = d.media[0];
  EXPECT_TRUE(audio.transport.fingerprints.empty());
  EXPECT_EQ(d.FingerprintsFor(audio).size(), 1u);  // falls back to the session level
  EXPECT_EQ(d.IceUfragFor(audio), "6c0579ea");
  EXPECT_EQ(PayloadTypes(audio), (std::vector<int>{109, 9, 0, 8, 101}));
  EXPECT_EQ(audio.FindCodec(PayloadType(101))->fmtp, "0-15");
  EXPECT_EQ(audio.FindCodec(PayloadType(9))->rtpmap->encoding_parameters, 1u);
  ASSERT_EQ(audio.extmaps.size(), 3u);
  EXPECT_EQ(audio.extmaps[1].direction, Direction::kRecvOnly);
  EXPECT_EQ(audio.msids[0].stream_id, "-");
  const MediaSection& video = d.media[1];
  // rtpmap lines come after fmtp and rtcp-fb lines here; the join is by payload type.
  EXPECT_EQ(video.FindCodec(PayloadType(120))->name(), "VP8");
  EXPECT_EQ(video.FindCodec(PayloadType(120))->feedback.size(), 5u);
  EXPECT_EQ(video.FindCodec(PayloadType(124))->FmtpParameter("apt"), "120");
}

TEST(RealSdpFieldsTest, FirefoxEsrOfferWithCandidatesAndDatachannel) {
  const SessionDescription d = ParseData("firefox_esr_offer.sdp");
  EXPECT_EQ(d.direction, Direction::kSendRecv);  // Firefox also writes a session-level direction
  ASSERT_EQ(d.transport.fingerprints.size(), 1u);
  EXPECT_EQ(d.transport.fingerprints[0].digest()[0], 0x0D);
  EXPECT_EQ(d.FindGroup("BUNDLE")->mids, (std::vector<std::string>{"0", "1", "2"}));
  ASSERT_EQ(d.media.size(), 3u);
  const MediaSection& audio = d.media[0];
  EXPECT_EQ(d.IceUfragFor(audio), "20838994");
  EXPECT_EQ(d.IcePwdFor(audio), "e05cecf2fa62772365f4c51a942f7065");
  EXPECT_EQ(PayloadTypes(audio), (std::vector<int>{109, 9, 0, 8, 101}));
  EXPECT_EQ(audio.FindCodec(PayloadType(109))->name(), "opus");
  ASSERT_EQ(audio.candidates.size(), 8u);
  EXPECT_EQ(audio.candidates[0].transport, "UDP");
  EXPECT_TRUE(audio.candidates[0].address.ends_with(".local"));  // mDNS host candidate
  EXPECT_EQ(audio.candidates[4].component, 2);
  EXPECT_EQ(audio.candidates[2].tcp_type, "active");
  EXPECT_TRUE(audio.end_of_candidates);
  ASSERT_TRUE(audio.rtcp);
  EXPECT_TRUE(audio.rtcp->address->ends_with(".local"));
  const MediaSection& video = d.media[1];
  EXPECT_EQ(video.FindCodec(PayloadType(120))->name(), "VP8");
  ASSERT_EQ(video.ssrc_groups.size(), 1u);
  const MediaSection& data = d.media[2];
  EXPECT_EQ(data.sctp_port, 5000);
  EXPECT_EQ(data.max_message_size, 1073741823u);
  EXPECT_EQ(d.SetupFor(data), Setup::kActPass);

  const SessionDescription answer = ParseData("firefox_esr_answer.sdp");
  ASSERT_EQ(answer.media.size(), 3u);
  for (const auto& m : answer.media) EXPECT_EQ(answer.SetupFor(m), Setup::kActive);
}

TEST(RealSdpFieldsTest, PionOffer) {
  const SessionDescription d = ParseData("pion_offer.sdp");
  ASSERT_EQ(d.msid_semantics.size(), 1u);
  EXPECT_EQ(d.msid_semantics[0].semantic, "WMS*");
  EXPECT_EQ(d.transport.fingerprints.size(), 1u);
  ASSERT_EQ(d.media.size(), 2u);
  const MediaSection& video = d.media[0];
  EXPECT_EQ(d.IceUfragFor(video), "oWRmZjUxbxRgiLKd");
  EXPECT_EQ(video.codecs.size(), 22u);
  const Codec* vp8 = video.FindCodec(PayloadType(96));
  ASSERT_NE(vp8, nullptr);
  // "a=rtcp-fb:96 nack " (trailing space) is plain nack.
  EXPECT_TRUE(vp8->HasFeedback("nack"));
  EXPECT_EQ(video.FindCodec(PayloadType(45))->name(), "AV1");
  EXPECT_EQ(video.ssrcs.size(), 8u);
  EXPECT_EQ(video.direction, Direction::kSendRecv);
  EXPECT_EQ(d.media[1].FindCodec(PayloadType(111))->FmtpParameter("minptime"), "10");
}

TEST(RealSdpFieldsTest, PionDatachannelOffer) {
  const SessionDescription d = ParseData("pion_datachannel_offer.sdp");
  ASSERT_EQ(d.media.size(), 1u);
  EXPECT_EQ(d.media[0].sctp_port, 5000);
  EXPECT_EQ(d.media[0].candidates.size(), 2u);
  EXPECT_TRUE(d.media[0].end_of_candidates);
  EXPECT_EQ(d.media[0].direction, Direction::kSendRecv);
}

TEST(RealSdpFieldsTest, AiortcOffer) {
  const SessionDescription d = ParseData("aiortc_offer.sdp");
  ASSERT_EQ(d.media.size(), 3u);
  EXPECT_EQ(d.FindGroup("BUNDLE")->mids.size(), 3u);
  const MediaSection& audio = d.media[0];
  EXPECT_EQ(PayloadTypes(audio), (std::vector<int>{96, 0, 8}));
  EXPECT_EQ(audio.FindCodec(PayloadType(0))->name(), "PCMU");
  EXPECT_TRUE(audio.end_of_candidates);
  ASSERT_FALSE(audio.candidates.empty());
  EXPECT_EQ(audio.candidates[0].foundation.size(), 32u);
  EXPECT_EQ(d.SetupFor(audio), Setup::kActPass);
  EXPECT_TRUE(d.IcePwdFor(audio));
  const MediaSection& data = d.media[2];
  EXPECT_EQ(data.media(), "application");
  EXPECT_EQ(data.line.proto, "DTLS/SCTP");  // aiortc 1.4 still offers the legacy form
  EXPECT_FALSE(data.sctp_port);
  EXPECT_EQ(data.SctpPortOrLegacy(), 5000);
  EXPECT_EQ(data.max_message_size, 65536u);
}

TEST(RealSdpFieldsTest, LegacyChromeOfferKeepsSctpmapAndCrypto) {
  const SessionDescription d = ParseData("legacy_chrome_offer.sdp");
  ASSERT_EQ(d.media.size(), 3u);
  EXPECT_EQ(d.media[0].line.proto, "RTP/SAVPF");
  EXPECT_NE(d.media[0].FindAttribute("crypto"), nullptr);
  EXPECT_EQ(d.media[0].candidates.size(), 8u);
  EXPECT_EQ(d.media[0].candidates[4].tcp_type, "so");
  EXPECT_EQ(d.media[1].rtcp->port, 12312);
  const MediaSection& data = d.media[2];
  EXPECT_EQ(data.line.formats, (std::vector<std::string>{"5000"}));
  EXPECT_EQ(data.bandwidths.size(), 1u);
  ASSERT_NE(data.FindAttribute("sctpmap"), nullptr);
  EXPECT_EQ(data.FindAttribute("sctpmap")->value, "5000 webrtc-datachannel 1024");
  EXPECT_EQ(data.SctpPortOrLegacy(), 5000);
}

TEST(RealSdpFieldsTest, Rfc8866Example) {
  const SessionDescription d = ParseData("rfc8866_example.sdp");
  EXPECT_EQ(d.session_name, "Call to John Smith");
  EXPECT_EQ(d.information, "SDP Offer #1");
  EXPECT_EQ(d.emails.size(), 1u);
  ASSERT_EQ(d.media.size(), 3u);
  EXPECT_EQ(d.media[2].connection->address, "2001:db8::2");
  EXPECT_EQ(d.media[2].FindCodec(PayloadType(99))->name(), "h263-1998");
}

}  // namespace
}  // namespace sluice::sdp
