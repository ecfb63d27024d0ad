// LoopCore driven on the test thread (RunOnce), against plain kernel sockets on loopback.
#include "net/loop_core.h"

#include <gtest/gtest.h>

#include "net_test_util.h"

namespace sluice::net {
namespace {

using test::Loopback4;
using test::Loopback6;
using test::Pattern;
using test::PlainSocket;
using test::RecordingReceiver;
using test::RunUntil;

std::unique_ptr<LoopCore> MakeCore(EventLoopOptions o = {}) {
  o.packet_pool_slots = 64;
  o.task_queue_capacity = 64;
  auto r = LoopCore::Create(o);
  EXPECT_TRUE(r.ok());
  return std::move(r).value();
}

TEST(LoopCoreTest, RejectsBadOptions) {
  EXPECT_EQ(LoopCore::Create({.receive_batch = 0}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(LoopCore::Create({.task_queue_capacity = 0}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(LoopCore::Create({.packet_pool_slots = 0}).error().code, ErrorCode::kInvalidArgument);
}

TEST(LoopCoreTest, ReceivesDatagramsWithTheirAddresses) {
  auto core = MakeCore();
  RecordingReceiver rx;
  auto id = core->OpenUdpSocket(Loopback4(), &rx);
  ASSERT_TRUE(id.ok());
  const StunAddress local = core->local_address(*id);
  EXPECT_NE(local.port(), 0);
  EXPECT_EQ(local, Loopback4(local.port()));
  PlainSocket peer(Loopback4());
  ASSERT_TRUE(peer.ok());
  for (uint8_t i = 0; i < 10; ++i) ASSERT_TRUE(peer.SendTo(local, Pattern(100 + i, i)));
  ASSERT_TRUE(RunUntil(*core, [&] { return rx.received.size() == 10; }));
  for (uint8_t i = 0; i < 10; ++i) {
    EXPECT_EQ(rx.received[i].data, Pattern(100 + i, i));
    EXPECT_EQ(rx.received[i].local, local);
    EXPECT_EQ(rx.received[i].remote, peer.local());
  }
  EXPECT_EQ(rx.last_now, core->now());
  EXPECT_EQ(core->stats().datagrams_received, 10u);
}

TEST(LoopCoreTest, SendsAndEchoesOverIpv4) {
  auto core = MakeCore();
  RecordingReceiver rx;
  auto id = core->OpenUdpSocket(Loopback4(), &rx);
  ASSERT_TRUE(id.ok());
  rx.on_datagram = [&](const StunAddress& from, std::span<const uint8_t> d) {
    ASSERT_TRUE(core->SendTo(*id, from, d).ok());
  };
  PlainSocket peer(Loopback4());
  const auto msg = Pattern(1200, 9);
  ASSERT_TRUE(peer.SendTo(core->local_address(*id), msg));
  ASSERT_TRUE(RunUntil(*core, [&] { return rx.count == 1; }));
  StunAddress from;
  auto echo = peer.Receive(std::chrono::seconds(2), &from);
  ASSERT_TRUE(echo.has_value());
  EXPECT_EQ(*echo, msg);
  EXPECT_EQ(from, core->local_address(*id));
}

TEST(LoopCoreTest, SendsAndReceivesOverIpv6WhenAvailable) {
  PlainSocket peer(Loopback6());
  if (!peer.ok()) GTEST_SKIP() << "no ::1 on this host";
  auto core = MakeCore();
  RecordingReceiver rx;
  auto id = core->OpenUdpSocket(Loopback6(), &rx);
  ASSERT_TRUE(id.ok());
  const StunAddress local = core->local_address(*id);
  EXPECT_EQ(local.family(), StunAddressFamily::kIpv6);
  ASSERT_TRUE(peer.SendTo(local, Pattern(50, 1)));
  ASSERT_TRUE(RunUntil(*core, [&] { return rx.count == 1; }));
  EXPECT_EQ(rx.received[0].remote, peer.local());
  ASSERT_TRUE(core->SendTo(*id, peer.local(), Pattern(60, 2)).ok());
  core->Flush();
  auto got = peer.Receive(std::chrono::seconds(2));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, Pattern(60, 2));
  // A v4 destination on a v6 socket is refused, not silently mangled.
  EXPECT_EQ(core->SendTo(*id, Loopback4(9), Pattern(1, 1)).error().code,
            ErrorCode::kInvalidArgument);
}

TEST(LoopCoreTest, SplitsAGroBatchIntoItsDatagrams) {
  auto core = MakeCore();
  RecordingReceiver rx;
  auto id = core->OpenUdpSocket(Loopback4(), &rx);
  ASSERT_TRUE(id.ok());
  if (!core->gro_enabled(*id)) GTEST_SKIP() << "kernel without UDP_GRO";
  PlainSocket peer(Loopback4());
  // 10 segments of 1000 bytes and a last one of 321, in one GSO send: loopback hands the
  // unsplit batch to a GRO socket.
  std::vector<uint8_t> all;
  for (uint8_t i = 0; i < 10; ++i) {
    auto p = Pattern(1000, i);
    all.insert(all.end(), p.begin(), p.end());
  }
  auto tail = Pattern(321, 99);
  all.insert(all.end(), tail.begin(), tail.end());
  ASSERT_TRUE(peer.SendGso(core->local_address(*id), all, 1000));
  ASSERT_TRUE(RunUntil(*core, [&] { return rx.received.size() == 11; }));
  for (uint8_t i = 0; i < 10; ++i) EXPECT_EQ(rx.received[i].data, Pattern(1000, i)) << int(i);
  EXPECT_EQ(rx.received[10].data, tail);
  EXPECT_EQ(core->stats().gro_batches, 1u);
  EXPECT_EQ(core->stats().datagrams_received, 11u);
}

TEST(LoopCoreTest, SameSizeRunsLeaveAsOneGsoSendAndArriveAsSeparateDatagrams) {
  auto core = MakeCore();
  RecordingReceiver rx;
  auto id = core->OpenUdpSocket(Loopback4(), &rx);
  ASSERT_TRUE(id.ok());
  PlainSocket peer(Loopback4());  // no GRO: the kernel segments for it
  for (uint8_t i = 0; i < 20; ++i) ASSERT_TRUE(core->SendTo(*id, peer.local(), Pattern(1200, i)).ok());
  ASSERT_TRUE(core->SendTo(*id, peer.local(), Pattern(700, 50)).ok());  // shorter: ends the run
  ASSERT_TRUE(core->SendTo(*id, peer.local(), Pattern(1200, 51)).ok());
  core->Flush();
  for (uint8_t i = 0; i < 20; ++i) {
    auto got = peer.Receive(std::chrono::seconds(2));
    ASSERT_TRUE(got.has_value()) << int(i);
    EXPECT_EQ(*got, Pattern(1200, i));
  }
  EXPECT_EQ(*peer.Receive(std::chrono::seconds(2)), Pattern(700, 50));
  EXPECT_EQ(*peer.Receive(std::chrono::seconds(2)), Pattern(1200, 51));
  EXPECT_EQ(core->stats().datagrams_sent, 22u);
  EXPECT_EQ(core->stats().send_dropped, 0u);
  if (core->gso_enabled(*id)) {
    EXPECT_EQ(core->stats().gso_sends, 1u);  // 20 x 1200 + 700 in one message, 1200 alone
    EXPECT_EQ(core->stats().send_calls, 1u);  // both messages in one sendmmsg
  }
}

TEST(LoopCoreTest, WithoutGsoEveryDatagramIsItsOwnMessage) {
  auto core = MakeCore({.udp_gso = false});
  RecordingReceiver rx;
  auto id = core->OpenUdpSocket(Loopback4(), &rx);
  PlainSocket peer(Loopback4());
  for (uint8_t i = 0; i < 5; ++i) ASSERT_TRUE(core->SendTo(*id, peer.local(), Pattern(300, i)).ok());
  core->Flush();
  for (uint8_t i = 0; i < 5; ++i) EXPECT_EQ(*peer.Receive(std::chrono::seconds(2)), Pattern(300, i));
  EXPECT_EQ(core->stats().gso_sends, 0u);
  EXPECT_EQ(core->stats().send_calls, 1u);
}

TEST(LoopCoreTest, DifferentDestinationsAreNotMergedAndAFullBatchFlushesItself) {
  auto core = MakeCore();
  RecordingReceiver rx;
  auto id = core->OpenUdpSocket(Loopback4(), &rx);
  PlainSocket a(Loopback4()), b(Loopback4());
  // 2,000 datagrams alternating a/b: more than one batch holds, all arrive in order.
  for (int i = 0; i < 2000; ++i) {
    auto p = Pattern(200, static_cast<uint8_t>(i));
    ASSERT_TRUE(core->SendTo(*id, (i % 2) ? b.local() : a.local(), p).ok());
    if (i % 2 == 1) {  // keep the peers' receive buffers from overflowing
      core->Flush();
      ASSERT_EQ(*a.Receive(std::chrono::seconds(2)), Pattern(200, static_cast<uint8_t>(i - 1)));
      ASSERT_EQ(*b.Receive(std::chrono::seconds(2)), p);
    }
  }
  EXPECT_EQ(core->stats().gso_sends, 0u);
  EXPECT_EQ(core->stats().datagrams_sent, 2000u);
  // 600 datagrams without a flush: the batch (512) flushes itself once on the way.
  const uint64_t calls = core->stats().send_calls;
  for (int i = 0; i < 600; ++i) ASSERT_TRUE(core->SendTo(*id, a.local(), Pattern(100, 1)).ok());
  EXPECT_GT(core->stats().send_calls, calls);
  core->Flush();
  int got = 0;
  while (a.Receive(std::chrono::milliseconds(500))) ++got;
  EXPECT_EQ(got, 600);
}

TEST(LoopCoreTest, SendToRejectsWhatCannotWork) {
  auto core = MakeCore();
  RecordingReceiver rx;
  auto id = core->OpenUdpSocket(Loopback4(), &rx);
  std::vector<uint8_t> huge(65508);
  EXPECT_EQ(core->SendTo(*id, Loopback4(9), huge).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(core->SendTo(SocketId(12345), Loopback4(9), huge).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(core->OpenUdpSocket(Loopback4(), nullptr).error().code, ErrorCode::kInvalidArgument);
  // An address that is not ours.
  EXPECT_FALSE(core->OpenUdpSocket(StunAddress::Ipv4({192, 0, 2, 1}, 0), &rx).ok());
  // Port in use (no SO_REUSEPORT).
  auto again = core->OpenUdpSocket(core->local_address(*id), &rx);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kExhausted);
}

TEST(LoopCoreTest, AClosedSocketsIdStaysDeadAfterItsSlotIsReused) {
  auto core = MakeCore();
  RecordingReceiver rx1, rx2;
  auto id1 = core->OpenUdpSocket(Loopback4(), &rx1);
  ASSERT_TRUE(id1.ok());
  core->CloseSocket(*id1);
  EXPECT_FALSE(core->IsOpen(*id1));
  auto id2 = core->OpenUdpSocket(Loopback4(), &rx2);
  ASSERT_TRUE(id2.ok());
  EXPECT_NE(*id1, *id2);
  EXPECT_FALSE(core->IsOpen(*id1));
  EXPECT_TRUE(core->IsOpen(*id2));
  EXPECT_EQ(core->local_address(*id1), StunAddress());
  EXPECT_FALSE(core->SendTo(*id1, Loopback4(9), Pattern(1, 1)).ok());
  core->CloseSocket(*id1);  // stale close: no effect on the new socket
  EXPECT_TRUE(core->IsOpen(*id2));
}

TEST(LoopCoreTest, AReceiverMayCloseItsSocketInsideTheCallback) {
  auto core = MakeCore();
  RecordingReceiver rx;
  auto id = core->OpenUdpSocket(Loopback4(), &rx);
  const StunAddress local = core->local_address(*id);
  rx.on_datagram = [&](const StunAddress&, std::span<const uint8_t>) { core->CloseSocket(*id); };
  PlainSocket peer(Loopback4());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(peer.SendTo(local, Pattern(10, 1)));
  usleep(20000);  // all five queued before the loop reads
  core->RunOnce(std::chrono::milliseconds(100));
  EXPECT_EQ(rx.count, 1u);  // nothing delivered after the close
  EXPECT_FALSE(core->IsOpen(*id));
  core->RunOnce(std::chrono::milliseconds(10));
  EXPECT_EQ(rx.count, 1u);
}

TEST(LoopCoreTest, DatagramsQueuedForAClosedSocketAreDropped) {
  auto core = MakeCore();
  RecordingReceiver rx;
  auto id = core->OpenUdpSocket(Loopback4(), &rx);
  PlainSocket peer(Loopback4());
  ASSERT_TRUE(core->SendTo(*id, peer.local(), Pattern(10, 1)).ok());
  core->CloseSocket(*id);
  core->Flush();
  EXPECT_FALSE(peer.Receive(std::chrono::milliseconds(50)).has_value());
  EXPECT_EQ(core->stats().send_dropped, 1u);
}

TEST(LoopCoreTest, DeadlinesFireInOrderAndNotEarly) {
  auto core = MakeCore();
  RecordingReceiver a, b, c;
  const Instant start = Clock::now();
  core->SetDeadline(&a, start + milliseconds(30));
  core->SetDeadline(&b, start + milliseconds(10));
  core->SetDeadline(&c, start + milliseconds(20));
  core->SetDeadline(&c, std::nullopt);  // cleared: never fires
  std::vector<char> order;
  a.on_timeout = [&](Instant) { order.push_back('a'); };
  b.on_timeout = [&](Instant) { order.push_back('b'); };
  ASSERT_TRUE(RunUntil(*core, [&] { return order.size() == 2; }));
  EXPECT_EQ(order, (std::vector<char>{'b', 'a'}));
  EXPECT_GE(b.timeouts[0], start + milliseconds(10));
  EXPECT_GE(a.timeouts[0], start + milliseconds(30));
  // Sub-millisecond precision: epoll_pwait2 sleeps in nanoseconds.
  EXPECT_LT(a.timeouts[0], start + milliseconds(30) + milliseconds(20));
  EXPECT_TRUE(c.timeouts.empty());
  EXPECT_EQ(core->stats().timers_fired, 2u);
}

TEST(LoopCoreTest, ATimeoutMayRearmItselfAndAForgottenReceiverNeverFires) {
  auto core = MakeCore();
  RecordingReceiver periodic, forgotten;
  periodic.on_timeout = [&](Instant now) {
    if (periodic.timeouts.size() < 5) core->SetDeadline(&periodic, now + microseconds(500));
  };
  core->SetDeadline(&periodic, Clock::now());
  core->SetDeadline(&forgotten, Clock::now() + milliseconds(1));
  core->ForgetReceiver(&forgotten);
  ASSERT_TRUE(RunUntil(*core, [&] { return periodic.timeouts.size() == 5; }));
  for (size_t i = 1; i < 5; ++i)
    EXPECT_GE(periodic.timeouts[i] - periodic.timeouts[i - 1], microseconds(500));
  core->RunOnce(std::chrono::milliseconds(5));
  EXPECT_EQ(periodic.timeouts.size(), 5u);
  EXPECT_TRUE(forgotten.timeouts.empty());
}

TEST(LoopCoreTest, PostedTasksRunInTheNextIterationAndWakeTheWait) {
  auto core = MakeCore();
  int ran = 0;
  LoopTask t([&ran] { ++ran; });
  ASSERT_TRUE(core->PostTask(t));
  const auto before = Clock::now();
  core->RunOnce(std::chrono::seconds(5));  // returns at once: a task is queued
  EXPECT_EQ(ran, 1);
  EXPECT_LT(Clock::now() - before, std::chrono::seconds(1));
  // A task posted from another thread wakes a sleeping RunOnce through the eventfd.
  std::thread other([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    LoopTask u([&ran] { ++ran; });
    EXPECT_TRUE(core->PostTask(u));
  });
  const auto t0 = Clock::now();
  while (ran < 2 && Clock::now() - t0 < std::chrono::seconds(5)) core->RunOnce(std::chrono::seconds(5));
  other.join();
  EXPECT_EQ(ran, 2);
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(2));
}

TEST(LoopCoreTest, ManySocketsAreServedFairly) {
  auto core = MakeCore();
  constexpr int kSockets = 8;
  RecordingReceiver rx[kSockets];
  std::vector<SocketId> ids;
  for (auto& r : rx) {
    r.record = false;
    ids.push_back(*core->OpenUdpSocket(Loopback4(), &r));
  }
  PlainSocket peer(Loopback4());
  for (int round = 0; round < 100; ++round)
    for (int s = 0; s < kSockets; ++s) ASSERT_TRUE(peer.SendTo(core->local_address(ids[s]), Pattern(64, 1)));
  ASSERT_TRUE(RunUntil(*core, [&] {
    for (auto& r : rx)
      if (r.count != 100) return false;
    return true;
  }));
}

}  // namespace
}  // namespace sluice::net

namespace sluice::net {
namespace {

class CountingWork : public DeferredWork {
 public:
  void RunDeferred() override {
    ++runs;
    if (then) then();
  }
  int runs = 0;
  std::function<void()> then;
};

TEST(LoopCoreDeferTest, DeferredWorkRunsOnceAtTheEndOfTheIterationBeforeTheFlush) {
  auto core = std::move(LoopCore::Create({.packet_pool_slots = 8, .task_queue_capacity = 8})).value();
  RecordingReceiver rx;
  auto id = *core->OpenUdpSocket(test::Loopback4(), &rx);
  test::PlainSocket peer(test::Loopback4());
  CountingWork work, chained;
  // The deferred work sends: its datagram leaves in the same iteration's flush.
  work.then = [&] {
    ASSERT_TRUE(core->SendTo(id, peer.local(), test::Pattern(10, 1)).ok());
    core->Defer(&chained);  // queued from inside: runs in the same pass
  };
  core->Defer(&work);
  const auto before = Clock::now();
  core->RunOnce(std::chrono::seconds(5));  // does not sleep: work is pending
  EXPECT_LT(Clock::now() - before, std::chrono::seconds(1));
  EXPECT_EQ(work.runs, 1);
  EXPECT_EQ(chained.runs, 1);
  EXPECT_TRUE(peer.Receive(std::chrono::seconds(1)).has_value());
  core->RunOnce(std::chrono::milliseconds(1));
  EXPECT_EQ(work.runs, 1);
  // Cancelled work never runs.
  CountingWork cancelled;
  core->Defer(&cancelled);
  core->CancelDeferred(&cancelled);
  core->RunOnce(std::chrono::milliseconds(1));
  EXPECT_EQ(cancelled.runs, 0);
}

class StopRecorder : public LoopStopListener {
 public:
  void OnLoopStopping() override { ++stops; }
  int stops = 0;
};

TEST(LoopCoreDeferTest, StopListenersAreToldOnceBeforeTheSocketsClose) {
  auto core = std::move(LoopCore::Create({.packet_pool_slots = 8, .task_queue_capacity = 8})).value();
  RecordingReceiver rx;
  auto id = *core->OpenUdpSocket(test::Loopback4(), &rx);
  StopRecorder a, b, removed;
  bool open_when_told = false;
  struct Checker : LoopStopListener {
    std::function<void()> fn;
    void OnLoopStopping() override { fn(); }
  } checker;
  checker.fn = [&] { open_when_told = core->IsOpen(id); };
  core->AddStopListener(&a);
  core->AddStopListener(&b);
  core->AddStopListener(&removed);
  core->AddStopListener(&checker);
  core->RemoveStopListener(&removed);
  core->CloseAll();
  EXPECT_EQ(a.stops, 1);
  EXPECT_EQ(b.stops, 1);
  EXPECT_EQ(removed.stops, 0);
  EXPECT_TRUE(open_when_told);
  EXPECT_FALSE(core->IsOpen(id));
  core->CloseAll();
  EXPECT_EQ(a.stops, 1);
}

}  // namespace
}  // namespace sluice::net

namespace sluice::net {
namespace {

// A receiver that takes datagrams as PacketBuffers and keeps some of them.
class KeepingReceiver : public DatagramReceiver {
 public:
  bool WantsPacketBuffers() const override { return true; }
  void OnDatagram(Instant, const StunAddress&, const StunAddress&,
                  std::span<const uint8_t>) override {
    ++span_calls;
  }
  void OnDatagramBuffer(Instant, const StunAddress&, const StunAddress&,
                        PacketBuffer datagram) override {
    kept.push_back(std::move(datagram));
  }
  void OnTimeout(Instant) override {}
  int span_calls = 0;
  std::vector<PacketBuffer> kept;
};

TEST(LoopCoreBufferTest, KeptReceiveSlotsAreReplacedAndNeverOverwritten) {
  auto core = std::move(LoopCore::Create({.packet_pool_slots = 8, .receive_batch = 4,
                                          .task_queue_capacity = 8}))
                  .value();
  KeepingReceiver rx;
  auto id = *core->OpenUdpSocket(test::Loopback4(), &rx);
  test::PlainSocket peer(test::Loopback4());
  const StunAddress to = core->local_address(id);
  // A GRO batch (3 segments) and plain datagrams; every handle is kept.
  std::vector<uint8_t> batch;
  for (uint8_t i = 0; i < 3; ++i) {
    auto p = test::Pattern(500, i);
    batch.insert(batch.end(), p.begin(), p.end());
  }
  if (core->gro_enabled(id)) ASSERT_TRUE(peer.SendGso(to, batch, 500));
  else for (uint8_t i = 0; i < 3; ++i) ASSERT_TRUE(peer.SendTo(to, test::Pattern(500, i)));
  ASSERT_TRUE(test::RunUntil(*core, [&] { return rx.kept.size() == 3; }));
  // Pool of 8 slots, ring of 4: with each datagram kept the ring shrinks to the slots left, and
  // the kept handles keep their bytes.
  for (uint8_t i = 3; i < 8; ++i) {
    ASSERT_TRUE(peer.SendTo(to, test::Pattern(300, i)));
    ASSERT_TRUE(test::RunUntil(*core, [&] { return rx.kept.size() == i + 1u; }));
  }
  EXPECT_EQ(rx.span_calls, 0);
  for (uint8_t i = 0; i < 8; ++i) {
    const auto want = test::Pattern(i < 3 ? 500 : 300, i);
    EXPECT_TRUE(std::equal(want.begin(), want.end(), rx.kept[i].data().begin(),
                           rx.kept[i].data().end()))
        << int(i);
  }
  // Keep every slot: reading stops (the datagram waits in the kernel) until a holder lets go.
  for (uint8_t i = 8; i < 20 && rx.kept.size() == i; ++i) {
    ASSERT_TRUE(peer.SendTo(to, test::Pattern(10, i)));
    test::RunUntil(*core, [&] { return rx.kept.size() == i + 1u; }, std::chrono::milliseconds(50));
  }
  const size_t stuck_at = rx.kept.size();
  EXPECT_LT(stuck_at, 20u);
  rx.kept.clear();
  ASSERT_TRUE(test::RunUntil(*core, [&] { return rx.kept.size() == 1; }));
  EXPECT_EQ(rx.kept[0].data()[0], test::Pattern(10, static_cast<uint8_t>(stuck_at))[0]);
}

}  // namespace
}  // namespace sluice::net
