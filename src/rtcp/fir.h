// PSFB Full Intra Request (PT 206, FMT 4).
//
// RFC 5104 §4.3.1 (https://www.rfc-editor.org/rfc/rfc5104#section-4.3.1), after the RFC 4585
// §6.1 feedback header (V=2|P|FMT=4|PT=206|length, SSRC of packet sender, SSRC of media source):
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                              SSRC                             |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    | Seq nr.       |    Reserved                                   |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// §4.3.1.2: "the "SSRC of media source" is not used and SHALL be set to 0" and "The FCI field
// MUST contain one or more FIR entries"; Reserved: "All bits SHALL be set to 0 by the sender and
// SHALL be ignored on reception."
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "common/byte_order.h"
#include "common/strong_id.h"
#include "rtcp/fixed_list.h"
#include "rtcp/rtcp_packet.h"
#include "sluice/result.h"

namespace sluice {

struct FirEntry {
  Ssrc ssrc;
  uint8_t seq_nr = 0;
  friend bool operator==(const FirEntry&, const FirEntry&) = default;
};

class FirView {
 public:
  static Result<FirView> Parse(const RtcpPacketView& packet);
  static Result<FirView> Parse(std::span<const uint8_t> packet);

  Ssrc sender_ssrc() const { return Ssrc(LoadBe32(payload_.data())); }
  Ssrc media_ssrc() const { return Ssrc(LoadBe32(payload_.data() + 4)); }  // 0 on the wire
  size_t entry_count() const { return (payload_.size() - 8) / 8; }
  FirEntry entry(size_t i) const {
    const uint8_t* p = payload_.data() + 8 + 8 * i;
    return {Ssrc(LoadBe32(p)), p[4]};
  }

 private:
  std::span<const uint8_t> payload_;
};

inline constexpr size_t kMaxFirEntries = 32;

struct Fir {
  Ssrc sender_ssrc;
  FixedList<FirEntry, kMaxFirEntries> entries;  // at least one

  // kExhausted when the packet holds more than kMaxFirEntries entries.
  static Result<Fir> FromView(const FirView& view);
  size_t SerializedSize() const { return kRtcpHeaderSize + 8 + 8 * entries.size(); }
  Result<size_t> SerializeTo(std::span<uint8_t> out) const;

  friend bool operator==(const Fir&, const Fir&) = default;
};

}  // namespace sluice
