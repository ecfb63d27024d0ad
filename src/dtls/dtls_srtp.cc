#include "dtls/dtls_srtp.h"

#include <algorithm>

namespace sluice::dtls {

const char* SrtpProfileName(SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::kNone: return "none";
    case SrtpProfile::kAes128CmSha1_80: return "SRTP_AES128_CM_SHA1_80";
    case SrtpProfile::kAeadAes128Gcm: return "SRTP_AEAD_AES_128_GCM";
    case SrtpProfile::kAeadAes256Gcm: return "SRTP_AEAD_AES_256_GCM";
  }
  return "unknown";
}

size_t SrtpMasterKeySize(SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::kAes128CmSha1_80: return 16;
    case SrtpProfile::kAeadAes128Gcm: return 16;
    case SrtpProfile::kAeadAes256Gcm: return 32;
    case SrtpProfile::kNone: break;
  }
  return 0;
}

size_t SrtpMasterSaltSize(SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::kAes128CmSha1_80: return 14;  // RFC 3711: 112-bit master salt
    case SrtpProfile::kAeadAes128Gcm: return 12;    // RFC 7714 §14.2: 96-bit master salt
    case SrtpProfile::kAeadAes256Gcm: return 12;
    case SrtpProfile::kNone: break;
  }
  return 0;
}

Result<SrtpKeyingMaterial> SrtpKeyingMaterial::FromExported(SrtpProfile profile, bool is_client,
                                                            std::span<const uint8_t> exported) {
  const size_t key = SrtpMasterKeySize(profile);
  const size_t salt = SrtpMasterSaltSize(profile);
  if (key == 0) return MakeError(ErrorCode::kInvalidArgument, "no SRTP profile to key");
  if (exported.size() != 2 * (key + salt)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "exported keying material must be 2 * (key + salt) bytes");
  }
  SrtpKeyingMaterial m;
  m.profile = profile;
  m.is_client = is_client;
  // client_key | server_key | client_salt | server_salt (RFC 5764 §4.2).
  auto at = exported.begin();
  std::copy_n(at, key, m.client_key.begin());
  std::copy_n(at + static_cast<std::ptrdiff_t>(key), key, m.server_key.begin());
  std::copy_n(at + static_cast<std::ptrdiff_t>(2 * key), salt, m.client_salt.begin());
  std::copy_n(at + static_cast<std::ptrdiff_t>(2 * key + salt), salt, m.server_salt.begin());
  return m;
}

}  // namespace sluice::dtls
