#include "sctp/dcep_message.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace sluice::sctp {
namespace {

// DATA_CHANNEL_OPEN for createDataChannel("chat") with browser defaults (reliable, ordered,
// priority 256, empty protocol), laid out per RFC 8832 §5.1.
constexpr std::array<uint8_t, 16> kChromiumOpen = {0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
                                                   0x00, 0x04, 0x00, 0x00, 'c',  'h',  'a',  't'};

TEST(DcepOpen, ParsesReliableOpen) {
  auto open = DcepOpen::Parse(kChromiumOpen);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->channel_type, DcepChannelType::kReliable);
  EXPECT_EQ(open->priority, 256);
  EXPECT_EQ(open->reliability_parameter, 0u);
  EXPECT_EQ(open->label_view(), "chat");
  EXPECT_EQ(open->protocol_view(), "");
}

TEST(DcepOpen, ParsesPartialReliableUnorderedWithProtocol) {
  const std::vector<uint8_t> bytes = {0x03, 0x81, 0x02, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x01,
                                      0x00, 0x03, 'x',  'p',  'r',  'o'};
  auto open = DcepOpen::Parse(bytes);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->channel_type, DcepChannelType::kPartialReliableRexmitUnordered);
  EXPECT_TRUE(IsUnordered(open->channel_type));
  EXPECT_EQ(open->priority, 512);
  EXPECT_EQ(open->reliability_parameter, 5u);
  EXPECT_EQ(open->label_view(), "x");
  EXPECT_EQ(open->protocol_view(), "pro");
}

TEST(DcepOpen, ReliableIgnoresReliabilityParameter) {
  // RFC 8832 §5.1: "MUST be ignored on the receiving side" for reliable channels.
  std::vector<uint8_t> bytes(kChromiumOpen.begin(), kChromiumOpen.end());
  bytes[7] = 9;
  auto open = DcepOpen::Parse(bytes);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->reliability_parameter, 0u);
}

TEST(DcepOpen, RoundTrips) {
  for (auto type : {DcepChannelType::kReliable, DcepChannelType::kReliableUnordered,
                    DcepChannelType::kPartialReliableRexmit,
                    DcepChannelType::kPartialReliableRexmitUnordered,
                    DcepChannelType::kPartialReliableTimed,
                    DcepChannelType::kPartialReliableTimedUnordered}) {
    const std::string label = "label-\xe2\x9c\x93", protocol = "proto";
    DcepOpen open;
    open.channel_type = type;
    open.priority = 128;
    open.reliability_parameter = 3000;
    open.label = {reinterpret_cast<const uint8_t*>(label.data()), label.size()};
    open.protocol = {reinterpret_cast<const uint8_t*>(protocol.data()), protocol.size()};
    std::vector<uint8_t> out(open.SerializedSize());
    auto n = open.SerializeTo(out);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 12 + label.size() + protocol.size());
    auto back = DcepOpen::Parse(out);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->channel_type, type);
    EXPECT_EQ(back->priority, 128);
    const bool reliable = (static_cast<uint8_t>(type) & 0x7f) == 0;
    EXPECT_EQ(back->reliability_parameter, reliable ? 0u : 3000u);
    EXPECT_EQ(back->label_view(), label);
    EXPECT_EQ(back->protocol_view(), protocol);
  }
}

TEST(DcepOpen, SerializeSetsReliableParameterToZero) {
  DcepOpen open;
  open.reliability_parameter = 77;  // "MUST be set to 0 on the sending side"
  std::array<uint8_t, 12> out{};
  ASSERT_TRUE(open.SerializeTo(out).ok());
  EXPECT_EQ(out[4] | out[5] | out[6] | out[7], 0);
}

TEST(DcepOpen, SerializeIntoShortBufferFails) {
  DcepOpen open;
  std::array<uint8_t, 11> out{};
  auto r = open.SerializeTo(out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kBufferTooSmall);
}

TEST(DcepOpen, TruncatedAtEveryLength) {
  for (size_t n = 0; n < kChromiumOpen.size(); ++n) {
    auto r = DcepOpen::Parse(std::span<const uint8_t>(kChromiumOpen.data(), n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code, ErrorCode::kTruncated) << n;
  }
}

TEST(DcepOpen, LyingLengthsAreRejected) {
  std::vector<uint8_t> bytes(kChromiumOpen.begin(), kChromiumOpen.end());
  bytes[9] = 5;  // label says 5, only 4 bytes follow
  EXPECT_EQ(DcepOpen::Parse(bytes).error().code, ErrorCode::kTruncated);
  bytes[9] = 4;
  bytes[11] = 1;  // protocol past the end
  EXPECT_EQ(DcepOpen::Parse(bytes).error().code, ErrorCode::kTruncated);
  bytes[8] = 0xff;  // label length 65284
  bytes[11] = 0;
  EXPECT_EQ(DcepOpen::Parse(bytes).error().code, ErrorCode::kTruncated);
}

TEST(DcepOpen, RejectsWrongTypeAndUnknownChannelType) {
  std::vector<uint8_t> bytes(kChromiumOpen.begin(), kChromiumOpen.end());
  bytes[0] = 0x02;
  EXPECT_EQ(DcepOpen::Parse(bytes).error().code, ErrorCode::kMalformed);
  bytes[0] = 0x03;
  for (uint8_t t : {0x03, 0x7f, 0x83, 0xff, 0x40}) {
    bytes[1] = t;
    EXPECT_EQ(DcepOpen::Parse(bytes).error().code, ErrorCode::kMalformed) << int(t);
  }
}

TEST(DcepOpen, TrailingBytesIgnored) {
  std::vector<uint8_t> bytes(kChromiumOpen.begin(), kChromiumOpen.end());
  bytes.push_back(0);
  bytes.push_back(0);
  auto open = DcepOpen::Parse(bytes);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->label_view(), "chat");
}

TEST(DcepAck, ParseAndSerialize) {
  const uint8_t ack[1] = {0x02};
  EXPECT_TRUE(DcepAck::Parse(ack).ok());
  const uint8_t not_ack[1] = {0x03};
  EXPECT_EQ(DcepAck::Parse(not_ack).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(DcepAck::Parse({}).error().code, ErrorCode::kTruncated);
  std::array<uint8_t, 1> out{};
  ASSERT_EQ(DcepAck{}.SerializeTo(out).value(), 1u);
  EXPECT_EQ(out[0], 0x02);
  EXPECT_EQ(DcepAck{}.SerializeTo({}).error().code, ErrorCode::kBufferTooSmall);
}

TEST(Dcep, PeekType) {
  EXPECT_EQ(PeekDcepType(kChromiumOpen).value(), DcepMessageType::kOpen);
  const uint8_t ack[1] = {0x02};
  EXPECT_EQ(PeekDcepType(ack).value(), DcepMessageType::kAck);
  const uint8_t bad[1] = {0x01};
  EXPECT_EQ(PeekDcepType(bad).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(PeekDcepType({}).error().code, ErrorCode::kTruncated);
}

}  // namespace
}  // namespace sluice::sctp
