// StunMessageBuilder (RFC 8489 §5 header, §14 attributes; see stun_builder.h).
#include "stun/stun_builder.h"

#include <cstring>

#include "common/byte_order.h"
#include "stun/stun_attribute.h"

namespace sluice {
namespace {

// §14.3: USERNAME "MUST contain a UTF-8-encoded sequence of fewer than 509 bytes".
constexpr size_t kMaxUsernameSend = 508;
constexpr size_t kMaxTextBytes = 763;
constexpr size_t kMaxMessageSize = kStunHeaderSize + 0xFFFC;

std::span<const uint8_t> Bytes(std::string_view s) {
  return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace

StunMessageBuilder::StunMessageBuilder(std::span<uint8_t> out, StunMethod method, StunClass cls,
                                       const StunTransactionId& transaction_id)
    : out_(out) {
  if (out_.size() < kStunHeaderSize) {
    Fail(MakeError(ErrorCode::kBufferTooSmall, "buffer is shorter than the 20-byte STUN header"));
    return;
  }
  if (static_cast<uint16_t>(method) > 0x0FFF) {
    Fail(MakeError(ErrorCode::kInvalidArgument, "STUN method must fit in 12 bits"));
    return;
  }
  // "The most significant 2 bits of every STUN message MUST be zeroes": the 14-bit type ensures it.
  StoreBe16(out_.data(), StunMessageType(method, cls));
  StoreBe16(out_.data() + 2, 0);
  StoreBe32(out_.data() + 4, kStunMagicCookie);
  std::memcpy(out_.data() + 8, transaction_id.bytes.data(), kStunTransactionIdSize);
  size_ = kStunHeaderSize;
}

void StunMessageBuilder::Fail(Error e) {
  if (!failed_) {
    failed_ = true;
    error_ = e;
  }
}

bool StunMessageBuilder::CheckStage(Stage max_stage) {
  if (failed_) return false;
  if (stage_ > max_stage) {
    Fail(MakeError(
        ErrorCode::kInvalidState,
        "add attributes before MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT"));
    return false;
  }
  return true;
}

std::span<uint8_t> StunMessageBuilder::Append(uint16_t type, size_t value_size) {
  if (failed_) return {};
  if (value_size > 0xFFFF) {
    Fail(MakeError(ErrorCode::kInvalidArgument, "attribute value is longer than 65535 bytes"));
    return {};
  }
  const size_t attr_size = StunAttributeSize(value_size);
  if (size_ + attr_size > kMaxMessageSize) {
    Fail(MakeError(ErrorCode::kInvalidArgument,
                   "STUN message would exceed 65535 bytes of attributes"));
    return {};
  }
  if (out_.size() - size_ < attr_size) {
    Fail(MakeError(ErrorCode::kBufferTooSmall, "STUN message does not fit in the buffer"));
    return {};
  }
  uint8_t* p = out_.data() + size_;
  StoreBe16(p, type);
  StoreBe16(p + 2, static_cast<uint16_t>(value_size));
  std::memset(p + kStunAttributeHeaderSize, 0, attr_size - kStunAttributeHeaderSize);
  size_ += attr_size;
  // "the message length MUST contain the size of the message in bytes, not including the 20-byte
  // STUN header": kept current after every attribute.
  StoreBe16(out_.data() + 2, static_cast<uint16_t>(size_ - kStunHeaderSize));
  return std::span<uint8_t>(p + kStunAttributeHeaderSize, value_size);
}

StunMessageBuilder& StunMessageBuilder::AddAttribute(uint16_t type,
                                                     std::span<const uint8_t> value) {
  if (!CheckStage(Stage::kAttributes)) return *this;
  if (type == ToWire(StunAttributeType::kMessageIntegrity) ||
      type == ToWire(StunAttributeType::kMessageIntegritySha256) ||
      type == ToWire(StunAttributeType::kFingerprint)) {
    Fail(MakeError(ErrorCode::kInvalidArgument,
                   "use AddMessageIntegrity/AddMessageIntegritySha256/AddFingerprint for these"));
    return *this;
  }
  auto v = Append(type, value.size());
  if (!failed_ && !value.empty()) std::memmove(v.data(), value.data(), value.size());
  return *this;
}

StunMessageBuilder& StunMessageBuilder::AddUsername(std::string_view username) {
  if (username.size() > kMaxUsernameSend) {
    Fail(MakeError(ErrorCode::kInvalidArgument, "USERNAME must be fewer than 509 bytes"));
    return *this;
  }
  return AddAttribute(StunAttributeType::kUsername, Bytes(username));
}

StunMessageBuilder& StunMessageBuilder::AddSoftware(std::string_view software) {
  if (software.size() > kMaxTextBytes) {
    Fail(MakeError(ErrorCode::kInvalidArgument, "SOFTWARE must be at most 763 bytes"));
    return *this;
  }
  return AddAttribute(StunAttributeType::kSoftware, Bytes(software));
}

StunMessageBuilder& StunMessageBuilder::AddRealm(std::string_view realm) {
  if (realm.size() > kMaxTextBytes) {
    Fail(MakeError(ErrorCode::kInvalidArgument, "REALM must be at most 763 bytes"));
    return *this;
  }
  return AddAttribute(StunAttributeType::kRealm, Bytes(realm));
}

StunMessageBuilder& StunMessageBuilder::AddNonce(std::string_view nonce) {
  if (nonce.size() > kMaxTextBytes) {
    Fail(MakeError(ErrorCode::kInvalidArgument, "NONCE must be at most 763 bytes"));
    return *this;
  }
  return AddAttribute(StunAttributeType::kNonce, Bytes(nonce));
}

StunMessageBuilder& StunMessageBuilder::AddXorMappedAddress(const StunAddress& address) {
  if (!CheckStage(Stage::kAttributes)) return *this;
  auto v = Append(ToWire(StunAttributeType::kXorMappedAddress), MappedAddressValueSize(address));
  if (failed_) return *this;
  StunTransactionId id;
  std::memcpy(id.bytes.data(), out_.data() + 8, kStunTransactionIdSize);
  if (auto n = SerializeXorMappedAddress(address, id, v); !n.ok()) Fail(n.error());
  return *this;
}

StunMessageBuilder& StunMessageBuilder::AddMappedAddress(const StunAddress& address) {
  if (!CheckStage(Stage::kAttributes)) return *this;
  auto v = Append(ToWire(StunAttributeType::kMappedAddress), MappedAddressValueSize(address));
  if (failed_) return *this;
  if (auto n = SerializeMappedAddress(address, v); !n.ok()) Fail(n.error());
  return *this;
}

StunMessageBuilder& StunMessageBuilder::AddErrorCode(uint16_t code, std::string_view reason) {
  // "The Class represents the hundreds digit of the error code. The value MUST be between 3
  // and 6."
  if (code < 300 || code > 699) {
    Fail(MakeError(ErrorCode::kInvalidArgument, "ERROR-CODE must be between 300 and 699"));
    return *this;
  }
  if (reason.size() > kMaxTextBytes) {
    Fail(MakeError(ErrorCode::kInvalidArgument, "ERROR-CODE reason must be at most 763 bytes"));
    return *this;
  }
  if (!CheckStage(Stage::kAttributes)) return *this;
  auto v = Append(ToWire(StunAttributeType::kErrorCode), 4 + reason.size());
  if (failed_) return *this;
  v[0] = 0;  // "Reserved, should be 0"
  v[1] = 0;
  v[2] = static_cast<uint8_t>(code / 100);
  v[3] = static_cast<uint8_t>(code % 100);
  if (!reason.empty()) std::memcpy(v.data() + 4, reason.data(), reason.size());
  return *this;
}

StunMessageBuilder& StunMessageBuilder::AddUnknownAttributes(std::span<const uint16_t> types) {
  if (!CheckStage(Stage::kAttributes)) return *this;
  auto v = Append(ToWire(StunAttributeType::kUnknownAttributes), 2 * types.size());
  if (failed_) return *this;
  for (size_t i = 0; i < types.size(); ++i) StoreBe16(v.data() + 2 * i, types[i]);
  return *this;
}

StunMessageBuilder& StunMessageBuilder::AddPriority(uint32_t priority) {
  uint8_t v[4];
  StoreBe32(v, priority);
  return AddAttribute(StunAttributeType::kPriority, v);
}

StunMessageBuilder& StunMessageBuilder::AddUseCandidate() {
  return AddAttribute(StunAttributeType::kUseCandidate, {});
}

StunMessageBuilder& StunMessageBuilder::AddIceControlling(uint64_t tie_breaker) {
  uint8_t v[8];
  StoreBe64(v, tie_breaker);
  return AddAttribute(StunAttributeType::kIceControlling, v);
}

StunMessageBuilder& StunMessageBuilder::AddIceControlled(uint64_t tie_breaker) {
  uint8_t v[8];
  StoreBe64(v, tie_breaker);
  return AddAttribute(StunAttributeType::kIceControlled, v);
}

StunMessageBuilder& StunMessageBuilder::AddMessageIntegrity(const StunIntegrityKey& key) {
  if (!CheckStage(Stage::kAttributes)) return *this;
  const size_t offset = size_;
  // Append sets the length field to end at this attribute: "The Length field of the STUN
  // message header is adjusted to point to the end of the MESSAGE-INTEGRITY attribute" (§14.5).
  auto v = Append(ToWire(StunAttributeType::kMessageIntegrity), kStunHmacSha1Size);
  if (failed_) return *this;
  const auto mac = key.HmacSha1(std::span<const uint8_t>(out_.data(), offset));
  std::memcpy(v.data(), mac.data(), mac.size());
  stage_ = Stage::kAfterIntegrity;
  return *this;
}

StunMessageBuilder& StunMessageBuilder::AddMessageIntegritySha256(const StunIntegrityKey& key) {
  if (!CheckStage(Stage::kAfterIntegrity)) return *this;
  const size_t offset = size_;
  auto v = Append(ToWire(StunAttributeType::kMessageIntegritySha256), kStunHmacSha256Size);
  if (failed_) return *this;
  const auto mac = key.HmacSha256(std::span<const uint8_t>(out_.data(), offset));
  std::memcpy(v.data(), mac.data(), mac.size());
  stage_ = Stage::kAfterIntegritySha256;
  return *this;
}

StunMessageBuilder& StunMessageBuilder::AddFingerprint() {
  if (!CheckStage(Stage::kAfterIntegritySha256)) return *this;
  const size_t offset = size_;
  // The length field covers FINGERPRINT before the CRC is taken (§14.7).
  auto v = Append(ToWire(StunAttributeType::kFingerprint), 4);
  if (failed_) return *this;
  StoreBe32(v.data(), ComputeStunFingerprint(std::span<const uint8_t>(out_.data(), offset)));
  stage_ = Stage::kAfterFingerprint;
  return *this;
}

Result<size_t> StunMessageBuilder::Finish() const {
  if (failed_) return error_;
  return size_;
}

}  // namespace sluice
