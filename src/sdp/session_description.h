// SDP session description, RFC 8866 (https://www.rfc-editor.org/rfc/rfc8866#section-5), with the
// WebRTC attribute set that JSEP (RFC 8829) uses.
//
//   session-description = version-field
//                         origin-field
//                         session-name-field
//                         [information-field]
//                         [uri-field]
//                         *email-field
//                         *phone-field
//                         [connection-field]
//                         *bandwidth-field
//                         1*time-description
//                         [key-field]
//                         *attribute-field
//                         *media-description
//   <type>=<value> CRLF, <type> a single case-significant letter, no space around "=".
//
// Parse() accepts CRLF or bare LF line ends and strips trailing spaces and tabs. Session-level
// lines may come in any order after v= (RFC 8866 fixes an order, but tolerating other orders
// costs nothing); v= must be first. Serialize() writes CRLF lines in the RFC 8866 line order with
// attributes in the order JSEP §5.2.1 lists them, so Parse(Serialize(d)) == d for every d that
// Parse() produced. Limits in sdp_limits.h bound memory and time on hostile input.
//
// This layer is not on the packet path: a parsed description owns its strings and vectors.
// Thread rules: a plain value type; no callbacks.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sdp/media_section.h"
#include "sdp/sdp_attributes.h"
#include "sdp/sdp_lines.h"
#include "sluice/result.h"

namespace sluice::sdp {

// Where and why Parse() failed. The Result's Error carries the same code and reason.
struct ParseError {
  size_t line = 0;  // 1-based line number, 0 for the whole text (size limit, missing o=)
  ErrorCode code = ErrorCode::kMalformed;
  const char* reason = "";  // static, e.g. "m= line port is not 0..65535"
  std::string text;         // the offending line (at most 80 bytes), empty if line == 0

  // "line 9: m= line port is not 0..65535 (m=audio 99999 UDP/TLS/RTP/SAVPF 111)"
  std::string ToString() const;
};

struct SessionDescription {
  Origin origin;                           // o=
  std::string session_name = "-";          // s=
  std::optional<std::string> information;  // i=
  std::optional<std::string> uri;          // u=
  std::vector<std::string> emails;         // e=
  std::vector<std::string> phones;         // p=
  std::optional<Connection> connection;    // c=
  std::vector<Bandwidth> bandwidths;       // b=
  std::vector<Timing> timings{Timing{}};   // t= (and r=); "t=0 0" by default
  std::optional<std::string> time_zones;   // z=, verbatim
  std::optional<std::string> key;          // k=, verbatim (obsolete)

  std::vector<Group> groups;                       // a=group (BUNDLE, LS, ...)
  std::vector<MsidSemantic> msid_semantics;        // a=msid-semantic
  bool extmap_allow_mixed = false;                 // a=extmap-allow-mixed
  bool ice_lite = false;                           // a=ice-lite (RFC 8839 §5.3)
  TransportAttributes transport;                   // session-level ICE/DTLS attributes (Firefox)
  std::optional<Direction> direction;              // session-level default direction
  std::vector<ExtMap> extmaps;                     // session-level a=extmap (RFC 8285)
  bool end_of_candidates = false;                  // a=end-of-candidates (RFC 8840)
  std::vector<GenericAttribute> other_attributes;  // unmodelled session attributes, verbatim

  std::vector<MediaSection> media;  // m= sections in order

  // Parses `text`. On failure, fills `error` (if given) with the line number and reason.
  static Result<SessionDescription> Parse(std::string_view text, ParseError* error = nullptr);

  // CRLF-terminated lines (RFC 8866 §5 line order, JSEP §5.2.1 attribute order).
  std::string Serialize() const;

  // The first a=group with these semantics ("BUNDLE"), or nullptr.
  const Group* FindGroup(std::string_view semantics) const;
  // The m= section whose a=mid is `mid`, or nullptr.
  const MediaSection* FindMedia(std::string_view mid) const;

  // ICE/DTLS parameters of `m`, falling back to the session level (RFC 8839 §5.4).
  std::optional<std::string_view> IceUfragFor(const MediaSection& m) const;
  std::optional<std::string_view> IcePwdFor(const MediaSection& m) const;
  const std::vector<Fingerprint>& FingerprintsFor(const MediaSection& m) const;
  std::optional<Setup> SetupFor(const MediaSection& m) const;

  friend bool operator==(const SessionDescription&, const SessionDescription&) = default;
};

}  // namespace sluice::sdp
