#include "pc/receive_statistics.h"

#include <algorithm>
#include <cstdlib>

namespace sluice::pc {

void ReceiveStatistics::OnPacket(uint16_t seq, uint32_t rtp_timestamp, uint32_t arrival) {
  if (!initialised_) {
    initialised_ = true;
    base_seq_ = seq;
    max_seq_ = seq;
    cycles_ = 0;
  } else {
    // A.1 update_seq: udelta = seq - max_seq, in order with a permissible gap, or restart.
    const uint16_t udelta = static_cast<uint16_t>(seq - max_seq_);
    if (udelta < kMaxDropout) {
      if (seq < max_seq_) cycles_ += kRtpSeqMod;  // sequence number wrapped
      max_seq_ = seq;
    } else if (udelta <= kRtpSeqMod - kMaxMisorder) {
      // A very large jump: "If the new sequence number is ... the next one after bad_seq, the
      // source restarted"; otherwise the packet counts but does not move max_seq.
      if (seq == bad_seq_) {
        base_seq_ = seq;
        max_seq_ = seq;
        cycles_ = 0;
        received_ = 0;
        expected_prior_ = 0;
        received_prior_ = 0;
      } else {
        bad_seq_ = (uint32_t{seq} + 1) & (kRtpSeqMod - 1);
        return;
      }
    }
    // else: duplicate or reordered packet, counted below.
  }
  ++received_;
  // A.8: transit = arrival - timestamp; d = |transit - last transit|; J += (d - J) / 16.
  const int64_t transit = static_cast<int64_t>(arrival) - static_cast<int64_t>(rtp_timestamp);
  if (have_transit_) {
    int64_t d = transit - last_transit_;
    // Both are modulo 2^32: fold the difference back into a 32-bit signed range.
    d = static_cast<int32_t>(static_cast<uint32_t>(d));
    if (d < 0) d = -d;
    jitter_ += static_cast<uint32_t>(d) - ((jitter_ + 8) >> 4);
  }
  have_transit_ = true;
  last_transit_ = transit;
}

int64_t ReceiveStatistics::cumulative_lost() const {
  if (!initialised_) return 0;
  const int64_t expected = int64_t{extended_max()} - base_seq_ + 1;
  return expected - static_cast<int64_t>(received_);
}

void ReceiveStatistics::FillReportBlock(ReportBlock& block) {
  const int64_t expected = initialised_ ? int64_t{extended_max()} - base_seq_ + 1 : 0;
  const int64_t expected_interval = expected - static_cast<int64_t>(expected_prior_);
  const int64_t received_interval =
      static_cast<int64_t>(received_) - static_cast<int64_t>(received_prior_);
  const int64_t lost_interval = expected_interval - received_interval;
  expected_prior_ = static_cast<uint64_t>(expected);
  received_prior_ = received_;
  block.fraction_lost = (expected_interval == 0 || lost_interval <= 0)
                            ? 0
                            : static_cast<uint8_t>(std::min<int64_t>(
                                  255, (lost_interval << 8) / expected_interval));
  int64_t lost = cumulative_lost();
  if (lost > ReportBlock::kMaxCumulativeLost) lost = ReportBlock::kMaxCumulativeLost;
  if (lost < ReportBlock::kMinCumulativeLost) lost = ReportBlock::kMinCumulativeLost;
  block.cumulative_lost = static_cast<int32_t>(lost);
  block.extended_highest_sequence = extended_max();
  block.jitter = jitter();
}

}  // namespace sluice::pc
