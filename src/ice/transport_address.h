// TransportAddress: an IPv4 or IPv6 address and a UDP port, as a plain value.
//
// The ICE agent keys candidates, pairs and transactions on it, so it is small, trivially
// copyable and compares by value. Text conversion ("192.0.2.1", "2001:db8::1") is for candidate
// lines and logs only (control path). Thread rules: a plain value.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::ice {

enum class AddressFamily : uint8_t { kIpv4, kIpv6 };

struct TransportAddress {
  AddressFamily family = AddressFamily::kIpv4;
  // IPv4 uses the first 4 bytes; the rest stay zero so that == compares by value.
  std::array<uint8_t, 16> ip{};
  uint16_t port = 0;

  static TransportAddress V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
    TransportAddress t;
    t.family = AddressFamily::kIpv4;
    t.ip[0] = a;
    t.ip[1] = b;
    t.ip[2] = c;
    t.ip[3] = d;
    t.port = port;
    return t;
  }
  static TransportAddress V6(const std::array<uint8_t, 16>& ip, uint16_t port) {
    TransportAddress t;
    t.family = AddressFamily::kIpv6;
    t.ip = ip;
    t.port = port;
    return t;
  }
  // Parses an IP literal (no brackets, no host names) and takes `port`.
  static std::optional<TransportAddress> FromString(std::string_view ip, uint16_t port);

  bool is_ipv6() const { return family == AddressFamily::kIpv6; }
  size_t ip_size() const { return is_ipv6() ? 16 : 4; }
  // "192.0.2.1" / "2001:db8::1" (no port).
  std::string IpString() const;
  // "192.0.2.1:5000" / "[2001:db8::1]:5000".
  std::string ToString() const;

  friend bool operator==(const TransportAddress&, const TransportAddress&) = default;
};

}  // namespace sluice::ice
