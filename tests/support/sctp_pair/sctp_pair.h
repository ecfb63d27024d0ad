// Two SCTP/DTLS endpoints, A (DTLS client: even stream ids) and Z (DTLS server: odd ids),
// glued the way the PeerConnection glues them: SCTP packets are DTLS application records, one
// record per datagram. The datagrams travel either over two tests/support SimulatedLinks (loss,
// reordering, duplication, delay: for tests) or straight from one engine to the other (no copy
// beyond DTLS's own: for benchmarks). Stepped in simulated time by a FakeClock.
// Test support: not library code (it may allocate).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "common/time.h"
#include "dtls/dtls_certificate.h"
#include "dtls/dtls_engine.h"
#include "sctp/sctp_transport.h"
#include "support/fake_clock.h"
#include "support/simulated_link.h"

namespace sluice::test {

class SctpPeer {
 public:
  // Called for every SCTP event as it is polled; the event's data is valid during the call.
  using EventHandler = std::function<void(SctpPeer&, const sctp::SctpEvent&)>;

  SctpPeer(const sctp::SctpConfig& config, dtls::DtlsRole role);

  void Learn(const SctpPeer& remote) { remote_fingerprint_ = remote.certificate_.fingerprint(); }
  void Start(Instant now);  // DTLS; SCTP starts when DTLS connects

  // One datagram from the network.
  void Deliver(Instant now, std::span<const uint8_t> datagram);
  void HandleTimeout(Instant now);
  std::optional<Instant> PollTimeout() const;
  // Moves SCTP packets into DTLS and DTLS datagrams into `send`; polls SCTP events (unless
  // reading is off). Returns whether anything moved.
  bool Flush(Instant now, const std::function<void(std::span<const uint8_t>)>& send);

  sctp::SctpTransport& sctp() { return *sctp_; }
  dtls::DtlsEngine& dtls() { return dtls_; }
  bool connected() const { return connected_; }
  bool closed() const { return closed_; }
  const Error& close_error() const { return close_error_; }
  // Stop / resume polling SCTP events (a reader that stalls).
  void set_reading(bool on) { reading_ = on; }
  void set_handler(EventHandler h) { handler_ = std::move(h); }
  uint64_t dtls_send_refused() const { return dtls_send_refused_; }

 private:
  dtls::DtlsCertificate certificate_;
  dtls::DtlsEngine dtls_;
  dtls::DtlsRole role_;
  dtls::DtlsFingerprint remote_fingerprint_;
  std::unique_ptr<sctp::SctpTransport> sctp_;
  bool connected_ = false;
  bool closed_ = false;
  Error close_error_{};
  bool reading_ = true;
  EventHandler handler_;
  uint64_t dtls_send_refused_ = 0;
};

struct SctpPairOptions {
  sctp::SctpConfig a_config;
  sctp::SctpConfig z_config;
  // Used when `direct` is false.
  SimulatedLinkOptions link;
  // Datagrams go from one DTLS engine to the other at once (benchmarks).
  bool direct = false;
};

class SctpPair {
 public:
  explicit SctpPair(const SctpPairOptions& options = {});

  // DTLS handshake then SCTP association; true when both sides saw kConnected.
  bool Connect(Duration limit = seconds(30));
  // Moves everything that can move now (no time passes).
  void Pump();
  // Steps both peers and links until done() or `limit` passes.
  bool RunUntil(const std::function<bool()>& done, Duration limit);

  FakeClock& clock() { return clock_; }
  Instant now() const { return clock_.now(); }
  SctpPeer& a() { return *a_; }
  SctpPeer& z() { return *z_; }
  SimulatedLink* az() { return az_.get(); }
  SimulatedLink* za() { return za_.get(); }

 private:
  void Step(Instant now);

  SctpPairOptions options_;
  FakeClock clock_;
  std::unique_ptr<SctpPeer> a_;
  std::unique_ptr<SctpPeer> z_;
  std::unique_ptr<SimulatedLink> az_;
  std::unique_ptr<SimulatedLink> za_;
};

}  // namespace sluice::test
