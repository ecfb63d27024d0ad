// sluice's own SRTP backend on OpenSSL EVP: in place, keyed once, only the IV (and for GCM
// unprotect the expected tag) handed to OpenSSL per packet, no allocation.
//
// SrtpSession holds it as this concrete (final) type and calls the fused packet entry points
// below, which are defined in this header so that they inline into the session: per packet,
// one pass checks the RTP header, finds the SSRC's stream, estimates the index and checks the
// replay window, then OpenSSL runs and the index is recorded. The wire formats they implement
// (RFC 3550 §5.1 header, RFC 7714 §8 IV and AAD, RFC 3711 §4) are drawn in
// openssl_srtp_backend.cc.
// The SrtpBackend interface (pre-parsed SrtpRtpRef / SrtcpRef) stays for the known-answer
// tests and for RTCP.
//
// Thread rules: one thread at a time.
#pragma once

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "common/byte_order.h"
#include "srtp/hmac_sha1.h"
#include "srtp/srtp_backend.h"
#include "srtp/srtp_stream_table.h"

#if defined(__GNUC__)
#define SLUICE_SRTP_ALWAYS_INLINE __attribute__((always_inline))
#else
#define SLUICE_SRTP_ALWAYS_INLINE
#endif

namespace sluice {

namespace srtp_internal {

constexpr size_t kGcmTagLen = 16;
constexpr size_t kCmTagLen = 10;
constexpr size_t kRtpFixedHeader = 12;
constexpr uint64_t kIndexMask = (uint64_t{1} << 48) - 1;

// Native-order word <-> the same bytes read big-endian.
inline uint64_t Be64(uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) return __builtin_bswap64(v);
  return v;
}
inline uint32_t Be32(uint32_t v) {
  if constexpr (std::endian::native == std::endian::little) return __builtin_bswap32(v);
  return v;
}

// The tag is read and written through the cipher's parameters (OSSL_CIPHER_PARAM_AEAD_TAG) with
// EVP_CIPHER_CTX_set_params / get_params: OpenSSL 3's EVP_CIPHER_CTX_ctrl(EVP_CTRL_AEAD_*_TAG)
// builds the same parameter array and then looks it up again (callgrind: about 150 (open) and
// 220 (seal) instructions more per packet). bench/srtp_bench.cc's limit does the same.
inline bool GcmSeal(EVP_CIPHER_CTX* ctx, const uint8_t iv[12], const uint8_t* aad, size_t aad_len,
                    const uint8_t* aad2, size_t aad2_len, uint8_t* data, size_t len, uint8_t* tag) {
  int outl = 0;
  if (EVP_EncryptInit_ex2(ctx, nullptr, nullptr, iv, nullptr) != 1) return false;
  if (EVP_EncryptUpdate(ctx, nullptr, &outl, aad, static_cast<int>(aad_len)) != 1) return false;
  if (aad2_len != 0 &&
      EVP_EncryptUpdate(ctx, nullptr, &outl, aad2, static_cast<int>(aad2_len)) != 1) {
    return false;
  }
  if (len != 0 && EVP_EncryptUpdate(ctx, data, &outl, data, static_cast<int>(len)) != 1) {
    return false;
  }
  if (EVP_EncryptFinal_ex(ctx, tag, &outl) != 1) return false;  // GCM writes nothing here
  OSSL_PARAM params[] = {OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, kGcmTagLen),
                         OSSL_PARAM_END};
  return EVP_CIPHER_CTX_get_params(ctx, params) == 1;
}

// Decrypts in place; false if the tag does not verify (the bytes are then unspecified).
inline bool GcmOpen(EVP_CIPHER_CTX* ctx, const uint8_t iv[12], const uint8_t* aad, size_t aad_len,
                    const uint8_t* aad2, size_t aad2_len, uint8_t* data, size_t len, uint8_t* tag) {
  int outl = 0;
  if (EVP_DecryptInit_ex2(ctx, nullptr, nullptr, iv, nullptr) != 1) return false;
  OSSL_PARAM params[] = {OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, kGcmTagLen),
                         OSSL_PARAM_END};
  if (EVP_CIPHER_CTX_set_params(ctx, params) != 1) return false;
  if (EVP_DecryptUpdate(ctx, nullptr, &outl, aad, static_cast<int>(aad_len)) != 1) return false;
  if (aad2_len != 0 &&
      EVP_DecryptUpdate(ctx, nullptr, &outl, aad2, static_cast<int>(aad2_len)) != 1) {
    return false;
  }
  if (len != 0 && EVP_DecryptUpdate(ctx, data, &outl, data, static_cast<int>(len)) != 1) {
    return false;
  }
  uint8_t scratch[16];
  return EVP_DecryptFinal_ex(ctx, scratch, &outl) == 1;
}

inline bool CtrXor(EVP_CIPHER_CTX* ctx, const uint8_t iv[16], uint8_t* data, size_t len) {
  int outl = 0;
  if (EVP_EncryptInit_ex2(ctx, nullptr, nullptr, iv, nullptr) != 1) return false;
  return len == 0 || EVP_EncryptUpdate(ctx, data, &outl, data, static_cast<int>(len)) == 1;
}

// RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16).
inline void CmIv(const uint8_t salt[14], uint32_t ssrc, uint64_t index, uint8_t iv[16]) {
  uint8_t in[16] = {};
  StoreBe32(in + 4, ssrc);
  StoreBe16(in + 8, static_cast<uint16_t>(index >> 32));
  StoreBe32(in + 10, static_cast<uint32_t>(index));
  for (int i = 0; i < 14; ++i) iv[i] = in[i] ^ salt[i];
  iv[14] = 0;
  iv[15] = 0;
}

// The RTP header length (12 + 4 * CC, plus 4 + 4 * length with X) if it ends within `limit`
// bytes, else 0.
inline size_t RtpHeaderLength(const uint8_t* d, size_t limit) {
  if (limit < kRtpFixedHeader) return 0;
  if ((d[0] & 0x1f) == 0) [[likely]]
    return kRtpFixedHeader;  // no CSRC, no extension
  size_t h = kRtpFixedHeader + 4 * size_t{d[0] & 0x0fu};
  if (d[0] & 0x10) {
    if (limit < h + 4) return 0;
    h += 4 + 4 * size_t{LoadBe16(d + h + 2)};
  }
  return h <= limit ? h : 0;
}

}  // namespace srtp_internal

class OpensslSrtpBackend final : public SrtpBackend {
 public:
  OpensslSrtpBackend(const SrtpProfileInfo* info, SrtpDirection direction,
                     const SrtpBackendOptions& options);
  ~OpensslSrtpBackend() override;
  OpensslSrtpBackend(const OpensslSrtpBackend&) = delete;
  OpensslSrtpBackend& operator=(const OpensslSrtpBackend&) = delete;

  Result<void> Init(const SrtpSessionKeys& keys);

  // Fused packet paths. `d` holds the packet in its first `len` bytes.
  // Protect: `cap` bytes are writable at d (room for the tag is checked here); unprotect: `len`
  // includes the tag. On kOk, *out_len is the new length. Header problems come back as
  // kMalformed (not RTP version 2) or kTruncated (CSRCs / extension / tag past the end);
  // protect without room for the tag is kNoRoom.
  SrtpStatus ProtectRtpPacket(uint8_t* d, size_t len, size_t cap, size_t* out_len);
  SrtpStatus UnprotectRtpPacket(uint8_t* d, size_t len, size_t* out_len);

  SrtpStatus ProtectRtp(const SrtpRtpRef& p) override;
  SrtpStatus UnprotectRtp(const SrtpRtpRef& p) override;
  SrtpStatus ProtectRtcp(const SrtcpRef& p) override;
  SrtpStatus UnprotectRtcp(const SrtcpRef& p) override;
  size_t stream_count() const override { return table_.size(); }

 private:
  SrtpStatus ProtectRtpAt(uint8_t* d, size_t size, size_t h, uint32_t ssrc, uint16_t seq);
  SrtpStatus UnprotectRtpAt(uint8_t* d, size_t size, size_t h, uint32_t ssrc, uint16_t seq);
  void RtpGcmIv(uint32_t ssrc, uint64_t index, uint8_t iv[12]) const;
  void RtcpGcmIv(uint32_t ssrc, uint32_t index, uint8_t iv[12]) const;

  const SrtpProfileInfo* info_;
  bool aead_;
  bool inbound_;
  bool allow_repeat_tx_;
  size_t rtp_tag_len_;
  EVP_CIPHER_CTX* rtp_ctx_ = nullptr;
  EVP_CIPHER_CTX* rtcp_ctx_ = nullptr;
  // The session salts, kept as loaded words for the IV XORs (GCM: bytes 0..3 and 4..11).
  uint32_t rtp_salt_lo_ = 0;
  uint64_t rtp_salt_hi_ = 0;
  uint8_t rtp_salt_[14] = {};
  uint8_t rtcp_salt_[14] = {};
  HmacSha1 rtp_hmac_;
  HmacSha1 rtcp_hmac_;
  SrtpStreamTable table_;
};

// ---- The per-packet paths, inline. ----

// RFC 7714 §8.1: IV = salt XOR (00 00 | SSRC | ROC | SEQ). Bytes 4..11 of the second operand
// are the low half of the SSRC followed by the 48-bit index (ROC << 16 | SEQ), so the IV is two
// word XORs against the pre-loaded salt.
inline void OpensslSrtpBackend::RtpGcmIv(uint32_t ssrc, uint64_t index, uint8_t iv[12]) const {
  const uint32_t lo = rtp_salt_lo_ ^ srtp_internal::Be32(ssrc >> 16);
  const uint64_t hi = rtp_salt_hi_ ^ srtp_internal::Be64((uint64_t{ssrc} << 48) |
                                                         (index & srtp_internal::kIndexMask));
  std::memcpy(iv, &lo, sizeof(lo));
  std::memcpy(iv + 4, &hi, sizeof(hi));
}

SLUICE_SRTP_ALWAYS_INLINE inline SrtpStatus OpensslSrtpBackend::ProtectRtpAt(uint8_t* d,
                                                                             size_t size, size_t h,
                                                                             uint32_t ssrc,
                                                                             uint16_t seq) {
  SrtpStreamState* st = table_.Find(ssrc);
  if (st == nullptr && (st = table_.Insert(ssrc)) == nullptr) [[unlikely]] {
    return SrtpStatus::kOverCap;
  }
  const auto est = st->rtp.EstimateIndex(seq);
  const ReplayCheck check = st->rtp.Check(est.delta);
  if (check != ReplayCheck::kOk) [[unlikely]] {
    if (check == ReplayCheck::kTooOld) return SrtpStatus::kTooOld;
    // RFC 3711 §3.3.1: an index MUST NOT be reused with the same key, except that a
    // retransmission of the same packet (allow_repeat_tx) gives the same bytes again.
    if (!allow_repeat_tx_) return SrtpStatus::kReplayed;
  } else {
    st->rtp.Add(est.delta);
  }
  if (aead_) {
    uint8_t iv[12];
    RtpGcmIv(ssrc, est.index, iv);
    if (!srtp_internal::GcmSeal(rtp_ctx_, iv, d, h, nullptr, 0, d + h, size - h, d + size))
        [[unlikely]] {
      return SrtpStatus::kInternal;
    }
    return SrtpStatus::kOk;
  }
  uint8_t iv[16];
  srtp_internal::CmIv(rtp_salt_, ssrc, est.index, iv);
  if (!srtp_internal::CtrXor(rtp_ctx_, iv, d + h, size - h)) return SrtpStatus::kInternal;
  uint8_t roc_be[4];
  StoreBe32(roc_be, static_cast<uint32_t>(est.index >> 16));
  uint8_t mac[HmacSha1::kDigestLen];
  rtp_hmac_.Compute({d, size}, roc_be, mac);
  std::memcpy(d + size, mac, srtp_internal::kCmTagLen);
  return SrtpStatus::kOk;
}

SLUICE_SRTP_ALWAYS_INLINE inline SrtpStatus OpensslSrtpBackend::UnprotectRtpAt(
    uint8_t* d, size_t size, size_t h, uint32_t ssrc, uint16_t seq) {
  SrtpStreamState* st = table_.Find(ssrc);
  SrtpReplayWindow::Estimate est{seq, seq};  // a new stream starts at index 0
  if (st != nullptr) [[likely]] {
    // RFC 3711 §3.3: the index "MUST be checked against the replay list" before the tag.
    est = st->rtp.EstimateIndex(seq);
    const ReplayCheck check = st->rtp.Check(est.delta);
    if (check != ReplayCheck::kOk) [[unlikely]] {
      return check == ReplayCheck::kTooOld ? SrtpStatus::kTooOld : SrtpStatus::kReplayed;
    }
  } else if (table_.full()) {
    return SrtpStatus::kOverCap;
  }
  if (aead_) {
    const size_t ct = size - h - srtp_internal::kGcmTagLen;
    uint8_t iv[12];
    RtpGcmIv(ssrc, est.index, iv);
    if (!srtp_internal::GcmOpen(rtp_ctx_, iv, d, h, nullptr, 0, d + h, ct, d + h + ct))
        [[unlikely]] {
      return SrtpStatus::kAuthFailed;
    }
  } else {
    const size_t body = size - srtp_internal::kCmTagLen;
    uint8_t roc_be[4];
    StoreBe32(roc_be, static_cast<uint32_t>(est.index >> 16));
    uint8_t mac[HmacSha1::kDigestLen];
    rtp_hmac_.Compute({d, body}, roc_be, mac);
    // RFC 3711 §3.3: "if the result is 'AUTHENTICATION FAILURE', the packet MUST be
    // discarded" — checked before anything is decrypted, in constant time.
    if (CRYPTO_memcmp(mac, d + body, srtp_internal::kCmTagLen) != 0) return SrtpStatus::kAuthFailed;
    uint8_t iv[16];
    srtp_internal::CmIv(rtp_salt_, ssrc, est.index, iv);
    if (!srtp_internal::CtrXor(rtp_ctx_, iv, d + h, body - h)) return SrtpStatus::kInternal;
  }
  // Only an authenticated packet creates a stream or moves the replay window.
  if (st == nullptr) [[unlikely]]
    st = table_.Insert(ssrc);
  st->rtp.Add(est.delta);
  return SrtpStatus::kOk;
}

SLUICE_SRTP_ALWAYS_INLINE inline SrtpStatus OpensslSrtpBackend::ProtectRtpPacket(uint8_t* d,
                                                                                 size_t len,
                                                                                 size_t cap,
                                                                                 size_t* out_len) {
  // RFC 3550 §5.1: "version (V): 2 bits ... The version defined by this specification is two".
  if (len < srtp_internal::kRtpFixedHeader || (d[0] & 0xc0) != 0x80) [[unlikely]]
    return SrtpStatus::kMalformed;
  const size_t h = srtp_internal::RtpHeaderLength(d, len);
  if (h == 0) [[unlikely]]
    return SrtpStatus::kTruncated;
  if (cap - len < rtp_tag_len_) [[unlikely]]
    return SrtpStatus::kNoRoom;
  const SrtpStatus s = ProtectRtpAt(d, len, h, LoadBe32(d + 8), LoadBe16(d + 2));
  *out_len = len + rtp_tag_len_;
  return s;
}

SLUICE_SRTP_ALWAYS_INLINE inline SrtpStatus OpensslSrtpBackend::UnprotectRtpPacket(
    uint8_t* d, size_t len, size_t* out_len) {
  if (len < srtp_internal::kRtpFixedHeader || (d[0] & 0xc0) != 0x80) [[unlikely]]
    return SrtpStatus::kMalformed;
  // The header (with CSRCs and extension) must end before the tag starts.
  const size_t h = len >= rtp_tag_len_ ? srtp_internal::RtpHeaderLength(d, len - rtp_tag_len_) : 0;
  if (h == 0) [[unlikely]]
    return SrtpStatus::kTruncated;
  const SrtpStatus s = UnprotectRtpAt(d, len, h, LoadBe32(d + 8), LoadBe16(d + 2));
  *out_len = len - rtp_tag_len_;
  return s;
}

}  // namespace sluice
