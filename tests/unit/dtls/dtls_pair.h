// Two DTLS engines, A and Z, wired by two SimulatedLinks and stepped in simulated time by an
// "exchange datagrams and advance time" helper (the dcSCTP socket-test habit).
//
// Every datagram an engine emits after one call (a "burst": a flight or its retransmission) is
// recorded with its time, classified by its first record, and may be dropped by a filter.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dtls/dtls_engine.h"
#include "support/fake_clock.h"
#include "support/simulated_link.h"

namespace sluice::dtls::test {

using sluice::test::FakeClock;
using sluice::test::SimulatedLink;
using sluice::test::SimulatedLinkOptions;

// A copied event (DtlsEvent::data is only valid until the next PollEvent).
struct RecordedEvent {
  DtlsEventType type;
  SrtpKeyingMaterial srtp;
  std::vector<uint8_t> data;
  Error error;
  int alert = -1;
  bool alert_from_peer = false;
  std::string alert_description;
  Instant at;
};

// What the first record of a datagram is (epoch-0 headers are plaintext).
enum class Flight { kClientHello, kServerHello, kClientCertificate, kChangeCipherSpec, kAlert,
                    kApplicationData, kOther };
Flight Classify(std::span<const uint8_t> datagram);

struct Burst {
  Instant at;
  Flight first;
  size_t datagrams = 0;
  bool dropped = false;
};

struct Side {
  explicit Side(DtlsEngine e) : engine(std::move(e)) {}
  DtlsEngine engine;
  std::vector<RecordedEvent> events;
  std::vector<Burst> bursts;
  // Return true to drop this whole burst (called before it enters the link).
  std::function<bool(const Burst&, size_t burst_index)> drop_burst;

  bool connected() const { return Has(DtlsEventType::kConnected); }
  bool failed() const { return Has(DtlsEventType::kFailed); }
  bool Has(DtlsEventType type) const {
    for (const auto& e : events) {
      if (e.type == type) return true;
    }
    return false;
  }
  const RecordedEvent* Find(DtlsEventType type) const {
    for (const auto& e : events) {
      if (e.type == type) return &e;
    }
    return nullptr;
  }
  std::vector<std::vector<uint8_t>> ReceivedData() const {
    std::vector<std::vector<uint8_t>> out;
    for (const auto& e : events) {
      if (e.type == DtlsEventType::kApplicationData) out.push_back(e.data);
    }
    return out;
  }
};

class DtlsPair {
 public:
  DtlsPair(const DtlsCertificate& cert_a, const DtlsConfig& config_a,
           const DtlsCertificate& cert_z, const DtlsConfig& config_z,
           SimulatedLinkOptions a_to_z = {}, SimulatedLinkOptions z_to_a = {});

  // A is the client unless `a_is_client` is false. Fingerprints default to the real ones.
  void Start(bool a_is_client = true, std::optional<DtlsFingerprint> a_expects = std::nullopt,
             std::optional<DtlsFingerprint> z_expects = std::nullopt);

  // Delivers, drains and advances time to the next event until `done` or `limit` of simulated
  // time passes. Returns whether `done` became true.
  bool RunUntil(const std::function<bool()>& done, Duration limit = seconds(600));
  bool RunUntilConnected(Duration limit = seconds(600)) {
    return RunUntil([&] { return a.connected() && z.connected(); }, limit);
  }
  // Runs until nothing is in flight and no deadline is within `quiet`.
  void Settle(Duration limit = seconds(5)) { RunUntil([] { return false; }, limit); }

  // Drains both engines' transmits and events (after a direct call such as Send()).
  void Drain();

  FakeClock clock;
  SimulatedLink link_az;
  SimulatedLink link_za;
  Side a;
  Side z;
  DtlsCertificate cert_a;
  DtlsCertificate cert_z;

 private:
  void DrainSide(Side& side, SimulatedLink& link);
};

}  // namespace sluice::dtls::test
