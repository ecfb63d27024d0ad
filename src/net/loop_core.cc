#include "net/loop_core.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "net/socket_address.h"

#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

namespace sluice::net {
namespace {

constexpr uint64_t kEventFdTag = ~uint64_t{0};
constexpr size_t kMaxEvents = 256;
// A GRO batch is at most one IP packet's worth: 64 KiB.
constexpr size_t kReceiveSlotBytes = 65536;
// recvmmsg calls per socket per wakeup before the loop serves the others (level-triggered
// epoll reports the socket again if data remains).
constexpr int kReadRoundsPerWakeup = 8;
// The send batch: flushed when either fills.
constexpr size_t kSendArenaBytes = 512 * 1024;
constexpr size_t kMaxPendingSends = 512;
// UDP_SEGMENT: at most 64 segments (UDP_MAX_SEGMENTS is 64 before Linux 5.x's 128) and one
// IP packet's payload.
constexpr size_t kMaxGsoSegments = 64;
constexpr size_t kMaxGsoBytes = 65000;
constexpr size_t kMaxUdpPayloadV4 = 65507;
constexpr size_t kMaxUdpPayloadV6 = 65527;
// Tasks run per iteration before the loop looks at its sockets again.
constexpr size_t kTasksPerIteration = 4096;

uint64_t MakeId(uint32_t index, uint32_t generation) {
  return (uint64_t{generation} << 32) | index;
}

void SetBuffer(int fd, int force_opt, int opt, int bytes) {
  if (bytes <= 0) return;
  // SO_*BUFFORCE ignores rmem_max/wmem_max (needs CAP_NET_ADMIN); otherwise the kernel caps.
  if (setsockopt(fd, SOL_SOCKET, force_opt, &bytes, sizeof(bytes)) == 0) return;
  (void)setsockopt(fd, SOL_SOCKET, opt, &bytes, sizeof(bytes));
}

}  // namespace

Result<std::unique_ptr<LoopCore>> LoopCore::Create(const EventLoopOptions& options) {
  if (options.receive_batch == 0 || options.receive_batch > 1024)
    return MakeError(ErrorCode::kInvalidArgument, "receive_batch must be 1..1024");
  if (options.task_queue_capacity == 0 || options.task_queue_capacity > (size_t{1} << 24))
    return MakeError(ErrorCode::kInvalidArgument, "task_queue_capacity must be 1..16M");
  if (options.packet_pool_slots == 0)
    return MakeError(ErrorCode::kInvalidArgument, "packet_pool_slots must be at least 1");
  std::unique_ptr<LoopCore> core(new LoopCore(options));
  if (auto r = core->Init(); !r.ok()) return r.error();
  return core;
}

LoopCore::LoopCore(const EventLoopOptions& options)
    : options_(options), tasks_(options.task_queue_capacity) {
  sctp_waker_.core = this;
  woken_.reserve(64);
  woken_serving_.reserve(64);
}

Result<void> LoopCore::Init() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return MakeError(ErrorCode::kInternal, "epoll_create1 failed");
  event_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (event_fd_ < 0) return MakeError(ErrorCode::kInternal, "eventfd failed");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kEventFdTag;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, event_fd_, &ev) != 0)
    return MakeError(ErrorCode::kInternal, "epoll_ctl(eventfd) failed");

  auto pool = PacketPool::Create({.slot_count = options_.packet_pool_slots});
  if (!pool.ok()) return pool.error();
  pool_ = std::move(pool).value();
  const size_t batch = options_.receive_batch;
  auto rpool = PacketPool::Create(
      {.slot_count = 2 * batch, .headroom = 64, .capacity = kReceiveSlotBytes, .tailroom = 64});
  if (!rpool.ok()) return rpool.error();
  receive_pool_ = std::move(rpool).value();
  receive_buffers_.reserve(batch);
  for (size_t i = 0; i < batch; ++i) receive_buffers_.push_back(std::move(*receive_pool_->Acquire()));
  recv_msgs_.resize(batch);
  recv_iov_.resize(batch);
  recv_names_.resize(batch);
  recv_control_.resize(batch);
  events_.resize(kMaxEvents);

  send_arena_.reset(new uint8_t[kSendArenaBytes]);
  pending_.reserve(kMaxPendingSends);
  send_msgs_.resize(kMaxPendingSends);
  send_iov_.resize(kMaxPendingSends);
  send_names_.resize(kMaxPendingSends);
  send_control_.resize(kMaxPendingSends);
  send_first_.resize(kMaxPendingSends);
  send_count_.resize(kMaxPendingSends);
  now_ = Clock::now();
  return Ok();
}

LoopCore::~LoopCore() {
  sctp::usrsctp_library::ForgetWaker(&sctp_waker_);  // no foreign thread calls us after this
  CloseAll();
  if (event_fd_ >= 0) close(event_fd_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

// ---- Sockets ----------------------------------------------------------------------------------

Result<SocketId> LoopCore::OpenUdpSocket(const StunAddress& bind_address,
                                         DatagramReceiver* receiver) {
  if (receiver == nullptr)
    return MakeError(ErrorCode::kInvalidArgument, "OpenUdpSocket needs a receiver");
  const int family = SocketFamily(bind_address);
  const int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0)
    return MakeError(ErrorCode::kUnsupported, "socket() failed (address family not available?)");
  const int one = 1;
  if (family == AF_INET6) (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if (options_.reuse_port &&
      setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0) {
    close(fd);
    return MakeError(ErrorCode::kUnsupported, "SO_REUSEPORT refused by the kernel");
  }
  SetBuffer(fd, SO_RCVBUFFORCE, SO_RCVBUF, options_.socket_buffer_bytes);
  SetBuffer(fd, SO_SNDBUFFORCE, SO_SNDBUF, options_.socket_buffer_bytes);
  // The kernel's count of datagrams dropped for a full receive buffer, on every read.
  (void)setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
  sockaddr_storage addr;
  const socklen_t len = ToSockaddr(bind_address, &addr);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&addr), len) != 0) {
    const int err = errno;
    close(fd);
    if (err == EADDRINUSE)
      return MakeError(ErrorCode::kExhausted, "bind: address and port already in use");
    if (err == EADDRNOTAVAIL)
      return MakeError(ErrorCode::kInvalidArgument, "bind: address is not local to this host");
    return MakeError(ErrorCode::kInvalidArgument, "bind failed");
  }
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof(bound);
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_len);

  Socket s;
  s.fd = fd;
  s.receiver = receiver;
  s.local = FromSockaddr(bound);
  s.gro = options_.udp_gro && setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one)) == 0;
  s.gso = options_.udp_gso;
  s.buffers = receiver->WantsPacketBuffers();

  uint32_t index;
  if (!free_sockets_.empty()) {
    index = free_sockets_.back();
    free_sockets_.pop_back();
    s.generation = sockets_[index].generation + 1;
    if (s.generation == 0) s.generation = 1;
    sockets_[index] = s;
  } else {
    index = static_cast<uint32_t>(sockets_.size());
    s.generation = 1;
    sockets_.push_back(s);
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = MakeId(index, s.generation);
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    close(fd);
    sockets_[index].fd = -1;
    free_sockets_.push_back(index);
    return MakeError(ErrorCode::kInternal, "epoll_ctl(ADD) failed");
  }
  return SocketId(MakeId(index, s.generation));
}

LoopCore::Socket* LoopCore::Find(SocketId id) {
  const uint32_t index = static_cast<uint32_t>(id.value());
  const uint32_t generation = static_cast<uint32_t>(id.value() >> 32);
  return Alive(index, generation) ? &sockets_[index] : nullptr;
}
const LoopCore::Socket* LoopCore::Find(SocketId id) const {
  const uint32_t index = static_cast<uint32_t>(id.value());
  const uint32_t generation = static_cast<uint32_t>(id.value() >> 32);
  return Alive(index, generation) ? &sockets_[index] : nullptr;
}

StunAddress LoopCore::local_address(SocketId id) const {
  const Socket* s = Find(id);
  return s ? s->local : StunAddress();
}
bool LoopCore::IsOpen(SocketId id) const { return Find(id) != nullptr; }
bool LoopCore::gro_enabled(SocketId id) const {
  const Socket* s = Find(id);
  return s && s->gro;
}
bool LoopCore::gso_enabled(SocketId id) const {
  const Socket* s = Find(id);
  return s && s->gso;
}

void LoopCore::CloseSocket(SocketId id) {
  Socket* s = Find(id);
  if (s == nullptr) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, s->fd, nullptr);
  close(s->fd);
  s->fd = -1;
  s->receiver = nullptr;
  free_sockets_.push_back(static_cast<uint32_t>(id.value()));
  // Its pending datagrams are skipped by Flush (the generation no longer matches an open fd).
}

void LoopCore::AddStopListener(LoopStopListener* listener) { stop_listeners_.push_back(listener); }

void LoopCore::RemoveStopListener(LoopStopListener* listener) {
  std::erase(stop_listeners_, listener);
}

void LoopCore::CloseAll() {
  // Listeners usually remove themselves while being told: tell each one still registered.
  while (!stop_listeners_.empty()) {
    LoopStopListener* l = stop_listeners_.back();
    stop_listeners_.pop_back();
    l->OnLoopStopping();
  }
  Flush();
  for (size_t i = 0; i < sockets_.size(); ++i) {
    if (sockets_[i].fd >= 0) CloseSocket(SocketId(MakeId(static_cast<uint32_t>(i), sockets_[i].generation)));
  }
  pending_.clear();
  send_arena_used_ = 0;
  deadlines_.Clear();
  deferred_.clear();
}

// ---- Deadlines --------------------------------------------------------------------------------

void LoopCore::SetDeadline(DatagramReceiver* receiver, std::optional<Instant> deadline) {
  deadlines_.Set(receiver, deadline);
}
void LoopCore::ForgetReceiver(DatagramReceiver* receiver) { deadlines_.Forget(receiver); }

void LoopCore::FireTimers() {
  // Deadlines set by a callback at or before now fire in this pass too, but each receiver at
  // most a bounded number of times so a receiver that keeps asking for "now" cannot hang us.
  size_t budget = deadlines_.size() + 64;
  while (budget-- > 0) {
    auto receiver = deadlines_.PopDue(now_);
    if (!receiver) break;
    ++stats_.timers_fired;
    (*receiver)->OnTimeout(now_);
  }
}

// ---- Cross-thread tasks -----------------------------------------------------------------------

bool LoopCore::PostTask(LoopTask& task) {
  if (!tasks_.Push(task)) return false;
  Wake();
  return true;
}

void LoopCore::Wake() {
  // One eventfd write per sleep: the loop clears wake_pending_ after reading the eventfd and
  // before draining the queue, so a task pushed before a producer sees `true` is always seen.
  if (!wake_pending_.exchange(true, std::memory_order_acq_rel)) {
    const uint64_t one = 1;
    ssize_t r = write(event_fd_, &one, sizeof(one));
    (void)r;
  }
}

void LoopCore::WakeReceiver(DatagramReceiver* receiver) {
  {
    std::lock_guard<std::mutex> lock(woken_mu_);
    if (std::find(woken_.begin(), woken_.end(), receiver) == woken_.end())
      woken_.push_back(receiver);
    woken_pending_.store(true, std::memory_order_release);
  }
  Wake();
}

void LoopCore::ServeWokenReceivers() {
  if (!woken_pending_.load(std::memory_order_acquire)) return;
  {
    std::lock_guard<std::mutex> lock(woken_mu_);
    woken_serving_.swap(woken_);
    woken_pending_.store(false, std::memory_order_relaxed);
  }
  for (DatagramReceiver* r : woken_serving_) {
    // Only a receiver that still has a socket here is live (a closed one unregistered itself).
    bool live = false;
    for (const Socket& s : sockets_) {
      if (s.fd >= 0 && s.receiver == r) {
        live = true;
        break;
      }
    }
    if (!live) continue;
    ++stats_.receiver_wakes;
    r->OnWake(now_);
  }
  woken_serving_.clear();
}

size_t LoopCore::RunTasks(size_t max_tasks) {
  size_t ran = 0;
  LoopTask task;
  while (ran < max_tasks && tasks_.Pop(task)) {
    task();
    task.Reset();
    ++ran;
  }
  stats_.tasks_run += ran;
  return ran;
}

// ---- The loop ---------------------------------------------------------------------------------

void LoopCore::RunOnce(std::optional<Duration> max_wait) {
  // SCTP transports claimed during this iteration record this loop as their owner's waker.
  sctp::usrsctp_library::ScopedThreadWaker sctp_waker(&sctp_waker_);
  ++stats_.iterations;
  std::optional<Duration> wait = max_wait;
  if (!tasks_.Empty() || !pending_.empty() || !deferred_.empty() ||
      woken_pending_.load(std::memory_order_acquire))
    wait = Duration::zero();
  if (auto next = deadlines_.Next()) {
    const Duration until = std::max(Duration::zero(), *next - Clock::now());
    if (!wait || until < *wait) wait = until;
  }
  int n;
  if (have_epoll_pwait2_) {
    timespec ts{};
    if (wait) {
      const auto ns = std::chrono::duration_cast<nanoseconds>(*wait).count();
      ts.tv_sec = static_cast<time_t>(ns / 1000000000);
      ts.tv_nsec = static_cast<long>(ns % 1000000000);
    }
    n = static_cast<int>(syscall(SYS_epoll_pwait2, epoll_fd_, events_.data(),
                                 static_cast<int>(events_.size()), wait ? &ts : nullptr, nullptr,
                                 size_t{8}));
    if (n < 0 && errno == ENOSYS) {
      have_epoll_pwait2_ = false;
      n = 0;
    }
  } else {
    int ms = -1;
    if (wait) {
      ms = static_cast<int>(
          std::chrono::ceil<milliseconds>(*wait).count());  // never wake before the deadline
    }
    n = epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), ms);
  }
  now_ = Clock::now();
  for (int i = 0; i < n; ++i) {
    const uint64_t tag = events_[i].data.u64;
    if (tag == kEventFdTag) {
      uint64_t value;
      ssize_t r = read(event_fd_, &value, sizeof(value));
      (void)r;
      wake_pending_.exchange(false, std::memory_order_acq_rel);
      continue;
    }
    ReadSocket(static_cast<uint32_t>(tag), static_cast<uint32_t>(tag >> 32));
  }
  RunTasks(kTasksPerIteration);
  ServeWokenReceivers();
  FireTimers();
  RunDeferredWork();
  Flush();
}

void LoopCore::CancelDeferred(DeferredWork* work) {
  std::erase(deferred_, work);
  std::replace(deferred_running_.begin(), deferred_running_.end(), work,
               static_cast<DeferredWork*>(nullptr));
}

void LoopCore::RunDeferredWork() {
  for (int pass = 0; pass < 16 && !deferred_.empty(); ++pass) {
    deferred_running_.swap(deferred_);
    for (size_t i = 0; i < deferred_running_.size(); ++i) {
      if (deferred_running_[i] != nullptr) deferred_running_[i]->RunDeferred();
    }
    deferred_running_.clear();
  }
}

size_t LoopCore::ReclaimReceiveSlots() {
  // Exclusively owned slots move to the front; a kept slot is replaced from the pool, or (pool
  // empty: every spare slot is kept) stays at the back, unused until its holder lets go.
  size_t usable = 0;
  for (size_t i = 0; i < receive_buffers_.size(); ++i) {
    if (receive_buffers_[i].use_count() > 1) {
      auto fresh = receive_pool_->Acquire();
      if (!fresh.ok()) continue;
      receive_buffers_[i] = std::move(fresh).value();
    }
    if (i != usable) std::swap(receive_buffers_[usable], receive_buffers_[i]);
    ++usable;
  }
  return usable;
}

void LoopCore::ReadSocket(uint32_t index, uint32_t generation) {
  for (int round = 0; round < kReadRoundsPerWakeup; ++round) {
    if (!Alive(index, generation)) return;
    const size_t batch = ReclaimReceiveSlots();
    if (batch == 0) return;
    const int fd = sockets_[index].fd;
    const bool buffers = sockets_[index].buffers;
    for (size_t i = 0; i < batch; ++i) {
      auto area = receive_buffers_[i].writable_area();
      recv_iov_[i] = {area.data(), std::min(area.size(), kReceiveSlotBytes)};
      msghdr& h = recv_msgs_[i].msg_hdr;
      h.msg_name = &recv_names_[i];
      h.msg_namelen = sizeof(sockaddr_storage);
      h.msg_iov = &recv_iov_[i];
      h.msg_iovlen = 1;
      h.msg_control = recv_control_[i].data();
      h.msg_controllen = recv_control_[i].size();
      h.msg_flags = 0;
      recv_msgs_[i].msg_len = 0;
    }
    const int n = recvmmsg(fd, recv_msgs_.data(), static_cast<unsigned>(batch), MSG_DONTWAIT,
                           nullptr);
    if (n <= 0) return;  // EAGAIN (drained) or a transient error: epoll reports it again
    ++stats_.recv_calls;
    // The socket's receiver and address, copied: a callback may open sockets (sockets_ grows).
    DatagramReceiver* const receiver = sockets_[index].receiver;
    const StunAddress local = sockets_[index].local;
    for (int i = 0; i < n; ++i) {
      const msghdr& h = recv_msgs_[i].msg_hdr;
      const size_t len = recv_msgs_[i].msg_len;
      if (h.msg_flags & MSG_TRUNC) {
        ++stats_.truncated;
        continue;
      }
      size_t segment = len;
      for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr;
           c = CMSG_NXTHDR(const_cast<msghdr*>(&h), c)) {
        if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
          int gso_size;
          std::memcpy(&gso_size, CMSG_DATA(c), sizeof(gso_size));
          if (gso_size > 0) segment = static_cast<size_t>(gso_size);
        } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL &&
                   Alive(index, generation)) {
          uint32_t dropped;  // cumulative for the socket
          std::memcpy(&dropped, CMSG_DATA(c), sizeof(dropped));
          stats_.receive_dropped += dropped - sockets_[index].overflow;
          sockets_[index].overflow = dropped;
        }
      }
      if (segment < len) ++stats_.gro_batches;
      const StunAddress remote = FromSockaddr(recv_names_[i]);
      const uint8_t* data = static_cast<const uint8_t*>(recv_iov_[i].iov_base);
      if (len == 0) {  // an empty datagram is still a datagram
        ++stats_.datagrams_received;
        receiver->OnDatagram(now_, local, remote, {data, size_t{0}});
        if (!Alive(index, generation)) return;
        continue;
      }
      for (size_t off = 0; off < len; off += segment) {
        const size_t size = std::min(segment, len - off);
        ++stats_.datagrams_received;
        stats_.bytes_received += size;
        if (buffers) {
          // A counted handle whose window is this segment (the ring's handle keeps its own).
          PacketBuffer handle = receive_buffers_[i].Share();
          handle.Resize(off + size);
          handle.TrimFront(off);
          receiver->OnDatagramBuffer(now_, local, remote, std::move(handle));
        } else {
          receiver->OnDatagram(now_, local, remote, {data + off, size});
        }
        if (!Alive(index, generation)) return;
      }
    }
    if (static_cast<size_t>(n) < batch) return;
  }
}

// ---- Send -------------------------------------------------------------------------------------

Result<void> LoopCore::SendTo(SocketId id, const StunAddress& to,
                              std::span<const uint8_t> datagram) {
  Socket* s = Find(id);
  if (s == nullptr) return MakeError(ErrorCode::kNotFound, "SendTo on a closed socket");
  if (to.family() != s->local.family())
    return MakeError(ErrorCode::kInvalidArgument,
                     "SendTo: destination family differs from the socket's");
  const size_t max = to.family() == StunAddressFamily::kIpv4 ? kMaxUdpPayloadV4 : kMaxUdpPayloadV6;
  if (datagram.size() > max)
    return MakeError(ErrorCode::kInvalidArgument, "SendTo: datagram larger than UDP allows");
  if (pending_.size() == kMaxPendingSends || send_arena_used_ + datagram.size() > kSendArenaBytes)
    Flush();
  std::memcpy(send_arena_.get() + send_arena_used_, datagram.data(), datagram.size());
  const uint32_t index = static_cast<uint32_t>(id.value());
  pending_.push_back(PendingSend{index, static_cast<uint32_t>(id.value() >> 32),
                                 static_cast<uint32_t>(send_arena_used_),
                                 static_cast<uint32_t>(datagram.size()), to});
  send_arena_used_ += datagram.size();
  return Ok();
}

void LoopCore::Flush() {
  size_t i = 0;
  while (i < pending_.size()) {
    size_t j = i + 1;
    while (j < pending_.size() && pending_[j].index == pending_[i].index &&
           pending_[j].generation == pending_[i].generation)
      ++j;
    SendRun(i, j);
    i = j;
  }
  pending_.clear();
  send_arena_used_ = 0;
}

void LoopCore::SendRun(size_t begin, size_t end) {
  const PendingSend& first = pending_[begin];
  if (!Alive(first.index, first.generation)) {
    stats_.send_dropped += end - begin;  // closed meanwhile
    return;
  }
  Socket& s = sockets_[first.index];
  const int fd = s.fd;
  // Build the messages: a GSO run (same destination, same size, the last may be shorter) or one
  // datagram each.
  size_t m = 0;
  for (size_t k = begin; k < end;) {
    const PendingSend& p = pending_[k];
    size_t count = 1;
    size_t bytes = p.length;
    if (s.gso && p.length > 0) {
      while (k + count < end && count < kMaxGsoSegments) {
        const PendingSend& q = pending_[k + count];
        if (q.length == 0 || q.length > p.length || !(q.to == p.to) ||
            bytes + q.length > kMaxGsoBytes || q.offset != p.offset + bytes)
          break;
        bytes += q.length;
        ++count;
        if (q.length < p.length) break;  // a shorter segment ends a GSO message
      }
    }
    msghdr& h = send_msgs_[m].msg_hdr;
    h = msghdr{};
    h.msg_name = &send_names_[m];
    h.msg_namelen = ToSockaddr(p.to, &send_names_[m]);
    send_iov_[m] = {send_arena_.get() + p.offset, bytes};
    h.msg_iov = &send_iov_[m];
    h.msg_iovlen = 1;
    if (count > 1) {
      h.msg_control = send_control_[m].data();
      h.msg_controllen = CMSG_SPACE(sizeof(uint16_t));
      cmsghdr* c = CMSG_FIRSTHDR(&h);
      c->cmsg_level = SOL_UDP;
      c->cmsg_type = UDP_SEGMENT;
      c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
      const uint16_t segment = static_cast<uint16_t>(p.length);
      std::memcpy(CMSG_DATA(c), &segment, sizeof(segment));
    }
    send_first_[m] = static_cast<uint32_t>(k);
    send_count_[m] = static_cast<uint32_t>(count);
    ++m;
    k += count;
  }
  size_t done = 0;
  while (done < m) {
    const int r = sendmmsg(fd, &send_msgs_[done], static_cast<unsigned>(m - done), MSG_DONTWAIT);
    ++stats_.send_calls;
    if (r > 0) {
      for (size_t x = done; x < done + static_cast<size_t>(r); ++x) {
        stats_.datagrams_sent += send_count_[x];
        stats_.bytes_sent += send_iov_[x].iov_len;
        if (send_count_[x] > 1) ++stats_.gso_sends;
      }
      done += static_cast<size_t>(r);
      continue;
    }
    const int err = errno;
    if (err == EINTR) continue;
    if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS) {
      // The socket buffer is full: drop the rest, as the network would.
      for (size_t x = done; x < m; ++x) stats_.send_dropped += send_count_[x];
      return;
    }
    // The first message failed on its own (bad destination, ICMP error, ...).
    if (send_count_[done] > 1 && (err == EIO || err == EINVAL)) {
      // GSO refused (no checksum offload on the route: EIO; segment over the path MTU: EINVAL):
      // send this run one datagram at a time, and stop using GSO on this socket after EIO.
      if (err == EIO) s.gso = false;
      SendIndividually(fd, send_first_[done], send_first_[done] + send_count_[done]);
    } else {
      stats_.send_dropped += send_count_[done];
    }
    ++done;
  }
}

void LoopCore::SendIndividually(int fd, size_t begin, size_t end) {
  for (size_t k = begin; k < end; ++k) {
    const PendingSend& p = pending_[k];
    sockaddr_storage to;
    const socklen_t len = ToSockaddr(p.to, &to);
    ++stats_.send_calls;
    if (sendto(fd, send_arena_.get() + p.offset, p.length, MSG_DONTWAIT,
               reinterpret_cast<const sockaddr*>(&to), len) >= 0) {
      ++stats_.datagrams_sent;
      stats_.bytes_sent += p.length;
    } else {
      ++stats_.send_dropped;
    }
  }
}

}  // namespace sluice::net
