// RTCP Sender Report (PT 200).
//
// RFC 3550 §6.4.1 (https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1):
//
//         0                   1                   2                   3
//         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// header |V=2|P|    RC   |   PT=SR=200   |             length            |
//        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//        |                         SSRC of sender                        |
//        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// sender |              NTP timestamp, most significant word             |
// info   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//        |             NTP timestamp, least significant word             |
//        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//        |                         RTP timestamp                         |
//        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//        |                     sender's packet count                     |
//        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//        |                      sender's octet count                     |
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

class SenderReportView {
 public:
  static constexpr size_t kFixedSize = 24;  // sender SSRC + sender info, after the header

  static Result<SenderReportView> Parse(const RtcpPacketView& packet);
  // `packet` must be exactly one SR.
  static Result<SenderReportView> Parse(std::span<const uint8_t> packet);

  Ssrc sender_ssrc() const;
  uint64_t ntp_timestamp() const;  // 32.32 fixed point
  uint32_t rtp_timestamp() const;
  uint32_t packet_count() const;
  uint32_t octet_count() const;
  const ReportBlocksView& report_blocks() const { return blocks_; }
  // Bytes after the report blocks (RFC 3550 §6.4.1 profile-specific extensions), may be empty.
  std::span<const uint8_t> profile_extensions() const { return extensions_; }

 private:
  std::span<const uint8_t> payload_;
  ReportBlocksView blocks_;
  std::span<const uint8_t> extensions_;
};

struct SenderReport {
  Ssrc sender_ssrc;
  uint64_t ntp_timestamp = 0;
  uint32_t rtp_timestamp = 0;
  uint32_t packet_count = 0;
  uint32_t octet_count = 0;
  ReportBlockList report_blocks;

  static SenderReport FromView(const SenderReportView& view);  // drops profile extensions
  size_t SerializedSize() const;
  Result<size_t> SerializeTo(std::span<uint8_t> out) const;

  friend bool operator==(const SenderReport&, const SenderReport&) = default;
};

}  // namespace sluice
