// MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT (RFC 8489 §14.5-§14.7, §9).
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | header, attributes ...  (length field = up to the end of MI)  |  <- HMAC input
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |        0x0008 (MI)            |          20                   |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                HMAC-SHA1 (20 bytes)                           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  0x001C (MI-SHA256), optional |        16..32                 |
//   |                HMAC-SHA256, possibly truncated                |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |      0x8028 (FINGERPRINT)     |           4                   |
//   |        CRC-32 of everything above ^ 0x5354554E                |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//   MESSAGE-INTEGRITY (0x0008): 20-byte HMAC-SHA1. "The text used as input to HMAC is the STUN
//   message, up to and including the attribute preceding the MESSAGE-INTEGRITY attribute. The
//   Length field of the STUN message header is adjusted to point to the end of the
//   MESSAGE-INTEGRITY attribute."
//   MESSAGE-INTEGRITY-SHA256 (0x001C): HMAC-SHA256, possibly truncated to 16-32 bytes, same rule.
//   FINGERPRINT (0x8028): "the CRC-32 of the STUN message up to (but excluding) the FINGERPRINT
//   attribute itself, XOR'ed with the 32-bit value 0x5354554e".
//
// StunIntegrityKey keeps the HMAC inner and outer hash states of one key precomputed, so a check
// costs the hash of the message plus one block for the outer hash, with no allocation and no
// OpenSSL context set-up per message. Build one key per credential (e.g. per ICE password) and
// reuse it.
//
// Thread rules: a StunIntegrityKey is immutable after construction; any number of threads may use
// one at once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "sluice/result.h"
#include "stun/stun_message.h"

namespace sluice {

class StunIntegrityKey {
 public:
  // Short-term credential (RFC 8489 §9.1.1): the key is the password (ICE: the remote or local
  // ice-pwd) after OpaqueString processing, which leaves ASCII ICE passwords unchanged.
  static StunIntegrityKey ShortTerm(std::string_view password);
  // Long-term credential with MD5 (RFC 8489 §9.2.2): MD5(username ":" realm ":" password).
  // The caller applies OpaqueString to the password first (RFC 5769 §2.4 uses it as given).
  static StunIntegrityKey LongTerm(std::string_view username, std::string_view realm,
                                   std::string_view password);
  // Any raw key bytes.
  static StunIntegrityKey FromBytes(std::span<const uint8_t> key);

  // HMAC-SHA1 / HMAC-SHA256 of the concatenation of `parts` (at most a few) under this key.
  std::array<uint8_t, kStunHmacSha1Size> HmacSha1(
      std::span<const std::span<const uint8_t>> parts) const;
  std::array<uint8_t, kStunHmacSha256Size> HmacSha256(
      std::span<const std::span<const uint8_t>> parts) const;
  std::array<uint8_t, kStunHmacSha1Size> HmacSha1(std::span<const uint8_t> data) const {
    return HmacSha1(std::span<const std::span<const uint8_t>>(&data, 1));
  }
  std::array<uint8_t, kStunHmacSha256Size> HmacSha256(std::span<const uint8_t> data) const {
    return HmacSha256(std::span<const std::span<const uint8_t>>(&data, 1));
  }

 private:
  StunIntegrityKey() = default;
  void Init(std::span<const uint8_t> key);

  // OpenSSL SHA_CTX / SHA256_CTX after absorbing key^ipad and key^opad, kept as opaque bytes so
  // that this header does not include OpenSSL (sizes checked in the .cc).
  alignas(16) std::array<uint8_t, 128> sha1_inner_{};
  alignas(16) std::array<uint8_t, 128> sha1_outer_{};
  alignas(16) std::array<uint8_t, 128> sha256_inner_{};
  alignas(16) std::array<uint8_t, 128> sha256_outer_{};
};

// Checks MESSAGE-INTEGRITY in constant time. kNotFound if the message has none, kAuthFailed if the
// HMAC does not match the key.
Result<void> VerifyMessageIntegrity(const StunMessageView& message, const StunIntegrityKey& key);
// Same for MESSAGE-INTEGRITY-SHA256 (a truncated value is compared over its own length).
Result<void> VerifyMessageIntegritySha256(const StunMessageView& message,
                                          const StunIntegrityKey& key);
// kNotFound if the message has no FINGERPRINT, kAuthFailed if the CRC does not match.
Result<void> VerifyFingerprint(const StunMessageView& message);

// The FINGERPRINT value of `message_prefix` (the message up to the FINGERPRINT attribute, with
// its length field already covering FINGERPRINT).
uint32_t ComputeStunFingerprint(std::span<const uint8_t> message_prefix);

}  // namespace sluice
