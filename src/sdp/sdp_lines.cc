#include "sdp/sdp_lines.h"

#include "sdp/sdp_limits.h"
#include "sdp/sdp_tokens.h"

namespace sluice::sdp {
namespace {

Error Malformed(const char* reason) { return MakeError(ErrorCode::kMalformed, reason); }

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// proto = token *("/" token)
bool IsProto(std::string_view s) {
  if (s.empty() || s.front() == '/' || s.back() == '/') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '/') {
      if (s[i - 1] == '/') return false;
    } else if (!IsTokenChar(s[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<Origin> Origin::Parse(std::string_view value) {
  FieldReader f(value);
  auto username = f.Next(), id = f.Next(), version = f.Next();
  auto nettype = f.Next(), addrtype = f.Next(), address = f.Next();
  if (!address) return Malformed("o= line needs 6 fields");
  if (!f.empty()) return Malformed("o= line has more than 6 fields");
  if (!IsDigits(*id) || id->size() > 32) return Malformed("o= line sess-id is not a number");
  if (!IsDigits(*version) || version->size() > 32) {
    return Malformed("o= line sess-version is not a number");
  }
  if (!IsToken(*nettype) || !IsToken(*addrtype)) {
    return Malformed("o= line nettype or addrtype is not a token");
  }
  return Origin{std::string(*username), std::string(*id),       std::string(*version),
                std::string(*nettype),  std::string(*addrtype), std::string(*address)};
}

std::string Origin::ToString() const {
  return username + ' ' + session_id + ' ' + session_version + ' ' + network_type + ' ' +
         address_type + ' ' + address;
}

Result<Connection> Connection::Parse(std::string_view value) {
  FieldReader f(value);
  auto nettype = f.Next(), addrtype = f.Next(), address = f.Next();
  if (!address) return Malformed("c= line needs nettype, addrtype and address");
  if (!f.empty()) return Malformed("c= line has more than 3 fields");
  if (!IsToken(*nettype) || !IsToken(*addrtype)) {
    return Malformed("c= line nettype or addrtype is not a token");
  }
  return Connection{std::string(*nettype), std::string(*addrtype), std::string(*address)};
}

std::string Connection::ToString() const {
  return network_type + ' ' + address_type + ' ' + address;
}

Result<Bandwidth> Bandwidth::Parse(std::string_view value) {
  const size_t colon = value.find(':');
  if (colon == std::string_view::npos) return Malformed("b= line is not bwtype:bandwidth");
  const std::string_view type = value.substr(0, colon);
  if (!IsToken(type)) return Malformed("b= line bwtype is not a token");
  auto bw = ParseDecimal(value.substr(colon + 1), UINT64_MAX, 20);
  if (!bw) return Malformed("b= line bandwidth is not a number");
  return Bandwidth{std::string(type), *bw};
}

std::string Bandwidth::ToString() const { return type + ':' + std::to_string(value); }

Result<Timing> Timing::Parse(std::string_view value) {
  FieldReader f(value);
  auto start = f.Next(), stop = f.Next();
  if (!stop || !f.empty()) return Malformed("t= line is not \"start stop\"");
  auto start_value = ParseDecimal(*start, UINT64_MAX, 20);
  auto stop_value = ParseDecimal(*stop, UINT64_MAX, 20);
  if (!start_value || !stop_value) return Malformed("t= line times are not numbers");
  return Timing{*start_value, *stop_value, {}};
}

std::string Timing::ToString() const { return std::to_string(start) + ' ' + std::to_string(stop); }

Result<MediaLine> MediaLine::Parse(std::string_view value) {
  FieldReader f(value);
  auto media = f.Next(), port = f.Next(), proto = f.Next();
  if (!proto) return Malformed("m= line needs media, port, proto and formats");
  if (!IsToken(*media)) return Malformed("m= line media is not a token");
  MediaLine m;
  m.media = std::string(*media);

  std::string_view port_text = *port;
  const size_t slash = port_text.find('/');
  if (slash != std::string_view::npos) {
    auto count = ParseDecimal(port_text.substr(slash + 1), UINT32_MAX, 10);
    if (!count) return Malformed("m= line port count is not a number");
    m.port_count = static_cast<uint32_t>(*count);
    port_text = port_text.substr(0, slash);
  }
  auto port_value = ParseDecimal(port_text, 65535, 5);
  if (!port_value) return Malformed("m= line port is not 0..65535");
  m.port = static_cast<uint16_t>(*port_value);

  if (!IsProto(*proto)) return Malformed("m= line proto is not token *(\"/\" token)");
  m.proto = std::string(*proto);

  const bool rtp = m.is_rtp();
  while (auto fmt = f.Next()) {
    if (!IsToken(*fmt)) return Malformed("m= line format is not a token");
    if (rtp && !ParseDecimal(*fmt, 127, 3)) return Malformed("m= line payload type is not 0..127");
    if (m.formats.size() >= kMaxFieldsPerLine) {
      return MakeError(ErrorCode::kExhausted, "m= line has too many formats");
    }
    m.formats.emplace_back(*fmt);
  }
  // RFC 8866 §5.14: media-field ... 1*(SP fmt)
  if (m.formats.empty()) return Malformed("m= line has no formats");
  return m;
}

std::string MediaLine::ToString() const {
  std::string out = media;
  out += ' ';
  out += std::to_string(port);
  if (port_count) {
    out += '/';
    out += std::to_string(*port_count);
  }
  out += ' ';
  out += proto;
  for (const auto& fmt : formats) {
    out += ' ';
    out += fmt;
  }
  return out;
}

bool MediaLine::is_rtp() const {
  // "RTP/AVP", "RTP/SAVPF", "UDP/TLS/RTP/SAVPF", "TCP/DTLS/RTP/SAVPF", ...
  std::string_view p = proto;
  while (!p.empty()) {
    const size_t slash = p.find('/');
    if (p.substr(0, slash) == "RTP") return true;
    if (slash == std::string_view::npos) break;
    p = p.substr(slash + 1);
  }
  return false;
}

}  // namespace sluice::sdp
