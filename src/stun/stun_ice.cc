// ICE Binding messages (RFC 8445 §7.2.2, §7.3.1; field list in stun_ice.h).
#include "stun/stun_ice.h"

#include "stun/stun_builder.h"

namespace sluice {

std::string_view StunReasonPhrase(uint16_t code) {
  switch (code) {
    case kStunErrorTryAlternate:
      return "Try Alternate";
    case kStunErrorBadRequest:
      return "Bad Request";
    case kStunErrorUnauthenticated:
      return "Unauthenticated";
    case kStunErrorUnknownAttribute:
      return "Unknown Attribute";
    case kStunErrorStaleNonce:
      return "Stale Nonce";
    case kStunErrorRoleConflict:
      return "Role Conflict";
    case kStunErrorServerError:
      return "Server Error";
    default:
      return "Error";
  }
}

Result<size_t> BuildIceBindingRequest(const IceBindingRequestParams& params,
                                      const StunIntegrityKey& remote_password,
                                      std::span<uint8_t> out) {
  // RFC 8445 §7.2.2: "The controlled agent MUST NOT include the USE-CANDIDATE attribute in a
  // Binding request."
  if (params.use_candidate && !params.controlling) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "USE-CANDIDATE is sent only by the controlling agent");
  }
  if (params.username.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "an ICE check needs USERNAME remote-ufrag:local-ufrag");
  }
  StunMessageBuilder b(out, StunMethod::kBinding, StunClass::kRequest, params.transaction_id);
  if (!params.software.empty()) b.AddSoftware(params.software);
  b.AddUsername(params.username);
  b.AddPriority(params.priority);
  if (params.controlling) {
    b.AddIceControlling(params.tie_breaker);
  } else {
    b.AddIceControlled(params.tie_breaker);
  }
  if (params.use_candidate) b.AddUseCandidate();
  b.AddMessageIntegrity(remote_password);
  b.AddFingerprint();
  return b.Finish();
}

Result<size_t> BuildIceBindingSuccess(const StunTransactionId& transaction_id,
                                      const StunAddress& mapped,
                                      const StunIntegrityKey& local_password,
                                      std::span<uint8_t> out) {
  StunMessageBuilder b(out, StunMethod::kBinding, StunClass::kSuccessResponse, transaction_id);
  b.AddXorMappedAddress(mapped);
  b.AddMessageIntegrity(local_password);
  b.AddFingerprint();
  return b.Finish();
}

Result<size_t> BuildIceBindingError(const StunTransactionId& transaction_id, uint16_t code,
                                    const StunIntegrityKey* key, std::span<uint8_t> out,
                                    std::span<const uint16_t> unknown) {
  // RFC 8489 §6.3.1.1: a 420 response "MUST contain an UNKNOWN-ATTRIBUTES attribute listing the
  // unknown comprehension-required attributes".
  if (code == kStunErrorUnknownAttribute && unknown.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a 420 response must list the unknown attributes");
  }
  StunMessageBuilder b(out, StunMethod::kBinding, StunClass::kErrorResponse, transaction_id);
  b.AddErrorCode(code, StunReasonPhrase(code));
  if (!unknown.empty()) b.AddUnknownAttributes(unknown);
  if (key != nullptr) b.AddMessageIntegrity(*key);
  b.AddFingerprint();
  return b.Finish();
}

}  // namespace sluice
