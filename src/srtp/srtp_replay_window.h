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
  explicit SrtpReplayWindow(size_t window = 128) : words_(static_cast<uint32_t>(window / 64)) {}

  struct Estimate {
    uint64_t index;  // 48-bit: ROC << 16 | SEQ
    int32_t delta;   // index - highest index seen (positive: newer)
  };

  Estimate EstimateIndex(uint16_t seq) const {
    const auto local_seq = static_cast<uint16_t>(index_ & 0xffff);
    const auto local_roc = static_cast<uint32_t>(index_ >> 16);
    constexpr int32_t kMedian = 1 << 15;
    constexpr int32_t kSeqMax = 1 << 16;
    if (index_ <= static_cast<uint64_t>(kMedian)) {
      return {seq, static_cast<int32_t>(seq) - static_cast<int32_t>(index_)};
    }
    const int32_t s = seq;
    const int32_t l = local_seq;
    uint32_t roc = local_roc;
    int32_t delta = s - l;
    if (l < kMedian) {
      if (s - l > kMedian) {
        roc = local_roc - 1;
        delta = s - l - kSeqMax;
      }
    } else if (l - kMedian > s) {
      roc = local_roc + 1;
      delta = s - l + kSeqMax;
    }
    return {(uint64_t{roc} << 16) | seq, delta};
  }

  ReplayCheck Check(int32_t delta) const {
    if (delta > 0) return ReplayCheck::kOk;
    const int64_t age = -static_cast<int64_t>(delta);
    if (age >= static_cast<int64_t>(words_) * 64) return ReplayCheck::kTooOld;
    return Bit(static_cast<size_t>(age)) ? ReplayCheck::kReplayed : ReplayCheck::kOk;
  }

  // Records the packet `delta` away from the highest index (after it authenticated).
  void Add(int32_t delta) {
    if (delta > 0) {
      index_ += static_cast<uint64_t>(delta);
      ShiftUp(static_cast<size_t>(delta));
      bits_[0] |= 1;
    } else {
      const auto age = static_cast<size_t>(-static_cast<int64_t>(delta));
      if (age < static_cast<size_t>(words_) * 64) bits_[age / 64] |= uint64_t{1} << (age % 64);
    }
  }

  uint64_t index() const { return index_; }

 private:
  bool Bit(size_t age) const { return (bits_[age / 64] >> (age % 64)) & 1; }
  // Bit k means index_ - k was received; a newer highest index ages every entry by n.
  void ShiftUp(size_t n) {
    const size_t words = words_;
    if (n >= words * 64) {
      for (size_t i = 0; i < words; ++i) bits_[i] = 0;
      return;
    }
    const size_t w = n / 64;
    const size_t b = n % 64;
    for (size_t i = words; i-- > 0;) {
      uint64_t v = 0;
      if (i >= w) {
        v = bits_[i - w] << b;
        if (b != 0 && i - w >= 1) v |= bits_[i - w - 1] >> (64 - b);
      }
      bits_[i] = v;
    }
  }

  uint64_t index_ = 0;
  uint32_t words_;
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
