// The STUN Binding messages ICE sends and reads: RFC 8445 §7.1–7.3 (connectivity checks),
// RFC 7675 (consent), RFC 8489 §14 (attributes) with short-term credentials (§9.1).
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |0 0|     STUN Message Type     |         Message Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                         Magic Cookie                          |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                     Transaction ID (96 bits)                  |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | attributes: USERNAME, PRIORITY, ICE-CONTROLLING / ICE-CONTROLLED, USE-CANDIDATE,
//   | XOR-MAPPED-ADDRESS, ERROR-CODE, MESSAGE-INTEGRITY, FINGERPRINT
//
// This is the ICE-facing adapter: the agent only sees IceStunMessage and the Write* builders, so
// the wire details stay in one file. Parse gives views into the datagram (no copy, no heap);
// the builders write into the caller's span.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "ice/transport_address.h"
#include "sluice/result.h"

namespace sluice::ice {

using TransactionId = std::array<uint8_t, 12>;

enum class StunClass : uint8_t { kRequest, kIndication, kSuccess, kError };

// RFC 8445 §7.2.5.1 / RFC 8489 §14.8 error codes ICE uses.
inline constexpr uint16_t kStunBadRequest = 400;
inline constexpr uint16_t kStunUnauthorized = 401;
inline constexpr uint16_t kStunRoleConflict = 487;

struct IceStunMessage {
  StunClass cls = StunClass::kRequest;
  TransactionId transaction_id{};
  std::string_view username;  // empty if absent; a view into the datagram
  bool has_username = false;
  std::optional<uint32_t> priority;
  std::optional<uint64_t> ice_controlling;
  std::optional<uint64_t> ice_controlled;
  bool use_candidate = false;
  std::optional<TransportAddress> xor_mapped_address;
  std::optional<uint16_t> error_code;  // 300..699
  bool has_integrity = false;
  bool has_fingerprint = false;  // present and verified (a wrong one fails Parse)
};

// Parses a Binding message. Errors: kMalformed / kTruncated for bad framing, kUnsupported for a
// method other than Binding, kAuthFailed for a FINGERPRINT that does not match.
Result<IceStunMessage> ParseIceStun(std::span<const uint8_t> datagram);

// True if the datagram carries a MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5) that matches
// `password` (short-term credential: the key is the password itself, after OpaqueString).
bool VerifyIceIntegrity(std::span<const uint8_t> datagram, std::string_view password);

struct BindingRequestParams {
  TransactionId transaction_id{};
  // For connectivity checks and consent: "remote-ufrag:local-ufrag" and the remote password.
  // Empty username and password: an unauthenticated request (server-reflexive gathering).
  std::string_view username;
  std::string_view password;
  std::optional<uint32_t> priority;
  bool controlling = false;
  uint64_t tie_breaker = 0;
  bool include_role = false;
  bool use_candidate = false;
};

// The largest message the Write* functions produce (USERNAME up to 513 bytes).
inline constexpr size_t kMaxIceStunSize = 700;

Result<size_t> WriteBindingRequest(const BindingRequestParams& params, std::span<uint8_t> out);
// Success response with XOR-MAPPED-ADDRESS = `mapped`, keyed by `password` (empty: no integrity).
Result<size_t> WriteBindingSuccess(const TransactionId& id, const TransportAddress& mapped,
                                   std::string_view password, std::span<uint8_t> out);
// Error response (e.g. 487 Role Conflict), keyed by `password` (empty: no integrity).
Result<size_t> WriteBindingError(const TransactionId& id, uint16_t code, std::string_view reason,
                                 std::string_view password, std::span<uint8_t> out);

}  // namespace sluice::ice
