// TransportAddress: the stun layer's address value type (IPv4 or IPv6 + UDP port), plus the IP
// text helpers candidate lines need ("192.0.2.1", "2001:db8::1" without a port).
//
// Thread rules: plain values and pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "stun/stun_address.h"

namespace sluice::ice {

using TransportAddress = StunAddress;
using AddressFamily = StunAddressFamily;

inline TransportAddress Ipv4Address(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  return StunAddress::Ipv4({a, b, c, d}, port);
}
inline bool IsIpv6(const TransportAddress& a) { return a.family() == AddressFamily::kIpv6; }
inline TransportAddress WithPort(const TransportAddress& a, uint16_t port) {
  std::array<uint8_t, 16> ip{};
  for (size_t i = 0; i < a.address().size(); ++i) ip[i] = a.address()[i];
  if (IsIpv6(a)) return StunAddress::Ipv6(ip, port);
  return StunAddress::Ipv4({ip[0], ip[1], ip[2], ip[3]}, port);
}

// Parses an IP literal (no brackets, no port, no host name) and takes `port`.
std::optional<TransportAddress> ParseIp(std::string_view ip, uint16_t port);
// The address without the port: "192.0.2.1", "2001:db8::1".
std::string IpString(const TransportAddress& a);

}  // namespace sluice::ice
