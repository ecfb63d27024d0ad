#include "sdp/fingerprint.h"

#include <algorithm>

#include "sdp/sdp_tokens.h"

namespace sluice::sdp {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Output size of the hash functions RFC 8122 names; 0 for an extension token.
size_t DigestSizeOf(std::string_view hash) {
  if (EqualsIgnoreCase(hash, "sha-1")) return 20;
  if (EqualsIgnoreCase(hash, "sha-224")) return 28;
  if (EqualsIgnoreCase(hash, "sha-256")) return 32;
  if (EqualsIgnoreCase(hash, "sha-384")) return 48;
  if (EqualsIgnoreCase(hash, "sha-512")) return 64;
  if (EqualsIgnoreCase(hash, "md5") || EqualsIgnoreCase(hash, "md2")) return 16;
  return 0;
}

}  // namespace

Result<Fingerprint> Fingerprint::Parse(std::string_view value) {
  FieldReader fields(TrimTrailingSpace(value));
  auto hash = fields.Next();
  if (!hash || !IsToken(*hash)) {
    return MakeError(ErrorCode::kMalformed, "fingerprint hash function is not a token");
  }
  auto hex = fields.Next();
  if (!hex) return MakeError(ErrorCode::kMalformed, "fingerprint is missing its hex digest");
  if (!fields.empty()) return MakeError(ErrorCode::kMalformed, "fingerprint has trailing fields");

  Fingerprint fp;
  fp.hash_function = std::string(*hash);
  // 2HEX *(":" 2HEX): length 3n-1 for n bytes.
  if ((hex->size() + 1) % 3 != 0) {
    return MakeError(ErrorCode::kMalformed, "fingerprint hex is not colon-separated byte pairs");
  }
  const size_t n = (hex->size() + 1) / 3;
  if (n > kMaxFingerprintBytes) {
    return MakeError(ErrorCode::kMalformed, "fingerprint is longer than 64 bytes");
  }
  for (size_t i = 0; i < n; ++i) {
    const int hi = HexValue((*hex)[3 * i]);
    const int lo = HexValue((*hex)[3 * i + 1]);
    if (hi < 0 || lo < 0)
      return MakeError(ErrorCode::kMalformed, "fingerprint has a bad hex digit");
    if (i + 1 < n && (*hex)[3 * i + 2] != ':') {
      return MakeError(ErrorCode::kMalformed, "fingerprint bytes are not separated by ':'");
    }
    fp.digest_bytes[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  fp.digest_size = n;
  const size_t expected = DigestSizeOf(fp.hash_function);
  if (expected != 0 && expected != n) {
    return MakeError(ErrorCode::kMalformed, "fingerprint length does not match its hash function");
  }
  return fp;
}

std::string Fingerprint::ToString() const {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = hash_function;
  out += ' ';
  for (size_t i = 0; i < digest_size; ++i) {
    if (i != 0) out += ':';
    out += kHex[digest_bytes[i] >> 4];
    out += kHex[digest_bytes[i] & 0xF];
  }
  return out;
}

}  // namespace sluice::sdp
