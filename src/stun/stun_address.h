// StunAddress and the (XOR-)MAPPED-ADDRESS attribute values (RFC 8489 §14.1, §14.2).
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |0 0 0 0 0 0 0 0|    Family     |         Port / X-Port         |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                                                               |
//    |         Address / X-Address (32 bits or 128 bits)             |
//    |                                                               |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Family 0x01 is IPv4 (8-byte value), 0x02 is IPv6 (20-byte value). In XOR-MAPPED-ADDRESS the
// port is XORed with the cookie's top 16 bits, an IPv4 address with the cookie, and an IPv6
// address with the cookie followed by the 96-bit transaction id.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sluice/result.h"
#include "stun/stun_types.h"

namespace sluice {

enum class StunAddressFamily : uint8_t {
  kIpv4 = 0x01,
  kIpv6 = 0x02,
};

// A transport address as STUN carries it: family, 4 or 16 address bytes, port. A small value
// type (no sockaddr, no allocation) so that views and builders can pass it by value.
class StunAddress {
 public:
  // 0.0.0.0:0
  StunAddress() = default;
  static StunAddress Ipv4(const std::array<uint8_t, 4>& address, uint16_t port);
  static StunAddress Ipv6(const std::array<uint8_t, 16>& address, uint16_t port);
  // "192.0.2.1:32853" or "[2001:db8::1]:443". For tests, logs and configuration, not the data
  // path.
  static std::optional<StunAddress> FromString(std::string_view text);

  StunAddressFamily family() const { return family_; }
  uint16_t port() const { return port_; }
  // 4 bytes for IPv4, 16 for IPv6, network order.
  std::span<const uint8_t> address() const {
    return std::span<const uint8_t>(address_).first(family_ == StunAddressFamily::kIpv4 ? 4 : 16);
  }
  // Same format as FromString accepts. Allocates: not for the data path.
  std::string ToString() const;

  friend bool operator==(const StunAddress&, const StunAddress&) = default;

 private:
  StunAddressFamily family_ = StunAddressFamily::kIpv4;
  uint16_t port_ = 0;
  std::array<uint8_t, 16> address_{};  // unused bytes stay zero, so == compares values
};

// Attribute value codecs. `Parse*` take the attribute value (no TLV header); the XOR forms need
// the message's transaction id. Errors: kMalformed for a bad length or an unknown family.
Result<StunAddress> ParseMappedAddress(std::span<const uint8_t> value);
Result<StunAddress> ParseXorMappedAddress(std::span<const uint8_t> value,
                                          const StunTransactionId& transaction_id);
// Value sizes: 8 for IPv4, 20 for IPv6.
size_t MappedAddressValueSize(const StunAddress& address);
// Write exactly MappedAddressValueSize(address) bytes into out (kBufferTooSmall if short).
Result<size_t> SerializeMappedAddress(const StunAddress& address, std::span<uint8_t> out);
Result<size_t> SerializeXorMappedAddress(const StunAddress& address,
                                         const StunTransactionId& transaction_id,
                                         std::span<uint8_t> out);

}  // namespace sluice
