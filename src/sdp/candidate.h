// ICE candidate attribute, RFC 8839 §5.1 (https://www.rfc-editor.org/rfc/rfc8839#section-5.1).
//
//   candidate-attribute   = "candidate" ":" foundation SP component-id SP
//                           transport SP
//                           priority SP
//                           connection-address SP     ;from RFC 8866
//                           port                      ;port from RFC 8866
//                           SP cand-type
//                           [SP rel-addr]
//                           [SP rel-port]
//                           *(SP cand-extension)
//   foundation            = 1*32ice-char
//   component-id          = 1*3(DIGIT)
//   transport             = "UDP" / transport-extension
//   priority              = 1*10(DIGIT)
//   cand-type             = "typ" SP candidate-types
//   candidate-types       = "host" / "srflx" / "prflx" / "relay" / token
//   rel-addr              = "raddr" SP connection-address
//   rel-port              = "rport" SP port
//   cand-extension        = extension-att-name SP extension-att-value
//   ice-char              = ALPHA / DIGIT / "+" / "/"
//
// "tcptype" (RFC 6544 §4.5) is modelled; every other extension ("generation", "ufrag",
// "network-id", "network-cost", ...) is kept as an ordered key/value pair.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/result.h"

namespace sluice::sdp {

enum class CandidateType { kHost, kServerReflexive, kPeerReflexive, kRelay, kOther };

struct Candidate {
  std::string foundation;
  uint16_t component = 1;  // 1 = RTP, 2 = RTCP; 1..256
  std::string transport;   // "UDP" / "udp" / "tcp" as written
  uint32_t priority = 0;
  std::string address;  // IPv4, IPv6 or FQDN (mDNS "....local")
  uint16_t port = 0;
  std::string type_name;  // "host", "srflx", "prflx", "relay" or an extension token
  std::optional<std::string> related_address;  // raddr
  std::optional<uint16_t> related_port;        // rport
  std::optional<std::string> tcp_type;         // "active" / "passive" / "so" (RFC 6544)
  std::vector<std::pair<std::string, std::string>> extensions;  // in order of appearance

  // Parses the attribute value, with or without a leading "candidate:" or "a=candidate:".
  static Result<Candidate> Parse(std::string_view text);

  // The attribute value without "a=" but with "candidate:", e.g.
  // "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host generation 0".
  std::string ToString() const;

  CandidateType type() const;
  bool is_udp() const;
  // Value of extension `name` ("generation", "ufrag", "network-id", ...), if present.
  std::optional<std::string_view> Extension(std::string_view name) const;

  friend bool operator==(const Candidate&, const Candidate&) = default;
};

}  // namespace sluice::sdp
