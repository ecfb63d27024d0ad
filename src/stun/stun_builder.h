// StunMessageBuilder: writes one STUN message into a caller's span (RFC 8489 §5, §14).
//
// The header is written first; each Add* appends one attribute (through the TLV helper in
// stun/stun_attribute.h) and keeps the header's length field current, so the bytes are a valid
// message after every call. AddMessageIntegrity / AddMessageIntegritySha256 / AddFingerprint
// compute over the bytes already written with the length field covering the attribute being
// added, as RFC 8489 §14.5-§14.7 require, so they must come last and in that order.
//
// Errors latch: the first failure (kBufferTooSmall, kInvalidArgument, kInvalidState) stops every
// later call and is what Finish() returns. No allocation.
//
//   StunMessageBuilder b(buf, StunMethod::kBinding, StunClass::kRequest, txid);
//   b.AddUsername("rfrag:lfrag").AddPriority(p).AddIceControlling(tb).AddUseCandidate()
//    .AddMessageIntegrity(remote_pwd_key).AddFingerprint();
//   Result<size_t> n = b.Finish();
//
// Thread rules: one builder per thread; it only touches its span.
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

class StunMessageBuilder {
 public:
  StunMessageBuilder(std::span<uint8_t> out, StunMethod method, StunClass cls,
                     const StunTransactionId& transaction_id);

  // Any attribute, value as given (padding added).
  StunMessageBuilder& AddAttribute(uint16_t type, std::span<const uint8_t> value);
  StunMessageBuilder& AddAttribute(StunAttributeType type, std::span<const uint8_t> value) {
    return AddAttribute(ToWire(type), value);
  }
  StunMessageBuilder& AddUsername(std::string_view username);  // fewer than 509 bytes
  StunMessageBuilder& AddSoftware(std::string_view software);  // at most 763 bytes
  StunMessageBuilder& AddRealm(std::string_view realm);
  StunMessageBuilder& AddNonce(std::string_view nonce);
  StunMessageBuilder& AddXorMappedAddress(const StunAddress& address);
  StunMessageBuilder& AddMappedAddress(const StunAddress& address);
  // code 300-699; reason at most 763 bytes.
  StunMessageBuilder& AddErrorCode(uint16_t code, std::string_view reason);
  StunMessageBuilder& AddUnknownAttributes(std::span<const uint16_t> types);
  StunMessageBuilder& AddPriority(uint32_t priority);
  StunMessageBuilder& AddUseCandidate();
  StunMessageBuilder& AddIceControlling(uint64_t tie_breaker);
  StunMessageBuilder& AddIceControlled(uint64_t tie_breaker);

  // Must follow every attribute above; may be followed only by MESSAGE-INTEGRITY-SHA256 and
  // FINGERPRINT.
  StunMessageBuilder& AddMessageIntegrity(const StunIntegrityKey& key);
  // Full 32-byte HMAC-SHA256; may be followed only by FINGERPRINT.
  StunMessageBuilder& AddMessageIntegritySha256(const StunIntegrityKey& key);
  // Always last.
  StunMessageBuilder& AddFingerprint();

  // The message size in bytes, or the first error.
  Result<size_t> Finish() const;
  bool ok() const { return !failed_; }
  size_t size() const { return size_; }

 private:
  enum class Stage : uint8_t {
    kAttributes,
    kAfterIntegrity,
    kAfterIntegritySha256,
    kAfterFingerprint
  };

  // Appends an attribute header and zeroed value + padding; returns the value span (empty on
  // failure, with the error latched).
  std::span<uint8_t> Append(uint16_t type, size_t value_size);
  bool CheckStage(Stage max_stage);
  void Fail(Error e);

  std::span<uint8_t> out_;
  size_t size_ = 0;
  Stage stage_ = Stage::kAttributes;
  bool failed_ = false;
  Error error_{};
};

}  // namespace sluice
