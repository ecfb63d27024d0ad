// sluice's own SRTP backend: in place on OpenSSL EVP, keyed once, only the IV set per packet.
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
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstring>

#include "common/byte_order.h"
#include "srtp/hmac_sha1.h"
#include "srtp/srtp_backend.h"
#include "srtp/srtp_kdf.h"
#include "srtp/srtp_stream_table.h"

namespace sluice {
namespace {

constexpr size_t kGcmTagLen = 16;
constexpr size_t kCmTagLen = 10;
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

bool GcmSeal(EVP_CIPHER_CTX* ctx, const uint8_t iv[12], const uint8_t* aad, size_t aad_len,
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
  return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, kGcmTagLen, tag) == 1;
}

// Decrypts in place; false if the tag does not verify (the bytes are then unspecified).
bool GcmOpen(EVP_CIPHER_CTX* ctx, const uint8_t iv[12], const uint8_t* aad, size_t aad_len,
             const uint8_t* aad2, size_t aad2_len, uint8_t* data, size_t len, uint8_t* tag) {
  int outl = 0;
  if (EVP_DecryptInit_ex2(ctx, nullptr, nullptr, iv, nullptr) != 1) return false;
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, kGcmTagLen, tag) != 1) return false;
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

bool CtrXor(EVP_CIPHER_CTX* ctx, const uint8_t iv[16], uint8_t* data, size_t len) {
  int outl = 0;
  if (EVP_EncryptInit_ex2(ctx, nullptr, nullptr, iv, nullptr) != 1) return false;
  return len == 0 || EVP_EncryptUpdate(ctx, data, &outl, data, static_cast<int>(len)) == 1;
}

class OpensslSrtpBackend final : public SrtpBackend {
 public:
  OpensslSrtpBackend(const SrtpProfileInfo* info, SrtpDirection direction,
                     const SrtpBackendOptions& options)
      : info_(info),
        inbound_(direction == SrtpDirection::kInbound),
        allow_repeat_tx_(options.allow_repeat_tx),
        table_(options.max_streams, options.replay_window) {}

  ~OpensslSrtpBackend() override {
    EVP_CIPHER_CTX_free(rtp_ctx_);
    EVP_CIPHER_CTX_free(rtcp_ctx_);
    OPENSSL_cleanse(rtp_salt_, sizeof(rtp_salt_));
    OPENSSL_cleanse(rtcp_salt_, sizeof(rtcp_salt_));
  }

  Result<void> Init(const SrtpSessionKeys& sk) {
    const FetchedCiphers& c = Ciphers();
    const EVP_CIPHER* cipher = !info_->aead                ? c.ctr128
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
    if (!info_->aead) {
      rtp_hmac_.SetKey(sk.rtp_auth);
      rtcp_hmac_.SetKey(sk.rtcp_auth);
    }
    return Ok();
  }

  SrtpStatus ProtectRtp(const SrtpRtpRef& p) override {
    SrtpStreamState* st = table_.Find(p.ssrc);
    if (st == nullptr && (st = table_.Insert(p.ssrc)) == nullptr) return SrtpStatus::kOverCap;
    const auto est = st->rtp.EstimateIndex(p.seq);
    const ReplayCheck check = st->rtp.Check(est.delta);
    if (check == ReplayCheck::kTooOld) return SrtpStatus::kTooOld;
    if (check == ReplayCheck::kReplayed) {
      // RFC 3711 §3.3.1: an index MUST NOT be reused with the same key, except that a
      // retransmission of the same packet (allow_repeat_tx) gives the same bytes again.
      if (!allow_repeat_tx_) return SrtpStatus::kReplayed;
    } else {
      st->rtp.Add(est.delta);
    }
    uint8_t* d = p.data;
    const size_t h = p.header_size;
    const auto roc = static_cast<uint32_t>(est.index >> 16);
    if (info_->aead) {
      uint8_t iv[12];
      RtpGcmIv(p.ssrc, roc, p.seq, iv);
      if (!GcmSeal(rtp_ctx_, iv, d, h, nullptr, 0, d + h, p.size - h, d + p.size)) {
        return SrtpStatus::kInternal;
      }
      return SrtpStatus::kOk;
    }
    uint8_t iv[16];
    CmIv(rtp_salt_, p.ssrc, est.index, iv);
    if (!CtrXor(rtp_ctx_, iv, d + h, p.size - h)) return SrtpStatus::kInternal;
    uint8_t roc_be[4];
    StoreBe32(roc_be, roc);
    uint8_t mac[HmacSha1::kDigestLen];
    rtp_hmac_.Compute({d, p.size}, roc_be, mac);
    std::memcpy(d + p.size, mac, kCmTagLen);
    return SrtpStatus::kOk;
  }

  SrtpStatus UnprotectRtp(const SrtpRtpRef& p) override {
    SrtpStreamState* st = table_.Find(p.ssrc);
    SrtpReplayWindow::Estimate est{p.seq, p.seq};  // a new stream starts at index 0
    if (st == nullptr) {
      if (table_.full()) return SrtpStatus::kOverCap;
    } else {
      est = st->rtp.EstimateIndex(p.seq);
      const ReplayCheck check = st->rtp.Check(est.delta);
      if (check == ReplayCheck::kTooOld) return SrtpStatus::kTooOld;
      if (check == ReplayCheck::kReplayed) return SrtpStatus::kReplayed;
    }
    uint8_t* d = p.data;
    const size_t h = p.header_size;
    const auto roc = static_cast<uint32_t>(est.index >> 16);
    if (info_->aead) {
      const size_t ct = p.size - h - kGcmTagLen;
      uint8_t iv[12];
      RtpGcmIv(p.ssrc, roc, p.seq, iv);
      if (!GcmOpen(rtp_ctx_, iv, d, h, nullptr, 0, d + h, ct, d + h + ct)) {
        return SrtpStatus::kAuthFailed;
      }
    } else {
      const size_t body = p.size - kCmTagLen;
      uint8_t roc_be[4];
      StoreBe32(roc_be, roc);
      uint8_t mac[HmacSha1::kDigestLen];
      rtp_hmac_.Compute({d, body}, roc_be, mac);
      // RFC 3711 §3.3: "if the result is 'AUTHENTICATION FAILURE', the packet MUST be
      // discarded" — checked before anything is decrypted, in constant time.
      if (CRYPTO_memcmp(mac, d + body, kCmTagLen) != 0) return SrtpStatus::kAuthFailed;
      uint8_t iv[16];
      CmIv(rtp_salt_, p.ssrc, est.index, iv);
      if (!CtrXor(rtp_ctx_, iv, d + h, body - h)) return SrtpStatus::kInternal;
    }
    // Only an authenticated packet creates a stream or moves the replay window.
    if (st == nullptr) st = table_.Insert(p.ssrc);
    st->rtp.Add(est.delta);
    return SrtpStatus::kOk;
  }

  SrtpStatus ProtectRtcp(const SrtcpRef& p) override {
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

  SrtpStatus UnprotectRtcp(const SrtcpRef& p) override {
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

  size_t stream_count() const override { return table_.size(); }

 private:
  void RtpGcmIv(uint32_t ssrc, uint32_t roc, uint16_t seq, uint8_t iv[12]) const {
    uint8_t in[12] = {0, 0};
    StoreBe32(in + 2, ssrc);
    StoreBe32(in + 6, roc);
    StoreBe16(in + 10, seq);
    for (int i = 0; i < 12; ++i) iv[i] = in[i] ^ rtp_salt_[i];
  }
  void RtcpGcmIv(uint32_t ssrc, uint32_t index, uint8_t iv[12]) const {
    uint8_t in[12] = {};
    StoreBe32(in + 2, ssrc);
    StoreBe32(in + 8, index & kMaxSrtcpIndex);
    for (int i = 0; i < 12; ++i) iv[i] = in[i] ^ rtcp_salt_[i];
  }
  static void CmIv(const uint8_t salt[14], uint32_t ssrc, uint64_t index, uint8_t iv[16]) {
    uint8_t in[16] = {};
    StoreBe32(in + 4, ssrc);
    StoreBe16(in + 8, static_cast<uint16_t>(index >> 32));
    StoreBe32(in + 10, static_cast<uint32_t>(index));
    for (int i = 0; i < 14; ++i) iv[i] = in[i] ^ salt[i];
    iv[14] = 0;
    iv[15] = 0;
  }

  const SrtpProfileInfo* info_;
  bool inbound_;
  bool allow_repeat_tx_;
  EVP_CIPHER_CTX* rtp_ctx_ = nullptr;
  EVP_CIPHER_CTX* rtcp_ctx_ = nullptr;
  uint8_t rtp_salt_[14] = {};
  uint8_t rtcp_salt_[14] = {};
  HmacSha1 rtp_hmac_;
  HmacSha1 rtcp_hmac_;
  SrtpStreamTable table_;
};

}  // namespace

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
