// Two sluice PeerConnections on one EventLoop (a network thread; the test thread signals and
// sends from outside it), connected through real 127.0.0.1 (and ::1) UDP sockets with
// non-trickle offer/answer: DataChannel echo, RTP echo, close, and the setup time over 100
// connects (issue 6: every connect <= 10 ms).
//
// One loop for both peers by default (both peers' work on one thread, like a server); one test
// puts each peer on its own loop.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sluice/event_loop.h"
#include "sluice/peer_connection.h"

namespace sluice {
namespace {

using Steady = std::chrono::steady_clock;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// Waits (bounded) until pred() holds; pred reads atomics or takes its own locks.
template <class Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto end = Steady::now() + limit;
  while (!pred()) {
    if (Steady::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // off the loop's CPU
  }
  return true;
}

std::unique_ptr<EventLoop> StartLoop() {
  auto loop = std::move(EventLoop::Create({.packet_pool_slots = 1024})).value();
  EXPECT_TRUE(loop->Start().ok());
  return loop;
}

Configuration LoopbackConfig(const char* address = "127.0.0.1") {
  Configuration c;
  c.bind_addresses = {address};
  return c;
}

bool HaveIpv6Loopback() {
  auto loop = std::move(EventLoop::Create({.packet_pool_slots = 16})).value();
  return PeerConnection::Create(*loop, LoopbackConfig("::1")).ok();
}

// Offer/answer between a and b (a offers). Non-trickle: the descriptions carry every candidate.
void Negotiate(PeerConnection& a, PeerConnection& b) {
  ASSERT_TRUE(a.SetLocalDescription().ok());
  auto offer = a.local_description();
  ASSERT_TRUE(offer.has_value());
  ASSERT_NE(offer->sdp.find("a=candidate:"), std::string::npos);
  ASSERT_TRUE(b.SetRemoteDescription(*offer).ok());
  ASSERT_TRUE(b.SetLocalDescription().ok());
  auto answer = b.local_description();
  ASSERT_TRUE(answer.has_value());
  ASSERT_EQ(answer->type, SdpType::kAnswer);
  ASSERT_TRUE(a.SetRemoteDescription(*answer).ok());
}

struct EchoServer {
  // Echoes every message on every channel the peer opens, same type, same bytes.
  explicit EchoServer(PeerConnection& pc) {
    pc.OnDataChannel([this](std::shared_ptr<DataChannel> dc) {
      std::weak_ptr<DataChannel> weak = dc;
      dc->OnMessage([weak](std::span<const uint8_t> data, bool is_binary) {
        auto d = weak.lock();
        if (!d) return;
        auto r = is_binary ? d->Send(data)
                           : d->Send(std::string_view(reinterpret_cast<const char*>(data.data()),
                                                      data.size()));
        EXPECT_TRUE(r.ok()) << r.error().message;
      });
      channels.push_back(dc);  // loop thread only
    });
  }
  std::vector<std::shared_ptr<DataChannel>> channels;
};

void DataChannelEcho(const char* address, bool two_loops = false) {
  auto loop = StartLoop();
  auto other_loop = two_loops ? StartLoop() : nullptr;
  auto a = std::move(PeerConnection::Create(*loop, LoopbackConfig(address))).value();
  auto b = std::move(PeerConnection::Create(two_loops ? *other_loop : *loop,
                                            LoopbackConfig(address))).value();
  EchoServer echo(*b);
  auto dc = std::move(a->CreateDataChannel("echo")).value();
  std::atomic<bool> open{false};
  std::mutex mu;
  std::vector<std::pair<std::vector<uint8_t>, bool>> got;
  dc->OnOpen([&] { open = true; });
  dc->OnMessage([&](std::span<const uint8_t> data, bool is_binary) {
    std::lock_guard<std::mutex> lock(mu);
    got.emplace_back(std::vector<uint8_t>(data.begin(), data.end()), is_binary);
  });
  Negotiate(*a, *b);
  ASSERT_TRUE(WaitFor([&] { return open.load(); }));
  EXPECT_EQ(a->connection_state(), PeerConnectionState::kConnected);
  EXPECT_EQ(dc->state(), DataChannelState::kOpen);
  ASSERT_TRUE(dc->id().has_value());

  // 1,000 messages from this (non-loop) thread: binary and text, 1 byte .. 60 KiB.
  std::vector<std::pair<std::vector<uint8_t>, bool>> sent;
  for (int i = 0; i < 1000; ++i) {
    const size_t size = (i % 100 == 99) ? 60 * 1024 : 1 + static_cast<size_t>(i * 37) % 1500;
    std::vector<uint8_t> m(size);
    for (size_t k = 0; k < size; ++k) m[k] = static_cast<uint8_t>('a' + (i + k) % 26);
    const bool binary = i % 3 != 0;
    Result<void> r = binary ? dc->Send(std::span<const uint8_t>(m))
                            : dc->Send(std::string_view(reinterpret_cast<char*>(m.data()), size));
    while (!r.ok() && r.error().code == ErrorCode::kExhausted) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      r = binary ? dc->Send(std::span<const uint8_t>(m))
                 : dc->Send(std::string_view(reinterpret_cast<char*>(m.data()), size));
    }
    ASSERT_TRUE(r.ok()) << r.error().message;
    sent.emplace_back(std::move(m), binary);
  }
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    return got.size() == sent.size();
  })) << "echoed " << got.size();
  for (size_t i = 0; i < sent.size(); ++i) {
    ASSERT_EQ(got[i].second, sent[i].second) << i;
    ASSERT_EQ(got[i].first, sent[i].first) << i;
  }
  auto stats = a->GetStats();
  ASSERT_FALSE(stats.transport.empty());
  EXPECT_GT(stats.transport[0].bytes_sent, 0u);
  a->Close();
  EXPECT_EQ(a->connection_state(), PeerConnectionState::kClosed);
  EXPECT_EQ(dc->state(), DataChannelState::kClosed);
  b->Close();
}

TEST(LoopbackTest, DataChannelEchoIpv4) { DataChannelEcho("127.0.0.1"); }

// One loop per peer (per core): the loops run in parallel; usrsctp is one process-wide instance,
// and a packet one loop's timer emits for the other's association is handed to its owner
// (src/sctp/usrsctp_library.h; more in multi_loop_test.cc).
TEST(LoopbackTest, DataChannelEchoAcrossTwoLoops) { DataChannelEcho("127.0.0.1", true); }

TEST(LoopbackTest, DataChannelEchoIpv6) {
  if (!HaveIpv6Loopback()) GTEST_SKIP() << "no ::1";
  DataChannelEcho("::1");
}

TEST(LoopbackTest, RtpEchoBothWays) {
  auto loop = StartLoop();
  auto a = std::move(PeerConnection::Create(*loop, LoopbackConfig())).value();
  auto b = std::move(PeerConnection::Create(*loop, LoopbackConfig())).value();
  // b echoes every RTP packet of the peer's video on its own video track (the transceiver the
  // offer created, which AddTrack reuses).
  std::shared_ptr<Track> b_track;
  std::atomic<int> b_received{0};
  b->OnTrack([&](std::shared_ptr<Track> t) {
    t->OnRtp([&, t_weak = std::weak_ptr<Track>(t)](std::span<const uint8_t> packet) {
      b_received.fetch_add(1);
      if (auto tt = t_weak.lock()) (void)tt->Send(packet);
    });
    b_track = t;
  });
  auto a_track = std::move(a->AddTrack(MediaKind::kVideo, "stream", "camera")).value();
  std::atomic<bool> a_open{false};
  std::mutex mu;
  std::vector<std::vector<uint8_t>> echoed;
  a_track->OnOpen([&] { a_open = true; });
  a_track->OnRtp([&](std::span<const uint8_t> packet) {
    std::lock_guard<std::mutex> lock(mu);
    echoed.emplace_back(packet.begin(), packet.end());
  });
  ASSERT_TRUE(a->SetLocalDescription().ok());
  ASSERT_TRUE(b->SetRemoteDescription(*a->local_description()).ok());
  ASSERT_TRUE(loop->Invoke([&] { return b_track != nullptr; }));
  auto reused = b->AddTrack(MediaKind::kVideo, "echo", "echo-video");
  ASSERT_TRUE(reused.ok()) << reused.error().message;
  EXPECT_EQ(reused->get(), loop->Invoke([&] { return b_track.get(); }));
  ASSERT_TRUE(b->SetLocalDescription().ok());
  ASSERT_TRUE(a->SetRemoteDescription(*b->local_description()).ok());
  ASSERT_TRUE(WaitFor([&] { return a_open.load() && b_track && b_track->is_open(); }));
  const uint8_t pt = a_track->codecs().front().payload_type;

  constexpr int kPackets = 300;
  for (int i = 0; i < kPackets; ++i) {
    std::vector<uint8_t> p(12 + 100 + i % 900);
    p[0] = 0x80;
    p[1] = static_cast<uint8_t>(pt | (i % 30 == 29 ? 0x80 : 0));
    p[2] = static_cast<uint8_t>(i >> 8);
    p[3] = static_cast<uint8_t>(i);
    const uint32_t ts = static_cast<uint32_t>(i / 30) * 3000;
    p[4] = static_cast<uint8_t>(ts >> 24);
    p[5] = static_cast<uint8_t>(ts >> 16);
    p[6] = static_cast<uint8_t>(ts >> 8);
    p[7] = static_cast<uint8_t>(ts);
    for (size_t k = 12; k < p.size(); ++k) p[k] = static_cast<uint8_t>(i + k);
    auto r = a_track->Send(p);
    ASSERT_TRUE(r.ok()) << r.error().message;
    if (i % 50 == 49) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    return echoed.size() == kPackets;
  })) << "b got " << b_received.load();
  std::lock_guard<std::mutex> lock(mu);
  for (int i = 0; i < kPackets; ++i) {
    const auto& p = echoed[i];
    ASSERT_EQ(p.size(), 12u + 100 + i % 900) << i;
    EXPECT_EQ((p[2] << 8) | p[3], i);
    // The echo carries b's SSRC, and a learnt it.
    const uint32_t ssrc = (uint32_t{p[8]} << 24) | (p[9] << 16) | (p[10] << 8) | p[11];
    EXPECT_EQ(ssrc, reused.value()->ssrc());
    for (size_t k = 12; k < p.size(); ++k) ASSERT_EQ(p[k], static_cast<uint8_t>(i + k));
  }
  EXPECT_EQ(a_track->remote_ssrc(), reused.value()->ssrc());
  a->Close();
  b->Close();
}

TEST(LoopbackTest, ClosingOneSideClosesThePeersChannelAndStopClosesTheRest) {
  auto loop = StartLoop();
  auto a = std::move(PeerConnection::Create(*loop, LoopbackConfig())).value();
  auto b = std::move(PeerConnection::Create(*loop, LoopbackConfig())).value();
  std::atomic<bool> b_closed{false}, a_open{false};
  std::shared_ptr<DataChannel> b_dc;
  b->OnDataChannel([&](std::shared_ptr<DataChannel> dc) {
    dc->OnClose([&] { b_closed = true; });
    b_dc = dc;
  });
  auto dc = std::move(a->CreateDataChannel("x")).value();
  dc->OnOpen([&] { a_open = true; });
  Negotiate(*a, *b);
  ASSERT_TRUE(WaitFor([&] { return a_open.load(); }));
  dc->Close();
  ASSERT_TRUE(WaitFor([&] { return b_closed.load(); }));
  EXPECT_TRUE(WaitFor([&] { return dc->state() == DataChannelState::kClosed; }));
  EXPECT_EQ(dc->Send(std::string_view("late")).error().code, ErrorCode::kInvalidState);
  // Stopping the loop closes both; the PeerConnections stay usable as objects (calls fail).
  loop->Stop();
  EXPECT_EQ(a->connection_state(), PeerConnectionState::kClosed);
  EXPECT_EQ(b->connection_state(), PeerConnectionState::kClosed);
  EXPECT_FALSE(a->CreateDataChannel("after").ok());
  a.reset();
  b.reset();
}

// Issue 6: setup time over 100 connects, median and max. Timed from the offerer's
// SetLocalDescription (the first JSEP verb after the objects exist) to the offerer's
// DataChannel OnOpen (ICE, DTLS, SCTP and DCEP all done). Returns each connect in ms.
std::vector<double> MeasureConnects(int connects) {
  auto loop = StartLoop();
  std::vector<double> ms, ice_ms, dtls_ms;
  for (int i = 0; i < connects; ++i) {
    auto a = std::move(PeerConnection::Create(*loop, LoopbackConfig())).value();
    auto b = std::move(PeerConnection::Create(*loop, LoopbackConfig())).value();
    std::atomic<int64_t> opened_ns{0}, ice_ns{0}, conn_ns{0};
    a->OnIceConnectionStateChange([&](IceConnectionState s) {
      if (s == IceConnectionState::kConnected) ice_ns = Steady::now().time_since_epoch().count();
    });
    a->OnConnectionStateChange([&](PeerConnectionState s) {
      if (s == PeerConnectionState::kConnected) conn_ns = Steady::now().time_since_epoch().count();
    });
    auto dc = std::move(a->CreateDataChannel("t")).value();
    dc->OnOpen([&] { opened_ns = Steady::now().time_since_epoch().count(); });
    const auto start = Steady::now();
    Negotiate(*a, *b);
    EXPECT_TRUE(WaitFor([&] { return opened_ns.load() != 0; })) << "connect " << i;
    if (opened_ns.load() == 0) return {};
    const auto t0 = start.time_since_epoch().count();
    ice_ms.push_back(static_cast<double>(ice_ns.load() - t0) / 1e6);
    dtls_ms.push_back(static_cast<double>(conn_ns.load() - t0) / 1e6);
    ms.push_back(static_cast<double>(opened_ns.load() - t0) / 1e6);
    a->Close();
    b->Close();
  }
  auto sorted = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  const auto all = sorted(ms);
  std::printf("loopback setup over %zu connects: median %.2f ms, p90 %.2f ms, max %.2f ms "
              "(medians: ICE connected %.2f ms, DTLS connected %.2f ms)\n",
              all.size(), all[all.size() / 2], all[all.size() * 9 / 10], all.back(),
              sorted(ice_ms)[ice_ms.size() / 2], sorted(dtls_ms)[dtls_ms.size() / 2]);
  return ms;
}

// No connect waits for a retransmission (DTLS 1 s, SCTP RTO >= 200 ms here) or a lost check:
// the failure modes issue 6 measured in libdatachannel. ASan/UBSan builds are ~10x slower.
TEST(LoopbackTest, SetupTimeOver100Connects) {
  const auto ms = MeasureConnects(100);
  ASSERT_EQ(ms.size(), 100u);
  const double limit = kSanitized ? 500.0 : 100.0;
  for (size_t i = 0; i < ms.size(); ++i) EXPECT_LE(ms[i], limit) << "connect " << i;
}

// Issue 6's speed goal (every connect <= 10 ms) is a benchmark figure, not a timed test
// (bench/pc_bench.cc BM_PcOfferToFirstMessage prints median_ms and max_ms over 50 connects):
// on a shared 2-core CI machine a timed bound fails on load, not on sluice. With 2,048 SCTP
// streams (src/sctp) a quiet machine measured median 2.3-2.8 ms, max 3.7-7.7 ms here.

}  // namespace
}  // namespace sluice
