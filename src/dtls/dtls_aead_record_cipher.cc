#include "dtls/dtls_aead_record_cipher.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <cstring>

namespace sluice::dtls {
namespace {

constexpr size_t kGcmNonceSize = kGcmSaltSize + kGcmExplicitNonceSize;  // 12
constexpr size_t kAadSize = 13;
constexpr size_t kMaxPlaintext = 16384;  // RFC 5246 §6.2.1: 2^14

// RFC 5246 §6.2.3.3: additional_data = seq_num + type + version + length, where DTLS's
// seq_num is epoch|sequence_number (RFC 6347 §4.1.2.1), i.e. header bytes 3..10.
void BuildAad(const uint8_t* header, size_t plaintext_length, uint8_t* aad) {
  std::memcpy(aad, header + 3, 8);
  aad[8] = header[0];
  aad[9] = header[1];
  aad[10] = header[2];
  aad[11] = static_cast<uint8_t>(plaintext_length >> 8);
  aad[12] = static_cast<uint8_t>(plaintext_length);
}

void BuildNonce(const std::array<uint8_t, kGcmSaltSize>& salt, const uint8_t* explicit_nonce,
                uint8_t* nonce) {
  std::memcpy(nonce, salt.data(), kGcmSaltSize);
  std::memcpy(nonce + kGcmSaltSize, explicit_nonce, kGcmExplicitNonceSize);
}

// `in` and `out` may be the same buffer (EVP allows exact in-place operation).
bool GcmSeal(EVP_CIPHER_CTX* ctx, const uint8_t* nonce, const uint8_t* aad, const uint8_t* in,
             size_t length, uint8_t* out, uint8_t* tag) {
  int n = 0;
  if (EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, nonce) != 1 ||
      EVP_EncryptUpdate(ctx, nullptr, &n, aad, static_cast<int>(kAadSize)) != 1 ||
      EVP_EncryptUpdate(ctx, out, &n, in, static_cast<int>(length)) != 1 ||
      EVP_EncryptFinal_ex(ctx, out + n, &n) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kGcmTagSize), tag) != 1) {
    ERR_clear_error();
    return false;
  }
  return true;
}

bool GcmOpen(EVP_CIPHER_CTX* ctx, const uint8_t* nonce, const uint8_t* aad, const uint8_t* in,
             size_t length, const uint8_t* tag, uint8_t* out) {
  uint8_t expected_tag[kGcmTagSize];
  std::memcpy(expected_tag, tag, kGcmTagSize);  // EVP wants a writable pointer
  int n = 0;
  if (EVP_DecryptInit_ex(ctx, nullptr, nullptr, nullptr, nonce) != 1 ||
      EVP_DecryptUpdate(ctx, nullptr, &n, aad, static_cast<int>(kAadSize)) != 1 ||
      EVP_DecryptUpdate(ctx, out, &n, in, static_cast<int>(length)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kGcmTagSize),
                          expected_tag) != 1 ||
      EVP_DecryptFinal_ex(ctx, out + n, &n) != 1) {
    ERR_clear_error();
    return false;
  }
  return true;
}

EVP_CIPHER_CTX* NewKeyed(const EVP_CIPHER* cipher, const AeadDirectionKeys& keys, bool encrypt) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) return nullptr;
  const int ok = encrypt ? EVP_EncryptInit_ex(ctx, cipher, nullptr, keys.key.data(), nullptr)
                         : EVP_DecryptInit_ex(ctx, cipher, nullptr, keys.key.data(), nullptr);
  if (ok != 1) {
    EVP_CIPHER_CTX_free(ctx);
    ERR_clear_error();
    return nullptr;
  }
  return ctx;
}

}  // namespace

Result<std::unique_ptr<DtlsAeadRecordCipher>> DtlsAeadRecordCipher::Create(
    const AeadSessionKeys& keys) {
  const EVP_CIPHER* cipher = keys.key_size == 16   ? EVP_aes_128_gcm()
                             : keys.key_size == 32 ? EVP_aes_256_gcm()
                                                   : nullptr;
  if (cipher == nullptr) return MakeError(ErrorCode::kUnsupported, "AES-GCM key size not 16/32");
  std::unique_ptr<DtlsAeadRecordCipher> c(new DtlsAeadRecordCipher());
  c->seal_ = NewKeyed(cipher, keys.write, true);
  c->open_ = NewKeyed(cipher, keys.read, false);
  c->reopen_ = NewKeyed(cipher, keys.write, false);
  if (c->seal_ == nullptr || c->open_ == nullptr || c->reopen_ == nullptr) {
    return MakeError(ErrorCode::kInternal, "cannot key the AES-GCM record contexts");
  }
  c->write_salt_ = keys.write.salt;
  c->read_salt_ = keys.read.salt;
  return c;
}

DtlsAeadRecordCipher::~DtlsAeadRecordCipher() {
  EVP_CIPHER_CTX_free(seal_);  // frees (and cleanses) the key schedules
  EVP_CIPHER_CTX_free(open_);
  EVP_CIPHER_CTX_free(reopen_);
  OPENSSL_cleanse(write_salt_.data(), write_salt_.size());
  OPENSSL_cleanse(read_salt_.data(), read_salt_.size());
}

size_t DtlsAeadRecordCipher::Seal(ContentType type, uint16_t epoch, uint64_t sequence,
                                  std::span<const uint8_t> plaintext, std::span<uint8_t> out) {
  const size_t size = kDtlsRecordHeaderSize + kGcmRecordOverhead + plaintext.size();
  if (plaintext.size() > kMaxPlaintext || out.size() < size || sequence > kMaxDtlsSequence) {
    return 0;
  }
  uint8_t* header = out.data();
  WriteDtlsRecordHeader(header, type, epoch, sequence,
                        static_cast<uint16_t>(plaintext.size() + kGcmRecordOverhead));
  // RFC 5288 §3: nonce_explicit = the 64-bit epoch|sequence_number (unique per key).
  uint8_t* explicit_nonce = header + kDtlsRecordHeaderSize;
  std::memcpy(explicit_nonce, header + 3, kGcmExplicitNonceSize);
  uint8_t nonce[kGcmNonceSize];
  uint8_t aad[kAadSize];
  BuildNonce(write_salt_, explicit_nonce, nonce);
  BuildAad(header, plaintext.size(), aad);
  uint8_t* ciphertext = explicit_nonce + kGcmExplicitNonceSize;
  if (!GcmSeal(seal_, nonce, aad, plaintext.data(), plaintext.size(), ciphertext,
               ciphertext + plaintext.size())) {
    return 0;
  }
  return size;
}

std::optional<size_t> DtlsAeadRecordCipher::Open(const DtlsRecordView& record,
                                                 std::span<uint8_t> out) {
  if (record.fragment.size() < kGcmRecordOverhead) return std::nullopt;
  const size_t length = record.fragment.size() - kGcmRecordOverhead;
  if (out.size() < length) return std::nullopt;
  const uint8_t* explicit_nonce = record.fragment.data();
  uint8_t nonce[kGcmNonceSize];
  uint8_t aad[kAadSize];
  BuildNonce(read_salt_, explicit_nonce, nonce);
  BuildAad(record.record.data(), length, aad);
  const uint8_t* ciphertext = explicit_nonce + kGcmExplicitNonceSize;
  if (!GcmOpen(open_, nonce, aad, ciphertext, length, ciphertext + length, out.data())) {
    return std::nullopt;
  }
  return length;
}

bool DtlsAeadRecordCipher::Renumber(std::span<uint8_t> record, uint64_t new_sequence) {
  if (record.size() < kDtlsRecordHeaderSize + kGcmRecordOverhead ||
      new_sequence > kMaxDtlsSequence) {
    return false;
  }
  uint8_t* header = record.data();
  const size_t length = record.size() - kDtlsRecordHeaderSize - kGcmRecordOverhead;
  uint8_t* explicit_nonce = header + kDtlsRecordHeaderSize;
  uint8_t* body = explicit_nonce + kGcmExplicitNonceSize;
  uint8_t nonce[kGcmNonceSize];
  uint8_t aad[kAadSize];
  BuildNonce(write_salt_, explicit_nonce, nonce);
  BuildAad(header, length, aad);
  if (!GcmOpen(reopen_, nonce, aad, body, length, body + length, body)) {
    OPENSSL_cleanse(body, length);  // whatever was decrypted is unauthenticated
    return false;
  }
  StoreBe48(header + 5, new_sequence);
  std::memcpy(explicit_nonce, header + 3, kGcmExplicitNonceSize);
  BuildNonce(write_salt_, explicit_nonce, nonce);
  BuildAad(header, length, aad);
  const bool sealed = GcmSeal(seal_, nonce, aad, body, length, body, body + length);
  if (!sealed) OPENSSL_cleanse(body, length);  // never leave plaintext in a datagram
  return sealed;
}

}  // namespace sluice::dtls
