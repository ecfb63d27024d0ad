// One EventLoop per core in one process (DESIGN.md §9, issue 6): four loops on their own
// threads, each running PeerConnections whose peers sit on the next loop, all doing DataChannel
// bulk and 1 KiB echo at the same time over real 127.0.0.1 UDP. usrsctp is one process-wide
// instance: every loop advances its one timer wheel, so delayed-SACK (and any other) timers of a
// loop's associations fire on the other loops' threads too; those packets are handed to their
// owner (src/sctp/usrsctp_library.h). Run it under ASan and TSan (-fsanitize=thread) as well.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sctp/usrsctp_library.h"
#include "sluice/event_loop.h"
#include "sluice/peer_connection.h"

namespace sluice {
namespace {

using Steady = std::chrono::steady_clock;

template <class Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(60)) {
  const auto end = Steady::now() + limit;
  while (!pred()) {
    if (Steady::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

Configuration LoopbackConfig() {
  Configuration c;
  c.bind_addresses = {"127.0.0.1"};
  return c;
}

uint8_t PatternByte(uint64_t offset) { return static_cast<uint8_t>((offset * 131) >> 3); }

// a (on one loop) -> b (on the next loop): a "bulk" channel a -> b whose bytes b checks in
// order, and an "echo" channel that b echoes and a counts (one message in flight at a time,
// with a pause between some of them so delayed-SACK timers run out).
struct Link {
  static constexpr uint64_t kBulkBytes = 6 << 20;
  static constexpr size_t kBulkMessage = 16 * 1024;
  static constexpr int kEchoes = 200;

  EventLoop* a_loop = nullptr;
  EventLoop* b_loop = nullptr;
  std::shared_ptr<PeerConnection> a, b;
  std::shared_ptr<DataChannel> bulk, echo;
  std::atomic<int> opened{0};
  // b's loop thread.
  uint64_t bulk_checked = 0;
  std::atomic<uint64_t> bulk_received{0};
  std::atomic<bool> bulk_corrupt{false};
  // a's loop thread.
  uint64_t bulk_sent = 0;
  std::atomic<int> echoes{0};
  std::atomic<bool> echo_corrupt{false};
  std::vector<uint8_t> echo_message = std::vector<uint8_t>(1024);
  std::vector<uint8_t> bulk_message = std::vector<uint8_t>(kBulkMessage);

  void Setup(EventLoop& la, EventLoop& lb) {
    a_loop = &la;
    b_loop = &lb;
    a = std::move(PeerConnection::Create(la, LoopbackConfig())).value();
    b = std::move(PeerConnection::Create(lb, LoopbackConfig())).value();
    b->OnDataChannel([this](std::shared_ptr<DataChannel> dc) {
      std::weak_ptr<DataChannel> weak = dc;
      if (dc->label() == "echo") {
        dc->OnMessage([weak](std::span<const uint8_t> d, bool) {
          if (auto c = weak.lock()) (void)c->Send(d);
        });
      } else {
        dc->OnMessage([this](std::span<const uint8_t> d, bool) {
          for (size_t i = 0; i < d.size(); ++i) {
            if (d[i] != PatternByte(bulk_checked + i)) bulk_corrupt = true;
          }
          bulk_checked += d.size();
          bulk_received.store(bulk_checked);
        });
      }
      dcs.push_back(dc);  // b's loop thread only
    });
    bulk = std::move(a->CreateDataChannel("bulk")).value();
    echo = std::move(a->CreateDataChannel("echo")).value();
    bulk->OnOpen([this] { ++opened; });
    echo->OnOpen([this] { ++opened; });
    echo->OnMessage([this](std::span<const uint8_t> d, bool) {
      if (d.size() != echo_message.size() || d[0] != static_cast<uint8_t>(echoes.load()))
        echo_corrupt = true;
      const int n = ++echoes;
      if (n < kEchoes) {
        // Every 20th echo waits 30 ms first: the association idles past the 20 ms delayed SACK.
        if (n % 20 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(30));
        SendEcho();
      }
    });
    ASSERT_TRUE(a->SetLocalDescription().ok());
    ASSERT_TRUE(b->SetRemoteDescription(*a->local_description()).ok());
    ASSERT_TRUE(b->SetLocalDescription().ok());
    ASSERT_TRUE(a->SetRemoteDescription(*b->local_description()).ok());
  }
  void SendEcho() {  // a's loop thread
    echo_message[0] = static_cast<uint8_t>(echoes.load());
    (void)echo->Send(std::span<const uint8_t>(echo_message));
  }
  void PumpBulk() {  // a's loop thread: keep up to 2 MiB buffered
    while (bulk_sent < kBulkBytes && bulk->buffered_amount() < (2 << 20)) {
      const size_t n = std::min<uint64_t>(kBulkMessage, kBulkBytes - bulk_sent);
      for (size_t i = 0; i < n; ++i) bulk_message[i] = PatternByte(bulk_sent + i);
      if (!bulk->Send(std::span<const uint8_t>(bulk_message.data(), n)).ok()) break;
      bulk_sent += n;
    }
  }
  void Start() {
    a_loop->Invoke([this] {
      bulk->SetBufferedAmountLowThreshold(512 * 1024);
      bulk->OnBufferedAmountLow([this] { PumpBulk(); });
      PumpBulk();
      SendEcho();
    });
  }
  bool Done() const {
    return bulk_received.load() == kBulkBytes && echoes.load() == kEchoes;
  }
  std::vector<std::shared_ptr<DataChannel>> dcs;
};

// Four loops, four links (loop i -> loop i+1), all running at once.
TEST(MultiLoopTest, FourLoopsRunBulkAndEchoInParallel) {
  constexpr int kLoops = 4;
  const auto before = sctp::usrsctp_library::handoff_stats();
  std::vector<std::unique_ptr<EventLoop>> loops;
  for (int i = 0; i < kLoops; ++i) {
    loops.push_back(std::move(EventLoop::Create({.packet_pool_slots = 1024})).value());
    ASSERT_TRUE(loops.back()->Start().ok());
  }
  std::vector<std::unique_ptr<Link>> links;
  for (int i = 0; i < kLoops; ++i) {
    links.push_back(std::make_unique<Link>());
    links.back()->Setup(*loops[i], *loops[(i + 1) % kLoops]);
  }
  ASSERT_TRUE(WaitFor([&] {
    for (auto& l : links)
      if (l->opened.load() != 2) return false;
    return true;
  })) << "channels did not open";
  for (auto& l : links) l->Start();
  const bool done = WaitFor([&] {
    for (auto& l : links)
      if (!l->Done()) return false;
    return true;
  });
  for (int i = 0; i < kLoops; ++i) {
    EXPECT_EQ(links[i]->bulk_received.load(), Link::kBulkBytes) << "link " << i;
    EXPECT_EQ(links[i]->echoes.load(), Link::kEchoes) << "link " << i;
    EXPECT_FALSE(links[i]->bulk_corrupt.load()) << "link " << i;
    EXPECT_FALSE(links[i]->echo_corrupt.load()) << "link " << i;
  }
  ASSERT_TRUE(done);
  const auto after = sctp::usrsctp_library::handoff_stats();
  const uint64_t handed = after.handed_off - before.handed_off;
  std::printf("usrsctp packets emitted on a foreign loop's thread and handed off: %llu, "
              "dropped %llu\n",
              static_cast<unsigned long long>(handed),
              static_cast<unsigned long long>(after.dropped - before.dropped));
  // Four loops advance one wheel: some timers (delayed SACKs after each pause) fire elsewhere.
  EXPECT_GT(handed, 0u) << "no timer fired on a foreign thread: the handoff went untested";
  EXPECT_EQ(after.dropped - before.dropped, 0u);
  for (auto& l : links) {
    l->a->Close();
    l->b->Close();
  }
  for (auto& loop : loops) loop->Stop();
}

// Loops run at the same time (no process-wide lock around the PeerConnection cores any more):
// two loops, each with an echo link to the other, each echo callback busy for 200 us; at some
// point both loop threads are inside a callback at once.
TEST(MultiLoopTest, LoopsExecuteCallbacksConcurrently) {
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "one CPU";
  std::vector<std::unique_ptr<EventLoop>> loops;
  for (int i = 0; i < 2; ++i) {
    loops.push_back(std::move(EventLoop::Create({.packet_pool_slots = 256})).value());
    ASSERT_TRUE(loops.back()->Start().ok());
  }
  std::atomic<int> inside{0}, max_inside{0}, calls{0};
  std::atomic<bool> stop{false};
  auto busy = [&] {
    ++calls;
    const int now = ++inside;
    int seen = max_inside.load();
    while (now > seen && !max_inside.compare_exchange_weak(seen, now)) {
    }
    const auto until = Steady::now() + std::chrono::microseconds(200);
    while (Steady::now() < until) {
    }
    --inside;
  };
  struct Ping {
    std::shared_ptr<PeerConnection> a, b;
    std::shared_ptr<DataChannel> dc;
    std::shared_ptr<DataChannel> b_dc;  // b's loop thread: keeps the echoing channel alive
    std::atomic<bool> open{false};
  };
  std::vector<std::unique_ptr<Ping>> pings;
  for (int i = 0; i < 2; ++i) {
    auto p = std::make_unique<Ping>();
    p->a = std::move(PeerConnection::Create(*loops[i], LoopbackConfig())).value();
    p->b = std::move(PeerConnection::Create(*loops[1 - i], LoopbackConfig())).value();
    Ping* raw = p.get();
    p->b->OnDataChannel([&busy, &stop, raw](std::shared_ptr<DataChannel> dc) {
      raw->b_dc = dc;
      std::weak_ptr<DataChannel> weak = dc;
      dc->OnMessage([weak, &busy, &stop](std::span<const uint8_t> d, bool) {
        busy();
        if (auto c = weak.lock(); c && !stop.load()) (void)c->Send(d);
      });
    });
    p->dc = std::move(p->a->CreateDataChannel("ping")).value();
    p->dc->OnOpen([raw] {
      raw->open = true;
      (void)raw->dc->Send(std::string_view("ping"));
    });
    p->dc->OnMessage([raw, &busy, &stop](std::span<const uint8_t> d, bool) {
      busy();
      if (!stop.load()) (void)raw->dc->Send(d);
    });
    ASSERT_TRUE(p->a->SetLocalDescription().ok());
    ASSERT_TRUE(p->b->SetRemoteDescription(*p->a->local_description()).ok());
    ASSERT_TRUE(p->b->SetLocalDescription().ok());
    ASSERT_TRUE(p->a->SetRemoteDescription(*p->b->local_description()).ok());
    pings.push_back(std::move(p));
  }
  EXPECT_TRUE(WaitFor([&] { return max_inside.load() >= 2; }, std::chrono::seconds(20)))
      << "the two loops never ran a callback at the same time; callbacks: " << calls.load()
      << ", open: " << pings[0]->open.load() << pings[1]->open.load();
  stop = true;
  for (auto& p : pings) {
    p->a->Close();
    p->b->Close();
  }
  for (auto& loop : loops) loop->Stop();
}

}  // namespace
}  // namespace sluice
