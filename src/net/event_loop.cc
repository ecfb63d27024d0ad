// EventLoop: the thread around LoopCore, and the Post/Invoke/Stop protocol.
//
// Stop must run every task that Post accepted. Post announces itself (posters_++) before it
// reads the phase; the loop thread publishes kStopping before it reads posters_ (both seq_cst:
// at least one of them sees the other). So either Post sees kStopping and refuses, or the loop
// waits for that Post to finish pushing and then drains the queue.
#include "sluice/event_loop.h"

#include <cstdio>
#include <cstdlib>

#include "net/loop_core.h"

namespace sluice {
namespace {
enum Phase : int { kIdle, kRunning, kStopping, kStopped };
}  // namespace

struct EventLoop::State {
  std::unique_ptr<net::LoopCore> core;
  std::thread thread;
  std::atomic<int> phase{kIdle};
  std::atomic<int> posters{0};
  std::atomic<bool> stop_requested{false};

  // Runs on the loop thread (or on the owner's thread for a loop that never started): refuse
  // new tasks, run the accepted ones, close everything.
  void Shutdown() {
    phase.store(kStopping, std::memory_order_seq_cst);
    while (posters.load(std::memory_order_seq_cst) != 0) std::this_thread::yield();
    while (core->RunTasks(SIZE_MAX) != 0) {
    }
    core->Flush();
    core->CloseAll();
    core->set_loop_thread(std::thread::id());
    phase.store(kStopped, std::memory_order_seq_cst);
    phase.notify_all();
  }
};

Result<std::unique_ptr<EventLoop>> EventLoop::Create(const EventLoopOptions& options) {
  auto core = net::LoopCore::Create(options);
  if (!core.ok()) return core.error();
  auto state = std::make_unique<State>();
  state->core = std::move(core).value();
  return std::unique_ptr<EventLoop>(new EventLoop(std::move(state)));
}

EventLoop::EventLoop(std::unique_ptr<State> state) : state_(std::move(state)) {}

EventLoop::~EventLoop() {
  if (IsLoopThread()) {
    std::fprintf(stderr, "sluice: an EventLoop was destroyed on its own thread\n");
    std::abort();
  }
  Stop();
}

Result<void> EventLoop::Start() {
  int expected = kIdle;
  if (!state_->phase.compare_exchange_strong(expected, kRunning))
    return MakeError(ErrorCode::kInvalidState, "EventLoop::Start: already started or stopped");
  State* s = state_.get();
  s->thread = std::thread([s] {
    s->core->set_loop_thread(std::this_thread::get_id());
    while (!s->stop_requested.load(std::memory_order_acquire)) s->core->RunOnce(std::nullopt);
    s->Shutdown();
  });
  return Ok();
}

void EventLoop::Stop() {
  State* s = state_.get();
  if (IsLoopThread()) {  // ask; the owner's Stop or destructor joins
    s->stop_requested.store(true, std::memory_order_release);
    s->core->Wake();
    return;
  }
  int expected = kIdle;
  if (s->phase.compare_exchange_strong(expected, kStopping)) {
    s->Shutdown();  // never started: run what was queued here
    return;
  }
  s->stop_requested.store(true, std::memory_order_release);
  s->core->Wake();
  if (s->thread.joinable()) s->thread.join();
  int phase = s->phase.load();
  while (phase != kStopped) {  // another thread is shutting an unstarted loop down
    s->phase.wait(phase);
    phase = s->phase.load();
  }
}

bool EventLoop::IsLoopThread() const { return state_->core->IsLoopThread(); }

bool EventLoop::running() const { return state_->phase.load() == kRunning; }

Result<void> EventLoop::Post(LoopTask task) {
  State* s = state_.get();
  s->posters.fetch_add(1, std::memory_order_seq_cst);
  const int phase = s->phase.load(std::memory_order_seq_cst);
  if (phase >= kStopping) {
    s->posters.fetch_sub(1, std::memory_order_seq_cst);
    return MakeError(ErrorCode::kInvalidState, "EventLoop::Post: the loop is stopping or stopped");
  }
  const bool ok = s->core->PostTask(task);
  s->posters.fetch_sub(1, std::memory_order_seq_cst);
  if (!ok)
    return MakeError(ErrorCode::kExhausted,
                     "EventLoop::Post: task queue full; retry later or raise task_queue_capacity");
  return Ok();
}

void EventLoop::InvokeTask(LoopTask task) {
  State* s = state_.get();
  for (;;) {
    const int phase = s->phase.load(std::memory_order_acquire);
    if (phase == kIdle || phase == kStopped) {  // no loop thread: run here
      task();
      return;
    }
    // Post moves from its argument: keep our own task until a push succeeds.
    s->posters.fetch_add(1, std::memory_order_seq_cst);
    if (s->phase.load(std::memory_order_seq_cst) >= kStopping) {
      s->posters.fetch_sub(1, std::memory_order_seq_cst);
      int p = s->phase.load();
      while (p != kStopped) {  // the loop is draining: wait until it is gone, then run here
        s->phase.wait(p);
        p = s->phase.load();
      }
      continue;
    }
    const bool ok = s->core->PostTask(task);
    s->posters.fetch_sub(1, std::memory_order_seq_cst);
    if (ok) return;
    std::this_thread::yield();  // full: the loop is busy draining it
  }
}

net::LoopCore& EventLoop::core() { return *state_->core; }

}  // namespace sluice
