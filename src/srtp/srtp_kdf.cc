#include "srtp/srtp_kdf.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <memory>

namespace sluice {
namespace {

struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

}  // namespace

SrtpSessionKeys::~SrtpSessionKeys() { OPENSSL_cleanse(this, sizeof(*this)); }

Result<void> SrtpKdf(std::span<const uint8_t> master_key, std::span<const uint8_t> master_salt,
                     SrtpKdfLabel label, std::span<uint8_t> out) {
  if ((master_key.size() != 16 && master_key.size() != 32) || master_salt.size() > 14) {
    return MakeError(ErrorCode::kInvalidArgument, "srtp kdf: key must be 16/32, salt <= 14 bytes");
  }
  // x * 2^16: the 112-bit salt in bytes 0..13, label XORed into byte 7 (key_id = label || 48
  // zero bits, right-aligned), bytes 14..15 the block counter starting at zero.
  uint8_t iv[16] = {};
  std::copy(master_salt.begin(), master_salt.end(), iv);
  iv[7] ^= static_cast<uint8_t>(label);

  std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter> ctx(EVP_CIPHER_CTX_new());
  const EVP_CIPHER* cipher = master_key.size() == 16 ? EVP_aes_128_ctr() : EVP_aes_256_ctr();
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, master_key.data(), iv) != 1) {
    return MakeError(ErrorCode::kInternal, "srtp kdf: OpenSSL AES-CTR init failed");
  }
  std::fill(out.begin(), out.end(), uint8_t{0});
  int outl = 0;
  if (EVP_EncryptUpdate(ctx.get(), out.data(), &outl, out.data(), static_cast<int>(out.size())) !=
      1) {
    return MakeError(ErrorCode::kInternal, "srtp kdf: OpenSSL AES-CTR failed");
  }
  return Ok();
}

Result<void> DeriveSrtpSessionKeys(const SrtpKeys& keys, SrtpSessionKeys& out) {
  const SrtpProfileInfo* info = GetSrtpProfileInfo(keys.profile);
  if (info == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "srtp: unknown protection profile");
  }
  const auto mk = keys.key();
  const auto ms = keys.salt();
  const size_t k = info->master_key_len;
  // Session salt: 112 bits for AES-CM (RFC 3711 §4.3.1), 96 bits for AEAD (RFC 7714 §11).
  const size_t s = info->aead ? 12 : 14;
  const size_t a = info->auth_key_len;
  struct Step {
    SrtpKdfLabel label;
    std::span<uint8_t> out;
  };
  const Step steps[] = {
      {SrtpKdfLabel::kRtpEncryption, {out.rtp_key.data(), k}},
      {SrtpKdfLabel::kRtpAuth, {out.rtp_auth.data(), a}},
      {SrtpKdfLabel::kRtpSalt, {out.rtp_salt.data(), s}},
      {SrtpKdfLabel::kRtcpEncryption, {out.rtcp_key.data(), k}},
      {SrtpKdfLabel::kRtcpAuth, {out.rtcp_auth.data(), a}},
      {SrtpKdfLabel::kRtcpSalt, {out.rtcp_salt.data(), s}},
  };
  for (const Step& step : steps) {
    if (step.out.empty()) continue;
    auto r = SrtpKdf(mk, ms, step.label, step.out);
    if (!r.ok()) return r;
  }
  return Ok();
}

}  // namespace sluice
