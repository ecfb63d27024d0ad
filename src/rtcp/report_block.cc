#include "rtcp/report_block.h"

#include <algorithm>

#include "common/byte_order.h"

namespace sluice {

ReportBlock ReportBlock::Read(const uint8_t* in) {
  ReportBlock b;
  b.source_ssrc = Ssrc(LoadBe32(in));
  b.fraction_lost = in[4];
  uint32_t lost = LoadBe24(in + 5);
  // Sign-extend the 24-bit two's complement value.
  b.cumulative_lost = static_cast<int32_t>(lost ^ 0x800000u) - 0x800000;
  b.extended_highest_sequence = LoadBe32(in + 8);
  b.jitter = LoadBe32(in + 12);
  b.last_sr = LoadBe32(in + 16);
  b.delay_since_last_sr = LoadBe32(in + 20);
  return b;
}

void ReportBlock::Write(uint8_t* out) const {
  StoreBe32(out, source_ssrc.value());
  out[4] = fraction_lost;
  const int32_t lost = std::clamp(cumulative_lost, kMinCumulativeLost, kMaxCumulativeLost);
  StoreBe24(out + 5, static_cast<uint32_t>(lost) & 0xffffffu);
  StoreBe32(out + 8, extended_highest_sequence);
  StoreBe32(out + 12, jitter);
  StoreBe32(out + 16, last_sr);
  StoreBe32(out + 20, delay_since_last_sr);
}

std::optional<ReportBlocksAndExtensions> SplitReportBlocks(std::span<const uint8_t> after_fixed,
                                                           size_t count) {
  const size_t blocks_size = count * ReportBlock::kSize;
  if (after_fixed.size() < blocks_size) return std::nullopt;
  return ReportBlocksAndExtensions{ReportBlocksView(after_fixed.first(blocks_size)),
                                   after_fixed.subspan(blocks_size)};
}

void CopyReportBlocks(const ReportBlocksView& view, ReportBlockList& list) {
  for (size_t i = 0; i < view.size(); ++i) list.push_back(view[i]);
}

uint8_t* WriteReportBlocks(const ReportBlockList& list, uint8_t* out) {
  for (const ReportBlock& block : list) {
    block.Write(out);
    out += ReportBlock::kSize;
  }
  return out;
}

}  // namespace sluice
