// Session and transport attributes that are not specific to RTP payloads.
//
// direction: RFC 8866 §6.7   "sendrecv" / "sendonly" / "recvonly" / "inactive"
// setup:     RFC 4145 §4     setup-attr = "a=setup:" role
//                            role = "active" / "passive" / "actpass" / "holdconn"
// group:     RFC 5888 §5     group-attribute = "a=group:" semantics *(SP identification-tag)
//                            (BUNDLE: RFC 9143, LS: RFC 5888)
// msid-semantic: draft-ietf-mmusic-msid-05 as sent by browsers
//                            "a=msid-semantic:" token *(SP msid-id)   e.g. "WMS *"
// msid:      RFC 8830 §2     msid-value = msid-id [ SP msid-appdata ]
// rtcp:      RFC 3605 §2.1   rtcp-attribute = "a=rtcp:" port [nettype space addrtype space
//                                             connection-address] CRLF
// Any other attribute:       attribute = (attribute-name ":" attribute-value) / attribute-name
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sdp/fingerprint.h"
#include "sluice/result.h"

namespace sluice::sdp {

enum class Direction { kSendRecv, kSendOnly, kRecvOnly, kInactive };
// "sendrecv", ...; nullopt if `name` is not one of the four.
std::optional<Direction> ParseDirection(std::string_view name);
const char* ToString(Direction d);

enum class Setup { kActPass, kActive, kPassive, kHoldConn };
std::optional<Setup> ParseSetup(std::string_view name);
const char* ToString(Setup s);

struct Group {
  std::string semantics;          // "BUNDLE", "LS", ...
  std::vector<std::string> mids;  // identification tags, in order

  static Result<Group> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const Group&, const Group&) = default;
};

struct MsidSemantic {
  std::string semantic;                 // "WMS"
  std::vector<std::string> stream_ids;  // "*" or stream ids; often empty

  static Result<MsidSemantic> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const MsidSemantic&, const MsidSemantic&) = default;
};

struct Msid {
  std::string stream_id;
  std::optional<std::string> track_id;  // msid-appdata

  static Result<Msid> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const Msid&, const Msid&) = default;
};

struct RtcpAttribute {
  uint16_t port = 0;
  std::optional<std::string> address;  // "IN IP4 0.0.0.0", verbatim

  static Result<RtcpAttribute> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const RtcpAttribute&, const RtcpAttribute&) = default;
};

// An attribute this layer does not model (or keeps as text: rid, simulcast, ptime, tls-id, ...),
// kept verbatim so that Serialize() writes it back unchanged.
struct GenericAttribute {
  std::string name;
  std::optional<std::string> value;  // absent for a property attribute ("a=foo")

  std::string ToString() const;  // "name:value" or "name"
  friend bool operator==(const GenericAttribute&, const GenericAttribute&) = default;
};

// ICE and DTLS parameters, which JSEP places in every m= section and other stacks (Firefox,
// older pion) partly at session level (RFC 8839 §5.4, RFC 8842 §5).
struct TransportAttributes {
  std::optional<std::string> ice_ufrag;  // RFC 8839: ice-char 4..256
  std::optional<std::string> ice_pwd;    // RFC 8839: ice-char 22..256
  std::vector<std::string> ice_options;  // "trickle", "ice2", ...
  std::vector<Fingerprint> fingerprints;
  std::optional<Setup> setup;

  friend bool operator==(const TransportAttributes&, const TransportAttributes&) = default;
};

}  // namespace sluice::sdp

namespace sluice::sdp::internal {

// Parses ice-ufrag, ice-pwd, ice-options, fingerprint and setup into `t`. Returns nullopt if
// `name` is none of those, else the outcome.
std::optional<Result<void>> ParseTransportAttribute(TransportAttributes& t, std::string_view name,
                                                    std::optional<std::string_view> value);
// Appends the a= lines of `t` (CRLF-terminated) in JSEP order.
void AppendTransportAttributes(const TransportAttributes& t, std::string& out);
// Appends "a=<name>[:<value>]\r\n".
void AppendAttribute(std::string& out, std::string_view name, std::string_view value = {});

}  // namespace sluice::sdp::internal
