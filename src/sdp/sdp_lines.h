// The non-attribute lines of a session description, RFC 8866 §5
// (https://www.rfc-editor.org/rfc/rfc8866#section-5).
//
//   origin-field     = %s"o" "=" username SP sess-id SP sess-version SP
//                      nettype SP addrtype SP unicast-address CRLF
//   connection-field = %s"c" "=" nettype SP addrtype SP connection-address CRLF
//   bandwidth-fields = *(%s"b" "=" bwtype ":" bandwidth CRLF)
//   time-fields      = 1*( %s"t" "=" start-time SP stop-time
//                      *(CRLF repeat-field) CRLF) [zone-adjustments CRLF]
//   media-field      = %s"m" "=" media SP port ["/" integer] SP proto 1*(SP fmt) CRLF
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/result.h"

namespace sluice::sdp {

struct Origin {
  std::string username = "-";
  std::string session_id = "0";       // sess-id = 1*DIGIT; kept as text (may exceed 64 bits)
  std::string session_version = "0";  // sess-version = 1*DIGIT
  std::string network_type = "IN";
  std::string address_type = "IP4";
  std::string address = "127.0.0.1";

  static Result<Origin> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const Origin&, const Origin&) = default;
};

struct Connection {
  std::string network_type = "IN";
  std::string address_type = "IP4";
  std::string address = "0.0.0.0";  // may carry "/ttl[/count]" for multicast, verbatim

  static Result<Connection> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const Connection&, const Connection&) = default;
};

struct Bandwidth {
  std::string type;  // "AS", "CT", "TIAS", ...
  uint64_t value = 0;

  static Result<Bandwidth> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const Bandwidth&, const Bandwidth&) = default;
};

struct Timing {
  uint64_t start = 0;
  uint64_t stop = 0;
  std::vector<std::string> repeats;  // "r=" lines that follow, verbatim

  static Result<Timing> Parse(std::string_view value);  // the t= value
  std::string ToString() const;                         // the t= value
  friend bool operator==(const Timing&, const Timing&) = default;
};

struct MediaLine {
  std::string media;  // "audio", "video", "application", ...
  uint16_t port = 9;  // 0 rejects the section (RFC 3264 §6)
  std::optional<uint32_t> port_count;
  std::string proto;                 // "UDP/TLS/RTP/SAVPF", "UDP/DTLS/SCTP", ...
  std::vector<std::string> formats;  // payload types for RTP, "webrtc-datachannel" for SCTP

  static Result<MediaLine> Parse(std::string_view value);
  std::string ToString() const;
  // True for an RTP profile ("RTP/AVP", "UDP/TLS/RTP/SAVPF", ...): formats are payload types.
  bool is_rtp() const;
  friend bool operator==(const MediaLine&, const MediaLine&) = default;
};

}  // namespace sluice::sdp
