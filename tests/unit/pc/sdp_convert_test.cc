// The one place where SDP attribute types become engine types (and back).
#include "pc/sdp_convert.h"

#include <gtest/gtest.h>

#include "dtls/dtls_fingerprint.h"

namespace sluice::pc {
namespace {

TEST(SdpConvert, CandidateRoundTrip) {
  auto sdp_c = sdp::Candidate::Parse(
      "candidate:262981335 1 udp 2122194687 192.0.2.2 54390 typ host generation 0 network-id 1").value();
  auto ice_c = ToIceCandidate(sdp_c).value();
  EXPECT_EQ(ice_c.priority, 2122194687u);
  EXPECT_EQ(ice_c.address.port(), 54390);
  EXPECT_EQ(ice_c.type, ice::CandidateType::kHost);
  auto back = ToSdpCandidate(ice_c);
  EXPECT_EQ(back.address, "192.0.2.2");
  EXPECT_EQ(back.port, 54390);
  EXPECT_EQ(back.priority, 2122194687u);
  EXPECT_EQ(back.foundation, "262981335");
  auto srflx = sdp::Candidate::Parse(
      "candidate:1 1 UDP 1686052607 198.51.100.7 40000 typ srflx raddr 10.0.0.1 rport 5000").value();
  auto s = ToIceCandidate(srflx).value();
  EXPECT_EQ(s.type, ice::CandidateType::kServerReflexive);
  ASSERT_TRUE(s.related);
  EXPECT_EQ(s.related->port(), 5000);
  auto v6 = ToIceCandidate(sdp::Candidate::Parse("candidate:2 1 udp 2122265343 fd00::2 54601 typ host").value());
  ASSERT_TRUE(v6);
  EXPECT_EQ(ToSdpCandidate(*v6).address, "fd00::2");
}

TEST(SdpConvert, UnusableCandidatesAreRefused) {
  EXPECT_EQ(ToIceCandidate(sdp::Candidate::Parse(
                "candidate:4043706947 1 tcp 1518214911 192.0.2.2 9 typ host tcptype active").value())
                .error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(ToIceCandidate(sdp::Candidate::Parse("candidate:1 2 udp 1 192.0.2.2 9 typ host").value())
                .error().code, ErrorCode::kUnsupported);
  EXPECT_FALSE(ToIceCandidate(sdp::Candidate::Parse(
      "candidate:1 1 udp 2122260223 2c9a6c46-1f07-4c3a-9f5d-6b6a2b6b1a1e.local 54321 typ host").value()));
}

TEST(SdpConvert, FingerprintBothWays) {
  const std::string text =
      "sha-256 81:89:F3:1A:B3:AE:33:9D:2A:F5:A2:DD:8B:7B:09:65:9B:C8:28:1D:48:9C:CB:3F:00:12:06:E4:1F:25:9C:13";
  auto sdp_fp = sdp::Fingerprint::Parse(text).value();
  auto dtls_fp = ToDtlsFingerprint(sdp_fp).value();
  EXPECT_EQ(dtls_fp.algorithm(), dtls::HashAlgorithm::kSha256);
  EXPECT_EQ(dtls_fp.ToString(), text);
  EXPECT_EQ(ToSdpFingerprint(dtls_fp), sdp_fp);
  auto upper = sdp::Fingerprint::Parse("SHA-1 " + std::string("AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD")).value();
  EXPECT_EQ(ToDtlsFingerprint(upper)->algorithm(), dtls::HashAlgorithm::kSha1);
  auto md5 = sdp::Fingerprint::Parse("md5 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99").value();
  EXPECT_EQ(ToDtlsFingerprint(md5).error().code, ErrorCode::kUnsupported);
}

sdp::Codec Offered(int pt, const std::string& name, uint32_t rate, std::optional<uint32_t> ch,
                   std::optional<std::string> fmtp = std::nullopt) {
  sdp::Codec c;
  c.payload_type = PayloadType(static_cast<uint8_t>(pt));
  c.rtpmap = sdp::RtpMap{c.payload_type, name, rate, ch};
  c.fmtp = fmtp;
  return c;
}

TEST(SdpConvert, CodecMatching) {
  const auto audio = DefaultAudioCodecs();
  const auto video = DefaultVideoCodecs();
  EXPECT_TRUE(CodecMatches(audio[0], Offered(111, "opus", 48000, 2)));
  EXPECT_TRUE(CodecMatches(audio[0], Offered(96, "OPUS", 48000, 2)));   // case-insensitive
  EXPECT_FALSE(CodecMatches(audio[0], Offered(111, "opus", 48000, 1)));  // channels
  EXPECT_FALSE(CodecMatches(audio[0], Offered(0, "PCMU", 8000, std::nullopt)));
  EXPECT_TRUE(CodecMatches(video[0], Offered(96, "VP8", 90000, std::nullopt)));
  EXPECT_FALSE(CodecMatches(video[0], Offered(96, "VP8", 48000, std::nullopt)));
  const Codec& h264 = video[1];
  EXPECT_TRUE(CodecMatches(h264, Offered(102, "H264", 90000, std::nullopt,
                                         "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f")));
  EXPECT_FALSE(CodecMatches(h264, Offered(104, "H264", 90000, std::nullopt,
                                          "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f")));
  EXPECT_FALSE(CodecMatches(h264, Offered(104, "H264", 90000, std::nullopt, "profile-level-id=42e01f")));  // mode 0
  EXPECT_FALSE(CodecMatches(h264, Offered(116, "H264", 90000, std::nullopt,
                                          "packetization-mode=1;profile-level-id=4d001f")));
  sdp::Codec no_rtpmap;
  no_rtpmap.payload_type = PayloadType(0);
  EXPECT_FALSE(CodecMatches(audio[0], no_rtpmap));
}

TEST(SdpConvert, PublicCodecRoundTrip) {
  const Codec h264 = DefaultVideoCodecs()[1];
  const sdp::Codec s = ToSdpCodec(h264);
  EXPECT_EQ(s.rtpmap->ToString(), "102 H264/90000");
  EXPECT_TRUE(s.HasFeedback("nack", "pli"));
  const Codec back = FromSdpCodec(s);
  EXPECT_EQ(back.name, h264.name);
  EXPECT_EQ(back.payload_type, h264.payload_type);
  EXPECT_EQ(back.fmtp, h264.fmtp);
  EXPECT_EQ(back.rtcp_feedback, h264.rtcp_feedback);
  auto fb = NegotiatedFeedback(s);
  EXPECT_EQ(fb, (std::vector<std::string>{"nack", "nack pli", "ccm fir"}));
}

}  // namespace
}  // namespace sluice::pc
