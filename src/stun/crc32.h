// CRC-32 (ISO-HDLC / IEEE 802.3, as in zlib), used by the STUN FINGERPRINT (RFC 8489 §14.7:
// "the CRC-32 of the STUN message ... as defined in ITU V.42 [ITU.V42.2002], which has a
// generator polynomial of x^32 + x^26 + x^23 + x^22 + x^16 + x^12 + x^11 + x^10 + x^8 + x^7 +
// x^5 + x^4 + x^2 + x + 1").
//
// Reflected polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF; slice-by-8 tables
// built at compile time. Crc32("123456789") == 0xCBF43926.
#pragma once

#include <cstdint>
#include <span>

namespace sluice {

// CRC-32 of `data`.
uint32_t Crc32(std::span<const uint8_t> data);

// Incremental form: crc = Crc32Update(crc, part) over the parts, starting from 0.
uint32_t Crc32Update(uint32_t crc, std::span<const uint8_t> data);

}  // namespace sluice
