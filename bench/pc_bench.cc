// sluice <-> sluice through the public API over real loopback UDP (issue 6 goals in brackets):
//  - DataChannel bulk throughput, 64 B and 64 KiB messages [>= 1 Gbps], per MiB delivered,
//    beside the limit: 1 MiB of 1200-byte datagrams through bare sendmmsg/recvmmsg on loopback;
//  - 1 KiB echo round trip, p50/p99 [p99 <= 150 us], beside a bare UDP 1 KiB round trip;
//  - offer -> first DataChannel message at the answerer [median <= 2 ms, none over 10 ms],
//    median, p90 and max over 100 connects.
// Both PeerConnections run on one EventLoop (usrsctp is one process-wide instance, driven from
// one thread); the benchmark thread signals and waits. Every benchmark stops its loop before it
// returns (other benchmarks drive usrsctp from this thread).
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
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

// Two connected PeerConnections on one loop and an open channel a -> b.
struct Pair {
  std::unique_ptr<EventLoop> loop;
  std::shared_ptr<PeerConnection> a, b;
  std::shared_ptr<DataChannel> a_dc;
  std::shared_ptr<DataChannel> b_dc;  // set on the loop thread
  std::atomic<bool> open{false};
  std::atomic<bool> b_ready{false};

  bool Connect(const DataChannelInit& init = {}) {
    loop = std::move(EventLoop::Create()).value();
    if (!loop->Start().ok()) return false;
    a = std::move(PeerConnection::Create(*loop, Loopback())).value();
    b = std::move(PeerConnection::Create(*loop, Loopback())).value();
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
  void Close() {
    if (a) a->Close();
    if (b) b->Close();
    if (loop) loop->Stop();
  }
  ~Pair() { Close(); }
};

// ---- Bulk throughput ---------------------------------------------------------------------------

constexpr uint64_t kMiB = 1 << 20;

void BM_PcDataChannelThroughput(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  Pair p;
  if (!p.Connect()) {
    state.SkipWithError("connect failed");
    return;
  }
  std::atomic<uint64_t> received{0};
  std::vector<uint8_t> message(size, 0x5a);
  uint64_t to_send = 0;  // loop thread
  // Keep between 1 and 4 MiB buffered: refill from OnBufferedAmountLow.
  auto pump = [&] {
    while (to_send > 0 && p.a_dc->buffered_amount() < 4 * kMiB) {
      if (!p.a_dc->Send(std::span<const uint8_t>(message)).ok()) break;
      to_send -= std::min<uint64_t>(to_send, size);
    }
  };
  p.loop->Invoke([&] {
    p.b_dc->OnMessage([&](std::span<const uint8_t> d, bool) {
      received.fetch_add(d.size(), std::memory_order_relaxed);
    });
    p.a_dc->SetBufferedAmountLowThreshold(1 * kMiB);
    p.a_dc->OnBufferedAmountLow(pump);
  });
  uint64_t target = 0;
  bool ok = true;
  for (auto _ : state) {
    target += kMiB - kMiB % size + (kMiB % size ? size : 0);
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
  const auto stats = p.loop->Invoke([&] { return p.loop->core().stats(); });
  const double mib = static_cast<double>(received.load()) / kMiB;
  state.counters["datagrams/MiB"] = static_cast<double>(stats.datagrams_sent) / mib;
  state.counters["wakeups/MiB"] = static_cast<double>(stats.iterations) / mib;
  state.SetBytesProcessed(static_cast<int64_t>(received.load()));
  state.counters["Mbit/s"] = benchmark::Counter(static_cast<double>(received.load()) * 8 / 1e6,
                                                benchmark::Counter::kIsRate);
  p.Close();
}
BENCHMARK(BM_PcDataChannelThroughput)->Arg(64)->Arg(64 * 1024)->ArgName("bytes")
    ->UseRealTime()->Unit(benchmark::kMillisecond);

// The limit: 1 MiB of 1200-byte datagrams through loopback, sendmmsg and recvmmsg on one thread.
void BM_Limit_UdpLoopbackMiB(benchmark::State& state) {
  auto make = [] {
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    const int bytes = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes));
    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof(bytes));
    sockaddr_storage a;
    socklen_t len = net::ToSockaddr(StunAddress::Ipv4({127, 0, 0, 1}, 0), &a);
    bind(fd, reinterpret_cast<sockaddr*>(&a), len);
    return fd;
  };
  const int tx = make(), rx = make();
  sockaddr_storage to{};
  socklen_t to_len = sizeof(to);
  getsockname(rx, reinterpret_cast<sockaddr*>(&to), &to_len);
  constexpr size_t kSize = 1200, kBatch = 64;
  std::vector<uint8_t> data(kSize * kBatch, 1);
  std::array<mmsghdr, kBatch> m{};
  std::array<iovec, kBatch> iov;
  uint64_t received = 0;
  for (auto _ : state) {
    const uint64_t target = received + kMiB;
    while (received < target) {
      for (size_t i = 0; i < kBatch; ++i) {
        iov[i] = {data.data() + i * kSize, kSize};
        m[i].msg_hdr = {};
        m[i].msg_hdr.msg_name = &to;
        m[i].msg_hdr.msg_namelen = to_len;
        m[i].msg_hdr.msg_iov = &iov[i];
        m[i].msg_hdr.msg_iovlen = 1;
      }
      sendmmsg(tx, m.data(), kBatch, 0);
      for (size_t i = 0; i < kBatch; ++i) m[i].msg_hdr.msg_name = nullptr;
      int n;
      while ((n = recvmmsg(rx, m.data(), kBatch, MSG_DONTWAIT, nullptr)) > 0)
        for (int i = 0; i < n; ++i) received += m[i].msg_len;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(received));
  state.counters["Mbit/s"] =
      benchmark::Counter(static_cast<double>(received) * 8 / 1e6, benchmark::Counter::kIsRate);
  close(tx);
  close(rx);
}
BENCHMARK(BM_Limit_UdpLoopbackMiB)->UseRealTime()->Unit(benchmark::kMillisecond);
SLUICE_COMPARE("BM_PcDataChannelThroughput/bytes:64/real_time", "BM_Limit_UdpLoopbackMiB/real_time");
SLUICE_COMPARE("BM_PcDataChannelThroughput/bytes:65536/real_time",
               "BM_Limit_UdpLoopbackMiB/real_time");

// ---- 1 KiB echo round trip -----------------------------------------------------------------------

void SetPercentiles(benchmark::State& state, std::vector<int64_t>& ns) {
  if (ns.empty()) return;
  std::sort(ns.begin(), ns.end());
  state.counters["p50_us"] = static_cast<double>(ns[ns.size() / 2]) / 1e3;
  state.counters["p99_us"] = static_cast<double>(ns[ns.size() * 99 / 100]) / 1e3;
}

// a sends 1 KiB, b echoes it, a sends the next when the echo arrives: all on the loop thread.
void BM_PcEchoRtt1KiB(benchmark::State& state) {
  Pair p;
  if (!p.Connect()) {
    state.SkipWithError("connect failed");
    return;
  }
  constexpr int kBatch = 1000;
  std::vector<uint8_t> message(1024, 0x42);
  std::vector<int64_t> rtts;
  rtts.reserve(1 << 20);
  std::atomic<int> remaining{0};
  Steady::time_point sent_at;
  p.loop->Invoke([&] {
    p.b_dc->OnMessage([&](std::span<const uint8_t> d, bool) { (void)p.b_dc->Send(d); });
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
BENCHMARK(BM_PcEchoRtt1KiB)->UseRealTime()->Unit(benchmark::kMicrosecond);

// The limit: a 1 KiB UDP round trip between two loopback sockets on one thread (sendto,
// recv, sendto back, recv), no wakeups and no crypto.
void BM_Limit_UdpRtt1KiB(benchmark::State& state) {
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
  std::vector<int64_t> rtts;
  rtts.reserve(1 << 20);
  for (auto _ : state) {
    const auto t0 = Steady::now();
    sendto(x, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&ya), yl);
    recv(y, buf.data(), buf.size(), 0);
    sendto(y, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&xa), xl);
    recv(x, buf.data(), buf.size(), 0);
    rtts.push_back((Steady::now() - t0).count());
  }
  SetPercentiles(state, rtts);
  close(x);
  close(y);
}
BENCHMARK(BM_Limit_UdpRtt1KiB)->UseRealTime()->Unit(benchmark::kMicrosecond);
SLUICE_COMPARE("BM_PcEchoRtt1KiB/real_time", "BM_Limit_UdpRtt1KiB/real_time");

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
