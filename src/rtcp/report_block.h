// RTCP reception report block, shared by SR and RR.
//
// RFC 3550 §6.4.1 (https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1):
//
//        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// report |                 SSRC_1 (SSRC of first source)                 |
// block  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   1    | fraction lost |       cumulative number of packets lost       |
//        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//        |           extended highest sequence number received           |
//        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//        |                      interarrival jitter                      |
//        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//        |                         last SR (LSR)                         |
//        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//        |                   delay since last SR (DLSR)                  |
//        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//
// The cumulative number of packets lost is a signed 24-bit value (RFC 3550 §6.4.1: "Note that
// the number of packets received includes any that are late or duplicates, and hence may be
// greater than the number expected, so the cumulative number of packets lost may be negative").
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "common/strong_id.h"
#include "rtcp/fixed_list.h"

namespace sluice {

struct ReportBlock {
  static constexpr size_t kSize = 24;
  static constexpr int32_t kMaxCumulativeLost = (1 << 23) - 1;
  static constexpr int32_t kMinCumulativeLost = -(1 << 23);

  Ssrc source_ssrc;
  uint8_t fraction_lost = 0;
  int32_t cumulative_lost = 0;  // 24-bit signed; serializing clamps to its range
  uint32_t extended_highest_sequence = 0;
  uint32_t jitter = 0;
  uint32_t last_sr = 0;
  uint32_t delay_since_last_sr = 0;  // units of 1/65536 s

  // Reads a block from exactly kSize bytes (the caller has checked the length).
  static ReportBlock Read(const uint8_t* in);
  // Writes kSize bytes.
  void Write(uint8_t* out) const;

  friend bool operator==(const ReportBlock&, const ReportBlock&) = default;
};

// RC is a 5-bit field: at most 31 blocks per SR/RR.
inline constexpr size_t kMaxReportBlocks = 31;
using ReportBlockList = FixedList<ReportBlock, kMaxReportBlocks>;

// A view over `count` consecutive report blocks whose bytes have been length-checked.
class ReportBlocksView {
 public:
  ReportBlocksView() = default;
  explicit ReportBlocksView(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  size_t size() const { return bytes_.size() / ReportBlock::kSize; }
  bool empty() const { return bytes_.empty(); }
  ReportBlock operator[](size_t i) const {
    return ReportBlock::Read(bytes_.data() + i * ReportBlock::kSize);
  }

 private:
  std::span<const uint8_t> bytes_;
};

// What follows the fixed fields of an SR or RR (RFC 3550 §6.4.1, §6.4.2): `count` report blocks,
// then profile-specific extensions.
struct ReportBlocksAndExtensions {
  ReportBlocksView blocks;
  std::span<const uint8_t> extensions;
};
// Splits `after_fixed` (the payload past the fixed fields); nullopt if `count` blocks do not fit.
std::optional<ReportBlocksAndExtensions> SplitReportBlocks(std::span<const uint8_t> after_fixed,
                                                           size_t count);
// Appends every block of `view` to `list` (which holds kMaxReportBlocks, the most RC can say).
void CopyReportBlocks(const ReportBlocksView& view, ReportBlockList& list);
// Writes every block of `list` at `out` and returns the end of what was written.
uint8_t* WriteReportBlocks(const ReportBlockList& list, uint8_t* out);

}  // namespace sluice
