// One endpoint of the two-peer secure-transport tests: ICE + DTLS + SRTP engines glued the way
// the PeerConnection will glue them (RFC 7983 demux of one UDP 5-tuple), driven in simulated
// time over a tests/support SimulatedLink. Test support: not library code.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/demux.h"
#include "common/time.h"
#include "dtls/dtls_certificate.h"
#include "dtls/dtls_engine.h"
#include "ice/agent.h"
#include "sluice/packet_buffer.h"
#include "srtp/srtp_session.h"
#include "support/fake_clock.h"
#include "support/simulated_link.h"

namespace sluice::test {

struct PeerCounters {
  uint64_t media_datagrams = 0;  // RTP/RTCP-range datagrams received after keying
  uint64_t rtp_unprotected = 0;
  uint64_t rtcp_unprotected = 0;
  uint64_t srtp_rejected = 0;
  uint64_t demux_unknown = 0;
};

class SecureTransportPeer {
 public:
  SecureTransportPeer(std::string name, ice::TransportAddress address, ice::Role ice_role,
                      dtls::DtlsRole dtls_role, uint64_t seed);

  // Signalling (what the SDP offer/answer would carry), exchanged before Start.
  void Learn(const SecureTransportPeer& remote);
  void Start(Instant now);

  void Deliver(Instant now, std::span<const uint8_t> datagram);
  void HandleTimeout(Instant now);
  std::optional<Instant> PollTimeout() const;
  // Drains every engine's output onto `out` and reacts to events.
  void Flush(Instant now, SimulatedLink& out);

  // Media once SRTP is up: protect a plaintext RTP/RTCP packet and send it.
  Result<void> SendRtp(Instant now, std::span<const uint8_t> plaintext, SimulatedLink& out);
  Result<void> SendRtcp(Instant now, std::span<const uint8_t> plaintext, SimulatedLink& out);

  bool secure() const { return srtp_in_ != nullptr; }
  ice::Agent& ice() { return ice_; }
  dtls::DtlsEngine& dtls() { return dtls_; }
  const std::string& name() const { return name_; }
  const ice::TransportAddress& address() const { return address_; }
  std::optional<Instant> secure_at() const { return secure_at_; }
  std::optional<ice::ConnectionState> ice_failed_state() const { return ice_failed_; }
  std::optional<Instant> ice_failed_at() const { return ice_failed_at_; }
  const char* ice_failure_reason() const { return ice_failure_reason_; }
  const std::vector<std::vector<uint8_t>>& rtp_received() const { return rtp_received_; }
  const std::vector<std::vector<uint8_t>>& rtcp_received() const { return rtcp_received_; }
  const PeerCounters& counters() const { return counters_; }
  const SrtpSession* srtp_in() const { return srtp_in_.get(); }

 private:
  void OnIceEvent(Instant now, const ice::Event& e);
  void OnDtlsEvent(const dtls::DtlsEvent& e);
  Result<void> SendProtected(std::span<const uint8_t> plaintext, bool rtcp, SimulatedLink& out,
                             Instant now);

  std::string name_;
  ice::TransportAddress address_;
  ice::TransportAddress remote_address_;
  ice::Agent ice_;
  ice::Candidate host_candidate_;
  dtls::DtlsCertificate certificate_;
  dtls::DtlsEngine dtls_;
  dtls::DtlsRole dtls_role_;
  dtls::DtlsFingerprint remote_fingerprint_;
  bool dtls_started_ = false;
  std::unique_ptr<PacketPool> pool_;
  std::unique_ptr<SrtpSession> srtp_out_;
  std::unique_ptr<SrtpSession> srtp_in_;
  std::optional<Instant> secure_at_;
  std::optional<ice::ConnectionState> ice_failed_;
  std::optional<Instant> ice_failed_at_;
  const char* ice_failure_reason_ = "";
  std::vector<std::vector<uint8_t>> rtp_received_;
  std::vector<std::vector<uint8_t>> rtcp_received_;
  PeerCounters counters_;
};

// Two peers, A (ICE controlling, DTLS server) and Z (controlled, client), wired by two
// SimulatedLinks and stepped in simulated time ("exchange datagrams and advance time").
class SecureTransportPair {
 public:
  explicit SecureTransportPair(uint64_t seed = 11);

  // Signals, starts both and runs until both have SRTP keys or `limit` passes.
  bool Connect(const SimulatedLinkOptions& link, Duration limit = seconds(30));
  // Steps both peers and both links until `done()` or `limit` has passed (bounded in steps too).
  template <typename Done>
  bool RunUntil(Done done, Duration limit);
  bool RunFor(Duration d) {
    return RunUntil([] { return false; }, d);
  }
  // Simulated time from Start to both sides keyed.
  Duration setup_time() const;

  FakeClock& clock() { return clock_; }
  SecureTransportPeer& a() { return a_; }
  SecureTransportPeer& z() { return z_; }
  SimulatedLink& az() { return *az_; }
  SimulatedLink& za() { return *za_; }

 private:
  void Step(Instant now);
  void Flush();

  FakeClock clock_;
  Instant start_;
  SecureTransportPeer a_;
  SecureTransportPeer z_;
  std::unique_ptr<SimulatedLink> az_;
  std::unique_ptr<SimulatedLink> za_;
};

template <typename Done>
bool SecureTransportPair::RunUntil(Done done, Duration limit) {
  const Instant deadline = clock_.now() + limit;
  for (int steps = 0; steps < 2'000'000; ++steps) {
    Flush();
    if (done()) return true;
    std::optional<Instant> next = Soonest(Soonest(a_.PollTimeout(), z_.PollTimeout()),
                                          Soonest(az_->NextDelivery(), za_->NextDelivery()));
    if (!next || *next > deadline) {
      clock_.AdvanceTo(deadline);
      Flush();
      return done();
    }
    clock_.AdvanceTo(*next);
    Step(clock_.now());
  }
  return false;  // step bound reached: the caller's expectation on done() fails
}

}  // namespace sluice::test
