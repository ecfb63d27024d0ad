// RFC 8489 §14.5 MESSAGE-INTEGRITY, §14.6 MESSAGE-INTEGRITY-SHA256, §14.7 FINGERPRINT
// (the quoted rules are in stun_integrity.h).
//
// HMAC (RFC 2104) is H((K ^ opad) || H((K ^ ipad) || text)). The states after the first block of
// each hash depend only on the key, so StunIntegrityKey computes them once. OpenSSL 3 offers
// EVP_MAC for this, but re-initialising an EVP_MAC_CTX duplicates provider digest contexts on the
// heap (twice per HMAC in 3.0); the SHA1/SHA256 state functions below do no allocation. They are
// deprecated in OpenSSL 3 (not removed); if a build defines OPENSSL_NO_DEPRECATED_3_0 this file
// must move to EVP_MAC.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "stun/stun_integrity.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstring>

#include "common/byte_order.h"
#include "stun/crc32.h"

namespace sluice {
namespace {

static_assert(sizeof(SHA_CTX) <= 128 && alignof(SHA_CTX) <= 16);
static_assert(sizeof(SHA256_CTX) <= 128 && alignof(SHA256_CTX) <= 16);

constexpr size_t kSha1Block = SHA_CBLOCK;       // 64
constexpr size_t kSha256Block = SHA256_CBLOCK;  // 64

template <typename Ctx>
Ctx LoadState(const std::array<uint8_t, 128>& s) {
  Ctx c;
  std::memcpy(&c, s.data(), sizeof(Ctx));
  return c;
}
template <typename Ctx>
void StoreState(std::array<uint8_t, 128>& s, const Ctx& c) {
  std::memcpy(s.data(), &c, sizeof(Ctx));
}

// HMAC over `message` up to the attribute at `attr_offset`, with the header length adjusted to end
// where that attribute (header + value_size) ends: the rule of §14.5 and §14.6.
std::array<std::span<const uint8_t>, 3> AdjustedInput(std::span<const uint8_t> message,
                                                      size_t attr_offset, size_t value_size,
                                                      std::array<uint8_t, 2>& length_field) {
  const size_t adjusted = attr_offset + kStunAttributeHeaderSize + value_size - kStunHeaderSize;
  StoreBe16(length_field.data(), static_cast<uint16_t>(adjusted));
  return {message.first(2), std::span<const uint8_t>(length_field),
          message.subspan(4, attr_offset - 4)};
}

}  // namespace

void StunIntegrityKey::Init(std::span<const uint8_t> key) {
  // RFC 2104: keys longer than the block are hashed first (per hash function).
  std::array<uint8_t, kSha1Block> k1{};
  if (key.size() > kSha1Block) {
    SHA1(key.data(), key.size(), k1.data());
  } else if (!key.empty()) {
    std::memcpy(k1.data(), key.data(), key.size());
  }
  std::array<uint8_t, kSha256Block> k256{};
  if (key.size() > kSha256Block) {
    SHA256(key.data(), key.size(), k256.data());
  } else if (!key.empty()) {
    std::memcpy(k256.data(), key.data(), key.size());
  }
  std::array<uint8_t, 64> pad{};
  SHA_CTX c1;
  for (size_t i = 0; i < 64; ++i) pad[i] = static_cast<uint8_t>(k1[i] ^ 0x36);
  SHA1_Init(&c1);
  SHA1_Update(&c1, pad.data(), pad.size());
  StoreState(sha1_inner_, c1);
  for (size_t i = 0; i < 64; ++i) pad[i] = static_cast<uint8_t>(k1[i] ^ 0x5C);
  SHA1_Init(&c1);
  SHA1_Update(&c1, pad.data(), pad.size());
  StoreState(sha1_outer_, c1);

  SHA256_CTX c2;
  for (size_t i = 0; i < 64; ++i) pad[i] = static_cast<uint8_t>(k256[i] ^ 0x36);
  SHA256_Init(&c2);
  SHA256_Update(&c2, pad.data(), pad.size());
  StoreState(sha256_inner_, c2);
  for (size_t i = 0; i < 64; ++i) pad[i] = static_cast<uint8_t>(k256[i] ^ 0x5C);
  SHA256_Init(&c2);
  SHA256_Update(&c2, pad.data(), pad.size());
  StoreState(sha256_outer_, c2);
  OPENSSL_cleanse(k1.data(), k1.size());
  OPENSSL_cleanse(k256.data(), k256.size());
  OPENSSL_cleanse(pad.data(), pad.size());
}

StunIntegrityKey StunIntegrityKey::FromBytes(std::span<const uint8_t> key) {
  StunIntegrityKey k;
  k.Init(key);
  return k;
}

StunIntegrityKey StunIntegrityKey::ShortTerm(std::string_view password) {
  return FromBytes(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(password.data()), password.size()));
}

StunIntegrityKey StunIntegrityKey::LongTerm(std::string_view username, std::string_view realm,
                                            std::string_view password) {
  // key = MD5(username ":" OpaqueString(realm) ":" OpaqueString(password))
  std::array<uint8_t, 16> md5{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned int len = 0;
  const bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_md5(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, username.data(), username.size()) == 1 &&
                  EVP_DigestUpdate(ctx, ":", 1) == 1 &&
                  EVP_DigestUpdate(ctx, realm.data(), realm.size()) == 1 &&
                  EVP_DigestUpdate(ctx, ":", 1) == 1 &&
                  EVP_DigestUpdate(ctx, password.data(), password.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx, md5.data(), &len) == 1;
  EVP_MD_CTX_free(ctx);
  // MD5 can be unavailable (FIPS providers); the key is then all zeros and never verifies a
  // real message.
  if (!ok) md5.fill(0);
  return FromBytes(md5);
}

std::array<uint8_t, kStunHmacSha1Size> StunIntegrityKey::HmacSha1(
    std::span<const std::span<const uint8_t>> parts) const {
  std::array<uint8_t, kStunHmacSha1Size> inner{};
  std::array<uint8_t, kStunHmacSha1Size> out{};
  SHA_CTX c = LoadState<SHA_CTX>(sha1_inner_);
  for (const auto& p : parts) SHA1_Update(&c, p.data(), p.size());
  SHA1_Final(inner.data(), &c);
  c = LoadState<SHA_CTX>(sha1_outer_);
  SHA1_Update(&c, inner.data(), inner.size());
  SHA1_Final(out.data(), &c);
  return out;
}

std::array<uint8_t, kStunHmacSha256Size> StunIntegrityKey::HmacSha256(
    std::span<const std::span<const uint8_t>> parts) const {
  std::array<uint8_t, kStunHmacSha256Size> inner{};
  std::array<uint8_t, kStunHmacSha256Size> out{};
  SHA256_CTX c = LoadState<SHA256_CTX>(sha256_inner_);
  for (const auto& p : parts) SHA256_Update(&c, p.data(), p.size());
  SHA256_Final(inner.data(), &c);
  c = LoadState<SHA256_CTX>(sha256_outer_);
  SHA256_Update(&c, inner.data(), inner.size());
  SHA256_Final(out.data(), &c);
  return out;
}

Result<void> VerifyMessageIntegrity(const StunMessageView& message, const StunIntegrityKey& key) {
  const auto attr = message.Find(StunAttributeType::kMessageIntegrity);
  if (!attr) return MakeError(ErrorCode::kNotFound, "message has no MESSAGE-INTEGRITY");
  std::array<uint8_t, 2> length_field{};
  const auto parts = AdjustedInput(message.bytes(), attr->offset, kStunHmacSha1Size, length_field);
  const auto mac = key.HmacSha1(parts);
  // Constant-time compare: no early exit that would leak how many bytes matched.
  if (attr->value.size() != mac.size() ||
      CRYPTO_memcmp(mac.data(), attr->value.data(), mac.size()) != 0) {
    return MakeError(ErrorCode::kAuthFailed, "MESSAGE-INTEGRITY does not match the key");
  }
  return Ok();
}

Result<void> VerifyMessageIntegritySha256(const StunMessageView& message,
                                          const StunIntegrityKey& key) {
  const auto attr = message.Find(StunAttributeType::kMessageIntegritySha256);
  if (!attr) return MakeError(ErrorCode::kNotFound, "message has no MESSAGE-INTEGRITY-SHA256");
  const size_t n = attr->value.size();  // 16..32, checked by Parse
  std::array<uint8_t, 2> length_field{};
  const auto parts = AdjustedInput(message.bytes(), attr->offset, n, length_field);
  const auto mac = key.HmacSha256(parts);
  if (n < 16 || n > mac.size() || CRYPTO_memcmp(mac.data(), attr->value.data(), n) != 0) {
    return MakeError(ErrorCode::kAuthFailed, "MESSAGE-INTEGRITY-SHA256 does not match the key");
  }
  return Ok();
}

uint32_t ComputeStunFingerprint(std::span<const uint8_t> message_prefix) {
  return Crc32(message_prefix) ^ kStunFingerprintXor;
}

Result<void> VerifyFingerprint(const StunMessageView& message) {
  const auto attr = message.Find(StunAttributeType::kFingerprint);
  if (!attr) return MakeError(ErrorCode::kNotFound, "message has no FINGERPRINT");
  if (attr->value.size() != 4)
    return MakeError(ErrorCode::kMalformed, "FINGERPRINT is not 4 bytes");
  // FINGERPRINT is last (Parse enforces it), so the length field already covers it.
  const uint32_t expected = ComputeStunFingerprint(message.bytes().first(attr->offset));
  if (LoadBe32(attr->value.data()) != expected) {
    return MakeError(ErrorCode::kAuthFailed, "FINGERPRINT does not match the message CRC-32");
  }
  return Ok();
}

}  // namespace sluice
