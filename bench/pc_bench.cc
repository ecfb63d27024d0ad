// sluice <-> sluice through the public API over real loopback UDP (issue 6 goals in brackets):
//  - DataChannel bulk throughput, 64 B and 64 KiB messages [>= 1 Gbps], per MiB delivered,
//    beside the limit: 1 MiB of 1200-byte datagrams through bare sendmmsg/recvmmsg on loopback;
//  - 1 KiB echo round trip, p50/p99 [p99 <= 150 us], beside a bare UDP 1 KiB round trip;
//  - offer -> first DataChannel message at the answerer [median <= 2 ms, none over 10 ms],
//    median, p90 and max over 100 connects.
// Throughput and echo run with both PeerConnections on one EventLoop (loops:1) and with one
// loop per side (loops:2: two threads in parallel, usrsctp shared, src/sctp/usrsctp_library.h);
// the benchmark thread signals and waits. Every benchmark stops its loops before it returns.
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "net/loop_core.h"
#include "net/socket_address.h"
#include "sluice/event_loop.h"
#include "sluice/peer_connection.h"

namespace sluice {
namespace {

using Steady = std::chrono::steady_clock;

// Polls pred() every `interval` (long by default: the benchmark thread stays off the loop's
// CPU on a 2-core machine) for at most 20 s.
template <class Pred>
bool WaitUntil(Pred pred, std::chrono::microseconds interval = std::chrono::microseconds(500)) {
  const auto end = Steady::now() + std::chrono::seconds(20);
  while (!pred()) {
    if (Steady::now() > end) return false;
    std::this_thread::sleep_for(interval);
  }
  return true;
}

Configuration Loopback() {
  Configuration c;
  c.bind_addresses = {"127.0.0.1"};
  return c;
}

// Two connected PeerConnections and an open channel a -> b: both on one loop (one thread for
// both sides, like a server), or each on its own loop (one core per side, as two processes).
struct Pair {
  std::unique_ptr<EventLoop> loop, b_loop_owned;
  EventLoop* b_loop = nullptr;  // loop, or b_loop_owned
  std::shared_ptr<PeerConnection> a, b;
  std::shared_ptr<DataChannel> a_dc;
  std::shared_ptr<DataChannel> b_dc;  // set on b's loop thread
  std::atomic<bool> open{false};
  std::atomic<bool> b_ready{false};

  bool Connect(int loops = 1, const DataChannelInit& init = {}) {
    loop = std::move(EventLoop::Create()).value();
    if (!loop->Start().ok()) return false;
    b_loop = loop.get();
    if (loops == 2) {
      b_loop_owned = std::move(EventLoop::Create()).value();
      if (!b_loop_owned->Start().ok()) return false;
      b_loop = b_loop_owned.get();
    }
    a = std::move(PeerConnection::Create(*loop, Loopback())).value();
    b = std::move(PeerConnection::Create(*b_loop, Loopback())).value();
    b->OnDataChannel([this](std::shared_ptr<DataChannel> dc) {
      b_dc = dc;
      b_ready = true;
    });
    a_dc = std::move(a->CreateDataChannel("bench", init)).value();
    a_dc->OnOpen([this] { open = true; });
    if (!a->SetLocalDescription().ok()) return false;
    if (!b->SetRemoteDescription(*a->local_description()).ok()) return false;
    if (!b->SetLocalDescription().ok()) return false;
    if (!a->SetRemoteDescription(*b->local_description()).ok()) return false;
    return WaitUntil([&] { return open.load() && b_ready.load(); });
  }
  // Both loops' counters, summed.
  net::LoopStats Stats() {
    net::LoopStats s = loop->Invoke([&] { return loop->core().stats(); });
    if (b_loop != loop.get()) {
      const net::LoopStats t = b_loop->Invoke([&] { return b_loop->core().stats(); });
      s.iterations += t.iterations;
      s.datagrams_sent += t.datagrams_sent;
      s.bytes_sent += t.bytes_sent;
      s.send_calls += t.send_calls;
      s.recv_calls += t.recv_calls;
      s.send_dropped += t.send_dropped;
      s.receive_dropped += t.receive_dropped;
      s.receiver_wakes += t.receiver_wakes;
    }
    return s;
  }
  // CPU time each loop thread has used so far (read on its own thread): a figure that holds on
  // a loaded machine, where wall-clock rates depend on who else runs. {a's loop, b's loop}; b's
  // is 0 with one loop.
  std::pair<double, double> LoopCpuSeconds() {
    auto cpu = [] {
      timespec ts{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
    };
    const double a_cpu = loop->Invoke(cpu);
    return {a_cpu, b_loop != loop.get() ? b_loop->Invoke(cpu) : 0.0};
  }
  void Close() {
    if (a) a->Close();
    if (b) b->Close();
    if (loop) loop->Stop();
    if (b_loop_owned) b_loop_owned->Stop();
  }
  ~Pair() { Close(); }
};

// ---- Bulk throughput ---------------------------------------------------------------------------

constexpr uint64_t kMiB = 1 << 20;

// Args: message bytes; loops (1: both PeerConnections on one loop, one thread for both sides;
// 2: one loop, one thread, per side).
void BM_PcDataChannelThroughput(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  Pair p;
  if (!p.Connect(static_cast<int>(state.range(1)))) {
    state.SkipWithError("connect failed");
    return;
  }
  std::atomic<uint64_t> received{0};
  std::vector<uint8_t> message(size, 0x5a);
  uint64_t to_send = 0;  // a's loop thread
  // Keep between 1 and 4 MiB buffered: refill from OnBufferedAmountLow.
  auto pump = [&] {
    while (to_send > 0 && p.a_dc->buffered_amount() < 4 * kMiB) {
      if (!p.a_dc->Send(std::span<const uint8_t>(message)).ok()) break;
      to_send -= std::min<uint64_t>(to_send, size);
    }
  };
  p.b_loop->Invoke([&] {
    p.b_dc->OnMessage([&](std::span<const uint8_t> d, bool) {
      received.fetch_add(d.size(), std::memory_order_relaxed);
    });
  });
  p.loop->Invoke([&] {
    p.a_dc->SetBufferedAmountLowThreshold(1 * kMiB);
    p.a_dc->OnBufferedAmountLow(pump);
  });
  // The sender stays kLead ahead of what the iterations count, so the pipeline never drains
  // between iterations (the benchmark thread polls every 500 us); an iteration ends when its
  // MiB has arrived. Not more: with both sides on one starved thread, megabytes in flight take
  // longer than usrsctp's 200 ms minimum RTO to be acknowledged, and spurious retransmissions
  // follow (seen as datagrams/MiB rising on a loaded machine).
  constexpr uint64_t kLead = 2 * kMiB;
  const uint64_t per_iteration = kMiB - kMiB % size + (kMiB % size ? size : 0);
  const net::LoopStats before = p.Stats();
  const auto cpu_before = p.LoopCpuSeconds();
  const uint64_t received_before = received.load();
  p.loop->Invoke([&] {
    to_send += kLead;
    pump();
  });
  uint64_t target = received_before;
  bool ok = true;
  for (auto _ : state) {
    target += per_iteration;
    p.loop->Invoke([&] {
      to_send += kMiB;
      pump();
    });
    if (!WaitUntil([&] { return received.load(std::memory_order_relaxed) >= target; })) {
      ok = false;
      break;
    }
  }
  if (!ok) state.SkipWithError("transfer stalled");
  const net::LoopStats stats = p.Stats();
  const auto cpu_after = p.LoopCpuSeconds();
  const double cpu_a = cpu_after.first - cpu_before.first;
  const double cpu_b = cpu_after.second - cpu_before.second;
  const double cpu = cpu_a + cpu_b;
  const uint64_t counted = target - received_before;
  const double mib = static_cast<double>(received.load() - received_before) / kMiB;
  const auto sent = static_cast<double>(stats.datagrams_sent - before.datagrams_sent);
  state.counters["datagrams/MiB"] = sent / mib;
  // Loop threads' CPU per MiB (both sides together), and the rate that CPU alone allows: with
  // one loop, one core running both sides; with two, one core per side, bounded by the busier
  // side (the sender's and receiver's CPU are not equal). A bound, not a measurement: the
  // wall-clock Mbit/s shows what this run's share of the machine gave.
  state.counters["loop_cpu_ms/MiB"] = cpu * 1e3 / mib;
  state.counters["cpu_bound_Mbit/s"] = mib * 8.388608 / std::max(cpu_a, cpu_b);
  if (cpu_b > 0) state.counters["sender_cpu_share"] = cpu_a / cpu;
  state.counters["bytes/datagram"] = static_cast<double>(stats.bytes_sent - before.bytes_sent) / sent;
  state.counters["sendcalls/MiB"] = static_cast<double>(stats.send_calls - before.send_calls) / mib;
  state.counters["recvcalls/MiB"] = static_cast<double>(stats.recv_calls - before.recv_calls) / mib;
  state.counters["wakeups/MiB"] = static_cast<double>(stats.iterations - before.iterations) / mib;
  state.counters["send_dropped"] = static_cast<double>(stats.send_dropped - before.send_dropped);
  state.counters["recv_dropped"] =
      static_cast<double>(stats.receive_dropped - before.receive_dropped);
  state.SetBytesProcessed(static_cast<int64_t>(counted));
  state.counters["Mbit/s"] = benchmark::Counter(static_cast<double>(counted) * 8 / 1e6,
                                                benchmark::Counter::kIsRate);
  p.Close();
}
BENCHMARK(BM_PcDataChannelThroughput)
    ->ArgsProduct({{64, 64 * 1024}, {1, 2}})
    ->ArgNames({"bytes", "loops"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The limit: 1 MiB of datagrams of our size (a 1200-byte SCTP packet in a DTLS 1.2 AES-GCM
// record: 1237 bytes) through loopback, the fastest way the kernel offers: UDP_SEGMENT (GSO, 64
// datagrams per sendmsg) and UDP_GRO + recvmmsg. threads:1 sends and receives on one thread
// (the limit for both sides on one loop); threads:2 sends on its own thread (one core per side).
constexpr size_t kLimitDatagram = 1237;

int LimitSocket() {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  const int bytes = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes));
  setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof(bytes));
  const int one = 1;
  setsockopt(fd, SOL_UDP, 104 /* UDP_GRO */, &one, sizeof(one));
  sockaddr_storage a;
  socklen_t len = net::ToSockaddr(StunAddress::Ipv4({127, 0, 0, 1}, 0), &a);
  bind(fd, reinterpret_cast<sockaddr*>(&a), len);
  return fd;
}

// One GSO message of `segments` datagrams of kLimitDatagram bytes.
bool SendGso(int fd, const sockaddr_storage& to, socklen_t to_len, std::span<uint8_t> data,
             size_t segments) {
  iovec iov{data.data(), segments * kLimitDatagram};
  alignas(cmsghdr) std::array<uint8_t, CMSG_SPACE(sizeof(uint16_t))> control{};
  msghdr h{};
  h.msg_name = const_cast<sockaddr_storage*>(&to);
  h.msg_namelen = to_len;
  h.msg_iov = &iov;
  h.msg_iovlen = 1;
  h.msg_control = control.data();
  h.msg_controllen = control.size();
  cmsghdr* c = CMSG_FIRSTHDR(&h);
  c->cmsg_level = SOL_UDP;
  c->cmsg_type = 103;  // UDP_SEGMENT
  c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
  const uint16_t segment = kLimitDatagram;
  std::memcpy(CMSG_DATA(c), &segment, sizeof(segment));
  return sendmsg(fd, &h, MSG_DONTWAIT) >= 0;
}

// Drains `fd` with recvmmsg into GRO-sized buffers; returns the bytes read.
uint64_t ReceiveAll(int fd, std::vector<uint8_t>& buffers, std::array<mmsghdr, 16>& m,
                    std::array<iovec, 16>& iov) {
  uint64_t bytes = 0;
  for (;;) {
    for (size_t i = 0; i < m.size(); ++i) {
      iov[i] = {buffers.data() + i * 65536, 65536};
      m[i].msg_hdr = {};
      m[i].msg_hdr.msg_iov = &iov[i];
      m[i].msg_hdr.msg_iovlen = 1;
    }
    const int n = recvmmsg(fd, m.data(), m.size(), MSG_DONTWAIT, nullptr);
    if (n <= 0) return bytes;
    for (int i = 0; i < n; ++i) bytes += m[i].msg_len;
  }
}

void BM_Limit_UdpLoopbackMiB(benchmark::State& state) {
  const bool two_threads = state.range(0) == 2;
  const int tx = LimitSocket(), rx = LimitSocket();
  sockaddr_storage to{};
  socklen_t to_len = sizeof(to);
  getsockname(rx, reinterpret_cast<sockaddr*>(&to), &to_len);
  constexpr size_t kSegments = 52;  // 52 x 1237 = 64,324 bytes: one IP packet
  std::vector<uint8_t> data(kSegments * kLimitDatagram, 1);
  std::vector<uint8_t> buffers(16 * 65536);
  std::array<mmsghdr, 16> m{};
  std::array<iovec, 16> iov;
  uint64_t received = 0;
  std::atomic<bool> stop{false};
  std::thread sender;
  if (two_threads) {
    sender = std::thread([&] {
      while (!stop.load(std::memory_order_relaxed)) {
        if (!SendGso(tx, to, to_len, data, kSegments)) std::this_thread::yield();  // buffer full
      }
    });
  }
  for (auto _ : state) {
    const uint64_t target = received + kMiB;
    while (received < target) {
      if (!two_threads) SendGso(tx, to, to_len, data, kSegments);
      received += ReceiveAll(rx, buffers, m, iov);
    }
  }
  stop = true;
  if (sender.joinable()) sender.join();
  state.SetBytesProcessed(static_cast<int64_t>(received));
  state.counters["Mbit/s"] =
      benchmark::Counter(static_cast<double>(received) * 8 / 1e6, benchmark::Counter::kIsRate);
  close(tx);
  close(rx);
}
BENCHMARK(BM_Limit_UdpLoopbackMiB)->Arg(1)->Arg(2)->ArgName("threads")->UseRealTime()
    ->Unit(benchmark::kMillisecond);
SLUICE_COMPARE("BM_PcDataChannelThroughput/bytes:64/loops:1/real_time",
               "BM_Limit_UdpLoopbackMiB/threads:1/real_time");
SLUICE_COMPARE("BM_PcDataChannelThroughput/bytes:65536/loops:1/real_time",
               "BM_Limit_UdpLoopbackMiB/threads:1/real_time");
SLUICE_COMPARE("BM_PcDataChannelThroughput/bytes:64/loops:2/real_time",
               "BM_Limit_UdpLoopbackMiB/threads:2/real_time");
SLUICE_COMPARE("BM_PcDataChannelThroughput/bytes:65536/loops:2/real_time",
               "BM_Limit_UdpLoopbackMiB/threads:2/real_time");

// ---- 1 KiB echo round trip -----------------------------------------------------------------------

void SetPercentiles(benchmark::State& state, std::vector<int64_t>& ns) {
  if (ns.empty()) return;
  std::sort(ns.begin(), ns.end());
  state.counters["p50_us"] = static_cast<double>(ns[ns.size() / 2]) / 1e3;
  state.counters["p99_us"] = static_cast<double>(ns[ns.size() * 99 / 100]) / 1e3;
}

// a sends 1 KiB, b echoes it, a sends the next when the echo arrives: on a's loop thread (and
// b's, with loops:2).
void BM_PcEchoRtt1KiB(benchmark::State& state) {
  Pair p;
  if (!p.Connect(static_cast<int>(state.range(0)))) {
    state.SkipWithError("connect failed");
    return;
  }
  constexpr int kBatch = 1000;
  std::vector<uint8_t> message(1024, 0x42);
  std::vector<int64_t> rtts;
  rtts.reserve(1 << 20);
  std::atomic<int> remaining{0};
  Steady::time_point sent_at;
  p.b_loop->Invoke([&] {
    p.b_dc->OnMessage([&](std::span<const uint8_t> d, bool) { (void)p.b_dc->Send(d); });
  });
  p.loop->Invoke([&] {
    p.a_dc->OnMessage([&](std::span<const uint8_t>, bool) {
      rtts.push_back((Steady::now() - sent_at).count());
      if (remaining.fetch_sub(1) > 1) {
        sent_at = Steady::now();
        (void)p.a_dc->Send(std::span<const uint8_t>(message));
      }
    });
  });
  bool ok = true;
  while (state.KeepRunningBatch(kBatch)) {
    p.loop->Invoke([&] {
      remaining = kBatch;
      sent_at = Steady::now();
      (void)p.a_dc->Send(std::span<const uint8_t>(message));
    });
    if (!WaitUntil([&] { return remaining.load() == 0; })) {
      ok = false;
      break;
    }
  }
  if (!ok) state.SkipWithError("echo stalled");
  p.Close();
  SetPercentiles(state, rtts);
}
BENCHMARK(BM_PcEchoRtt1KiB)->Arg(1)->Arg(2)->ArgName("loops")->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// The limit: a 1 KiB UDP round trip between two loopback sockets, no crypto. threads:1: one
// thread does sendto, recv, sendto back, recv (no wakeups); threads:2: the echo side is its own
// thread blocked in recv, so each round trip pays one cross-thread wakeup each way, as
// loops:2 does (on a loaded machine its p99 shows the scheduler's share).
void BM_Limit_UdpRtt1KiB(benchmark::State& state) {
  const bool two_threads = state.range(0) == 2;
  auto make = [] {
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_storage a;
    socklen_t len = net::ToSockaddr(StunAddress::Ipv4({127, 0, 0, 1}, 0), &a);
    bind(fd, reinterpret_cast<sockaddr*>(&a), len);
    return fd;
  };
  const int x = make(), y = make();
  sockaddr_storage xa{}, ya{};
  socklen_t xl = sizeof(xa), yl = sizeof(ya);
  getsockname(x, reinterpret_cast<sockaddr*>(&xa), &xl);
  getsockname(y, reinterpret_cast<sockaddr*>(&ya), &yl);
  std::array<uint8_t, 1024> buf{};
  std::thread echo;
  if (two_threads) {
    echo = std::thread([&] {
      std::array<uint8_t, 1024> b{};
      for (;;) {
        const ssize_t n = recv(y, b.data(), b.size(), 0);
        if (n <= 1) return;  // the 1-byte datagram says stop
        sendto(y, b.data(), static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&xa), xl);
      }
    });
  }
  std::vector<int64_t> rtts;
  rtts.reserve(1 << 20);
  for (auto _ : state) {
    const auto t0 = Steady::now();
    sendto(x, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&ya), yl);
    if (!two_threads) {
      recv(y, buf.data(), buf.size(), 0);
      sendto(y, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&xa), xl);
    }
    recv(x, buf.data(), buf.size(), 0);
    rtts.push_back((Steady::now() - t0).count());
  }
  if (two_threads) {
    sendto(x, buf.data(), 1, 0, reinterpret_cast<sockaddr*>(&ya), yl);
    echo.join();
  }
  SetPercentiles(state, rtts);
  close(x);
  close(y);
}
BENCHMARK(BM_Limit_UdpRtt1KiB)->Arg(1)->Arg(2)->ArgName("threads")->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
SLUICE_COMPARE("BM_PcEchoRtt1KiB/loops:1/real_time", "BM_Limit_UdpRtt1KiB/threads:1/real_time");
SLUICE_COMPARE("BM_PcEchoRtt1KiB/loops:2/real_time", "BM_Limit_UdpRtt1KiB/threads:2/real_time");

// ---- Offer -> first DataChannel message ----------------------------------------------------------

// CPU time of the calling thread, ns.
int64_t ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// The nearest-rank percentile of sorted values, in ms.
double PercentileMs(const std::vector<int64_t>& sorted_ns, double p) {
  const size_t rank = static_cast<size_t>(p * static_cast<double>(sorted_ns.size()) + 0.999999);
  return static_cast<double>(sorted_ns[std::clamp<size_t>(rank, 1, sorted_ns.size()) - 1]) / 1e6;
}

// From the offerer's SetLocalDescription to the answerer's OnMessage for the first message,
// which the offerer sends from OnOpen: offer/answer, ICE checks, DTLS handshake, SCTP
// association, DCEP OPEN/ACK and one message, each iteration with a fresh pair of
// PeerConnections and fresh sockets. What a user gets by default: each PeerConnection generates
// its own ECDSA P-256 certificate in PeerConnection::Create, as browsers do at construction;
// that is outside the timed window and reported apart (create_ms: both Create calls).
// Counters: median, p90 and max over the iterations, and how many took over 10 ms [issue 6:
// median <= 2 ms, none over 10 ms]. Its floor is BM_DtlsHandshake (dtls_bench.cc): the same
// DTLS 1.2 ECDHE-ECDSA handshake with both engines in one thread and no network, which is about
// two thirds of a connect (run both: --benchmark_filter='OfferToFirst|BM_DtlsHandshake').
// loop_cpu_ms: the loop thread's CPU time over the same window (median). Both peers run
// serially on that thread, so on an idle machine it is the connect time less the kernel's
// loopback delivery; on a loaded machine it shows what the wall-clock figures lose to
// preemption.
void BM_PcOfferToFirstMessage(benchmark::State& state) {
  auto loop = std::move(EventLoop::Create()).value();
  if (!loop->Start().ok()) {
    state.SkipWithError("loop");
    return;
  }
  std::vector<int64_t> times, creates, loop_cpu;
  bool ok = true;
  for (auto _ : state) {
    state.PauseTiming();
    const auto create_start = Steady::now();
    auto a = std::move(PeerConnection::Create(*loop, Loopback())).value();
    auto b = std::move(PeerConnection::Create(*loop, Loopback())).value();
    creates.push_back((Steady::now() - create_start).count());
    std::atomic<int64_t> got_at{0};
    b->OnDataChannel([&](std::shared_ptr<DataChannel> dc) {
      dc->OnMessage([&got_at](std::span<const uint8_t>, bool) {
        if (got_at.load() == 0) got_at = Steady::now().time_since_epoch().count();
      });
    });
    auto dc = std::move(a->CreateDataChannel("first")).value();
    std::weak_ptr<DataChannel> weak = dc;
    dc->OnOpen([weak] {
      if (auto d = weak.lock()) (void)d->Send(std::string_view("hello"));
    });
    const int64_t cpu_before = loop->Invoke([] { return ThreadCpuNs(); });
    state.ResumeTiming();
    const auto start = Steady::now();
    bool step = a->SetLocalDescription().ok() &&
                b->SetRemoteDescription(*a->local_description()).ok() &&
                b->SetLocalDescription().ok() &&
                a->SetRemoteDescription(*b->local_description()).ok();
    // The arrival time is taken on the loop thread; polling only decides when to stop waiting.
    step = step && WaitUntil([&] { return got_at.load() != 0; }, std::chrono::microseconds(50));
    state.PauseTiming();
    if (!step) {
      ok = false;
      state.ResumeTiming();
      break;
    }
    times.push_back(got_at.load() - start.time_since_epoch().count());
    loop_cpu.push_back(loop->Invoke([] { return ThreadCpuNs(); }) - cpu_before);
    a->Close();
    b->Close();
    state.ResumeTiming();
  }
  loop->Stop();
  if (!ok) state.SkipWithError("connect failed");
  if (!times.empty()) {
    std::sort(times.begin(), times.end());
    std::sort(creates.begin(), creates.end());
    std::sort(loop_cpu.begin(), loop_cpu.end());
    state.counters["median_ms"] = PercentileMs(times, 0.5);
    state.counters["p90_ms"] = PercentileMs(times, 0.9);
    state.counters["max_ms"] = static_cast<double>(times.back()) / 1e6;
    state.counters["over_10ms"] = static_cast<double>(
        times.end() - std::upper_bound(times.begin(), times.end(), int64_t{10'000'000}));
    state.counters["create_ms"] = PercentileMs(creates, 0.5);
    state.counters["loop_cpu_ms"] = PercentileMs(loop_cpu, 0.5);
  }
}
BENCHMARK(BM_PcOfferToFirstMessage)->Iterations(100)->UseRealTime()->Unit(benchmark::kMillisecond);
SLUICE_COMPARE("BM_PcOfferToFirstMessage/iterations:100/real_time", "BM_DtlsHandshake");

}  // namespace
}  // namespace sluice
