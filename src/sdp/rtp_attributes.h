// RTP-related media attributes.
//
// rtpmap, fmtp: RFC 8866 §6.6 and §6.15 (https://www.rfc-editor.org/rfc/rfc8866#section-6.6)
//   rtpmap-value = payload-type SP encoding-name "/" clock-rate [ "/" encoding-params ]
//   fmtp-value   = fmt SP format-specific-params
// rtcp-fb: RFC 4585 §4.2 (https://www.rfc-editor.org/rfc/rfc4585#section-4.2)
//   rtcp-fb-syntax = "a=rtcp-fb:" rtcp-fb-pt SP rtcp-fb-val CRLF
//   rtcp-fb-pt     = "*" / fmt          ; "*" applies to every payload type
//   rtcp-fb-val    = "ack" rtcp-fb-ack-param / "nack" rtcp-fb-nack-param
//                    / "trr-int" SP 1*DIGIT / rtcp-fb-id rtcp-fb-param
// extmap: RFC 8285 §7 (https://www.rfc-editor.org/rfc/rfc8285#section-7)
//   extmap = mapentry ["/" direction] SP extensionname [SP extensionattributes]
// ssrc, ssrc-group: RFC 5576 §4 (https://www.rfc-editor.org/rfc/rfc5576#section-4)
//   ssrc-attr  = "ssrc:" ssrc-id SP attribute   ; attribute = att-field [":" att-value]
//   ssrc-group = "ssrc-group:" semantics *(SP ssrc-id)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/strong_id.h"
#include "sdp/sdp_attributes.h"
#include "sluice/result.h"

namespace sluice::sdp {

struct RtpMap {
  PayloadType payload_type;
  std::string encoding_name;  // "opus", "VP8", "H264", "red", "rtx", ...
  uint32_t clock_rate = 0;
  std::optional<uint32_t> encoding_parameters;  // audio channels

  static Result<RtpMap> Parse(std::string_view value);
  std::string ToString() const;  // "111 opus/48000/2"
  friend bool operator==(const RtpMap&, const RtpMap&) = default;
};

// "a=fmtp:<fmt> <params>": only the payload type is checked; the parameters are kept verbatim.
struct Fmtp {
  PayloadType payload_type;
  std::string parameters;  // "minptime=10;useinbandfec=1"

  static Result<Fmtp> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const Fmtp&, const Fmtp&) = default;
};

// Splits "a=1;b=2; c" into {"a","1"}, {"b","2"}, {"c",""}. Views into `parameters`.
std::vector<std::pair<std::string_view, std::string_view>> SplitFmtpParameters(
    std::string_view parameters);

struct RtcpFeedback {
  std::string type;       // "nack", "ccm", "goog-remb", "transport-cc", "trr-int", ...
  std::string parameter;  // "pli", "fir", "" (the rest of the line after the type)
  friend bool operator==(const RtcpFeedback&, const RtcpFeedback&) = default;
};

// One parsed "a=rtcp-fb" line: the payload type, or nullopt for "*".
struct RtcpFeedbackLine {
  std::optional<PayloadType> payload_type;
  RtcpFeedback feedback;

  static Result<RtcpFeedbackLine> Parse(std::string_view value);
  std::string ToString() const;
};

// A payload type with what the rtpmap, fmtp and rtcp-fb lines say about it.
struct Codec {
  PayloadType payload_type;
  std::optional<RtpMap> rtpmap;        // absent for a static payload type without rtpmap
  std::optional<std::string> fmtp;     // the format-specific parameters, verbatim
  std::vector<RtcpFeedback> feedback;  // in order of appearance

  std::string_view name() const { return rtpmap ? std::string_view(rtpmap->encoding_name) : ""; }
  uint32_t clock_rate() const { return rtpmap ? rtpmap->clock_rate : 0; }
  // The value of fmtp parameter `key` ("apt", "profile-level-id", ...), if present.
  std::optional<std::string_view> FmtpParameter(std::string_view key) const;
  bool HasFeedback(std::string_view type, std::string_view parameter = "") const;

  friend bool operator==(const Codec&, const Codec&) = default;
};

struct ExtMap {
  uint16_t id = 0;  // 1..14 one-byte, 1..255 two-byte, 4096..4351 offer-only (RFC 8285 §5)
  std::optional<Direction> direction;
  std::string uri;
  std::string attributes;  // extension attributes, verbatim (often empty)

  static Result<ExtMap> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const ExtMap&, const ExtMap&) = default;
};

struct SsrcAttribute {
  Ssrc ssrc;
  std::string attribute;             // "cname", "msid", "label", ...
  std::optional<std::string> value;  // text after the first ':', verbatim

  static Result<SsrcAttribute> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const SsrcAttribute&, const SsrcAttribute&) = default;
};

struct SsrcGroup {
  std::string semantics;  // "FID", "SIM", "FEC-FR", ...
  std::vector<Ssrc> ssrcs;

  static Result<SsrcGroup> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const SsrcGroup&, const SsrcGroup&) = default;
};

}  // namespace sluice::sdp
