#include "rtcp/transport_feedback.h"

#include <gtest/gtest.h>

#include <random>
#include <string_view>
#include <vector>

#include "rtcp/rtcp_compound.h"
#include "rtcp_test_packets.h"

namespace sluice {
namespace {

using test::Bytes;

std::vector<TwccPacketStatus> WalkAll(const TransportFeedbackView& view) {
  std::vector<TwccPacketStatus> out;
  auto walk = view.Walk();
  while (auto p = walk.Next()) out.push_back(*p);
  return out;
}

std::vector<TwccArrival> Arrivals(const TransportFeedbackView& view) {
  std::vector<TwccArrival> out(view.received_count());
  EXPECT_EQ(view.CopyArrivals(out).value(), out.size());
  return out;
}

std::vector<uint8_t> Build(const TransportFeedback& fb) {
  std::vector<uint8_t> out(fb.SerializedSize());
  auto r = fb.SerializeTo(out);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return out;
}

// Rebuilds a parsed feedback from its arrivals and checks the bytes match the capture, apart
// from how the capture padded to 32 bits (Chromium uses the P bit, sluice zero bytes).
void ExpectRebuildMatches(std::string_view hex) {
  const auto bytes = Bytes(hex);
  auto packet = RtcpPacketView::Parse(bytes);
  ASSERT_TRUE(packet.ok());
  auto view = TransportFeedbackView::Parse(*packet);
  ASSERT_TRUE(view.ok()) << view.error().message;
  const auto arrivals = Arrivals(*view);
  TransportFeedback fb;
  fb.sender_ssrc = view->sender_ssrc();
  fb.media_ssrc = view->media_ssrc();
  fb.feedback_packet_count = view->feedback_packet_count();
  fb.base_sequence_number = view->base_sequence_number();
  fb.reference_time = view->reference_time();
  fb.arrivals = arrivals;
  const auto rebuilt = Build(fb);
  ASSERT_EQ(rebuilt.size(), bytes.size());
  EXPECT_EQ(rebuilt[0], bytes[0] & ~0x20);
  const size_t meaningful = kRtcpHeaderSize + packet->payload().size();
  EXPECT_TRUE(std::equal(rebuilt.begin() + 1, rebuilt.begin() + static_cast<std::ptrdiff_t>(meaningful),
                         bytes.begin() + 1));
  for (size_t i = meaningful; i < rebuilt.size(); ++i) EXPECT_EQ(rebuilt[i], 0);
  // And the rebuilt packet walks the same.
  auto again = TransportFeedbackView::Parse(rebuilt);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Arrivals(*again), arrivals);
}

TEST(TransportFeedbackTest, ChromiumUnpadded) {
  const auto bytes = Bytes(test::kChromiumTwcc);
  auto view = TransportFeedbackView::Parse(bytes);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->sender_ssrc(), Ssrc(0xfa17fa17));
  EXPECT_EQ(view->media_ssrc(), Ssrc(0x88145e3a));
  EXPECT_EQ(view->base_sequence_number(), 0x21);
  EXPECT_EQ(view->packet_status_count(), 6);
  EXPECT_EQ(view->reference_time(), 0x2ef8);
  EXPECT_EQ(view->reference_time_us(), int64_t{0x2ef8} * 64000);
  EXPECT_EQ(view->feedback_packet_count(), 5);
  const auto walk = WalkAll(*view);
  ASSERT_EQ(walk.size(), 6u);
  const int32_t deltas[] = {0x33, 0x00, 0x09, 0x57, 0x4b, 0x18};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(walk[i].seq, 0x21 + i);
    EXPECT_EQ(walk[i].status, TwccStatus::kReceivedSmallDelta);
    EXPECT_EQ(walk[i].delta_ticks, deltas[i]);
  }
  EXPECT_EQ(walk[0].delta_us(), 0x33 * 250);
}

TEST(TransportFeedbackTest, ChromiumWithLosses) {
  {
    const auto bytes = Bytes(test::kChromiumTwccOneBit);
    auto view = TransportFeedbackView::Parse(bytes);
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(view->packet_status_count(), 14);
    // 0xbfdd: 1 1 1 1 1 1 1 1 0 1 1 1 0 1 (the second chunk 0xf146 is not needed for 14).
    const bool received[] = {1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1};
    const auto walk = WalkAll(*view);
    ASSERT_EQ(walk.size(), 14u);
    for (size_t i = 0; i < 14; ++i) EXPECT_EQ(walk[i].received(), received[i]) << i;
  }
  {
    const auto bytes = Bytes(test::kChromiumTwccTwoBit);
    auto view = TransportFeedbackView::Parse(bytes);
    ASSERT_TRUE(view.ok());
    const auto walk = WalkAll(*view);
    ASSERT_EQ(walk.size(), 6u);
    // 0xd454 = 11 | 01 01 00 01 01 01 (00): the third packet was lost.
    EXPECT_FALSE(walk[2].received());
    EXPECT_TRUE(walk[3].received());
    EXPECT_EQ(view->received_count(), 5u);
  }
  {
    const auto bytes = Bytes(test::kChromiumTwccLossRun);
    auto view = TransportFeedbackView::Parse(bytes);
    ASSERT_TRUE(view.ok());
    const auto walk = WalkAll(*view);
    ASSERT_EQ(walk.size(), 45u);
    for (size_t i = 0; i < 31; ++i) EXPECT_FALSE(walk[i].received()) << i;
    for (size_t i = 31; i < 45; ++i) EXPECT_TRUE(walk[i].received()) << i;
  }
  ExpectRebuildMatches(test::kChromiumTwccOneBit);
  ExpectRebuildMatches(test::kChromiumTwccTwoBit);
  ExpectRebuildMatches(test::kChromiumTwccLossRun);
}

TEST(TransportFeedbackTest, ChromeWebrtcAnalysisCapture) {
  const auto bytes = Bytes(test::kChromeTwccWebrtcAnalysis);
  auto view = TransportFeedbackView::Parse(bytes);
  ASSERT_TRUE(view.ok()) << view.error().message;
  EXPECT_EQ(view->reference_time(), 6197520);
  const auto walk = WalkAll(*view);
  const int32_t ms[] = {7, 3, 11, 14, 0, 1, 0, 2, 6};
  ASSERT_EQ(walk.size(), 9u);
  for (size_t i = 0; i < 9; ++i) {
    EXPECT_EQ(walk[i].seq, 1 + i);
    EXPECT_EQ(walk[i].delta_us(), ms[i] * 1000);
  }
}

TEST(TransportFeedbackTest, ChromiumCapturesRebuildByteForByte) {
  ExpectRebuildMatches(test::kChromiumTwcc);
  ExpectRebuildMatches(test::kChromiumTwccPad1);
  ExpectRebuildMatches(test::kChromiumTwccPad2);
  ExpectRebuildMatches(test::kChromiumTwccPad3);
  ExpectRebuildMatches(test::kChromeTwccWebrtcAnalysis);
  // pion/rtcp transport_layer_cc_test.go examples 1 and 4 (Chrome feedback with P bit).
  ExpectRebuildMatches("afcd0005 fa17fa17 43032fa0 00990001 3de80217 20019401");
  ExpectRebuildMatches(
      "afcd0007 fa17fa17 193dd8bb 00040007 10636e01 2007 4c242410 0c0c10 000003");
}

TEST(TransportFeedbackTest, DraftChunkExamples) {
  // §3.1.4 example 1: one-bit vector 0x9F1C = 0 1 1 1 1 1 0 0 0 1 1 1 0 0.
  auto bytes = Bytes("8fcd0007 00000001 00000002 0064000e 00000001 9f1c 0101010101010101 0000");
  auto view = TransportFeedbackView::Parse(bytes);
  ASSERT_TRUE(view.ok()) << view.error().message;
  const auto walk = WalkAll(*view);
  const bool received[] = {0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0};
  ASSERT_EQ(walk.size(), 14u);
  for (size_t i = 0; i < 14; ++i) EXPECT_EQ(walk[i].received(), received[i]) << i;
  EXPECT_EQ(view->received_count(), 8u);
  // §3.1.3 example 1: run length 0x00DD = 221 packets not received... then one received.
  auto run = Bytes("8fcd0006 00000001 00000002 000000de 00000001 00dd 2001 05000000");
  auto run_view = TransportFeedbackView::Parse(run);
  ASSERT_TRUE(run_view.ok()) << run_view.error().message;
  const auto run_walk = WalkAll(*run_view);
  ASSERT_EQ(run_walk.size(), 222u);
  EXPECT_FALSE(run_walk[220].received());
  EXPECT_TRUE(run_walk[221].received());
  EXPECT_EQ(run_walk[221].delta_ticks, 5);
}

TEST(TransportFeedbackTest, TwoBitVectorWithLargeAndNegativeDeltas) {
  // 01 10 00 10 -> small, large, lost, large(negative)
  auto bytes = Bytes("8fcd0006 00000001 00000002 00070004 00000001 d880 10 7fff 8000 00");
  auto view = TransportFeedbackView::Parse(bytes);
  ASSERT_TRUE(view.ok()) << view.error().message;
  const auto walk = WalkAll(*view);
  ASSERT_EQ(walk.size(), 4u);
  EXPECT_EQ(walk[0].delta_ticks, 0x10);
  EXPECT_EQ(walk[1].status, TwccStatus::kReceivedLargeDelta);
  EXPECT_EQ(walk[1].delta_ticks, 32767);
  EXPECT_FALSE(walk[2].received());
  EXPECT_EQ(walk[3].delta_ticks, -32768);
  EXPECT_EQ(walk[3].seq, 10);
}

TEST(TransportFeedbackTest, Malformed) {
  // Status count 0.
  EXPECT_EQ(TransportFeedbackView::Parse(Bytes("8fcd0005 00000001 00000002 00070000 00000001 "
                                               "20010500"))
                .error()
                .code,
            ErrorCode::kMalformed);
  // Status count larger than the chunks: 2 packets, run of 1, no further chunk.
  EXPECT_EQ(TransportFeedbackView::Parse(Bytes("afcd0005 00000001 00000002 00070002 00000001 "
                                               "20010002"))
                .error()
                .code,
            ErrorCode::kTruncated);
  // Deltas past the end: run of 4 received, 2 delta bytes.
  EXPECT_EQ(TransportFeedbackView::Parse(Bytes("8fcd0005 00000001 00000002 00070004 00000001 "
                                               "20040505"))
                .error()
                .code,
            ErrorCode::kTruncated);
  // Large deltas past the end.
  EXPECT_EQ(TransportFeedbackView::Parse(Bytes("afcd0005 00000001 00000002 00070001 00000001 "
                                               "40010501"))
                .error()
                .code,
            ErrorCode::kTruncated);
  // Reserved symbol 11 in a run and in a two-bit vector (pion's "example2" has one).
  EXPECT_EQ(TransportFeedbackView::Parse(Bytes("8fcd0005 00000001 00000002 00070001 00000001 "
                                               "60010000"))
                .error()
                .code,
            ErrorCode::kMalformed);
  EXPECT_EQ(TransportFeedbackView::Parse(Bytes("afcd0006 fa17fa17 193dd8bb 0174000e 45b15a40 "
                                               "d800f0ff d0000003"))
                .error()
                .code,
            ErrorCode::kMalformed);
  // More than 3 bytes after the deltas.
  EXPECT_EQ(TransportFeedbackView::Parse(Bytes("8fcd0006 00000001 00000002 00070001 00000001 "
                                               "20010500 00000000"))
                .error()
                .code,
            ErrorCode::kMalformed);
  // Fixed fields truncated.
  EXPECT_EQ(TransportFeedbackView::Parse(Bytes("8fcd0003 00000001 00000002 00070001"))
                .error()
                .code,
            ErrorCode::kTruncated);
}

TEST(TransportFeedbackTest, EveryTruncationOfTheFeedbackFails) {
  const auto bytes = Bytes(test::kChromiumTwccPad3);
  auto packet = RtcpPacketView::Parse(bytes);
  ASSERT_TRUE(packet.ok());
  const auto payload = packet->payload();
  ASSERT_EQ(payload.size(), 33u);
  ASSERT_TRUE(TransportFeedbackView::Parse(*packet).ok());
  // Every shorter payload, framed with a consistent length and RTCP padding, must fail.
  for (size_t n = 0; n < payload.size(); ++n) {
    std::vector<uint8_t> cut = {0x8f, 0xcd, 0, 0};
    cut.insert(cut.end(), payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(n));
    const size_t pad = (4 - n % 4) % 4;
    if (pad > 0) {
      cut[0] |= 0x20;
      for (size_t i = 1; i < pad; ++i) cut.push_back(0);
      cut.push_back(static_cast<uint8_t>(pad));
    }
    cut[3] = static_cast<uint8_t>(cut.size() / 4 - 1);
    auto view = RtcpPacketView::Parse(cut);
    ASSERT_TRUE(view.ok()) << n;
    ASSERT_EQ(view->payload().size(), n);
    auto r = TransportFeedbackView::Parse(*view);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code, ErrorCode::kTruncated) << n;
  }
}

TEST(TransportFeedbackBuilderTest, ContiguousArrivalsUseOneRunChunk) {
  std::vector<TwccArrival> arrivals;
  for (uint16_t i = 0; i < 20; ++i) arrivals.push_back({static_cast<uint16_t>(500 + i), 640000 + i * 1000});
  TransportFeedback fb;
  fb.sender_ssrc = Ssrc(1);
  fb.media_ssrc = Ssrc(2);
  fb.feedback_packet_count = 9;
  fb.arrivals = arrivals;
  const auto bytes = Build(fb);
  auto view = TransportFeedbackView::Parse(bytes);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->base_sequence_number(), 500);
  EXPECT_EQ(view->packet_status_count(), 20);
  EXPECT_EQ(view->reference_time(), 10);  // 640 ms / 64 ms
  EXPECT_EQ(view->feedback_packet_count(), 9);
  EXPECT_EQ(bytes[20], 0x20);  // run length, small delta
  EXPECT_EQ(bytes[21], 20);
  EXPECT_EQ(bytes.size(), 4u + 16u + 2u + 20u + 2u);
  EXPECT_EQ(Arrivals(*view), arrivals);
}

TEST(TransportFeedbackBuilderTest, ShortMixedListUsesTwoBitVector) {
  // received, received, received, lost, received -> 01 01 01 00 01 = 0xD510
  const std::vector<TwccArrival> arrivals = {{0, 0}, {1, 250}, {2, 500}, {4, 750}};
  TransportFeedback fb;
  fb.arrivals = arrivals;
  const auto bytes = Build(fb);
  EXPECT_EQ(bytes[20], 0xd5);
  EXPECT_EQ(bytes[21], 0x10);
  auto view = TransportFeedbackView::Parse(bytes);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->packet_status_count(), 5);
  EXPECT_EQ(Arrivals(*view), arrivals);
}

TEST(TransportFeedbackBuilderTest, OneBitVectorWhenFourteenFit) {
  std::vector<TwccArrival> arrivals;
  for (uint16_t i = 0; i < 14; ++i) {
    if (i % 3 != 1) arrivals.push_back({i, int64_t{i} * 1000});
  }
  TransportFeedback fb;
  fb.arrivals = arrivals;
  const auto bytes = Build(fb);
  EXPECT_EQ(bytes[20] & 0xc0, 0x80);  // one-bit status vector
  auto view = TransportFeedbackView::Parse(bytes);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(Arrivals(*view), arrivals);
}

TEST(TransportFeedbackBuilderTest, LargeNegativeDeltasAndLongLossRuns) {
  const std::vector<TwccArrival> arrivals = {
      {65530, 10'000'000}, {65531, 10'500'000},  // +500 ms: large
      {65533, 10'400'000},                       // -100 ms: large, negative
      {65534, 10'400'250},                       // small
      {9000, 10'500'000},                        // after 9001 lost packets (two run chunks)
  };
  TransportFeedback fb;
  fb.arrivals = arrivals;
  const auto bytes = Build(fb);
  auto view = TransportFeedbackView::Parse(bytes);
  ASSERT_TRUE(view.ok()) << view.error().message;
  EXPECT_EQ(view->packet_status_count(), static_cast<uint16_t>(9000 - 65530 + 1));
  EXPECT_EQ(Arrivals(*view), arrivals);
  const auto walk = WalkAll(*view);
  EXPECT_EQ(walk[1].status, TwccStatus::kReceivedLargeDelta);
  EXPECT_EQ(walk[3].status, TwccStatus::kReceivedLargeDelta);
  EXPECT_EQ(walk[3].delta_ticks, -400);
  EXPECT_EQ(walk[4].status, TwccStatus::kReceivedSmallDelta);
}

TEST(TransportFeedbackBuilderTest, ExplicitBaseAndReferenceTime) {
  const std::vector<TwccArrival> arrivals = {{103, 64000 * 5 + 1000}, {104, 64000 * 5 + 1999}};
  TransportFeedback fb;
  fb.base_sequence_number = 100;
  fb.reference_time = 4;
  fb.arrivals = arrivals;
  const auto bytes = Build(fb);
  auto view = TransportFeedbackView::Parse(bytes);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->base_sequence_number(), 100);
  EXPECT_EQ(view->reference_time(), 4);
  const auto walk = WalkAll(*view);
  ASSERT_EQ(walk.size(), 5u);
  EXPECT_FALSE(walk[0].received());
  EXPECT_EQ(walk[3].delta_ticks, (64000 + 1000) / 250);
  // Floored to the 250 us grid without accumulating drift: 1999 us after 1000 us -> 3 ticks.
  EXPECT_EQ(walk[4].delta_ticks, 3);
  const auto back = Arrivals(*view);
  EXPECT_EQ(back[1].arrival_time_us, 64000 * 5 + 1750);
}

TEST(TransportFeedbackBuilderTest, NegativeArrivalTimesFloor) {
  const std::vector<TwccArrival> arrivals = {{1, -1}, {2, -251}};
  TransportFeedback fb;
  fb.arrivals = arrivals;
  const auto bytes = Build(fb);
  auto view = TransportFeedbackView::Parse(bytes);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->reference_time(), -1);  // floor(-1 us / 64 ms)
  const auto walk = WalkAll(*view);
  EXPECT_EQ(walk[0].delta_ticks, 255);
  EXPECT_EQ(walk[1].delta_ticks, -1);
  EXPECT_EQ(walk[1].status, TwccStatus::kReceivedLargeDelta);
  const auto back = Arrivals(*view);
  EXPECT_EQ(back[0].arrival_time_us, -250);
  EXPECT_EQ(back[1].arrival_time_us, -500);
}

TEST(TransportFeedbackBuilderTest, Errors) {
  std::vector<uint8_t> out(1 << 16);
  TransportFeedback fb;
  EXPECT_EQ(fb.SerializeTo(out).error().code, ErrorCode::kInvalidArgument);  // empty
  EXPECT_EQ(fb.SerializedSize(), 0u);
  const std::vector<TwccArrival> out_of_order = {{5, 0}, {4, 0}};
  fb.arrivals = out_of_order;
  EXPECT_EQ(fb.SerializeTo(out).error().code, ErrorCode::kInvalidArgument);
  const std::vector<TwccArrival> duplicate = {{5, 0}, {5, 0}};
  fb.arrivals = duplicate;
  EXPECT_EQ(fb.SerializeTo(out).error().code, ErrorCode::kInvalidArgument);
  const std::vector<TwccArrival> big_gap = {{5, 0}, {6, 8'200'000}};  // 32800 ticks
  fb.arrivals = big_gap;
  EXPECT_EQ(fb.SerializeTo(out).error().code, ErrorCode::kInvalidArgument);
  const std::vector<TwccArrival> edge_gap = {{5, 0}, {6, 8'191'750}};  // 32767 ticks
  fb.arrivals = edge_gap;
  EXPECT_TRUE(fb.SerializeTo(out).ok());
  const std::vector<TwccArrival> before_base = {{5, 0}};
  fb.arrivals = before_base;
  fb.base_sequence_number = 6;  // 5 is 65535 after 6: too many packets
  EXPECT_EQ(fb.SerializeTo(out).error().code, ErrorCode::kInvalidArgument);
  fb.base_sequence_number.reset();
  fb.reference_time = 1 << 23;
  EXPECT_EQ(fb.SerializeTo(out).error().code, ErrorCode::kInvalidArgument);
  fb.reference_time = -(1 << 23);
  const std::vector<TwccArrival> far = {{5, int64_t{-(1 << 23)} * 64000}};
  fb.arrivals = far;
  EXPECT_TRUE(fb.SerializeTo(out).ok());
  // Every short destination is refused.
  fb.reference_time.reset();
  fb.arrivals = edge_gap;
  const size_t size = fb.SerializedSize();
  for (size_t n = 0; n < size; ++n) {
    std::vector<uint8_t> small(n);
    EXPECT_EQ(fb.SerializeTo(small).error().code, ErrorCode::kBufferTooSmall) << n;
  }
}

TEST(TransportFeedbackBuilderTest, RandomRoundTrips) {
  std::mt19937 rng(1234);
  for (int iteration = 0; iteration < 2000; ++iteration) {
    std::vector<TwccArrival> arrivals;
    uint16_t seq = static_cast<uint16_t>(rng());
    int64_t time_us = static_cast<int64_t>(rng() % 100'000'000);
    const int count = 1 + static_cast<int>(rng() % 300);
    const int loss_percent = static_cast<int>(rng() % 60);
    const int jitter_mode = static_cast<int>(rng() % 3);
    for (int i = 0; i < count; ++i) {
      if (static_cast<int>(rng() % 100) < loss_percent) {
        seq = static_cast<uint16_t>(seq + 1 + rng() % (jitter_mode == 2 ? 9000 : 3));
      }
      switch (jitter_mode) {
        case 0: time_us += rng() % 5000; break;                              // small deltas
        case 1: time_us += static_cast<int64_t>(rng() % 200'000) - 50'000; break;  // mixed
        default: time_us += static_cast<int64_t>(rng() % 8'000'000) - 4'000'000; break;
      }
      arrivals.push_back({seq, time_us});
      seq = static_cast<uint16_t>(seq + 1);
    }
    TransportFeedback fb;
    fb.feedback_packet_count = static_cast<uint8_t>(iteration);
    fb.arrivals = arrivals;
    std::vector<uint8_t> out(fb.SerializedSize());
    auto written = fb.SerializeTo(out);
    if (!written.ok()) {
      // Only a delta that does not fit 16 bits may be refused.
      ASSERT_EQ(written.error().code, ErrorCode::kInvalidArgument);
      ASSERT_EQ(jitter_mode, 2);
      continue;
    }
    auto view = TransportFeedbackView::Parse(out);
    ASSERT_TRUE(view.ok()) << iteration << " " << view.error().message;
    ASSERT_EQ(view->received_count(), arrivals.size());
    const int64_t ref_us = view->reference_time_us();
    const auto back = Arrivals(*view);
    for (size_t i = 0; i < arrivals.size(); ++i) {
      ASSERT_EQ(back[i].seq, arrivals[i].seq);
      const int64_t offset = arrivals[i].arrival_time_us - ref_us;
      const int64_t floored = (offset >= 0 ? offset / 250 : -((-offset + 249) / 250)) * 250;
      ASSERT_EQ(back[i].arrival_time_us, ref_us + floored) << iteration << " " << i;
    }
    // Building again from what was parsed gives the same bytes.
    TransportFeedback again = fb;
    again.base_sequence_number = view->base_sequence_number();
    again.reference_time = view->reference_time();
    again.arrivals = back;
    std::vector<uint8_t> out2(again.SerializedSize());
    ASSERT_TRUE(again.SerializeTo(out2).ok());
    ASSERT_EQ(out2, out) << iteration;
  }
}

}  // namespace
}  // namespace sluice
