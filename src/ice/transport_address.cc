#include "ice/transport_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace sluice::ice {

std::optional<TransportAddress> TransportAddress::FromString(std::string_view ip, uint16_t port) {
  // inet_pton needs a NUL-terminated string; IP literals are at most 45 characters.
  char text[64];
  if (ip.empty() || ip.size() >= sizeof(text)) return std::nullopt;
  std::memcpy(text, ip.data(), ip.size());
  text[ip.size()] = '\0';
  TransportAddress t;
  t.port = port;
  if (inet_pton(AF_INET, text, t.ip.data()) == 1) {
    t.family = AddressFamily::kIpv4;
    return t;
  }
  if (inet_pton(AF_INET6, text, t.ip.data()) == 1) {
    t.family = AddressFamily::kIpv6;
    return t;
  }
  return std::nullopt;
}

std::string TransportAddress::IpString() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_ipv6() ? AF_INET6 : AF_INET, ip.data(), text, sizeof(text));
  return text;
}

std::string TransportAddress::ToString() const {
  std::string out;
  if (is_ipv6()) out = "[" + IpString() + "]";
  else out = IpString();
  out += ":" + std::to_string(port);
  return out;
}

}  // namespace sluice::ice
