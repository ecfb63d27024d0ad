// The DTLS 1.2 engine: RFC 6347 (DTLS 1.2), RFC 5764 (DTLS-SRTP), RFC 8842 (DTLS in SDP
// offer/answer), RFC 7714 (AEAD SRTP profiles), on OpenSSL, sans-IO (DESIGN.md §3).
//
// One engine per PeerConnection transport. It never reads a clock, never touches a socket:
//
//   auto engine = DtlsEngine::Create(certificate, config);    // may receive before Start()
//   engine->HandleReceive(now, datagram);                      // records queued until Start()
//   engine->Start(now, DtlsRole::kClient, remote_fingerprint); // roles from SDP a=setup
//   while (auto d = engine->PollTransmit()) socket.send(*d);
//   while (auto e = engine->PollEvent()) ...                   // kConnected carries SRTP keys
//   deadline = engine->PollTimeout();  ...  engine->HandleTimeout(now);
//
// Roles: RFC 5763 §5 / RFC 8842 (a=setup from RFC 4145): the a=setup:active side is the DTLS
// client, a=setup:passive the server. Both sides send a certificate; the peer's is accepted iff its fingerprint matches the
// one from SDP (RFC 8122 §5): a mismatch fails the connection (kFailed, kAuthFailed) and OpenSSL
// sends bad_certificate. DTLS 1.2 only, extended master secret (OpenSSL's default), no
// renegotiation, no session tickets, ECDHE with Chromium's cipher suites by default.
//
// Thread rules: not thread-safe; one thread (the event loop's) calls every method. Nothing
// calls back into the caller: results are pulled with PollTransmit / PollEvent / PollTimeout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/time.h"
#include "dtls/dtls_certificate.h"
#include "dtls/dtls_fingerprint.h"
#include "dtls/dtls_srtp.h"
#include "sluice/result.h"

namespace sluice::dtls {

enum class DtlsRole : uint8_t {
  kClient,  // SDP a=setup:active: sends the ClientHello
  kServer,  // SDP a=setup:passive: waits for it
};

enum class DtlsState : uint8_t { kNew, kConnecting, kConnected, kClosed, kFailed };

const char* ToString(DtlsState state);

struct DtlsConfig {
  // SRTP protection profiles for use_srtp, most preferred first. A client offers them in this
  // order; a server picks the first of these that the client offered (OpenSSL's rule). Empty:
  // no use_srtp extension (data channels only).
  std::vector<SrtpProfile> srtp_profiles = {SrtpProfile::kAeadAes128Gcm,
                                            SrtpProfile::kAeadAes256Gcm,
                                            SrtpProfile::kAes128CmSha1_80};
  // OpenSSL cipher list (DTLS 1.2); default: what Chromium offers, ECDSA first.
  std::string cipher_list =
      "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
      "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"
      "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:"
      "ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA";
  // Largest datagram a handshake flight uses (records + DTLS headers, no UDP/IP): flights
  // fragment to fit, 1200 like browsers.
  size_t mtu = 1200;
  // Largest Send() payload, and largest incoming record accepted (bigger ones are dropped).
  // One application record per datagram (SCTP packets are small).
  size_t max_application_data_size = 1500;
  // RFC 6347 §4.2.4.1: "Implementations SHOULD use an initial timer value of 1 second ... and
  // double the value at each retransmission, up to no less than the RFC 6298 maximum of 60
  // seconds." OpenSSL gives up after 12 timeouts (kFailed, "handshake timed out").
  Duration initial_retransmit_timeout = seconds(1);
  Duration max_retransmit_timeout = seconds(60);
  // Fixed rings allocated once: datagrams waiting for PollTransmit, received application
  // records waiting for PollEvent, and records that arrive before Start(). The transmit ring
  // must hold a whole flight (OpenSSL writes one in a single call; a flight of an ECDSA
  // certificate is one or two 1200-byte datagrams): at least 4 slots.
  size_t transmit_slots = 16;
  size_t receive_slots = 16;
  size_t early_record_slots = 4;
  // Application-data fast path: once the handshake is done with an AES-128-GCM or AES-256-GCM
  // suite, the engine seals and opens application_data records of the new epoch itself with
  // pre-keyed EVP contexts (TLS 1.2 key expansion of OpenSSL's master secret) instead of
  // SSL_write/SSL_read; OpenSSL keeps the handshake, its retransmissions, alerts and close.
  // Other suites always use OpenSSL's record layer. Off: OpenSSL does every record.
  bool aead_fast_path = true;
};

enum class DtlsEventType : uint8_t {
  kConnected,        // handshake done: srtp holds the negotiated profile and keys
  kApplicationData,  // data: one decrypted record
  kClosed,           // the peer sent close_notify (we answered with ours)
  kFailed,           // error says why; alert is set if an alert was received or sent
};

struct DtlsEvent {
  DtlsEventType type = DtlsEventType::kConnected;
  // kConnected: profile kNone if use_srtp was not negotiated (then no keys).
  SrtpKeyingMaterial srtp;
  // kApplicationData: valid until the next PollEvent() call.
  std::span<const uint8_t> data;
  // kFailed / kClosed: why (static message).
  Error error{};
  // RFC 5246 §7.2 AlertDescription that ended the connection, -1 if none; alert_from_peer
  // tells who sent it; alert_description is OpenSSL's static name ("bad certificate").
  int alert = -1;
  bool alert_from_peer = false;
  const char* alert_description = "";
};

struct DtlsStats {
  uint64_t datagrams_received = 0;
  uint64_t datagrams_sent = 0;        // handed out by PollTransmit
  uint64_t retransmit_timeouts = 0;   // HandleTimeout calls that made OpenSSL retransmit
  uint64_t non_dtls_dropped = 0;      // first byte outside 20..63 (RFC 7983)
  uint64_t early_dropped = 0;         // arrived before Start() with the early queue full
  uint64_t transmit_dropped = 0;      // OpenSSL wrote with the transmit ring full
  uint64_t receive_dropped = 0;       // application data with the receive ring full / too big
  uint64_t application_records_sent = 0;
  uint64_t application_records_received = 0;
  // Fast path (DtlsConfig::aead_fast_path): application records we sealed / opened ourselves;
  // OpenSSL's own new-epoch records (alerts, a retransmitted Finished) that we renumbered after
  // taking over the sequence; received application records dropped because they failed
  // authentication, were replayed or older than the 64-record window (RFC 6347 §4.1.2.6), or
  // were too short or cut off.
  uint64_t fast_records_sent = 0;
  uint64_t fast_records_received = 0;
  uint64_t fast_records_renumbered = 0;
  uint64_t fast_auth_failed = 0;
  uint64_t fast_replayed = 0;
  uint64_t fast_malformed = 0;
};

class DtlsEngine {
 public:
  // Validates the config and builds the OpenSSL context. kInvalidArgument names the bad field.
  static Result<DtlsEngine> Create(const DtlsCertificate& certificate,
                                   const DtlsConfig& config = {});

  DtlsEngine(DtlsEngine&&) noexcept;
  DtlsEngine& operator=(DtlsEngine&&) noexcept;
  ~DtlsEngine();

  // Begins the handshake in `role`, accepting only a peer certificate that matches
  // `remote_fingerprint` (from the remote SDP). Replays records received before now. A client
  // queues its ClientHello. kInvalidState if already started.
  Result<void> Start(Instant now, DtlsRole role, const DtlsFingerprint& remote_fingerprint);

  // One UDP payload whose first byte is 20..63 (RFC 7983); others are counted and dropped.
  // Before Start() the datagram is copied into the early queue (bounded; excess is dropped).
  void HandleReceive(Instant now, std::span<const uint8_t> datagram);
  // Retransmits the current flight if the deadline from PollTimeout() has passed.
  void HandleTimeout(Instant now);

  // The next datagram to send; the view is valid until the next PollTransmit() call.
  std::optional<std::span<const uint8_t>> PollTransmit();
  std::optional<DtlsEvent> PollEvent();
  // The retransmission deadline while a flight is outstanding.
  std::optional<Instant> PollTimeout() const;

  // Encrypts `data` as one application_data record (kConnected only). kInvalidArgument if
  // empty or over max_application_data_size, kExhausted if the transmit ring is full.
  Result<void> Send(std::span<const uint8_t> data);
  // Sends close_notify (if connected) and stops; no event is produced for a local close.
  void Close();

  DtlsState state() const;
  DtlsRole role() const;
  const DtlsStats& stats() const;
  // After kConnected: the negotiated profile and keys, and OpenSSL's cipher suite name.
  const SrtpKeyingMaterial& srtp_keying_material() const;
  const char* cipher_suite() const;
  // True once application records go through the AES-GCM fast path (DtlsConfig::aead_fast_path
  // and an AES-GCM suite, from kConnected on).
  bool aead_fast_path_active() const;
  // The fingerprint the peer's certificate was checked against.
  const DtlsFingerprint& remote_fingerprint() const;

  struct Impl;

 private:
  explicit DtlsEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::dtls
