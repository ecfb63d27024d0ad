// Every malformed description gives a clear error naming its line; hostile sizes hit the limits.
#include <gtest/gtest.h>

#include <string>

#include "sdp/sdp_limits.h"
#include "sdp/session_description.h"

namespace sluice::sdp {
namespace {

constexpr const char* kHead = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";  // lines 1-4
constexpr const char* kAudio = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";               // line 5

struct BadSdp {
  std::string text;
  size_t line;
  const char* reason;
  ErrorCode code = ErrorCode::kMalformed;
};

void PrintTo(const BadSdp& b, std::ostream* os) { *os << b.reason; }

class MalformedSdpTest : public ::testing::TestWithParam<BadSdp> {};

TEST_P(MalformedSdpTest, FailsWithLineAndReason) {
  const BadSdp& bad = GetParam();
  ParseError error;
  auto d = SessionDescription::Parse(bad.text, &error);
  ASSERT_FALSE(d.ok()) << bad.text;
  EXPECT_EQ(d.error().code, bad.code);
  EXPECT_STREQ(d.error().message, bad.reason) << error.ToString();
  EXPECT_STREQ(error.reason, bad.reason);
  EXPECT_EQ(error.line, bad.line) << error.ToString();
  // Also without the out-parameter.
  EXPECT_FALSE(SessionDescription::Parse(bad.text).ok());
}

std::string Head() { return kHead; }
std::string Audio(const std::string& attrs) { return Head() + kAudio + attrs; }

INSTANTIATE_TEST_SUITE_P(
    Lines, MalformedSdpTest,
    ::testing::Values(
        BadSdp{"", 0, "description is empty"}, BadSdp{"\r\n\r\n", 0, "description is empty"},
        BadSdp{"o=- 1 1 IN IP4 0.0.0.0\r\nv=0\r\n", 1, "description does not start with v="},
        BadSdp{"v=1\r\n", 1, "v= is not 0"}, BadSdp{"v=0\r\nv=0\r\n", 2, "duplicate v= line"},
        BadSdp{"v=0\r\ns=-\r\nt=0 0\r\n", 0, "missing o= line"},
        BadSdp{"v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nt=0 0\r\n", 0, "missing s= line"},
        BadSdp{"v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n", 0, "missing t= line"},
        BadSdp{"v=0\r\no=- 1 1 IN IP4\r\n", 2, "o= line needs 6 fields"},
        BadSdp{Head() + "o=- 1 1 IN IP4 0.0.0.0\r\n", 5, "duplicate o= line"},
        BadSdp{Head() + "x=unknown\r\n", 5, "unknown line type"},
        BadSdp{Head() + "A=1\r\n", 5, "line is not <letter>=<value>"},
        BadSdp{Head() + "a\r\n", 5, "line is not <letter>=<value>"},
        BadSdp{Head() + "a =x\r\n", 5, "line is not <letter>=<value>"},
        BadSdp{Head() + "b= AS:1\r\n", 5, "whitespace after \"=\""},
        BadSdp{Head() + "a=\r\n", 5, "empty a= line"},
        BadSdp{Head() + "a=ice\rlite\r\n", 5, "line contains a NUL or a bare CR"},
        BadSdp{Head() + std::string("a=ice\0lite\r\n", 12), 5, "line contains a NUL or a bare CR"},
        BadSdp{"v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nr=1\r\n", 4,
               "r= line without a preceding t= line"},
        BadSdp{Head() + "b=AS\r\n", 5, "b= line is not bwtype:bandwidth"},
        BadSdp{Head() + "t=now later\r\n", 5, "t= line times are not numbers"},
        BadSdp{Head() + "c=IN IP4\r\n", 5, "c= line needs nettype, addrtype and address"},
        BadSdp{"v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\n", 4,
               "m= line before t="},
        BadSdp{Head() + "m=audio 99999 UDP/TLS/RTP/SAVPF 111\r\n", 5,
               "m= line port is not 0..65535"},
        BadSdp{Head() + "m=audio 9 UDP/TLS/RTP/SAVPF\r\n", 5, "m= line has no formats"},
        BadSdp{Head() + "m=audio 9 UDP/TLS/RTP/SAVPF 111 111\r\n", 5,
               "m= line lists a payload type twice"},
        BadSdp{Audio("s=again\r\n"), 6, "session-level line inside a media section"},
        BadSdp{Audio("c=IN IP4 0.0.0.0\r\nc=IN IP4 0.0.0.0\r\n"), 7,
               "duplicate c= line in a media section"}));

INSTANTIATE_TEST_SUITE_P(
    Attributes, MalformedSdpTest,
    ::testing::Values(
        BadSdp{Audio("a=rtpmap:opus/48000\r\n"), 6, "rtpmap payload type is not 0..127"},
        BadSdp{Audio("a=rtpmap:111\r\n"), 6, "rtpmap is missing the encoding name"},
        BadSdp{Audio("a=rtpmap\r\n"), 6, "attribute needs a value"},
        BadSdp{Audio("a=rtpmap:111 opus/48000\r\na=rtpmap:111 opus/48000\r\n"), 7,
               "duplicate a=rtpmap for one payload type"},
        BadSdp{Audio("a=fmtp:111 a=1\r\na=fmtp:111 b=2\r\n"), 7,
               "duplicate a=fmtp for one payload type"},
        BadSdp{Audio("a=fmtp:abc x\r\n"), 6, "fmtp payload type is not 0..127"},
        BadSdp{Audio("a=rtcp-fb:111\r\n"), 6, "rtcp-fb is missing the feedback type"},
        BadSdp{Audio("a=fingerprint:sha-256 ZZ:00\r\n"), 6, "fingerprint has a bad hex digit"},
        BadSdp{Audio("a=fingerprint:sha-256 AB:CD\r\n"), 6,
               "fingerprint length does not match its hash function"},
        BadSdp{Audio("a=fingerprint:sha-256\r\n"), 6, "fingerprint is missing its hex digest"},
        BadSdp{Audio("a=candidate:1 1 udp 5 1.2.3.4 9\r\n"), 6, "candidate is missing \"typ\""},
        BadSdp{Audio("a=candidate:1 1 udp\r\n"), 6, "candidate is missing its priority"},
        BadSdp{Audio("a=setup:sideways\r\n"), 6, "a=setup is not actpass/active/passive/holdconn"},
        BadSdp{Audio("a=setup:active\r\na=setup:passive\r\n"), 7, "duplicate a=setup"},
        BadSdp{Audio("a=ice-ufrag:abc\r\n"), 6, "a=ice-ufrag is not 4..256 ice-char"},
        BadSdp{Audio("a=ice-ufrag:ab=cd\r\n"), 6, "a=ice-ufrag is not 4..256 ice-char"},
        BadSdp{Audio("a=ice-pwd:short\r\n"), 6, "a=ice-pwd is not 22..256 ice-char"},
        BadSdp{Audio("a=ice-ufrag:abcd\r\na=ice-ufrag:abcd\r\n"), 7, "duplicate a=ice-ufrag"},
        BadSdp{Audio("a=ice-options\r\n"), 6, "a=ice-options needs a value"},
        BadSdp{Audio("a=mid:0\r\na=mid:1\r\n"), 7, "duplicate a=mid"},
        BadSdp{Audio("a=mid:a b\r\n"), 6, "a=mid is not a token"},
        BadSdp{Audio("a=sendrecv\r\na=recvonly\r\n"), 7, "more than one direction attribute"},
        BadSdp{Audio("a=sendrecv:yes\r\n"), 6, "direction attribute must not have a value"},
        BadSdp{Audio("a=rtcp-mux:1\r\n"), 6, "property attribute must not have a value"},
        BadSdp{Audio("a=rtcp:x\r\n"), 6, "rtcp port is not 0..65535"},
        BadSdp{Audio("a=extmap:0 urn:x\r\n"), 6, "extmap id is not 1..255 or 4096..4351"},
        BadSdp{Audio("a=ssrc:4294967296 cname:x\r\n"), 6, "ssrc id is not a 32-bit number"},
        BadSdp{Audio("a=ssrc-group:FID 1 two\r\n"), 6, "ssrc-group ssrc id is not a 32-bit number"},
        BadSdp{Audio("a=msid:a b c\r\n"), 6, "msid has more than two fields"},
        BadSdp{Audio("a=sctp-port:70000\r\n"), 6, "a=sctp-port is not 0..65535"},
        BadSdp{Audio("a=max-message-size:-1\r\n"), 6, "a=max-message-size is not a number"},
        BadSdp{Audio("a=we<ird:1\r\n"), 6, "attribute name is not a token"},
        BadSdp{Head() + "a=group:BUNDLE a<b\r\n", 5, "group identification-tag is not a token"},
        BadSdp{Head() + "a=ice-lite:yes\r\n", 5, "property attribute must not have a value"},
        BadSdp{Head() + "a=msid-semantic: \r\n", 5, "msid-semantic is not a token"},
        BadSdp{Head() + "m=audio 9 RTP/AVP 0\r\na=mid:x\r\nm=video 9 RTP/AVP 96\r\na=mid:x\r\n", 0,
               "two m= sections share one a=mid"}));

TEST(SdpLimitsTest, RejectsOversizedText) {
  std::string text = Head();
  while (text.size() <= kMaxSdpSize)
    text += "a=x-padding:0123456789012345678901234567890123456789\r\n";
  ParseError error;
  auto d = SessionDescription::Parse(text, &error);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, ErrorCode::kExhausted);
  EXPECT_EQ(error.line, 0u);
}

TEST(SdpLimitsTest, RejectsTooManyLines) {
  std::string text = Head();
  for (size_t i = 0; i < kMaxLines; ++i) text += "\n";
  auto d = SessionDescription::Parse(text);
  ASSERT_FALSE(d.ok());
  EXPECT_STREQ(d.error().message, "too many lines");
}

TEST(SdpLimitsTest, RejectsTooManyAttributesInOneSection) {
  std::string text = Audio("");
  for (size_t i = 0; i <= kMaxAttributesPerSection; ++i) text += "a=x\r\n";
  ParseError error;
  auto d = SessionDescription::Parse(text, &error);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, ErrorCode::kExhausted);
  EXPECT_EQ(error.line, 5 + kMaxAttributesPerSection + 1);
}

TEST(SdpLimitsTest, RejectsTooManyMediaSections) {
  std::string text = Head();
  for (size_t i = 0; i <= kMaxMediaSections; ++i) text += "m=audio 0 RTP/AVP 0\r\n";
  auto d = SessionDescription::Parse(text);
  ASSERT_FALSE(d.ok());
  EXPECT_STREQ(d.error().message, "too many m= sections");
  // Exactly at the limit is fine.
  std::string ok_text = Head();
  for (size_t i = 0; i < kMaxMediaSections; ++i) ok_text += "m=audio 0 RTP/AVP 0\r\n";
  EXPECT_TRUE(SessionDescription::Parse(ok_text).ok());
}

TEST(SdpLimitsTest, RejectsTooManyFormatsOnAnMLine) {
  std::string text = Head() + "m=application 9 X";
  for (size_t i = 0; i <= kMaxFieldsPerLine; ++i) text += " f";
  text += "\r\n";
  auto d = SessionDescription::Parse(text);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, ErrorCode::kExhausted);
}

}  // namespace
}  // namespace sluice::sdp
