// Fuzz target `rtcp`: walks a compound RTCP packet, parses every typed packet and walks what it
// holds (report blocks, SDES items, NACK seqs, TWCC packets), then re-serializes each typed
// packet and checks the round trip: byte-identical where the encoding is canonical, otherwise
// equal after re-parsing (and idempotent for builders that choose an encoding: NACK, TWCC).
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>

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

namespace sluice {
namespace {

#define FUZZ_CHECK(cond)                                                              \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      __builtin_trap();                                                               \
    }                                                                                 \
  } while (0)

std::array<uint8_t, kRtcpMaxPacketSize + 16> g_out;
std::array<uint8_t, kRtcpMaxPacketSize + 16> g_out2;
std::array<TwccArrival, 65536> g_arrivals;
std::array<TwccArrival, 65536> g_arrivals2;
std::array<uint16_t, 1 << 16> g_lost;
std::array<uint16_t, 1 << 16> g_lost2;

bool SameBytes(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

// Serializes `plain`, checks the size, and returns the written span.
template <typename Plain>
std::span<const uint8_t> Serialize(const Plain& plain, std::span<uint8_t> buffer) {
  auto written = plain.SerializeTo(buffer);
  FUZZ_CHECK(written.ok());
  FUZZ_CHECK(*written == plain.SerializedSize());
  return buffer.first(*written);
}

void CheckReport(const RtcpPacketView& p) {
  if (p.kind() == RtcpPacketKind::kSenderReport) {
    auto view = p.As<SenderReportView>();
    if (!view) return;
    const SenderReport plain = SenderReport::FromView(*view);
    auto bytes = Serialize(plain, g_out);
    if (!p.has_padding() && view->profile_extensions().empty()) FUZZ_CHECK(SameBytes(bytes, p.bytes()));
    auto again = SenderReportView::Parse(bytes);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(SenderReport::FromView(*again) == plain);
  } else {
    auto view = p.As<ReceiverReportView>();
    if (!view) return;
    const ReceiverReport plain = ReceiverReport::FromView(*view);
    auto bytes = Serialize(plain, g_out);
    if (!p.has_padding() && view->profile_extensions().empty()) FUZZ_CHECK(SameBytes(bytes, p.bytes()));
    auto again = ReceiverReportView::Parse(bytes);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(ReceiverReport::FromView(*again) == plain);
  }
}

void CheckSdes(const RtcpPacketView& p) {
  auto view = p.As<SdesView>();
  if (!view) return;
  size_t chunks = 0;
  auto it = view->chunks();
  while (auto chunk = it.Next()) {
    ++chunks;
    auto items = chunk->items();
    while (auto item = items.Next()) FUZZ_CHECK(item->type != SdesItemType::kEnd);
  }
  FUZZ_CHECK(chunks == view->chunk_count());
  auto plain = Sdes::FromView(*view);
  if (!plain) return;  // more items than the plain struct holds
  auto bytes = Serialize(*plain, g_out);
  if (!p.has_padding()) FUZZ_CHECK(SameBytes(bytes, p.bytes()));
  auto again = SdesView::Parse(bytes);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*Sdes::FromView(*again) == *plain);
}

void CheckBye(const RtcpPacketView& p) {
  auto view = p.As<ByeView>();
  if (!view) return;
  const Bye plain = Bye::FromView(*view);
  auto bytes = Serialize(plain, g_out);
  auto again = ByeView::Parse(bytes);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(Bye::FromView(*again) == plain);
}

void CheckApp(const RtcpPacketView& p) {
  auto view = p.As<AppView>();
  if (!view) return;
  auto bytes = Serialize(App::FromView(*view), g_out);
  if (!p.has_padding()) FUZZ_CHECK(SameBytes(bytes, p.bytes()));
}

void CheckNack(const RtcpPacketView& p) {
  auto view = p.As<GenericNackView>();
  if (!view) return;
  const size_t lost = view->CopyLost(g_lost);
  FUZZ_CHECK(lost == view->lost_count());
  if (lost > g_lost.size()) return;
  // build(expand(x)) is a fixed point after one step.
  GenericNack first{view->sender_ssrc(), view->media_ssrc(), std::span(g_lost).first(lost)};
  auto bytes = Serialize(first, g_out);
  auto again = GenericNackView::Parse(bytes);
  FUZZ_CHECK(again.ok());
  const size_t lost2 = again->CopyLost(g_lost2);
  FUZZ_CHECK(lost2 <= lost);
  GenericNack second{again->sender_ssrc(), again->media_ssrc(), std::span(g_lost2).first(lost2)};
  auto bytes2 = Serialize(second, g_out2);
  FUZZ_CHECK(SameBytes(bytes, bytes2));
}

void CheckTwcc(const RtcpPacketView& p) {
  auto view = p.As<TransportFeedbackView>();
  if (!view) return;
  size_t received = 0;
  size_t walked = 0;
  uint16_t expected_seq = view->base_sequence_number();
  auto walk = view->Walk();
  while (auto s = walk.Next()) {
    FUZZ_CHECK(s->seq == expected_seq);
    expected_seq = static_cast<uint16_t>(expected_seq + 1);
    received += s->received();
    ++walked;
  }
  FUZZ_CHECK(walked == view->packet_status_count());
  FUZZ_CHECK(received == view->received_count());
  if (received == 0) return;  // the builder needs at least one arrival
  auto n = view->CopyArrivals(g_arrivals);
  FUZZ_CHECK(n.ok() && *n == received);
  TransportFeedback fb;
  fb.sender_ssrc = view->sender_ssrc();
  fb.media_ssrc = view->media_ssrc();
  fb.feedback_packet_count = view->feedback_packet_count();
  fb.base_sequence_number = view->base_sequence_number();
  fb.reference_time = view->reference_time();
  fb.arrivals = std::span(g_arrivals).first(*n);
  auto bytes = Serialize(fb, g_out);
  auto again = TransportFeedbackView::Parse(bytes);
  FUZZ_CHECK(again.ok());
  auto n2 = again->CopyArrivals(g_arrivals2);
  FUZZ_CHECK(n2.ok() && *n2 == *n);
  for (size_t i = 0; i < *n; ++i) FUZZ_CHECK(g_arrivals[i] == g_arrivals2[i]);
  // Everything up to the last received packet walks the same in both.
  auto a = view->Walk();
  auto b = again->Walk();
  for (size_t i = 0; i < again->packet_status_count(); ++i) {
    auto x = a.Next();
    auto y = b.Next();
    FUZZ_CHECK(x && y && x->seq == y->seq && x->received() == y->received() &&
               x->delta_ticks == y->delta_ticks);
  }
  FUZZ_CHECK(!b.Next());
  // The builder is deterministic: rebuilding what it wrote gives the same bytes.
  fb.arrivals = std::span(g_arrivals2).first(*n2);
  auto bytes2 = Serialize(fb, g_out2);
  FUZZ_CHECK(SameBytes(bytes, bytes2));
}

void CheckPsfb(const RtcpPacketView& p) {
  if (p.kind() == RtcpPacketKind::kPli) {
    auto view = p.As<PliView>();
    if (!view) return;
    auto bytes = Serialize(Pli::FromView(*view), g_out);
    if (!p.has_padding()) FUZZ_CHECK(SameBytes(bytes, p.bytes()));
  } else if (p.kind() == RtcpPacketKind::kFir) {
    auto view = p.As<FirView>();
    if (!view) return;
    auto plain = Fir::FromView(*view);
    if (!plain) return;
    auto bytes = Serialize(*plain, g_out);
    auto again = FirView::Parse(bytes);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(*Fir::FromView(*again) == *plain);
  } else {
    auto view = p.As<RembView>();
    if (!view) return;
    std::array<Ssrc, 255> ssrcs;
    for (size_t i = 0; i < view->ssrc_count(); ++i) ssrcs[i] = view->ssrc(i);
    Remb plain{view->sender_ssrc(), view->bitrate_bps(), std::span(ssrcs).first(view->ssrc_count())};
    auto bytes = Serialize(plain, g_out);
    auto again = RembView::Parse(bytes);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->bitrate_bps() == view->bitrate_bps());  // exact: mantissa*2^exp is lossless
    FUZZ_CHECK(again->ssrc_count() == view->ssrc_count());
    for (size_t i = 0; i < view->ssrc_count(); ++i) FUZZ_CHECK(again->ssrc(i) == view->ssrc(i));
  }
}

}  // namespace
}  // namespace sluice

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice;
  const std::span<const uint8_t> input(data, size);
  (void)ValidateRtcpCompound(input, RtcpCompoundRule::kStrict);
  RtcpCompoundIterator it(input);
  size_t consumed = 0;
  for (const RtcpPacketView& p : it) {
    FUZZ_CHECK(p.bytes().data() == data + consumed);
    consumed += p.bytes().size();
    FUZZ_CHECK(p.payload().size() + kRtcpHeaderSize <= p.bytes().size());
    switch (p.kind()) {
      case RtcpPacketKind::kSenderReport:
      case RtcpPacketKind::kReceiverReport: CheckReport(p); break;
      case RtcpPacketKind::kSdes: CheckSdes(p); break;
      case RtcpPacketKind::kBye: CheckBye(p); break;
      case RtcpPacketKind::kApp: CheckApp(p); break;
      case RtcpPacketKind::kGenericNack: CheckNack(p); break;
      case RtcpPacketKind::kTransportFeedback: CheckTwcc(p); break;
      case RtcpPacketKind::kPli:
      case RtcpPacketKind::kFir:
      case RtcpPacketKind::kRemb: CheckPsfb(p); break;
      case RtcpPacketKind::kUnknown: break;
    }
  }
  if (it.ok()) FUZZ_CHECK(consumed == size);
  return 0;
}
