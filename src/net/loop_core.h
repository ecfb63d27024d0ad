// LoopCore: the sockets, deadlines and cross-thread task queue of one network thread
// (DESIGN.md §9; Contract 2). It is the only code in sluice that touches sockets, epoll or the
// system clock. EventLoop runs it on its thread; tests and benchmarks may drive RunOnce()
// themselves on one thread.
//
// Receive: every readable socket is drained with recvmmsg (receive_batch datagrams per call, a
// few calls per wakeup so one busy socket cannot starve the others) straight into PacketPool
// slots large enough for a UDP_GRO batch; a coalesced buffer is split by the segment size of
// its UDP_GRO control message and handed to the socket's receiver one datagram at a time.
//
// Send: SendTo copies the datagram into the loop's send batch. The batch is flushed with
// sendmmsg when it is full and at the end of every loop iteration (RunOnce); runs of datagrams
// of one size to one destination leave as one UDP_SEGMENT (GSO) message. A datagram the kernel
// will not take right now (EAGAIN / ENOBUFS: the socket buffer is full) is dropped and counted,
// as UDP drops it anyway; the protocols above retransmit.
//
// Timers: each receiver has at most one deadline (SetDeadline); the loop sleeps in
// epoll_pwait2 until the soonest one (nanosecond timeout) and calls OnTimeout when it passes.
//
// Thread rules: everything here runs on the loop thread, except PostTask, Wake and stats
// (any thread). Receivers' callbacks run on the loop thread and may call any LoopCore method,
// including CloseSocket on their own socket and OpenUdpSocket.
#pragma once

#include <sys/epoll.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "common/strong_id.h"
#include "common/time.h"
#include "net/deadline_heap.h"
#include "net/task_queue.h"
#include "sctp/usrsctp_library.h"
#include "sluice/event_loop.h"
#include "sluice/packet_buffer.h"
#include "sluice/result.h"
#include "stun/stun_address.h"

namespace sluice::net {

struct SocketIdTag {};
// Index (low 32 bits) and generation (high 32 bits): a closed socket's id never names a later one.
using SocketId = StrongId<SocketIdTag, uint64_t>;

class DatagramReceiver {  // implemented by each PeerConnection's glue
 public:
  // One datagram (one GRO segment at a time). `datagram` is valid for the call only.
  virtual void OnDatagram(Instant now, const StunAddress& local, const StunAddress& remote,
                          std::span<const uint8_t> datagram) = 0;
  // The deadline set with SetDeadline has passed (it is cleared before this call).
  virtual void OnTimeout(Instant now) = 0;
  // LoopCore::WakeReceiver named this receiver (from any thread); called on the loop thread
  // while the receiver has an open socket on this loop.
  virtual void OnWake(Instant now) { OnTimeout(now); }
  // Zero-copy form, for receivers whose WantsPacketBuffers() was true when their socket opened:
  // a counted handle (PacketBuffer::Share) to the receive slot with its window on this one
  // datagram, so the receiver may work in place (SRTP) or keep it. A kept slot is replaced in
  // the receive ring; keep few, briefly (the ring has 2 x receive_batch slots).
  virtual bool WantsPacketBuffers() const { return false; }
  virtual void OnDatagramBuffer(Instant now, const StunAddress& local, const StunAddress& remote,
                                PacketBuffer datagram) {
    OnDatagram(now, local, remote, datagram.data());
  }

 protected:
  ~DatagramReceiver() = default;
};

// Told when the loop stops (EventLoop::Stop, LoopCore::CloseAll) before its sockets close, so
// that what runs on the loop (a PeerConnection) can close itself cleanly.
class LoopStopListener {
 public:
  virtual void OnLoopStopping() = 0;

 protected:
  ~LoopStopListener() = default;
};

// Work that wants to run once at the end of the current loop iteration, after the sockets,
// tasks and timers and before the send batch is flushed (e.g. a PeerConnection that accepted
// several sends drains its core once, so small messages share packets).
class DeferredWork {
 public:
  virtual void RunDeferred() = 0;

 protected:
  ~DeferredWork() = default;
};

struct LoopStats {
  uint64_t iterations = 0;
  uint64_t recv_calls = 0;            // recvmmsg calls that returned datagrams
  uint64_t datagrams_received = 0;    // after splitting GRO batches
  uint64_t bytes_received = 0;
  uint64_t gro_batches = 0;           // received buffers that held more than one datagram
  uint64_t truncated = 0;             // received buffers dropped because they did not fit
  uint64_t receive_dropped = 0;       // datagrams the kernel dropped: socket receive buffer full
                                      // (SO_RXQ_OVFL; counted when the socket is next read)
  uint64_t send_calls = 0;            // sendmmsg calls
  uint64_t datagrams_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t gso_sends = 0;             // messages that carried several datagrams (UDP_SEGMENT)
  uint64_t send_dropped = 0;          // datagrams the kernel did not take (buffer full, error)
  uint64_t timers_fired = 0;
  uint64_t tasks_run = 0;
  uint64_t receiver_wakes = 0;        // OnWake calls (WakeReceiver from another thread)
};

class LoopCore {
 public:
  static Result<std::unique_ptr<LoopCore>> Create(const EventLoopOptions& options = {});
  ~LoopCore();
  LoopCore(const LoopCore&) = delete;
  LoopCore& operator=(const LoopCore&) = delete;

  // Opens a non-blocking UDP socket bound to `bind` (port 0: the kernel picks one; an IPv6
  // socket is IPV6_V6ONLY) and registers it with the loop. The receiver gets its datagrams.
  Result<SocketId> OpenUdpSocket(const StunAddress& bind, DatagramReceiver* receiver);
  // The bound address (with the kernel's port); 0.0.0.0:0 for an unknown socket.
  StunAddress local_address(SocketId id) const;
  bool IsOpen(SocketId id) const;
  // Closes the socket now; its datagrams still in the send batch are dropped. Unknown: no-op.
  void CloseSocket(SocketId id);
  // Copies `datagram` into the send batch (see the file comment). kNotFound for a closed socket,
  // kInvalidArgument for a family mismatch or a datagram larger than UDP allows.
  Result<void> SendTo(SocketId id, const StunAddress& to, std::span<const uint8_t> datagram);
  // One deadline per receiver; nullopt clears it. A deadline at or before now() fires in the
  // current or next iteration.
  void SetDeadline(DatagramReceiver* receiver, std::optional<Instant> deadline);
  // Forgets the receiver's deadline record (call before destroying a receiver).
  void ForgetReceiver(DatagramReceiver* receiver);
  // Runs work->RunDeferred() once at the end of this iteration (the caller dedupes; work queued
  // from inside RunDeferred runs in the same pass). Cancel before destroying `work`.
  void Defer(DeferredWork* work) { deferred_.push_back(work); }
  void CancelDeferred(DeferredWork* work);
  // Stop listeners (loop thread). A listener may remove itself (or others) from OnLoopStopping.
  void AddStopListener(LoopStopListener* listener);
  void RemoveStopListener(LoopStopListener* listener);
  // steady_clock, read once per loop iteration (after the wait).
  Instant now() const { return now_; }

  // Packet buffers for code that runs on this loop (e.g. a cross-thread send carries one).
  PacketPool& pool() { return *pool_; }
  // Whether the kernel accepted UDP_GRO / still sends UDP_SEGMENT on this socket.
  bool gro_enabled(SocketId id) const;
  bool gso_enabled(SocketId id) const;

  // One iteration: wait (at most max_wait; nullopt: until something happens) for sockets, the
  // soonest deadline or a wakeup; then read sockets, run queued tasks, fire due deadlines and
  // flush the send batch.
  void RunOnce(std::optional<Duration> max_wait);
  // Sends everything in the send batch now.
  void Flush();
  // Runs queued tasks (at most max_tasks); returns how many ran.
  size_t RunTasks(size_t max_tasks);
  // Tells the stop listeners, then closes every socket and forgets every deadline and unsent
  // datagram.
  void CloseAll();

  // Any thread: queue a task (moved from only on success; false if the queue is full) and wake
  // the loop.
  bool PostTask(LoopTask& task);
  void Wake();
  // Any thread, never blocks for long (a leaf lock): the loop calls receiver->OnWake in its next
  // iteration if the receiver still has a socket open on this loop (a stale pointer is ignored).
  // usrsctp uses it (through the loop's UsrsctpOwnerWaker, installed on the loop thread for each
  // RunOnce) when another thread's timer emitted SCTP packets owned by this loop.
  void WakeReceiver(DatagramReceiver* receiver);

  // The thread that runs the loop (EventLoop sets it); default id: none.
  void set_loop_thread(std::thread::id id) { loop_thread_.store(id, std::memory_order_release); }
  bool IsLoopThread() const {
    return loop_thread_.load(std::memory_order_acquire) == std::this_thread::get_id();
  }

  const LoopStats& stats() const { return stats_; }
  const EventLoopOptions& options() const { return options_; }

 private:
  struct Socket {
    int fd = -1;
    uint32_t generation = 0;
    DatagramReceiver* receiver = nullptr;
    StunAddress local;
    bool gro = false;
    bool gso = false;
    bool buffers = false;  // receiver->WantsPacketBuffers()
    uint32_t overflow = 0;  // the kernel's SO_RXQ_OVFL drop count, last seen
  };
  struct PendingSend {
    uint32_t index;
    uint32_t generation;
    uint32_t offset;
    uint32_t length;
    StunAddress to;
  };

  explicit LoopCore(const EventLoopOptions& options);
  Result<void> Init();
  Socket* Find(SocketId id);
  const Socket* Find(SocketId id) const;
  bool Alive(uint32_t index, uint32_t generation) const {
    return index < sockets_.size() && sockets_[index].generation == generation &&
           sockets_[index].fd >= 0;
  }
  void ReadSocket(uint32_t index, uint32_t generation);
  void FireTimers();
  void ServeWokenReceivers();
  void RunDeferredWork();
  void SendRun(size_t begin, size_t end);  // pending_[begin, end): one socket
  void SendIndividually(int fd, size_t begin, size_t end);

  const EventLoopOptions options_;
  int epoll_fd_ = -1;
  int event_fd_ = -1;
  bool have_epoll_pwait2_ = true;
  Instant now_{};
  LoopStats stats_;
  std::atomic<std::thread::id> loop_thread_{};

  std::vector<Socket> sockets_;
  std::vector<uint32_t> free_sockets_;
  DeadlineHeap<DatagramReceiver*> deadlines_;
  std::vector<LoopStopListener*> stop_listeners_;
  std::vector<DeferredWork*> deferred_;          // capacity kept: no allocation once warm
  std::vector<DeferredWork*> deferred_running_;

  std::unique_ptr<PacketPool> pool_;          // lent to the code that runs on the loop
  std::unique_ptr<PacketPool> receive_pool_;  // 2 x receive_batch GRO-sized slots
  // Makes every ring slot exclusively ours again (replacing slots a receiver kept); returns how
  // many leading slots are usable for the next recvmmsg.
  size_t ReclaimReceiveSlots();
  std::vector<PacketBuffer> receive_buffers_;
  std::vector<mmsghdr> recv_msgs_;
  std::vector<iovec> recv_iov_;
  std::vector<sockaddr_storage> recv_names_;
  std::vector<std::array<uint8_t, 64>> recv_control_;
  std::vector<epoll_event> events_;

  std::unique_ptr<uint8_t[]> send_arena_;
  size_t send_arena_used_ = 0;
  std::vector<PendingSend> pending_;          // capacity reserved once, never grows
  std::vector<mmsghdr> send_msgs_;
  std::vector<iovec> send_iov_;
  std::vector<sockaddr_storage> send_names_;
  std::vector<std::array<uint8_t, 32>> send_control_;
  std::vector<uint32_t> send_first_;          // per message: first pending index
  std::vector<uint32_t> send_count_;          // per message: datagrams

  TaskQueue tasks_;
  std::atomic<bool> wake_pending_{false};

  // WakeReceiver's list (any thread, under woken_mu_) and the loop's copy being served.
  struct SctpWaker final : sctp::UsrsctpOwnerWaker {
    LoopCore* core = nullptr;
    void WakeForHandoff(void* tag) override {
      core->WakeReceiver(static_cast<DatagramReceiver*>(tag));
    }
  };
  SctpWaker sctp_waker_;
  std::mutex woken_mu_;
  std::vector<DatagramReceiver*> woken_;          // woken_mu_
  std::vector<DatagramReceiver*> woken_serving_;  // loop thread
  std::atomic<bool> woken_pending_{false};
};

}  // namespace sluice::net
