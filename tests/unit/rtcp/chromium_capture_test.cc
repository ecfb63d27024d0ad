// Every RTCP datagram captured from Chromium (data/chromium_rtcp.hex) walks cleanly, every typed
// packet parses, canonical packets re-serialize byte for byte, and every TWCC feedback is rebuilt
// byte for byte by sluice's builder from its parsed (seq, arrival time) list.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "rtcp/generic_nack.h"
#include "rtcp/pli.h"
#include "rtcp/receiver_report.h"
#include "rtcp/remb.h"
#include "rtcp/rtcp_compound.h"
#include "rtcp/sdes.h"
#include "rtcp/sender_report.h"
#include "rtcp/transport_feedback.h"
#include "rtcp_test_packets.h"

namespace sluice {
namespace {

std::vector<std::vector<uint8_t>> LoadCapture() {
  std::ifstream in(std::string(SLUICE_RTCP_TEST_DATA_DIR) + "/chromium_rtcp.hex");
  std::vector<std::vector<uint8_t>> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    out.push_back(test::FromHex(line));
  }
  return out;
}

template <typename Plain>
std::vector<uint8_t> Serialize(const Plain& plain) {
  std::vector<uint8_t> out(plain.SerializedSize());
  EXPECT_EQ(plain.SerializeTo(out).value(), out.size());
  return out;
}

std::vector<uint8_t> Copy(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

void CheckTwccRebuild(const RtcpPacketView& p) {
  auto view = p.As<TransportFeedbackView>();
  ASSERT_TRUE(view.ok()) << view.error().message;
  std::vector<TwccArrival> arrivals;
  int64_t t = view->reference_time_us();
  for (const TwccPacketStatus& s : view->Walk()) {
    if (!s.received()) continue;
    t += s.delta_us();
    arrivals.push_back({s.seq, t});
  }
  ASSERT_EQ(arrivals.size(), view->received_count());
  TransportFeedback fb;
  fb.sender_ssrc = view->sender_ssrc();
  fb.media_ssrc = view->media_ssrc();
  fb.feedback_packet_count = view->feedback_packet_count();
  fb.base_sequence_number = view->base_sequence_number();
  fb.reference_time = view->reference_time();
  fb.arrivals = arrivals;
  const auto rebuilt = Serialize(fb);
  const auto original = p.bytes();
  ASSERT_EQ(rebuilt.size(), original.size());
  // Chromium pads with the P bit and a count byte; sluice with zero bytes. All else is equal.
  EXPECT_EQ(rebuilt[0], original[0] & ~0x20);
  const size_t meaningful = kRtcpHeaderSize + p.payload().size();
  EXPECT_TRUE(std::equal(rebuilt.begin() + 1, rebuilt.begin() + static_cast<std::ptrdiff_t>(meaningful),
                         original.begin() + 1));
}

TEST(ChromiumCaptureTest, EveryDatagramParsesAndRoundTrips) {
  const auto capture = LoadCapture();
  ASSERT_GT(capture.size(), 1000u);
  std::map<RtcpPacketKind, size_t> kinds;
  for (const auto& datagram : capture) {
    ASSERT_TRUE(ValidateRtcpCompound(datagram, RtcpCompoundRule::kReducedSizeAllowed).ok());
    RtcpCompoundIterator it(datagram);
    bool first = true;
    bool starts_with_report = false;
    for (const RtcpPacketView& p : it) {
      ++kinds[p.kind()];
      if (first) {
        starts_with_report = p.kind() == RtcpPacketKind::kSenderReport ||
                             p.kind() == RtcpPacketKind::kReceiverReport;
        first = false;
      }
      switch (p.kind()) {
        case RtcpPacketKind::kSenderReport: {
          auto v = p.As<SenderReportView>();
          ASSERT_TRUE(v.ok());
          EXPECT_EQ(Serialize(SenderReport::FromView(*v)), Copy(p.bytes()));
          break;
        }
        case RtcpPacketKind::kReceiverReport: {
          auto v = p.As<ReceiverReportView>();
          ASSERT_TRUE(v.ok());
          EXPECT_EQ(Serialize(ReceiverReport::FromView(*v)), Copy(p.bytes()));
          break;
        }
        case RtcpPacketKind::kSdes: {
          auto v = p.As<SdesView>();
          ASSERT_TRUE(v.ok());
          for (const SdesChunkView& chunk : v->chunks()) {
            EXPECT_EQ(chunk.Find(SdesItemType::kCname)->size(), 16u);
          }
          EXPECT_EQ(Serialize(*Sdes::FromView(*v)), Copy(p.bytes()));
          break;
        }
        case RtcpPacketKind::kRemb: {
          auto v = p.As<RembView>();
          ASSERT_TRUE(v.ok());
          std::vector<Ssrc> ssrcs;
          for (size_t i = 0; i < v->ssrc_count(); ++i) ssrcs.push_back(v->ssrc(i));
          EXPECT_EQ(Serialize(Remb{v->sender_ssrc(), v->bitrate_bps(), ssrcs}), Copy(p.bytes()));
          break;
        }
        case RtcpPacketKind::kTransportFeedback: CheckTwccRebuild(p); break;
        case RtcpPacketKind::kGenericNack: {
          // Chromium packs PID+BLP the way GenericNack does: expanding and rebuilding is exact.
          auto v = p.As<GenericNackView>();
          ASSERT_TRUE(v.ok());
          std::vector<uint16_t> lost(v->lost_count());
          v->CopyLost(lost);
          EXPECT_EQ(Serialize(GenericNack{v->sender_ssrc(), v->media_ssrc(), lost}), Copy(p.bytes()));
          break;
        }
        case RtcpPacketKind::kPli: {
          auto v = p.As<PliView>();
          ASSERT_TRUE(v.ok());
          EXPECT_EQ(Serialize(Pli::FromView(*v)), Copy(p.bytes()));
          break;
        }
        case RtcpPacketKind::kUnknown: EXPECT_EQ(p.packet_type(), 207); break;  // XR
        default: ADD_FAILURE() << "unexpected kind " << ToString(p.kind()); break;
      }
    }
    ASSERT_TRUE(it.ok()) << it.error().message;
    EXPECT_EQ(ValidateRtcpCompound(datagram, RtcpCompoundRule::kStrict).ok(), starts_with_report);
  }
  EXPECT_GT(kinds[RtcpPacketKind::kSenderReport], 0u);
  EXPECT_GT(kinds[RtcpPacketKind::kReceiverReport], 0u);
  EXPECT_GT(kinds[RtcpPacketKind::kSdes], 0u);
  EXPECT_GT(kinds[RtcpPacketKind::kRemb], 0u);
  EXPECT_GT(kinds[RtcpPacketKind::kTransportFeedback], 300u);
  EXPECT_GT(kinds[RtcpPacketKind::kGenericNack], 40u);
  EXPECT_GT(kinds[RtcpPacketKind::kPli], 0u);
}

}  // namespace
}  // namespace sluice
