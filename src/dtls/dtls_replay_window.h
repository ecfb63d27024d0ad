// DTLS anti-replay window: RFC 6347 §4.1.2.6.
//
// "The receiver SHOULD use a sliding window ... A window size of 32 or 64 is usually used."
// Records carry their explicit 48-bit sequence number, so unlike SRTP (srtp_replay_window.h)
// there is no index to guess: this is a 64-record bitmap below the highest number seen. As
// the RFC says, a record is checked before authentication and the window is only updated
// ("Record(..)") after the record authenticated, so forgeries never move it.
//
// Thread rules: plain value; one thread at a time.
#pragma once

#include <cstdint>

namespace sluice::dtls {

class DtlsReplayWindow {
 public:
  static constexpr uint64_t kSize = 64;

  enum class Verdict : uint8_t { kNew, kReplayed, kTooOld };

  Verdict Check(uint64_t sequence) const {
    if (empty_ || sequence > top_) return Verdict::kNew;
    const uint64_t age = top_ - sequence;
    if (age >= kSize) return Verdict::kTooOld;
    return (bits_ >> age) & 1 ? Verdict::kReplayed : Verdict::kNew;
  }

  // Marks `sequence` received (after it authenticated); slides the window if it is newer.
  void Record(uint64_t sequence) {
    if (empty_) {
      empty_ = false;
      top_ = sequence;
      bits_ = 1;
      return;
    }
    if (sequence > top_) {
      const uint64_t shift = sequence - top_;
      bits_ = shift >= kSize ? 0 : bits_ << shift;
      bits_ |= 1;
      top_ = sequence;
      return;
    }
    const uint64_t age = top_ - sequence;
    if (age < kSize) bits_ |= uint64_t{1} << age;
  }

  uint64_t highest() const { return top_; }
  bool empty() const { return empty_; }

 private:
  bool empty_ = true;
  uint64_t top_ = 0;
  uint64_t bits_ = 0;  // bit i: top_ - i was received
};

}  // namespace sluice::dtls
