// SCTP DataChannel throughput, two stacks back to back in one process (issue 5):
//
// - BM_SctpDtls/<size>/<mode>/<batch>: our SctpTransport over our DtlsEngine (AES-GCM records)
//   on both sides, datagrams handed straight from one engine to the other (no sockets); one
//   iteration = one message sent by A and received whole by Z. mode 0 = reliable ordered,
//   1 = unreliable unordered (max_retransmits 0); batch = batch_small_messages.
// - BM_Limit_RawUsrsctp/<size>/<mode>: the same messages through a bare usrsctp socket pair
//   (AF_CONN, same socket options, no DTLS, no wrapper): what usrsctp alone costs.
// - BM_Crc32c_*: the SCTP checksum of a 1200-byte packet, ours (SSE4.2) beside usrsctp's.
//
// Both sides run on this one thread (usrsctp is one process-wide instance), so "CPU ns per
// message" (the CPU column: one iteration = one message) covers sender AND receiver: half the
// CPU that issue 5's goal ("one core per side") allows. Counters: Mbps (delivered payload bits
// per CPU second), pkts/msg (SCTP packets A sent per message: how well batching bundles),
// allocs/op (heap allocations per message, usrsctp's mbufs included, in both benchmarks), and
// delivered (fraction received; unreliable may drop only if a queue overflows).
//
// The two harnesses are alike on purpose: each packet usrsctp emits is copied once into a
// reused buffer and handed to the peer in the same loop turn; Z reads only when usrsctp's
// upcall said it has something (as SctpTransport does); 32 messages per loop turn.
#include <usrsctp.h>

#include <arpa/inet.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <vector>

#include "bench_util.h"
#include "sctp/crc32c.h"
#include "sctp/usrsctp_library.h"
#include "support/sctp_pair/sctp_pair.h"

namespace {

using sluice::Duration;
using sluice::ErrorCode;
using sluice::sctp::ChannelOptions;
using sluice::sctp::MessageType;
using sluice::sctp::SctpEvent;
using sluice::sctp::SctpEventType;
using sluice::test::SctpPair;
using sluice::test::SctpPairOptions;
using sluice::test::SctpPeer;

// Advances the pair's simulated clock by the real time that passed, so usrsctp's timers
// (delayed SACK) run as they would in a real loop.
class RealTimeDriver {
 public:
  explicit RealTimeDriver(SctpPair& pair) : pair_(pair), last_(std::chrono::steady_clock::now()) {}
  void Tick() {
    const auto now = std::chrono::steady_clock::now();
    pair_.clock().Advance(now - last_);
    last_ = now;
    pair_.a().HandleTimeout(pair_.now());
    pair_.z().HandleTimeout(pair_.now());
  }

 private:
  SctpPair& pair_;
  std::chrono::steady_clock::time_point last_;
};

// items/s (messages), bytes/s and Mbps, all per CPU second of the one thread running both sides.
void SetThroughput(benchmark::State& state, uint64_t messages, uint64_t bytes) {
  state.SetItemsProcessed(static_cast<int64_t>(messages));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["Mbps"] = benchmark::Counter(static_cast<double>(bytes) * 8 / 1e6,
                                              benchmark::Counter::kIsRate);
  state.SetLabel("A+Z on 1 thread");
}

void BM_SctpDtls(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  const bool unreliable = state.range(1) == 1;
  const bool batch = state.range(2) == 1;
  SctpPairOptions options;
  options.direct = true;
  options.a_config.batch_small_messages = batch;
  options.z_config.batch_small_messages = batch;
  options.a_config.remote_max_message_size = 256 * 1024;
  SctpPair pair(options);
  if (!pair.Connect()) {
    state.SkipWithError("association did not come up");
    return;
  }
  ChannelOptions channel{.label = "bench"};
  if (unreliable) {
    channel.ordered = false;
    channel.max_retransmits = 0;
  }
  const uint16_t sid = pair.a().sctp().OpenChannel(pair.now(), channel).value();
  if (!pair.RunUntil([&] { return pair.z().sctp().channel(sid) != nullptr; }, sluice::seconds(5))) {
    state.SkipWithError("channel did not open");
    return;
  }
  uint64_t received = 0, received_bytes = 0;
  pair.z().set_handler([&](SctpPeer&, const SctpEvent& e) {
    if (e.type == SctpEventType::kMessage) {
      ++received;
      received_bytes += e.data.size();
    }
  });
  RealTimeDriver driver(pair);
  std::vector<uint8_t> message(size, 0xab);
  uint64_t sent = 0;
  const uint64_t packets_before = pair.a().sctp().stats().packets_sent;
  sluice::bench::AllocationCounter allocations;
  for (auto _ : state) {
    for (;;) {
      auto r = pair.a().sctp().Send(pair.now(), sid, MessageType::kBinary, message);
      if (r.ok()) break;
      if (r.error().code != ErrorCode::kExhausted) {
        state.SkipWithError("send failed");
        return;
      }
      pair.Pump();
      driver.Tick();
    }
    ++sent;
    // A loop turn: 32 messages (or 1 MiB) are sent, then the network is served.
    if (sent % 32 == 0 || (sent * size) % (1 << 20) < size) {
      pair.Pump();
      if (sent % 1024 == 0) driver.Tick();
    }
  }
  // Everything sent must arrive (reliable) or be settled (unreliable) before the clock stops.
  for (int i = 0; i < 100000 && received < sent; ++i) {
    pair.Pump();
    driver.Tick();
    if (unreliable && pair.a().sctp().buffered_amount(sid) == 0 && i > 1000) break;
  }
  allocations.Finish(state);
  if (!unreliable && received != sent) state.SkipWithError("reliable messages missing");
  state.counters["delivered"] = benchmark::Counter(static_cast<double>(received) / static_cast<double>(sent));
  state.counters["pkts/msg"] = benchmark::Counter(
      static_cast<double>(pair.a().sctp().stats().packets_sent - packets_before) /
      static_cast<double>(sent));
  // Packets the harness lost (DTLS ring full, SCTP transmit queue full): SCTP recovers them,
  // by retransmission (reliable) or FORWARD-TSN (unreliable), so they cost time or messages.
  state.counters["lost_pkts"] = benchmark::Counter(static_cast<double>(
      pair.a().dtls_send_refused() + pair.z().dtls_send_refused() +
      pair.a().sctp().stats().transmit_dropped + pair.z().sctp().stats().transmit_dropped));
  SetThroughput(state, received, received_bytes);
}

// ---- the same over bare usrsctp -----------------------------------------------------------------

struct RawEnd final : sluice::sctp::UsrsctpOutputSink {
  sluice::sctp::ConnHandle* handle = nullptr;
  struct socket* sock = nullptr;
  RawEnd* peer = nullptr;
  std::deque<std::vector<uint8_t>> out;  // packets for the peer
  std::vector<std::vector<uint8_t>> spare;
  uint64_t packets = 0;
  bool readable = true;  // set by the upcall, cleared by a read that finds nothing
  static void Upcall(struct socket* so, void* arg, int) {
    if (usrsctp_get_events(so) & SCTP_EVENT_READ) static_cast<RawEnd*>(arg)->readable = true;
  }
  void OnSctpOutput(std::span<uint8_t> packet) override {
    ++packets;
    std::vector<uint8_t> v;
    if (!spare.empty()) {
      v = std::move(spare.back());
      spare.pop_back();
    }
    v.assign(packet.begin(), packet.end());
    out.push_back(std::move(v));
  }
};

bool RawOpen(RawEnd& end, bool batch) {
  end.handle = sluice::sctp::usrsctp_library::Acquire(&end);
  end.sock = usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP, nullptr, nullptr, 0, nullptr);
  if (!end.sock) return false;
  usrsctp_set_non_blocking(end.sock, 1);
  usrsctp_set_upcall(end.sock, &RawEnd::Upcall, &end);
  int on = 1, nodelay = batch ? 0 : 1, buf = 8 << 20;
  usrsctp_setsockopt(end.sock, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on));
  usrsctp_setsockopt(end.sock, IPPROTO_SCTP, SCTP_NODELAY, &nodelay, sizeof(nodelay));
  usrsctp_setsockopt(end.sock, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
  usrsctp_setsockopt(end.sock, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
  struct sockaddr_conn local{};
  local.sconn_family = AF_CONN;
  local.sconn_port = htons(5000);
  local.sconn_addr = end.handle;
  return usrsctp_bind(end.sock, reinterpret_cast<sockaddr*>(&local), sizeof(local)) == 0;
}

void RawConnect(RawEnd& end) {
  struct sctp_paddrparams p{};
  p.spp_assoc_id = SCTP_FUTURE_ASSOC;
  p.spp_flags = SPP_PMTUD_DISABLE;
  p.spp_pathmtu = 1200 - 12;
  usrsctp_setsockopt(end.sock, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &p, sizeof(p));
  struct sockaddr_conn remote{};
  remote.sconn_family = AF_CONN;
  remote.sconn_port = htons(5000);
  remote.sconn_addr = end.handle;  // as SctpTransport: output comes to our own sink
  usrsctp_connect(end.sock, reinterpret_cast<sockaddr*>(&remote), sizeof(remote));
}

void RawClose(RawEnd& end) {
  if (end.sock) {
    usrsctp_set_upcall(end.sock, nullptr, nullptr);
    struct linger l{1, 0};
    usrsctp_setsockopt(end.sock, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    usrsctp_close(end.sock);
  }
  if (end.handle) sluice::sctp::usrsctp_library::Release(end.handle);
}

// Moves packets both ways; reads everything Z has. Returns messages read.
uint64_t RawPump(RawEnd& a, RawEnd& z, std::vector<uint8_t>& rx, uint64_t& bytes) {
  uint64_t messages = 0;
  for (int round = 0; round < 10000; ++round) {
    bool progress = false;
    while (!a.out.empty()) {
      auto p = std::move(a.out.front());
      a.out.pop_front();
      usrsctp_conninput(z.handle, p.data(), p.size(), 0);
      a.spare.push_back(std::move(p));
      progress = true;
    }
    while (!z.out.empty()) {
      auto p = std::move(z.out.front());
      z.out.pop_front();
      usrsctp_conninput(a.handle, p.data(), p.size(), 0);
      z.spare.push_back(std::move(p));
      progress = true;
    }
    while (z.readable) {
      z.readable = false;
      struct sctp_rcvinfo info{};
      socklen_t info_len = sizeof(info);
      unsigned int info_type = 0;
      int flags = 0;
      ssize_t n = usrsctp_recvv(z.sock, rx.data(), rx.size(), nullptr, nullptr, &info, &info_len,
                                &info_type, &flags);
      if (n <= 0) break;
      z.readable = true;
      progress = true;
      if (!(flags & MSG_NOTIFICATION)) {
        bytes += static_cast<uint64_t>(n);
        if (flags & MSG_EOR) ++messages;
      }
    }
    if (!progress) break;
  }
  return messages;
}

void BM_Limit_RawUsrsctp(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  const bool unreliable = state.range(1) == 1;
  const bool batch = state.range(2) == 1;
  // A live transport keeps usrsctp initialised and its clock real (latest `now` unset here).
  RawEnd a, z;
  a.peer = &z;
  z.peer = &a;
  if (!RawOpen(a, batch) || !RawOpen(z, batch)) {
    state.SkipWithError("usrsctp_socket failed");
    return;
  }
  RawConnect(a);
  RawConnect(z);
  std::vector<uint8_t> rx(1 << 20);
  uint64_t received = 0, bytes = 0;
  for (int i = 0; i < 100; ++i) {
    RawPump(a, z, rx, bytes);
    sluice::sctp::usrsctp_library::AdvanceTo(sluice::Clock::now());
  }
  std::vector<uint8_t> message(size, 0xab);
  struct sctp_sendv_spa spa{};
  spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
  spa.sendv_sndinfo.snd_sid = 1;
  spa.sendv_sndinfo.snd_ppid = htonl(53);
  if (unreliable) {
    spa.sendv_sndinfo.snd_flags = SCTP_UNORDERED;
    spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
    spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_RTX;
    spa.sendv_prinfo.pr_value = 0;
  }
  uint64_t sent = 0;
  bytes = 0;
  const uint64_t packets_before = a.packets;
  sluice::bench::AllocationCounter allocations;
  // Batch mode bundles as SctpTransport does: Nagle on, NODELAY for the message that fills a
  // packet (1,176 chunk bytes in a 1,200-byte packet) or ends the loop turn; messages over
  // half a packet go with NODELAY.
  const size_t chunk = 16 + ((size + 3) & ~size_t{3});
  const size_t capacity = 1200 - 24;
  size_t in_packet = 0;
  int nodelay = batch ? 0 : 1;
  for (auto _ : state) {
    if (batch) {
      in_packet += chunk;
      const bool turn_ends = (sent + 1) % 32 == 0;
      const int push = turn_ends || size > 600 || in_packet + chunk > capacity ? 1 : 0;
      if (push) in_packet = 0;
      if (push != nodelay) {
        usrsctp_setsockopt(a.sock, IPPROTO_SCTP, SCTP_NODELAY, &push, sizeof(push));
        nodelay = push;
      }
    }
    while (usrsctp_sendv(a.sock, message.data(), message.size(), nullptr, 0, &spa, sizeof(spa),
                         SCTP_SENDV_SPA, 0) < 0) {
      received += RawPump(a, z, rx, bytes);
      sluice::sctp::usrsctp_library::AdvanceTo(sluice::Clock::now());
    }
    ++sent;
    // The same loop turn as BM_SctpDtls: 32 messages (or 1 MiB), then the network is served.
    if (sent % 32 == 0 || (sent * size) % (1 << 20) < size) received += RawPump(a, z, rx, bytes);
  }
  for (int i = 0; i < 100000 && received < sent; ++i) {
    const uint64_t before = received;
    received += RawPump(a, z, rx, bytes);
    sluice::sctp::usrsctp_library::AdvanceTo(sluice::Clock::now());
    if (unreliable && received == before && i > 1000) break;
  }
  allocations.Finish(state);
  const uint64_t packets = a.packets - packets_before;
  RawClose(a);
  RawClose(z);
  state.counters["delivered"] = benchmark::Counter(static_cast<double>(received) / static_cast<double>(sent));
  state.counters["pkts/msg"] = benchmark::Counter(static_cast<double>(packets) / static_cast<double>(sent));
  SetThroughput(state, received, bytes);
}

void SctpArgs(benchmark::internal::Benchmark* b) {
  for (int64_t size : {64, 1024, 16384, 65536}) {
    for (int64_t mode : {0, 1}) {
      for (int64_t batch : {1, 0}) b->Args({size, mode, batch});
    }
  }
}

BENCHMARK(BM_SctpDtls)->Apply(SctpArgs)->ArgNames({"size", "unreliable", "batch"})->MinTime(0.5);
BENCHMARK(BM_Limit_RawUsrsctp)->Apply(SctpArgs)->ArgNames({"size", "unreliable", "batch"})->MinTime(0.5);

#define SCTP_COMPARE_ROW(size, mode, batch)                                                   \
  SLUICE_COMPARE("BM_SctpDtls/size:" #size "/unreliable:" #mode "/batch:" #batch "/min_time:0.500", \
                 "BM_Limit_RawUsrsctp/size:" #size "/unreliable:" #mode "/batch:" #batch "/min_time:0.500")
SCTP_COMPARE_ROW(64, 0, 1);
SCTP_COMPARE_ROW(64, 0, 0);
SCTP_COMPARE_ROW(64, 1, 1);
SCTP_COMPARE_ROW(64, 1, 0);
SCTP_COMPARE_ROW(1024, 0, 1);
SCTP_COMPARE_ROW(1024, 1, 1);
SCTP_COMPARE_ROW(16384, 0, 1);
SCTP_COMPARE_ROW(16384, 1, 1);
SCTP_COMPARE_ROW(65536, 0, 1);
SCTP_COMPARE_ROW(65536, 1, 1);

// ---- CRC32c -------------------------------------------------------------------------------------

void BM_Crc32c_Ours(benchmark::State& state) {
  std::vector<uint8_t> packet(1200, 0x5a);
  for (auto _ : state) {
    sluice::sctp::WriteSctpChecksum(packet);
    benchmark::DoNotOptimize(packet.data());
    benchmark::ClobberMemory();
  }
  state.counters["hw"] = sluice::sctp::Crc32cIsHardware() ? 1 : 0;
  sluice::bench::SetPacketRate(state, packet.size());
}
BENCHMARK(BM_Crc32c_Ours);

void BM_Crc32c_Usrsctp(benchmark::State& state) {
  std::vector<uint8_t> packet(1200, 0x5a);
  for (auto _ : state) {
    std::memset(packet.data() + 8, 0, 4);
    uint32_t c = usrsctp_crc32c(packet.data(), packet.size());
    std::memcpy(packet.data() + 8, &c, 4);
    benchmark::DoNotOptimize(packet.data());
    benchmark::ClobberMemory();
  }
  sluice::bench::SetPacketRate(state, packet.size());
}
BENCHMARK(BM_Crc32c_Usrsctp);
SLUICE_COMPARE("BM_Crc32c_Ours", "BM_Crc32c_Usrsctp");

}  // namespace
