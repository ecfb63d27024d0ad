#include "sctp/usrsctp_library.h"

#include <sys/time.h>
#include <usrsctp.h>

#include <algorithm>
#include <cstdarg>
#include <limits>
#include <memory>
#include <vector>

#include "sctp/crc32c.h"

namespace sluice::sctp::usrsctp_library {
namespace {

constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

struct State {
  std::mutex mu;  // initialised, users, handles
  bool initialised = false;
  int users = 0;
  std::vector<std::unique_ptr<ConnHandle>> handles;  // never freed (see header)
  // The wheel: only the holder of advance_mu calls usrsctp_handle_timers.
  std::mutex advance_mu;
  std::atomic<int64_t> advanced_to{kNoTime};  // ns since the clock's epoch; wheel stands here
  std::atomic<int64_t> latest{kNoTime};       // the largest `now` seen (full resolution)
  std::atomic<uint64_t> handed_off{0}, dropped{0}, delivered{0};
};

State& state() {
  static State* s = new State();  // reachable for the process lifetime
  return *s;
}

thread_local UsrsctpOwnerWaker* t_waker = nullptr;
thread_local void* t_tag = nullptr;

int64_t ToNs(Instant t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
Instant FromNs(int64_t ns) {
  return Instant(std::chrono::duration_cast<Instant::duration>(std::chrono::nanoseconds(ns)));
}

// Foreign thread, inside usrsctp (its TCB lock may be held): copy, wake the owner, never block on
// anything but the handle's leaf lock.
void HandOff(ConnHandle* handle, std::span<const uint8_t> packet) {
  State& s = state();
  std::lock_guard<std::mutex> lock(handle->mu);
  if (handle->sink.load(std::memory_order_acquire) == nullptr) return;  // released meanwhile
  if (handle->count == kMaxHandoff) {
    s.dropped.fetch_add(1, std::memory_order_relaxed);  // SCTP retransmits it
    return;
  }
  if (handle->count == handle->slots.size()) {
    // Grow the ring (rare), keeping FIFO order from head.
    std::rotate(handle->slots.begin(),
                handle->slots.begin() + static_cast<std::ptrdiff_t>(handle->head),
                handle->slots.end());
    handle->head = 0;
    handle->slots.resize(std::min(kMaxHandoff, std::max<size_t>(8, handle->slots.size() * 2)));
  }
  handle->slots[(handle->head + handle->count) % handle->slots.size()].assign(packet.begin(),
                                                                            packet.end());
  ++handle->count;
  handle->handoff_count.store(static_cast<uint32_t>(handle->count), std::memory_order_release);
  s.handed_off.fetch_add(1, std::memory_order_relaxed);
  if (handle->count == 1) {  // the owner has not been told yet
    if (auto* waker = handle->waker.load(std::memory_order_acquire)) {
      waker->WakeForHandoff(handle->tag.load(std::memory_order_acquire));
    }
  }
}

int ConnOutput(void* addr, void* buffer, size_t length, uint8_t /*tos*/, uint8_t /*set_df*/) {
  auto* handle = static_cast<ConnHandle*>(addr);
  if (handle == nullptr || handle->sink.load(std::memory_order_acquire) == nullptr) return 0;
  auto packet = std::span<uint8_t>(static_cast<uint8_t*>(buffer), length);
  // usrsctp_enable_crc32c_offload(): usrsctp left the checksum to us.
  WriteSctpChecksum(packet);
  if (handle->owner.load(std::memory_order_acquire) == std::this_thread::get_id()) {
    // The owner's own call into usrsctp: its sink is ours to call (closed transport: dropped).
    if (auto* sink = handle->sink.load(std::memory_order_acquire)) sink->OnSctpOutput(packet);
    return 0;
  }
  // Another thread's timer (or usrsctp's iterator thread) produced the owner's packet.
  HandOff(handle, packet);
  return 0;
}

void Init() {
  // Port 0: no UDP encapsulation. No debug printer.
  usrsctp_init_nothreads(0, &ConnOutput, nullptr);
  // We write the CRC32c ourselves (SSE4.2) in ConnOutput, and usrsctp skips verifying it on
  // input: every packet reaching usrsctp came out of a DTLS record whose AEAD / HMAC already
  // authenticated it, so a corrupted packet cannot arrive (RFC 8261 §4: SCTP over DTLS).
  usrsctp_enable_crc32c_offload();
  usrsctp_sysctl_set_sctp_ecn_enable(0);
  // Stream reset (RFC 6525) and PR-SCTP (RFC 3758) are needed by RFC 8831; ASCONF and AUTH are
  // not (RFC 8261 §5 leaves them out).
  usrsctp_sysctl_set_sctp_reconfig_enable(1);
  usrsctp_sysctl_set_sctp_pr_enable(1);
  usrsctp_sysctl_set_sctp_asconf_enable(0);
  usrsctp_sysctl_set_sctp_auth_enable(0);
  // Many small messages may sit in the send queue (64 B messages at 1 Gbps): the default of 512
  // chunks would refuse sends long before the byte budget is reached.
  usrsctp_sysctl_set_sctp_max_chunks_on_queue(1 << 20);
  // Timers: RTT is measured with the wall clock by usrsctp, so in simulated time it reads ~0 and
  // RTO sits at rto_min. 1 s initial (RFC 9260), 200 ms min, 10 s max as WebRTC stacks do.
  usrsctp_sysctl_set_sctp_rto_initial_default(1000);
  usrsctp_sysctl_set_sctp_rto_min_default(200);
  usrsctp_sysctl_set_sctp_rto_max_default(10000);
  usrsctp_sysctl_set_sctp_init_rto_max_default(10000);
  usrsctp_sysctl_set_sctp_delayed_sack_time_default(20);
  usrsctp_sysctl_set_sctp_heartbeat_interval_default(10000);
  // usrsctp's burst limit stays (max_burst 4, cwnd-based): without it a sender empties its whole
  // window into a slower peer at once; aiortc's UDP receive buffer overflowed on every bulk
  // phase and usrsctp reported the association lost (tests/interop aiortc_whip_client, 3 runs in
  // 5). The limit costs throughput only on links with delay; back to back it is not the bound.
  usrsctp_sysctl_set_sctp_sendspace(1 << 20);
  usrsctp_sysctl_set_sctp_recvspace(1 << 20);
  state().initialised = true;
}

// The calling thread owns `handle` from now on, with its thread's waker and tag.
void Claim(ConnHandle* handle) {
  const auto me = std::this_thread::get_id();
  if (handle->owner.load(std::memory_order_relaxed) != me) {
    handle->owner.store(me, std::memory_order_release);
  }
  if (t_tag != nullptr && handle->tag.load(std::memory_order_relaxed) != t_tag) {
    std::lock_guard<std::mutex> lock(handle->mu);
    handle->tag.store(t_tag, std::memory_order_release);
  }
  if (t_waker != nullptr && handle->waker.load(std::memory_order_relaxed) != t_waker) {
    std::lock_guard<std::mutex> lock(handle->mu);
    handle->waker.store(t_waker, std::memory_order_release);
  }
}

// Holder of advance_mu: run the wheel up to `latest` in whole milliseconds.
void AdvanceLocked(State& s) {
  const int64_t latest = s.latest.load(std::memory_order_acquire);
  int64_t at = s.advanced_to.load(std::memory_order_relaxed);
  if (latest == kNoTime) return;
  if (at == kNoTime) {
    s.advanced_to.store(latest, std::memory_order_release);
    return;
  }
  if (latest <= at) return;
  const int64_t ms = (latest - at) / 1'000'000;
  if (ms <= 0) return;
  s.advanced_to.store(at + ms * 1'000'000, std::memory_order_release);
  usrsctp_handle_timers(static_cast<uint32_t>(std::min<int64_t>(ms, 0x7fffffff)));
}

}  // namespace

ConnHandle* Acquire(UsrsctpOutputSink* sink) {
  State& s = state();
  ConnHandle* handle;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (!s.initialised) Init();
    ++s.users;
    s.handles.push_back(std::make_unique<ConnHandle>());
    handle = s.handles.back().get();
  }
  handle->sink.store(sink, std::memory_order_release);
  Claim(handle);
  usrsctp_register_address(handle);
  return handle;
}

void Release(ConnHandle* handle) {
  State& s = state();
  {
    std::lock_guard<std::mutex> lock(handle->mu);
    handle->sink.store(nullptr, std::memory_order_release);
    handle->waker.store(nullptr, std::memory_order_release);
    handle->tag.store(nullptr, std::memory_order_release);
    handle->owner.store(std::thread::id(), std::memory_order_release);
    handle->slots = {};
    handle->head = handle->count = 0;
    handle->handoff_count.store(0, std::memory_order_release);
  }
  usrsctp_deregister_address(handle);
  std::lock_guard<std::mutex> lock(s.mu);
  if (--s.users == 0) {
    // Let closed sockets finish dying (their kill timers), then forget the clock base.
    std::lock_guard<std::mutex> advance(s.advance_mu);
    for (int i = 0; i < 4; ++i) usrsctp_handle_timers(60'000);
    s.advanced_to.store(kNoTime, std::memory_order_release);
    s.latest.store(kNoTime, std::memory_order_release);
  }
}

void AdvanceTo(ConnHandle* handle, Instant now) {
  State& s = state();
  if (handle != nullptr) Claim(handle);
  const int64_t ns = ToNs(now);
  int64_t latest = s.latest.load(std::memory_order_relaxed);
  while ((latest == kNoTime || ns > latest) &&
         !s.latest.compare_exchange_weak(latest, ns, std::memory_order_acq_rel)) {
  }
  // Only one thread runs the wheel; a thread that finds it busy leaves its `now` in `latest`,
  // which the holder catches up to before it lets go (re-checked after unlocking).
  for (;;) {
    const int64_t at = s.advanced_to.load(std::memory_order_acquire);
    const int64_t target = s.latest.load(std::memory_order_acquire);
    if (target == kNoTime) return;  // the last transport was released meanwhile
    if (at != kNoTime && target - at < 1'000'000) return;
    std::unique_lock<std::mutex> lock(s.advance_mu, std::try_to_lock);
    if (!lock.owns_lock()) return;
    AdvanceLocked(s);
  }
}

void Deliver(ConnHandle* handle) {
  if (handle->handoff_count.load(std::memory_order_acquire) == 0) return;
  State& s = state();
  // Only the owner calls its sink; the leaf lock is held while copying into the sink's queue
  // (which never calls into usrsctp).
  std::lock_guard<std::mutex> lock(handle->mu);
  auto* sink = handle->sink.load(std::memory_order_acquire);
  while (handle->count > 0) {
    auto& slot = handle->slots[handle->head];
    if (sink != nullptr) sink->OnSctpOutput(std::span<uint8_t>(slot.data(), slot.size()));
    handle->head = (handle->head + 1) % handle->slots.size();
    --handle->count;
    s.delivered.fetch_add(1, std::memory_order_relaxed);
  }
  handle->head = 0;
  handle->handoff_count.store(0, std::memory_order_release);
}

std::optional<Instant> clock() {
  const int64_t at = state().advanced_to.load(std::memory_order_acquire);
  if (at == kNoTime) return std::nullopt;
  return FromNs(at);
}

ScopedThreadWaker::ScopedThreadWaker(UsrsctpOwnerWaker* waker) : previous_(t_waker) {
  t_waker = waker;
}
ScopedThreadWaker::~ScopedThreadWaker() { t_waker = previous_; }
ScopedOwnerTag::ScopedOwnerTag(void* tag) : previous_(t_tag) { t_tag = tag; }
ScopedOwnerTag::~ScopedOwnerTag() { t_tag = previous_; }

void ForgetWaker(UsrsctpOwnerWaker* waker) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  for (auto& h : s.handles) {
    if (h->waker.load(std::memory_order_acquire) != waker) continue;
    std::lock_guard<std::mutex> handle_lock(h->mu);
    UsrsctpOwnerWaker* expected = waker;
    h->waker.compare_exchange_strong(expected, nullptr, std::memory_order_acq_rel);
  }
}

HandoffStats handoff_stats() {
  State& s = state();
  return {s.handed_off.load(std::memory_order_relaxed), s.dropped.load(std::memory_order_relaxed),
          s.delivered.load(std::memory_order_relaxed)};
}

}  // namespace sluice::sctp::usrsctp_library

// usrsctp's gettimeofday (renamed in our copy of libusrsctp.a, see src/sctp/CMakeLists.txt):
// the latest `now` any transport was given, so that RTT samples, T3 "outstanding long enough"
// checks and PR-SCTP lifetimes use the same clock as the timers. Real time before any `now`.
// Any thread (usrsctp reads it from each caller): an atomic.
extern "C" int sluice_usrsctp_gettimeofday(struct timeval* tv, void* tz) {
  const int64_t latest = sluice::sctp::usrsctp_library::state().latest.load(std::memory_order_acquire);
  if (latest == sluice::sctp::usrsctp_library::kNoTime)
    return gettimeofday(tv, static_cast<struct timezone*>(tz));
  const int64_t us = latest / 1000;
  tv->tv_sec = static_cast<time_t>(us / 1'000'000);
  tv->tv_usec = static_cast<suseconds_t>(us % 1'000'000);
  return 0;
}
