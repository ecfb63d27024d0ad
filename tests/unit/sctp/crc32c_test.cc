#include "sctp/crc32c.h"

#include <gtest/gtest.h>
#include <usrsctp.h>

#include <cstring>
#include <string_view>
#include <vector>

namespace sluice::sctp {
namespace {

TEST(Crc32c, CheckValue) {
  // The CRC-32C check value (RFC 3720 §B.4 catalogue; "123456789" -> 0xE3069283).
  constexpr std::string_view kInput = "123456789";
  EXPECT_EQ(Crc32c({reinterpret_cast<const uint8_t*>(kInput.data()), kInput.size()}), 0xE3069283u);
}

TEST(Crc32c, Rfc3720Vectors) {
  // RFC 3720 §B.4: 32 bytes of zeros -> aa36918a (bytes on the wire: 0xaa 0x36 0x91 0x8a as
  // the CRC register value 0x8a9136aa).
  std::vector<uint8_t> zeros(32, 0), ones(32, 0xff), inc(32);
  for (int i = 0; i < 32; ++i) inc[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(Crc32c(zeros), 0x8a9136aau);
  EXPECT_EQ(Crc32c(ones), 0x62a8ab43u);
  EXPECT_EQ(Crc32c(inc), 0x46dd794eu);
}

TEST(Crc32c, SctpChecksumMatchesUsrsctp) {
  // Every length 12..2000 (covers the 8-byte loop and the byte tail): our checksum field must
  // be exactly what usrsctp itself writes.
  std::vector<uint8_t> packet(2000);
  for (size_t i = 0; i < packet.size(); ++i) packet[i] = static_cast<uint8_t>(i * 131 + 7);
  for (size_t n = 12; n <= packet.size(); n += 7) {
    std::vector<uint8_t> ours(packet.begin(), packet.begin() + n);
    WriteSctpChecksum(ours);
    std::vector<uint8_t> theirs(packet.begin(), packet.begin() + n);
    std::memset(theirs.data() + 8, 0, 4);
    const uint32_t c = usrsctp_crc32c(theirs.data(), n);
    std::memcpy(theirs.data() + 8, &c, 4);
    ASSERT_EQ(ours, theirs) << n;
  }
}

TEST(Crc32c, ShortPacketUntouched) {
  std::vector<uint8_t> p(11, 0xab);
  WriteSctpChecksum(p);
  EXPECT_EQ(p, std::vector<uint8_t>(11, 0xab));
}

}  // namespace
}  // namespace sluice::sctp
