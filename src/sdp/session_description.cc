#include "sdp/session_description.h"

#include <set>

#include "sdp/sdp_limits.h"
#include "sdp/sdp_tokens.h"

namespace sluice::sdp {
namespace {

constexpr size_t kMaxErrorText = 80;

// One "<type>=<value>" line, already split from the text.
struct Line {
  char type = 0;
  std::string_view value;
};

// Splits "name[:value]" of an a= line.
struct AttributeText {
  std::string_view name;
  std::optional<std::string_view> value;
};

AttributeText SplitAttribute(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return {text, std::nullopt};
  return {text.substr(0, colon), text.substr(colon + 1)};
}

Error Malformed(const char* reason) { return MakeError(ErrorCode::kMalformed, reason); }

Result<void> SetFlag(bool& flag, std::optional<std::string_view> value) {
  if (value) return Malformed("property attribute must not have a value");
  flag = true;
  return Ok();
}

Result<void> ParseSessionAttribute(SessionDescription& d, std::string_view name,
                                   std::optional<std::string_view> value) {
  if (auto transport = internal::ParseTransportAttribute(d.transport, name, value)) {
    return *transport;
  }
  if (auto direction = ParseDirection(name)) {
    if (value) return Malformed("direction attribute must not have a value");
    if (d.direction) return Malformed("more than one direction attribute");
    d.direction = *direction;
    return Ok();
  }
  if (name == "ice-lite") return SetFlag(d.ice_lite, value);
  if (name == "extmap-allow-mixed") return SetFlag(d.extmap_allow_mixed, value);
  if (name == "end-of-candidates") return SetFlag(d.end_of_candidates, value);
  if (name == "group") {
    if (!value) return Malformed("attribute needs a value");
    auto group = Group::Parse(*value);
    if (!group) return group.error();
    d.groups.push_back(std::move(*group));
    return Ok();
  }
  if (name == "msid-semantic") {
    if (!value) return Malformed("attribute needs a value");
    auto semantic = MsidSemantic::Parse(*value);
    if (!semantic) return semantic.error();
    d.msid_semantics.push_back(std::move(*semantic));
    return Ok();
  }
  if (name == "extmap") {
    if (!value) return Malformed("attribute needs a value");
    auto extmap = ExtMap::Parse(*value);
    if (!extmap) return extmap.error();
    d.extmaps.push_back(std::move(*extmap));
    return Ok();
  }
  if (!IsToken(name)) return Malformed("attribute name is not a token");
  d.other_attributes.push_back(GenericAttribute{
      std::string(name), value ? std::optional<std::string>(*value) : std::nullopt});
  return Ok();
}

// The parser's state across lines.
class Parser {
 public:
  Result<SessionDescription> Run(std::string_view text, ParseError* error);

 private:
  Result<void> HandleLine(const Line& line);
  Result<void> HandleSessionLine(const Line& line);
  Result<void> HandleMediaLine(const Line& line);
  Result<void> Finish();

  SessionDescription d_;
  bool seen_v_ = false, seen_o_ = false, seen_s_ = false, seen_t_ = false;
  size_t attributes_in_section_ = 0;
  MediaSection* current_ = nullptr;  // the m= section being filled, or null at session level
};

Result<SessionDescription> Parser::Run(std::string_view text, ParseError* error) {
  auto fail = [error](size_t line_number, std::string_view line, Error e) -> Error {
    if (error) {
      error->line = line_number;
      error->code = e.code;
      error->reason = e.message;
      error->text = std::string(line.substr(0, kMaxErrorText));
    }
    return e;
  };
  if (text.size() > kMaxSdpSize) {
    return fail(0, {}, MakeError(ErrorCode::kExhausted, "session description is over 256 KiB"));
  }
  d_.timings.clear();
  size_t line_number = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_number;
    if (line_number > kMaxLines) {
      return fail(line_number, raw, MakeError(ErrorCode::kExhausted, "too many lines"));
    }
    // CRLF or bare LF; trailing whitespace is tolerated.
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    std::string_view content = TrimTrailingSpace(raw);
    if (content.empty()) continue;  // blank lines (e.g. a trailing one) are skipped
    if (!IsByteString(content)) {
      return fail(line_number, raw, Malformed("line contains a NUL or a bare CR"));
    }
    // RFC 8866 §5: "<type>=<value>" where <type> is exactly one case-significant character and
    // <value> is structured text; "Whitespace MUST NOT be used on either side of the "=" sign."
    if (content.size() < 2 || content[1] != '=' || content[0] < 'a' || content[0] > 'z') {
      return fail(line_number, raw, Malformed("line is not <letter>=<value>"));
    }
    const Line line{content[0], content.substr(2)};
    if (!line.value.empty() && (line.value.front() == ' ' || line.value.front() == '\t') &&
        line.type != 's' && line.type != 'a') {
      // "s= " is how RFC 8866 §5.3 spells an empty session name; a= values are checked by the
      // attribute parsers (Chromium writes "a=msid-semantic: WMS").
      return fail(line_number, raw, Malformed("whitespace after \"=\""));
    }
    if (line_number == 1 || !seen_v_) {
      if (line.type != 'v') {
        // RFC 8866 §5: "An SDP description MUST begin with a "v=" line"
        return fail(line_number, raw, Malformed("description does not start with v="));
      }
    }
    if (auto r = HandleLine(line); !r) return fail(line_number, raw, r.error());
  }
  if (auto r = Finish(); !r) return fail(0, {}, r.error());
  return std::move(d_);
}

Result<void> Parser::HandleLine(const Line& line) {
  if (line.type == 'a') {
    if (++attributes_in_section_ > kMaxAttributesPerSection) {
      return MakeError(ErrorCode::kExhausted, "too many attributes in one section");
    }
    if (line.value.empty()) return Malformed("empty a= line");
    const AttributeText attr = SplitAttribute(line.value);
    if (current_ == nullptr) return ParseSessionAttribute(d_, attr.name, attr.value);
    return internal::ParseMediaAttribute(*current_, attr.name, attr.value);
  }
  if (line.type == 'm') {
    if (!seen_o_) return Malformed("m= line before o=");
    if (!seen_s_) return Malformed("m= line before s=");
    if (!seen_t_) return Malformed("m= line before t=");
    if (d_.media.size() >= kMaxMediaSections) {
      return MakeError(ErrorCode::kExhausted, "too many m= sections");
    }
    auto section = internal::StartMediaSection(line.value);
    if (!section) return section.error();
    d_.media.push_back(std::move(*section));
    current_ = &d_.media.back();
    attributes_in_section_ = 0;
    return Ok();
  }
  return current_ == nullptr ? HandleSessionLine(line) : HandleMediaLine(line);
}

Result<void> Parser::HandleSessionLine(const Line& line) {
  switch (line.type) {
    case 'v':
      if (seen_v_) return Malformed("duplicate v= line");
      // RFC 8866 §5.1: "v=0" — there is no minor version number.
      if (line.value != "0") return Malformed("v= is not 0");
      seen_v_ = true;
      return Ok();
    case 'o': {
      if (seen_o_) return Malformed("duplicate o= line");
      auto origin = Origin::Parse(line.value);
      if (!origin) return origin.error();
      d_.origin = std::move(*origin);
      seen_o_ = true;
      return Ok();
    }
    case 's':
      if (seen_s_) return Malformed("duplicate s= line");
      d_.session_name = std::string(TrimLeadingSpace(line.value));
      seen_s_ = true;
      return Ok();
    case 'i':
      if (d_.information) return Malformed("duplicate i= line");
      d_.information = std::string(line.value);
      return Ok();
    case 'u':
      if (d_.uri) return Malformed("duplicate u= line");
      d_.uri = std::string(line.value);
      return Ok();
    case 'e':
      d_.emails.emplace_back(line.value);
      return Ok();
    case 'p':
      d_.phones.emplace_back(line.value);
      return Ok();
    case 'c': {
      if (d_.connection) return Malformed("duplicate session-level c= line");
      auto c = Connection::Parse(line.value);
      if (!c) return c.error();
      d_.connection = std::move(*c);
      return Ok();
    }
    case 'b': {
      auto b = Bandwidth::Parse(line.value);
      if (!b) return b.error();
      d_.bandwidths.push_back(std::move(*b));
      return Ok();
    }
    case 't': {
      auto t = Timing::Parse(line.value);
      if (!t) return t.error();
      d_.timings.push_back(std::move(*t));
      seen_t_ = true;
      return Ok();
    }
    case 'r':
      if (d_.timings.empty()) return Malformed("r= line without a preceding t= line");
      d_.timings.back().repeats.emplace_back(line.value);
      return Ok();
    case 'z':
      if (d_.time_zones) return Malformed("duplicate z= line");
      d_.time_zones = std::string(line.value);
      return Ok();
    case 'k':
      if (d_.key) return Malformed("duplicate k= line");
      d_.key = std::string(line.value);
      return Ok();
    default:
      // RFC 8866 §5: "An SDP parser MUST completely ignore or reject any session description
      // that contains a type letter that it does not understand." We reject.
      return Malformed("unknown line type");
  }
}

Result<void> Parser::HandleMediaLine(const Line& line) {
  MediaSection& m = *current_;
  switch (line.type) {
    case 'i':
      if (m.information) return Malformed("duplicate i= line in a media section");
      m.information = std::string(line.value);
      return Ok();
    case 'c': {
      if (m.connection) return Malformed("duplicate c= line in a media section");
      auto c = Connection::Parse(line.value);
      if (!c) return c.error();
      m.connection = std::move(*c);
      return Ok();
    }
    case 'b': {
      auto b = Bandwidth::Parse(line.value);
      if (!b) return b.error();
      m.bandwidths.push_back(std::move(*b));
      return Ok();
    }
    case 'k':
      if (m.key) return Malformed("duplicate k= line in a media section");
      m.key = std::string(line.value);
      return Ok();
    case 'v':
    case 'o':
    case 's':
    case 'u':
    case 'e':
    case 'p':
    case 't':
    case 'r':
    case 'z':
      return Malformed("session-level line inside a media section");
    default:
      return Malformed("unknown line type");
  }
}

Result<void> Parser::Finish() {
  if (!seen_v_) return Malformed("description is empty");
  if (!seen_o_) return Malformed("missing o= line");
  if (!seen_s_) return Malformed("missing s= line");
  if (!seen_t_) return Malformed("missing t= line");
  // RFC 5888 §4: the identification-tag "MUST be unique within an SDP session description".
  std::set<std::string_view> mids;
  for (const auto& m : d_.media) {
    if (m.mid && !mids.insert(*m.mid).second) return Malformed("two m= sections share one a=mid");
  }
  return Ok();
}

}  // namespace

std::string ParseError::ToString() const {
  std::string out = "line " + std::to_string(line) + ": " + reason;
  if (!text.empty()) out += " (" + text + ")";
  return out;
}

Result<SessionDescription> SessionDescription::Parse(std::string_view text, ParseError* error) {
  return Parser().Run(text, error);
}

std::string SessionDescription::Serialize() const {
  std::string out;
  out.reserve(1024 + media.size() * 2048);
  auto line = [&out](char type, std::string_view value) {
    out += type;
    out += '=';
    out += value;
    out += "\r\n";
  };
  line('v', "0");
  line('o', origin.ToString());
  // RFC 8866 §5.3: "If a session has no meaningful name, then "s= " or "s=-" is RECOMMENDED."
  line('s', session_name.empty() ? std::string_view(" ") : std::string_view(session_name));
  if (information) line('i', *information);
  if (uri) line('u', *uri);
  for (const auto& e : emails) line('e', e);
  for (const auto& p : phones) line('p', p);
  if (connection) line('c', connection->ToString());
  for (const auto& b : bandwidths) line('b', b.ToString());
  if (timings.empty()) line('t', "0 0");  // RFC 8866 §5.9: t= is mandatory
  for (const auto& t : timings) {
    line('t', t.ToString());
    for (const auto& r : t.repeats) line('r', r);
  }
  if (time_zones) line('z', *time_zones);
  if (key) line('k', *key);

  for (const auto& g : groups) internal::AppendAttribute(out, "group", g.ToString());
  if (extmap_allow_mixed) internal::AppendAttribute(out, "extmap-allow-mixed");
  for (const auto& s : msid_semantics)
    internal::AppendAttribute(out, "msid-semantic", s.ToString());
  if (ice_lite) internal::AppendAttribute(out, "ice-lite");
  internal::AppendTransportAttributes(transport, out);
  if (direction) internal::AppendAttribute(out, sdp::ToString(*direction));
  for (const auto& e : extmaps) internal::AppendAttribute(out, "extmap", e.ToString());
  for (const auto& a : other_attributes) line('a', a.ToString());
  if (end_of_candidates) internal::AppendAttribute(out, "end-of-candidates");

  for (const auto& m : media) internal::AppendMediaSection(m, out);
  return out;
}

const Group* SessionDescription::FindGroup(std::string_view semantics) const {
  for (const auto& g : groups) {
    if (g.semantics == semantics) return &g;
  }
  return nullptr;
}

const MediaSection* SessionDescription::FindMedia(std::string_view mid) const {
  for (const auto& m : media) {
    if (m.mid && *m.mid == mid) return &m;
  }
  return nullptr;
}

std::optional<std::string_view> SessionDescription::IceUfragFor(const MediaSection& m) const {
  if (m.transport.ice_ufrag) return std::string_view(*m.transport.ice_ufrag);
  if (transport.ice_ufrag) return std::string_view(*transport.ice_ufrag);
  return std::nullopt;
}

std::optional<std::string_view> SessionDescription::IcePwdFor(const MediaSection& m) const {
  if (m.transport.ice_pwd) return std::string_view(*m.transport.ice_pwd);
  if (transport.ice_pwd) return std::string_view(*transport.ice_pwd);
  return std::nullopt;
}

const std::vector<Fingerprint>& SessionDescription::FingerprintsFor(const MediaSection& m) const {
  return m.transport.fingerprints.empty() ? transport.fingerprints : m.transport.fingerprints;
}

std::optional<Setup> SessionDescription::SetupFor(const MediaSection& m) const {
  return m.transport.setup ? m.transport.setup : transport.setup;
}

}  // namespace sluice::sdp
