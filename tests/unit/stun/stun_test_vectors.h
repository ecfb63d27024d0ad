// Shared test data: RFC 5769 §2 test vectors (the exact bytes of the RFC) and helpers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "support/hex.h"

namespace sluice::stun_test {

// "00 01 00 58 ..." or "00010058..." -> bytes (spaces and newlines ignored).
using ::sluice::test::FromHex;

// RFC 5769 §2.1 Sample Request (short-term credential; username padded with 0x20).
inline const char kRfc5769Request[] =
    "00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"
    "80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74"  // SOFTWARE "STUN test client"
    "00 24 00 04 6e 00 01 ff"                                      // PRIORITY
    "80 29 00 08 93 2f f9 b1 51 26 3b 36"                          // ICE-CONTROLLED
    "00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20"              // USERNAME "evtj:h6vY"
    "00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2"  // MI
    "80 28 00 04 e5 7a 3b cf";                                                 // FINGERPRINT

// RFC 5769 §2.2 Sample IPv4 Response: XOR-MAPPED-ADDRESS 192.0.2.1:32853.
inline const char kRfc5769Ipv4Response[] =
    "01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"
    "80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20"  // SOFTWARE "test vector"
    "00 20 00 08 00 01 a1 47 e1 12 a6 43"              // XOR-MAPPED-ADDRESS
    "00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7"
    "80 28 00 04 c0 7d 4c 96";

// RFC 5769 §2.3 Sample IPv6 Response: 2001:db8:1234:5678:11:2233:4455:6677 port 32853.
inline const char kRfc5769Ipv6Response[] =
    "01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"
    "80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20"
    "00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9"
    "00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41"
    "80 28 00 04 c8 fb 0b 4c";

// RFC 5769 §2.4 Sample Request with Long-Term Authentication (no FINGERPRINT).
inline const char kRfc5769LongTermRequest[] =
    "00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e"
    "00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00"  // USERNAME
    "00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46"
    "53 54 76 79 36 34 73 41"                          // NONCE
    "00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00"  // REALM
    "00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66";

inline constexpr std::string_view kRfc5769Password = "VOkJxbRl1RmTxUk/WvJxBt";
inline constexpr std::string_view kRfc5769LongTermUsername =
    "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9";  // "マトリックス"
inline constexpr std::string_view kRfc5769LongTermRealm = "example.org";
inline constexpr std::string_view kRfc5769LongTermNonce = "f//499k954d6OL34oL9FSTvy64sA";
// The RFC's password "The<U+00AD>M<U+00AA>tr<U+2168>" after SASLprep/OpaqueString.
inline constexpr std::string_view kRfc5769LongTermPassword = "TheMatrIX";

// Captured on 127.0.0.1 from two aioice 0.8.0 agents (Debian python3-aioice) running ICE against
// each other: agent A controlling (aggressive nomination), agent B controlled.
inline constexpr std::string_view kAioiceUfragA = "Nnvx";
inline constexpr std::string_view kAioicePwdA = "XbWzIsFz52CuCFMFAOchFd";
inline constexpr std::string_view kAioiceUfragB = "t6uH";
inline constexpr std::string_view kAioicePwdB = "U97R8LbmWracWOjwGj9wod";
// A -> B Binding request: USERNAME "B:A", PRIORITY, ICE-CONTROLLING, USE-CANDIDATE,
// MESSAGE-INTEGRITY (B's password), FINGERPRINT.
inline const char kAioiceRequestAtoB[] =
    "000100482112a442ff47f6fb1ad6f5245a15223800060009743675483a4e6e76"
    "78000000002400046effffff802a000895e5e257db7714910025000000080014"
    "e00afc344270734313a65a480db6724026a4a55d80280004bc147151";
// B -> A Binding request: USERNAME "A:B", PRIORITY, ICE-CONTROLLED, MESSAGE-INTEGRITY (A's
// password), FINGERPRINT.
inline const char kAioiceRequestBtoA[] =
    "000100442112a44226e5301865ca979492cfab7c000600094e6e76783a743675"
    "48000000002400046effffff80290008edee3715eee767890008001431714d65"
    "5e4401a2b191f521d273c1fb0084a77c80280004c8d0e64a";
// B's success response to A: XOR-MAPPED-ADDRESS 127.0.0.1, MESSAGE-INTEGRITY (B's), FINGERPRINT.
inline const char kAioiceResponseBtoA[] =
    "0101002c2112a442ff47f6fb1ad6f5245a152238002000080001edac5e12a443"
    "000800140085148517b98a7040e85753d9a1fd964620557d80280004ea464ba6";
// A's success response to B (A's password).
inline const char kAioiceResponseAtoB[] =
    "0101002c2112a44226e5301865ca979492cfab7c0020000800018c7a5e12a443"
    "0008001404d5b3d5e2e2b132b817b4c1f37e507f9e814a2480280004451f0414";

// A Chromium ICE Binding request to a mediasoup server, as published in mediasoup's
// TestStunPacket.cpp (worker/test): USERNAME "<server ufrag>:<Chromium ufrag>",
// GOOG-NETWORK-INFO (0xC057, comprehension-optional), ICE-CONTROLLING, USE-CANDIDATE, PRIORITY,
// MESSAGE-INTEGRITY under the server's ice-pwd, FINGERPRINT.
inline const char kChromiumRequest[] =
    "0001006c 2112a442 4a317759 41764e54 70644b33"
    "00060025 37387461 6c357063 36646b79 76317270 67353676 75617935 6a653133 6365776d 3a73334a 67000000"
    "c0570004 0003000a"
    "802a0008 dc9f4372 e91d9014"
    "00250000"
    "00240004 6e7d1eff"
    "00080014 f39a23b3 a6054e75 b39df217 7100182d a76834f8"
    "80280004 6a373f8c";
inline constexpr std::string_view kChromiumUsername = "78tal5pc6dkyv1rpg56vuay5je13cewm:s3Jg";
inline constexpr std::string_view kChromiumPassword = "1ezk7fni4jeo5bt7ibcdk4wjl8712suw";

}  // namespace sluice::stun_test
