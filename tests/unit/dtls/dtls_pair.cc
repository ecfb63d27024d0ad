#include "dtls_pair.h"

#include <gtest/gtest.h>

namespace sluice::dtls::test {
namespace {

DtlsEngine MustCreate(const DtlsCertificate& cert, const DtlsConfig& config) {
  auto engine = DtlsEngine::Create(cert, config);
  if (!engine) {
    ADD_FAILURE() << "DtlsEngine::Create: " << engine.error().message;
    std::abort();
  }
  return std::move(engine).value();
}

}  // namespace

Flight Classify(std::span<const uint8_t> d) {
  if (d.size() < 13) return Flight::kOther;
  switch (d[0]) {
    case 20: return Flight::kChangeCipherSpec;
    case 21: return Flight::kAlert;
    case 23: return Flight::kApplicationData;
    case 22: {
      const bool epoch0 = d[3] == 0 && d[4] == 0;
      if (!epoch0 || d.size() < 14) return Flight::kOther;
      switch (d[13]) {
        case 1: return Flight::kClientHello;
        case 2: return Flight::kServerHello;
        case 11: return Flight::kClientCertificate;  // the client flight starts with Certificate
        default: return Flight::kOther;
      }
    }
    default: return Flight::kOther;
  }
}

DtlsPair::DtlsPair(const DtlsCertificate& ca, const DtlsConfig& config_a,
                   const DtlsCertificate& cz, const DtlsConfig& config_z,
                   SimulatedLinkOptions a_to_z, SimulatedLinkOptions z_to_a)
    : link_az(a_to_z),
      link_za(z_to_a),
      a(MustCreate(ca, config_a)),
      z(MustCreate(cz, config_z)),
      cert_a(ca),
      cert_z(cz) {}

void DtlsPair::Start(bool a_is_client, std::optional<DtlsFingerprint> a_expects,
                     std::optional<DtlsFingerprint> z_expects) {
  const DtlsFingerprint fa = a_expects.value_or(cert_z.fingerprint());
  const DtlsFingerprint fz = z_expects.value_or(cert_a.fingerprint());
  // The server starts first, as a PeerConnection's passive side is ready before the ClientHello.
  if (a_is_client) {
    ASSERT_TRUE(z.engine.Start(clock.now(), DtlsRole::kServer, fz).ok());
    ASSERT_TRUE(a.engine.Start(clock.now(), DtlsRole::kClient, fa).ok());
  } else {
    ASSERT_TRUE(a.engine.Start(clock.now(), DtlsRole::kServer, fa).ok());
    ASSERT_TRUE(z.engine.Start(clock.now(), DtlsRole::kClient, fz).ok());
  }
  Drain();
}

void DtlsPair::DrainSide(Side& side, SimulatedLink& link) {
  std::vector<std::vector<uint8_t>> burst;
  while (auto d = side.engine.PollTransmit()) burst.emplace_back(d->begin(), d->end());
  if (!burst.empty()) {
    Burst b{clock.now(), Classify(burst.front()), burst.size(), false};
    if (side.drop_burst && side.drop_burst(b, side.bursts.size())) b.dropped = true;
    side.bursts.push_back(b);
    if (!b.dropped) {
      for (const auto& d : burst) link.Send(clock.now(), d);
    }
  }
  while (auto e = side.engine.PollEvent()) {
    RecordedEvent r{e->type, e->srtp, {e->data.begin(), e->data.end()}, e->error, e->alert,
                    e->alert_from_peer, e->alert_description, clock.now()};
    side.events.push_back(std::move(r));
  }
}

void DtlsPair::Drain() {
  DrainSide(a, link_az);
  DrainSide(z, link_za);
}

bool DtlsPair::RunUntil(const std::function<bool()>& done, Duration limit) {
  const Instant end = clock.now() + limit;
  for (int steps = 0; steps < 1000000; ++steps) {
    Drain();
    if (done()) return true;
    // Deliver everything due now, draining after each delivery (one burst per call).
    bool delivered = false;
    while (auto d = link_az.Poll(clock.now())) {
      z.engine.HandleReceive(clock.now(), *d);
      DrainSide(z, link_za);
      delivered = true;
    }
    while (auto d = link_za.Poll(clock.now())) {
      a.engine.HandleReceive(clock.now(), *d);
      DrainSide(a, link_az);
      delivered = true;
    }
    if (delivered) continue;
    // Fire due timers.
    bool fired = false;
    for (Side* s : {&a, &z}) {
      if (auto t = s->engine.PollTimeout(); t && *t <= clock.now()) {
        s->engine.HandleTimeout(clock.now());
        fired = true;
      }
    }
    if (fired) continue;
    // Advance to the soonest of: deliveries and deadlines.
    std::optional<Instant> next = Soonest(link_az.NextDelivery(), link_za.NextDelivery());
    next = Soonest(next, a.engine.PollTimeout());
    next = Soonest(next, z.engine.PollTimeout());
    if (!next || *next > end) {
      clock.AdvanceTo(end);
      Drain();
      return done();
    }
    clock.AdvanceTo(*next);
  }
  ADD_FAILURE() << "RunUntil: too many steps";
  return false;
}

}  // namespace sluice::dtls::test
