// Per-SSRC reception statistics for receiver reports, RFC 3550 §6.4.1 and Appendix A.1, A.3, A.8
// (https://www.rfc-editor.org/rfc/rfc3550#appendix-A.3).
//
//   extended_max = cycles + max_seq;
//   expected = extended_max - base_seq + 1;
//   lost = expected - received;          (cumulative, may be negative with duplicates)
//   expected_interval = expected - expected_prior;  received_interval = received - received_prior;
//   lost_interval = expected_interval - received_interval;
//   fraction = (expected_interval == 0 || lost_interval <= 0) ? 0 : (lost_interval << 8) / expected_interval;
//   D(i-1,i) = (Rj - Ri) - (Sj - Si);  J(i) = J(i-1) + (|D(i-1,i)| - J(i-1))/16
//
// Thread rules: a plain value; no allocation.
#pragma once

#include <cstdint>

#include "rtcp/report_block.h"

namespace sluice::pc {

class ReceiveStatistics {
 public:
  // RFC 3550 A.1: "a source is declared valid only after MIN_SEQUENTIAL packets have been
  // received in sequence" -- sluice routes only authenticated SRTP here, so the first packet
  // initialises the source. `arrival` is the arrival time in RTP timestamp units.
  void OnPacket(uint16_t seq, uint32_t rtp_timestamp, uint32_t arrival);

  bool active() const { return received_ > 0; }
  uint64_t received() const { return received_; }
  uint32_t extended_max() const { return cycles_ + max_seq_; }
  int64_t cumulative_lost() const;
  uint32_t jitter() const { return static_cast<uint32_t>(jitter_ >> 4); }  // timestamp units

  // Fills the loss fields of a report block and starts the next interval (A.3).
  void FillReportBlock(ReportBlock& block);

 private:
  static constexpr uint32_t kRtpSeqMod = 1u << 16;
  static constexpr int kMaxDropout = 3000;
  static constexpr int kMaxMisorder = 100;

  bool initialised_ = false;
  uint16_t max_seq_ = 0;
  uint32_t cycles_ = 0;
  uint32_t base_seq_ = 0;
  uint32_t bad_seq_ = kRtpSeqMod + 1;
  uint64_t received_ = 0;
  uint64_t expected_prior_ = 0;
  uint64_t received_prior_ = 0;
  int64_t last_transit_ = 0;
  bool have_transit_ = false;
  uint32_t jitter_ = 0;  // scaled by 16 as in A.8
};

}  // namespace sluice::pc
