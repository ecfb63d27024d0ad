#include "dtls/dtls_aead_keys.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/ssl.h>

#include <cstring>

namespace sluice::dtls {
namespace {

constexpr size_t kMasterSecretSize = 48;   // RFC 5246 §8.1
constexpr size_t kRandomSize = 32;         // RFC 5246 §7.4.1.2
constexpr char kKeyExpansionLabel[] = "key expansion";

}  // namespace

void AeadSessionKeys::Wipe() {
  OPENSSL_cleanse(&write, sizeof(write));
  OPENSSL_cleanse(&read, sizeof(read));
}

Result<void> Tls12Prf(const EVP_MD* md, std::span<const uint8_t> secret, const char* label,
                      std::span<const uint8_t> seed, std::span<uint8_t> out) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_TLS1_PRF, nullptr);
  if (kdf == nullptr) return MakeError(ErrorCode::kUnsupported, "OpenSSL has no TLS1-PRF KDF");
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  EVP_KDF_free(kdf);
  if (ctx == nullptr) return MakeError(ErrorCode::kInternal, "EVP_KDF_CTX_new failed");
  // The PRF's seed is label + seed (RFC 5246 §5); TLS1-PRF concatenates repeated seed params.
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                       const_cast<char*>(EVP_MD_get0_name(md)), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET,
                                        const_cast<uint8_t*>(secret.data()), secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, const_cast<char*>(label),
                                        std::strlen(label)),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, const_cast<uint8_t*>(seed.data()),
                                        seed.size()),
      OSSL_PARAM_construct_end()};
  const int ok = EVP_KDF_derive(ctx, out.data(), out.size(), params);
  EVP_KDF_CTX_free(ctx);
  if (ok != 1) {
    ERR_clear_error();
    return MakeError(ErrorCode::kInternal, "TLS1-PRF derivation failed");
  }
  return Ok();
}

Result<AeadSessionKeys> DeriveAeadSessionKeys(SSL* ssl, bool is_client) {
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl);
  if (cipher == nullptr || SSL_version(ssl) != DTLS1_2_VERSION) {
    return MakeError(ErrorCode::kUnsupported, "no established DTLS 1.2 cipher suite");
  }
  AeadSessionKeys keys;
  switch (SSL_CIPHER_get_cipher_nid(cipher)) {
    case NID_aes_128_gcm: keys.key_size = 16; break;
    case NID_aes_256_gcm: keys.key_size = 32; break;
    default:
      return MakeError(ErrorCode::kUnsupported, "the suite is not AES-GCM: OpenSSL keeps records");
  }
  // The PRF hash is the suite's handshake digest for TLS 1.2 (SHA-256 or SHA-384).
  const EVP_MD* md = SSL_CIPHER_get_handshake_digest(cipher);
  const SSL_SESSION* session = SSL_get_session(ssl);
  if (md == nullptr || session == nullptr) {
    return MakeError(ErrorCode::kInternal, "no PRF digest or session for the suite");
  }
  uint8_t master[kMasterSecretSize];
  uint8_t seed[2 * kRandomSize];  // server_random + client_random (RFC 5246 §6.3)
  if (SSL_SESSION_get_master_key(session, master, sizeof(master)) != sizeof(master) ||
      SSL_get_server_random(ssl, seed, kRandomSize) != kRandomSize ||
      SSL_get_client_random(ssl, seed + kRandomSize, kRandomSize) != kRandomSize) {
    OPENSSL_cleanse(master, sizeof(master));
    return MakeError(ErrorCode::kInternal, "cannot read the master secret or the randoms");
  }
  // client_write_key | server_write_key | client_write_IV | server_write_IV (no MAC keys).
  uint8_t block[2 * kMaxAeadKeySize + 2 * kGcmSaltSize];
  const size_t k = keys.key_size;
  const size_t block_size = 2 * k + 2 * kGcmSaltSize;
  auto derived = Tls12Prf(md, master, kKeyExpansionLabel, seed, {block, block_size});
  OPENSSL_cleanse(master, sizeof(master));
  if (!derived) {
    OPENSSL_cleanse(block, sizeof(block));
    return derived.error();
  }
  AeadDirectionKeys client, server;
  std::memcpy(client.key.data(), block, k);
  std::memcpy(server.key.data(), block + k, k);
  std::memcpy(client.salt.data(), block + 2 * k, kGcmSaltSize);
  std::memcpy(server.salt.data(), block + 2 * k + kGcmSaltSize, kGcmSaltSize);
  OPENSSL_cleanse(block, sizeof(block));
  keys.write = is_client ? client : server;
  keys.read = is_client ? server : client;
  OPENSSL_cleanse(&client, sizeof(client));
  OPENSSL_cleanse(&server, sizeof(server));
  return keys;
}

}  // namespace sluice::dtls
