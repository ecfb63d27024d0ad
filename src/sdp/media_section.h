// One media description ("m=" section), RFC 8866 §5.14 and JSEP (RFC 8829 §5.2.1).
//
//   media-description = media-field
//                       [information-field]
//                       *connection-field
//                       bandwidth-fields
//                       key-field
//                       attribute-fields
//
// The attributes WebRTC uses are typed fields; rtpmap, fmtp and rtcp-fb are joined per payload
// type into `codecs` (in m= line order, then payload types that only an attribute names).
// Attributes this layer does not model are kept verbatim in `other_attributes`.
//
// Thread rules: a plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sdp/candidate.h"
#include "sdp/rtp_attributes.h"
#include "sdp/sdp_attributes.h"
#include "sdp/sdp_lines.h"
#include "sluice/result.h"

namespace sluice::sdp {

struct MediaSection {
  MediaLine line;                          // m=
  std::optional<std::string> information;  // i=
  std::optional<Connection> connection;    // c=
  std::vector<Bandwidth> bandwidths;       // b=
  std::optional<std::string> key;          // k= (obsolete, kept verbatim)

  std::optional<std::string> mid;               // a=mid (RFC 5888)
  std::vector<Msid> msids;                      // a=msid (RFC 8830)
  std::optional<Direction> direction;           // a=sendrecv / sendonly / recvonly / inactive
  std::vector<Codec> codecs;                    // a=rtpmap + a=fmtp + a=rtcp-fb per payload type
  std::vector<RtcpFeedback> wildcard_feedback;  // a=rtcp-fb:* ...
  std::vector<ExtMap> extmaps;                  // a=extmap (RFC 8285)
  bool extmap_allow_mixed = false;              // a=extmap-allow-mixed (RFC 8285 §6)
  std::optional<RtcpAttribute> rtcp;            // a=rtcp (RFC 3605)
  bool rtcp_mux = false;                        // a=rtcp-mux (RFC 5761)
  bool rtcp_mux_only = false;                   // a=rtcp-mux-only (RFC 8858)
  bool rtcp_rsize = false;                      // a=rtcp-rsize (RFC 5506)
  std::vector<SsrcGroup> ssrc_groups;           // a=ssrc-group (RFC 5576)
  std::vector<SsrcAttribute> ssrcs;             // a=ssrc (RFC 5576)
  TransportAttributes transport;             // ice-ufrag, ice-pwd, ice-options, fingerprint, setup
  std::optional<uint16_t> sctp_port;         // a=sctp-port (RFC 8841)
  std::optional<uint64_t> max_message_size;  // a=max-message-size (RFC 8841), 0 = no limit
  std::vector<GenericAttribute> other_attributes;  // rid, simulcast, ptime, tls-id, unknown ...
  std::vector<Candidate> candidates;               // a=candidate (RFC 8839)
  bool end_of_candidates = false;                  // a=end-of-candidates (RFC 8840)

  const std::string& media() const { return line.media; }
  bool is_rtp() const { return line.is_rtp(); }
  // RFC 3264 §6: a port of zero rejects the stream.
  bool rejected() const { return line.port == 0; }
  // The direction, sendrecv when absent (RFC 8866 §6.7).
  Direction direction_or_default() const { return direction.value_or(Direction::kSendRecv); }
  const Codec* FindCodec(PayloadType pt) const;
  Codec* FindCodec(PayloadType pt);
  // The first a=ssrc value of `attribute` ("cname") for `ssrc`.
  std::optional<std::string_view> SsrcValue(Ssrc ssrc, std::string_view attribute) const;
  // a=sctp-port, else the port of a legacy "a=sctpmap:<port> webrtc-datachannel ..." (still sent
  // by aiortc and old Chrome with "DTLS/SCTP <port>" on the m= line).
  std::optional<uint16_t> SctpPortOrLegacy() const;
  // The first of other_attributes named `name` ("rid", "simulcast", ...).
  const GenericAttribute* FindAttribute(std::string_view name) const;

  friend bool operator==(const MediaSection&, const MediaSection&) = default;
};

namespace internal {

// Starts a section from its m= line value: one codec entry per payload type for RTP.
Result<MediaSection> StartMediaSection(std::string_view m_value);
// Applies one "a=" line of a media section. `value` is nullopt for a property attribute.
Result<void> ParseMediaAttribute(MediaSection& m, std::string_view name,
                                 std::optional<std::string_view> value);
// Appends the section's lines (CRLF-terminated) in JSEP order.
void AppendMediaSection(const MediaSection& m, std::string& out);

}  // namespace internal
}  // namespace sluice::sdp
