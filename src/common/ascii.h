// ASCII helpers for protocol tokens (SDP attribute values, candidate transports, hash names):
// locale-independent, unlike std::tolower, because protocol tokens are ASCII by definition
// (RFC 8866 §9, RFC 8122 §5).
//
// Thread rules: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace sluice {

constexpr char ToLowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Case-insensitive ASCII comparison ("UDP" == "udp", "SHA-256" == "sha-256").
constexpr bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

}  // namespace sluice
