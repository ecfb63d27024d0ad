// Generic STUN attribute TLV (RFC 8489 §14; diagram in stun_attribute.h).
#include "stun/stun_attribute.h"

#include <cstring>

#include "common/byte_order.h"

namespace sluice {

Result<size_t> WriteStunAttribute(std::span<uint8_t> out, uint16_t type,
                                  std::span<const uint8_t> value) {
  if (value.size() > 0xFFFF)
    return MakeError(ErrorCode::kInvalidArgument, "attribute value is longer than 65535 bytes");
  const size_t size = StunAttributeSize(value.size());
  if (out.size() < size)
    return MakeError(ErrorCode::kBufferTooSmall, "attribute does not fit in the buffer");
  StoreBe16(out.data(), type);
  StoreBe16(out.data() + 2, static_cast<uint16_t>(value.size()));
  if (!value.empty())
    std::memmove(out.data() + kStunAttributeHeaderSize, value.data(), value.size());
  std::memset(out.data() + kStunAttributeHeaderSize + value.size(), 0,
              size - kStunAttributeHeaderSize - value.size());
  return size;
}

}  // namespace sluice
