// RTP wire format (src/rtp): parse, serialize and in-place rewrite, each beside the limit of a
// 12-byte memcpy of the same header bytes into a local (the least work that touches the
// header at all). Every loop clobbers memory first so the packet bytes are re-read each time.
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "bench_util.h"
#include "rtp/rtp_header.h"
#include "rtp/rtp_packet.h"
#include "rtp/rtp_packet_mutable_view.h"

namespace {

constexpr size_t kPayloadSize = 1200;

// 12-byte header, PT 96, + 1200-byte payload.
std::vector<uint8_t> PlainPacket() {
  sluice::RtpHeader h;
  h.payload_type = sluice::PayloadType(96);
  h.sequence_number = sluice::SeqNum(4711);
  h.timestamp = 90000;
  h.ssrc = sluice::Ssrc(0x11223344);
  std::vector<uint8_t> payload(kPayloadSize, 0xab);
  std::vector<uint8_t> out(h.PacketSize(payload.size()));
  (void)h.SerializePacketTo(payload, out);
  return out;
}

// 2 CSRCs and Chromium's audio extensions (abs-send-time, transport-cc, mid, audio level) in
// the one-byte form, + 1200-byte payload.
const uint8_t kAbsSendTime[] = {0x58, 0xdb, 0xa4};
const uint8_t kTwcc[] = {0x00, 0x01};
const uint8_t kMid[] = {'0'};
const uint8_t kLevel[] = {0xff};

sluice::RtpHeader RichHeader() {
  sluice::RtpHeader h;
  h.marker = true;
  h.payload_type = sluice::PayloadType(111);
  h.sequence_number = sluice::SeqNum(4711);
  h.timestamp = 48000;
  h.ssrc = sluice::Ssrc(0x11223344);
  (void)h.AddCsrc(sluice::Ssrc(0x55667788));
  (void)h.AddCsrc(sluice::Ssrc(0x99aabbcc));
  (void)h.AddExtension(2, kAbsSendTime);
  (void)h.AddExtension(3, kTwcc);
  (void)h.AddExtension(4, kMid);
  (void)h.AddExtension(1, kLevel);
  return h;
}

std::vector<uint8_t> RichPacket() {
  const sluice::RtpHeader h = RichHeader();
  std::vector<uint8_t> payload(kPayloadSize, 0xab);
  std::vector<uint8_t> out(h.PacketSize(payload.size()));
  (void)h.SerializePacketTo(payload, out);
  return out;
}

void BM_Limit_Memcpy12(benchmark::State& state) {
  const std::vector<uint8_t> packet = PlainPacket();
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    benchmark::ClobberMemory();
    uint8_t local[12];
    std::memcpy(local, packet.data(), sizeof(local));
    benchmark::DoNotOptimize(local);
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, packet.size());
}
BENCHMARK(BM_Limit_Memcpy12);

template <typename View>
void Consume(const View& v) {
  benchmark::DoNotOptimize(v.ssrc());
  benchmark::DoNotOptimize(v.sequence_number());
  benchmark::DoNotOptimize(v.payload().data());
  benchmark::DoNotOptimize(v.payload().size());
}

void ParseLoop(benchmark::State& state, const std::vector<uint8_t>& packet) {
  sluice::bench::AllocationCounter allocs;
  int64_t failures = 0;
  for (auto _ : state) {
    benchmark::ClobberMemory();
    auto p = sluice::RtpPacketView::Parse(packet);
    if (!p.ok()) {
      ++failures;
      continue;
    }
    Consume(*p);
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, packet.size());
  if (failures != 0) state.SkipWithError("parse failed");
}

void BM_RtpParse(benchmark::State& state) { ParseLoop(state, PlainPacket()); }
BENCHMARK(BM_RtpParse);
SLUICE_COMPARE("BM_RtpParse", "BM_Limit_Memcpy12");

void BM_RtpParseCsrcExtensions(benchmark::State& state) { ParseLoop(state, RichPacket()); }
BENCHMARK(BM_RtpParseCsrcExtensions);
SLUICE_COMPARE("BM_RtpParseCsrcExtensions", "BM_Limit_Memcpy12");

// Parse + Validate + look up abs-send-time: what a receiver does with a packet it keeps.
void BM_RtpParseValidateFindExtension(benchmark::State& state) {
  const std::vector<uint8_t> packet = RichPacket();
  sluice::bench::AllocationCounter allocs;
  int64_t failures = 0;
  for (auto _ : state) {
    benchmark::ClobberMemory();
    auto p = sluice::RtpPacketView::Parse(packet);
    if (!p.ok() || !p->Validate().ok()) {
      ++failures;
      continue;
    }
    auto ast = p->FindExtension(2);
    benchmark::DoNotOptimize(ast);
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, packet.size());
  if (failures != 0) state.SkipWithError("parse failed");
}
BENCHMARK(BM_RtpParseValidateFindExtension);
SLUICE_COMPARE("BM_RtpParseValidateFindExtension", "BM_Limit_Memcpy12");

// Header serialization (fixed header only, and with 2 CSRCs + 4 one-byte extensions) into a
// caller's buffer; the payload copy is the caller's and is not timed here.
void SerializeLoop(benchmark::State& state, const sluice::RtpHeader& header) {
  std::array<uint8_t, 1500> out{};
  sluice::bench::AllocationCounter allocs;
  int64_t failures = 0;
  uint16_t seq = 0;
  sluice::RtpHeader h = header;
  for (auto _ : state) {
    // SerializeTo lives in another translation unit, so the call cannot be elided.
    h.sequence_number = sluice::SeqNum(seq++);
    auto n = h.SerializeTo(out);
    if (!n.ok()) ++failures;
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, h.SerializedSize());
  if (failures != 0) state.SkipWithError("serialize failed");
}

void BM_RtpSerialize(benchmark::State& state) {
  sluice::RtpHeader h;
  h.payload_type = sluice::PayloadType(96);
  h.timestamp = 90000;
  h.ssrc = sluice::Ssrc(0x11223344);
  SerializeLoop(state, h);
}
BENCHMARK(BM_RtpSerialize);
SLUICE_COMPARE("BM_RtpSerialize", "BM_Limit_Memcpy12");

void BM_RtpSerializeCsrcExtensions(benchmark::State& state) { SerializeLoop(state, RichHeader()); }
BENCHMARK(BM_RtpSerializeCsrcExtensions);
SLUICE_COMPARE("BM_RtpSerializeCsrcExtensions", "BM_Limit_Memcpy12");

// Forwarding: parse the packet in place and rewrite SSRC and sequence number.
void BM_RtpRewriteSsrcSeq(benchmark::State& state) {
  std::vector<uint8_t> packet = PlainPacket();
  sluice::bench::AllocationCounter allocs;
  int64_t failures = 0;
  uint16_t seq = 0;
  for (auto _ : state) {
    benchmark::ClobberMemory();
    auto m = sluice::RtpPacketMutableView::Parse(packet);
    if (!m.ok()) {
      ++failures;
      continue;
    }
    m->SetSsrc(sluice::Ssrc(0xcafef00d));
    m->SetSequenceNumber(sluice::SeqNum(seq++));
    benchmark::ClobberMemory();
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, packet.size());
  if (failures != 0) state.SkipWithError("parse failed");
}
BENCHMARK(BM_RtpRewriteSsrcSeq);
SLUICE_COMPARE("BM_RtpRewriteSsrcSeq", "BM_Limit_Memcpy12");

}  // namespace
