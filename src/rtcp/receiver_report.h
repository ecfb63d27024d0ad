// RTCP Receiver Report (PT 201).
//
// RFC 3550 §6.4.2 (https://www.rfc-editor.org/rfc/rfc3550#section-6.4.2):
//
//         0                   1                   2                   3
//         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// header |V=2|P|    RC   |   PT=RR=201   |             length            |
//        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//        |                     SSRC of packet sender                     |
//        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//        |                 report blocks (see report_block.h)            |
//        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//        |                  profile-specific extensions                  |
//        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "common/strong_id.h"
#include "rtcp/report_block.h"
#include "rtcp/rtcp_packet.h"
#include "sluice/result.h"

namespace sluice {

class ReceiverReportView {
 public:
  static constexpr size_t kFixedSize = 4;  // sender SSRC, after the header

  static Result<ReceiverReportView> Parse(const RtcpPacketView& packet);
  // `packet` must be exactly one RR.
  static Result<ReceiverReportView> Parse(std::span<const uint8_t> packet);

  Ssrc sender_ssrc() const;
  const ReportBlocksView& report_blocks() const { return blocks_; }
  std::span<const uint8_t> profile_extensions() const { return extensions_; }

 private:
  std::span<const uint8_t> payload_;
  ReportBlocksView blocks_;
  std::span<const uint8_t> extensions_;
};

struct ReceiverReport {
  Ssrc sender_ssrc;
  ReportBlockList report_blocks;

  static ReceiverReport FromView(const ReceiverReportView& view);  // drops profile extensions
  size_t SerializedSize() const;
  Result<size_t> SerializeTo(std::span<uint8_t> out) const;

  friend bool operator==(const ReceiverReport&, const ReceiverReport&) = default;
};

}  // namespace sluice
