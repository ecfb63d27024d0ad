// SRTP protection profiles and master keying material.
//
// RFC 5764 §4.1.2 (DTLS-SRTP profile ids), RFC 3711 §8.2 (SRTP_AES128_CM_HMAC_SHA1_80: 128-bit
// key, 112-bit salt, 80-bit tag), RFC 7714 §12 and §14.2 (AEAD_AES_128_GCM / AEAD_AES_256_GCM:
// 96-bit salt, 128-bit tag).
//
// RFC 5764 §4.2, the keying material exported with the label "EXTRACTOR-dtls_srtp":
//
//   client_write_SRTP_master_key[SRTPSecurityParams.master_key_len];
//   server_write_SRTP_master_key[SRTPSecurityParams.master_key_len];
//   client_write_SRTP_master_salt[SRTPSecurityParams.master_salt_len];
//   server_write_SRTP_master_salt[SRTPSecurityParams.master_salt_len];
//
// Thread rules: plain values and pure functions; safe on any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "sluice/result.h"

namespace sluice {

// The values are the DTLS-SRTP protection profile ids of RFC 5764 §4.1.2 / RFC 7714 §14.2.
enum class SrtpProfile : uint16_t {
  kAes128CmHmacSha1_80 = 0x0001,  // SRTP_AES128_CM_HMAC_SHA1_80
  kAeadAes128Gcm = 0x0007,        // SRTP_AEAD_AES_128_GCM
  kAeadAes256Gcm = 0x0008,        // SRTP_AEAD_AES_256_GCM
};

struct SrtpProfileInfo {
  const char* name;        // "SRTP_AEAD_AES_128_GCM", ...
  size_t master_key_len;   // bytes: 16 or 32
  size_t master_salt_len;  // bytes: 14 (AES-CM) or 12 (AEAD)
  size_t auth_key_len;     // session HMAC-SHA1 key bytes (20), 0 for AEAD
  size_t rtp_tag_len;      // bytes appended to each SRTP packet
  size_t rtcp_tag_len;     // tag bytes of each SRTCP packet (plus the 4-byte E/index word)
  bool aead;               // AES-GCM (true) or AES-CM + HMAC-SHA1 (false)
};

// The lengths of a profile, or nullptr for a value that is not one of the enumerators.
const SrtpProfileInfo* GetSrtpProfileInfo(SrtpProfile profile);
// The profile for a DTLS-SRTP use_srtp id, if sluice supports it.
std::optional<SrtpProfile> SrtpProfileFromDtlsId(uint16_t id);

// SRTCP adds the 32-bit E-bit/index word (RFC 3711 §3.4) after (CM) or before (GCM) the tag.
inline constexpr size_t kSrtcpIndexLen = 4;
inline constexpr size_t kMaxSrtpMasterKeyLen = 32;
inline constexpr size_t kMaxSrtpMasterSaltLen = 14;
// Tailroom a PacketBuffer needs for the largest trailer sluice appends (GCM tag + SRTCP index).
inline constexpr size_t kMaxSrtpTrailerLen = 16 + kSrtcpIndexLen;

// One direction's master key and salt for one profile. Created through Create(), which checks
// the lengths against the profile.
struct SrtpKeys {
  SrtpProfile profile = SrtpProfile::kAeadAes128Gcm;
  std::array<uint8_t, kMaxSrtpMasterKeyLen> master_key{};
  std::array<uint8_t, kMaxSrtpMasterSaltLen> master_salt{};

  // kInvalidArgument if the profile is unknown or a length does not match it.
  static Result<SrtpKeys> Create(SrtpProfile profile, std::span<const uint8_t> key,
                                 std::span<const uint8_t> salt);
  std::span<const uint8_t> key() const;   // master_key_len bytes
  std::span<const uint8_t> salt() const;  // master_salt_len bytes
};

}  // namespace sluice
