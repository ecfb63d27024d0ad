// LoopCore::WakeReceiver: another thread names a receiver, the loop calls its OnWake on the
// loop thread (how usrsctp hands a loop the SCTP packets another loop's timer emitted, see
// src/sctp/usrsctp_library.h), and the receive-buffer drop counter.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "net/loop_core.h"
#include "net_test_util.h"

namespace sluice::net {
namespace {

using test::Loopback4;
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

class WakeCounter : public RecordingReceiver {
 public:
  void OnWake(Instant) override {
    ++wakes;
    thread = std::this_thread::get_id();
  }
  int wakes = 0;
  std::thread::id thread;
};

TEST(LoopWakeTest, AnotherThreadWakesASleepingLoopAndOnWakeRunsOnTheLoopThread) {
  auto core = MakeCore();
  WakeCounter r;
  ASSERT_TRUE(core->OpenUdpSocket(Loopback4(), &r).ok());
  std::thread other([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    core->WakeReceiver(&r);
  });
  const auto t0 = Clock::now();
  while (r.wakes == 0 && Clock::now() - t0 < std::chrono::seconds(5))
    core->RunOnce(std::chrono::seconds(5));
  other.join();
  EXPECT_EQ(r.wakes, 1);
  EXPECT_EQ(r.thread, std::this_thread::get_id());
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(2)) << "the wake did not end the wait";
  EXPECT_EQ(core->stats().receiver_wakes, 1u);
  core->RunOnce(std::chrono::milliseconds(0));
  EXPECT_EQ(r.wakes, 1);
  // Wakes named before the loop serves them collapse into one call.
  core->WakeReceiver(&r);
  core->WakeReceiver(&r);
  core->RunOnce(std::chrono::milliseconds(0));
  EXPECT_EQ(r.wakes, 2);
}

TEST(LoopWakeTest, AReceiverWithoutAnOpenSocketIsNotCalled) {
  auto core = MakeCore();
  WakeCounter open, closed, never;
  ASSERT_TRUE(core->OpenUdpSocket(Loopback4(), &open).ok());
  auto id = core->OpenUdpSocket(Loopback4(), &closed);
  ASSERT_TRUE(id.ok());
  core->CloseSocket(*id);
  core->WakeReceiver(&open);
  core->WakeReceiver(&closed);  // closed its socket: a stale pointer for the loop
  core->WakeReceiver(&never);   // never had one
  core->RunOnce(std::chrono::milliseconds(0));
  EXPECT_EQ(open.wakes, 1);
  EXPECT_EQ(closed.wakes, 0);
  EXPECT_EQ(never.wakes, 0);
  EXPECT_EQ(core->stats().receiver_wakes, 1u);
}

TEST(LoopWakeTest, DefaultOnWakeIsATimeout) {
  auto core = MakeCore();
  RecordingReceiver r;
  ASSERT_TRUE(core->OpenUdpSocket(Loopback4(), &r).ok());
  core->WakeReceiver(&r);
  core->RunOnce(std::chrono::milliseconds(0));
  EXPECT_EQ(r.timeouts.size(), 1u);
}

// A socket whose reader falls behind: the kernel drops what does not fit its receive buffer,
// and the loop counts those drops (SO_RXQ_OVFL) when it reads again.
TEST(LoopWakeTest, KernelReceiveBufferDropsAreCounted) {
  auto core = MakeCore({.socket_buffer_bytes = 64 * 1024});
  RecordingReceiver r;
  r.record = false;
  auto id = core->OpenUdpSocket(Loopback4(), &r);
  ASSERT_TRUE(id.ok());
  const StunAddress to = core->local_address(*id);
  PlainSocket sender(Loopback4());
  const auto payload = Pattern(1200, 3);
  constexpr size_t kSent = 2000;  // ~2.4 MB (more in kernel accounting) into a 128 KiB buffer
  for (size_t i = 0; i < kSent; ++i) ASSERT_TRUE(sender.SendTo(to, payload));
  ASSERT_TRUE(RunUntil(*core, [&] { return r.count > 0; }));
  for (int i = 0; i < 20; ++i) core->RunOnce(std::chrono::milliseconds(1));
  // The kernel stamps its drop count on the next datagram it queues: one more after the burst.
  const size_t before = r.count;
  ASSERT_TRUE(sender.SendTo(to, payload));
  ASSERT_TRUE(RunUntil(*core, [&] { return r.count > before; }));
  EXPECT_GT(core->stats().receive_dropped, 0u);
  EXPECT_EQ(core->stats().receive_dropped + r.count, kSent + 1);
}

}  // namespace
}  // namespace sluice::net
