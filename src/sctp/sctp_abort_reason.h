// A static, human-readable reason for an SCTP ABORT, from the chunk usrsctp attaches to its
// SCTP_COMM_LOST / SCTP_CANT_STR_ASSOC notification (RFC 9260 §3.3.7 ABORT, §3.3.10 causes):
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   Type = 6    |  Reserved   |T|             Length            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |          Cause Code           |         Cause Length          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// \                    Cause-Specific Information                 /
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include <cstdint>
#include <span>

namespace sluice::sctp {

// `chunk`: the ABORT chunk (possibly empty or truncated). Returns `fallback` when there is no
// chunk or no cause; never reads past `chunk`.
const char* AbortReason(std::span<const uint8_t> chunk, const char* fallback);

}  // namespace sluice::sctp
