// RTCP wire format: compound walk with typed parse, TWCC feedback parse+walk and build.
//
// Limits, measured in the same run: a compound walk must at least load the first header, so it
// is shown beside a 12-byte memcpy of the same packet (BM_Limit_Memcpy12/<packet>); TWCC parse
// and build must at least touch every byte of the feedback, so they are shown beside a memcpy
// of the whole feedback packet (BM_Limit_MemcpyPacket/<packet>).
#include <array>
#include <cstring>
#include <random>
#include <vector>

#include "bench_util.h"
#include "rtcp/generic_nack.h"
#include "rtcp/receiver_report.h"
#include "rtcp/remb.h"
#include "rtcp/rtcp_compound.h"
#include "rtcp/sdes.h"
#include "rtcp/sender_report.h"
#include "rtcp/transport_feedback.h"
#include "support/hex.h"

namespace {

using sluice::test::FromHex;

using namespace sluice;

template <typename Plain>
void Append(std::vector<uint8_t>& out, const Plain& plain) {
  const size_t at = out.size();
  out.resize(at + plain.SerializedSize());
  if (!plain.SerializeTo(std::span(out).subspan(at)).ok()) std::abort();
}

// SR with one report block + SDES CNAME, as a browser sends every second per sending stream.
std::vector<uint8_t> SrSdes() {
  std::vector<uint8_t> out;
  SenderReport sr;
  sr.sender_ssrc = Ssrc(0x88145e3a);
  sr.ntp_timestamp = 0xeeae290b6c090b41ull;
  sr.rtp_timestamp = 0x04bbe826;
  sr.packet_count = 26;
  sr.octet_count = 15039;
  ReportBlock block;
  block.source_ssrc = Ssrc(0xfa17fa17);
  block.extended_highest_sequence = 0x46e1;
  block.jitter = 273;
  sr.report_blocks.push_back(block);
  Append(out, sr);
  Sdes sdes;
  SdesChunk chunk;
  chunk.ssrc = sr.sender_ssrc;
  chunk.items.push_back({SdesItemType::kCname, "AAYla1vYmsya/b8y"});
  sdes.chunks.push_back(chunk);
  Append(out, sdes);
  return out;
}

// A receiver's feedback burst: RR + TWCC (Chromium capture, 15 packets) + NACK + REMB.
std::vector<uint8_t> RrTwccNackRemb() {
  std::vector<uint8_t> out;
  ReceiverReport rr;
  rr.sender_ssrc = Ssrc(1);
  ReportBlock block;
  block.source_ssrc = Ssrc(0x88145e3a);
  rr.report_blocks.push_back(block);
  Append(out, rr);
  const auto twcc =
      FromHex("8fcd0009fa17fa171cb05b020002000f002ef401200f42240d220127090d00010e180c0f08000000");
  out.insert(out.end(), twcc.begin(), twcc.end());
  const uint16_t lost[] = {1000, 1001, 1005, 1030};
  Append(out, GenericNack{Ssrc(1), Ssrc(0x88145e3a), lost});
  const Ssrc ssrcs[] = {Ssrc(0x88145e3a)};
  Append(out, Remb{Ssrc(1), 2'915'728, ssrcs});
  return out;
}

// 100 packets at ~1 Mbps video pacing with 5% loss and jittered arrivals.
std::vector<TwccArrival> Arrivals100() {
  std::mt19937 rng(7);
  std::vector<TwccArrival> arrivals;
  uint16_t seq = 65500;  // wraps inside the feedback
  int64_t t = 1'000'000;
  while (arrivals.size() < 100) {
    if (rng() % 100 < 5) {
      seq = static_cast<uint16_t>(seq + 1);
      continue;
    }
    t += 500 + static_cast<int64_t>(rng() % 4000);
    if (rng() % 50 == 0) t += 70'000;  // an occasional large delta
    arrivals.push_back({seq, t});
    seq = static_cast<uint16_t>(seq + 1);
  }
  return arrivals;
}

std::vector<uint8_t> Twcc100() {
  const auto arrivals = Arrivals100();
  TransportFeedback fb;
  fb.sender_ssrc = Ssrc(1);
  fb.media_ssrc = Ssrc(2);
  fb.arrivals = arrivals;
  std::vector<uint8_t> out;
  Append(out, fb);
  return out;
}

size_t ReadCompound(std::span<const uint8_t> data) {
  size_t acc = 0;
  RtcpCompoundIterator it(data);
  for (const RtcpPacketView& p : it) {
    switch (p.kind()) {
      case RtcpPacketKind::kSenderReport: {
        auto sr = p.As<SenderReportView>();
        acc += sr->ntp_timestamp() + sr->report_blocks()[0].jitter;
        break;
      }
      case RtcpPacketKind::kReceiverReport:
        acc += p.As<ReceiverReportView>()->report_blocks()[0].extended_highest_sequence;
        break;
      case RtcpPacketKind::kSdes: {
        auto chunks = p.As<SdesView>()->chunks();
        acc += chunks.Next()->Find(SdesItemType::kCname)->size();
        break;
      }
      case RtcpPacketKind::kTransportFeedback:
        acc += p.As<TransportFeedbackView>()->received_count();
        break;
      case RtcpPacketKind::kGenericNack: acc += p.As<GenericNackView>()->lost_count(); break;
      case RtcpPacketKind::kRemb: acc += p.As<RembView>()->bitrate_bps(); break;
      default: break;
    }
  }
  if (!it.ok()) std::abort();
  return acc;
}

void BM_RtcpCompoundIterate(benchmark::State& state, std::vector<uint8_t> (*make)()) {
  const auto packet = make();
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    benchmark::DoNotOptimize(packet.data());
    benchmark::DoNotOptimize(ReadCompound(packet));
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, packet.size());
}

void BM_Limit_Memcpy12(benchmark::State& state, std::vector<uint8_t> (*make)()) {
  const auto packet = make();
  std::array<uint8_t, 12> dst{};
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    benchmark::DoNotOptimize(packet.data());
    std::memcpy(dst.data(), packet.data(), 12);
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, packet.size());
}

BENCHMARK_CAPTURE(BM_RtcpCompoundIterate, sr_sdes, SrSdes);
BENCHMARK_CAPTURE(BM_Limit_Memcpy12, rtcp_sr_sdes, SrSdes);
SLUICE_COMPARE("BM_RtcpCompoundIterate/sr_sdes", "BM_Limit_Memcpy12/rtcp_sr_sdes");
BENCHMARK_CAPTURE(BM_RtcpCompoundIterate, rr_twcc_nack_remb, RrTwccNackRemb);
BENCHMARK_CAPTURE(BM_Limit_Memcpy12, rtcp_rr_twcc_nack_remb, RrTwccNackRemb);
SLUICE_COMPARE("BM_RtcpCompoundIterate/rr_twcc_nack_remb", "BM_Limit_Memcpy12/rtcp_rr_twcc_nack_remb");

std::vector<uint8_t> ChromiumTwcc15() {
  return FromHex("8fcd0009fa17fa171cb05b020002000f002ef401200f42240d220127090d00010e180c0f08000000");
}

void BM_TwccParse(benchmark::State& state, std::vector<uint8_t> (*make)()) {
  const auto packet = make();
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    benchmark::DoNotOptimize(packet.data());
    auto view = TransportFeedbackView::Parse(packet);
    int64_t sum = 0;
    auto walk = view->Walk();
    while (auto p = walk.Next()) sum += p->delta_ticks + p->seq;
    benchmark::DoNotOptimize(sum);
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, packet.size());
}

void BM_Limit_MemcpyPacket(benchmark::State& state, std::vector<uint8_t> (*make)()) {
  const auto packet = make();
  std::vector<uint8_t> dst(packet.size());
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    benchmark::DoNotOptimize(packet.data());
    std::memcpy(dst.data(), packet.data(), packet.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, packet.size());
}

BENCHMARK_CAPTURE(BM_TwccParse, chromium_15, ChromiumTwcc15);
BENCHMARK_CAPTURE(BM_Limit_MemcpyPacket, twcc_chromium_15, ChromiumTwcc15);
SLUICE_COMPARE("BM_TwccParse/chromium_15", "BM_Limit_MemcpyPacket/twcc_chromium_15");
BENCHMARK_CAPTURE(BM_TwccParse, built_100, Twcc100);
BENCHMARK_CAPTURE(BM_Limit_MemcpyPacket, twcc_built_100, Twcc100);
SLUICE_COMPARE("BM_TwccParse/built_100", "BM_Limit_MemcpyPacket/twcc_built_100");

void BM_TwccBuild(benchmark::State& state) {
  const auto arrivals = Arrivals100();
  std::array<uint8_t, 1500> out{};
  TransportFeedback fb;
  fb.sender_ssrc = Ssrc(1);
  fb.media_ssrc = Ssrc(2);
  fb.arrivals = arrivals;
  size_t size = 0;
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    benchmark::DoNotOptimize(arrivals.data());
    auto written = fb.SerializeTo(out);
    size = *written;
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, size);
}
BENCHMARK(BM_TwccBuild)->Name("BM_TwccBuild/built_100");
SLUICE_COMPARE("BM_TwccBuild/built_100", "BM_Limit_MemcpyPacket/twcc_built_100");

}  // namespace
