// RTPFB transport-wide congestion control feedback (PT 205, FMT 15).
//
// draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1
// (https://datatracker.ietf.org/doc/html/draft-holmer-rmcat-transport-wide-cc-extensions-01#section-3.1):
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |V=2|P|  FMT=15 |    PT=205     |           length              |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                     SSRC of packet sender                     |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                      SSRC of media source                     |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |      base sequence number     |      packet status count      |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                 reference time                | fb pkt. count |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |          packet chunk         |         packet chunk          |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    .                                                               .
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |         packet chunk          |  recv delta   |  recv delta   |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    .                                                               .
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |           recv delta          |  recv delta   | zero padding  |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Packet chunks (16 bits):
//   run length:    |0|S S|        run length (13)       |   S applies to `run length` packets
//   status vector: |1|0| 14 one-bit symbols  |  0 = not received, 1 = received, small delta
//                  |1|1| 7 two-bit symbols   |  00 not received, 01 small delta,
//                                               10 large or negative delta, 11 reserved
// Receive deltas, in 250 us ticks relative to the previous received packet (the first to
// reference time, a signed 24-bit count of 64 ms): small = 1 byte unsigned, large = 2 bytes
// signed. Reference time is in multiples of 64 ms.
//
// TransportFeedbackView::Parse validates chunks and deltas once; its walk then yields every
// packet (seq, received?, delta) without allocating. TransportFeedback builds a packet from a
// list of (seq, arrival time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "common/byte_order.h"
#include "common/strong_id.h"
#include "rtcp/next_range.h"
#include "rtcp/rtcp_packet.h"
#include "sluice/result.h"

namespace sluice {

inline constexpr int64_t kTwccDeltaTickUs = 250;
inline constexpr int64_t kTwccReferenceTimeTickUs = 64000;

enum class TwccStatus : uint8_t {
  kNotReceived = 0,
  kReceivedSmallDelta = 1,
  kReceivedLargeDelta = 2,
};

struct TwccPacketStatus {
  uint16_t seq = 0;
  TwccStatus status = TwccStatus::kNotReceived;
  int32_t delta_ticks = 0;  // 250 us ticks since the previous received packet; 0 if lost

  bool received() const { return status != TwccStatus::kNotReceived; }
  int64_t delta_us() const { return int64_t{delta_ticks} * kTwccDeltaTickUs; }
};

// A received packet for the builder (and what CopyArrivals() returns).
struct TwccArrival {
  uint16_t seq = 0;
  int64_t arrival_time_us = 0;
  friend bool operator==(const TwccArrival&, const TwccArrival&) = default;
};

class TransportFeedbackView {
 public:
  static constexpr size_t kFixedSize = 16;  // SSRCs, base seq, count, reference time, fb count

  static Result<TransportFeedbackView> Parse(const RtcpPacketView& packet);
  static Result<TransportFeedbackView> Parse(std::span<const uint8_t> packet);

  Ssrc sender_ssrc() const { return Ssrc(LoadBe32(payload_.data())); }
  Ssrc media_ssrc() const { return Ssrc(LoadBe32(payload_.data() + 4)); }
  uint16_t base_sequence_number() const { return LoadBe16(payload_.data() + 8); }
  uint16_t packet_status_count() const { return LoadBe16(payload_.data() + 10); }
  // Signed 24-bit count of 64 ms.
  int32_t reference_time() const {
    return static_cast<int32_t>(LoadBe24(payload_.data() + 12) ^ 0x800000u) - 0x800000;
  }
  int64_t reference_time_us() const { return int64_t{reference_time()} * kTwccReferenceTimeTickUs; }
  uint8_t feedback_packet_count() const { return payload_[15]; }
  size_t received_count() const { return received_count_; }

  // Walks every packet of the feedback in sequence order (infallible after Parse()):
  //   auto walk = view.Walk();
  //   while (auto p = walk.Next()) { ... p->seq, p->received(), p->delta_us() ... }
  // or: for (const TwccPacketStatus& p : view.Walk()) { ... }
  class Walker : public NextRange<Walker, TwccPacketStatus> {
   public:
    std::optional<TwccPacketStatus> Next();

   private:
    friend class TransportFeedbackView;
    const uint8_t* chunks_ = nullptr;
    const uint8_t* deltas_ = nullptr;
    uint16_t chunk_ = 0;
    uint16_t chunk_left_ = 0;  // symbols left in the current chunk
    uint16_t chunk_index_ = 0;  // next symbol's index within the current chunk
    uint16_t seq_ = 0;
    uint32_t left_ = 0;  // packets left overall
  };
  Walker Walk() const;

  // Writes (seq, arrival time) of each received packet, arrival times being reference_time_us()
  // plus the running sum of deltas. Returns the count, or kBufferTooSmall.
  Result<size_t> CopyArrivals(std::span<TwccArrival> out) const;

 private:
  std::span<const uint8_t> payload_;
  size_t chunks_size_ = 0;
  size_t received_count_ = 0;
};

// Inline: called once per reported packet.
inline std::optional<TwccPacketStatus> TransportFeedbackView::Walker::Next() {
  if (left_ == 0) return std::nullopt;
  // Parse() checked that the chunks cover every packet, so this never reads past them.
  while (chunk_left_ == 0) {
    chunk_ = LoadBe16(chunks_);
    chunks_ += 2;
    chunk_index_ = 0;
    if ((chunk_ & 0x8000) == 0) {
      chunk_left_ = chunk_ & 0x1fff;
    } else {
      chunk_left_ = (chunk_ & 0x4000) == 0 ? 14 : 7;
    }
  }
  uint32_t symbol;
  if ((chunk_ & 0x8000) == 0) {
    symbol = (chunk_ >> 13) & 3;
  } else if ((chunk_ & 0x4000) == 0) {
    symbol = (chunk_ >> (13 - chunk_index_)) & 1;
  } else {
    symbol = (chunk_ >> (12 - 2 * chunk_index_)) & 3;
  }
  ++chunk_index_;
  --chunk_left_;
  TwccPacketStatus status;
  status.seq = seq_++;
  status.status = static_cast<TwccStatus>(symbol);
  if (symbol == 1) {
    status.delta_ticks = *deltas_;
    deltas_ += 1;
  } else if (symbol == 2) {
    status.delta_ticks = static_cast<int16_t>(LoadBe16(deltas_));
    deltas_ += 2;
  }
  --left_;
  return status;
}

// Builds a feedback packet from the packets received, encoding chunks the way libwebrtc does
// (run length when all symbols agree, else the densest status vector).
struct TransportFeedback {
  Ssrc sender_ssrc;
  Ssrc media_ssrc;
  uint8_t feedback_packet_count = 0;
  // Default: the first arrival's sequence number. Earlier packets are reported not received.
  std::optional<uint16_t> base_sequence_number;
  // In 64 ms units (signed 24 bits). Default: floor(first arrival time / 64 ms), sent modulo
  // 2^24. When given, arrival times are taken relative to reference_time * 64 ms.
  std::optional<int32_t> reference_time;
  // Received packets, in increasing (wrap-aware) sequence order without duplicates, all within
  // 65535 of the base sequence number; each delta to the previous arrival (in 250 us ticks,
  // floored) must fit a signed 16-bit value. Non-empty. The caller keeps it alive.
  std::span<const TwccArrival> arrivals;

  // 0 when the arrivals cannot be encoded (SerializeTo() returns why).
  size_t SerializedSize() const;
  Result<size_t> SerializeTo(std::span<uint8_t> out) const;
};

}  // namespace sluice
