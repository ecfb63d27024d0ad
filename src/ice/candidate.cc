#include "ice/candidate.h"

#include <charconv>
#include <vector>

#include "common/ascii.h"

namespace sluice::ice {
namespace {

constexpr size_t kMaxFoundation = 32;

bool IsIceChar(char c) {
  // RFC 8839: ice-char = ALPHA / DIGIT / "+" / "/"
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

template <typename T>
bool ParseNumber(std::string_view s, T& out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

const char* ToString(CandidateType type) {
  switch (type) {
    case CandidateType::kHost: return "host";
    case CandidateType::kPeerReflexive: return "prflx";
    case CandidateType::kServerReflexive: return "srflx";
    case CandidateType::kRelay: return "relay";
  }
  return "host";
}

uint32_t TypePreference(CandidateType type) {
  switch (type) {
    case CandidateType::kHost: return 126;
    case CandidateType::kPeerReflexive: return 110;
    case CandidateType::kServerReflexive: return 100;
    case CandidateType::kRelay: return 0;
  }
  return 0;
}

uint32_t ComputePriority(CandidateType type, uint16_t local_preference, uint8_t component) {
  return (TypePreference(type) << 24) + (uint32_t{local_preference} << 8) +
         (256u - uint32_t{component});
}

uint16_t HostLocalPreference(AddressFamily family, uint32_t index) {
  uint32_t rank = 2 * index + (family == AddressFamily::kIpv6 ? 0 : 1);
  if (rank > 65535) rank = 65535;
  return static_cast<uint16_t>(65535 - rank);
}

std::string ComputeFoundation(CandidateType type, const TransportAddress& base,
                              const std::optional<TransportAddress>& server) {
  // FNV-1a over (type, base IP, server address): equal inputs give equal foundations.
  uint32_t h = 2166136261u;
  auto mix = [&h](uint8_t b) {
    h ^= b;
    h *= 16777619u;
  };
  mix(static_cast<uint8_t>(type));
  for (uint8_t b : base.address()) mix(b);
  if (server) {
    for (uint8_t b : server->address()) mix(b);
    mix(static_cast<uint8_t>(server->port() >> 8));
    mix(static_cast<uint8_t>(server->port()));
  }
  return std::to_string(h);
}

std::string Candidate::ToSdpString() const {
  std::string out = "candidate:" + foundation + " " + std::to_string(component) + " udp " +
                    std::to_string(priority) + " " + IpString(address) + " " +
                    std::to_string(address.port()) + " typ " + ToString(type);
  if (related) {
    out += " raddr " + IpString(*related) + " rport " + std::to_string(related->port());
  }
  return out;
}

Result<Candidate> Candidate::FromSdpString(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.substr(0, 2) == "a=") line.remove_prefix(2);
  if (line.substr(0, 10) == "candidate:") line.remove_prefix(10);

  std::vector<std::string_view> tok;
  size_t pos = 0;
  while (pos < line.size()) {
    size_t end = line.find(' ', pos);
    if (end == std::string_view::npos) end = line.size();
    if (end > pos) tok.push_back(line.substr(pos, end - pos));
    pos = end + 1;
  }
  if (tok.size() < 8) return MakeError(ErrorCode::kMalformed, "candidate line has too few fields");

  Candidate c;
  if (tok[0].empty() || tok[0].size() > kMaxFoundation) {
    return MakeError(ErrorCode::kMalformed, "candidate foundation must be 1-32 ice-chars");
  }
  for (char ch : tok[0]) {
    if (!IsIceChar(ch)) return MakeError(ErrorCode::kMalformed, "candidate foundation has a non ice-char");
  }
  c.foundation = std::string(tok[0]);
  uint32_t component = 0;
  if (!ParseNumber(tok[1], component) || component < 1 || component > 256) {
    return MakeError(ErrorCode::kMalformed, "candidate component id must be 1-256");
  }
  if (component != 1) return MakeError(ErrorCode::kUnsupported, "only component 1 (rtcp-mux) is supported");
  c.component = 1;
  if (!EqualsIgnoreCase(tok[2], "udp")) {
    return MakeError(ErrorCode::kUnsupported, "only UDP candidates are supported");
  }
  if (!ParseNumber(tok[3], c.priority) || c.priority == 0) {
    return MakeError(ErrorCode::kMalformed, "candidate priority must be 1-(2^31-1)");
  }
  uint32_t port = 0;
  if (!ParseNumber(tok[5], port) || port > 65535) {
    return MakeError(ErrorCode::kMalformed, "candidate port must be 0-65535");
  }
  auto addr = ParseIp(tok[4], static_cast<uint16_t>(port));
  if (!addr) {
    if (tok[4].size() > 6 && tok[4].substr(tok[4].size() - 6) == ".local") {
      return MakeError(ErrorCode::kUnsupported, "mDNS host-name candidates are not supported");
    }
    return MakeError(ErrorCode::kMalformed, "candidate address is not an IP literal");
  }
  c.address = *addr;
  if (tok[6] != "typ") return MakeError(ErrorCode::kMalformed, "candidate line lacks 'typ'");
  if (tok[7] == "host") c.type = CandidateType::kHost;
  else if (tok[7] == "srflx") c.type = CandidateType::kServerReflexive;
  else if (tok[7] == "prflx") c.type = CandidateType::kPeerReflexive;
  else if (tok[7] == "relay") c.type = CandidateType::kRelay;
  else return MakeError(ErrorCode::kMalformed, "unknown candidate type");

  // Extensions come as name/value pairs; raddr/rport are the ones ICE uses.
  std::optional<std::string_view> raddr;
  std::optional<uint16_t> rport;
  for (size_t i = 8; i + 1 < tok.size(); i += 2) {
    if (tok[i] == "raddr") raddr = tok[i + 1];
    else if (tok[i] == "rport") {
      uint32_t p = 0;
      if (!ParseNumber(tok[i + 1], p) || p > 65535) {
        return MakeError(ErrorCode::kMalformed, "candidate rport must be 0-65535");
      }
      rport = static_cast<uint16_t>(p);
    }
  }
  if (raddr) {
    auto r = ParseIp(*raddr, rport.value_or(0));
    if (!r) return MakeError(ErrorCode::kMalformed, "candidate raddr is not an IP literal");
    c.related = *r;
  }
  return c;
}

}  // namespace sluice::ice
