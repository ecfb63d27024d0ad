// SRTP packet index estimation and replay protection.
//
// RFC 3711 §3.3.1: the receiver keeps ROC and s_l (highest sequence number seen) and guesses
// the packet's ROC v from its SEQ (Appendix A):
//
//   if (s_l < 2^15)
//     if (SEQ - s_l > 2^15) v = ROC - 1 else v = ROC
//   else
//     if (s_l - 2^15 > SEQ) v = ROC + 1 else v = ROC
//
// RFC 3711 §3.3.2: "the receiver SHALL use a Replay List ... a sliding window" and §3.3:
// "the index of the packet ... MUST be checked against the replay list" before authentication
// is even tried, and the list updated only after it passed.
//
// The arithmetic follows libsrtp2's rdbx exactly (sluice's oracle), including its one
// deviation: while the 48-bit index is still <= 2^15 the ROC is guessed as 0, so that the very
// first packets never guess ROC = -1.
//
// SRTCP (RFC 3711 §3.4) carries its 31-bit index explicitly: SrtcpReplayWindow is a 128-entry
// window [start, start + 127] that slides forward, again as libsrtp's rdb does.
//
// Thread rules: plain values; one thread at a time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace sluice {

enum class ReplayCheck : uint8_t { kOk, kReplayed, kTooOld };

class SrtpReplayWindow {
 public:
  static constexpr size_t kMaxWindow = 1024;

  // `window` packets: a multiple of 64 in [64, kMaxWindow] (checked by SrtpSession).
  explicit SrtpReplayWindow(size_t window = 128)
      : window_(static_cast<uint32_t>(window)), ring_mask_(RingBits(window) - 1) {}

  struct Estimate {
    uint64_t index;  // 48-bit: ROC << 16 | SEQ
    int32_t delta;   // index - highest index seen (positive: newer)
  };

  Estimate EstimateIndex(uint16_t seq) const {
    constexpr uint64_t kMedian = 1 << 15;
    if (index_ <= kMedian) [[unlikely]] {
      // libsrtp's rule while the index is small: ROC 0, never ROC - 1.
      return {seq, static_cast<int32_t>(seq) - static_cast<int32_t>(index_)};
    }
    // The RFC 3711 Appendix A guess is the sequence number nearest to s_l, i.e. the signed
    // 16-bit distance SEQ - s_l; its one tie (distance exactly 2^15) resolves to ROC when
    // s_l < 2^15 (v = ROC - 1 needs SEQ - s_l > 2^15) and to ROC + 1 otherwise.
    auto delta = static_cast<int32_t>(static_cast<int16_t>(seq - static_cast<uint16_t>(index_)));
    if (delta == -32768 && (index_ & 0xffff) < kMedian) delta = 32768;
    return {index_ + static_cast<uint64_t>(static_cast<int64_t>(delta)), delta};
  }

  ReplayCheck Check(int32_t delta) const {
    if (delta > 0) [[likely]]
      return ReplayCheck::kOk;
    const auto age = static_cast<uint32_t>(-static_cast<int64_t>(delta));
    if (age >= window_) return ReplayCheck::kTooOld;
    return Bit(index_ - age) ? ReplayCheck::kReplayed : ReplayCheck::kOk;
  }

  // Records the packet `delta` away from the highest index (after it authenticated).
  void Add(int32_t delta) {
    if (delta > 0) [[likely]] {
      // The ring positions of index_ + 1 .. index_ + delta still hold indices a whole ring
      // older: forget them, then mark the new highest index.
      if (delta > 1) Clear(index_ + 1, static_cast<uint64_t>(delta) - 1);
      index_ += static_cast<uint64_t>(delta);
      Set(index_);
    } else {
      const auto age = static_cast<uint32_t>(-static_cast<int64_t>(delta));
      if (age < window_) Set(index_ - age);
    }
  }

  uint64_t index() const { return index_; }

 private:
  // The ring holds a power of two >= window bits: bit (i & ring_mask_) says index i was seen,
  // valid for i in (index_ - ring, index_]. Advancing clears only the positions it reuses, so
  // an in-order packet costs one bit set instead of shifting the whole window.
  static constexpr uint32_t RingBits(size_t window) {
    uint32_t r = 64;
    while (r < window) r *= 2;
    return r;
  }
  bool Bit(uint64_t i) const {
    const auto p = static_cast<uint32_t>(i) & ring_mask_;
    return (bits_[p / 64] >> (p % 64)) & 1;
  }
  void Set(uint64_t i) {
    const auto p = static_cast<uint32_t>(i) & ring_mask_;
    bits_[p / 64] |= uint64_t{1} << (p % 64);
  }
  // Clears the positions of indices first .. first + count - 1.
  void Clear(uint64_t first, uint64_t count) {
    const uint32_t ring = ring_mask_ + 1;
    if (count >= ring) {
      for (uint32_t w = 0; w < ring / 64; ++w) bits_[w] = 0;
      return;
    }
    auto p = static_cast<uint32_t>(first) & ring_mask_;
    auto n = static_cast<uint32_t>(count);
    while (n > 0) {
      const uint32_t bit = p % 64;
      const uint32_t take = n < 64 - bit ? n : 64 - bit;
      const uint64_t mask = (take == 64 ? ~uint64_t{0} : ((uint64_t{1} << take) - 1)) << bit;
      bits_[p / 64] &= ~mask;
      n -= take;
      p = (p + take) & ring_mask_;
    }
  }

  uint64_t index_ = 0;
  uint32_t window_;
  uint32_t ring_mask_;
  std::array<uint64_t, kMaxWindow / 64> bits_{};
};

class SrtcpReplayWindow {
 public:
  static constexpr uint32_t kWindow = 128;

  ReplayCheck Check(uint32_t index) const {
    const int64_t delta = static_cast<int64_t>(index) - start_;
    if (delta >= kWindow) return ReplayCheck::kOk;
    if (delta < 0) return ReplayCheck::kTooOld;
    return Bit(static_cast<uint32_t>(delta)) ? ReplayCheck::kReplayed : ReplayCheck::kOk;
  }

  void Add(uint32_t index) {
    if (index < start_) return;
    uint32_t delta = index - start_;
    if (delta >= kWindow) {
      const uint32_t shift = delta - (kWindow - 1);
      ShiftDown(shift);
      start_ += shift;
      delta = kWindow - 1;
    }
    bits_[delta / 64] |= uint64_t{1} << (delta % 64);
  }

 private:
  bool Bit(uint32_t k) const { return (bits_[k / 64] >> (k % 64)) & 1; }
  // Bit k means start_ + k was received; moving start_ up by n drops the n oldest entries.
  void ShiftDown(uint32_t n) {
    if (n >= kWindow) {
      bits_ = {};
    } else if (n >= 64) {
      bits_[0] = bits_[1] >> (n - 64);
      bits_[1] = 0;
    } else if (n > 0) {
      bits_[0] = (bits_[0] >> n) | (bits_[1] << (64 - n));
      bits_[1] >>= n;
    }
  }

  uint32_t start_ = 0;
  std::array<uint64_t, 2> bits_{};
};

}  // namespace sluice
