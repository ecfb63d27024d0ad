#include "sctp/sctp_abort_reason.h"

#include "common/byte_reader.h"

namespace sluice::sctp {

const char* AbortReason(std::span<const uint8_t> chunk, const char* fallback) {
  ByteReader r(chunk);
  auto type = r.ReadU8();
  auto flags = r.ReadU8();
  auto length = r.ReadU16();
  if (!length || *type != 6 || *length < 4) return fallback;
  (void)flags;
  auto code = r.ReadU16();
  auto cause_length = r.ReadU16();
  // The cause must lie inside the chunk, which must lie inside what we were given.
  if (!cause_length || *length > chunk.size() || *cause_length < 4 || 4u + *cause_length > *length) {
    return "sctp: peer aborted the association";
  }
  switch (*code) {
    case 1: return "sctp: peer aborted: invalid stream identifier";
    case 2: return "sctp: peer aborted: missing mandatory parameter";
    case 3: return "sctp: peer aborted: stale cookie";
    case 4: return "sctp: peer aborted: out of resource";
    case 5: return "sctp: peer aborted: unresolvable address";
    case 6: return "sctp: peer aborted: unrecognized chunk type";
    case 7: return "sctp: peer aborted: invalid mandatory parameter";
    case 8: return "sctp: peer aborted: unrecognized parameters";
    case 9: return "sctp: peer aborted: no user data";
    case 10: return "sctp: peer aborted: cookie received while shutting down";
    case 11: return "sctp: peer aborted: restart with new addresses";
    case 12: return "sctp: peer aborted: user initiated abort";
    case 13: return "sctp: peer aborted: protocol violation";
    default: return "sctp: peer aborted: unknown cause";
  }
}

}  // namespace sluice::sctp
