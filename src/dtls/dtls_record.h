// DTLS 1.2 record framing (RFC 6347 §4.1) and the AEAD record layout (RFC 5246 §6.2.3.3,
// RFC 5288 §3), as the application-data fast path needs them (internal to src/dtls).
//
//   0                   1                   2                   3
//   +---------------+-------------------------------+-------------------------------+
//   | type (1)      | version (2) 0xFEFD            | epoch (2)                     |
//   +---------------+-------------------------------+-------------------------------+
//   | sequence_number (6)                                           | length (2)    ~
//   +---------------------------------------------------------------+---------------+
//   | fragment[length]: for AES-GCM  nonce_explicit (8) | ciphertext | tag (16)      |
//   +-------------------------------------------------------------------------------+
//
// RFC 6347 §4.1: several records may share one datagram ("Multiple DTLS records may be
// placed in a single datagram"); each is parsed on its own, in order.
//
// Thread rules: plain functions over caller-owned bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace sluice::dtls {

inline constexpr size_t kDtlsRecordHeaderSize = 13;
inline constexpr uint16_t kDtls12Version = 0xFEFD;
inline constexpr uint64_t kMaxDtlsSequence = (uint64_t{1} << 48) - 1;

// RFC 5246 §6.2.1 ContentType.
enum class ContentType : uint8_t {
  kChangeCipherSpec = 20,
  kAlert = 21,
  kHandshake = 22,
  kApplicationData = 23,
};

// RFC 5288 §3 / RFC 5116: AES-GCM with an 8-byte explicit nonce and a 16-byte tag.
inline constexpr size_t kGcmExplicitNonceSize = 8;
inline constexpr size_t kGcmTagSize = 16;
inline constexpr size_t kGcmRecordOverhead = kGcmExplicitNonceSize + kGcmTagSize;

struct DtlsRecordView {
  uint8_t type = 0;
  uint16_t version = 0;
  uint16_t epoch = 0;
  uint64_t sequence = 0;                 // 48 bits
  std::span<const uint8_t> record;       // header + fragment
  std::span<const uint8_t> fragment;     // `length` bytes after the header
};

inline uint16_t LoadBe16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint64_t LoadBe48(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 6; ++i) v = v << 8 | p[i];
  return v;
}
inline void StoreBe16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void StoreBe48(uint8_t* p, uint64_t v) {
  for (int i = 5; i >= 0; --i, v >>= 8) p[i] = static_cast<uint8_t>(v);
}

// The record at the start of `bytes`: nullopt if its header or its fragment is cut short.
inline std::optional<DtlsRecordView> ParseDtlsRecord(std::span<const uint8_t> bytes) {
  if (bytes.size() < kDtlsRecordHeaderSize) return std::nullopt;
  const uint8_t* p = bytes.data();
  const size_t length = LoadBe16(p + 11);
  if (bytes.size() - kDtlsRecordHeaderSize < length) return std::nullopt;
  DtlsRecordView r;
  r.type = p[0];
  r.version = LoadBe16(p + 1);
  r.epoch = LoadBe16(p + 3);
  r.sequence = LoadBe48(p + 5);
  r.record = bytes.first(kDtlsRecordHeaderSize + length);
  r.fragment = bytes.subspan(kDtlsRecordHeaderSize, length);
  return r;
}

// Writes a DTLS 1.2 record header for a `length`-byte fragment.
inline void WriteDtlsRecordHeader(uint8_t* out, ContentType type, uint16_t epoch,
                                  uint64_t sequence, uint16_t length) {
  out[0] = static_cast<uint8_t>(type);
  StoreBe16(out + 1, kDtls12Version);
  StoreBe16(out + 3, epoch);
  StoreBe48(out + 5, sequence);
  StoreBe16(out + 11, length);
}

}  // namespace sluice::dtls
