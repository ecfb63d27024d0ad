// DataChannels between two cores in simulated time: in-band (DCEP) and negotiated channels,
// both directions, string and binary, large messages, loss, close.
#include <gtest/gtest.h>

#include <string>

#include "support/pc_pair/pc_pair.h"

namespace sluice::test {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
std::string Text(const std::vector<uint8_t>& v) { return std::string(v.begin(), v.end()); }

TEST(PcData, InBandChannelBothDirections) {
  PcPair pair;
  const pc::ChannelId ca =
      pair.a().CreateDataChannel(pair.now(), "chat", {.protocol = "p1"}).value();
  ASSERT_TRUE(pair.Connect());
  ASSERT_TRUE(pair.RunUntil([&] {
    return !pair.log_a().opened_channels.empty() && !pair.log_z().remote_channels.empty();
  }, seconds(5)));
  const pc::ChannelId cz = pair.log_z().remote_channels[0];
  const auto info = *pair.z().channel(cz);
  EXPECT_EQ(info.label, "chat");
  EXPECT_EQ(info.protocol, "p1");
  EXPECT_EQ(info.state, DataChannelState::kOpen);
  // A offered, Z answered with setup:active: Z is the DTLS client, A the server: odd ids.
  ASSERT_TRUE(pair.a().channel(ca)->stream_id);
  EXPECT_EQ(*pair.a().channel(ca)->stream_id % 2, 1);
  EXPECT_EQ(info.stream_id, pair.a().channel(ca)->stream_id);

  ASSERT_TRUE(pair.a().SendChannelMessage(pair.now(), ca, Bytes("hello"), false));
  const std::vector<uint8_t> blob = {0, 1, 2, 255};
  ASSERT_TRUE(pair.a().SendChannelMessage(pair.now(), ca, blob, true));
  ASSERT_TRUE(pair.RunUntil([&] { return pair.log_z().messages.size() == 2; }, seconds(2)));
  EXPECT_EQ(Text(pair.log_z().messages[0].data), "hello");
  EXPECT_FALSE(pair.log_z().messages[0].is_binary);
  EXPECT_EQ(pair.log_z().messages[1].data, blob);
  EXPECT_TRUE(pair.log_z().messages[1].is_binary);

  ASSERT_TRUE(pair.z().SendChannelMessage(pair.now(), cz, Bytes("back"), false));
  ASSERT_TRUE(pair.RunUntil([&] { return pair.log_a().messages.size() == 1; }, seconds(2)));
  EXPECT_EQ(Text(pair.log_a().messages[0].data), "back");
  EXPECT_EQ(pair.log_a().messages[0].channel, ca);
  const auto stats = pair.a().GetStats(pair.now());
  ASSERT_EQ(stats.data_channel.size(), 1u);
  EXPECT_EQ(stats.data_channel[0].messages_sent, 2u);
  EXPECT_EQ(stats.data_channel[0].messages_received, 1u);
  EXPECT_EQ(stats.data_channels_opened, 1u);
}

TEST(PcData, AnswererOpensAChannelAfterConnect) {
  PcPair pair;
  ASSERT_TRUE(pair.a().CreateDataChannel(pair.now(), "first"));
  ASSERT_TRUE(pair.Connect());
  const pc::ChannelId cz = pair.z().CreateDataChannel(pair.now(), "second").value();
  pair.Flush();
  ASSERT_TRUE(pair.RunUntil([&] { return pair.log_a().remote_channels.size() == 1; }, seconds(2)));
  // Z is the DTLS client: even ids.
  EXPECT_EQ(*pair.z().channel(cz)->stream_id % 2, 0);
  EXPECT_EQ(pair.a().channel(pair.log_a().remote_channels[0])->label, "second");
}

TEST(PcData, NegotiatedChannel) {
  PcPair pair;
  DataChannelInit init{.negotiated = true, .id = 7};
  const pc::ChannelId ca = pair.a().CreateDataChannel(pair.now(), "n", init).value();
  const pc::ChannelId cz = pair.z().CreateDataChannel(pair.now(), "n", init).value();
  ASSERT_TRUE(pair.Connect());
  ASSERT_TRUE(pair.RunUntil([&] {
    return !pair.log_a().opened_channels.empty() && !pair.log_z().opened_channels.empty();
  }, seconds(5)));
  EXPECT_TRUE(pair.log_z().remote_channels.empty());
  EXPECT_EQ(*pair.a().channel(ca)->stream_id, 7);
  ASSERT_TRUE(pair.a().SendChannelMessage(pair.now(), ca, Bytes("x"), true));
  ASSERT_TRUE(pair.z().SendChannelMessage(pair.now(), cz, Bytes("y"), true));
  ASSERT_TRUE(pair.RunUntil([&] {
    return pair.log_a().messages.size() == 1 && pair.log_z().messages.size() == 1;
  }, seconds(2)));
  EXPECT_EQ(Text(pair.log_z().messages[0].data), "x");
  EXPECT_EQ(Text(pair.log_a().messages[0].data), "y");
}

// Sends `count` messages of size(i) bytes from A and checks Z gets them all, intact, in order.
void RunOrderedTransfer(PcPairOptions options, int count, size_t (*size)(int)) {
  PcPair pair(options);
  const pc::ChannelId ca = pair.a().CreateDataChannel(pair.now(), "bulk").value();
  ASSERT_TRUE(pair.Connect(seconds(30)));
  ASSERT_TRUE(pair.RunUntil([&] { return !pair.log_a().opened_channels.empty(); }, seconds(30)));
  for (int i = 0; i < count; ++i) {
    std::vector<uint8_t> m(size(i), static_cast<uint8_t>(i));
    ASSERT_TRUE(pair.a().SendChannelMessage(pair.now(), ca, m, true));
  }
  pair.Flush();
  ASSERT_TRUE(pair.RunUntil([&] { return pair.log_z().messages.size() == size_t(count); },
                            seconds(60)))
      << pair.log_z().messages.size() << " of " << count;
  for (int i = 0; i < count; ++i) {
    const auto& m = pair.log_z().messages[i].data;
    ASSERT_EQ(m.size(), size(i)) << i;
    EXPECT_EQ(m.front(), static_cast<uint8_t>(i));
    EXPECT_EQ(m.back(), static_cast<uint8_t>(i));
  }
}

TEST(PcData, OrderedUnderTenPercentLoss) {
  PcPairOptions options;
  options.link.loss = 0.10;
  options.link.delay = milliseconds(2);
  for (uint64_t seed : {1, 2, 3, 4, 5, 6}) {
    options.link.seed = seed;
    RunOrderedTransfer(options, 300, [](int i) { return size_t(1 + (i * 37) % 1000); });
  }
}

TEST(PcData, LargeMessagesWithoutLoss) {
  PcPairOptions options;
  RunOrderedTransfer(options, 100, [](int i) { return i % 10 == 0 ? size_t(256 * 1024) : size_t(100 + i); });
}

TEST(PcData, LargeMessagesUnderTenPercentLoss) {
  PcPairOptions options;
  options.link.loss = 0.10;
  options.link.delay = milliseconds(2);
  for (uint64_t seed : {1, 2, 3, 4}) {
    options.link.seed = seed;
    RunOrderedTransfer(options, 200, [](int i) { return i % 10 == 0 ? size_t(64 * 1024) : size_t(100 + i); });
  }
}

TEST(PcData, CloseClosesBothEnds) {
  PcPair pair;
  const pc::ChannelId ca = pair.a().CreateDataChannel(pair.now(), "c").value();
  ASSERT_TRUE(pair.Connect());
  ASSERT_TRUE(pair.RunUntil([&] { return !pair.log_z().remote_channels.empty(); }, seconds(5)));
  ASSERT_TRUE(pair.a().CloseChannel(pair.now(), ca));
  pair.Flush();
  ASSERT_TRUE(pair.RunUntil([&] {
    return !pair.log_a().closed_channels.empty() && !pair.log_z().closed_channels.empty();
  }, seconds(5)));
  EXPECT_EQ(pair.a().channel(ca)->state, DataChannelState::kClosed);
  EXPECT_FALSE(pair.a().SendChannelMessage(pair.now(), ca, Bytes("late"), false));
}

TEST(PcData, InvalidInitIsRefused) {
  PcPair pair;
  EXPECT_EQ(pair.a().CreateDataChannel(pair.now(), "x", {.max_packet_life_time = 10, .max_retransmits = 1})
                .error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(pair.a().CreateDataChannel(pair.now(), "x", {.negotiated = true}).error().code,
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::test
