#include "dtls/dtls_engine_impl.h"

#include <openssl/err.h>

#include <string>

namespace sluice::dtls {
namespace {

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
  ActivateFastPath();
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

}  // namespace sluice::dtls
