// Local addresses for host candidates and binding a UDP socket inside a port range.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "net/loop_core.h"
#include "sluice/configuration.h"
#include "sluice/result.h"
#include "stun/stun_address.h"

namespace sluice::net {

// The addresses to bind per Configuration: bind_addresses parsed ("127.0.0.1", "::1"; a
// wildcard is refused), or else every up interface address (IPv6 only with enable_ipv6; no
// link-local IPv6, which needs a scope id that candidates cannot carry), loopback only when
// nothing else exists. Port 0 in every result.
Result<std::vector<StunAddress>> HostAddresses(const Configuration& config);

// The same address with another port.
StunAddress WithPort(const StunAddress& address, uint16_t port);

// Parses one address without a port ("192.0.2.7", "::1", "[::1]").
std::optional<StunAddress> ParseIpAddress(const std::string& text);

// Opens a socket on `address` with a port in [begin, end] (0/0: the kernel picks). Ports are
// tried from a position derived from `start_hint` so that PeerConnections spread over the range.
Result<SocketId> BindInRange(LoopCore& core, const StunAddress& address, uint16_t begin,
                             uint16_t end, uint32_t start_hint, DatagramReceiver* receiver);

}  // namespace sluice::net
