// StunMessageView: a validated, zero-copy view of one STUN message (RFC 8489 §5, §6.3, §14).
//
// Header diagram in stun/stun_types.h, attribute TLV in stun/stun_attribute.h, (XOR-)MAPPED-ADDRESS
// in stun/stun_address.h. The other typed values:
//
//   ERROR-CODE (§14.8)                        UNKNOWN-ATTRIBUTES (§14.9)
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |           Reserved, should be 0         |Class|     Number    |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |      Reason Phrase (variable)                                ..
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |      Attribute 1 Type         |       Attribute 2 Type        |  (UNKNOWN-ATTRIBUTES)
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//   USERNAME, SOFTWARE, REALM, NONCE: UTF-8 text (views). RFC 8445 §16.1: PRIORITY is a 32-bit
//   priority, USE-CANDIDATE is empty, ICE-CONTROLLED / ICE-CONTROLLING carry a 64-bit tie breaker.
//
// Parse() checks the header and walks the whole TLV chain once: every attribute inside the
// message, at most kStunMaxAttributes of them, FINGERPRINT last, and the value of every attribute
// this layer knows well-formed (so the typed accessors below cannot fail; they return nullopt
// when the attribute is absent). Only the first occurrence of an attribute type counts (RFC 8489
// §14: "only the first occurrence needs to be processed"), and attributes after
// MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are ignored (§14.5):
// typed accessors and Find() never see them; attributes() still lists them in wire order.
//
// The view borrows the datagram: it lives as long as the bytes. Integrity and fingerprint are
// checked separately (stun/stun_integrity.h), because the key depends on the attributes.
//
// Thread rules: a view is an immutable value; any thread may read it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "sluice/result.h"
#include "stun/stun_address.h"
#include "stun/stun_attribute.h"
#include "stun/stun_types.h"

namespace sluice {

// ERROR-CODE (RFC 8489 §14.8): a code 300-699 and a reason phrase (a view into the message).
struct StunErrorCode {
  uint16_t code = 0;
  std::string_view reason;
};

// UNKNOWN-ATTRIBUTES (RFC 8489 §14.9): a list of 16-bit attribute types, read in place.
class StunUnknownAttributesView {
 public:
  explicit StunUnknownAttributesView(std::span<const uint8_t> value) : value_(value) {}
  size_t size() const { return value_.size() / 2; }
  uint16_t operator[](size_t i) const;

 private:
  std::span<const uint8_t> value_;
};

class StunMessageView {
 public:
  // The most unknown comprehension-required attribute types kept for a 420 response.
  static constexpr size_t kMaxUnknownReported = 16;

  // Parses one whole datagram. Errors (kMalformed, kTruncated) carry a one-line reason.
  static Result<StunMessageView> Parse(std::span<const uint8_t> datagram);

  // A cheap demux test (RFC 8489 §6.3: first two bits zero, magic cookie, length a multiple of 4
  // that matches the datagram). Parse() is still needed before trusting anything.
  static bool LooksLikeStun(std::span<const uint8_t> datagram);

  uint16_t message_type() const;
  StunMethod method() const { return StunMethodOf(message_type()); }
  StunClass message_class() const { return StunClassOf(message_type()); }
  const StunTransactionId& transaction_id() const { return transaction_id_; }
  // The whole message, header included.
  std::span<const uint8_t> bytes() const { return bytes_; }

  // Every attribute in wire order (including ones §14.5 says to ignore).
  StunAttributeRange attributes() const { return StunAttributeRange(bytes_); }
  size_t attribute_count() const { return attribute_count_; }
  // First occurrence of `type` that is not ignored (§14.5), or nullopt.
  std::optional<StunAttribute> Find(uint16_t type) const;
  std::optional<StunAttribute> Find(StunAttributeType type) const { return Find(ToWire(type)); }

  // Typed accessors (absent -> nullopt; malformed values already failed Parse).
  std::optional<StunAddress> xor_mapped_address() const;
  std::optional<StunAddress> mapped_address() const;
  std::optional<std::string_view> username() const;
  std::optional<std::string_view> software() const;
  std::optional<std::string_view> realm() const;
  std::optional<std::string_view> nonce() const;
  std::optional<StunErrorCode> error_code() const;
  std::optional<StunUnknownAttributesView> unknown_attributes() const;
  // RFC 8445 §16.1.
  std::optional<uint32_t> priority() const;
  bool use_candidate() const;
  std::optional<uint64_t> ice_controlling() const;  // the tie breaker
  std::optional<uint64_t> ice_controlled() const;   // the tie breaker

  bool has_message_integrity() const;
  bool has_message_integrity_sha256() const;
  bool has_fingerprint() const;

  // Comprehension-required attribute types (0x0000-0x7FFF) that this layer does not understand,
  // in wire order, at most kMaxUnknownReported: a server answers 420 listing them
  // (RFC 8489 §6.3.1.1). Empty when there are none.
  std::span<const uint16_t> unknown_comprehension_required() const {
    return std::span<const uint16_t>(unknown_).first(unknown_count_);
  }

 private:
  // Attributes whose first (non-ignored) occurrence Parse records, by slot.
  enum Slot : uint8_t {
    kSlotMappedAddress,
    kSlotXorMappedAddress,
    kSlotUsername,
    kSlotSoftware,
    kSlotRealm,
    kSlotNonce,
    kSlotErrorCode,
    kSlotUnknownAttributes,
    kSlotPriority,
    kSlotUseCandidate,
    kSlotIceControlling,
    kSlotIceControlled,
    kSlotMessageIntegrity,
    kSlotMessageIntegritySha256,
    kSlotFingerprint,
    kSlotCount,
  };
  static std::optional<Slot> SlotOf(uint16_t type);

  StunMessageView() = default;
  std::optional<StunAttribute> AttributeAt(Slot slot) const;
  std::optional<std::string_view> TextAt(Slot slot) const;
  Result<void> Record(const StunAttribute& attr);

  std::span<const uint8_t> bytes_;
  StunTransactionId transaction_id_;
  // Offset of each slot's attribute header; 0 (the message header) means absent.
  std::array<uint32_t, kSlotCount> offsets_{};
  uint16_t attribute_count_ = 0;
  uint16_t unknown_count_ = 0;
  std::array<uint16_t, kMaxUnknownReported> unknown_{};
};

}  // namespace sluice
