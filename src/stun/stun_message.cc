// STUN message parsing (RFC 8489 §5, §6.3, §14; diagrams in stun_types.h and stun_attribute.h).
#include "stun/stun_message.h"

#include <cstring>

#include "common/byte_order.h"

namespace sluice {
namespace {

// RFC 5389 §15.3 allowed a USERNAME of fewer than 513 bytes; RFC 8489 §14.3 tightened it to
// fewer than 509. Peers built on either exist, so receive accepts the older bound.
constexpr size_t kMaxUsernameReceive = 512;
// SOFTWARE, REALM, NONCE, reason phrase: "fewer than 128 characters (which can be as long as
// 509 bytes)" / "(which can be as long as 763 bytes)" (RFC 8489 §14.8-§14.10, §14.14).
constexpr size_t kMaxTextBytes = 763;

std::string_view AsText(std::span<const uint8_t> v) {
  return std::string_view(reinterpret_cast<const char*>(v.data()), v.size());
}

Result<void> CheckErrorCodeValue(std::span<const uint8_t> v) {
  if (v.size() < 4) return MakeError(ErrorCode::kMalformed, "ERROR-CODE is shorter than 4 bytes");
  const uint8_t cls = v[2] & 0x07;
  const uint8_t number = v[3];
  // "The Class represents the hundreds digit of the error code. The value MUST be between 3
  // and 6. The Number represents the binary encoding of the error code modulo 100, and its
  // value MUST be between 0 and 99."
  if (cls < 3 || cls > 6) return MakeError(ErrorCode::kMalformed, "ERROR-CODE class is not 3-6");
  if (number > 99) return MakeError(ErrorCode::kMalformed, "ERROR-CODE number is not 0-99");
  if (v.size() - 4 > kMaxTextBytes)
    return MakeError(ErrorCode::kMalformed, "ERROR-CODE reason phrase is longer than 763 bytes");
  return Ok();
}

}  // namespace

uint16_t StunUnknownAttributesView::operator[](size_t i) const {
  return i < size() ? LoadBe16(value_.data() + 2 * i) : 0;
}

std::optional<StunMessageView::Slot> StunMessageView::SlotOf(uint16_t type) {
  switch (static_cast<StunAttributeType>(type)) {
    case StunAttributeType::kMappedAddress:
      return kSlotMappedAddress;
    case StunAttributeType::kXorMappedAddress:
      return kSlotXorMappedAddress;
    case StunAttributeType::kUsername:
      return kSlotUsername;
    case StunAttributeType::kSoftware:
      return kSlotSoftware;
    case StunAttributeType::kRealm:
      return kSlotRealm;
    case StunAttributeType::kNonce:
      return kSlotNonce;
    case StunAttributeType::kErrorCode:
      return kSlotErrorCode;
    case StunAttributeType::kUnknownAttributes:
      return kSlotUnknownAttributes;
    case StunAttributeType::kPriority:
      return kSlotPriority;
    case StunAttributeType::kUseCandidate:
      return kSlotUseCandidate;
    case StunAttributeType::kIceControlling:
      return kSlotIceControlling;
    case StunAttributeType::kIceControlled:
      return kSlotIceControlled;
    case StunAttributeType::kMessageIntegrity:
      return kSlotMessageIntegrity;
    case StunAttributeType::kMessageIntegritySha256:
      return kSlotMessageIntegritySha256;
    case StunAttributeType::kFingerprint:
      return kSlotFingerprint;
    default:
      return std::nullopt;
  }
}

bool StunMessageView::LooksLikeStun(std::span<const uint8_t> d) {
  if (d.size() < kStunHeaderSize) return false;
  const size_t length = LoadBe16(d.data() + 2);
  return (d[0] & 0xC0) == 0 && LoadBe32(d.data() + 4) == kStunMagicCookie && length % 4 == 0 &&
         kStunHeaderSize + length == d.size();
}

Result<StunMessageView> StunMessageView::Parse(std::span<const uint8_t> datagram) {
  if (datagram.size() < kStunHeaderSize) {
    return MakeError(ErrorCode::kTruncated, "datagram is shorter than the 20-byte STUN header");
  }
  const uint8_t* h = datagram.data();  // 20 bytes checked above
  // "The most significant 2 bits of every STUN message MUST be zeroes."
  if ((h[0] & 0xC0) != 0)
    return MakeError(ErrorCode::kMalformed, "the top two bits of a STUN message are not zero");
  // "The Magic Cookie field MUST contain the fixed value 0x2112A442 in network byte order."
  if (LoadBe32(h + 4) != kStunMagicCookie)
    return MakeError(ErrorCode::kMalformed, "magic cookie is not 0x2112A442");
  const size_t length = LoadBe16(h + 2);
  // "the last 2 bits of this field are always zero" (§5); §6.3: a message whose length is not a
  // multiple of 4 is not STUN.
  if (length % 4 != 0)
    return MakeError(ErrorCode::kMalformed, "message length is not a multiple of 4");
  if (kStunHeaderSize + length > datagram.size()) {
    return MakeError(ErrorCode::kTruncated, "message length runs past the end of the datagram");
  }
  if (kStunHeaderSize + length < datagram.size()) {
    return MakeError(ErrorCode::kMalformed, "datagram has bytes after the message length");
  }

  StunMessageView view;
  view.bytes_ = datagram.first(kStunHeaderSize + length);
  std::memcpy(view.transaction_id_.bytes.data(), h + 8, kStunTransactionIdSize);

  bool after_integrity = false;         // past MESSAGE-INTEGRITY
  bool after_integrity_sha256 = false;  // past MESSAGE-INTEGRITY-SHA256
  bool after_fingerprint = false;
  size_t offset = kStunHeaderSize;
  while (offset < view.bytes_.size()) {
    // "When present, the FINGERPRINT attribute MUST be the last attribute in the message"
    // (§14.7).
    if (after_fingerprint)
      return MakeError(ErrorCode::kMalformed, "FINGERPRINT is not the last attribute");
    if (view.attribute_count_ == kStunMaxAttributes) {
      return MakeError(ErrorCode::kMalformed, "message has more than 64 attributes");
    }
    auto attr = ReadStunAttribute(view.bytes_, offset);
    if (!attr.ok()) return attr.error();
    ++view.attribute_count_;
    offset += attr->padded_size();

    const uint16_t type = attr->type;
    if (type == ToWire(StunAttributeType::kFingerprint)) {
      after_fingerprint = true;
    } else if (after_integrity_sha256) {
      // §14.6: "agents MUST ignore all other attributes that follow MESSAGE-INTEGRITY-SHA256"
      // (FINGERPRINT excepted).
      continue;
    } else if (type == ToWire(StunAttributeType::kMessageIntegritySha256)) {
      after_integrity_sha256 = true;
    } else if (after_integrity) {
      // §14.5: "With the exception of the MESSAGE-INTEGRITY-SHA256 and FINGERPRINT attributes,
      // which appear after MESSAGE-INTEGRITY, agents MUST ignore all other attributes that
      // follow MESSAGE-INTEGRITY."
      continue;
    } else if (type == ToWire(StunAttributeType::kMessageIntegrity)) {
      after_integrity = true;
    }
    if (auto recorded = view.Record(*attr); !recorded.ok()) return recorded.error();
  }
  return view;
}

// Validates a non-ignored attribute and records its first occurrence.
Result<void> StunMessageView::Record(const StunAttribute& attr) {
  const auto slot = SlotOf(attr.type);
  if (!slot) {
    if (IsComprehensionRequired(attr.type) && unknown_count_ < kMaxUnknownReported) {
      unknown_[unknown_count_++] = attr.type;
    }
    return Ok();
  }
  if (offsets_[*slot] != 0) return Ok();  // a repeat: only the first occurrence counts
  const auto v = attr.value;
  switch (*slot) {
    case kSlotMappedAddress:
      if (auto a = ParseMappedAddress(v); !a.ok()) return a.error();
      break;
    case kSlotXorMappedAddress:
      if (auto a = ParseXorMappedAddress(v, transaction_id_); !a.ok()) return a.error();
      break;
    case kSlotUsername:
      if (v.size() > kMaxUsernameReceive)
        return MakeError(ErrorCode::kMalformed, "USERNAME is longer than 512 bytes");
      break;
    case kSlotSoftware:
    case kSlotRealm:
    case kSlotNonce:
      if (v.size() > kMaxTextBytes)
        return MakeError(ErrorCode::kMalformed,
                         "SOFTWARE, REALM or NONCE is longer than 763 bytes");
      break;
    case kSlotErrorCode:
      if (auto ok = CheckErrorCodeValue(v); !ok.ok()) return ok.error();
      break;
    case kSlotUnknownAttributes:
      if (v.size() % 2 != 0)
        return MakeError(ErrorCode::kMalformed, "UNKNOWN-ATTRIBUTES length is odd");
      break;
    case kSlotPriority:
      if (v.size() != 4) return MakeError(ErrorCode::kMalformed, "PRIORITY is not 4 bytes");
      break;
    case kSlotUseCandidate:
      if (!v.empty()) return MakeError(ErrorCode::kMalformed, "USE-CANDIDATE is not empty");
      break;
    case kSlotIceControlling:
    case kSlotIceControlled:
      if (v.size() != 8)
        return MakeError(ErrorCode::kMalformed, "ICE-CONTROLLING/ICE-CONTROLLED is not 8 bytes");
      break;
    case kSlotMessageIntegrity:
      if (v.size() != kStunHmacSha1Size)
        return MakeError(ErrorCode::kMalformed, "MESSAGE-INTEGRITY is not 20 bytes");
      break;
    case kSlotMessageIntegritySha256:
      // §14.6: "The length of the attribute MUST be at least 16 bytes and MUST be a multiple
      // of 4", at most the 32 bytes of the HMAC.
      if (v.size() < 16 || v.size() > kStunHmacSha256Size || v.size() % 4 != 0) {
        return MakeError(ErrorCode::kMalformed,
                         "MESSAGE-INTEGRITY-SHA256 is not 16-32 bytes in steps of 4");
      }
      break;
    case kSlotFingerprint:
      if (v.size() != 4) return MakeError(ErrorCode::kMalformed, "FINGERPRINT is not 4 bytes");
      break;
    case kSlotCount:
      break;
  }
  offsets_[*slot] = static_cast<uint32_t>(attr.offset);
  return Ok();
}

uint16_t StunMessageView::message_type() const { return LoadBe16(bytes_.data()) & 0x3FFF; }

std::optional<StunAttribute> StunMessageView::AttributeAt(Slot slot) const {
  if (offsets_[slot] == 0) return std::nullopt;
  auto attr = ReadStunAttribute(bytes_, offsets_[slot]);
  if (!attr.ok()) return std::nullopt;  // cannot happen: Parse read it
  return *attr;
}

std::optional<std::string_view> StunMessageView::TextAt(Slot slot) const {
  auto attr = AttributeAt(slot);
  if (!attr) return std::nullopt;
  return AsText(attr->value);
}

std::optional<StunAttribute> StunMessageView::Find(uint16_t type) const {
  if (auto slot = SlotOf(type)) return AttributeAt(*slot);
  // Not a recorded type: walk, honouring the §14.5/§14.6 ignore rule.
  for (const StunAttribute& attr : attributes()) {
    if (attr.type == ToWire(StunAttributeType::kMessageIntegrity) ||
        attr.type == ToWire(StunAttributeType::kMessageIntegritySha256) ||
        attr.type == ToWire(StunAttributeType::kFingerprint)) {
      return std::nullopt;
    }
    if (attr.type == type) return attr;
  }
  return std::nullopt;
}

std::optional<StunAddress> StunMessageView::xor_mapped_address() const {
  auto attr = AttributeAt(kSlotXorMappedAddress);
  if (!attr) return std::nullopt;
  auto a = ParseXorMappedAddress(attr->value, transaction_id_);
  return a.ok() ? std::optional<StunAddress>(*a) : std::nullopt;
}

std::optional<StunAddress> StunMessageView::mapped_address() const {
  auto attr = AttributeAt(kSlotMappedAddress);
  if (!attr) return std::nullopt;
  auto a = ParseMappedAddress(attr->value);
  return a.ok() ? std::optional<StunAddress>(*a) : std::nullopt;
}

std::optional<std::string_view> StunMessageView::username() const { return TextAt(kSlotUsername); }
std::optional<std::string_view> StunMessageView::software() const { return TextAt(kSlotSoftware); }
std::optional<std::string_view> StunMessageView::realm() const { return TextAt(kSlotRealm); }
std::optional<std::string_view> StunMessageView::nonce() const { return TextAt(kSlotNonce); }

std::optional<StunErrorCode> StunMessageView::error_code() const {
  auto attr = AttributeAt(kSlotErrorCode);
  if (!attr || attr->value.size() < 4) return std::nullopt;
  const auto v = attr->value;
  StunErrorCode e;
  e.code = static_cast<uint16_t>((v[2] & 0x07) * 100 + v[3]);
  e.reason = AsText(v.subspan(4));
  return e;
}

std::optional<StunUnknownAttributesView> StunMessageView::unknown_attributes() const {
  auto attr = AttributeAt(kSlotUnknownAttributes);
  if (!attr) return std::nullopt;
  return StunUnknownAttributesView(attr->value);
}

std::optional<uint32_t> StunMessageView::priority() const {
  auto attr = AttributeAt(kSlotPriority);
  if (!attr || attr->value.size() != 4) return std::nullopt;
  return LoadBe32(attr->value.data());
}

bool StunMessageView::use_candidate() const { return offsets_[kSlotUseCandidate] != 0; }

std::optional<uint64_t> StunMessageView::ice_controlling() const {
  auto attr = AttributeAt(kSlotIceControlling);
  if (!attr || attr->value.size() != 8) return std::nullopt;
  return LoadBe64(attr->value.data());
}

std::optional<uint64_t> StunMessageView::ice_controlled() const {
  auto attr = AttributeAt(kSlotIceControlled);
  if (!attr || attr->value.size() != 8) return std::nullopt;
  return LoadBe64(attr->value.data());
}

bool StunMessageView::has_message_integrity() const { return offsets_[kSlotMessageIntegrity] != 0; }
bool StunMessageView::has_message_integrity_sha256() const {
  return offsets_[kSlotMessageIntegritySha256] != 0;
}
bool StunMessageView::has_fingerprint() const { return offsets_[kSlotFingerprint] != 0; }

}  // namespace sluice
