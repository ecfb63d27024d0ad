// DTLS-SRTP: the use_srtp extension's protection profiles and the exported keying material,
// RFC 5764 §4.1.2 / §4.2 (https://www.rfc-editor.org/rfc/rfc5764#section-4.2) and the AEAD
// profiles of RFC 7714 §14.2.
//
//   SRTPProtectionProfile          value    master key  master salt
//   SRTP_AES128_CM_HMAC_SHA1_80    {0x00, 0x01}   16 B     14 B
//   SRTP_AEAD_AES_128_GCM          {0x00, 0x07}   16 B     12 B
//   SRTP_AEAD_AES_256_GCM          {0x00, 0x08}   32 B     12 B
//
// RFC 5764 §4.2: the keying material is exported with the label "EXTRACTOR-dtls_srtp" and no
// context, 2 * (key + salt) bytes long, laid out as
//
//   client_write_SRTP_master_key[key] | server_write_SRTP_master_key[key] |
//   client_write_SRTP_master_salt[salt] | server_write_SRTP_master_salt[salt]
//
// The client (DTLS role, SDP setup:active) protects what it sends with the client keys.
//
// Thread rules: plain values.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "sluice/result.h"

namespace sluice::dtls {

// Values are the IANA profile identifiers.
enum class SrtpProfile : uint16_t {
  kNone = 0x0000,
  kAes128CmSha1_80 = 0x0001,
  kAeadAes128Gcm = 0x0007,
  kAeadAes256Gcm = 0x0008,
};

const char* SrtpProfileName(SrtpProfile profile);  // OpenSSL's names, "SRTP_AEAD_AES_128_GCM"
size_t SrtpMasterKeySize(SrtpProfile profile);     // 0 for kNone
size_t SrtpMasterSaltSize(SrtpProfile profile);    // 0 for kNone

inline constexpr char kDtlsSrtpExporterLabel[] = "EXTRACTOR-dtls_srtp";
inline constexpr size_t kMaxSrtpKeySize = 32;
inline constexpr size_t kMaxSrtpSaltSize = 14;
inline constexpr size_t kMaxSrtpKeyingMaterialSize = 2 * (kMaxSrtpKeySize + kMaxSrtpSaltSize);

// Master keys and salts for both directions, already split by the RFC 5764 §4.2 layout.
struct SrtpKeyingMaterial {
  SrtpProfile profile = SrtpProfile::kNone;
  bool is_client = false;  // our DTLS role: selects which half is "local"
  std::array<uint8_t, kMaxSrtpKeySize> client_key{};
  std::array<uint8_t, kMaxSrtpKeySize> server_key{};
  std::array<uint8_t, kMaxSrtpSaltSize> client_salt{};
  std::array<uint8_t, kMaxSrtpSaltSize> server_salt{};

  // Splits the exporter output; kInvalidArgument if its size is not 2 * (key + salt).
  static Result<SrtpKeyingMaterial> FromExported(SrtpProfile profile, bool is_client,
                                                 std::span<const uint8_t> exported);

  size_t key_size() const { return SrtpMasterKeySize(profile); }
  size_t salt_size() const { return SrtpMasterSaltSize(profile); }
  // What we protect outgoing SRTP with, and what we unprotect incoming SRTP with.
  std::span<const uint8_t> local_key() const {
    return {is_client ? client_key.data() : server_key.data(), key_size()};
  }
  std::span<const uint8_t> local_salt() const {
    return {is_client ? client_salt.data() : server_salt.data(), salt_size()};
  }
  std::span<const uint8_t> remote_key() const {
    return {is_client ? server_key.data() : client_key.data(), key_size()};
  }
  std::span<const uint8_t> remote_salt() const {
    return {is_client ? server_salt.data() : client_salt.data(), salt_size()};
  }
};

}  // namespace sluice::dtls
