// Conversions between StunAddress (the stack's transport address value) and the kernel's
// sockaddr_in / sockaddr_in6. No allocation: both are small values.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include "stun/stun_address.h"

namespace sluice::net {

// Writes `address` into *out and returns the length to pass to bind/sendto.
socklen_t ToSockaddr(const StunAddress& address, sockaddr_storage* out);
// AF_INET or AF_INET6 (anything else gives 0.0.0.0:0).
StunAddress FromSockaddr(const sockaddr_storage& in);
int SocketFamily(const StunAddress& address);  // AF_INET or AF_INET6

}  // namespace sluice::net
