// Conversions between the sdp layer's attribute types and the engines' own value types: the one
// place where an SDP candidate becomes an ICE candidate, an SDP fingerprint a DTLS fingerprint,
// and an SDP rtpmap/fmtp/rtcp-fb bundle a public sluice::Codec (and back). Codec matching for
// offer/answer (RFC 8829 §5.3.1: the answer keeps the offerer's payload types) lives here too.
//
// Control path only (SDP is text): these allocate freely.
#pragma once

#include <optional>
#include <string_view>

#include "common/ascii.h"
#include "dtls/dtls_fingerprint.h"
#include "ice/candidate.h"
#include "sdp/candidate.h"
#include "sdp/fingerprint.h"
#include "sdp/rtp_attributes.h"
#include "sluice/configuration.h"
#include "sluice/result.h"

namespace sluice::pc {

// RFC 8839 §5.1 candidate line <-> ice::Candidate. kUnsupported for TCP, mDNS names, component 2.
Result<ice::Candidate> ToIceCandidate(const sdp::Candidate& candidate);
sdp::Candidate ToSdpCandidate(const ice::Candidate& candidate);

// RFC 8122 fingerprint: kUnsupported for a hash DTLS does not check (md5, sha-224 ...).
Result<dtls::DtlsFingerprint> ToDtlsFingerprint(const sdp::Fingerprint& fingerprint);
sdp::Fingerprint ToSdpFingerprint(const dtls::DtlsFingerprint& fingerprint);

// The public codec of an SDP payload type (name, clock rate, channels, fmtp, feedback).
Codec FromSdpCodec(const sdp::Codec& codec);
// The SDP payload type for `codec` with its own payload_type.
sdp::Codec ToSdpCodec(const Codec& codec);

using sluice::EqualsIgnoreCase;  // common/ascii.h

// True if the remote payload type `theirs` carries the same format as our `ours`: same encoding
// name (case-insensitive, RFC 8866 §6.6), clock rate and channel count; for H.264 (RFC 6184
// §8.1) the same packetization-mode (absent = 0) and profile_idc of profile-level-id.
bool CodecMatches(const Codec& ours, const sdp::Codec& theirs);

// The feedback both sides support: the intersection of `theirs` with "nack", "nack pli",
// "ccm fir" (what sluice implements).
std::vector<std::string> NegotiatedFeedback(const sdp::Codec& theirs);

}  // namespace sluice::pc
