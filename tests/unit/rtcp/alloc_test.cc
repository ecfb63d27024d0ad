// DESIGN.md §4: parsing and serializing allocate nothing per packet. Counts operator new across
// 10,000 packets of every kind (this binary links the counting operator new).
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "rtcp/app.h"
#include "rtcp/bye.h"
#include "rtcp/fir.h"
#include "rtcp/generic_nack.h"
#include "rtcp/pli.h"
#include "rtcp/receiver_report.h"
#include "rtcp/remb.h"
#include "rtcp/rtcp_compound.h"
#include "rtcp/sdes.h"
#include "rtcp/sender_report.h"
#include "rtcp/transport_feedback.h"
#include "rtcp_test_packets.h"
#include "support/alloc_counter.h"

namespace sluice {
namespace {

size_t WalkEverything(std::span<const uint8_t> compound) {
  size_t sum = 0;
  RtcpCompoundIterator it(compound);
  for (const RtcpPacketView& p : it) {
    switch (p.kind()) {
      case RtcpPacketKind::kSenderReport: {
        auto sr = p.As<SenderReportView>();
        if (sr) sum += SenderReport::FromView(*sr).report_blocks.size();
        break;
      }
      case RtcpPacketKind::kReceiverReport: {
        auto rr = p.As<ReceiverReportView>();
        if (rr) sum += rr->report_blocks()[0].jitter;
        break;
      }
      case RtcpPacketKind::kSdes: {
        auto sdes = p.As<SdesView>();
        auto chunks = sdes->chunks();
        while (auto c = chunks.Next()) sum += c->Find(SdesItemType::kCname)->size();
        break;
      }
      case RtcpPacketKind::kTransportFeedback: {
        auto fb = p.As<TransportFeedbackView>();
        auto walk = fb->Walk();
        while (auto s = walk.Next()) sum += static_cast<size_t>(s->delta_ticks);
        break;
      }
      case RtcpPacketKind::kRemb: sum += p.As<RembView>()->ssrc_count(); break;
      default: break;
    }
  }
  return sum;
}

TEST(RtcpAllocationTest, ParseAndSerializeAllocateNothing) {
  const auto c1 = test::Bytes(test::kChromiumSrSdesXr);
  const auto c2 = test::Bytes(test::kChromiumRr2RembXr);
  const auto c3 = test::Bytes(test::kChromiumTwccPad3);
  std::array<uint8_t, 2048> out{};
  std::array<TwccArrival, 64> arrivals{};
  for (size_t i = 0; i < arrivals.size(); ++i) {
    arrivals[i] = {static_cast<uint16_t>(i * 2), static_cast<int64_t>(i) * 3000};
  }
  const uint16_t lost[] = {1, 2, 5, 40, 41};
  const Ssrc ssrcs[] = {Ssrc(1), Ssrc(2)};
  const uint8_t data[] = {1, 2, 3, 4};
  test::AllocationScope scope;
  size_t sum = 0;
  for (int i = 0; i < 10000; ++i) {
    sum += WalkEverything(c1) + WalkEverything(c2) + WalkEverything(c3);
    SenderReport sr;
    sr.report_blocks.push_back(ReportBlock{});
    sum += sr.SerializeTo(out).value();
    Sdes sdes;
    SdesChunk chunk;
    chunk.items.push_back({SdesItemType::kCname, "abcdefgh"});
    sdes.chunks.push_back(chunk);
    sum += sdes.SerializeTo(out).value();
    Bye bye;
    bye.ssrcs.push_back(Ssrc(3));
    bye.reason = "bye";
    sum += bye.SerializeTo(out).value();
    sum += App{1, Ssrc(1), {'a', 'b', 'c', 'd'}, data}.SerializeTo(out).value();
    sum += GenericNack{Ssrc(1), Ssrc(2), lost}.SerializeTo(out).value();
    sum += Pli{Ssrc(1), Ssrc(2)}.SerializeTo(out).value();
    Fir fir;
    fir.entries.push_back({Ssrc(5), 1});
    sum += fir.SerializeTo(out).value();
    sum += Remb{Ssrc(1), 1'000'000, ssrcs}.SerializeTo(out).value();
    TransportFeedback fb;
    fb.arrivals = arrivals;
    sum += fb.SerializeTo(out).value();
  }
  EXPECT_EQ(scope.count(), 0u);
  EXPECT_GT(sum, 0u);
}

}  // namespace
}  // namespace sluice
