// Certificate fingerprints as SDP carries them, RFC 8122 §5
// (https://www.rfc-editor.org/rfc/rfc8122#section-5), checked by DTLS per RFC 8842 §5.
//
//   fingerprint-attribute = "fingerprint" ":" hash-func SP fingerprint
//   hash-func             = "sha-1" / "sha-224" / "sha-256" / "sha-384" / "sha-512" / ...
//   fingerprint           = 2UHEX *(":" 2UHEX)
//
// The dtls layer keeps its own small value type (it may not depend on sdp/): the PeerConnection
// hands the attribute value ("sha-256 AB:CD:...") over as text. Lower-case hex and upper-case
// hash names are accepted on input; ToString() writes the canonical form.
//
// Thread rules: a plain value.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sluice/result.h"

namespace sluice::dtls {

enum class HashAlgorithm : uint8_t { kSha1, kSha256, kSha384, kSha512 };

// "sha-256" etc.; the digest size in bytes (20, 32, 48, 64).
const char* HashAlgorithmName(HashAlgorithm algorithm);
size_t DigestSize(HashAlgorithm algorithm);

class DtlsFingerprint {
 public:
  static constexpr size_t kMaxDigestSize = 64;

  DtlsFingerprint() = default;
  // Fails with kInvalidArgument if digest.size() is not the algorithm's digest size.
  static Result<DtlsFingerprint> FromDigest(HashAlgorithm algorithm,
                                            std::span<const uint8_t> digest);
  // Parses the SDP attribute value "sha-256 AB:CD:...". An unknown hash function is
  // kUnsupported (RFC 8122 lists md5/md2/sha-224 too: we refuse them rather than skip the check).
  static Result<DtlsFingerprint> Parse(std::string_view sdp_value);

  // "sha-256 AB:CD:..." (upper-case hex, RFC 8122).
  std::string ToString() const;

  HashAlgorithm algorithm() const { return algorithm_; }
  std::span<const uint8_t> digest() const { return {digest_.data(), size_}; }
  bool empty() const { return size_ == 0; }

  // Constant-time comparison of the digests (and equal algorithms); an empty one never matches.
  bool Matches(const DtlsFingerprint& other) const;
  friend bool operator==(const DtlsFingerprint& a, const DtlsFingerprint& b) {
    return a.algorithm_ == b.algorithm_ && a.size_ == b.size_ && a.digest_ == b.digest_;
  }

 private:
  HashAlgorithm algorithm_ = HashAlgorithm::kSha256;
  std::array<uint8_t, kMaxDigestSize> digest_{};
  size_t size_ = 0;
};

}  // namespace sluice::dtls
