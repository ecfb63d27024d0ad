// OpenSSL 3 deprecates the low-level SHA1_* calls but keeps them; they are the only way to
// copy a keyed SHA-1 state without a heap allocation (see hmac_sha1.h).
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "srtp/hmac_sha1.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstring>

namespace sluice {

static_assert(sizeof(SHA_CTX) <= 128, "SHA_CTX does not fit the opaque storage");

HmacSha1::~HmacSha1() {
  OPENSSL_cleanse(inner_, sizeof(inner_));
  OPENSSL_cleanse(outer_, sizeof(outer_));
}

void HmacSha1::SetKey(std::span<const uint8_t> key) {
  uint8_t block[SHA_CBLOCK] = {};
  if (key.size() > SHA_CBLOCK) {
    SHA1(key.data(), key.size(), block);
  } else if (!key.empty()) {
    std::memcpy(block, key.data(), key.size());
  }
  uint8_t pad[SHA_CBLOCK];
  auto* inner = reinterpret_cast<SHA_CTX*>(inner_);
  auto* outer = reinterpret_cast<SHA_CTX*>(outer_);
  for (size_t i = 0; i < SHA_CBLOCK; ++i) pad[i] = block[i] ^ 0x36;
  SHA1_Init(inner);
  SHA1_Update(inner, pad, SHA_CBLOCK);
  for (size_t i = 0; i < SHA_CBLOCK; ++i) pad[i] = block[i] ^ 0x5c;
  SHA1_Init(outer);
  SHA1_Update(outer, pad, SHA_CBLOCK);
  OPENSSL_cleanse(block, sizeof(block));
  OPENSSL_cleanse(pad, sizeof(pad));
}

void HmacSha1::Compute(std::span<const uint8_t> a, std::span<const uint8_t> b,
                       uint8_t out[kDigestLen]) const {
  SHA_CTX ctx;
  std::memcpy(&ctx, inner_, sizeof(ctx));
  SHA1_Update(&ctx, a.data(), a.size());
  if (!b.empty()) SHA1_Update(&ctx, b.data(), b.size());
  uint8_t inner_digest[kDigestLen];
  SHA1_Final(inner_digest, &ctx);
  std::memcpy(&ctx, outer_, sizeof(ctx));
  SHA1_Update(&ctx, inner_digest, kDigestLen);
  SHA1_Final(out, &ctx);
}

}  // namespace sluice
