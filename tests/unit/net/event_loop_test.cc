// EventLoop: the thread, Post / Invoke / Stop, and SO_REUSEPORT loops sharing one port.
#include "sluice/event_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "net/loop_core.h"
#include "net_test_util.h"

namespace sluice {
namespace {

using net::test::Loopback4;
using net::test::Pattern;
using net::test::PlainSocket;
using net::test::RecordingReceiver;

std::unique_ptr<EventLoop> MakeLoop(EventLoopOptions o = {}) {
  o.packet_pool_slots = 64;
  if (o.task_queue_capacity == EventLoopOptions{}.task_queue_capacity) o.task_queue_capacity = 1024;
  auto r = EventLoop::Create(o);
  EXPECT_TRUE(r.ok());
  return std::move(r).value();
}

TEST(EventLoopTest, StartStopAndStartTwice) {
  auto loop = MakeLoop();
  EXPECT_FALSE(loop->running());
  ASSERT_TRUE(loop->Start().ok());
  EXPECT_TRUE(loop->running());
  EXPECT_EQ(loop->Start().error().code, ErrorCode::kInvalidState);
  EXPECT_FALSE(loop->IsLoopThread());
  EXPECT_TRUE(loop->Invoke([&] { return loop->IsLoopThread(); }));
  loop->Stop();
  loop->Stop();  // idempotent
  EXPECT_FALSE(loop->running());
  EXPECT_EQ(loop->Start().error().code, ErrorCode::kInvalidState);
}

TEST(EventLoopTest, InvokeReturnsValuesAndRunsInlineOnTheLoopThread) {
  auto loop = MakeLoop();
  ASSERT_TRUE(loop->Start().ok());
  const std::thread::id caller = std::this_thread::get_id();
  std::thread::id ran_on;
  int v = loop->Invoke([&] {
    ran_on = std::this_thread::get_id();
    // Nested Invoke on the loop thread runs inline instead of deadlocking.
    return loop->Invoke([] { return 20; }) + 22;
  });
  EXPECT_EQ(v, 42);
  EXPECT_NE(ran_on, caller);
  loop->Invoke([] {});  // void
  auto moved = loop->Invoke([] { return std::make_unique<int>(7); });  // move-only result
  EXPECT_EQ(*moved, 7);
}

TEST(EventLoopTest, InvokeBeforeStartAndAfterStopRunsOnTheCaller) {
  auto loop = MakeLoop();
  EXPECT_EQ(loop->Invoke([] { return std::this_thread::get_id(); }), std::this_thread::get_id());
  ASSERT_TRUE(loop->Start().ok());
  loop->Stop();
  EXPECT_EQ(loop->Invoke([] { return std::this_thread::get_id(); }), std::this_thread::get_id());
}

TEST(EventLoopTest, PostRunsInOrderOnTheLoopThread) {
  auto loop = MakeLoop();
  ASSERT_TRUE(loop->Start().ok());
  std::vector<int> order;  // only touched on the loop thread
  for (int i = 0; i < 500; ++i) {
    Result<void> r = loop->Post([&order, i] { order.push_back(i); });
    while (!r.ok() && r.error().code == ErrorCode::kExhausted) {
      std::this_thread::yield();
      r = loop->Post([&order, i] { order.push_back(i); });
    }
    ASSERT_TRUE(r.ok());
  }
  const size_t n = loop->Invoke([&] { return order.size(); });
  EXPECT_EQ(n, 500u);
  loop->Invoke([&] {
    for (int i = 0; i < 500; ++i) EXPECT_EQ(order[i], i);
  });
}

TEST(EventLoopTest, AFullQueueIsAClearErrorAndStopRunsWhatWasAccepted) {
  auto loop = MakeLoop({.task_queue_capacity = 4});
  int ran = 0;  // not started: tasks wait in the queue
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(loop->Post([&ran] { ++ran; }).ok());
  auto full = loop->Post([&ran] { ++ran; });
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::kExhausted);
  loop->Stop();
  EXPECT_EQ(ran, 4);
  EXPECT_EQ(loop->Post([] {}).error().code, ErrorCode::kInvalidState);
}

TEST(EventLoopTest, StopRunsEveryAcceptedTaskUnderConcurrentPosts) {
  for (int trial = 0; trial < 20; ++trial) {
    auto loop = MakeLoop({.task_queue_capacity = 256});
    ASSERT_TRUE(loop->Start().ok());
    std::atomic<int> accepted{0}, ran{0};
    std::atomic<bool> go{true};
    std::vector<std::thread> producers;
    for (int p = 0; p < 3; ++p) {
      producers.emplace_back([&] {
        while (go.load()) {
          auto r = loop->Post([&ran] { ran.fetch_add(1); });
          if (r.ok()) accepted.fetch_add(1);
          if (!r.ok() && r.error().code == ErrorCode::kInvalidState) break;
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    loop->Stop();
    go.store(false);
    for (auto& t : producers) t.join();
    EXPECT_EQ(ran.load(), accepted.load()) << "trial " << trial;
  }
}

TEST(EventLoopTest, InvokeFromManyThreadsWhileStopping) {
  auto loop = MakeLoop({.task_queue_capacity = 8});
  ASSERT_TRUE(loop->Start().ok());
  std::atomic<int> done{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 4; ++c) {
    callers.emplace_back([&] {
      for (int i = 0; i < 200; ++i) done.fetch_add(loop->Invoke([] { return 1; }));
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1));
  loop->Stop();
  for (auto& t : callers) t.join();
  EXPECT_EQ(done.load(), 800);  // every Invoke returned, before or after the stop
}

TEST(EventLoopTest, EchoesDatagramsOnItsThreadAndStopClosesTheSockets) {
  auto loop = MakeLoop();
  RecordingReceiver rx;
  std::atomic<int> echoed{0};
  net::SocketId id;
  rx.record = false;
  net::LoopCore& core = loop->core();
  rx.on_datagram = [&](const StunAddress& from, std::span<const uint8_t> d) {
    EXPECT_TRUE(loop->IsLoopThread());
    EXPECT_TRUE(core.SendTo(id, from, d).ok());
    echoed.fetch_add(1);
  };
  ASSERT_TRUE(loop->Start().ok());
  StunAddress local = loop->Invoke([&] {
    id = *core.OpenUdpSocket(Loopback4(), &rx);
    return core.local_address(id);
  });
  PlainSocket peer(Loopback4());
  for (uint8_t i = 0; i < 50; ++i) {
    ASSERT_TRUE(peer.SendTo(local, Pattern(500, i)));
    auto got = peer.Receive(std::chrono::seconds(2));
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, Pattern(500, i));
  }
  EXPECT_EQ(echoed.load(), 50);
  loop->Stop();
  EXPECT_FALSE(core.IsOpen(id));
  // Nothing listens any more.
  ASSERT_TRUE(peer.SendTo(local, Pattern(10, 1)));
  EXPECT_FALSE(peer.Receive(std::chrono::milliseconds(50)).has_value());
}

TEST(EventLoopTest, TimersFireOnTheLoopThread) {
  auto loop = MakeLoop();
  ASSERT_TRUE(loop->Start().ok());
  RecordingReceiver rx;
  std::atomic<int> fired{0};
  rx.on_timeout = [&](Instant now) {
    if (fired.fetch_add(1) < 9) loop->core().SetDeadline(&rx, now + milliseconds(1));
  };
  loop->Invoke([&] { loop->core().SetDeadline(&rx, loop->core().now() + milliseconds(1)); });
  const auto t0 = Clock::now();
  while (fired.load() < 10 && Clock::now() - t0 < std::chrono::seconds(5))
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(fired.load(), 10);
  loop->Invoke([&] { loop->core().ForgetReceiver(&rx); });
}

// Issue 6: "A process can run one loop per core (SO_REUSEPORT), shown by a test." Two loops,
// each on its own thread, bind the same 127.0.0.1 port; 64 client sockets (64 different
// 4-tuples) each send 10 datagrams; the kernel's flow hash spreads the flows over both loops,
// each datagram arrives exactly once, and each flow stays on one loop.
TEST(EventLoopTest, LoopsShareOnePortWithReusePort) {
  constexpr int kLoops = 2, kClients = 64, kPerClient = 10;
  std::vector<std::unique_ptr<EventLoop>> loops;
  std::vector<std::unique_ptr<RecordingReceiver>> rx;
  std::vector<std::atomic<int>> counts(kLoops);
  std::vector<std::vector<StunAddress>> sources(kLoops);  // touched on each loop's thread only
  uint16_t port = 0;
  for (int l = 0; l < kLoops; ++l) {
    loops.push_back(MakeLoop({.reuse_port = true}));
    rx.push_back(std::make_unique<RecordingReceiver>());
    rx[l]->record = false;
    rx[l]->on_datagram = [&, l](const StunAddress& from, std::span<const uint8_t>) {
      sources[l].push_back(from);
      counts[l].fetch_add(1);
    };
    ASSERT_TRUE(loops[l]->Start().ok());
    auto id = loops[l]->Invoke([&] { return loops[l]->core().OpenUdpSocket(Loopback4(port), rx[l].get()); });
    ASSERT_TRUE(id.ok()) << id.error().message;
    const StunAddress local = loops[l]->Invoke([&] { return loops[l]->core().local_address(*id); });
    if (l == 0) port = local.port();
    EXPECT_EQ(local.port(), port);
  }
  std::vector<std::unique_ptr<PlainSocket>> clients;
  for (int c = 0; c < kClients; ++c) clients.push_back(std::make_unique<PlainSocket>(Loopback4()));
  for (int i = 0; i < kPerClient; ++i)
    for (auto& c : clients) ASSERT_TRUE(c->SendTo(Loopback4(port), Pattern(32, 1)));
  const auto t0 = Clock::now();
  while (counts[0].load() + counts[1].load() < kClients * kPerClient &&
         Clock::now() - t0 < std::chrono::seconds(5))
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  for (auto& l : loops) l->Stop();
  EXPECT_EQ(counts[0].load() + counts[1].load(), kClients * kPerClient);
  EXPECT_GT(counts[0].load(), 0) << "the kernel gave every flow to loop 1";
  EXPECT_GT(counts[1].load(), 0) << "the kernel gave every flow to loop 0";
  for (const auto& from : sources[0])
    for (const auto& other : sources[1]) ASSERT_NE(from, other) << "a flow was split across loops";
  std::printf("SO_REUSEPORT: loop 0 got %d datagrams, loop 1 got %d\n", counts[0].load(),
              counts[1].load());
}

}  // namespace
}  // namespace sluice
