#include "sctp/crc32c.h"

#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace sluice::sctp {
namespace {

// Reflected CRC-32C polynomial 0x1EDC6F41 -> 0x82F63B78.
struct Table {
  uint32_t t[8][256];
  Table() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1)));
      t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i) {
      for (int s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
    }
  }
};

uint32_t Software(uint32_t crc, const uint8_t* p, size_t n) {
  static const Table table;
  const auto& t = table.t;
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    v ^= crc;
    crc = t[7][v & 0xff] ^ t[6][(v >> 8) & 0xff] ^ t[5][(v >> 16) & 0xff] ^
          t[4][(v >> 24) & 0xff] ^ t[3][(v >> 32) & 0xff] ^ t[2][(v >> 40) & 0xff] ^
          t[1][(v >> 48) & 0xff] ^ t[0][v >> 56];
    p += 8;
    n -= 8;
  }
  while (n--) crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xff];
  return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t Hardware(uint32_t crc, const uint8_t* p, size_t n) {
  uint64_t c = crc;
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c = _mm_crc32_u64(c, v);
    p += 8;
    n -= 8;
  }
  uint32_t c32 = static_cast<uint32_t>(c);
  while (n--) c32 = _mm_crc32_u8(c32, *p++);
  return c32;
}
bool DetectHardware() { return __builtin_cpu_supports("sse4.2"); }
#else
uint32_t Hardware(uint32_t crc, const uint8_t* p, size_t n) { return Software(crc, p, n); }
bool DetectHardware() { return false; }
#endif

const bool kHardware = DetectHardware();

}  // namespace

bool Crc32cIsHardware() { return kHardware; }

uint32_t Crc32c(std::span<const uint8_t> data) {
  const uint32_t crc = kHardware ? Hardware(~0u, data.data(), data.size())
                                 : Software(~0u, data.data(), data.size());
  return ~crc;
}

void WriteSctpChecksum(std::span<uint8_t> packet) {
  if (packet.size() < 12) return;
  std::memset(packet.data() + 8, 0, 4);
  const uint32_t crc = Crc32c(packet);
  // RFC 9260 Appendix A: the reflected CRC goes out least significant byte first.
  packet[8] = static_cast<uint8_t>(crc);
  packet[9] = static_cast<uint8_t>(crc >> 8);
  packet[10] = static_cast<uint8_t>(crc >> 16);
  packet[11] = static_cast<uint8_t>(crc >> 24);
}

}  // namespace sluice::sctp
