// TLS 1.2 key expansion for the AES-GCM record fast path (internal to src/dtls).
//
// RFC 5246 §6.3: key_block = PRF(SecurityParameters.master_secret, "key expansion",
//                                SecurityParameters.server_random +
//                                SecurityParameters.client_random);
// partitioned as client_write_MAC_key, server_write_MAC_key, client_write_key,
// server_write_key, client_write_IV, server_write_IV. RFC 5288 §3: AEAD suites have no MAC
// keys and a 4-byte implicit IV ("salt"). The PRF is P_<hash> with the suite's PRF hash
// (RFC 5246 §5; SHA-256, or SHA-384 for *-SHA384 suites). RFC 7627 (extended master secret)
// changes how the master secret is computed, not the expansion, so the same code serves both.
//
// Thread rules: plain functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "sluice/result.h"

struct ssl_st;
struct evp_md_st;

namespace sluice::dtls {

inline constexpr size_t kGcmSaltSize = 4;
inline constexpr size_t kMaxAeadKeySize = 32;

// One direction's key and implicit IV (salt).
struct AeadDirectionKeys {
  std::array<uint8_t, kMaxAeadKeySize> key{};
  std::array<uint8_t, kGcmSaltSize> salt{};
};

struct AeadSessionKeys {
  size_t key_size = 0;  // 16 (AES-128-GCM) or 32 (AES-256-GCM)
  AeadDirectionKeys write;
  AeadDirectionKeys read;
  // Wipes the keys (OPENSSL_cleanse).
  void Wipe();
};

// P_hash(secret, label + seed) into `out` with OpenSSL's EVP_KDF "TLS1-PRF".
Result<void> Tls12Prf(const evp_md_st* md, std::span<const uint8_t> secret, const char* label,
                      std::span<const uint8_t> seed, std::span<uint8_t> out);

// The keys of `ssl`'s established session, if its suite is TLS 1.2 AES-128-GCM or
// AES-256-GCM; kUnsupported for any other suite (the caller keeps OpenSSL's record layer).
Result<AeadSessionKeys> DeriveAeadSessionKeys(ssl_st* ssl, bool is_client);

}  // namespace sluice::dtls
