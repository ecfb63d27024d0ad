#include "sdp/rtp_attributes.h"

#include "sdp/sdp_limits.h"
#include "sdp/sdp_tokens.h"

namespace sluice::sdp {
namespace {

Error Malformed(const char* reason) { return MakeError(ErrorCode::kMalformed, reason); }

// payload-type = 1*3DIGIT, 0..127 (the RTP header has 7 bits for it).
std::optional<PayloadType> ParsePayloadType(std::string_view s) {
  auto v = ParseDecimal(s, 127, 3);
  if (!v) return std::nullopt;
  return PayloadType(static_cast<uint8_t>(*v));
}

std::optional<Ssrc> ParseSsrc(std::string_view s) {
  auto v = ParseDecimal(s, UINT32_MAX, 10);
  if (!v) return std::nullopt;
  return Ssrc(static_cast<uint32_t>(*v));
}

}  // namespace

Result<RtpMap> RtpMap::Parse(std::string_view value) {
  FieldReader fields(value);
  auto pt = fields.Next();
  if (!pt) return Malformed("rtpmap is empty");
  auto payload_type = ParsePayloadType(*pt);
  if (!payload_type) return Malformed("rtpmap payload type is not 0..127");
  auto encoding = fields.Next();
  if (!encoding) return Malformed("rtpmap is missing the encoding name");
  if (!fields.empty()) return Malformed("rtpmap has trailing fields");

  RtpMap m;
  m.payload_type = *payload_type;
  // encoding-name "/" clock-rate [ "/" encoding-params ]
  const size_t slash = encoding->find('/');
  if (slash == std::string_view::npos) return Malformed("rtpmap is missing the clock rate");
  const std::string_view name = encoding->substr(0, slash);
  if (!IsToken(name)) return Malformed("rtpmap encoding name is not a token");
  m.encoding_name = std::string(name);
  std::string_view rest = encoding->substr(slash + 1);
  const size_t slash2 = rest.find('/');
  auto clock = ParseDecimal(rest.substr(0, slash2), UINT32_MAX, 10);
  if (!clock || *clock == 0) return Malformed("rtpmap clock rate is not a positive number");
  m.clock_rate = static_cast<uint32_t>(*clock);
  if (slash2 != std::string_view::npos) {
    auto params = ParseDecimal(rest.substr(slash2 + 1), UINT32_MAX, 10);
    if (!params) return Malformed("rtpmap encoding parameters are not a number");
    m.encoding_parameters = static_cast<uint32_t>(*params);
  }
  return m;
}

std::string RtpMap::ToString() const {
  std::string out = std::to_string(payload_type.value());
  out += ' ';
  out += encoding_name;
  out += '/';
  out += std::to_string(clock_rate);
  if (encoding_parameters) {
    out += '/';
    out += std::to_string(*encoding_parameters);
  }
  return out;
}

Result<Fmtp> Fmtp::Parse(std::string_view value) {
  FieldReader fields(value);
  auto pt = fields.Next();
  if (!pt) return Malformed("fmtp is empty");
  auto payload_type = ParsePayloadType(*pt);
  if (!payload_type) return Malformed("fmtp payload type is not 0..127");
  return Fmtp{*payload_type, std::string(fields.Rest())};
}

std::string Fmtp::ToString() const {
  std::string out = std::to_string(payload_type.value());
  if (!parameters.empty()) {
    out += ' ';
    out += parameters;
  }
  return out;
}

std::vector<std::pair<std::string_view, std::string_view>> SplitFmtpParameters(
    std::string_view parameters) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  while (!parameters.empty()) {
    const size_t semi = parameters.find(';');
    std::string_view item = TrimTrailingSpace(TrimLeadingSpace(parameters.substr(0, semi)));
    parameters = semi == std::string_view::npos ? std::string_view() : parameters.substr(semi + 1);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(item, std::string_view());
    } else {
      out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    }
  }
  return out;
}

Result<RtcpFeedbackLine> RtcpFeedbackLine::Parse(std::string_view value) {
  FieldReader fields(value);
  auto pt = fields.Next();
  if (!pt) return Malformed("rtcp-fb is empty");
  RtcpFeedbackLine line;
  if (*pt != "*") {
    auto payload_type = ParsePayloadType(*pt);
    if (!payload_type) return Malformed("rtcp-fb payload type is not 0..127 or *");
    line.payload_type = *payload_type;
  }
  auto type = fields.Next();
  if (!type) return Malformed("rtcp-fb is missing the feedback type");
  if (!IsToken(*type)) return Malformed("rtcp-fb feedback type is not a token");
  line.feedback.type = std::string(*type);
  line.feedback.parameter = std::string(fields.Rest());
  return line;
}

std::string RtcpFeedbackLine::ToString() const {
  std::string out = payload_type ? std::to_string(payload_type->value()) : std::string("*");
  out += ' ';
  out += feedback.type;
  if (!feedback.parameter.empty()) {
    out += ' ';
    out += feedback.parameter;
  }
  return out;
}

std::optional<std::string_view> Codec::FmtpParameter(std::string_view key) const {
  if (!fmtp) return std::nullopt;
  for (const auto& [k, v] : SplitFmtpParameters(*fmtp)) {
    if (EqualsIgnoreCase(k, key)) return v;
  }
  return std::nullopt;
}

bool Codec::HasFeedback(std::string_view type, std::string_view parameter) const {
  for (const auto& fb : feedback) {
    if (fb.type == type && fb.parameter == parameter) return true;
  }
  return false;
}

Result<ExtMap> ExtMap::Parse(std::string_view value) {
  FieldReader fields(value);
  auto entry = fields.Next();
  if (!entry) return Malformed("extmap is empty");
  ExtMap m;
  std::string_view id = *entry;
  const size_t slash = id.find('/');
  if (slash != std::string_view::npos) {
    m.direction = ParseDirection(id.substr(slash + 1));
    if (!m.direction)
      return Malformed("extmap direction is not sendrecv/sendonly/recvonly/inactive");
    id = id.substr(0, slash);
  }
  // RFC 8285 §5: "The value MUST be in the range 1-14 (one-byte) or 1-255 (two-byte); values in
  // the range 4096-4351 are used in offers for negotiation".
  auto id_value = ParseDecimal(id, 4351, 4);
  if (!id_value || *id_value == 0 || (*id_value > 255 && *id_value < 4096)) {
    return Malformed("extmap id is not 1..255 or 4096..4351");
  }
  m.id = static_cast<uint16_t>(*id_value);
  auto uri = fields.Next();
  if (!uri) return Malformed("extmap is missing the extension URI");
  m.uri = std::string(*uri);
  m.attributes = std::string(fields.Rest());
  return m;
}

std::string ExtMap::ToString() const {
  std::string out = std::to_string(id);
  if (direction) {
    out += '/';
    out += sdp::ToString(*direction);
  }
  out += ' ';
  out += uri;
  if (!attributes.empty()) {
    out += ' ';
    out += attributes;
  }
  return out;
}

Result<SsrcAttribute> SsrcAttribute::Parse(std::string_view value) {
  FieldReader fields(value);
  auto id = fields.Next();
  if (!id) return Malformed("ssrc is empty");
  auto ssrc = ParseSsrc(*id);
  if (!ssrc) return Malformed("ssrc id is not a 32-bit number");
  std::string_view rest = fields.Rest();
  if (rest.empty()) return Malformed("ssrc is missing its attribute");
  SsrcAttribute a;
  a.ssrc = *ssrc;
  const size_t colon = rest.find(':');
  const std::string_view name = rest.substr(0, colon);
  if (!IsToken(name)) return Malformed("ssrc attribute name is not a token");
  a.attribute = std::string(name);
  if (colon != std::string_view::npos) a.value = std::string(rest.substr(colon + 1));
  return a;
}

std::string SsrcAttribute::ToString() const {
  std::string out = std::to_string(ssrc.value());
  out += ' ';
  out += attribute;
  if (value) {
    out += ':';
    out += *value;
  }
  return out;
}

Result<SsrcGroup> SsrcGroup::Parse(std::string_view value) {
  FieldReader fields(value);
  auto semantics = fields.Next();
  if (!semantics || !IsToken(*semantics)) return Malformed("ssrc-group semantics is not a token");
  SsrcGroup g;
  g.semantics = std::string(*semantics);
  while (auto id = fields.Next()) {
    auto ssrc = ParseSsrc(*id);
    if (!ssrc) return Malformed("ssrc-group ssrc id is not a 32-bit number");
    if (g.ssrcs.size() >= kMaxFieldsPerLine) {
      return MakeError(ErrorCode::kExhausted, "ssrc-group lists too many ssrcs");
    }
    g.ssrcs.push_back(*ssrc);
  }
  return g;
}

std::string SsrcGroup::ToString() const {
  std::string out = semantics;
  for (Ssrc s : ssrcs) {
    out += ' ';
    out += std::to_string(s.value());
  }
  return out;
}

}  // namespace sluice::sdp
