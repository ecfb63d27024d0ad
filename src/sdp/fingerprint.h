// DTLS certificate fingerprint attribute, RFC 8122 §5
// (https://www.rfc-editor.org/rfc/rfc8122#section-5).
//
//   attribute            =/ fingerprint-attribute
//   fingerprint-attribute = "fingerprint" ":" hash-func SP fingerprint
//   hash-func            = "sha-1" / "sha-224" / "sha-256" / "sha-384" / "sha-512" / "md5" /
//                          "md2" / token
//   fingerprint          = 2UHEX *(":" 2UHEX)
//                          ; Each byte in upper-case hex, separated by colons.
//   UHEX                 = DIGIT / %x41-46 ; A-F uppercase
//
// We accept lower-case hex on input (several stacks send it) and always write upper case.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sdp/sdp_limits.h"
#include "sluice/result.h"

namespace sluice::sdp {

struct Fingerprint {
  std::string hash_function;  // as written, e.g. "sha-256"; compare with EqualsIgnoreCase
  std::array<uint8_t, kMaxFingerprintBytes> digest_bytes{};
  size_t digest_size = 0;

  // Parses "sha-256 AB:CD:...". For a known hash function the number of bytes MUST match its
  // output size (an error otherwise).
  static Result<Fingerprint> Parse(std::string_view value);
  // "sha-256 AB:CD:..." (upper-case hex).
  std::string ToString() const;

  std::span<const uint8_t> digest() const { return {digest_bytes.data(), digest_size}; }

  friend bool operator==(const Fingerprint& a, const Fingerprint& b) {
    return a.hash_function == b.hash_function && a.digest_size == b.digest_size &&
           std::equal(a.digest_bytes.begin(), a.digest_bytes.begin() + a.digest_size,
                      b.digest_bytes.begin());
  }
};

}  // namespace sluice::sdp
