// Injected, seeded randomness (DESIGN.md §3).
//
// Engines take a Random& (or own one seeded by their creator) so a simulated-time test replays
// the same run from the same seed. This is xoshiro256** seeded through SplitMix64: fast and
// statistically good, NOT cryptographic. Secrets (ICE passwords, keys) come from
// SecureRandomBytes(), which asks OpenSSL's CSPRNG.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace sluice {

class Random {
 public:
  explicit Random(uint64_t seed);

  uint64_t NextU64();
  uint32_t NextU32() { return static_cast<uint32_t>(NextU64() >> 32); }
  // Uniform in [0, 1).
  double NextDouble() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }
  // Uniform in [lo, hi] (inclusive); requires lo <= hi.
  uint64_t Uniform(uint64_t lo, uint64_t hi);
  // True with probability p.
  bool Bernoulli(double p) { return NextDouble() < p; }
  void Fill(std::span<uint8_t> out);

 private:
  uint64_t s_[4];
};

// Cryptographically secure bytes from OpenSSL (RAND_bytes). Returns false if OpenSSL fails.
[[nodiscard]] bool SecureRandomBytes(std::span<uint8_t> out);

}  // namespace sluice
