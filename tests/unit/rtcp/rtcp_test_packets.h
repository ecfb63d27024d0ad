// Packets shared by the rtcp tests.
//
// kChromium*: captured on loopback from Chromium 156 (headless, fake audio/video devices, two
// RTCPeerConnections in one page, --disable-webrtc-encryption so RTCP is in the clear; the REMB
// ones with transport-cc removed from the SDP so Chromium falls back to REMB; the NACK, PLI and
// lossy TWCC ones with the media relayed through a UDP relay that drops packets). XR (PT 207) is
// not decoded by sluice and must come out of the iterator as kUnknown. All 1000 distinct
// captured datagrams are in data/chromium_rtcp.hex.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "support/hex.h"

namespace sluice::test {

// SR (RC 0, SSRC 0x88145e3a) + SDES (CNAME "AAYla1vYmsya/b8y").
inline constexpr std::string_view kChromiumSrSdes =
    "80c8000688145e3aeeae290b6c090b4104bbe8260000001a00003abf"
    "81ca000688145e3a01104141596c613176596d7379612f6238790000";

// SR + SDES + XR (RFC 3611 DLRR block, type 5).
inline constexpr std::string_view kChromiumSrSdesXr =
    "80c8000688145e3aeeae290cd000b88c04bdd0d20000004a0000c1d1"
    "81ca000688145e3a01104141596c613176596d7379612f6238790000"
    "80cf000588145e3a0500000300000001290c17fd0000b7e3";

// RR (1 block) + XR, from the audio receiver (sender SSRC 0xfa17fa17).
inline constexpr std::string_view kChromiumRrXr =
    "81c90007fa17fa171cb05b0200000000000043240000000d00000000000000"
    "0080cf0004fa17fa1704000002eeae290d5820d562";

// RR (2 blocks, sender SSRC 1) + XR.
inline constexpr std::string_view kChromiumRr2Xr =
    "82c9000d00000001745ca929000000000000056e000007cf0000000000000000"
    "88145e3a0000000000002e900000007d0000000000000000"
    "80cf00040000000104000002eeae290b6bfee2c9";

// RR + REMB (exp 4, mantissa 0x2c7d9: 2915728 bps, SSRC 0xc9c0d697) + XR.
inline constexpr std::string_view kChromiumRrRembXr =
    "81c9000700000001c9c0d69700000000000012ed0000003229369c010000e10b"
    "8fce0005000000010000000052454d420112c7d9c9c0d697"
    "80cf00040000000104000002eeae29377d368273";

// RR (2 blocks) + REMB with two SSRCs + XR.
inline constexpr std::string_view kChromiumRr2RembXr =
    "82c9000d00000001d90924210000000000005589000000440000000000000000"
    "c9c0d69700000000000011d5000000000000000000000000"
    "8fce0006000000010000000052454d420212c7d9c9c0d697d9092421"
    "80cf00040000000104000002eeae292f3a502eec";

// TWCC feedback, no padding: base 0x21, 6 packets, one run-length chunk.
inline constexpr std::string_view kChromiumTwcc =
    "8fcd0006fa17fa1788145e3a00210006002ef8052006330009574b18";
// TWCC with the P bit and 1, 2, 3 bytes of RTCP padding (Chromium pads to 32 bits that way).
inline constexpr std::string_view kChromiumTwccPad1 =
    "afcd0005fa17fa171cb05b0200010001002ef3002001de01";
inline constexpr std::string_view kChromiumTwccPad2 =
    "afcd0007fa17fa17745ca92900110008002ef50220086d501a0b1318000b0002";
inline constexpr std::string_view kChromiumTwccPad3 =
    "afcd0009fa17fa171cb05b020002000f002ef401200f42240d220127090d00010e180c0f08000003";

// Generic NACK: PID 0x58d8, BLP 0x007f (7 more).
inline constexpr std::string_view kChromiumNack = "81cd000300000001df35df9c58d8007f";
// Generic NACK after a burst loss: 10 items, PID step 17, BLP 0xffff, last BLP 0x1fff.
inline constexpr std::string_view kChromiumNackBurst =
    "81cd000d00000001024cc82719f0ffff1a01ffff1a12ffff1a23ffff1a34ffff1a45ffff1a56ffff1a67ffff"
    "1a78ffff1a89ffff1a9a1fff";
// PLI, reduced-size (alone in its datagram), sent after a loss burst NACK could not repair.
inline constexpr std::string_view kChromiumPli = "81ce000200000001024cc827";
// TWCC with losses: one-bit status vector chunks (0xbfdd, 0xf146).
inline constexpr std::string_view kChromiumTwccOneBit =
    "afcd0008fa17fa17bee83afc0002000e0071b301bfddf1464b39062a00450001001f0002";
// TWCC with a two-bit status vector (0xd454).
inline constexpr std::string_view kChromiumTwccTwoBit =
    "afcd0006fa17fa171d7d0277004000060071bb04d454634f0a024401";
// TWCC with a run of lost packets (0x001f) then a run of received ones (0x200e).
inline constexpr std::string_view kChromiumTwccLossRun =
    "afcd0009fa17fa171d7d02770057002d0071c508001f200e2a0d001e0000000000000000003c0002";

// TWCC captured from Chrome by github.com/olivermichel/webrtc-analysis (test/include/data.h):
// base 1, 9 packets received, one run-length chunk, P bit with 1 byte of padding.
inline constexpr std::string_view kChromeTwccWebrtcAnalysis =
    "afcd000700000001dd586eb600010009 5e911000 2009 1c0c2c3800040008 18 01";

// Firefox compound from pion/rtcp packet_test.go ("An RTCP packet from a packet dump"): RR +
// SDES CNAME "{9c00eb92-...}" + BYE + PLI + RRR (RTPFB FMT 5, unknown to sluice).
inline constexpr std::string_view kFirefoxRrSdesByePliRrr =
    "81c90007902f9e2ebc5e9a4000000000000046e10000011109f3643200024a79"
    "81ca000c902f9e2e0126"
    "7b39633030656239322d316166622d396434392d613437642d3931663634656565363966357d"
    "00000000"
    "81cb0001902f9e2e"
    "81ce0002902f9e2e902f9e2e"
    "85cd0002902f9e2e902f9e2e";

inline std::vector<uint8_t> Bytes(std::string_view hex) { return FromHex(hex); }

}  // namespace sluice::test
