// EventLoop: one network thread that owns sockets, timers and every PeerConnection created on it
// (DESIGN.md §9). A process may run one loop per core (EventLoopOptions::reuse_port).
//
// Thread rules:
//  - Create, Start, Stop and the destructor are called by the loop's owner (one thread, never
//    the loop thread itself for the destructor).
//  - Post and Invoke may be called from any thread, at any time, concurrently.
//  - IsLoopThread may be called from any thread.
//  - Tasks run on the loop thread in the order each producer posted them. A task may call back
//    into the library (post more tasks, send, close), but must not block on another Invoke to
//    this loop from a thread that waits for the loop.
//  - Stop runs every task accepted before it, then closes every socket; Post after Stop returns
//    kInvalidState, and Invoke after Stop runs the function on the calling thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>

#include "sluice/result.h"

namespace sluice {

namespace net {
class LoopCore;
}

struct EventLoopOptions {
  // Pooled packet buffers the loop lends to the code it runs (cross-thread sends carry one).
  size_t packet_pool_slots = 8192;
  // Datagrams read per recvmmsg call. The loop keeps 2 x receive_batch receive slots of 64 KiB
  // (a whole GRO batch each): 8 MiB by default.
  size_t receive_batch = 64;
  // Slots in the cross-thread task queue (rounded up to a power of two). Post past it fails with
  // kExhausted instead of allocating.
  size_t task_queue_capacity = 65536;
  // Let the kernel coalesce received datagrams (UDP_GRO, Linux >= 5.0); split again per segment.
  bool udp_gro = true;
  // Send runs of equal-size datagrams to one destination as one GSO send (UDP_SEGMENT).
  bool udp_gso = true;
  // SO_RCVBUF / SO_SNDBUF of every socket (SO_*BUFFORCE when permitted).
  int socket_buffer_bytes = 4 << 20;
  // SO_REUSEPORT on every socket: several loops (one per core) may bind the same address and
  // port, and the kernel spreads the flows between them.
  bool reuse_port = false;
};

// A move-only callable with inline storage: posting one never allocates. Captures must fit in
// kInlineBytes (a pointer or two, a PacketBuffer and a pointer, ...) and be nothrow-movable;
// a larger capture fails to compile with a message saying so.
class LoopTask {
 public:
  static constexpr size_t kInlineBytes = 48;

  LoopTask() = default;
  template <class F, class D = std::decay_t<F>,
            class = std::enable_if_t<!std::is_same_v<D, LoopTask> && std::is_invocable_v<D&>>>
  LoopTask(F&& f) {  // NOLINT: implicit so that Post([..] { ... }) reads naturally
    static_assert(sizeof(D) <= kInlineBytes,
                  "LoopTask capture is larger than 48 bytes: capture a pointer to the state "
                  "instead (or move it into a PacketBuffer)");
    static_assert(alignof(D) <= alignof(void*), "LoopTask capture is over-aligned");
    static_assert(std::is_nothrow_move_constructible_v<D>,
                  "LoopTask capture must be nothrow move constructible");
    new (storage_) D(std::forward<F>(f));
    ops_ = &kOps<D>;
  }
  LoopTask(LoopTask&& o) noexcept { Steal(o); }
  LoopTask& operator=(LoopTask&& o) noexcept {
    if (this != &o) {
      Reset();
      Steal(o);
    }
    return *this;
  }
  LoopTask(const LoopTask&) = delete;
  LoopTask& operator=(const LoopTask&) = delete;
  ~LoopTask() { Reset(); }

  explicit operator bool() const { return ops_ != nullptr; }
  void operator()() { ops_->invoke(storage_); }
  void Reset() {
    if (ops_ != nullptr) ops_->destroy(storage_);
    ops_ = nullptr;
  }

 private:
  struct Ops {
    void (*invoke)(void*);
    void (*move)(void* dst, void* src);  // move-constructs dst from src and destroys src
    void (*destroy)(void*);
  };
  template <class D>
  static constexpr Ops kOps = {
      [](void* p) { (*static_cast<D*>(p))(); },
      [](void* dst, void* src) {
        new (dst) D(std::move(*static_cast<D*>(src)));
        static_cast<D*>(src)->~D();
      },
      [](void* p) { static_cast<D*>(p)->~D(); },
  };
  void Steal(LoopTask& o) {
    if (o.ops_ != nullptr) o.ops_->move(storage_, o.storage_);
    ops_ = o.ops_;
    o.ops_ = nullptr;
  }

  alignas(void*) unsigned char storage_[kInlineBytes];
  const Ops* ops_ = nullptr;
};

class EventLoop {
 public:
  // Creates the sockets' epoll set, the wakeup eventfd, the packet pool and the task queue
  // (everything the loop will need is allocated here). Does not start the thread.
  static Result<std::unique_ptr<EventLoop>> Create(const EventLoopOptions& options = {});
  ~EventLoop();  // Stop() + join
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Starts the network thread. kInvalidState if already started or stopped.
  Result<void> Start();
  // Idempotent. Runs the tasks accepted so far, closes every socket, joins the thread. From the
  // loop thread itself it only asks the loop to stop (the owner's Stop/destructor joins).
  void Stop();
  bool IsLoopThread() const;
  bool running() const;

  // Queues fn to run on the loop thread (bounded lock-free MPSC queue, no allocation).
  // kExhausted if the queue is full, kInvalidState once Stop has begun. Tasks posted before
  // Start run once the loop starts.
  Result<void> Post(LoopTask task);

  // Runs fn on the loop thread and waits for its result: inline when called on the loop thread
  // or when the loop thread is not running (before Start, after Stop). Retries while the queue
  // is full. fn is not copied: it lives on the caller's stack while the loop runs it.
  template <class F>
  auto Invoke(F&& fn) -> decltype(fn()) {
    using R = decltype(fn());
    static_assert(!std::is_reference_v<R>, "Invoke returns values, not references");
    if (IsLoopThread() || !running()) return fn();
    InvokeState<R, std::remove_reference_t<F>> state{&fn};
    InvokeTask(LoopTask([s = &state] { s->Run(); }));
    state.done.wait(false, std::memory_order_acquire);
    if constexpr (!std::is_void_v<R>) return std::move(*state.result);
  }

  // Internal: the sockets and timers, for src/ (loop thread only).
  net::LoopCore& core();

 private:
  template <class R, class F>
  struct InvokeState {
    F* fn;
    std::optional<std::conditional_t<std::is_void_v<R>, char, R>> result{};
    std::atomic<bool> done{false};
    void Run() {
      if constexpr (std::is_void_v<R>) {
        (*fn)();
      } else {
        result.emplace((*fn)());
      }
      done.store(true, std::memory_order_release);
      done.notify_one();
    }
  };
  struct State;
  explicit EventLoop(std::unique_ptr<State> state);
  // Posts task, retrying while the queue is full; if the loop stops meanwhile, waits for the
  // thread to finish and runs the task inline. Either way the task runs exactly once.
  void InvokeTask(LoopTask task);

  std::unique_ptr<State> state_;
};

}  // namespace sluice
