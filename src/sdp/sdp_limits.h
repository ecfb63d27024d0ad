// Limits that keep hostile session descriptions from using unbounded memory or time.
//
// Parsing is linear in the input size; these caps bound the number of objects created so that a
// 256 KiB description cannot become millions of tiny allocations. Real offers from browsers are
// 3-15 KiB with well under 100 attributes per m= section.
#pragma once

#include <cstddef>

namespace sluice::sdp {

inline constexpr size_t kMaxSdpSize = 256 * 1024;         // bytes of text
inline constexpr size_t kMaxLines = 16 * 1024;            // lines, blank ones included
inline constexpr size_t kMaxMediaSections = 256;          // m= sections
inline constexpr size_t kMaxAttributesPerSection = 1024;  // a= lines per section (session or m=)
inline constexpr size_t kMaxFieldsPerLine = 512;          // formats on an m= line, mids in a group
inline constexpr size_t kMaxCandidateExtensions = 32;     // name/value pairs after typ
inline constexpr size_t kMaxAddressLength = 255;          // an FQDN's maximum length
inline constexpr size_t kMaxFingerprintBytes = 64;        // SHA-512

}  // namespace sluice::sdp
