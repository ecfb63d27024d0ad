// RFC 8832 §5 DCEP messages (diagrams in dcep_message.h).
#include "sctp/dcep_message.h"

#include "common/byte_reader.h"
#include "common/byte_writer.h"

namespace sluice::sctp {
namespace {

bool KnownChannelType(uint8_t t) {
  switch (t) {
    case 0x00: case 0x80: case 0x01: case 0x81: case 0x02: case 0x82:
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<DcepMessageType> PeekDcepType(std::span<const uint8_t> data) {
  if (data.empty()) return MakeError(ErrorCode::kTruncated, "dcep: empty message");
  switch (data[0]) {
    case 0x02: return DcepMessageType::kAck;
    case 0x03: return DcepMessageType::kOpen;
    default: return MakeError(ErrorCode::kMalformed, "dcep: unknown message type");
  }
}

Result<DcepOpen> DcepOpen::Parse(std::span<const uint8_t> data) {
  ByteReader r(data);
  auto type = r.ReadU8();
  auto channel_type = r.ReadU8();
  auto priority = r.ReadU16();
  auto reliability = r.ReadU32();
  auto label_length = r.ReadU16();
  auto protocol_length = r.ReadU16();
  if (!protocol_length) return MakeError(ErrorCode::kTruncated, "dcep: open shorter than 12 bytes");
  if (*type != static_cast<uint8_t>(DcepMessageType::kOpen)) {
    return MakeError(ErrorCode::kMalformed, "dcep: not a DATA_CHANNEL_OPEN");
  }
  if (!KnownChannelType(*channel_type)) {
    return MakeError(ErrorCode::kMalformed, "dcep: unknown channel type");
  }
  // Both strings are bounded by the message: "Label Length: ... the length of the label field".
  auto label = r.ReadBytes(*label_length);
  if (!label) return MakeError(ErrorCode::kTruncated, "dcep: label past the end");
  auto protocol = r.ReadBytes(*protocol_length);
  if (!protocol) return MakeError(ErrorCode::kTruncated, "dcep: protocol past the end");
  // Trailing bytes after the protocol are tolerated (padding some stacks add) and ignored.
  DcepOpen open;
  open.channel_type = static_cast<DcepChannelType>(*channel_type);
  open.priority = *priority;
  // "For reliable channels, it ... MUST be ignored on the receiving side."
  const bool reliable = (*channel_type & 0x7f) == 0;
  open.reliability_parameter = reliable ? 0 : *reliability;
  open.label = *label;
  open.protocol = *protocol;
  return open;
}

Result<size_t> DcepOpen::SerializeTo(std::span<uint8_t> out) const {
  if (label.size() > 0xffff || protocol.size() > 0xffff) {
    return MakeError(ErrorCode::kInvalidArgument, "dcep: label or protocol longer than 65535");
  }
  if (out.size() < SerializedSize()) return MakeError(ErrorCode::kBufferTooSmall, "dcep: open");
  ByteWriter w(out);
  const bool reliable = (static_cast<uint8_t>(channel_type) & 0x7f) == 0;
  w.WriteU8(static_cast<uint8_t>(DcepMessageType::kOpen));
  w.WriteU8(static_cast<uint8_t>(channel_type));
  w.WriteU16(priority);
  // "For reliable channels, it MUST be set to 0 on the sending side".
  w.WriteU32(reliable ? 0 : reliability_parameter);
  w.WriteU16(static_cast<uint16_t>(label.size()));
  w.WriteU16(static_cast<uint16_t>(protocol.size()));
  w.WriteBytes(label);
  w.WriteBytes(protocol);
  return w.written();
}

Result<DcepAck> DcepAck::Parse(std::span<const uint8_t> data) {
  if (data.empty()) return MakeError(ErrorCode::kTruncated, "dcep: empty ack");
  if (data[0] != static_cast<uint8_t>(DcepMessageType::kAck)) {
    return MakeError(ErrorCode::kMalformed, "dcep: not a DATA_CHANNEL_ACK");
  }
  return DcepAck{};  // RFC 8832 §5.2: one byte; trailing bytes are ignored.
}

Result<size_t> DcepAck::SerializeTo(std::span<uint8_t> out) const {
  if (out.empty()) return MakeError(ErrorCode::kBufferTooSmall, "dcep: ack");
  out[0] = static_cast<uint8_t>(DcepMessageType::kAck);
  return size_t{1};
}

}  // namespace sluice::sctp
