// include/sluice/configuration.h helpers implemented in src/pc/configuration.cc.
#include "sluice/configuration.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice {
namespace {

TEST(Configuration, W3cNames) {
  EXPECT_STREQ(ToString(SdpType::kOffer), "offer");
  EXPECT_STREQ(ToString(SdpType::kPranswer), "pranswer");
  EXPECT_STREQ(ToString(SignalingState::kHaveLocalOffer), "have-local-offer");
  EXPECT_STREQ(ToString(SignalingState::kHaveRemotePranswer), "have-remote-pranswer");
  EXPECT_STREQ(ToString(IceGatheringState::kComplete), "complete");
  EXPECT_STREQ(ToString(IceConnectionState::kDisconnected), "disconnected");
  EXPECT_STREQ(ToString(PeerConnectionState::kConnecting), "connecting");
  EXPECT_STREQ(ToString(DataChannelState::kClosing), "closing");
  EXPECT_STREQ(ToString(MediaKind::kVideo), "video");
  EXPECT_STREQ(ToString(TransceiverDirection::kRecvOnly), "recvonly");
}

TEST(Configuration, DefaultCodecs) {
  const auto audio = DefaultAudioCodecs();
  ASSERT_EQ(audio.size(), 1u);
  EXPECT_EQ(audio[0].name, "opus");
  EXPECT_EQ(audio[0].clock_rate, 48000u);
  EXPECT_EQ(audio[0].channels, 2);
  const auto video = DefaultVideoCodecs();
  ASSERT_EQ(video.size(), 2u);
  EXPECT_EQ(video[0].name, "VP8");
  EXPECT_EQ(video[1].name, "H264");
  EXPECT_NE(video[1].fmtp.find("packetization-mode=1"), std::string::npos);
  EXPECT_NE(video[1].fmtp.find("profile-level-id=42e01f"), std::string::npos);
  EXPECT_NE(video[0].payload_type, video[1].payload_type);
  const Configuration config;
  EXPECT_EQ(config.audio_codecs.size(), 1u);
  EXPECT_EQ(config.max_message_size, 256u * 1024);
}

}  // namespace
}  // namespace sluice
