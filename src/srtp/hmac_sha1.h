// HMAC-SHA1 (RFC 2104) for SRTP authentication (RFC 3711 §4.2.1), keyed once.
//
// The inner and outer SHA-1 states after absorbing (key XOR ipad) and (key XOR opad) are kept;
// each message copies them (a plain struct copy, no allocation, unlike EVP_MD_CTX_copy or
// EVP_MAC re-init in OpenSSL 3 which duplicate a provider context on the heap) and runs
// OpenSSL's SHA-1 block function (SHA-NI / AVX2 when the CPU has them).
//
// Thread rules: Compute() is const and may run on several threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace sluice {

class HmacSha1 {
 public:
  static constexpr size_t kDigestLen = 20;

  HmacSha1() = default;
  ~HmacSha1();
  HmacSha1(const HmacSha1&) = delete;
  HmacSha1& operator=(const HmacSha1&) = delete;

  // Keys the instance; key may be up to 64 bytes (SRTP uses 20).
  void SetKey(std::span<const uint8_t> key);

  // HMAC over a || b (b may be empty), full 20-byte digest.
  void Compute(std::span<const uint8_t> a, std::span<const uint8_t> b,
               uint8_t out[kDigestLen]) const;

 private:
  // Storage for two OpenSSL SHA_CTX (96 bytes each); kept opaque so this header does not pull
  // in OpenSSL's deprecated low-level API.
  alignas(8) unsigned char inner_[128] = {};
  alignas(8) unsigned char outer_[128] = {};
};

}  // namespace sluice
