// RFC 8489 §14.1 MAPPED-ADDRESS and §14.2 XOR-MAPPED-ADDRESS (diagram in stun_address.h).
#include "stun/stun_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "common/byte_order.h"

namespace sluice {
namespace {

constexpr size_t kIpv4ValueSize = 8;
constexpr size_t kIpv6ValueSize = 20;

// The XOR mask of X-Address: the magic cookie followed by the transaction id (§14.2).
std::array<uint8_t, 16> XorMask(const StunTransactionId& transaction_id) {
  std::array<uint8_t, 16> mask{};
  StoreBe32(mask.data(), kStunMagicCookie);
  std::memcpy(mask.data() + 4, transaction_id.bytes.data(), kStunTransactionIdSize);
  return mask;
}

Result<StunAddress> ParseAddressValue(std::span<const uint8_t> value, const uint8_t* mask) {
  // One explicit length check covers every load below.
  if (value.size() < 4)
    return MakeError(ErrorCode::kMalformed, "address attribute is shorter than 4 bytes");
  const uint8_t family = value[1];
  uint16_t port = LoadBe16(value.data() + 2);
  if (mask != nullptr) port = static_cast<uint16_t>(port ^ (kStunMagicCookie >> 16));
  if (family == static_cast<uint8_t>(StunAddressFamily::kIpv4)) {
    if (value.size() != kIpv4ValueSize)
      return MakeError(ErrorCode::kMalformed, "IPv4 address attribute is not 8 bytes");
    std::array<uint8_t, 4> a{};
    for (size_t i = 0; i < 4; ++i) a[i] = static_cast<uint8_t>(value[4 + i] ^ (mask ? mask[i] : 0));
    return StunAddress::Ipv4(a, port);
  }
  if (family == static_cast<uint8_t>(StunAddressFamily::kIpv6)) {
    if (value.size() != kIpv6ValueSize)
      return MakeError(ErrorCode::kMalformed, "IPv6 address attribute is not 20 bytes");
    std::array<uint8_t, 16> a{};
    for (size_t i = 0; i < 16; ++i)
      a[i] = static_cast<uint8_t>(value[4 + i] ^ (mask ? mask[i] : 0));
    return StunAddress::Ipv6(a, port);
  }
  return MakeError(ErrorCode::kMalformed, "address family is neither IPv4 (1) nor IPv6 (2)");
}

Result<size_t> SerializeAddressValue(const StunAddress& address, const uint8_t* mask,
                                     std::span<uint8_t> out) {
  const size_t size = MappedAddressValueSize(address);
  if (out.size() < size)
    return MakeError(ErrorCode::kBufferTooSmall, "address attribute does not fit");
  out[0] = 0;  // "the first 8 bits of the MAPPED-ADDRESS MUST be set to 0"
  out[1] = static_cast<uint8_t>(address.family());
  uint16_t port = address.port();
  if (mask != nullptr) port = static_cast<uint16_t>(port ^ (kStunMagicCookie >> 16));
  StoreBe16(out.data() + 2, port);
  const auto a = address.address();
  for (size_t i = 0; i < a.size(); ++i)
    out[4 + i] = static_cast<uint8_t>(a[i] ^ (mask ? mask[i] : 0));
  return size;
}

}  // namespace

StunAddress StunAddress::Ipv4(const std::array<uint8_t, 4>& address, uint16_t port) {
  StunAddress a;
  a.family_ = StunAddressFamily::kIpv4;
  a.port_ = port;
  std::memcpy(a.address_.data(), address.data(), 4);
  return a;
}

StunAddress StunAddress::Ipv6(const std::array<uint8_t, 16>& address, uint16_t port) {
  StunAddress a;
  a.family_ = StunAddressFamily::kIpv6;
  a.port_ = port;
  a.address_ = address;
  return a;
}

std::optional<StunAddress> StunAddress::FromString(std::string_view text) {
  std::string_view host;
  std::string_view port_text;
  bool v6 = false;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::nullopt;
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
    v6 = true;
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 0xFFFF ||
      port_text.empty()) {
    return std::nullopt;
  }
  char host_z[64] = {};
  if (host.empty() || host.size() >= sizeof(host_z)) return std::nullopt;
  std::memcpy(host_z, host.data(), host.size());
  if (v6) {
    std::array<uint8_t, 16> a{};
    if (inet_pton(AF_INET6, host_z, a.data()) != 1) return std::nullopt;
    return Ipv6(a, static_cast<uint16_t>(port));
  }
  std::array<uint8_t, 4> a{};
  if (inet_pton(AF_INET, host_z, a.data()) != 1) return std::nullopt;
  return Ipv4(a, static_cast<uint16_t>(port));
}

std::string StunAddress::ToString() const {
  char host[INET6_ADDRSTRLEN] = {};
  const bool v4 = family_ == StunAddressFamily::kIpv4;
  inet_ntop(v4 ? AF_INET : AF_INET6, address_.data(), host, sizeof(host));
  std::string out = v4 ? std::string(host) : "[" + std::string(host) + "]";
  return out + ":" + std::to_string(port_);
}

Result<StunAddress> ParseMappedAddress(std::span<const uint8_t> value) {
  return ParseAddressValue(value, nullptr);
}

Result<StunAddress> ParseXorMappedAddress(std::span<const uint8_t> value,
                                          const StunTransactionId& transaction_id) {
  const auto mask = XorMask(transaction_id);
  return ParseAddressValue(value, mask.data());
}

size_t MappedAddressValueSize(const StunAddress& address) {
  return address.family() == StunAddressFamily::kIpv4 ? kIpv4ValueSize : kIpv6ValueSize;
}

Result<size_t> SerializeMappedAddress(const StunAddress& address, std::span<uint8_t> out) {
  return SerializeAddressValue(address, nullptr, out);
}

Result<size_t> SerializeXorMappedAddress(const StunAddress& address,
                                         const StunTransactionId& transaction_id,
                                         std::span<uint8_t> out) {
  const auto mask = XorMask(transaction_id);
  return SerializeAddressValue(address, mask.data(), out);
}

}  // namespace sluice
