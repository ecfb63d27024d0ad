// Helpers for the net tests: a plain kernel UDP socket (the peer the loop talks to) and a
// receiver that records what the loop delivers.
#pragma once

#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "net/loop_core.h"
#include "net/socket_address.h"

namespace sluice::net::test {

inline StunAddress Loopback4(uint16_t port = 0) { return StunAddress::Ipv4({127, 0, 0, 1}, port); }
inline StunAddress Loopback6(uint16_t port = 0) {
  return StunAddress::Ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, port);
}

// A blocking-with-timeout kernel UDP socket, outside any loop.
class PlainSocket {
 public:
  explicit PlainSocket(const StunAddress& bind_to) {
    fd_ = socket(SocketFamily(bind_to), SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    const int bytes = 4 << 20;  // room for bursts (SO_RCVBUFFORCE needs CAP_NET_ADMIN)
    if (setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) != 0)
      setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
    sockaddr_storage a;
    socklen_t len = ToSockaddr(bind_to, &a);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0) {
      close(fd_);
      fd_ = -1;
      return;
    }
    sockaddr_storage b{};
    socklen_t blen = sizeof(b);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&b), &blen);
    local_ = FromSockaddr(b);
  }
  ~PlainSocket() {
    if (fd_ >= 0) close(fd_);
  }
  PlainSocket(const PlainSocket&) = delete;
  PlainSocket& operator=(const PlainSocket&) = delete;

  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  const StunAddress& local() const { return local_; }

  bool SendTo(const StunAddress& to, std::span<const uint8_t> data) const {
    sockaddr_storage a;
    socklen_t len = ToSockaddr(to, &a);
    return sendto(fd_, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&a), len) ==
           static_cast<ssize_t>(data.size());
  }
  // One GSO send of `count` segments of `segment` bytes (the last may be shorter).
  bool SendGso(const StunAddress& to, std::span<const uint8_t> data, uint16_t segment) const {
    sockaddr_storage a;
    socklen_t len = ToSockaddr(to, &a);
    iovec iov{const_cast<uint8_t*>(data.data()), data.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(uint16_t))] = {};
    msghdr h{};
    h.msg_name = &a;
    h.msg_namelen = len;
    h.msg_iov = &iov;
    h.msg_iovlen = 1;
    h.msg_control = control;
    h.msg_controllen = sizeof(control);
    cmsghdr* c = CMSG_FIRSTHDR(&h);
    c->cmsg_level = SOL_UDP;
    c->cmsg_type = 103;  // UDP_SEGMENT
    c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    std::memcpy(CMSG_DATA(c), &segment, sizeof(segment));
    return sendmsg(fd_, &h, 0) == static_cast<ssize_t>(data.size());
  }
  // Receives one datagram within `timeout`; nullopt on timeout.
  std::optional<std::vector<uint8_t>> Receive(std::chrono::milliseconds timeout,
                                              StunAddress* from = nullptr) const {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    std::vector<uint8_t> buf(65536);
    sockaddr_storage a{};
    socklen_t alen = sizeof(a);
    const ssize_t n =
        recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&a), &alen);
    if (n < 0) return std::nullopt;
    buf.resize(static_cast<size_t>(n));
    if (from) *from = FromSockaddr(a);
    return buf;
  }

 private:
  int fd_ = -1;
  StunAddress local_;
};

struct Received {
  StunAddress local, remote;
  std::vector<uint8_t> data;
};

// Records datagrams and timeouts; optional hooks run inside the callbacks.
class RecordingReceiver : public DatagramReceiver {
 public:
  void OnDatagram(Instant now, const StunAddress& local, const StunAddress& remote,
                  std::span<const uint8_t> datagram) override {
    last_now = now;
    if (record) received.push_back({local, remote, {datagram.begin(), datagram.end()}});
    ++count;
    if (on_datagram) on_datagram(remote, datagram);
  }
  void OnTimeout(Instant now) override {
    timeouts.push_back(now);
    if (on_timeout) on_timeout(now);
  }
  bool record = true;
  size_t count = 0;
  Instant last_now{};
  std::vector<Received> received;
  std::vector<Instant> timeouts;
  std::function<void(const StunAddress&, std::span<const uint8_t>)> on_datagram;
  std::function<void(Instant)> on_timeout;
};

// Runs the core until pred() or the time limit passes; returns pred().
template <class Pred>
bool RunUntil(LoopCore& core, Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    core.RunOnce(std::chrono::milliseconds(10));
  }
  return true;
}

inline std::vector<uint8_t> Pattern(size_t size, uint8_t seed) {
  std::vector<uint8_t> v(size);
  for (size_t i = 0; i < size; ++i) v[i] = static_cast<uint8_t>(seed + i * 7);
  return v;
}

}  // namespace sluice::net::test
