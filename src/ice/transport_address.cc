#include "ice/transport_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace sluice::ice {

std::optional<TransportAddress> ParseIp(std::string_view ip, uint16_t port) {
  // inet_pton needs a NUL-terminated string; IP literals are at most 45 characters.
  char text[64];
  if (ip.empty() || ip.size() >= sizeof(text)) return std::nullopt;
  std::memcpy(text, ip.data(), ip.size());
  text[ip.size()] = '\0';
  std::array<uint8_t, 16> bytes{};
  if (inet_pton(AF_INET, text, bytes.data()) == 1) {
    return StunAddress::Ipv4({bytes[0], bytes[1], bytes[2], bytes[3]}, port);
  }
  if (inet_pton(AF_INET6, text, bytes.data()) == 1) return StunAddress::Ipv6(bytes, port);
  return std::nullopt;
}

std::string IpString(const TransportAddress& a) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(IsIpv6(a) ? AF_INET6 : AF_INET, a.address().data(), text, sizeof(text));
  return text;
}

}  // namespace sluice::ice
