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
// clear reason instead of silently never retransmitting. Built against OpenSSL >= 3.2 the
// engine falls back (at compile time) to OpenSSL's real clock: it still works on a real
// network, but simulated-time retransmission tests cannot pass there (not exercised by the
// OpenSSL 3.0 this project builds with).
#include "dtls/dtls_engine.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <utility>

#include "dtls/dtls_engine_impl.h"

namespace sluice::dtls {

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
      s.Receive(*early);
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
      s.Receive(datagram);
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
  const auto before = s.deadline;
  if constexpr (!kInjectedTimeTimer) {
    // OpenSSL >= 3.2: its own clock decides. Ask it to retransmit; if its clock has not yet
    // reached its deadline, re-arm ours with what it says is left. Real time only: simulated-
    // time tests of retransmission cannot pass on this path.
    ERR_clear_error();
    const int r = static_cast<int>(DTLSv1_handle_timeout(s.ssl));
    if (r < 0) {
      s.FailFromOpenSsl("DTLS retransmission failed");
      return;
    }
    if (r == 0) {
      timeval left{};
      if (DTLSv1_get_timeout(s.ssl, &left) != 1) {
        s.StopTimer();
        return;
      }
      s.deadline = s.now + std::chrono::seconds(left.tv_sec) +
                   std::chrono::microseconds(std::max<long>(left.tv_usec, 1000));
      return;
    }
  } else {
    if (s.openssl_timer == nullptr) {
      s.StopTimer();
      return;
    }
    // Expire OpenSSL's deadline (non-zero: "timer running"), then let it retransmit.
    s.openssl_timer->tv_sec = 1;
    s.openssl_timer->tv_usec = 0;
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
  if (s.fast.cipher) return s.SendWithFastPath(data);
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
bool DtlsEngine::aead_fast_path_active() const { return impl_->fast.cipher != nullptr; }
const char* DtlsEngine::cipher_suite() const {
  const SSL_CIPHER* cipher = SSL_get_current_cipher(impl_->ssl);
  return cipher != nullptr ? SSL_CIPHER_get_name(cipher) : "";
}

}  // namespace sluice::dtls
