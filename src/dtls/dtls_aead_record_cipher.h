// AES-GCM protection of DTLS 1.2 records with pre-keyed, reused EVP contexts (internal to
// src/dtls): the application-data fast path's crypto (see dtls_engine_fast_path.cc).
//
// RFC 5288 §3 (via RFC 5246 §6.2.3.3 and RFC 6347 §4.1.2.1):
//   nonce = salt (4-byte implicit write IV) | nonce_explicit (8, carried in the record)
//   additional_data = epoch (2) | sequence_number (6) | type | version | plaintext length (2)
//   fragment = nonce_explicit | AES-GCM(plaintext) | tag (16)
// RFC 5288 §3: "the nonce_explicit MAY be the 64-bit sequence number": we send epoch|seq, so
// every record sealed under one key has its own nonce as long as sequence numbers are unique
// (the engine guarantees that, see dtls_engine_fast_path.cc).
//
// Three contexts are keyed once: seal (our write key), open (the peer's write key) and reseal
// (our write key, decrypting) for re-numbering records OpenSSL itself wrote. Per record: no
// allocation, one IV set, AAD, update, final, tag.
//
// Thread rules: not thread-safe; owned by one engine.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "dtls/dtls_aead_keys.h"
#include "dtls/dtls_record.h"
#include "sluice/result.h"

struct evp_cipher_ctx_st;

namespace sluice::dtls {

class DtlsAeadRecordCipher {
 public:
  // Keys the three contexts from `keys` (which the caller wipes afterwards).
  static Result<std::unique_ptr<DtlsAeadRecordCipher>> Create(const AeadSessionKeys& keys);
  ~DtlsAeadRecordCipher();
  DtlsAeadRecordCipher(const DtlsAeadRecordCipher&) = delete;
  DtlsAeadRecordCipher& operator=(const DtlsAeadRecordCipher&) = delete;

  // Seals `plaintext` as one record (header, explicit nonce, ciphertext, tag) into `out`,
  // which needs kDtlsRecordHeaderSize + kGcmRecordOverhead + plaintext.size() bytes; returns
  // the record size, 0 if `out` is too small or the plaintext is over 2^14 bytes.
  size_t Seal(ContentType type, uint16_t epoch, uint64_t sequence,
              std::span<const uint8_t> plaintext, std::span<uint8_t> out);

  // Authenticates and decrypts `record` (peer's write key) into `out`, which may not overlap
  // the record; returns the plaintext size, or nullopt if the record is too short, `out` too
  // small or authentication failed (nothing of the plaintext may then be used).
  std::optional<size_t> Open(const DtlsRecordView& record, std::span<uint8_t> out);

  // `record` (header + fragment, writable) was sealed with our write key by OpenSSL: decrypts
  // it in place and seals it again in place under `new_sequence` (header, AAD and explicit
  // nonce change; the size does not). False if it does not authenticate (left unusable).
  bool Renumber(std::span<uint8_t> record, uint64_t new_sequence);

 private:
  DtlsAeadRecordCipher() = default;

  evp_cipher_ctx_st* seal_ = nullptr;
  evp_cipher_ctx_st* open_ = nullptr;
  evp_cipher_ctx_st* reopen_ = nullptr;
  std::array<uint8_t, kGcmSaltSize> write_salt_{};
  std::array<uint8_t, kGcmSaltSize> read_salt_{};
};

}  // namespace sluice::dtls
