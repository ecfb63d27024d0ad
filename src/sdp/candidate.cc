#include "sdp/candidate.h"

#include "sdp/sdp_limits.h"
#include "sdp/sdp_tokens.h"

namespace sluice::sdp {
namespace {

// ice-char = ALPHA / DIGIT / "+" / "/"
bool IsIceChars(std::string_view s) {
  for (char c : s) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '/') return false;
  }
  return true;
}

// connection-address: an IPv4/IPv6 literal or an FQDN. We accept the characters those use and
// leave semantic checks to the ICE layer.
bool IsAddressChars(std::string_view s) {
  if (s.empty() || s.size() > kMaxAddressLength) return false;
  for (char c : s) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '.' && c != ':' && c != '-' && c != '_' && c != '%') {
      return false;
    }
  }
  return true;
}

std::optional<uint16_t> ParsePort(std::string_view s) {
  auto v = ParseDecimal(s, 65535, 5);
  if (!v) return std::nullopt;
  return static_cast<uint16_t>(*v);
}

Error Malformed(const char* reason) { return MakeError(ErrorCode::kMalformed, reason); }

}  // namespace

Result<Candidate> Candidate::Parse(std::string_view text) {
  if (text.starts_with("a=")) text.remove_prefix(2);
  if (text.starts_with("candidate:")) text.remove_prefix(10);
  text = TrimTrailingSpace(text);
  if (!IsByteString(text)) return Malformed("candidate contains NUL, CR or LF");
  FieldReader fields(text);
  Candidate c;

  auto foundation = fields.Next();
  if (!foundation) return Malformed("candidate is empty");
  if (foundation->size() > 32 || !IsIceChars(*foundation)) {
    return Malformed("candidate foundation is not 1*32 ice-char");
  }
  c.foundation = std::string(*foundation);

  auto component = fields.Next();
  if (!component) return Malformed("candidate is missing its component id");
  auto component_value = ParseDecimal(*component, 256, 3);
  if (!component_value || *component_value == 0) {
    return Malformed("candidate component id is not 1..256");
  }
  c.component = static_cast<uint16_t>(*component_value);

  auto transport = fields.Next();
  if (!transport) return Malformed("candidate is missing its transport");
  if (!IsToken(*transport)) return Malformed("candidate transport is not a token");
  c.transport = std::string(*transport);

  auto priority = fields.Next();
  if (!priority) return Malformed("candidate is missing its priority");
  auto priority_value = ParseDecimal(*priority, UINT32_MAX, 10);
  if (!priority_value) return Malformed("candidate priority is not a 32-bit number");
  c.priority = static_cast<uint32_t>(*priority_value);

  auto address = fields.Next();
  if (!address) return Malformed("candidate is missing its connection address");
  if (!IsAddressChars(*address)) return Malformed("candidate connection address is invalid");
  c.address = std::string(*address);

  auto port = fields.Next();
  if (!port) return Malformed("candidate is missing its port");
  auto port_value = ParsePort(*port);
  if (!port_value) return Malformed("candidate port is not 0..65535");
  c.port = *port_value;

  auto typ = fields.Next();
  if (!typ) return Malformed("candidate is missing \"typ\"");
  if (*typ != "typ") return Malformed("candidate has no \"typ\" after the port");
  auto type_name = fields.Next();
  if (!type_name) return Malformed("candidate is missing its candidate type");
  if (!IsToken(*type_name)) return Malformed("candidate type is not a token");
  c.type_name = std::string(*type_name);

  // The rest is [raddr X] [rport Y] *(name value): every item is a pair.
  size_t extension_count = 0;
  while (!fields.empty()) {
    auto name = fields.Next();
    auto value = fields.Next();
    if (!value) return Malformed("candidate extension has a name but no value");
    if (*name == "raddr") {
      if (c.related_address) return Malformed("candidate has raddr twice");
      if (!IsAddressChars(*value)) return Malformed("candidate raddr is invalid");
      c.related_address = std::string(*value);
    } else if (*name == "rport") {
      if (c.related_port) return Malformed("candidate has rport twice");
      auto rport = ParsePort(*value);
      if (!rport) return Malformed("candidate rport is not 0..65535");
      c.related_port = *rport;
    } else if (*name == "tcptype") {
      if (c.tcp_type) return Malformed("candidate has tcptype twice");
      if (!IsToken(*value)) return Malformed("candidate tcptype is not a token");
      c.tcp_type = std::string(*value);
    } else {
      if (!IsToken(*name)) return Malformed("candidate extension name is not a token");
      if (++extension_count > kMaxCandidateExtensions) {
        return MakeError(ErrorCode::kExhausted, "candidate has too many extensions");
      }
      c.extensions.emplace_back(std::string(*name), std::string(*value));
    }
  }
  return c;
}

std::string Candidate::ToString() const {
  std::string out = "candidate:";
  out += foundation;
  out += ' ';
  out += std::to_string(component);
  out += ' ';
  out += transport;
  out += ' ';
  out += std::to_string(priority);
  out += ' ';
  out += address;
  out += ' ';
  out += std::to_string(port);
  out += " typ ";
  out += type_name;
  if (related_address) {
    out += " raddr ";
    out += *related_address;
  }
  if (related_port) {
    out += " rport ";
    out += std::to_string(*related_port);
  }
  if (tcp_type) {
    out += " tcptype ";
    out += *tcp_type;
  }
  for (const auto& [name, value] : extensions) {
    out += ' ';
    out += name;
    out += ' ';
    out += value;
  }
  return out;
}

CandidateType Candidate::type() const {
  if (type_name == "host") return CandidateType::kHost;
  if (type_name == "srflx") return CandidateType::kServerReflexive;
  if (type_name == "prflx") return CandidateType::kPeerReflexive;
  if (type_name == "relay") return CandidateType::kRelay;
  return CandidateType::kOther;
}

bool Candidate::is_udp() const { return EqualsIgnoreCase(transport, "udp"); }

std::optional<std::string_view> Candidate::Extension(std::string_view name) const {
  for (const auto& [n, v] : extensions) {
    if (n == name) return std::string_view(v);
  }
  return std::nullopt;
}

}  // namespace sluice::sdp
