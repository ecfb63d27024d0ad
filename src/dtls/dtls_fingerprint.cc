#include "dtls/dtls_fingerprint.h"

#include <cctype>

#include "common/ascii.h"

namespace sluice::dtls {
namespace {

struct AlgorithmInfo {
  HashAlgorithm algorithm;
  const char* name;
  size_t size;
};

constexpr AlgorithmInfo kAlgorithms[] = {
    {HashAlgorithm::kSha1, "sha-1", 20},
    {HashAlgorithm::kSha256, "sha-256", 32},
    {HashAlgorithm::kSha384, "sha-384", 48},
    {HashAlgorithm::kSha512, "sha-512", 64},
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

const char* HashAlgorithmName(HashAlgorithm algorithm) {
  for (const auto& info : kAlgorithms) {
    if (info.algorithm == algorithm) return info.name;
  }
  return "unknown";
}

size_t DigestSize(HashAlgorithm algorithm) {
  for (const auto& info : kAlgorithms) {
    if (info.algorithm == algorithm) return info.size;
  }
  return 0;
}

Result<DtlsFingerprint> DtlsFingerprint::FromDigest(HashAlgorithm algorithm,
                                                    std::span<const uint8_t> digest) {
  if (digest.size() != DigestSize(algorithm)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "fingerprint digest size does not match its hash algorithm");
  }
  DtlsFingerprint fp;
  fp.algorithm_ = algorithm;
  fp.size_ = digest.size();
  for (size_t i = 0; i < digest.size(); ++i) fp.digest_[i] = digest[i];
  return fp;
}

Result<DtlsFingerprint> DtlsFingerprint::Parse(std::string_view value) {
  // Tolerate surrounding whitespace (SDP lines may carry a trailing '\r' or spaces).
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r' ||
                            value.back() == '\n')) {
    value.remove_suffix(1);
  }
  const size_t space = value.find(' ');
  if (space == std::string_view::npos) {
    return MakeError(ErrorCode::kMalformed, "fingerprint needs '<hash-func> <hex>'");
  }
  const std::string_view name = value.substr(0, space);
  std::string_view hex = value.substr(space + 1);
  while (!hex.empty() && hex.front() == ' ') hex.remove_prefix(1);

  const AlgorithmInfo* info = nullptr;
  for (const auto& candidate : kAlgorithms) {
    if (EqualsIgnoreCase(name, candidate.name)) info = &candidate;
  }
  if (info == nullptr) {
    return MakeError(ErrorCode::kUnsupported,
                     "fingerprint hash function must be sha-1, sha-256, sha-384 or sha-512");
  }
  // fingerprint = 2UHEX *(":" 2UHEX): exactly 3n-1 characters for n bytes.
  if (hex.size() != info->size * 3 - 1) {
    return MakeError(ErrorCode::kMalformed,
                     "fingerprint length does not match its hash function's digest size");
  }
  DtlsFingerprint fp;
  fp.algorithm_ = info->algorithm;
  fp.size_ = info->size;
  for (size_t i = 0; i < info->size; ++i) {
    const size_t at = i * 3;
    const int hi = HexValue(hex[at]);
    const int lo = HexValue(hex[at + 1]);
    if (hi < 0 || lo < 0) return MakeError(ErrorCode::kMalformed, "fingerprint has a non-hex digit");
    if (at + 2 < hex.size() && hex[at + 2] != ':') {
      return MakeError(ErrorCode::kMalformed, "fingerprint bytes must be separated by ':'");
    }
    fp.digest_[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return fp;
}

std::string DtlsFingerprint::ToString() const {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = HashAlgorithmName(algorithm_);
  out.reserve(out.size() + 1 + size_ * 3);
  out.push_back(' ');
  for (size_t i = 0; i < size_; ++i) {
    if (i != 0) out.push_back(':');
    out.push_back(kHex[digest_[i] >> 4]);
    out.push_back(kHex[digest_[i] & 0xF]);
  }
  return out;
}

bool DtlsFingerprint::Matches(const DtlsFingerprint& other) const {
  if (algorithm_ != other.algorithm_ || size_ != other.size_ || size_ == 0) return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < size_; ++i) diff |= static_cast<uint8_t>(digest_[i] ^ other.digest_[i]);
  return diff == 0;
}

}  // namespace sluice::dtls
