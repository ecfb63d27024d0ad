#include "support/sctp_pair/sctp_pair.h"

namespace sluice::test {

SctpPeer::SctpPeer(const sctp::SctpConfig& config, dtls::DtlsRole role)
    : certificate_(dtls::DtlsCertificate::Generate().value()),
      dtls_(dtls::DtlsEngine::Create(certificate_, [] {
              dtls::DtlsConfig c;
              c.srtp_profiles.clear();  // data channels only
              c.transmit_slots = 64;
              c.receive_slots = 64;
              return c;
            }()).value()),
      role_(role),
      sctp_(sctp::SctpTransport::Create(config, role == dtls::DtlsRole::kClient).value()) {}

void SctpPeer::Start(Instant now) { (void)dtls_.Start(now, role_, remote_fingerprint_).value(); }

void SctpPeer::Deliver(Instant now, std::span<const uint8_t> datagram) {
  dtls_.HandleReceive(now, datagram);
  while (auto e = dtls_.PollEvent()) {
    switch (e->type) {
      case dtls::DtlsEventType::kConnected:
        (void)sctp_->Start(now).value();
        break;
      case dtls::DtlsEventType::kApplicationData:
        sctp_->HandleReceive(now, e->data);
        break;
      default:
        break;
    }
  }
}

void SctpPeer::HandleTimeout(Instant now) {
  if (auto t = dtls_.PollTimeout(); t && *t <= now) dtls_.HandleTimeout(now);
  if (auto t = sctp_->PollTimeout(); t && *t <= now) sctp_->HandleTimeout(now);
}

std::optional<Instant> SctpPeer::PollTimeout() const {
  return Soonest(dtls_.PollTimeout(), sctp_->PollTimeout());
}

bool SctpPeer::Flush(Instant /*now*/, const std::function<void(std::span<const uint8_t>)>& send) {
  bool progress = false;
  for (int round = 0; round < 1000; ++round) {
    bool moved = false;
    if (reading_) {
      while (auto e = sctp_->PollEvent()) {
        moved = true;
        if (e->type == sctp::SctpEventType::kConnected) connected_ = true;
        if (e->type == sctp::SctpEventType::kClosed) {
          closed_ = true;
          close_error_ = e->error;
        }
        if (handler_) handler_(*this, *e);
      }
    }
    while (auto p = sctp_->PollTransmit()) {
      moved = true;
      auto r = dtls_.Send(*p);
      if (!r && r.error().code == ErrorCode::kExhausted) {
        // DTLS's ring is full: send what it holds, then retry once.
        while (auto d = dtls_.PollTransmit()) send(*d);
        r = dtls_.Send(*p);
      }
      if (!r) ++dtls_send_refused_;  // lost like a dropped datagram; SCTP retransmits
      while (auto d = dtls_.PollTransmit()) send(*d);
    }
    while (auto d = dtls_.PollTransmit()) {
      moved = true;
      send(*d);
    }
    progress |= moved;
    if (!moved) break;
  }
  return progress;
}

SctpPair::SctpPair(const SctpPairOptions& options)
    : options_(options),
      a_(std::make_unique<SctpPeer>(options.a_config, dtls::DtlsRole::kClient)),
      z_(std::make_unique<SctpPeer>(options.z_config, dtls::DtlsRole::kServer)) {
  if (!options.direct) {
    SimulatedLinkOptions az = options.link, za = options.link;
    az.seed = options.link.seed * 2 + 1;
    za.seed = options.link.seed * 2 + 2;
    az_ = std::make_unique<SimulatedLink>(az);
    za_ = std::make_unique<SimulatedLink>(za);
  }
  a_->Learn(*z_);
  z_->Learn(*a_);
}

bool SctpPair::Connect(Duration limit) {
  z_->Start(clock_.now());
  a_->Start(clock_.now());
  return RunUntil([&] { return a_->connected() && z_->connected(); }, limit);
}

void SctpPair::Pump() {
  const Instant now = clock_.now();
  for (int round = 0; round < 100000; ++round) {
    bool progress;
    if (options_.direct) {
      progress = a_->Flush(now, [&](std::span<const uint8_t> d) { z_->Deliver(now, d); });
      progress |= z_->Flush(now, [&](std::span<const uint8_t> d) { a_->Deliver(now, d); });
    } else {
      progress = a_->Flush(now, [&](std::span<const uint8_t> d) { az_->Send(now, d); });
      progress |= z_->Flush(now, [&](std::span<const uint8_t> d) { za_->Send(now, d); });
      while (auto d = az_->Poll(now)) {
        z_->Deliver(now, *d);
        progress = true;
      }
      while (auto d = za_->Poll(now)) {
        a_->Deliver(now, *d);
        progress = true;
      }
    }
    if (!progress) return;
  }
}

void SctpPair::Step(Instant now) {
  a_->HandleTimeout(now);
  z_->HandleTimeout(now);
}

bool SctpPair::RunUntil(const std::function<bool()>& done, Duration limit) {
  const Instant deadline = clock_.now() + limit;
  for (int64_t steps = 0; steps < 50'000'000; ++steps) {
    Pump();
    if (done()) return true;
    std::optional<Instant> next = Soonest(a_->PollTimeout(), z_->PollTimeout());
    if (az_) next = Soonest(next, Soonest(az_->NextDelivery(), za_->NextDelivery()));
    if (!next || *next > deadline) {
      clock_.AdvanceTo(deadline);
      Step(clock_.now());
      Pump();
      return done();
    }
    clock_.AdvanceTo(*next);
    Step(clock_.now());
  }
  return false;
}

}  // namespace sluice::test
