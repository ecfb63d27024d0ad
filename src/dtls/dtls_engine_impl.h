// DtlsEngine's private state and its OpenSSL side (internal to src/dtls; includes OpenSSL).
//
// dtls_engine.cc holds the public verbs and explains how the retransmission timer is driven in
// injected time; dtls_engine_impl.cc holds the OpenSSL setup, callbacks and record processing.
#pragma once

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

#include "dtls/datagram_bio.h"
#include "dtls/datagram_ring.h"
#include "dtls/dtls_aead_record_cipher.h"
#include "dtls/dtls_engine.h"
#include "dtls/dtls_record.h"
#include "dtls/dtls_replay_window.h"

namespace sluice::dtls {

// Room for a record header (13), explicit IV/nonce (16), MAC (48) and CBC padding (<= 256
// would be legal, OpenSSL uses < 16) around the largest plaintext.
inline constexpr size_t kMaxRecordOverhead = 128;
// How far OpenSSL's own copy of the retransmission deadline is pushed out of reach.
inline constexpr time_t kFarFutureSeconds = 10L * 365 * 24 * 3600;

// OpenSSL before 3.2 hands the BIO a pointer to its own deadline (d1->next_timeout), which we
// rewrite to drive retransmission in injected time. 3.2 passes a pointer to a stack copy:
// there we must not keep or write it, and fall back to OpenSSL's real clock (see
// DtlsEngine::HandleTimeout).
#if OPENSSL_VERSION_NUMBER < 0x30200000L
inline constexpr bool kInjectedTimeTimer = true;
#else
inline constexpr bool kInjectedTimeTimer = false;
#endif

struct DtlsEngine::Impl final : DatagramBioHandler {
  // A queued event; application data lives in rx_ring_ in the same order.
  struct PendingEvent {
    DtlsEventType type;
    Error error;
    int alert;
    bool alert_from_peer;
  };

  Impl(const DtlsCertificate& cert, const DtlsConfig& cfg, size_t slot_size)
      : certificate(cert),
        config(cfg),
        tx_ring(cfg.transmit_slots, slot_size),
        rx_ring(cfg.receive_slots, cfg.max_application_data_size + 1),
        early_ring(cfg.early_record_slots, slot_size),
        events(cfg.receive_slots + 8) {}

  ~Impl() { SSL_free(ssl); }  // frees the BIO too

  Result<void> Init();
  void Drive();
  void ReadApplicationData();
  void OnHandshakeDone();
  void FailFromOpenSsl(const char* fallback);
  void Fail(Error error, int alert, bool alert_from_peer);
  void PushEvent(DtlsEventType type, Error error = {}, int alert = -1, bool from_peer = false);
  void FeedDatagram(std::span<const uint8_t> datagram);
  // A DTLS datagram while connecting or connected: RFC 6347 §4.1.2.7, "invalid records SHOULD
  // be silently discarded": OpenSSL does, and so does the fast path (which counts them).
  void Receive(std::span<const uint8_t> datagram) {
    if (fast.cipher) {
      ReceiveWithFastPath(datagram);
    } else {
      FeedDatagram(datagram);
    }
  }

  // AES-GCM application-data fast path (dtls_engine_fast_path.cc).
  void ActivateFastPath();
  void ReceiveWithFastPath(std::span<const uint8_t> datagram);
  void ReceiveFastRecord(const DtlsRecordView& record);
  Result<void> SendWithFastPath(std::span<const uint8_t> data);
  void NoteOpenSslRecords(std::span<const uint8_t> datagram);
  void WriteRenumbered(std::span<const uint8_t> datagram);
  void StopTimer() {
    deadline.reset();
    openssl_timer = nullptr;
  }

  // DatagramBioHandler.
  int OnBioRead(std::span<uint8_t> out) override {
    if (!rx_pending) return -1;
    rx_pending = false;
    const size_t n = std::min(out.size(), rx_datagram.size());
    if (n != 0) std::memcpy(out.data(), rx_datagram.data(), n);
    return static_cast<int>(n);
  }
  void OnBioWrite(std::span<const uint8_t> datagram) override {
    if (fast.cipher) {  // we own the sequence numbers of the new epoch now
      WriteRenumbered(datagram);
      return;
    }
    if (config.aead_fast_path) NoteOpenSslRecords(datagram);
    if (!tx_ring.Push(datagram)) ++stats.transmit_dropped;  // as a lossy link would
  }
  void OnBioTimer(timeval* next_timeout) override {
    if (next_timeout == nullptr || (next_timeout->tv_sec == 0 && next_timeout->tv_usec == 0)) {
      StopTimer();  // dtls1_stop_timer: the flight was answered
      return;
    }
    // dtls1_start_timer: OpenSSL set next_timeout = its clock + timeout_us; mirror it on ours
    // and move OpenSSL's deadline out of reach of its own clock.
    if (timeout_us == 0) timeout_us = static_cast<unsigned int>(  // never asked: use initial
        std::chrono::duration_cast<std::chrono::microseconds>(config.initial_retransmit_timeout)
            .count());
    deadline = now + std::chrono::microseconds(timeout_us);
    if constexpr (kInjectedTimeTimer) {
      openssl_timer = next_timeout;
      next_timeout->tv_sec += kFarFutureSeconds;
    }
  }
  size_t PendingReadBytes() const override { return rx_pending ? rx_datagram.size() : 0; }
  size_t FallbackMtu() const override { return config.mtu; }

  // DTLS_set_timer_cb: 0 asks for the initial duration, otherwise for the next one.
  static unsigned int TimerCallback(SSL* ssl, unsigned int previous_us) {
    auto* self = static_cast<Impl*>(SSL_get_app_data(ssl));
    const auto initial = std::chrono::duration_cast<std::chrono::microseconds>(
        self->config.initial_retransmit_timeout);
    const auto max = std::chrono::duration_cast<std::chrono::microseconds>(
        self->config.max_retransmit_timeout);
    uint64_t next = previous_us == 0 ? static_cast<uint64_t>(initial.count())
                                     : uint64_t{previous_us} * 2;  // RFC 6347 §4.2.4.1
    next = std::min<uint64_t>(next, static_cast<uint64_t>(max.count()));
    self->timeout_us = static_cast<unsigned int>(next);
    return self->timeout_us;
  }

  // SSL_CTX_set_cert_verify_callback: replaces X.509 chain building (self-signed peers).
  static int VerifyCallback(X509_STORE_CTX* store, void* /*arg*/) {
    auto* ssl = static_cast<SSL*>(
        X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto* self = static_cast<Impl*>(SSL_get_app_data(ssl));
    X509* peer = X509_STORE_CTX_get0_cert(store);
    if (peer == nullptr) {
      self->local_failure = MakeError(ErrorCode::kAuthFailed, "peer sent no certificate");
      X509_STORE_CTX_set_error(store, X509_V_ERR_UNSPECIFIED);
      return 0;
    }
    auto fp = FingerprintOf(peer, self->remote_fp.algorithm());
    // RFC 8122 §5 / RFC 5763 §5 (paraphrased): the certificate the peer presents in the
    // handshake must match the fingerprint from its SDP, otherwise the session is torn down.
    if (!fp || !fp->Matches(self->remote_fp)) {
      self->local_failure = MakeError(
          ErrorCode::kAuthFailed, "remote certificate does not match the SDP fingerprint");
      X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
      return 0;
    }
    self->peer_verified = true;
    return 1;
  }

  // SSL_set_info_callback: remembers alerts in both directions.
  static void InfoCallback(const SSL* ssl, int where, int value) {
    if ((where & SSL_CB_ALERT) == 0) return;
    auto* self = static_cast<Impl*>(SSL_get_app_data(ssl));
    const int level = (value >> 8) & 0xFF;
    const int description = value & 0xFF;
    if (description == SSL3_AD_CLOSE_NOTIFY) return;
    if (where & SSL_CB_READ) {
      if (level == SSL3_AL_FATAL) self->alert_received = description;
    } else {
      self->alert_sent = description;
    }
  }

  DtlsCertificate certificate;
  DtlsConfig config;
  SSL* ssl = nullptr;

  Instant now{};
  DtlsState state = DtlsState::kNew;
  DtlsRole role = DtlsRole::kClient;
  DtlsFingerprint remote_fp;
  bool peer_verified = false;

  // The datagram HandleReceive is feeding OpenSSL.
  std::span<const uint8_t> rx_datagram;
  bool rx_pending = false;

  // Retransmission timer mirrored in injected time (see the top of this file).
  std::optional<Instant> deadline;
  timeval* openssl_timer = nullptr;
  unsigned int timeout_us = 0;

  DatagramRing tx_ring;
  DatagramRing rx_ring;
  DatagramRing early_ring;
  bool tx_lent = false;  // tx_ring's front was returned by PollTransmit
  bool rx_lent = false;  // rx_ring's front was returned by PollEvent

  std::vector<PendingEvent> events;  // fixed ring
  size_t event_head = 0;
  size_t event_count = 0;

  std::optional<Error> local_failure;
  int alert_received = -1;
  int alert_sent = -1;
  SrtpKeyingMaterial keys;
  DtlsStats stats;

  // The fast path's state (dtls_engine_fast_path.cc explains the sequence-number rules).
  struct FastPath {
    std::unique_ptr<DtlsAeadRecordCipher> cipher;  // set at kConnected if the suite fits
    DtlsReplayWindow window;                      // the peer's records in the new epoch
    uint64_t next_write_sequence = 0;
    // The highest new-epoch sequence number OpenSSL wrote before we took over.
    uint64_t openssl_highest_sequence = 0;
    bool openssl_wrote_new_epoch = false;
  } fast;
};

}  // namespace sluice::dtls
