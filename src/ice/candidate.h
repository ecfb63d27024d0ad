// ICE candidates: RFC 8445 §5.1 (gathering, priorities, foundations) and the SDP candidate
// attribute of RFC 8839 §5.1 as text.
//
//   candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP priority
//                         SP connection-address SP port SP cand-type
//                         [SP rel-addr] [SP rel-port] *(SP cand-extension)
//   e.g. "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host"
//
// Only UDP and component 1 (rtcp-mux / bundle) are used. The sdp layer is separate; this file
// implements the one line that ICE signals, so that ice never includes sdp.
// Candidates are control-path objects (std::string foundation); nothing here runs per packet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ice/transport_address.h"
#include "sluice/result.h"

namespace sluice::ice {

enum class CandidateType : uint8_t { kHost, kPeerReflexive, kServerReflexive, kRelay };

const char* ToString(CandidateType type);  // "host", "prflx", "srflx", "relay"

// RFC 8445 §5.1.2.2: "The RECOMMENDED values for type preferences are 126 for host candidates,
// 110 for peer-reflexive candidates, 100 for server-reflexive candidates, and 0 for relayed
// candidates."
uint32_t TypePreference(CandidateType type);

// RFC 8445 §5.1.2.1:
//   priority = (2^24)*(type preference) + (2^8)*(local preference) + (2^0)*(256 - component ID)
uint32_t ComputePriority(CandidateType type, uint16_t local_preference, uint8_t component = 1);

// RFC 8421 §4 local preference for the `index`-th (0-based) host address of its family, in the
// caller's order: IPv6 and IPv4 interleave with IPv6 first ("2001:db8::1" 65535, "192.0.2.1"
// 65534, second IPv6 65533, ...) so that checks alternate families like Happy Eyeballs.
uint16_t HostLocalPreference(AddressFamily family, uint32_t index);

// RFC 8445 §6.1.2.3: "Let G be the priority for the candidate provided by the controlling
// agent. Let D be the priority for the candidate provided by the controlled agent.
//   pair priority = 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0)"
constexpr uint64_t CandidatePairPriority(uint32_t controlling, uint32_t controlled) {
  uint64_t g = controlling, d = controlled;
  return ((g < d ? g : d) << 32) + 2 * (g > d ? g : d) + (g > d ? 1 : 0);
}

struct Candidate {
  std::string foundation;  // 1..32 ice-chars
  uint8_t component = 1;
  uint32_t priority = 0;
  TransportAddress address;
  CandidateType type = CandidateType::kHost;
  // srflx / prflx / relay: the related address (the base for local ones); unset for host.
  std::optional<TransportAddress> related;

  // The local preference the priority was built from (local candidates only).
  uint16_t local_preference() const { return static_cast<uint16_t>((priority >> 8) & 0xFFFF); }

  // "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host" (no "a=", no CRLF).
  std::string ToSdpString() const;
  // Accepts the line with or without "a=" and with or without "candidate:"; ignores trailing
  // extensions ("generation 0", "ufrag x", "network-id 1"). TCP candidates and mDNS host names
  // (".local") are kUnsupported.
  static Result<Candidate> FromSdpString(std::string_view line);

  friend bool operator==(const Candidate&, const Candidate&) = default;
};

// RFC 8445 §5.1.1.3: the same foundation for candidates of the same type, base IP address and
// STUN server. Returns a short decimal string derived from those (deterministic).
std::string ComputeFoundation(CandidateType type, const TransportAddress& base,
                              const std::optional<TransportAddress>& server = std::nullopt);

}  // namespace sluice::ice
