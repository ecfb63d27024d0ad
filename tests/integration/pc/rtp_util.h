// Builds plain RTP packets for the pc integration tests.
#pragma once

#include <cstdint>
#include <vector>

#include "rtp/rtp_header.h"

namespace sluice::test {

inline std::vector<uint8_t> MakeRtp(uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc,
                                    size_t payload_size, uint8_t fill) {
  RtpHeader h;
  h.payload_type = PayloadType(pt);
  h.sequence_number = SeqNum(seq);
  h.timestamp = ts;
  h.ssrc = Ssrc(ssrc);
  std::vector<uint8_t> payload(payload_size, fill);
  std::vector<uint8_t> out(h.PacketSize(payload.size()));
  auto n = h.SerializePacketTo(payload, out);
  out.resize(n.value());
  return out;
}

}  // namespace sluice::test
