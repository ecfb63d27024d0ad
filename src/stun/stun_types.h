// STUN constants, message type and transaction id (RFC 8489 §5, §6, §18.3; RFC 8445 §16.1).
//
// RFC 8489 §5, STUN Message Structure:
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |0 0|     STUN Message Type     |         Message Length        |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                         Magic Cookie                          |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                                                               |
//    |                     Transaction ID (96 bits)                  |
//    |                                                               |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// ERROR-CODE values used by ICE (RFC 8489 §14.8, RFC 8445 §7.3.1.1).
inline constexpr uint16_t kStunErrorTryAlternate = 300;
inline constexpr uint16_t kStunErrorBadRequest = 400;
inline constexpr uint16_t kStunErrorUnauthenticated = 401;
inline constexpr uint16_t kStunErrorUnknownAttribute = 420;
inline constexpr uint16_t kStunErrorStaleNonce = 438;
inline constexpr uint16_t kStunErrorRoleConflict = 487;
inline constexpr uint16_t kStunErrorServerError = 500;

// The 14-bit message type interleaves a 12-bit method (M) and a 2-bit class (C):
//
//                        0                 1
//                        2  3  4 5 6 7 8 9 0 1 2 3 4 5
//                       +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
//                       |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
//                       |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
//                       +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace sluice {

inline constexpr uint32_t kStunMagicCookie = 0x2112A442;
inline constexpr size_t kStunHeaderSize = 20;
inline constexpr size_t kStunAttributeHeaderSize = 4;
inline constexpr size_t kStunTransactionIdSize = 12;
// A parsed message may hold at most this many attributes: a datagram full of empty attributes
// is rejected instead of walked (an ICE Binding request has about eight).
inline constexpr size_t kStunMaxAttributes = 64;
// XOR-MAPPED-ADDRESS, FINGERPRINT: the cookie XORed into the fingerprint (RFC 8489 §14.7).
inline constexpr uint32_t kStunFingerprintXor = 0x5354554E;
inline constexpr size_t kStunHmacSha1Size = 20;
inline constexpr size_t kStunHmacSha256Size = 32;

enum class StunClass : uint8_t {
  kRequest = 0b00,
  kIndication = 0b01,
  kSuccessResponse = 0b10,
  kErrorResponse = 0b11,
};

// A 12-bit method; values other than Binding are valid on the wire and kept as they are.
enum class StunMethod : uint16_t {
  kBinding = 0x001,
};

// Attribute types this layer knows (RFC 8489 §18.3, RFC 8445 §16.1). Other values are valid
// too: an attribute type is any 16-bit number.
enum class StunAttributeType : uint16_t {
  // Comprehension-required range 0x0000-0x7FFF.
  kMappedAddress = 0x0001,
  kUsername = 0x0006,
  kMessageIntegrity = 0x0008,
  kErrorCode = 0x0009,
  kUnknownAttributes = 0x000A,
  kRealm = 0x0014,
  kNonce = 0x0015,
  kMessageIntegritySha256 = 0x001C,
  kPasswordAlgorithm = 0x001D,
  kUserhash = 0x001E,
  kXorMappedAddress = 0x0020,
  kPriority = 0x0024,
  kUseCandidate = 0x0025,
  // Comprehension-optional range 0x8000-0xFFFF.
  kPasswordAlgorithms = 0x8002,
  kAlternateDomain = 0x8003,
  kSoftware = 0x8022,
  kAlternateServer = 0x8023,
  kFingerprint = 0x8028,
  kIceControlled = 0x8029,
  kIceControlling = 0x802A,
};

constexpr uint16_t ToWire(StunAttributeType t) { return static_cast<uint16_t>(t); }

// RFC 8489 §14: "Attributes with type values between 0x0000 and 0x7FFF are
// comprehension-required attributes".
constexpr bool IsComprehensionRequired(uint16_t attribute_type) { return attribute_type < 0x8000; }

// ERROR-CODE values used by ICE (RFC 8489 §14.8, RFC 8445 §7.3.1.1).
inline constexpr uint16_t kStunErrorTryAlternate = 300;
inline constexpr uint16_t kStunErrorBadRequest = 400;
inline constexpr uint16_t kStunErrorUnauthenticated = 401;
inline constexpr uint16_t kStunErrorUnknownAttribute = 420;
inline constexpr uint16_t kStunErrorStaleNonce = 438;
inline constexpr uint16_t kStunErrorRoleConflict = 487;
inline constexpr uint16_t kStunErrorServerError = 500;

// The 14-bit message type from a method and a class (bit layout in the diagram above).
constexpr uint16_t StunMessageType(StunMethod method, StunClass cls) {
  const uint16_t m = static_cast<uint16_t>(method) & 0x0FFF;
  const uint16_t c = static_cast<uint16_t>(cls);
  return static_cast<uint16_t>((m & 0x000F) | ((c & 0b01) << 4) | ((m & 0x0070) << 1) |
                               ((c & 0b10) << 7) | ((m & 0x0F80) << 2));
}
constexpr StunClass StunClassOf(uint16_t message_type) {
  return static_cast<StunClass>(((message_type >> 4) & 0b01) | ((message_type >> 7) & 0b10));
}
constexpr StunMethod StunMethodOf(uint16_t message_type) {
  return static_cast<StunMethod>((message_type & 0x000F) | ((message_type >> 1) & 0x0070) |
                                 ((message_type >> 2) & 0x0F80));
}

// The 96-bit transaction id (RFC 8489 §5: chosen uniformly at random by the client).
struct StunTransactionId {
  std::array<uint8_t, kStunTransactionIdSize> bytes{};
  friend bool operator==(const StunTransactionId&, const StunTransactionId&) = default;
};

}  // namespace sluice
