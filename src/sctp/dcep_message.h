// Data Channel Establishment Protocol messages, RFC 8832 §5 (carried with SCTP PPID 50).
//
// RFC 8832 §5.1 DATA_CHANNEL_OPEN:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Message Type |  Channel Type |            Priority           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                    Reliability Parameter                      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Label Length          |       Protocol Length         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// \                             Label                             /
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// \                            Protocol                           /
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Message Type 0x03. Channel Type 0x00 reliable, 0x80 reliable unordered, 0x01 / 0x81 partial
// reliable by retransmissions (ordered / unordered), 0x02 / 0x82 partial reliable by time
// (ms). "Reliability Parameter: ... For reliable channels, it MUST be set to 0 on the sending
// side and MUST be ignored on the receiving side."
//
// RFC 8832 §5.2 DATA_CHANNEL_ACK: a single byte, Message Type 0x02.
//
// Parse gives views into the input (no copy, no allocation); SerializeTo writes into the
// caller's span.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "sluice/result.h"

namespace sluice::sctp {

// RFC 8831 §8 SCTP Payload Protocol Identifiers.
enum class Ppid : uint32_t {
  kDcep = 50,
  kString = 51,
  kBinaryPartial = 52,  // deprecated
  kBinary = 53,
  kStringPartial = 54,  // deprecated
  kStringEmpty = 56,
  kBinaryEmpty = 57,
};

enum class DcepMessageType : uint8_t { kAck = 0x02, kOpen = 0x03 };

enum class DcepChannelType : uint8_t {
  kReliable = 0x00,
  kReliableUnordered = 0x80,
  kPartialReliableRexmit = 0x01,
  kPartialReliableRexmitUnordered = 0x81,
  kPartialReliableTimed = 0x02,
  kPartialReliableTimedUnordered = 0x82,
};

constexpr bool IsUnordered(DcepChannelType t) { return (static_cast<uint8_t>(t) & 0x80) != 0; }

struct DcepOpen {
  static constexpr size_t kHeaderSize = 12;

  DcepChannelType channel_type = DcepChannelType::kReliable;
  uint16_t priority = 256;
  uint32_t reliability_parameter = 0;
  std::span<const uint8_t> label;     // UTF-8 (not validated: opaque bytes to us)
  std::span<const uint8_t> protocol;

  // kTruncated / kMalformed (wrong type, unknown channel type, lengths past the end).
  static Result<DcepOpen> Parse(std::span<const uint8_t> data);
  size_t SerializedSize() const { return kHeaderSize + label.size() + protocol.size(); }
  Result<size_t> SerializeTo(std::span<uint8_t> out) const;

  std::string_view label_view() const {
    return {reinterpret_cast<const char*>(label.data()), label.size()};
  }
  std::string_view protocol_view() const {
    return {reinterpret_cast<const char*>(protocol.data()), protocol.size()};
  }
};

struct DcepAck {
  static constexpr size_t kSize = 1;
  static Result<DcepAck> Parse(std::span<const uint8_t> data);
  size_t SerializedSize() const { return kSize; }
  Result<size_t> SerializeTo(std::span<uint8_t> out) const;
};

// The message type of a PPID 50 payload, or an error if empty / unknown.
Result<DcepMessageType> PeekDcepType(std::span<const uint8_t> data);

}  // namespace sluice::sctp
