#include "rtcp/transport_feedback.h"

#include <algorithm>
#include <bit>

namespace sluice {
namespace {

constexpr uint16_t kRunLengthMax = 0x1fff;
constexpr size_t kOneBitCapacity = 14;
constexpr size_t kTwoBitCapacity = 7;

// The top `bits` of a chunk's 14 symbol bits (bits 13 down to 14 - bits).
constexpr uint32_t SymbolMask(uint32_t bits) {
  return ((1u << 14) - 1) & ~((1u << (14 - bits)) - 1);
}

}  // namespace

Result<TransportFeedbackView> TransportFeedbackView::Parse(std::span<const uint8_t> packet) {
  auto view = ParseSinglePacket(packet, RtcpPacketKind::kTransportFeedback);
  if (!view) return view.error();
  return Parse(*view);
}

Result<TransportFeedbackView> TransportFeedbackView::Parse(const RtcpPacketView& packet) {
  if (auto k = CheckKind(packet, RtcpPacketKind::kTransportFeedback); !k) return k.error();
  auto payload = packet.payload();
  if (payload.size() < kFixedSize) {
    return MakeError(ErrorCode::kTruncated, "rtcp twcc: shorter than its fixed fields");
  }
  const uint32_t count = LoadBe16(payload.data() + 10);
  if (count == 0) return MakeError(ErrorCode::kMalformed, "rtcp twcc: packet status count is 0");
  size_t pos = kFixedSize;
  uint32_t symbols = 0;
  size_t delta_bytes = 0;
  size_t received = 0;
  while (symbols < count) {
    if (payload.size() - pos < 2) {
      return MakeError(ErrorCode::kTruncated,
                       "rtcp twcc: packet status count larger than its chunks");
    }
    const uint16_t chunk = LoadBe16(payload.data() + pos);
    pos += 2;
    const uint32_t remaining = count - symbols;
    uint32_t n = 0;
    if ((chunk & 0x8000) == 0) {  // run length chunk
      const uint32_t symbol = (chunk >> 13) & 3;
      n = std::min<uint32_t>(chunk & kRunLengthMax, remaining);
      if (symbol == 3 && n > 0) {
        return MakeError(ErrorCode::kMalformed, "rtcp twcc: reserved status symbol 11");
      }
      delta_bytes += size_t{n} * symbol;  // 0, 1 or 2 bytes per packet
      if (symbol != 0) received += n;
    } else if ((chunk & 0x4000) == 0) {  // status vector, 14 one-bit symbols (bits 13..0)
      n = std::min<uint32_t>(kOneBitCapacity, remaining);
      const uint32_t used = chunk & SymbolMask(n);  // only the first n symbols count
      const uint32_t ones = static_cast<uint32_t>(std::popcount(used));
      delta_bytes += ones;
      received += ones;
    } else {  // status vector, 7 two-bit symbols (bit pairs 13-12 .. 1-0)
      n = std::min<uint32_t>(kTwoBitCapacity, remaining);
      const uint32_t used = chunk & SymbolMask(2 * n);
      const uint32_t low = used & 0x1555u;          // low bit of every symbol
      const uint32_t high = (used >> 1) & 0x1555u;  // high bit of every symbol
      if ((low & high) != 0) {
        return MakeError(ErrorCode::kMalformed, "rtcp twcc: reserved status symbol 11");
      }
      delta_bytes += static_cast<uint32_t>(std::popcount(low) + 2 * std::popcount(high));
      received += static_cast<uint32_t>(std::popcount(low | high));
    }
    symbols += n;
  }
  if (payload.size() - pos < delta_bytes) {
    return MakeError(ErrorCode::kTruncated, "rtcp twcc: receive deltas run past the packet");
  }
  // Only the zero padding to the next 32-bit boundary may follow the deltas.
  if (payload.size() - pos - delta_bytes > 3) {
    return MakeError(ErrorCode::kMalformed, "rtcp twcc: bytes after the receive deltas");
  }
  TransportFeedbackView v;
  v.payload_ = payload;
  v.chunks_size_ = pos - kFixedSize;
  v.received_count_ = received;
  return v;
}

TransportFeedbackView::Walker TransportFeedbackView::Walk() const {
  Walker w;
  w.chunks_ = payload_.data() + kFixedSize;
  w.deltas_ = w.chunks_ + chunks_size_;
  w.seq_ = base_sequence_number();
  w.left_ = packet_status_count();
  return w;
}

Result<size_t> TransportFeedbackView::CopyArrivals(std::span<TwccArrival> out) const {
  if (out.size() < received_count_) {
    return MakeError(ErrorCode::kBufferTooSmall, "rtcp twcc: arrival span too small");
  }
  int64_t time_us = reference_time_us();
  size_t n = 0;
  auto walk = Walk();
  while (auto p = walk.Next()) {
    if (!p->received()) continue;
    time_us += p->delta_us();
    out[n++] = TwccArrival{p->seq, time_us};
  }
  return n;
}

namespace {

// The chunk packer of libwebrtc's TransportFeedback::LastChunk: symbols collect until the next
// one no longer fits any chunk kind, then the best chunk is emitted.
class ChunkPacker {
 public:
  template <typename Emit>
  void Add(uint8_t symbol, Emit&& emit) {
    if (!CanAdd(symbol)) emit(EmitChunk());
    if (size_ < kOneBitCapacity) symbols_[size_] = symbol;
    all_same_ = all_same_ && (size_ == 0 || symbol == symbols_[0]);
    has_large_ = has_large_ || symbol == 2;
    ++size_;
  }
  template <typename Emit>
  void Finish(Emit&& emit) {
    if (size_ == 0) return;
    if (all_same_) {
      emit(RunLength());
    } else if (size_ <= kTwoBitCapacity) {
      emit(TwoBit(size_));
    } else {
      emit(OneBit());
    }
    size_ = 0;
  }

 private:
  bool CanAdd(uint8_t symbol) const {
    if (size_ < kTwoBitCapacity) return true;
    if (size_ < kOneBitCapacity && !has_large_ && symbol != 2) return true;
    if (size_ < kRunLengthMax && all_same_ && symbol == symbols_[0]) return true;
    return false;
  }
  uint16_t EmitChunk() {
    if (all_same_) {
      const uint16_t chunk = RunLength();
      Clear();
      return chunk;
    }
    if (size_ == kOneBitCapacity) {
      const uint16_t chunk = OneBit();
      Clear();
      return chunk;
    }
    // 7 <= size_ < 14 with a large delta: send seven two-bit symbols and keep the rest.
    const uint16_t chunk = TwoBit(kTwoBitCapacity);
    size_ -= kTwoBitCapacity;
    all_same_ = true;
    has_large_ = false;
    for (size_t i = 0; i < size_; ++i) {
      symbols_[i] = symbols_[i + kTwoBitCapacity];
      all_same_ = all_same_ && symbols_[i] == symbols_[0];
      has_large_ = has_large_ || symbols_[i] == 2;
    }
    return chunk;
  }
  uint16_t RunLength() const {
    return static_cast<uint16_t>((uint32_t{symbols_[0]} << 13) | size_);
  }
  uint16_t OneBit() const {
    uint32_t chunk = 0x8000;
    for (size_t i = 0; i < size_; ++i) chunk |= uint32_t{symbols_[i]} << (13 - i);
    return static_cast<uint16_t>(chunk);
  }
  uint16_t TwoBit(size_t n) const {
    uint32_t chunk = 0xc000;
    for (size_t i = 0; i < n; ++i) chunk |= uint32_t{symbols_[i]} << (12 - 2 * i);
    return static_cast<uint16_t>(chunk);
  }
  void Clear() {
    size_ = 0;
    all_same_ = true;
    has_large_ = false;
  }

  uint8_t symbols_[kOneBitCapacity] = {};
  size_t size_ = 0;
  bool all_same_ = true;
  bool has_large_ = false;
};

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

struct EncodePlan {
  uint16_t base_seq = 0;
  int64_t reference_ticks = 0;  // unwrapped, in 64 ms
  uint32_t status_count = 0;
  size_t chunk_count = 0;
  size_t delta_bytes = 0;
  size_t size = 0;
};

// Walks the arrivals once, calling chunk(uint16_t) and delta(int32_t ticks, bool large) in wire
// order; validates the input on the way.
template <typename OnChunk, typename OnDelta>
Result<void> Encode(const TransportFeedback& fb, const EncodePlan& plan, OnChunk&& on_chunk,
                    OnDelta&& on_delta) {
  ChunkPacker packer;
  const int64_t reference_us = plan.reference_ticks * kTwccReferenceTimeTickUs;
  int64_t previous_ticks = 0;
  uint32_t next_offset = 0;  // the next packet offset to report
  for (const TwccArrival& arrival : fb.arrivals) {
    const uint32_t offset = static_cast<uint16_t>(arrival.seq - plan.base_seq);
    if (offset < next_offset) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "rtcp twcc: arrivals must be in increasing sequence order, no duplicates");
    }
    for (; next_offset < offset; ++next_offset) packer.Add(0, on_chunk);
    const int64_t ticks = FloorDiv(arrival.arrival_time_us - reference_us, kTwccDeltaTickUs);
    const int64_t delta = ticks - previous_ticks;
    if (delta < INT16_MIN || delta > INT16_MAX) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "rtcp twcc: receive delta does not fit 16 bits; start a new feedback");
    }
    previous_ticks = ticks;
    const bool large = delta < 0 || delta > 255;
    packer.Add(large ? 2 : 1, on_chunk);
    on_delta(static_cast<int32_t>(delta), large);
    next_offset = offset + 1;
  }
  packer.Finish(on_chunk);
  return Ok();
}

Result<EncodePlan> Plan(const TransportFeedback& fb) {
  if (fb.arrivals.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "rtcp twcc: needs at least one arrival");
  }
  EncodePlan plan;
  plan.base_seq = fb.base_sequence_number.value_or(fb.arrivals.front().seq);
  if (fb.reference_time) {
    if (*fb.reference_time < -(1 << 23) || *fb.reference_time >= (1 << 23)) {
      return MakeError(ErrorCode::kInvalidArgument, "rtcp twcc: reference time is 24 bits");
    }
    plan.reference_ticks = *fb.reference_time;
  } else {
    plan.reference_ticks = FloorDiv(fb.arrivals.front().arrival_time_us, kTwccReferenceTimeTickUs);
  }
  const uint32_t last = static_cast<uint16_t>(fb.arrivals.back().seq - plan.base_seq);
  if (last == 0xffff) {
    return MakeError(ErrorCode::kInvalidArgument, "rtcp twcc: more than 65535 packets");
  }
  plan.status_count = last + 1;
  auto r = Encode(fb, plan, [&](uint16_t) { ++plan.chunk_count; },
                  [&](int32_t, bool large) { plan.delta_bytes += large ? 2 : 1; });
  if (!r) return r.error();
  const size_t unpadded = kRtcpHeaderSize + TransportFeedbackView::kFixedSize +
                          2 * plan.chunk_count + plan.delta_bytes;
  plan.size = (unpadded + 3) / 4 * 4;
  return plan;
}

}  // namespace

size_t TransportFeedback::SerializedSize() const {
  auto plan = Plan(*this);
  return plan ? plan->size : 0;
}

Result<size_t> TransportFeedback::SerializeTo(std::span<uint8_t> out) const {
  auto plan = Plan(*this);
  if (!plan) return plan.error();
  if (auto c = CheckSerializeSize(plan->size, out.size()); !c) return c.error();
  uint8_t* p = out.data();
  WriteRtcpHeader(p, kFmtTransportFeedback, RtcpPacketType::kRtpFeedback, plan->size);
  StoreBe32(p + 4, sender_ssrc.value());
  StoreBe32(p + 8, media_ssrc.value());
  StoreBe16(p + 12, plan->base_seq);
  StoreBe16(p + 14, static_cast<uint16_t>(plan->status_count));
  StoreBe24(p + 16, static_cast<uint32_t>(plan->reference_ticks) & 0xffffffu);
  p[19] = feedback_packet_count;
  uint8_t* chunk = p + 20;
  uint8_t* delta = chunk + 2 * plan->chunk_count;
  auto r = Encode(
      *this, *plan,
      [&](uint16_t c) {
        StoreBe16(chunk, c);
        chunk += 2;
      },
      [&](int32_t d, bool large) {
        if (large) {
          StoreBe16(delta, static_cast<uint16_t>(static_cast<int16_t>(d)));
          delta += 2;
        } else {
          *delta++ = static_cast<uint8_t>(d);
        }
      });
  if (!r) return r.error();  // unreachable: Plan() ran the same checks
  while (delta < p + plan->size) *delta++ = 0;
  return plan->size;
}

}  // namespace sluice
