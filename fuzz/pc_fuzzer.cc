// Stateful fuzz target for the PeerConnectionCore (src/pc): fuzzed SDP through the JSEP verbs,
// and fuzzed datagrams and RTP into a live, connected core.
//
// Input: the first byte picks the mode, the rest is its payload.
//   0: remote offer  -- SetRemoteDescription(offer), then answer it, offer again, stats.
//   1: remote answer -- our offer (audio, video, data), then SetRemoteDescription(answer).
//   2: datagrams     -- [len_hi len_lo bytes]... each into HandleReceive of a connected core
//                       (RFC 7983 demux: STUN, DTLS, SRTP/SRTCP with bad tags, junk).
//   3: RTP           -- [len_hi len_lo bytes]... each sent by the peer's track with SendRtp: real
//                       SRTP reaches the core, which unprotects, routes (MID, SSRC, PT) and
//                       delivers it.
// Every event is drained and its spans read; nothing may crash, leak or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "dtls/dtls_certificate.h"
#include "pc/peer_connection_core.h"

namespace {

using sluice::Instant;
using sluice::StunAddress;
using sluice::pc::PeerConnectionCore;

const sluice::dtls::DtlsCertificate& Certificate() {
  static const sluice::dtls::DtlsCertificate cert = sluice::dtls::DtlsCertificate::Generate().value();
  return cert;
}

const StunAddress kA = StunAddress::Ipv4({10, 0, 0, 1}, 40000);
const StunAddress kZ = StunAddress::Ipv4({10, 0, 0, 2}, 50000);

volatile uint8_t g_sink;

void Drain(PeerConnectionCore& core, std::vector<std::vector<uint8_t>>* out) {
  for (int round = 0; round < 64; ++round) {
    bool progress = false;
    while (auto t = core.PollTransmit()) {
      if (out) out->emplace_back(t->data.begin(), t->data.end());
      progress = true;
    }
    while (auto e = core.PollEvent()) {
      for (uint8_t b : e->data) g_sink = static_cast<uint8_t>(g_sink + b);
      for (uint16_t s : e->sequence_numbers) g_sink = static_cast<uint8_t>(g_sink + s);
      g_sink = static_cast<uint8_t>(g_sink + e->candidate.candidate.size());
      progress = true;
    }
    if (!progress) return;
  }
}

std::unique_ptr<PeerConnectionCore> MakeCore(uint64_t seed, const StunAddress& address) {
  auto core = PeerConnectionCore::Create(sluice::Configuration{}, Certificate(), seed).value();
  (void)core->AddHostCandidate(address);
  return core;
}

// Two cores connected over a direct, lossless exchange; A sends audio and video, Z answers with
// its own tracks; a data channel is open.
struct Live {
  std::unique_ptr<PeerConnectionCore> a, z;
  Instant now = Instant{} + std::chrono::hours(1);
  sluice::pc::TrackId a_audio = 0, a_video = 0;

  bool Step() {
    std::vector<std::vector<uint8_t>> from_a, from_z;
    Drain(*a, &from_a);
    Drain(*z, &from_z);
    for (auto& d : from_a) z->HandleReceive(now, kZ, kA, d);
    for (auto& d : from_z) a->HandleReceive(now, kA, kZ, d);
    return !from_a.empty() || !from_z.empty();
  }

  bool Connect() {
    a = MakeCore(11, kA);
    z = MakeCore(12, kZ);
    a_audio = a->AddTrack(sluice::MediaKind::kAudio, "s", "a").value();
    a_video = a->AddTrack(sluice::MediaKind::kVideo, "s", "v").value();
    (void)a->CreateDataChannel(now, "fuzz");
    if (!a->SetLocalDescription(now)) return false;
    if (!z->SetRemoteDescription(now, *a->local_description())) return false;
    (void)z->AddTrack(sluice::MediaKind::kVideo, "z", "v");
    if (!z->SetLocalDescription(now)) return false;
    if (!a->SetRemoteDescription(now, *z->local_description())) return false;
    for (int i = 0; i < 2000; ++i) {
      if (!Step()) {
        now += std::chrono::milliseconds(1);
        if (auto t = a->PollTimeout(); t && *t <= now) a->HandleTimeout(now);
        if (auto t = z->PollTimeout(); t && *t <= now) z->HandleTimeout(now);
      }
      if (a->connection_state() == sluice::PeerConnectionState::kConnected &&
          z->connection_state() == sluice::PeerConnectionState::kConnected &&
          a->track(a_video)->open) {
        return true;
      }
    }
    return false;
  }

  bool Healthy() const {
    return a && z && z->connection_state() == sluice::PeerConnectionState::kConnected &&
           a->connection_state() == sluice::PeerConnectionState::kConnected;
  }
};

Live& GetLive() {
  static Live live;
  if (!live.Healthy()) {
    live = Live{};
    if (!live.Connect()) std::abort();  // the fixture itself must work
  }
  return live;
}

template <typename F>
void ForEachRecord(std::span<const uint8_t> data, F&& f) {
  while (data.size() >= 2) {
    const size_t n = std::min<size_t>((size_t{data[0]} << 8) | data[1], data.size() - 2);
    f(data.subspan(2, n));
    data = data.subspan(2 + n);
  }
}

void FuzzRemoteOffer(std::span<const uint8_t> payload) {
  const Instant now = Instant{} + std::chrono::hours(1);
  auto core = MakeCore(3, kZ);
  const std::string text(payload.begin(), payload.end());
  if (core->SetRemoteDescription(now, {sluice::SdpType::kOffer, text})) {
    Drain(*core, nullptr);
    for (auto id : core->tracks()) (void)core->track(id);
    (void)core->AddTrack(sluice::MediaKind::kAudio, "s", "a");
    if (!core->SetLocalDescription(now)) std::abort();  // an accepted offer must be answerable
    auto answer = core->local_description();
    if (!answer) std::abort();
    // The answer we produce must be acceptable to a core of ours in the offerer's place? Not in
    // general (the fuzzed offerer is not ours), but it must parse as a description.
    auto again = MakeCore(4, kA);
    (void)again->SetRemoteDescription(now, *answer);  // wrong state: must fail cleanly
    (void)core->CreateOffer();
    (void)core->GetStats(now);
  }
  Drain(*core, nullptr);
}

void FuzzRemoteAnswer(std::span<const uint8_t> payload) {
  const Instant now = Instant{} + std::chrono::hours(1);
  auto core = MakeCore(5, kA);
  (void)core->AddTrack(sluice::MediaKind::kAudio, "s", "a");
  (void)core->AddTrack(sluice::MediaKind::kVideo, "s", "v");
  (void)core->CreateDataChannel(now, "x");
  if (!core->SetLocalDescription(now)) std::abort();
  const std::string text(payload.begin(), payload.end());
  (void)core->SetRemoteDescription(now, {sluice::SdpType::kAnswer, text});
  Drain(*core, nullptr);
  for (auto id : core->tracks()) (void)core->track(id);
  (void)core->GetStats(now);
  core->HandleTimeout(now + std::chrono::seconds(1));
  Drain(*core, nullptr);
}

void FuzzDatagrams(std::span<const uint8_t> payload) {
  Live& live = GetLive();
  ForEachRecord(payload, [&](std::span<const uint8_t> d) {
    live.z->HandleReceive(live.now, kZ, kA, d);
    Drain(*live.z, nullptr);
  });
  (void)live.z->GetStats(live.now);
}

void FuzzRtp(std::span<const uint8_t> payload) {
  Live& live = GetLive();
  ForEachRecord(payload, [&](std::span<const uint8_t> p) {
    (void)live.a->SendRtp(live.now, (p.size() & 1) ? live.a_audio : live.a_video, p);
  });
  live.Step();
  live.Step();
  (void)live.z->GetStats(live.now);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::span<const uint8_t> payload(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0: FuzzRemoteOffer(payload); break;
    case 1: FuzzRemoteAnswer(payload); break;
    case 2: FuzzDatagrams(payload); break;
    case 3: FuzzRtp(payload); break;
  }
  return 0;
}
