// The STUN messages of ICE connectivity checks (RFC 8445 §7.2.2, §7.3.1, §16.1; RFC 8489 §6.3).
//
//   Binding request:  USERNAME "<remote ufrag>:<local ufrag>", PRIORITY, ICE-CONTROLLING or
//                     ICE-CONTROLLED (tie breaker), USE-CANDIDATE (controlling only),
//                     MESSAGE-INTEGRITY under the remote password, FINGERPRINT.
//   Success response: XOR-MAPPED-ADDRESS (the request's source), MESSAGE-INTEGRITY under the
//                     local password, FINGERPRINT.
//   Error response:   ERROR-CODE (400, 401, 420 with UNKNOWN-ATTRIBUTES, 487 Role Conflict),
//                     MESSAGE-INTEGRITY when a key is given (RFC 8489 §9.1.4: not for 400/401
//                     answered to a request that failed authentication), FINGERPRINT.
//
// Each writes one whole message into `out` and returns its size (kBufferTooSmall if short;
// 128 bytes fit any of them with a username under 32 bytes). No allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "sluice/result.h"
#include "stun/stun_address.h"
#include "stun/stun_integrity.h"
#include "stun/stun_types.h"

namespace sluice {

struct IceBindingRequestParams {
  StunTransactionId transaction_id;
  // "<remote ufrag>:<local ufrag>" (RFC 8445 §7.2.2).
  std::string_view username;
  // The priority a peer-reflexive candidate learned from this check would have (§7.1.1).
  uint32_t priority = 0;
  // ICE-CONTROLLING when true, ICE-CONTROLLED otherwise, carrying `tie_breaker`.
  bool controlling = false;
  uint64_t tie_breaker = 0;
  // Nomination (§8.1.1); only a controlling agent may set it.
  bool use_candidate = false;
  // Optional SOFTWARE; empty means none.
  std::string_view software;
};

// `remote_password` keys MESSAGE-INTEGRITY (the peer's ice-pwd).
Result<size_t> BuildIceBindingRequest(const IceBindingRequestParams& params,
                                      const StunIntegrityKey& remote_password,
                                      std::span<uint8_t> out);

// `mapped` is the source address of the request; `local_password` is our ice-pwd.
Result<size_t> BuildIceBindingSuccess(const StunTransactionId& transaction_id,
                                      const StunAddress& mapped,
                                      const StunIntegrityKey& local_password,
                                      std::span<uint8_t> out);

// Error response with the standard reason phrase for `code` (400 Bad Request, 401
// Unauthenticated, 420 Unknown Attribute, 487 Role Conflict, others "Error"). `key` may be null
// (no MESSAGE-INTEGRITY). For 420, `unknown` lists the attribute types (StunMessageView::
// unknown_comprehension_required()) and must not be empty.
Result<size_t> BuildIceBindingError(const StunTransactionId& transaction_id, uint16_t code,
                                    const StunIntegrityKey* key, std::span<uint8_t> out,
                                    std::span<const uint16_t> unknown = {});

// The reason phrase BuildIceBindingError uses.
std::string_view StunReasonPhrase(uint16_t code);

}  // namespace sluice
