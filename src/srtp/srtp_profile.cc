#include "srtp/srtp_profile.h"

#include <algorithm>

namespace sluice {
namespace {

constexpr SrtpProfileInfo kAes128Cm{"SRTP_AES128_CM_HMAC_SHA1_80", 16, 14, 20, 10, 10, false};
constexpr SrtpProfileInfo kAes128Gcm{"SRTP_AEAD_AES_128_GCM", 16, 12, 0, 16, 16, true};
constexpr SrtpProfileInfo kAes256Gcm{"SRTP_AEAD_AES_256_GCM", 32, 12, 0, 16, 16, true};

}  // namespace

const SrtpProfileInfo* GetSrtpProfileInfo(SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::kAes128CmHmacSha1_80: return &kAes128Cm;
    case SrtpProfile::kAeadAes128Gcm: return &kAes128Gcm;
    case SrtpProfile::kAeadAes256Gcm: return &kAes256Gcm;
  }
  return nullptr;
}

std::optional<SrtpProfile> SrtpProfileFromDtlsId(uint16_t id) {
  auto p = static_cast<SrtpProfile>(id);
  if (GetSrtpProfileInfo(p) == nullptr) return std::nullopt;
  return p;
}

Result<SrtpKeys> SrtpKeys::Create(SrtpProfile profile, std::span<const uint8_t> key,
                                  std::span<const uint8_t> salt) {
  const SrtpProfileInfo* info = GetSrtpProfileInfo(profile);
  if (info == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "srtp: unknown protection profile");
  }
  if (key.size() != info->master_key_len) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "srtp: master key length does not match the profile (16 or 32 bytes)");
  }
  if (salt.size() != info->master_salt_len) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "srtp: master salt length does not match the profile (14 CM, 12 GCM)");
  }
  SrtpKeys k;
  k.profile = profile;
  std::copy(key.begin(), key.end(), k.master_key.begin());
  std::copy(salt.begin(), salt.end(), k.master_salt.begin());
  return k;
}

std::span<const uint8_t> SrtpKeys::key() const {
  const SrtpProfileInfo* info = GetSrtpProfileInfo(profile);
  return {master_key.data(), info ? info->master_key_len : 0};
}

std::span<const uint8_t> SrtpKeys::salt() const {
  const SrtpProfileInfo* info = GetSrtpProfileInfo(profile);
  return {master_salt.data(), info ? info->master_salt_len : 0};
}

}  // namespace sluice
