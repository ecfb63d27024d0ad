#include "net/host_addresses.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <array>
#include <cstring>

namespace sluice::net {

std::optional<StunAddress> ParseIpAddress(const std::string& text) {
  std::string t = text;
  if (t.size() >= 2 && t.front() == '[' && t.back() == ']') t = t.substr(1, t.size() - 2);
  std::array<uint8_t, 4> v4;
  if (inet_pton(AF_INET, t.c_str(), v4.data()) == 1) return StunAddress::Ipv4(v4, 0);
  std::array<uint8_t, 16> v6;
  if (inet_pton(AF_INET6, t.c_str(), v6.data()) == 1) return StunAddress::Ipv6(v6, 0);
  return std::nullopt;
}

namespace {

bool IsUnspecified(const StunAddress& a) {
  for (uint8_t b : a.address())
    if (b != 0) return false;
  return true;
}

}  // namespace

StunAddress WithPort(const StunAddress& address, uint16_t port) {
  if (address.family() == StunAddressFamily::kIpv4) {
    std::array<uint8_t, 4> b;
    std::memcpy(b.data(), address.address().data(), 4);
    return StunAddress::Ipv4(b, port);
  }
  std::array<uint8_t, 16> b;
  std::memcpy(b.data(), address.address().data(), 16);
  return StunAddress::Ipv6(b, port);
}

Result<std::vector<StunAddress>> HostAddresses(const Configuration& config) {
  std::vector<StunAddress> out;
  if (!config.bind_addresses.empty()) {
    for (const auto& text : config.bind_addresses) {
      auto a = ParseIpAddress(text);
      if (!a)
        return MakeError(ErrorCode::kInvalidArgument,
                         "bind_addresses: not an IPv4 or IPv6 address (write e.g. 127.0.0.1)");
      if (IsUnspecified(*a))
        return MakeError(ErrorCode::kInvalidArgument,
                         "bind_addresses: a wildcard cannot be a candidate; name each address");
      if (a->family() == StunAddressFamily::kIpv6 && !config.enable_ipv6) continue;
      out.push_back(*a);
    }
    if (out.empty())
      return MakeError(ErrorCode::kInvalidArgument,
                       "bind_addresses has only IPv6 addresses but enable_ipv6 is false");
    return out;
  }
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0)
    return MakeError(ErrorCode::kInternal, "getifaddrs failed: set bind_addresses");
  std::vector<StunAddress> loopback;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || !(i->ifa_flags & IFF_UP)) continue;
    const bool is_loopback = (i->ifa_flags & IFF_LOOPBACK) != 0;
    StunAddress a;
    if (i->ifa_addr->sa_family == AF_INET) {
      std::array<uint8_t, 4> b;
      std::memcpy(b.data(), &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, 4);
      a = StunAddress::Ipv4(b, 0);
    } else if (i->ifa_addr->sa_family == AF_INET6 && config.enable_ipv6) {
      std::array<uint8_t, 16> b;
      std::memcpy(b.data(), &reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr, 16);
      if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) continue;  // link-local: needs a scope id
      a = StunAddress::Ipv6(b, 0);
    } else {
      continue;
    }
    (is_loopback ? loopback : out).push_back(a);
  }
  freeifaddrs(list);
  if (out.empty()) out = loopback;
  if (out.empty()) return MakeError(ErrorCode::kUnsupported, "no usable local address");
  return out;
}

Result<SocketId> BindInRange(LoopCore& core, const StunAddress& address, uint16_t begin,
                             uint16_t end, uint32_t start_hint, DatagramReceiver* receiver) {
  if (begin == 0 && end == 0) return core.OpenUdpSocket(address, receiver);
  if (begin == 0 || end < begin)
    return MakeError(ErrorCode::kInvalidArgument,
                     "port range: need 0 < port_range_begin <= port_range_end (or both 0)");
  const uint32_t span = uint32_t{end} - begin + 1;
  for (uint32_t i = 0; i < span; ++i) {
    const uint16_t port = static_cast<uint16_t>(begin + (start_hint + i) % span);
    const StunAddress a = WithPort(address, port);
    auto r = core.OpenUdpSocket(a, receiver);
    if (r.ok()) return r;
    if (r.error().code != ErrorCode::kExhausted) return r;  // not "in use": give up at once
  }
  return MakeError(ErrorCode::kExhausted, "port range: every port is in use");
}

}  // namespace sluice::net
