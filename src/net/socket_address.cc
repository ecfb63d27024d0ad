#include "net/socket_address.h"

#include <array>
#include <cstring>

namespace sluice::net {

socklen_t ToSockaddr(const StunAddress& address, sockaddr_storage* out) {
  std::memset(out, 0, sizeof(*out));
  const auto bytes = address.address();
  if (address.family() == StunAddressFamily::kIpv4) {
    auto* sin = reinterpret_cast<sockaddr_in*>(out);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(address.port());
    std::memcpy(&sin->sin_addr, bytes.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(out);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(address.port());
  std::memcpy(&sin6->sin6_addr, bytes.data(), 16);
  return sizeof(sockaddr_in6);
}

StunAddress FromSockaddr(const sockaddr_storage& in) {
  if (in.ss_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&in);
    std::array<uint8_t, 4> a;
    std::memcpy(a.data(), &sin->sin_addr, 4);
    return StunAddress::Ipv4(a, ntohs(sin->sin_port));
  }
  if (in.ss_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&in);
    std::array<uint8_t, 16> a;
    std::memcpy(a.data(), &sin6->sin6_addr, 16);
    return StunAddress::Ipv6(a, ntohs(sin6->sin6_port));
  }
  return StunAddress();
}

int SocketFamily(const StunAddress& address) {
  return address.family() == StunAddressFamily::kIpv4 ? AF_INET : AF_INET6;
}

}  // namespace sluice::net
