// The network loop's datagram paths beside the bare syscalls they are built on, on the same
// socket setup in the same run (DESIGN.md §10):
//  - receive: a burst of 64 x 1200-byte datagrams through LoopCore::RunOnce (epoll, recvmmsg
//    into pool slots, GRO split, delivery to a receiver) vs a bare recvmmsg loop on an
//    identically configured socket; the burst arrives either as 64 datagrams or as one GSO
//    batch that the kernel hands over unsplit (UDP_GRO);
//  - send: 64 x 1200 bytes through LoopCore::SendTo + Flush (copy into the batch, sendmmsg with
//    UDP_SEGMENT runs) vs a bare sendmmsg of the same datagrams, with and without GSO.
// Each benchmark runs on one thread (the loop is driven with RunOnce), times per datagram.
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <memory>
#include <vector>

#include "bench_util.h"
#include "net/loop_core.h"
#include "net/socket_address.h"

namespace sluice::net {
namespace {

constexpr int kBurst = 64;
constexpr size_t kSize = 1200;
constexpr uint16_t kSegment = kSize;
constexpr int kUdpSegment = 103;  // UDP_SEGMENT
constexpr int kUdpGro = 104;      // UDP_GRO

StunAddress Loopback() { return StunAddress::Ipv4({127, 0, 0, 1}, 0); }

int RawSocket(bool gro) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int bytes = 4 << 20, one = 1;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes));
  setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof(bytes));
  if (gro) setsockopt(fd, SOL_UDP, kUdpGro, &one, sizeof(one));
  sockaddr_storage a;
  const socklen_t len = ToSockaddr(Loopback(), &a);
  bind(fd, reinterpret_cast<sockaddr*>(&a), len);
  return fd;
}

StunAddress LocalOf(int fd) {
  sockaddr_storage a{};
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return FromSockaddr(a);
}

// Sends the burst from `fd` to `to`: 64 datagrams in one sendmmsg, or one GSO message per
// <= 54 segments (the 64 KiB limit).
class BurstSender {
 public:
  BurstSender(const StunAddress& to, bool gso) : gso_(gso) {
    fd_ = RawSocket(false);
    to_len_ = ToSockaddr(to, &to_);
    for (size_t i = 0; i < data_.size(); ++i) data_[i] = static_cast<uint8_t>(i * 31);
  }
  ~BurstSender() { close(fd_); }
  void Send() {
    if (!gso_) {
      std::array<mmsghdr, kBurst> m{};
      std::array<iovec, kBurst> iov;
      for (int i = 0; i < kBurst; ++i) {
        iov[i] = {data_.data() + i * kSize, kSize};
        m[i].msg_hdr.msg_name = &to_;
        m[i].msg_hdr.msg_namelen = to_len_;
        m[i].msg_hdr.msg_iov = &iov[i];
        m[i].msg_hdr.msg_iovlen = 1;
      }
      sendmmsg(fd_, m.data(), kBurst, 0);
      return;
    }
    for (int first = 0; first < kBurst;) {
      const int n = std::min(kBurst - first, 54);
      SendGso(fd_, to_, to_len_, data_.data() + first * kSize, n * kSize);
      first += n;
    }
  }
  static void SendGso(int fd, sockaddr_storage& to, socklen_t to_len, uint8_t* data,
                      size_t bytes) {
    iovec iov{data, bytes};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(uint16_t))] = {};
    msghdr h{};
    h.msg_name = &to;
    h.msg_namelen = to_len;
    h.msg_iov = &iov;
    h.msg_iovlen = 1;
    h.msg_control = control;
    h.msg_controllen = sizeof(control);
    cmsghdr* c = CMSG_FIRSTHDR(&h);
    c->cmsg_level = SOL_UDP;
    c->cmsg_type = kUdpSegment;
    c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    std::memcpy(CMSG_DATA(c), &kSegment, sizeof(kSegment));
    sendmsg(fd, &h, 0);
  }

 private:
  bool gso_;
  int fd_;
  sockaddr_storage to_;
  socklen_t to_len_;
  std::array<uint8_t, kBurst * kSize> data_;
};

class CountingReceiver : public DatagramReceiver {
 public:
  void OnDatagram(Instant, const StunAddress&, const StunAddress&,
                  std::span<const uint8_t> d) override {
    ++count;
    checksum += d[d.size() - 1];
  }
  void OnTimeout(Instant) override {}
  uint64_t count = 0;
  uint64_t checksum = 0;
};

void BM_NetReceive(benchmark::State& state) {
  const bool gso_sender = state.range(0) != 0;
  auto core = std::move(LoopCore::Create({.packet_pool_slots = 64})).value();
  CountingReceiver rx;
  auto id = *core->OpenUdpSocket(Loopback(), &rx);
  BurstSender sender(core->local_address(id), gso_sender);
  sluice::bench::AllocationCounter allocs;
  uint64_t target = 0;
  for (auto _ : state) {
    state.PauseTiming();
    sender.Send();
    target += kBurst;
    state.ResumeTiming();
    while (rx.count < target) core->RunOnce(std::chrono::milliseconds(100));
  }
  allocs.Finish(state);
  benchmark::DoNotOptimize(rx.checksum);
  state.SetItemsProcessed(static_cast<int64_t>(rx.count));
  state.SetBytesProcessed(static_cast<int64_t>(rx.count * kSize));
  state.counters["gro_batches/burst"] = benchmark::Counter(
      static_cast<double>(core->stats().gro_batches), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_NetReceive)->Arg(0)->Arg(1)->ArgName("gso_sender");

// The limit: recvmmsg on a socket with the same options (GRO on, 4 MiB buffer) into a static
// array of 64 KiB buffers, counting datagrams from the GRO segment size. No epoll, no delivery.
void BM_Limit_RecvmmsgBare(benchmark::State& state) {
  const bool gso_sender = state.range(0) != 0;
  const int fd = RawSocket(true);
  BurstSender sender(LocalOf(fd), gso_sender);
  constexpr int kBatch = 64;
  static std::array<std::array<uint8_t, 65536>, kBatch> buffers;
  std::array<mmsghdr, kBatch> m{};
  std::array<iovec, kBatch> iov;
  std::array<std::array<uint8_t, 64>, kBatch> control;
  sluice::bench::AllocationCounter allocs;
  uint64_t count = 0, target = 0, checksum = 0;
  for (auto _ : state) {
    state.PauseTiming();
    sender.Send();
    target += kBurst;
    state.ResumeTiming();
    while (count < target) {
      for (int i = 0; i < kBatch; ++i) {
        iov[i] = {buffers[i].data(), buffers[i].size()};
        m[i].msg_hdr.msg_iov = &iov[i];
        m[i].msg_hdr.msg_iovlen = 1;
        m[i].msg_hdr.msg_control = control[i].data();
        m[i].msg_hdr.msg_controllen = control[i].size();
      }
      const int n = recvmmsg(fd, m.data(), kBatch, MSG_DONTWAIT, nullptr);
      for (int i = 0; i < n; ++i) {
        size_t segment = m[i].msg_len;
        for (cmsghdr* c = CMSG_FIRSTHDR(&m[i].msg_hdr); c; c = CMSG_NXTHDR(&m[i].msg_hdr, c)) {
          if (c->cmsg_level == SOL_UDP && c->cmsg_type == kUdpGro) {
            int s;
            std::memcpy(&s, CMSG_DATA(c), sizeof(s));
            segment = static_cast<size_t>(s);
          }
        }
        for (size_t off = 0; off < m[i].msg_len; off += segment) {
          ++count;
          checksum += buffers[i][std::min<size_t>(off + segment, m[i].msg_len) - 1];
        }
      }
    }
  }
  allocs.Finish(state);
  benchmark::DoNotOptimize(checksum);
  state.SetItemsProcessed(static_cast<int64_t>(count));
  state.SetBytesProcessed(static_cast<int64_t>(count * kSize));
  close(fd);
}
BENCHMARK(BM_Limit_RecvmmsgBare)->Arg(0)->Arg(1)->ArgName("gso_sender");
SLUICE_COMPARE("BM_NetReceive/gso_sender:0", "BM_Limit_RecvmmsgBare/gso_sender:0");
SLUICE_COMPARE("BM_NetReceive/gso_sender:1", "BM_Limit_RecvmmsgBare/gso_sender:1");

// Send: 64 x SendTo + Flush to a sink that nobody reads (once its buffer is full the kernel
// drops at the sink, the same for ours and the limit).
void BM_NetSend(benchmark::State& state) {
  const bool gso = state.range(0) != 0;
  auto core = std::move(LoopCore::Create({.packet_pool_slots = 64, .udp_gso = gso})).value();
  CountingReceiver rx;
  auto id = *core->OpenUdpSocket(Loopback(), &rx);
  const int sink = RawSocket(false);
  const StunAddress to = LocalOf(sink);
  std::vector<uint8_t> data(kSize, 7);
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    for (int i = 0; i < kBurst; ++i) (void)core->SendTo(id, to, data);
    core->Flush();
  }
  allocs.Finish(state);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBurst));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kBurst * kSize));
  state.counters["dropped"] = static_cast<double>(core->stats().send_dropped);
  close(sink);
}
BENCHMARK(BM_NetSend)->Arg(0)->Arg(1)->ArgName("gso");

// The limit: the same 64 datagrams from a prebuilt buffer, one sendmmsg (gso:0) or GSO
// messages of <= 54 segments (gso:1), on a socket with the same options.
void BM_Limit_SendmmsgBare(benchmark::State& state) {
  const bool gso = state.range(0) != 0;
  const int fd = RawSocket(false);
  const int sink = RawSocket(false);
  sockaddr_storage to;
  const socklen_t to_len = ToSockaddr(LocalOf(sink), &to);
  std::vector<uint8_t> data(kBurst * kSize, 7);
  std::array<mmsghdr, kBurst> m{};
  std::array<iovec, kBurst> iov;
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    if (gso) {
      for (int first = 0; first < kBurst;) {
        const int n = std::min(kBurst - first, 54);
        BurstSender::SendGso(fd, to, to_len, data.data() + first * kSize, n * kSize);
        first += n;
      }
    } else {
      for (int i = 0; i < kBurst; ++i) {
        iov[i] = {data.data() + i * kSize, kSize};
        m[i].msg_hdr.msg_name = &to;
        m[i].msg_hdr.msg_namelen = to_len;
        m[i].msg_hdr.msg_iov = &iov[i];
        m[i].msg_hdr.msg_iovlen = 1;
      }
      sendmmsg(fd, m.data(), kBurst, 0);
    }
  }
  allocs.Finish(state);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBurst));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kBurst * kSize));
  close(fd);
  close(sink);
}
BENCHMARK(BM_Limit_SendmmsgBare)->Arg(0)->Arg(1)->ArgName("gso");
SLUICE_COMPARE("BM_NetSend/gso:0", "BM_Limit_SendmmsgBare/gso:0");
SLUICE_COMPARE("BM_NetSend/gso:1", "BM_Limit_SendmmsgBare/gso:1");

}  // namespace
}  // namespace sluice::net
