#include "common/random.h"

#include <openssl/rand.h>

#include <cstring>

namespace sluice {
namespace {

uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Random::Random(uint64_t seed) {
  for (auto& s : s_) s = SplitMix64(seed);
}

uint64_t Random::NextU64() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t Random::Uniform(uint64_t lo, uint64_t hi) {
  uint64_t range = hi - lo;
  if (range == UINT64_MAX) return NextU64();
  uint64_t n = range + 1;
  // Rejection sampling removes modulo bias.
  uint64_t limit = UINT64_MAX - (UINT64_MAX % n) - 1;
  uint64_t r;
  do {
    r = NextU64();
  } while (r > limit);
  return lo + r % n;
}

void Random::Fill(std::span<uint8_t> out) {
  size_t i = 0;
  while (i < out.size()) {
    uint64_t v = NextU64();
    size_t n = out.size() - i < 8 ? out.size() - i : 8;
    std::memcpy(out.data() + i, &v, n);
    i += n;
  }
}

bool SecureRandomBytes(std::span<uint8_t> out) {
  if (out.empty()) return true;
  return RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
}

}  // namespace sluice
