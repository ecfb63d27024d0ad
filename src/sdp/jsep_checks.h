// Checks that a parsed description carries what JSEP needs before a PeerConnection applies it
// (RFC 8829 §5.8 "Parsing a Session Description" and §5.2.1; RFC 9143 for BUNDLE).
//
// Parse() checks syntax only; these checks are semantic and separate, so a tool can still parse
// and print a description that a PeerConnection would refuse.
#pragma once

#include <cstddef>

#include "sdp/session_description.h"
#include "sluice/result.h"

namespace sluice::sdp {

// Succeeds if every m= section that is not rejected (port 0) or bundled-only:
//   - has an a=mid (every JSEP implementation writes one per m= section, RFC 8829 §5.2.1, and
//     BUNDLE, RFC 9143, identifies sections by it),
//   - has ice-ufrag and ice-pwd, at least one fingerprint and a setup role, at its level or at
//     session level (RFC 8839 §5.4, RFC 8842 §5),
// and every mid named in an a=group:BUNDLE exists. On failure `media_index` (if given) is the
// index of the offending m= section, or media.size() for a session-level problem.
Result<void> CheckJsep(const SessionDescription& d, size_t* media_index = nullptr);

}  // namespace sluice::sdp
