#include "sdp/media_section.h"

#include "sdp/sdp_tokens.h"

namespace sluice::sdp {
namespace {

Error Malformed(const char* reason) { return MakeError(ErrorCode::kMalformed, reason); }

Result<void> SetFlag(bool& flag, std::optional<std::string_view> value) {
  if (value) return Malformed("property attribute must not have a value");
  flag = true;
  return Ok();
}

Codec& CodecFor(MediaSection& m, PayloadType pt) {
  if (Codec* c = m.FindCodec(pt)) return *c;
  // A payload type that only an attribute names: kept after the m= line's ones.
  m.codecs.push_back(Codec{pt, std::nullopt, std::nullopt, {}});
  return m.codecs.back();
}

Result<void> ParseRtpAttribute(MediaSection& m, std::string_view name, std::string_view value) {
  if (name == "rtpmap") {
    auto rtpmap = RtpMap::Parse(value);
    if (!rtpmap) return rtpmap.error();
    Codec& codec = CodecFor(m, rtpmap->payload_type);
    if (codec.rtpmap) return Malformed("duplicate a=rtpmap for one payload type");
    codec.rtpmap = std::move(*rtpmap);
    return Ok();
  }
  if (name == "fmtp") {
    auto fmtp = Fmtp::Parse(value);
    if (!fmtp) return fmtp.error();
    Codec& codec = CodecFor(m, fmtp->payload_type);
    if (codec.fmtp) return Malformed("duplicate a=fmtp for one payload type");
    codec.fmtp = std::move(fmtp->parameters);
    return Ok();
  }
  // rtcp-fb
  auto fb = RtcpFeedbackLine::Parse(value);
  if (!fb) return fb.error();
  if (fb->payload_type) {
    CodecFor(m, *fb->payload_type).feedback.push_back(std::move(fb->feedback));
  } else {
    m.wildcard_feedback.push_back(std::move(fb->feedback));
  }
  return Ok();
}

}  // namespace

const Codec* MediaSection::FindCodec(PayloadType pt) const {
  for (const Codec& c : codecs) {
    if (c.payload_type == pt) return &c;
  }
  return nullptr;
}

Codec* MediaSection::FindCodec(PayloadType pt) {
  for (Codec& c : codecs) {
    if (c.payload_type == pt) return &c;
  }
  return nullptr;
}

std::optional<std::string_view> MediaSection::SsrcValue(Ssrc ssrc,
                                                        std::string_view attribute) const {
  for (const auto& a : ssrcs) {
    if (a.ssrc == ssrc && a.attribute == attribute && a.value) return std::string_view(*a.value);
  }
  return std::nullopt;
}

std::optional<uint16_t> MediaSection::SctpPortOrLegacy() const {
  if (sctp_port) return sctp_port;
  const GenericAttribute* sctpmap = FindAttribute("sctpmap");
  if (sctpmap == nullptr || !sctpmap->value) return std::nullopt;
  FieldReader fields(*sctpmap->value);
  auto port = fields.Next();
  auto value = port ? ParseDecimal(*port, 65535, 5) : std::nullopt;
  if (!value) return std::nullopt;
  return static_cast<uint16_t>(*value);
}

const GenericAttribute* MediaSection::FindAttribute(std::string_view name) const {
  for (const auto& a : other_attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

namespace internal {

Result<MediaSection> StartMediaSection(std::string_view m_value) {
  auto line = MediaLine::Parse(m_value);
  if (!line) return line.error();
  MediaSection m;
  m.line = std::move(*line);
  if (m.line.is_rtp()) {
    for (const auto& fmt : m.line.formats) {
      // MediaLine::Parse checked that every format is 0..127.
      const PayloadType pt(static_cast<uint8_t>(*ParseDecimal(fmt, 127, 3)));
      if (m.FindCodec(pt)) return Malformed("m= line lists a payload type twice");
      m.codecs.push_back(Codec{pt, std::nullopt, std::nullopt, {}});
    }
  }
  return m;
}

Result<void> ParseMediaAttribute(MediaSection& m, std::string_view name,
                                 std::optional<std::string_view> value) {
  if (auto transport = ParseTransportAttribute(m.transport, name, value)) return *transport;

  if (auto direction = ParseDirection(name)) {
    if (value) return Malformed("direction attribute must not have a value");
    // RFC 8866 §6.7: at most one of sendrecv/sendonly/recvonly/inactive per level.
    if (m.direction) return Malformed("more than one direction attribute");
    m.direction = *direction;
    return Ok();
  }
  if (name == "rtcp-mux") return SetFlag(m.rtcp_mux, value);
  if (name == "rtcp-mux-only") return SetFlag(m.rtcp_mux_only, value);
  if (name == "rtcp-rsize") return SetFlag(m.rtcp_rsize, value);
  if (name == "extmap-allow-mixed") return SetFlag(m.extmap_allow_mixed, value);
  if (name == "end-of-candidates") return SetFlag(m.end_of_candidates, value);

  const bool rtp_codec_attribute = name == "rtpmap" || name == "fmtp" || name == "rtcp-fb";
  const bool modelled = rtp_codec_attribute || name == "mid" || name == "msid" ||
                        name == "extmap" || name == "rtcp" || name == "ssrc" ||
                        name == "ssrc-group" || name == "sctp-port" || name == "max-message-size" ||
                        name == "candidate";
  // rtpmap/fmtp/rtcp-fb in a non-RTP section (e.g. legacy "a=fmtp:webrtc-datachannel ...") are
  // not about payload types: keep them verbatim.
  if (modelled && !(rtp_codec_attribute && !m.is_rtp())) {
    if (!value) return Malformed("attribute needs a value");
    if (rtp_codec_attribute) return ParseRtpAttribute(m, name, *value);
    if (name == "mid") {
      if (m.mid) return Malformed("duplicate a=mid");
      // identification-tag = token (RFC 5888 §4)
      if (!IsToken(*value)) return Malformed("a=mid is not a token");
      m.mid = std::string(*value);
      return Ok();
    }
    if (name == "msid") {
      auto msid = Msid::Parse(*value);
      if (!msid) return msid.error();
      m.msids.push_back(std::move(*msid));
      return Ok();
    }
    if (name == "extmap") {
      auto extmap = ExtMap::Parse(*value);
      if (!extmap) return extmap.error();
      m.extmaps.push_back(std::move(*extmap));
      return Ok();
    }
    if (name == "rtcp") {
      if (m.rtcp) return Malformed("duplicate a=rtcp");
      auto rtcp = RtcpAttribute::Parse(*value);
      if (!rtcp) return rtcp.error();
      m.rtcp = std::move(*rtcp);
      return Ok();
    }
    if (name == "ssrc") {
      auto ssrc = SsrcAttribute::Parse(*value);
      if (!ssrc) return ssrc.error();
      m.ssrcs.push_back(std::move(*ssrc));
      return Ok();
    }
    if (name == "ssrc-group") {
      auto group = SsrcGroup::Parse(*value);
      if (!group) return group.error();
      m.ssrc_groups.push_back(std::move(*group));
      return Ok();
    }
    if (name == "sctp-port") {
      if (m.sctp_port) return Malformed("duplicate a=sctp-port");
      auto port = ParseDecimal(*value, 65535, 5);
      if (!port) return Malformed("a=sctp-port is not 0..65535");
      m.sctp_port = static_cast<uint16_t>(*port);
      return Ok();
    }
    if (name == "max-message-size") {
      if (m.max_message_size) return Malformed("duplicate a=max-message-size");
      auto size = ParseDecimal(*value, UINT64_MAX, 20);
      if (!size) return Malformed("a=max-message-size is not a number");
      m.max_message_size = *size;
      return Ok();
    }
    // candidate
    auto candidate = Candidate::Parse(*value);
    if (!candidate) return candidate.error();
    m.candidates.push_back(std::move(*candidate));
    return Ok();
  }

  // attribute-name = token (RFC 8866 §9); everything else is kept verbatim.
  if (!IsToken(name)) return Malformed("attribute name is not a token");
  m.other_attributes.push_back(GenericAttribute{
      std::string(name), value ? std::optional<std::string>(*value) : std::nullopt});
  return Ok();
}

void AppendMediaSection(const MediaSection& m, std::string& out) {
  auto line = [&out](char type, std::string_view value) {
    out += type;
    out += '=';
    out += value;
    out += "\r\n";
  };
  // RFC 8866 §5 order: m= i= c= b= k= a=
  line('m', m.line.ToString());
  if (m.information) line('i', *m.information);
  if (m.connection) line('c', m.connection->ToString());
  for (const auto& b : m.bandwidths) line('b', b.ToString());
  if (m.key) line('k', *m.key);

  // Attributes in the order JSEP (RFC 8829 §5.2.1) lists them.
  if (m.mid) AppendAttribute(out, "mid", *m.mid);
  for (const auto& msid : m.msids) AppendAttribute(out, "msid", msid.ToString());
  if (m.direction) AppendAttribute(out, ToString(*m.direction));
  for (const Codec& c : m.codecs) {
    if (c.rtpmap) AppendAttribute(out, "rtpmap", c.rtpmap->ToString());
    if (c.fmtp) AppendAttribute(out, "fmtp", Fmtp{c.payload_type, *c.fmtp}.ToString());
    for (const auto& fb : c.feedback) {
      AppendAttribute(out, "rtcp-fb", RtcpFeedbackLine{c.payload_type, fb}.ToString());
    }
  }
  for (const auto& fb : m.wildcard_feedback) {
    AppendAttribute(out, "rtcp-fb", RtcpFeedbackLine{std::nullopt, fb}.ToString());
  }
  if (m.extmap_allow_mixed) AppendAttribute(out, "extmap-allow-mixed");
  for (const auto& e : m.extmaps) AppendAttribute(out, "extmap", e.ToString());
  if (m.rtcp) AppendAttribute(out, "rtcp", m.rtcp->ToString());
  if (m.rtcp_mux) AppendAttribute(out, "rtcp-mux");
  if (m.rtcp_mux_only) AppendAttribute(out, "rtcp-mux-only");
  if (m.rtcp_rsize) AppendAttribute(out, "rtcp-rsize");
  for (const auto& g : m.ssrc_groups) AppendAttribute(out, "ssrc-group", g.ToString());
  for (const auto& s : m.ssrcs) AppendAttribute(out, "ssrc", s.ToString());
  AppendTransportAttributes(m.transport, out);
  if (m.sctp_port) AppendAttribute(out, "sctp-port", std::to_string(*m.sctp_port));
  if (m.max_message_size) {
    AppendAttribute(out, "max-message-size", std::to_string(*m.max_message_size));
  }
  for (const auto& a : m.other_attributes) line('a', a.ToString());
  for (const auto& c : m.candidates) AppendAttribute(out, c.ToString());
  if (m.end_of_candidates) AppendAttribute(out, "end-of-candidates");
}

}  // namespace internal
}  // namespace sluice::sdp
