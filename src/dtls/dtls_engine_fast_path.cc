// DtlsEngine's AES-GCM application-data fast path.
//
// Why: SSL_write/SSL_read cost ~1.5 µs per 1200-byte record per direction in OpenSSL 3.0
// (ERR_clear_error, BIO_ctrl, OSSL_PARAM and record-layer bookkeeping around ~0.3 µs of
// AES-GCM). Once the handshake is done with an AES-GCM suite we seal and open
// application_data records of the new epoch ourselves (dtls_aead_record_cipher.h, keys from
// TLS 1.2 key expansion in dtls_aead_keys.h); OpenSSL keeps everything else: the handshake and
// its retransmissions, epoch-0 records, alerts and close_notify.
//
// ## Sequence numbers: who may write which number
//
// A DTLS sequence number names the AES-GCM nonce (we send nonce_explicit = epoch|seq, RFC
// 5288 §3) and the peer's replay window (RFC 6347 §4.1.2.6) slides on it, so two hazards
// exist once OpenSSL and we both write epoch-1 records:
//  (a) a collision: OpenSSL keeps its own epoch-1 write counter, and a record it writes after
//      we took over (a retransmitted server Finished, an alert, close_notify) would reuse a
//      number we already sent, i.e. a nonce reused under the same key: fatal for GCM;
//  (b) a stale number: even without a collision, OpenSSL's counter lags ours by every record
//      we sent, so its close_notify would arrive far below the peer's window and be dropped
//      as "too old".
// The rule suggested first (the client takes over at once, the server only after the client
// proved it has the server's Finished, continuing from OpenSSL's highest number + 1) avoids
// (a) for the Finished, but not (b) for later alerts, and it leaves the server on the slow path
// until the client speaks. Instead we remove both hazards at the one place every record
// passes: our BIO (OnBioWrite). From kConnected on, the engine owns the epoch-1 counter:
//  1. Before taking over, OnBioWrite notes the highest epoch-1 sequence number OpenSSL wrote
//     (its Finished, and any retransmission of it). Our counter starts one above it, so none
//     of our numbers was ever used by OpenSSL under this key.
//  2. After taking over, every epoch-1 record OpenSSL writes is opened with our write key and
//     sealed again in place under the next number of our counter (Renumber): one counter, so
//     every number, every nonce is used once and numbers only grow in the order records leave
//     the engine. OpenSSL's own ciphertext (under its own nonce) never reaches the wire.
//     Epoch-0 records (the ChangeCipherSpec of a retransmitted flight) pass unchanged.
// So both roles take over at kConnected. A server whose final flight was lost sends
// application data the client cannot read yet (OpenSSL buffers or drops it, the caller's
// transport recovers); the client retransmits its flight, OpenSSL on the server retransmits
// ChangeCipherSpec + Finished, and the Finished leaves renumbered above our records: the
// client's fresh epoch-1 window accepts it and the handshake completes. We never send a
// number above 2^48 - 1 (RFC 6347 §4.1: the sequence number MUST NOT wrap): Send fails.
//
// ## Receiving
//
// A datagram may hold several records (RFC 6347 §4.1). Application-data records of epoch 1
// are checked against our replay window, opened straight into the receive ring's free slot
// and the window updated only once they authenticated (RFC 6347 §4.1.2.6); every other run of
// records goes to OpenSSL, in datagram order, as one datagram of its own. OpenSSL's own epoch-1
// replay window only ever sees the peer's non-application records (Finished retransmissions,
// alerts), whose numbers only grow. Our window starts with the epoch-1 records of the datagram
// that completed the handshake (those that authenticate), so replaying that datagram's
// application data, which OpenSSL already delivered, is dropped.
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "dtls/dtls_aead_keys.h"
#include "dtls/dtls_engine_impl.h"

namespace sluice::dtls {
namespace {

// No renegotiation (SSL_OP_NO_RENEGOTIATION): the one handshake's keys are epoch 1.
constexpr uint16_t kFastPathEpoch = 1;

bool IsFastPathRecord(const DtlsRecordView& r) {
  return r.type == static_cast<uint8_t>(ContentType::kApplicationData) &&
         r.epoch == kFastPathEpoch && r.version == kDtls12Version;
}

}  // namespace

void DtlsEngine::Impl::NoteOpenSslRecords(std::span<const uint8_t> datagram) {
  while (auto r = ParseDtlsRecord(datagram)) {
    if (r->epoch == kFastPathEpoch) {
      fast.openssl_highest_sequence = fast.openssl_wrote_new_epoch
                                          ? std::max(fast.openssl_highest_sequence, r->sequence)
                                          : r->sequence;
      fast.openssl_wrote_new_epoch = true;
    }
    datagram = datagram.subspan(r->record.size());
  }
}

void DtlsEngine::Impl::ActivateFastPath() {
  // Without an epoch-1 record of OpenSSL's we would not know where to start counting; it
  // always wrote its Finished before the handshake completes, so this is belt and braces.
  if (!config.aead_fast_path || !fast.openssl_wrote_new_epoch ||
      fast.openssl_highest_sequence >= kMaxDtlsSequence) {
    return;
  }
  auto session_keys = DeriveAeadSessionKeys(ssl, role == DtlsRole::kClient);
  if (!session_keys) return;  // not AES-GCM (or no keys): OpenSSL keeps the record layer
  auto cipher = DtlsAeadRecordCipher::Create(*session_keys);
  session_keys->Wipe();
  ERR_clear_error();
  if (!cipher) return;
  fast.cipher = std::move(*cipher);
  fast.next_write_sequence = fast.openssl_highest_sequence + 1;
  // Seed the replay window with the authenticated epoch-1 records of the datagram that
  // completed the handshake (OpenSSL has consumed them). The receive ring's free slot is
  // scratch space here: nothing is committed.
  std::span<const uint8_t> rest = rx_datagram;
  while (auto r = ParseDtlsRecord(rest)) {
    rest = rest.subspan(r->record.size());
    if (r->epoch != kFastPathEpoch) continue;
    // The Finished and any data are sealed with the peer's write key, like application data.
    std::span<uint8_t> scratch = rx_ring.WritableTail();
    if (!scratch.empty() && fast.cipher->Open(*r, scratch)) fast.window.Record(r->sequence);
  }
}

Result<void> DtlsEngine::Impl::SendWithFastPath(std::span<const uint8_t> data) {
  if (fast.next_write_sequence > kMaxDtlsSequence) {
    return MakeError(ErrorCode::kExhausted, "DTLS sequence numbers exhausted: reconnect");
  }
  // The caller checked the ring has a free slot; slots hold max_application_data_size plus
  // kMaxRecordOverhead, more than the 37 bytes of header and AEAD overhead.
  const size_t n = fast.cipher->Seal(ContentType::kApplicationData, kFastPathEpoch,
                                     fast.next_write_sequence, data, tx_ring.WritableTail());
  if (n == 0) return MakeError(ErrorCode::kInternal, "AES-GCM record sealing failed");
  ++fast.next_write_sequence;
  tx_ring.CommitTail(n);
  ++stats.application_records_sent;
  ++stats.fast_records_sent;
  return Ok();
}

void DtlsEngine::Impl::WriteRenumbered(std::span<const uint8_t> datagram) {
  std::span<uint8_t> slot = tx_ring.WritableTail();
  if (slot.size() < datagram.size()) {
    ++stats.transmit_dropped;  // ring full (as a lossy link would), or cannot happen: too big
    return;
  }
  std::memcpy(slot.data(), datagram.data(), datagram.size());
  size_t offset = 0;
  while (offset < datagram.size()) {
    auto r = ParseDtlsRecord(datagram.subspan(offset));
    if (!r) break;  // OpenSSL writes whole records; nothing to renumber in a fragment
    if (r->epoch == kFastPathEpoch) {
      if (fast.next_write_sequence > kMaxDtlsSequence ||
          !fast.cipher->Renumber(slot.subspan(offset, r->record.size()),
                                 fast.next_write_sequence)) {
        ++stats.transmit_dropped;  // never sent under a number that could repeat
        return;
      }
      ++fast.next_write_sequence;
      ++stats.fast_records_renumbered;
    }
    offset += r->record.size();
  }
  tx_ring.CommitTail(datagram.size());
}

void DtlsEngine::Impl::ReceiveFastRecord(const DtlsRecordView& record) {
  if (record.fragment.size() < kGcmRecordOverhead) {
    ++stats.fast_malformed;
    return;
  }
  // RFC 6347 §4.1.2.6: the window check comes first, the update only after authentication.
  if (fast.window.Check(record.sequence) != DtlsReplayWindow::Verdict::kNew) {
    ++stats.fast_replayed;
    return;
  }
  const size_t length = record.fragment.size() - kGcmRecordOverhead;
  std::span<uint8_t> slot = rx_ring.WritableTail();
  if (length > config.max_application_data_size || slot.empty()) {
    ++stats.receive_dropped;  // too big, or the receive ring is full
    return;
  }
  auto opened = fast.cipher->Open(record, slot);
  if (!opened) {
    ++stats.fast_auth_failed;
    return;
  }
  fast.window.Record(record.sequence);
  if (*opened == 0) return;  // an empty record carries nothing (OpenSSL skips them too)
  rx_ring.CommitTail(*opened);
  ++stats.application_records_received;
  ++stats.fast_records_received;
  PushEvent(DtlsEventType::kApplicationData);
}

void DtlsEngine::Impl::ReceiveWithFastPath(std::span<const uint8_t> datagram) {
  size_t offset = 0;
  size_t openssl_from = 0;  // start of the run of records OpenSSL has not been given yet
  while (offset < datagram.size() && state == DtlsState::kConnected) {
    auto r = ParseDtlsRecord(datagram.subspan(offset));
    if (!r) {
      // A cut-off record ends the datagram: OpenSSL, too, discards the rest of the packet.
      ++stats.fast_malformed;
      datagram = datagram.first(offset);
      break;
    }
    if (IsFastPathRecord(*r)) {
      if (openssl_from < offset) FeedDatagram(datagram.subspan(openssl_from, offset - openssl_from));
      if (state == DtlsState::kConnected) ReceiveFastRecord(*r);
      openssl_from = offset + r->record.size();
    }
    offset += r->record.size();
  }
  if (openssl_from < datagram.size() && state == DtlsState::kConnected) {
    FeedDatagram(datagram.subspan(openssl_from));
  }
}

}  // namespace sluice::dtls
