// Packet and key builders shared by the srtp tests.
#pragma once

#include <cstdint>
#include <vector>

#include "common/byte_order.h"
#include "common/random.h"
#include "srtp/srtp_profile.h"
#include "support/hex.h"

namespace sluice::test {

inline constexpr SrtpProfile kAllProfiles[] = {SrtpProfile::kAes128CmHmacSha1_80,
                                                SrtpProfile::kAeadAes128Gcm,
                                                SrtpProfile::kAeadAes256Gcm};

inline SrtpKeys RandomKeys(SrtpProfile profile, Random& rng) {
  const SrtpProfileInfo* info = GetSrtpProfileInfo(profile);
  std::vector<uint8_t> key(info->master_key_len), salt(info->master_salt_len);
  rng.Fill(key);
  rng.Fill(salt);
  return *SrtpKeys::Create(profile, key, salt);
}

// An RTP packet: 12-byte header, `csrcs` CSRCs, an optional one-word RFC 8285 extension block
// of `ext_words` words, then `payload` bytes of a counting pattern.
inline std::vector<uint8_t> MakeRtp(uint32_t ssrc, uint16_t seq, size_t payload, int csrcs = 0,
                                    int ext_words = -1, uint8_t fill = 0) {
  std::vector<uint8_t> p(12);
  p[0] = static_cast<uint8_t>(0x80 | (ext_words >= 0 ? 0x10 : 0) | (csrcs & 0x0f));
  p[1] = 96;
  StoreBe16(&p[2], seq);
  StoreBe32(&p[4], 0x12345678u + seq * 960u);
  StoreBe32(&p[8], ssrc);
  for (int i = 0; i < csrcs; ++i) {
    uint8_t c[4];
    StoreBe32(c, 0xc0000000u + static_cast<uint32_t>(i));
    p.insert(p.end(), c, c + 4);
  }
  if (ext_words >= 0) {
    uint8_t e[4] = {0xbe, 0xde, 0, 0};
    StoreBe16(e + 2, static_cast<uint16_t>(ext_words));
    p.insert(p.end(), e, e + 4);
    for (int i = 0; i < ext_words * 4; ++i) p.push_back(static_cast<uint8_t>(0x10 + i));
  }
  for (size_t i = 0; i < payload; ++i) p.push_back(static_cast<uint8_t>(fill + i));
  return p;
}

// An RTCP receiver report (PT 201) from `ssrc` with `blocks` report blocks.
inline std::vector<uint8_t> MakeRtcp(uint32_t ssrc, int blocks = 1, uint8_t fill = 0) {
  std::vector<uint8_t> p(8 + 24 * static_cast<size_t>(blocks));
  p[0] = static_cast<uint8_t>(0x80 | blocks);
  p[1] = 201;
  StoreBe16(&p[2], static_cast<uint16_t>(p.size() / 4 - 1));
  StoreBe32(&p[4], ssrc);
  for (size_t i = 8; i < p.size(); ++i) p[i] = static_cast<uint8_t>(fill + i);
  return p;
}

}  // namespace sluice::test
