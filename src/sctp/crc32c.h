// CRC32c (Castagnoli) for the SCTP common header checksum, RFC 9260 §6.8 and Appendix A.
//
// usrsctp is told the checksum is "offloaded" (usrsctp_enable_crc32c_offload), so it leaves
// the field zero on output and we compute it here, with SSE4.2 crc32 instructions when the CPU
// has them (detected once at run time) and usrsctp's table-driven code otherwise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace sluice::sctp {

// The CRC32c of `data` (initial value ~0, final xor ~0, reflected: the standard CRC-32C).
uint32_t Crc32c(std::span<const uint8_t> data);
// Writes the SCTP checksum of `packet` (common header included, its checksum field zeroed
// first) into bytes 8..11, "in network byte order" as RFC 9260 Appendix A transmits the CRC's
// reflected bytes (least significant byte first on the wire). No-op for packets under 12 bytes.
void WriteSctpChecksum(std::span<uint8_t> packet);
// True when Crc32c runs on the SSE4.2 instruction.
bool Crc32cIsHardware();

}  // namespace sluice::sctp
