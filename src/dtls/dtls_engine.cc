// DTLS 1.2 engine on OpenSSL 3.0, sans-IO.
//
// ## Clock honesty: how OpenSSL's retransmission timer runs in injected time
//
// OpenSSL 3.0 keeps the DTLS retransmission deadline in SSL->d1->next_timeout, set from
// gettimeofday() in dtls1_start_timer(), and DTLSv1_handle_timeout() (dtls1_handle_timeout)
// only retransmits if dtls1_is_timer_expired() says that deadline has passed on *its* clock.
// SSL_read/SSL_do_handshake also call dtls1_handle_timeout() on their own. So neither
// DTLS_set_timer_cb() alone (it only chooses durations) nor calling DTLSv1_handle_timeout() at
// our deadline is enough: in a simulated-time test no real time passes and nothing would ever
// be retransmitted, while a slow real run could retransmit behind our back.
//
// What we do:
//  1. DTLS_set_timer_cb() makes us the owner of every duration (initial 1 s, doubled up to
//     60 s, RFC 6347 §4.2.4.1), so the schedule is ours and configurable.
//  2. dtls1_start_timer()/dtls1_stop_timer() announce every change of the deadline to the read
//     BIO with BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT, passing a pointer to d1->next_timeout itself.
//     Our BIO (datagram_bio.cc) mirrors it in injected time: deadline_ = now_ + the duration
//     our callback last returned (stopped: no deadline), and pushes OpenSSL's own deadline
//     ten years ahead so OpenSSL's clock never fires a retransmission by itself.
//  3. When HandleTimeout(now) passes deadline_, we set that timeval to 1970-01-01 00:00:01
//     (expired, but non-zero so the timer still counts as running) and call
//     DTLSv1_handle_timeout(): OpenSSL asks our callback for the doubled duration, counts the
//     timeout (failing after 12), restarts its timer (which we mirror again) and retransmits.
// Result: retransmissions happen exactly at injected deadlines, tests never sleep, and real
// time is irrelevant. Rejected alternatives: a memory BIO + DTLSv1_handle_timeout() at our
// deadline (never fires in simulated time), interposing gettimeofday (process-wide, fragile),
// retransmitting recorded flights ourselves (the peer's replay window drops byte-identical
// records, so a lost final flight would never be answered).
// The cost is reliance on OpenSSL 1.1.1-3.1 passing &d1->next_timeout to the BIO: 3.2 keeps
// an OSSL_TIME and passes a timeval copy (dtls1_bio_set_next_timeout). We detect that at run
// time: if forcing does not make DTLSv1_handle_timeout() retransmit, the engine fails with a
// clear reason instead of silently never retransmitting. Moving to OpenSSL >= 3.2 needs a
// real-clock fallback here (DTLSv1_get_timeout), and simulated-time tests would then need it.
#include "dtls/dtls_engine.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <sys/time.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "dtls/datagram_bio.h"
#include "dtls/datagram_ring.h"

namespace sluice::dtls {
namespace {

// Room for a record header (13), explicit IV/nonce (16), MAC (48) and CBC padding (<= 256
// would be legal, OpenSSL uses < 16) around the largest plaintext.
constexpr size_t kMaxRecordOverhead = 128;
constexpr time_t kFarFutureSeconds = 10L * 365 * 24 * 3600;

SrtpProfile ProfileFromId(unsigned long id) {
  switch (id) {
    case 0x0001: return SrtpProfile::kAes128CmSha1_80;
    case 0x0007: return SrtpProfile::kAeadAes128Gcm;
    case 0x0008: return SrtpProfile::kAeadAes256Gcm;
    default: return SrtpProfile::kNone;
  }
}

// Which ErrorCode a fatal alert (RFC 5246 §7.2) maps to.
ErrorCode CodeForAlert(int alert) {
  switch (alert) {
    case SSL3_AD_HANDSHAKE_FAILURE:
    case SSL3_AD_BAD_CERTIFICATE:
    case SSL3_AD_UNSUPPORTED_CERTIFICATE:
    case SSL3_AD_CERTIFICATE_REVOKED:
    case SSL3_AD_CERTIFICATE_EXPIRED:
    case SSL3_AD_CERTIFICATE_UNKNOWN:
    case TLS1_AD_UNKNOWN_CA:
    case TLS1_AD_ACCESS_DENIED:
    case TLS1_AD_DECRYPT_ERROR:
    case TLS1_AD_INSUFFICIENT_SECURITY:
      return ErrorCode::kAuthFailed;
    case SSL3_AD_UNEXPECTED_MESSAGE:
    case SSL3_AD_BAD_RECORD_MAC:
    case SSL3_AD_ILLEGAL_PARAMETER:
    case TLS1_AD_DECODE_ERROR:
    case TLS1_AD_RECORD_OVERFLOW:
      return ErrorCode::kMalformed;
    case TLS1_AD_PROTOCOL_VERSION:
      return ErrorCode::kUnsupported;
    default:
      return ErrorCode::kInternal;
  }
}

}  // namespace

const char* ToString(DtlsState state) {
  switch (state) {
    case DtlsState::kNew: return "new";
    case DtlsState::kConnecting: return "connecting";
    case DtlsState::kConnected: return "connected";
    case DtlsState::kClosed: return "closed";
    case DtlsState::kFailed: return "failed";
  }
  return "unknown";
}

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
    openssl_timer = next_timeout;
    next_timeout->tv_sec += kFarFutureSeconds;
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
};

namespace {

// One SSL_CTX per process, configured once and then only read (SSL_new from several threads is
// safe). Building an SSL_CTX costs ~0.5 ms in OpenSSL 3.0 (algorithm fetches), more than the
// handshake's own crypto, so per-engine settings go on the SSL object instead.
SSL_CTX* SharedContext() {
  static SSL_CTX* const ctx = [] {
    SSL_CTX* c = SSL_CTX_new(DTLS_method());
    if (c == nullptr) return c;
    // DTLS 1.2 only (RFC 8827 §6.5 requires DTLS 1.2 or later; OpenSSL 3.0 has no DTLS 1.3).
    if (SSL_CTX_set_min_proto_version(c, DTLS1_2_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(c, DTLS1_2_VERSION) != 1) {
      SSL_CTX_free(c);
      return static_cast<SSL_CTX*>(nullptr);
    }
    // No path-MTU probing (we set the MTU), no renegotiation, no tickets, no session cache.
    // Extended master secret (RFC 7627) stays on, as OpenSSL does by default.
    SSL_CTX_set_options(c, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET |
                               SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
    // Replaces X.509 chain building: the peer's self-signed certificate is accepted iff its
    // fingerprint matches the SDP (Impl::VerifyCallback).
    SSL_CTX_set_cert_verify_callback(c, &DtlsEngine::Impl::VerifyCallback, nullptr);
    return c;
  }();
  return ctx;
}

}  // namespace

Result<void> DtlsEngine::Impl::Init() {
  SSL_CTX* ctx = SharedContext();
  if (ctx == nullptr) return MakeError(ErrorCode::kInternal, "cannot build the DTLS SSL_CTX");
  ssl = SSL_new(ctx);
  if (ssl == nullptr) return MakeError(ErrorCode::kInternal, "SSL_new failed");
  SSL_set_app_data(ssl, this);
  if (SSL_set_cipher_list(ssl, config.cipher_list.c_str()) != 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "DtlsConfig::cipher_list names no cipher suite OpenSSL supports");
  }
  if (SSL_set1_groups_list(ssl, "X25519:P-256:P-384") != 1) {
    return MakeError(ErrorCode::kInternal, "cannot set the ECDHE groups");
  }
  if (SSL_use_certificate(ssl, certificate.x509()) != 1 ||
      SSL_use_PrivateKey(ssl, certificate.private_key()) != 1 ||
      SSL_check_private_key(ssl) != 1) {
    return MakeError(ErrorCode::kInvalidArgument, "OpenSSL refused the certificate or its key");
  }
  if (!config.srtp_profiles.empty()) {
    std::string list;
    for (SrtpProfile p : config.srtp_profiles) {
      if (SrtpMasterKeySize(p) == 0) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "DtlsConfig::srtp_profiles holds an unknown profile");
      }
      if (!list.empty()) list += ':';
      list += SrtpProfileName(p);
    }
    // Note the inverted convention: SSL_set_tlsext_use_srtp returns 0 on success.
    if (SSL_set_tlsext_use_srtp(ssl, list.c_str()) != 0) {
      return MakeError(ErrorCode::kUnsupported, "OpenSSL refused the SRTP profile list");
    }
  }
  // Both sides present a certificate and require the peer's.
  SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_set_info_callback(ssl, &Impl::InfoCallback);
  DTLS_set_timer_cb(ssl, &Impl::TimerCallback);
  BIO* bio = NewDatagramBio(this);
  if (bio == nullptr) return MakeError(ErrorCode::kInternal, "cannot create the datagram BIO");
  SSL_set_bio(ssl, bio, bio);  // one reference, owned by ssl from here
  // SSL_set_mtu returns the MTU it set (0 if below OpenSSL's minimum).
  if (SSL_set_mtu(ssl, static_cast<long>(config.mtu)) <= 0) {
    return MakeError(ErrorCode::kInvalidArgument, "DtlsConfig::mtu is below OpenSSL's minimum");
  }
  return Ok();
}

void DtlsEngine::Impl::PushEvent(DtlsEventType type, Error error, int alert, bool from_peer) {
  if (event_count == events.size()) return;  // cannot happen: sized for rx_ring + state events
  events[(event_head + event_count) % events.size()] = {type, error, alert, from_peer};
  ++event_count;
}

void DtlsEngine::Impl::Fail(Error error, int alert, bool alert_from_peer) {
  if (state == DtlsState::kFailed || state == DtlsState::kClosed) return;
  state = DtlsState::kFailed;
  StopTimer();
  PushEvent(DtlsEventType::kFailed, error, alert, alert_from_peer);
}

void DtlsEngine::Impl::FailFromOpenSsl(const char* fallback) {
  const unsigned long err = ERR_peek_last_error();
  ERR_clear_error();
  if (local_failure) {  // our own check failed (we sent an alert about it)
    Fail(*local_failure, alert_sent, false);
  } else if (alert_received >= 0) {
    Fail(MakeError(CodeForAlert(alert_received), "peer sent a fatal DTLS alert"), alert_received,
         true);
  } else if (ERR_GET_LIB(err) == ERR_LIB_SSL && ERR_GET_REASON(err) == SSL_R_READ_TIMEOUT_EXPIRED) {
    Fail(MakeError(ErrorCode::kExhausted,
                   "DTLS handshake timed out: no answer to 12 retransmissions"),
         -1, false);
  } else {
    // OpenSSL's reason strings are static tables, so they satisfy Error's lifetime rule.
    const char* reason = err != 0 ? ERR_reason_error_string(err) : nullptr;
    Fail(MakeError(alert_sent >= 0 ? CodeForAlert(alert_sent) : ErrorCode::kInternal,
                   reason != nullptr ? reason : fallback),
         alert_sent, false);
  }
}

void DtlsEngine::Impl::OnHandshakeDone() {
  if (!peer_verified) {  // belt and braces: SSL_VERIFY_FAIL_IF_NO_PEER_CERT already ensures it
    Fail(MakeError(ErrorCode::kAuthFailed, "handshake finished without a verified certificate"),
         -1, false);
    return;
  }
  keys = SrtpKeyingMaterial{};
  keys.is_client = role == DtlsRole::kClient;
  if (const SRTP_PROTECTION_PROFILE* p = SSL_get_selected_srtp_profile(ssl)) {
    const SrtpProfile profile = ProfileFromId(p->id);
    const size_t size = 2 * (SrtpMasterKeySize(profile) + SrtpMasterSaltSize(profile));
    uint8_t exported[kMaxSrtpKeyingMaterialSize];
    // RFC 5764 §4.2: keying material from the TLS exporter, label "EXTRACTOR-dtls_srtp", no
    // context.
    if (profile == SrtpProfile::kNone ||
        SSL_export_keying_material(ssl, exported, size, kDtlsSrtpExporterLabel,
                                   sizeof(kDtlsSrtpExporterLabel) - 1, nullptr, 0, 0) != 1) {
      Fail(MakeError(ErrorCode::kInternal, "cannot export DTLS-SRTP keying material"), -1, false);
      return;
    }
    auto material = SrtpKeyingMaterial::FromExported(profile, keys.is_client, {exported, size});
    OPENSSL_cleanse(exported, sizeof(exported));
    if (!material) {
      Fail(material.error(), -1, false);
      return;
    }
    keys = *material;
  }
  state = DtlsState::kConnected;
  PushEvent(DtlsEventType::kConnected);
}

void DtlsEngine::Impl::ReadApplicationData() {
  while (state == DtlsState::kConnected) {
    std::span<uint8_t> slot = rx_ring.WritableTail();
    uint8_t scratch[512];
    const bool have_slot = !slot.empty();
    if (!have_slot) slot = scratch;  // ring full: read to drain OpenSSL, then drop
    ERR_clear_error();
    const int n = SSL_read(ssl, slot.data(), static_cast<int>(slot.size()));
    if (n > 0) {
      // A record longer than max_application_data_size fills the slot's extra byte: drain
      // the rest of it and drop the whole record.
      if (!have_slot || static_cast<size_t>(n) > config.max_application_data_size) {
        while (SSL_pending(ssl) > 0 && SSL_read(ssl, scratch, sizeof(scratch)) > 0) {
        }
        ++stats.receive_dropped;
        continue;
      }
      rx_ring.CommitTail(static_cast<size_t>(n));
      ++stats.application_records_received;
      PushEvent(DtlsEventType::kApplicationData);
      continue;
    }
    switch (SSL_get_error(ssl, n)) {
      case SSL_ERROR_WANT_READ:
      case SSL_ERROR_WANT_WRITE:
        return;
      case SSL_ERROR_ZERO_RETURN:
        // close_notify (RFC 5246 §7.2.1): answer with ours and close.
        SSL_shutdown(ssl);
        state = DtlsState::kClosed;
        StopTimer();
        PushEvent(DtlsEventType::kClosed,
                  MakeError(ErrorCode::kInvalidState, "peer sent close_notify"));
        return;
      default:
        FailFromOpenSsl("DTLS record processing failed");
        return;
    }
  }
}

void DtlsEngine::Impl::Drive() {
  if (state == DtlsState::kConnecting) {
    ERR_clear_error();
    const int r = SSL_do_handshake(ssl);
    if (r == 1) {
      OnHandshakeDone();
    } else {
      const int error = SSL_get_error(ssl, r);
      if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
        FailFromOpenSsl("DTLS handshake failed");
      }
      return;
    }
  }
  // Records that followed the last handshake message in the same datagram, or app data.
  if (state == DtlsState::kConnected) ReadApplicationData();
}

void DtlsEngine::Impl::FeedDatagram(std::span<const uint8_t> datagram) {
  rx_datagram = datagram;
  rx_pending = true;
  Drive();
  // OpenSSL reads the datagram whenever it reads at all; if it did not (failed state), drop.
  rx_pending = false;
  rx_datagram = {};
}

// ---- DtlsEngine -------------------------------------------------------------------------

Result<DtlsEngine> DtlsEngine::Create(const DtlsCertificate& certificate,
                                      const DtlsConfig& config) {
  if (config.mtu < 256 || config.mtu > 65507) {
    return MakeError(ErrorCode::kInvalidArgument, "DtlsConfig::mtu must be in [256, 65507]");
  }
  if (config.max_application_data_size == 0 || config.max_application_data_size > 16384) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "DtlsConfig::max_application_data_size must be in [1, 16384]");
  }
  if (config.transmit_slots < 4 || config.receive_slots == 0 || config.early_record_slots == 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "DtlsConfig needs transmit_slots >= 4 and the other rings >= 1");
  }
  if (config.initial_retransmit_timeout <= Duration::zero() ||
      config.max_retransmit_timeout < config.initial_retransmit_timeout ||
      config.max_retransmit_timeout > seconds(3600)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "DtlsConfig retransmit timeouts need 0 < initial <= max <= 1 h");
  }
  const size_t slot_size =
      std::max(config.mtu, config.max_application_data_size + kMaxRecordOverhead);
  auto impl = std::make_unique<Impl>(certificate, config, slot_size);
  if (auto ok = impl->Init(); !ok) {
    ERR_clear_error();
    return ok.error();
  }
  return DtlsEngine(std::move(impl));
}

DtlsEngine::DtlsEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DtlsEngine::DtlsEngine(DtlsEngine&&) noexcept = default;
DtlsEngine& DtlsEngine::operator=(DtlsEngine&&) noexcept = default;
DtlsEngine::~DtlsEngine() = default;

Result<void> DtlsEngine::Start(Instant now, DtlsRole role,
                               const DtlsFingerprint& remote_fingerprint) {
  Impl& s = *impl_;
  if (s.state != DtlsState::kNew) {
    return MakeError(ErrorCode::kInvalidState, "DtlsEngine::Start was already called");
  }
  if (remote_fingerprint.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Start needs the remote fingerprint from the SDP a=fingerprint line");
  }
  s.now = now;
  s.role = role;
  s.remote_fp = remote_fingerprint;
  s.state = DtlsState::kConnecting;
  if (role == DtlsRole::kClient) {
    SSL_set_connect_state(s.ssl);
    s.Drive();  // writes the ClientHello and starts the timer
  } else {
    SSL_set_accept_state(s.ssl);
  }
  // Replay what arrived before Start(), e.g. a ClientHello ahead of the SDP answer.
  while (auto early = s.early_ring.Front()) {
    if (s.state == DtlsState::kConnecting || s.state == DtlsState::kConnected) {
      s.FeedDatagram(*early);
    }
    s.early_ring.Pop();
  }
  return Ok();
}

void DtlsEngine::HandleReceive(Instant now, std::span<const uint8_t> datagram) {
  Impl& s = *impl_;
  s.now = std::max(s.now, now);
  ++s.stats.datagrams_received;
  // RFC 7983 §7: a first byte in [20..63] is DTLS; anything else is not ours.
  if (datagram.size() < 13 || datagram[0] < 20 || datagram[0] > 63) {
    ++s.stats.non_dtls_dropped;
    return;
  }
  switch (s.state) {
    case DtlsState::kNew:
      if (!s.early_ring.Push(datagram)) ++s.stats.early_dropped;
      return;
    case DtlsState::kConnecting:
    case DtlsState::kConnected:
      // RFC 6347 §4.1.2.7: "invalid records SHOULD be silently discarded": OpenSSL does.
      s.FeedDatagram(datagram);
      return;
    case DtlsState::kClosed:
    case DtlsState::kFailed:
      return;
  }
}

void DtlsEngine::HandleTimeout(Instant now) {
  Impl& s = *impl_;
  s.now = std::max(s.now, now);
  if (!s.deadline || s.now < *s.deadline) return;
  if (s.state != DtlsState::kConnecting && s.state != DtlsState::kConnected) {
    s.StopTimer();
    return;
  }
  if (s.openssl_timer == nullptr) {
    s.StopTimer();
    return;
  }
  // Expire OpenSSL's deadline (non-zero: "timer running"), then let it retransmit.
  s.openssl_timer->tv_sec = 1;
  s.openssl_timer->tv_usec = 0;
  const auto before = s.deadline;
  ERR_clear_error();
  const int r = static_cast<int>(DTLSv1_handle_timeout(s.ssl));
  if (r < 0) {
    s.FailFromOpenSsl("DTLS retransmission failed");
    return;
  }
  if (r == 0 || s.deadline == before) {
    s.Fail(MakeError(ErrorCode::kInternal,
                     "this OpenSSL cannot be driven by injected time (timer not forced)"),
           -1, false);
    return;
  }
  ++s.stats.retransmit_timeouts;
}

std::optional<std::span<const uint8_t>> DtlsEngine::PollTransmit() {
  Impl& s = *impl_;
  if (s.tx_lent) {
    s.tx_ring.Pop();
    s.tx_lent = false;
  }
  auto front = s.tx_ring.Front();
  if (!front) return std::nullopt;
  s.tx_lent = true;
  ++s.stats.datagrams_sent;
  return front;
}

std::optional<DtlsEvent> DtlsEngine::PollEvent() {
  Impl& s = *impl_;
  if (s.rx_lent) {
    s.rx_ring.Pop();
    s.rx_lent = false;
  }
  if (s.event_count == 0) return std::nullopt;
  const Impl::PendingEvent pending = s.events[s.event_head];
  s.event_head = (s.event_head + 1) % s.events.size();
  --s.event_count;

  DtlsEvent event;
  event.type = pending.type;
  event.error = pending.error;
  event.alert = pending.alert;
  event.alert_from_peer = pending.alert_from_peer;
  if (pending.alert >= 0) event.alert_description = SSL_alert_desc_string_long(pending.alert);
  switch (pending.type) {
    case DtlsEventType::kConnected:
      event.srtp = s.keys;
      break;
    case DtlsEventType::kApplicationData:
      if (auto front = s.rx_ring.Front()) {
        event.data = *front;
        s.rx_lent = true;
      }
      break;
    case DtlsEventType::kClosed:
    case DtlsEventType::kFailed:
      break;
  }
  return event;
}

std::optional<Instant> DtlsEngine::PollTimeout() const {
  const Impl& s = *impl_;
  if (s.state != DtlsState::kConnecting && s.state != DtlsState::kConnected) return std::nullopt;
  return s.deadline;
}

Result<void> DtlsEngine::Send(std::span<const uint8_t> data) {
  Impl& s = *impl_;
  if (s.state != DtlsState::kConnected) {
    return MakeError(ErrorCode::kInvalidState, "DTLS is not connected: wait for kConnected");
  }
  if (data.empty() || data.size() > s.config.max_application_data_size) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Send needs 1..DtlsConfig::max_application_data_size bytes");
  }
  if (s.tx_ring.full()) {
    return MakeError(ErrorCode::kExhausted, "DTLS transmit ring is full: drain PollTransmit()");
  }
  ERR_clear_error();
  const int n = SSL_write(s.ssl, data.data(), static_cast<int>(data.size()));
  if (n <= 0) {
    const int error = SSL_get_error(s.ssl, n);
    ERR_clear_error();
    if (error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ) {
      return MakeError(ErrorCode::kExhausted, "OpenSSL cannot write now: retry later");
    }
    return MakeError(ErrorCode::kInternal, "SSL_write failed");
  }
  ++s.stats.application_records_sent;
  return Ok();
}

void DtlsEngine::Close() {
  Impl& s = *impl_;
  if (s.state == DtlsState::kConnected) {
    ERR_clear_error();
    SSL_shutdown(s.ssl);  // writes close_notify
    ERR_clear_error();
  }
  if (s.state != DtlsState::kFailed) s.state = DtlsState::kClosed;
  s.StopTimer();
}

DtlsState DtlsEngine::state() const { return impl_->state; }
DtlsRole DtlsEngine::role() const { return impl_->role; }
const DtlsStats& DtlsEngine::stats() const { return impl_->stats; }
const SrtpKeyingMaterial& DtlsEngine::srtp_keying_material() const { return impl_->keys; }
const DtlsFingerprint& DtlsEngine::remote_fingerprint() const { return impl_->remote_fp; }
const char* DtlsEngine::cipher_suite() const {
  const SSL_CIPHER* cipher = SSL_get_current_cipher(impl_->ssl);
  return cipher != nullptr ? SSL_CIPHER_get_name(cipher) : "";
}

}  // namespace sluice::dtls
