// The process-wide usrsctp instance behind every SctpTransport (see sctp_transport.h for the
// contract). usrsctp's headers stay in the .cc files of src/sctp.
//
// - Init: the first Acquire() calls usrsctp_init_nothreads() (no timer thread, no raw sockets;
//   AF_CONN only) and tunes the stack. usrsctp is never finished: usrsctp_finish() fails while
//   closed sockets still wait for their kill timers, and re-initialising after it is fragile, so
//   the library stays up until the process exits (its state stays reachable: no leak reports).
// - Output: usrsctp calls one C callback with the AF_CONN address of the packet's destination.
//   Each transport's address is a ConnHandle that outlives the transport (kept for the process
//   lifetime, a few bytes each): a timer of an already closed socket that still emits a packet
//   finds sink == nullptr and the packet is dropped, never a use-after-free.
// - Time: one timer wheel for the process, advanced by the largest `now` any transport has
//   seen, in whole milliseconds. When the last transport is released the clock base is dropped
//   (the wheel is run 60 s forward first so that closed sockets finish dying), so the next
//   transport may start a new simulated clock from any value.
//
// Threads. usrsctp itself is thread-safe (process-level locks), so transports owned by different
// threads (one EventLoop per core) may call into it at the same time. Two things are not:
//  - the wheel: usrsctp_handle_timers() runs the due timers of EVERY association, so a timer of
//    a transport owned by thread B (a retransmission, a delayed SACK) may fire on thread A and
//    emit B's packet there. Each handle records its owner (the thread that last called
//    AdvanceTo / Deliver for it); output on any other thread is copied into the handle's bounded
//    handoff queue (counted drops when full: SCTP retransmits), the owner's waker is told, and
//    the owner takes the packets with Deliver() on its own thread. The handoff lock is a leaf:
//    it is taken inside usrsctp's callback (with usrsctp's TCB locks held) and never held while
//    calling into usrsctp. Only one thread advances the wheel at a time (a try-lock: a thread
//    that finds it busy leaves its `now` for the advancing thread to catch up to).
//  - our own state (users, handles, the clock): behind a mutex or atomics.
// A transport itself is still single-threaded: one thread at a time calls its methods.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "common/time.h"

namespace sluice::sctp {

class UsrsctpOutputSink {
 public:
  // Called on the handle's owner thread only (directly from usrsctp, or from Deliver).
  virtual void OnSctpOutput(std::span<uint8_t> packet) = 0;

 protected:
  ~UsrsctpOutputSink() = default;
};

// Told (on a foreign thread, inside usrsctp's output callback) that a handle owned by the
// waker's thread has handed-off packets waiting: it must only note `tag` and wake its thread
// (never block, never call into usrsctp). The owner then calls Deliver (e.g. via PollTransmit).
class UsrsctpOwnerWaker {
 public:
  virtual void WakeForHandoff(void* tag) = 0;

 protected:
  ~UsrsctpOwnerWaker() = default;
};

struct ConnHandle {
  // Written by the owner (and Release); read by usrsctp's callback on any thread.
  std::atomic<UsrsctpOutputSink*> sink{nullptr};

  // ---- usrsctp_library internals --------------------------------------------------------------
  std::atomic<std::thread::id> owner{};
  std::atomic<UsrsctpOwnerWaker*> waker{nullptr};  // the owner thread's loop, if it has one
  std::atomic<void*> tag{nullptr};                 // what the owner's code wants woken
  std::atomic<uint32_t> handoff_count{0};          // mirror of count, read without the lock
  std::mutex mu;                                   // leaf lock: the handoff queue below
  std::vector<std::vector<uint8_t>> slots;         // ring, grown up to kMaxHandoff
  size_t head = 0, count = 0;
};

namespace usrsctp_library {

// Packets one handle may hold in its handoff queue (foreign-thread output waiting for its
// owner): a timer emits a few packets at a time (usrsctp's max_burst is 4), so this is never
// reached unless the owner stops draining.
constexpr size_t kMaxHandoff = 256;

// Initialises usrsctp once, counts the user, returns the user's AF_CONN address (registered),
// owned by the calling thread.
ConnHandle* Acquire(UsrsctpOutputSink* sink);
// Detaches the sink (output to it is dropped from now on) and uncounts the user.
void Release(ConnHandle* handle);
// The calling thread becomes the handle's owner (cheap when it already is); then advances
// usrsctp's timers to max(now, largest now seen).
void AdvanceTo(ConnHandle* handle, Instant now);
inline void AdvanceTo(Instant now) { AdvanceTo(nullptr, now); }  // claims nothing
// Owner thread: hands the handle's handed-off packets to its sink (cheap when there are none).
void Deliver(ConnHandle* handle);
// The instant usrsctp's timer wheel has been advanced to, if any transport has reported time.
std::optional<Instant> clock();
// usrsctp's timer granularity.
constexpr Duration kTick = milliseconds(10);

// The calling thread's context, recorded into the handles it claims: the loop that runs this
// thread (set for the duration of one loop iteration) and the object whose code is calling into
// a transport (set around each call). Nesting restores the previous value.
class ScopedThreadWaker {
 public:
  explicit ScopedThreadWaker(UsrsctpOwnerWaker* waker);
  ~ScopedThreadWaker();
  ScopedThreadWaker(const ScopedThreadWaker&) = delete;
  ScopedThreadWaker& operator=(const ScopedThreadWaker&) = delete;

 private:
  UsrsctpOwnerWaker* previous_;
};
class ScopedOwnerTag {
 public:
  explicit ScopedOwnerTag(void* tag);
  ~ScopedOwnerTag();
  ScopedOwnerTag(const ScopedOwnerTag&) = delete;
  ScopedOwnerTag& operator=(const ScopedOwnerTag&) = delete;

 private:
  void* previous_;
};
// Any thread: after this returns, `waker` is never called again (call before destroying it).
void ForgetWaker(UsrsctpOwnerWaker* waker);

// Process-wide counters since start (any thread).
struct HandoffStats {
  uint64_t handed_off = 0;  // packets emitted on a foreign thread and queued for their owner
  uint64_t dropped = 0;     // ... dropped because the handle's queue was full
  uint64_t delivered = 0;   // ... given to their sink by the owner
};
HandoffStats handoff_stats();

}  // namespace usrsctp_library
}  // namespace sluice::sctp
