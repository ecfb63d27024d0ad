// Packets shared by the rtp tests: real Chromium captures and helpers to load more of them.
//
// Captured on loopback from Chromium 156 (headless, fake audio/video devices, two
// RTCPeerConnections in one page). They are SRTP packets: RFC 3711 leaves the RTP header and
// its extensions in the clear and the payload is ciphertext + a 10-byte auth tag, so each is a
// well-formed RTP packet as the wire format sees it.
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "support/hex.h"

namespace sluice::test {

inline std::vector<uint8_t> LoadCorpusFile(const std::string& name) {
  std::ifstream in(std::string(SLUICE_RTP_CORPUS_DIR) + "/" + name, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Opus, M=1, PT 111, one-byte extensions (0xBEDE, 3 words):
//   id 2 abs-send-time 58dba4 | id 3 transport-cc seq 0001 | id 4 sdes:mid "0" |
//   id 1 ssrc-audio-level ff | one padding byte. 42 bytes of payload (SRTP).
inline constexpr std::string_view kChromiumOpusOneByte =
    "90ef6cbb3455ff5a52948204bede00032258dba4310001403010ff00"
    "44b7562644a63ebe0ac32b5a2d39dbeb79adea70af4a20caaa5f6a9d0414316bf4960540af693b4fd726";

// Same stream shape with transport-cc renumbered to id 20 in the SDP, which makes Chromium send
// two-byte extensions (0x1000, 4 words): id 2 (3 bytes) | id 20 (2) | id 4 (1) | id 1 (1) | pad.
inline constexpr std::string_view kChromiumOpusTwoByte =
    "90ef461afda6925f069c0085100000040203d52a4d140200010401300101ff00"
    "58ccdf516e24aebc8ed21bd3304ae8114c6c48de1e584c59229e84f95dbd113175ae8b5533e795bd4e18";

}  // namespace sluice::test
