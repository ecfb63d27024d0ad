#include "sdp/sdp_attributes.h"

#include "sdp/sdp_limits.h"
#include "sdp/sdp_tokens.h"

namespace sluice::sdp {
namespace {
Error Malformed(const char* reason) { return MakeError(ErrorCode::kMalformed, reason); }
}  // namespace

std::optional<Direction> ParseDirection(std::string_view name) {
  if (name == "sendrecv") return Direction::kSendRecv;
  if (name == "sendonly") return Direction::kSendOnly;
  if (name == "recvonly") return Direction::kRecvOnly;
  if (name == "inactive") return Direction::kInactive;
  return std::nullopt;
}

const char* ToString(Direction d) {
  switch (d) {
    case Direction::kSendRecv:
      return "sendrecv";
    case Direction::kSendOnly:
      return "sendonly";
    case Direction::kRecvOnly:
      return "recvonly";
    case Direction::kInactive:
      return "inactive";
  }
  return "sendrecv";
}

std::optional<Setup> ParseSetup(std::string_view name) {
  if (name == "actpass") return Setup::kActPass;
  if (name == "active") return Setup::kActive;
  if (name == "passive") return Setup::kPassive;
  if (name == "holdconn") return Setup::kHoldConn;
  return std::nullopt;
}

const char* ToString(Setup s) {
  switch (s) {
    case Setup::kActPass:
      return "actpass";
    case Setup::kActive:
      return "active";
    case Setup::kPassive:
      return "passive";
    case Setup::kHoldConn:
      return "holdconn";
  }
  return "actpass";
}

Result<Group> Group::Parse(std::string_view value) {
  FieldReader fields(value);
  auto semantics = fields.Next();
  if (!semantics || !IsToken(*semantics)) return Malformed("group semantics is not a token");
  Group g;
  g.semantics = std::string(*semantics);
  while (auto mid = fields.Next()) {
    // identification-tag = token (RFC 5888 §4)
    if (!IsToken(*mid)) return Malformed("group identification-tag is not a token");
    if (g.mids.size() >= kMaxFieldsPerLine) {
      return MakeError(ErrorCode::kExhausted, "group lists too many identification-tags");
    }
    g.mids.emplace_back(*mid);
  }
  return g;
}

std::string Group::ToString() const {
  std::string out = semantics;
  for (const auto& mid : mids) {
    out += ' ';
    out += mid;
  }
  return out;
}

Result<MsidSemantic> MsidSemantic::Parse(std::string_view value) {
  // Chromium writes "a=msid-semantic: WMS" (a space after the colon); FieldReader skips it.
  FieldReader fields(value);
  auto semantic = fields.Next();
  if (!semantic || !IsToken(*semantic)) return Malformed("msid-semantic is not a token");
  MsidSemantic m;
  m.semantic = std::string(*semantic);
  while (auto id = fields.Next()) {
    if (m.stream_ids.size() >= kMaxFieldsPerLine) {
      return MakeError(ErrorCode::kExhausted, "msid-semantic lists too many stream ids");
    }
    m.stream_ids.emplace_back(*id);
  }
  return m;
}

std::string MsidSemantic::ToString() const {
  std::string out = semantic;
  for (const auto& id : stream_ids) {
    out += ' ';
    out += id;
  }
  return out;
}

Result<Msid> Msid::Parse(std::string_view value) {
  // msid-id = 1*64token-char ; msid-appdata = 1*64token-char (RFC 8830 §2)
  FieldReader fields(value);
  auto stream = fields.Next();
  if (!stream || !IsToken(*stream)) return Malformed("msid stream id is not a token");
  Msid m;
  m.stream_id = std::string(*stream);
  if (auto track = fields.Next()) {
    if (!IsToken(*track)) return Malformed("msid track id is not a token");
    m.track_id = std::string(*track);
  }
  if (!fields.empty()) return Malformed("msid has more than two fields");
  return m;
}

std::string Msid::ToString() const { return track_id ? stream_id + ' ' + *track_id : stream_id; }

Result<RtcpAttribute> RtcpAttribute::Parse(std::string_view value) {
  FieldReader fields(value);
  auto port = fields.Next();
  auto port_value = port ? ParseDecimal(*port, 65535, 5) : std::nullopt;
  if (!port_value) return Malformed("rtcp port is not 0..65535");
  RtcpAttribute r;
  r.port = static_cast<uint16_t>(*port_value);
  if (!fields.empty()) {
    FieldReader addr(fields.Rest());
    auto nettype = addr.Next();
    auto addrtype = addr.Next();
    auto address = addr.Next();
    if (!address || !addr.empty() || !IsToken(*nettype) || !IsToken(*addrtype)) {
      return Malformed("rtcp address is not \"nettype addrtype address\"");
    }
    r.address = std::string(*nettype) + ' ' + std::string(*addrtype) + ' ' + std::string(*address);
  }
  return r;
}

std::string RtcpAttribute::ToString() const {
  std::string out = std::to_string(port);
  if (address) {
    out += ' ';
    out += *address;
  }
  return out;
}

std::string GenericAttribute::ToString() const { return value ? name + ':' + *value : name; }

}  // namespace sluice::sdp

namespace sluice::sdp::internal {
namespace {

// ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.4)
bool IsIceChars(std::string_view s, size_t min, size_t max) {
  if (s.size() < min || s.size() > max) return false;
  for (char c : s) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '/') return false;
  }
  return true;
}

constexpr size_t kMaxFingerprints = 16;

}  // namespace

std::optional<Result<void>> ParseTransportAttribute(TransportAttributes& t, std::string_view name,
                                                    std::optional<std::string_view> value) {
  if (name == "ice-ufrag") {
    if (t.ice_ufrag) return Malformed("duplicate a=ice-ufrag");
    // ice-ufrag-att = "ice-ufrag:" ufrag ; ufrag = 4*256ice-char
    if (!value || !IsIceChars(*value, 4, 256)) {
      return Malformed("a=ice-ufrag is not 4..256 ice-char");
    }
    t.ice_ufrag = std::string(*value);
    return Ok();
  }
  if (name == "ice-pwd") {
    if (t.ice_pwd) return Malformed("duplicate a=ice-pwd");
    // ice-pwd-att = "ice-pwd:" password ; password = 22*256ice-char
    if (!value || !IsIceChars(*value, 22, 256))
      return Malformed("a=ice-pwd is not 22..256 ice-char");
    t.ice_pwd = std::string(*value);
    return Ok();
  }
  if (name == "ice-options") {
    // ice-options = "ice-options:" ice-option-tag *(SP ice-option-tag); ice-option-tag = 1*ice-char
    if (!value) return Malformed("a=ice-options needs a value");
    FieldReader fields(*value);
    if (fields.empty()) return Malformed("a=ice-options needs a value");
    while (auto tag = fields.Next()) {
      if (!IsToken(*tag)) return Malformed("a=ice-options tag is not a token");
      if (t.ice_options.size() >= kMaxFieldsPerLine) {
        return MakeError(ErrorCode::kExhausted, "a=ice-options lists too many tags");
      }
      t.ice_options.emplace_back(*tag);
    }
    return Ok();
  }
  if (name == "fingerprint") {
    if (!value) return Malformed("a=fingerprint needs a value");
    auto fp = Fingerprint::Parse(*value);
    if (!fp) return fp.error();
    if (t.fingerprints.size() >= kMaxFingerprints) {
      return MakeError(ErrorCode::kExhausted, "too many a=fingerprint lines");
    }
    t.fingerprints.push_back(*fp);
    return Ok();
  }
  if (name == "setup") {
    if (t.setup) return Malformed("duplicate a=setup");
    auto setup = value ? ParseSetup(*value) : std::nullopt;
    if (!setup) return Malformed("a=setup is not actpass/active/passive/holdconn");
    t.setup = *setup;
    return Ok();
  }
  return std::nullopt;
}

void AppendAttribute(std::string& out, std::string_view name, std::string_view value) {
  out += "a=";
  out += name;
  if (!value.empty()) {
    out += ':';
    out += value;
  }
  out += "\r\n";
}

void AppendTransportAttributes(const TransportAttributes& t, std::string& out) {
  if (t.ice_ufrag) AppendAttribute(out, "ice-ufrag", *t.ice_ufrag);
  if (t.ice_pwd) AppendAttribute(out, "ice-pwd", *t.ice_pwd);
  if (!t.ice_options.empty()) {
    std::string options;
    for (const auto& o : t.ice_options) {
      if (!options.empty()) options += ' ';
      options += o;
    }
    AppendAttribute(out, "ice-options", options);
  }
  for (const auto& fp : t.fingerprints) AppendAttribute(out, "fingerprint", fp.ToString());
  if (t.setup) AppendAttribute(out, "setup", ToString(*t.setup));
}

}  // namespace sluice::sdp::internal
