// RTCP Application-Defined packet (PT 204).
//
// RFC 3550 §6.7 (https://www.rfc-editor.org/rfc/rfc3550#section-6.7):
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |V=2|P| subtype |   PT=APP=204  |             length            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                           SSRC/CSRC                           |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                          name (ASCII)                         |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                   application-dependent data                ...
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Application-dependent data: "It MUST be a multiple of 32 bits long."
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "common/strong_id.h"
#include "rtcp/rtcp_packet.h"
#include "sluice/result.h"

namespace sluice {

class AppView {
 public:
  static constexpr size_t kFixedSize = 8;  // SSRC + name

  static Result<AppView> Parse(const RtcpPacketView& packet);
  static Result<AppView> Parse(std::span<const uint8_t> packet);

  uint8_t subtype() const { return subtype_; }
  Ssrc ssrc() const;
  std::array<char, 4> name() const;
  std::span<const uint8_t> data() const { return payload_.subspan(kFixedSize); }

 private:
  std::span<const uint8_t> payload_;
  uint8_t subtype_ = 0;
};

struct App {
  uint8_t subtype = 0;  // 5 bits
  Ssrc ssrc;
  std::array<char, 4> name{};
  std::span<const uint8_t> data;  // a multiple of 4 bytes; the caller keeps it alive

  static App FromView(const AppView& view);
  size_t SerializedSize() const;
  Result<size_t> SerializeTo(std::span<uint8_t> out) const;
};

}  // namespace sluice
