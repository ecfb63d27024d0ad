#include "support/pc_pair/pc_pair.h"

#include <algorithm>

#include "dtls/dtls_certificate.h"

namespace sluice::test {
namespace {

// usrsctp keeps ONE timer wheel per process, advanced by the largest `now` any transport has
// seen (src/sctp/sctp_transport.h), and that high-water mark outlives the transports. A pair
// whose simulated clock restarted behind an earlier pair's would freeze SCTP's timers until it
// caught up, so each pair's clock starts after the latest instant any earlier pair reached.
Instant g_latest_instant{};

Instant NextStart() {
  const Instant base = FakeClock().now();
  return g_latest_instant + seconds(1) > base ? g_latest_instant + seconds(1) : base;
}

}  // namespace

PcPair::PcPair(const PcPairOptions& options)
    : clock_(NextStart()),
      a_address_(StunAddress::Ipv4({10, 0, 0, 1}, 40000)),
      z_address_(StunAddress::Ipv4({10, 0, 0, 2}, 50000)) {
  auto a_cert = dtls::DtlsCertificate::Generate().value();
  auto z_cert = dtls::DtlsCertificate::Generate().value();
  a_ = pc::PeerConnectionCore::Create(options.a_config, a_cert, options.seed * 2 + 1).value();
  z_ = pc::PeerConnectionCore::Create(options.z_config, z_cert, options.seed * 2 + 2).value();
  (void)a_->AddHostCandidate(a_address_);
  (void)z_->AddHostCandidate(z_address_);
  SimulatedLinkOptions az = options.link, za = options.link;
  az.seed = options.link.seed * 2 + 1;
  za.seed = options.link.seed * 2 + 2;
  az_ = std::make_unique<SimulatedLink>(az);
  za_ = std::make_unique<SimulatedLink>(za);
}

PcPair::~PcPair() {
  if (clock_.now() > g_latest_instant) g_latest_instant = clock_.now();
}

Result<void> PcPair::Negotiate() {
  negotiate_started_ = clock_.now();
  auto offer = a_->CreateOffer();
  if (!offer) return offer.error();
  if (auto r = a_->SetLocalDescription(now(), *offer); !r) return r;
  offer_sdp_ = a_->local_description()->sdp;
  if (auto r = z_->SetRemoteDescription(now(), {SdpType::kOffer, offer_sdp_}); !r) return r;
  if (before_answer) before_answer();
  if (auto r = z_->SetLocalDescription(now()); !r) return r;
  answer_sdp_ = z_->local_description()->sdp;
  if (auto r = a_->SetRemoteDescription(now(), {SdpType::kAnswer, answer_sdp_}); !r) return r;
  Flush();
  return Ok();
}

bool PcPair::Connect(Duration limit) {
  if (!Negotiate()) return false;
  return RunUntil([&] { return log_a_.connected_at && log_z_.connected_at; }, limit);
}

Duration PcPair::connect_time() const {
  if (!log_a_.connected_at || !log_z_.connected_at) return Duration::max();
  return std::max(*log_a_.connected_at, *log_z_.connected_at) - negotiate_started_;
}

void PcPair::Record(Side s, const pc::Event& e) {
  if (on_event) on_event(s, e);
  PeerLog& log = this->log(s);
  switch (e.type) {
    case pc::EventType::kLocalCandidate: log.local_candidates.push_back(e.candidate); break;
    case pc::EventType::kConnectionStateChange:
      log.connection_states.push_back(e.connection_state);
      if (e.connection_state == PeerConnectionState::kConnected && !log.connected_at) {
        log.connected_at = now();
      }
      break;
    case pc::EventType::kIceConnectionStateChange:
      log.ice_states.push_back(e.ice_connection_state);
      break;
    case pc::EventType::kDataChannel: log.remote_channels.push_back(e.channel); break;
    case pc::EventType::kChannelOpen: log.opened_channels.push_back(e.channel); break;
    case pc::EventType::kChannelClosed: log.closed_channels.push_back(e.channel); break;
    case pc::EventType::kChannelBufferedAmountLow: log.buffered_amount_low.push_back(e.channel); break;
    case pc::EventType::kChannelMessage:
      log.messages.push_back({e.channel, e.is_binary, {e.data.begin(), e.data.end()}});
      break;
    case pc::EventType::kTrack: log.remote_tracks.push_back(e.track); break;
    case pc::EventType::kTrackOpen: log.open_tracks.push_back(e.track); break;
    case pc::EventType::kRtp: log.rtp.push_back({e.track, {e.data.begin(), e.data.end()}}); break;
    case pc::EventType::kKeyFrameRequest: log.key_frame_requests.push_back(e.track); break;
    case pc::EventType::kNack:
      log.nacks.push_back({e.track, {e.sequence_numbers.begin(), e.sequence_numbers.end()}});
      break;
    case pc::EventType::kError: log.errors.push_back(e.error); break;
    default: break;
  }
}

void PcPair::FlushSide(Side s) {
  pc::PeerConnectionCore& c = core(s);
  SimulatedLink& out = s == Side::kA ? *az_ : *za_;
  for (int round = 0; round < 1000; ++round) {
    bool progress = false;
    while (auto t = c.PollTransmit()) {
      out.Send(now(), t->data);
      progress = true;
    }
    while (auto e = c.PollEvent()) {
      Record(s, *e);
      progress = true;
    }
    if (!progress) return;
  }
}

void PcPair::Flush() {
  FlushSide(Side::kA);
  FlushSide(Side::kZ);
}

bool PcPair::RunUntil(const std::function<bool()>& done, Duration limit) {
  const Instant deadline = clock_.now() + limit;
  for (int steps = 0; steps < 4'000'000; ++steps) {
    Flush();
    if (done()) return true;
    std::optional<Instant> next = Soonest(Soonest(a_->PollTimeout(), z_->PollTimeout()),
                                          Soonest(az_->NextDelivery(), za_->NextDelivery()));
    if (!next || *next > deadline) {
      clock_.AdvanceTo(deadline);
      Flush();
      return done();
    }
    clock_.AdvanceTo(*next);
    const Instant t = clock_.now();
    while (auto d = az_->Poll(t)) z_->HandleReceive(t, z_address_, a_address_, *d);
    while (auto d = za_->Poll(t)) a_->HandleReceive(t, a_address_, z_address_, *d);
    if (auto x = a_->PollTimeout(); x && *x <= t) a_->HandleTimeout(t);
    if (auto x = z_->PollTimeout(); x && *x <= t) z_->HandleTimeout(t);
  }
  return done();
}

}  // namespace sluice::test
