// sluice's own SRTP backend: in place on OpenSSL EVP, keyed once, only the IV set per packet.
//
// RFC 3550 §5.1 (the RTP header the fused paths read; SRTP leaves it in the clear):
//
//   |V=2|P|X|  CC   |M|     PT      |       sequence number         |
//   |                           timestamp                           |
//   |           synchronization source (SSRC) identifier            |
//   |            contributing source (CSRC) identifiers             |  (CC of them)
//   |      defined by profile       |           length              |  (X = 1, §5.3.1)
//   |                        header extension                       |
//
// RFC 7714 §8.1 (SRTP AEAD IV) and §9.1 (SRTCP AEAD IV), each XORed with the 96-bit salt:
//
//      0  1  2  3  4  5  6  7  8  9 10 11           0  1  2  3  4  5  6  7  8  9 10 11
//    +--+--+--+--+--+--+--+--+--+--+--+--+        +--+--+--+--+--+--+--+--+--+--+--+--+
//    |00|00|    SSRC   |     ROC   | SEQ |        |00|00|    SSRC   |00|00|0+SRTCP Idx|
//    +--+--+--+--+--+--+--+--+--+--+--+--+        +--+--+--+--+--+--+--+--+--+--+--+--+
//
// RFC 7714 §8.2: the AAD of SRTP is the RTP header (with CSRCs and extension); §9.2: the AAD
// of SRTCP is the 8-byte RTCP header followed by the E-bit/SRTCP-index word, and the packet is
// header | ciphertext | tag | E+index.
//
// RFC 3711 §4.1.1 (AES-CM IV): IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), i the 48-bit
// packet index (SRTP) or the 31-bit SRTCP index. §4.2: the tag is HMAC-SHA1 over the
// authenticated portion || ROC (SRTP), or over the packet including E+index (SRTCP, §3.4),
// truncated to 80 bits; the SRTCP packet is header | ciphertext | E+index | tag.
#include "srtp/openssl_srtp_backend.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <bit>
#include <cstring>

#include "common/byte_order.h"
#include "srtp/srtp_kdf.h"

namespace sluice {
namespace {

using srtp_internal::CmIv;
using srtp_internal::CtrXor;
using srtp_internal::GcmOpen;
using srtp_internal::GcmSeal;
using srtp_internal::kCmTagLen;
using srtp_internal::kGcmTagLen;

constexpr uint32_t kMaxSrtcpIndex = 0x7fffffff;

// Ciphers fetched once per process (EVP_CIPHER_fetch), kept for its lifetime.
struct FetchedCiphers {
  EVP_CIPHER* gcm128 = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
  EVP_CIPHER* gcm256 = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  EVP_CIPHER* ctr128 = EVP_CIPHER_fetch(nullptr, "AES-128-CTR", nullptr);
};
const FetchedCiphers& Ciphers() {
  static const FetchedCiphers c;
  return c;
}

}  // namespace

OpensslSrtpBackend::OpensslSrtpBackend(const SrtpProfileInfo* info, SrtpDirection direction,
                                       const SrtpBackendOptions& options)
    : info_(info),
      aead_(info->aead),
      inbound_(direction == SrtpDirection::kInbound),
      allow_repeat_tx_(options.allow_repeat_tx),
      rtp_tag_len_(info->rtp_tag_len),
      table_(options.max_streams, options.replay_window) {}

OpensslSrtpBackend::~OpensslSrtpBackend() {
  EVP_CIPHER_CTX_free(rtp_ctx_);
  EVP_CIPHER_CTX_free(rtcp_ctx_);
  OPENSSL_cleanse(rtp_salt_, sizeof(rtp_salt_));
  OPENSSL_cleanse(rtcp_salt_, sizeof(rtcp_salt_));
  OPENSSL_cleanse(&rtp_salt_lo_, sizeof(rtp_salt_lo_));
  OPENSSL_cleanse(&rtp_salt_hi_, sizeof(rtp_salt_hi_));
}

Result<void> OpensslSrtpBackend::Init(const SrtpSessionKeys& sk) {
  const FetchedCiphers& c = Ciphers();
  const EVP_CIPHER* cipher = !info_->aead                  ? c.ctr128
                             : info_->master_key_len == 32 ? c.gcm256
                                                           : c.gcm128;
  if (cipher == nullptr) {
    return MakeError(ErrorCode::kInternal, "srtp: OpenSSL lacks AES-GCM/AES-CTR");
  }
  rtp_ctx_ = EVP_CIPHER_CTX_new();
  rtcp_ctx_ = EVP_CIPHER_CTX_new();
  if (rtp_ctx_ == nullptr || rtcp_ctx_ == nullptr) {
    return MakeError(ErrorCode::kInternal, "srtp: EVP_CIPHER_CTX_new failed");
  }
  // AES-CTR is its own inverse, so CM contexts always encrypt.
  const bool decrypt = inbound_ && info_->aead;
  auto init = decrypt ? EVP_DecryptInit_ex2 : EVP_EncryptInit_ex2;
  if (init(rtp_ctx_, cipher, sk.rtp_key.data(), nullptr, nullptr) != 1 ||
      init(rtcp_ctx_, cipher, sk.rtcp_key.data(), nullptr, nullptr) != 1) {
    return MakeError(ErrorCode::kInternal, "srtp: OpenSSL cipher init failed");
  }
  std::memcpy(rtp_salt_, sk.rtp_salt.data(), sizeof(rtp_salt_));
  std::memcpy(rtcp_salt_, sk.rtcp_salt.data(), sizeof(rtcp_salt_));
  std::memcpy(&rtp_salt_lo_, rtp_salt_, sizeof(rtp_salt_lo_));
  std::memcpy(&rtp_salt_hi_, rtp_salt_ + 4, sizeof(rtp_salt_hi_));
  if (!info_->aead) {
    rtp_hmac_.SetKey(sk.rtp_auth);
    rtcp_hmac_.SetKey(sk.rtcp_auth);
  }
  return Ok();
}

void OpensslSrtpBackend::RtcpGcmIv(uint32_t ssrc, uint32_t index, uint8_t iv[12]) const {
  uint8_t in[12] = {};
  StoreBe32(in + 2, ssrc);
  StoreBe32(in + 8, index & kMaxSrtcpIndex);
  for (int i = 0; i < 12; ++i) iv[i] = in[i] ^ rtcp_salt_[i];
}

SrtpStatus OpensslSrtpBackend::ProtectRtp(const SrtpRtpRef& p) {
  return ProtectRtpAt(p.data, p.size, p.header_size, p.ssrc, p.seq);
}

SrtpStatus OpensslSrtpBackend::UnprotectRtp(const SrtpRtpRef& p) {
  return UnprotectRtpAt(p.data, p.size, p.header_size, p.ssrc, p.seq);
}

SrtpStatus OpensslSrtpBackend::ProtectRtcp(const SrtcpRef& p) {
  SrtpStreamState* st = table_.Find(p.ssrc);
  if (st == nullptr && (st = table_.Insert(p.ssrc)) == nullptr) return SrtpStatus::kOverCap;
  // RFC 3711 §3.4: the index is "incremented by one, modulo 2^31, after each SRTCP packet";
  // sluice (like libsrtp) stops before it would wrap, since keys must change first.
  if (st->srtcp_index >= kMaxSrtcpIndex) return SrtpStatus::kIndexExhausted;
  const uint32_t index = ++st->srtcp_index;
  const uint32_t word = 0x80000000u | index;  // E = 1: sluice always encrypts SRTCP
  uint8_t* d = p.data;
  if (info_->aead) {
    uint8_t* tag = d + p.size;
    uint8_t* trailer = tag + kGcmTagLen;
    StoreBe32(trailer, word);
    uint8_t iv[12];
    RtcpGcmIv(p.ssrc, index, iv);
    if (!GcmSeal(rtcp_ctx_, iv, d, 8, trailer, kSrtcpIndexLen, d + 8, p.size - 8, tag)) {
      return SrtpStatus::kInternal;
    }
    return SrtpStatus::kOk;
  }
  uint8_t* trailer = d + p.size;
  StoreBe32(trailer, word);
  uint8_t iv[16];
  CmIv(rtcp_salt_, p.ssrc, index, iv);
  if (!CtrXor(rtcp_ctx_, iv, d + 8, p.size - 8)) return SrtpStatus::kInternal;
  uint8_t mac[HmacSha1::kDigestLen];
  rtcp_hmac_.Compute({d, p.size + kSrtcpIndexLen}, {}, mac);
  std::memcpy(trailer + kSrtcpIndexLen, mac, kCmTagLen);
  return SrtpStatus::kOk;
}

SrtpStatus OpensslSrtpBackend::UnprotectRtcp(const SrtcpRef& p) {
  SrtpStreamState* st = table_.Find(p.ssrc);
  if (st == nullptr) {
    if (table_.full()) return SrtpStatus::kOverCap;
  } else {
    const ReplayCheck check = st->rtcp.Check(p.index);
    if (check == ReplayCheck::kTooOld) return SrtpStatus::kTooOld;
    if (check == ReplayCheck::kReplayed) return SrtpStatus::kReplayed;
  }
  uint8_t* d = p.data;
  if (info_->aead) {
    uint8_t* trailer = d + p.size - kSrtcpIndexLen;
    uint8_t* tag = trailer - kGcmTagLen;
    uint8_t iv[12];
    RtcpGcmIv(p.ssrc, p.index, iv);
    const size_t ct = static_cast<size_t>(tag - d) - 8;
    if (!GcmOpen(rtcp_ctx_, iv, d, 8, trailer, kSrtcpIndexLen, d + 8, ct, tag)) {
      return SrtpStatus::kAuthFailed;
    }
  } else {
    const size_t body = p.size - kCmTagLen;  // header | ciphertext | E+index
    uint8_t mac[HmacSha1::kDigestLen];
    rtcp_hmac_.Compute({d, body}, {}, mac);
    if (CRYPTO_memcmp(mac, d + body, kCmTagLen) != 0) return SrtpStatus::kAuthFailed;
    uint8_t iv[16];
    CmIv(rtcp_salt_, p.ssrc, p.index, iv);
    if (!CtrXor(rtcp_ctx_, iv, d + 8, body - kSrtcpIndexLen - 8)) return SrtpStatus::kInternal;
  }
  if (st == nullptr) st = table_.Insert(p.ssrc);
  st->rtcp.Add(p.index);
  return SrtpStatus::kOk;
}

Result<std::unique_ptr<SrtpBackend>> CreateOpensslSrtpBackend(const SrtpKeys& keys,
                                                              SrtpDirection direction,
                                                              const SrtpBackendOptions& options) {
  const SrtpProfileInfo* info = GetSrtpProfileInfo(keys.profile);
  if (info == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "srtp: unknown protection profile");
  }
  SrtpSessionKeys sk;
  auto r = DeriveSrtpSessionKeys(keys, sk);
  if (!r.ok()) return r.error();
  return CreateOpensslSrtpBackendWithSessionKeys(keys.profile, sk, direction, options);
}

Result<std::unique_ptr<SrtpBackend>> CreateOpensslSrtpBackendWithSessionKeys(
    SrtpProfile profile, const SrtpSessionKeys& keys, SrtpDirection direction,
    const SrtpBackendOptions& options) {
  const SrtpProfileInfo* info = GetSrtpProfileInfo(profile);
  if (info == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "srtp: unknown protection profile");
  }
  auto backend = std::make_unique<OpensslSrtpBackend>(info, direction, options);
  auto r = backend->Init(keys);
  if (!r.ok()) return r.error();
  return std::unique_ptr<SrtpBackend>(std::move(backend));
}

}  // namespace sluice
