// SRTP key derivation, RFC 3711 §4.3 (AES-CM PRF, key_derivation_rate = 0) and RFC 7714 §11.
//
//   key_id = <label> || r          (r = index DIV kdr = 0 when kdr = 0: 48 zero bits)
//   x      = key_id XOR master_salt   (both right-aligned in 112 bits)
//   k_e = PRF(k_master, x * 2^16) truncated, PRF = AES-CM keystream (AES-128 or AES-256)
//
// Labels (RFC 3711 §4.3.2): 0x00 SRTP encryption key, 0x01 SRTP auth key, 0x02 SRTP salt,
// 0x03 SRTCP encryption key, 0x04 SRTCP auth key, 0x05 SRTCP salt.
// RFC 7714 §11: the AEAD profiles use the same AES-CM PRF; their 96-bit master salt is
// zero-extended to the 112 bits the PRF takes, and the derived session salt is 96 bits.
//
// Thread rules: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "sluice/result.h"
#include "srtp/srtp_profile.h"

namespace sluice {

// Session keys for one direction, derived once per SrtpSession (kdr = 0).
struct SrtpSessionKeys {
  std::array<uint8_t, 32> rtp_key{};
  std::array<uint8_t, 14> rtp_salt{};   // 14 bytes (CM) or 12 (GCM) used
  std::array<uint8_t, 20> rtp_auth{};   // CM only
  std::array<uint8_t, 32> rtcp_key{};
  std::array<uint8_t, 14> rtcp_salt{};
  std::array<uint8_t, 20> rtcp_auth{};
  ~SrtpSessionKeys();  // wipes the keys
};

enum class SrtpKdfLabel : uint8_t {
  kRtpEncryption = 0x00,
  kRtpAuth = 0x01,
  kRtpSalt = 0x02,
  kRtcpEncryption = 0x03,
  kRtcpAuth = 0x04,
  kRtcpSalt = 0x05,
};

// One PRF output: `out.size()` bytes of AES-CM keystream for `label`. master_key is 16 or 32
// bytes, master_salt up to 14 (zero-extended on the right to 14). kInternal if OpenSSL fails.
Result<void> SrtpKdf(std::span<const uint8_t> master_key, std::span<const uint8_t> master_salt,
                     SrtpKdfLabel label, std::span<uint8_t> out);

// All six session values for a profile's keys.
Result<void> DeriveSrtpSessionKeys(const SrtpKeys& keys, SrtpSessionKeys& out);

}  // namespace sluice
