#include "common/demux.h"

#include <gtest/gtest.h>

#include <array>

namespace sluice {
namespace {

PacketKind Classify(uint8_t b0, uint8_t b1 = 0) {
  const std::array<uint8_t, 2> d = {b0, b1};
  return ClassifyPacket(d);
}

TEST(DemuxTest, Rfc7983Ranges) {
  for (int b = 0; b < 256; ++b) {
    auto kind = Classify(static_cast<uint8_t>(b), 96);
    if (b <= 3) EXPECT_EQ(kind, PacketKind::kStun) << b;
    else if (b >= 16 && b <= 19) EXPECT_EQ(kind, PacketKind::kZrtp) << b;
    else if (b >= 20 && b <= 63) EXPECT_EQ(kind, PacketKind::kDtls) << b;
    else if (b >= 64 && b <= 79) EXPECT_EQ(kind, PacketKind::kTurnChannel) << b;
    else if (b >= 128 && b <= 191) EXPECT_EQ(kind, PacketKind::kRtp) << b;
    else EXPECT_EQ(kind, PacketKind::kUnknown) << b;
  }
}

TEST(DemuxTest, RtcpByPacketType) {
  EXPECT_EQ(Classify(0x80, 200), PacketKind::kRtcp);  // SR
  EXPECT_EQ(Classify(0x81, 201), PacketKind::kRtcp);  // RR
  EXPECT_EQ(Classify(0x81, 205), PacketKind::kRtcp);  // RTPFB
  EXPECT_EQ(Classify(0x81, 206), PacketKind::kRtcp);  // PSFB
  EXPECT_EQ(Classify(0x80, 111), PacketKind::kRtp);
  EXPECT_EQ(Classify(0x80, 111 | 0x80), PacketKind::kRtp);  // marker set
  EXPECT_EQ(Classify(0x80, 96), PacketKind::kRtp);
}

TEST(DemuxTest, ShortAndEmpty) {
  EXPECT_EQ(ClassifyPacket({}), PacketKind::kUnknown);
  const std::array<uint8_t, 1> one = {0x80};
  EXPECT_EQ(ClassifyPacket(one), PacketKind::kUnknown);
  const std::array<uint8_t, 1> stun = {0x00};
  EXPECT_EQ(ClassifyPacket(stun), PacketKind::kStun);
  EXPECT_STREQ(ToString(PacketKind::kDtls), "dtls");
}

}  // namespace
}  // namespace sluice
