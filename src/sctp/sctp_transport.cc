// SctpTransport on usrsctp (AF_CONN, no threads). See sctp_transport.h for the contract and
// usrsctp_library.h for the process-wide parts (init, timers, output callback, CRC32c).
//
// Send path: Send() hands a message to usrsctp at once (non-blocking usrsctp_sendv, no copy of
// ours; the usrsctp_sendv parameters are built once per channel) when nothing is queued ahead
// of it; when usrsctp's send buffer is full (EWOULDBLOCK) the message is copied into our queue
// (buffers reused) and counted in buffered_amount until usrsctp takes it.
// With batch_small_messages, messages of up to mtu / 2 bytes (two or more fit a packet) are
// queued and handed over together on the next PollTransmit / HandleReceive / HandleTimeout,
// with Nagle on (SCTP_NODELAY off) except for the message that fills a packet or ends the
// queue, which goes with NODELAY on: usrsctp sends full packets and nothing waits for a SACK
// (FlushPending). Bigger messages are not batched (they take a packet or more each).
//
// Receive path: PollEvent pulls from usrsctp (usrsctp_recvv) only when the caller asks, one
// message at a time, straight into one reusable buffer, and only when usrsctp's socket upcall
// said there is something to read (no EWOULDBLOCK round trips; the sending side, which gets
// only SACKs, never calls usrsctp_recvv). A caller that stops polling stops the reads,
// usrsctp's receive window closes and the peer's sender is held back: bounded memory.
#include "sctp/sctp_transport.h"

#include <arpa/inet.h>
#include <usrsctp.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <memory>
#include <new>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sctp/dcep_message.h"
#include "sctp/ring_queue.h"
#include "sctp/sctp_abort_reason.h"
#include "sctp/usrsctp_library.h"

#ifndef SCTP_INTERLEAVING_SUPPORTED
#define SCTP_INTERLEAVING_SUPPORTED 0x00001206  // usrsctp's value, absent from 0.9.5's header
#endif

namespace sluice::sctp {
namespace {

// Leaves bytes uninitialised on resize: the receive buffers below are 320 KiB per transport and
// only ever written by usrsctp_recvv before they are read. Zero-filling them (std::vector's
// value-initialisation) touched every page of a fresh allocation on the connect path: ~100 us
// of page faults and memset per transport, before the first INIT could leave.
template <typename T>
struct UninitializedAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <typename U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;  // default-initialisation: no zeroing
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
using RawBytes = std::vector<uint8_t, UninitializedAllocator<uint8_t>>;

constexpr Duration kBusyWindow = seconds(2);   // after activity, tick every 10 ms
constexpr Duration kIdleTick = milliseconds(250);
constexpr size_t kMaxNotification = 64 * 1024;

enum class ChannelState : uint8_t { kConnecting, kOpen, kClosing };

struct Channel {
  ChannelInfo info;
  ChannelState state = ChannelState::kConnecting;
  bool dcep_open_sent = false;    // in-band: DATA_CHANNEL_OPEN handed to usrsctp
  bool negotiated = false;
  bool reset_wanted = false;      // CloseChannel: reset once our queue for it is empty
  bool reset_requested = false;   // outgoing reset asked of usrsctp
  bool outgoing_reset_done = false;
  bool incoming_reset = false;
  bool closed_reported = false;
  size_t buffered = 0;
  size_t low_threshold = 0;
  // usrsctp_sendv parameters of this channel's data messages, built on the first send and
  // rebuilt when the state changes (unordered only once open); only the PPID varies per message.
  struct sctp_sendv_spa data_spa{};
  bool data_spa_valid = false;
  ChannelState data_spa_state = ChannelState::kConnecting;
};

struct Pending {
  uint16_t stream_id;
  uint32_t ppid;
  std::vector<uint8_t> data;
};

SctpEvent MakeEvent(SctpEventType type, uint16_t sid = 0, Error error = {}) {
  SctpEvent e{type, sid, MessageType::kBinary, {}, error};
  return e;
}

uint32_t MessagePpid(MessageType type, bool empty) {
  if (type == MessageType::kString) return static_cast<uint32_t>(empty ? Ppid::kStringEmpty : Ppid::kString);
  return static_cast<uint32_t>(empty ? Ppid::kBinaryEmpty : Ppid::kBinary);
}

DcepChannelType ChannelTypeOf(const ChannelOptions& o) {
  const uint8_t unordered = o.ordered ? 0x00 : 0x80;
  uint8_t base = 0x00;
  if (o.max_retransmits) base = 0x01;
  else if (o.max_packet_life_time_ms) base = 0x02;
  return static_cast<DcepChannelType>(base | unordered);
}

}  // namespace

struct SctpTransport::Impl final : UsrsctpOutputSink {
  SctpConfig config;
  bool is_dtls_client = false;
  ConnHandle* handle = nullptr;
  struct socket* sock = nullptr;
  bool started = false;
  bool connected = false;
  bool closed = false;           // kClosed emitted (or about to be)
  uint16_t outgoing_streams = 0;  // negotiated (min of ours and the peer's MIS)
  uint16_t incoming_streams = 0;
  bool nodelay = true;            // current SCTP_NODELAY setting
  Instant last_activity{};
  Instant last_now{};

  std::unordered_map<uint16_t, Channel> channels;
  // One-entry lookup cache for the per-message paths (Send, FlushPending, OnMessage): bulk
  // traffic runs on one stream. unordered_map nodes never move, so only erasing a channel
  // (EraseChannel, channels.clear) clears it.
  uint16_t cached_sid = 0;
  Channel* cached_channel = nullptr;
  std::deque<SctpEvent> events;

  // Send queue (messages usrsctp has not taken yet), FIFO across streams.
  RingQueue<Pending> pending;
  std::vector<std::vector<uint8_t>> spare_buffers;
  size_t pending_bytes = 0;
  bool send_blocked = false;      // usrsctp said EWOULDBLOCK; retry on the next input
  std::vector<uint16_t> resets;   // streams whose outgoing reset is to be (re)requested

  // Transmit queue: packets copied out of usrsctp's output callback.
  std::vector<std::vector<uint8_t>> tx_slots;
  size_t tx_head = 0, tx_count = 0;
  bool tx_out = false;            // the head slot is lent to the caller

  // Set by usrsctp's socket upcall when the receive buffer has something to read (data or a
  // notification), cleared just before a read that finds nothing. Pull skips usrsctp_recvv
  // (a lock round trip and an EWOULDBLOCK) when it is clear: the sender's side, which only
  // ever receives SACKs, never reads. Atomic: usrsctp's iterator thread may run the upcall.
  std::atomic<bool> readable{true};

  // Receive: one message being assembled.
  RawBytes rx;
  size_t rx_len = 0;
  bool rx_discarding = false;     // message over local_max_message_size: skip to its end
  RawBytes notification;
  size_t notification_len = 0;

  SctpStats stats;

  ~Impl() {
    if (handle) handle->sink = nullptr;  // nothing more reaches our queues
    if (sock) {
      usrsctp_set_upcall(sock, nullptr, nullptr);
      struct linger l{1, 0};  // close = ABORT, free at once
      usrsctp_setsockopt(sock, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
      usrsctp_close(sock);
    }
    if (handle) usrsctp_library::Release(handle);
  }

  // ---- setup -------------------------------------------------------------------------------

  // usrsctp calls this (socket buffer lock released) whenever the socket's receive or send
  // buffer changes state; only "readable" matters to us.
  static void OnUpcall(struct socket* so, void* arg, int /*flags*/) {
    if (usrsctp_get_events(so) & SCTP_EVENT_READ) {
      static_cast<Impl*>(arg)->readable.store(true, std::memory_order_release);
    }
  }

  Channel* FindChannel(uint16_t sid) {
    if (cached_channel != nullptr && cached_sid == sid) return cached_channel;
    auto it = channels.find(sid);
    if (it == channels.end()) return nullptr;
    cached_sid = sid;
    cached_channel = &it->second;
    return cached_channel;
  }

  void EraseChannel(std::unordered_map<uint16_t, Channel>::iterator it) {
    cached_channel = nullptr;
    channels.erase(it);
  }

  Result<void> Open() {
    handle = usrsctp_library::Acquire(this);
    sock = usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP, nullptr, nullptr, 0, nullptr);
    if (!sock) return MakeError(ErrorCode::kInternal, "sctp: usrsctp_socket failed");
    if (usrsctp_set_non_blocking(sock, 1) < 0) {
      return MakeError(ErrorCode::kInternal, "sctp: cannot make the socket non-blocking");
    }
    if (usrsctp_set_upcall(sock, &Impl::OnUpcall, this) < 0) {
      return MakeError(ErrorCode::kInternal, "sctp: cannot set the socket upcall");
    }
    int on = 1;
    // RFC 8831 §6.1 "The SCTP association MUST support ... stream reset [RFC6525]".
    struct sctp_assoc_value av{};
    av.assoc_id = SCTP_FUTURE_ASSOC;
    av.assoc_value = SCTP_ENABLE_RESET_STREAM_REQ;
    if (usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_ENABLE_STREAM_RESET, &av, sizeof(av)) < 0) {
      return MakeError(ErrorCode::kInternal, "sctp: SCTP_ENABLE_STREAM_RESET failed");
    }
    if (usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on)) < 0) {
      return MakeError(ErrorCode::kInternal, "sctp: SCTP_RECVRCVINFO failed");
    }
    nodelay = !config.batch_small_messages;
    int nd = nodelay ? 1 : 0;
    usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_NODELAY, &nd, sizeof(nd));
    for (int type : {SCTP_ASSOC_CHANGE, SCTP_STREAM_RESET_EVENT, SCTP_STREAM_CHANGE_EVENT}) {
      struct sctp_event ev{};
      ev.se_assoc_id = SCTP_ALL_ASSOC;
      ev.se_on = 1;
      ev.se_type = static_cast<uint16_t>(type);
      if (usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev)) < 0) {
        return MakeError(ErrorCode::kInternal, "sctp: SCTP_EVENT subscription failed");
      }
    }
    // config.max_streams both ways (see SctpConfig: the stream count is paid for at setup).
    struct sctp_initmsg init{};
    init.sinit_num_ostreams = config.max_streams;
    init.sinit_max_instreams = config.max_streams;
    if (usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_INITMSG, &init, sizeof(init)) < 0) {
      return MakeError(ErrorCode::kInternal, "sctp: SCTP_INITMSG failed");
    }
    int sndbuf = static_cast<int>(std::min<size_t>(config.socket_send_buffer, 1u << 30));
    int rcvbuf = static_cast<int>(std::min<size_t>(config.socket_receive_buffer, 1u << 30));
    if (usrsctp_setsockopt(sock, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)) < 0 ||
        usrsctp_setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0) {
      return MakeError(ErrorCode::kInternal, "sctp: socket buffer size refused by usrsctp");
    }
    // Whole messages up to local_max_message_size in one read: usrsctp starts partial delivery
    // only past this point, so pieces of different messages never interleave in our reads
    // (with or without I-DATA); only an over-size message is read in pieces (and dropped).
    uint32_t pd_point = static_cast<uint32_t>(std::min<size_t>(config.local_max_message_size, 0x7fffffff));
    usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_PARTIAL_DELIVERY_POINT, &pd_point, sizeof(pd_point));
    if (config.enable_interleaving) {
      // RFC 8260 I-DATA needs fragment interleave level 2 in usrsctp.
      int level = 2;
      struct sctp_assoc_value iv{};
      iv.assoc_id = SCTP_FUTURE_ASSOC;
      iv.assoc_value = 1;
      if (usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, &level,
                             sizeof(level)) < 0 ||
          usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_INTERLEAVING_SUPPORTED, &iv,
                             sizeof(iv)) < 0) {
        return MakeError(ErrorCode::kUnsupported, "sctp: usrsctp refused I-DATA interleaving");
      }
    }
    struct sockaddr_conn local{};
    local.sconn_family = AF_CONN;
    local.sconn_port = htons(config.local_port);
    local.sconn_addr = handle;
    if (usrsctp_bind(sock, reinterpret_cast<struct sockaddr*>(&local), sizeof(local)) < 0) {
      return MakeError(ErrorCode::kInternal, "sctp: usrsctp_bind failed");
    }
    rx.resize(config.local_max_message_size + 1);
    notification.resize(kMaxNotification);
    return Ok();
  }

  void SetPathMtu() {
    struct sctp_paddrparams p{};
    p.spp_assoc_id = SCTP_FUTURE_ASSOC;
    struct sockaddr_conn remote{};
    remote.sconn_family = AF_CONN;
    remote.sconn_port = htons(config.remote_port);
    remote.sconn_addr = handle;
    std::memcpy(&p.spp_address, &remote, sizeof(remote));
    p.spp_flags = SPP_PMTUD_DISABLE;
    // usrsctp's AF_CONN packets come out 12 bytes (one common header) over spp_pathmtu:
    // measured, and checked by the PacketsFitTheMtu test.
    p.spp_pathmtu = static_cast<uint32_t>(config.mtu - 12);
    usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &p, sizeof(p));
  }

  // ---- output -------------------------------------------------------------------------------

  void OnSctpOutput(std::span<uint8_t> packet) override {
    if (tx_count == config.max_pending_transmit) {
      ++stats.transmit_dropped;  // SCTP retransmits it
      return;
    }
    if (tx_count == tx_slots.size()) {
      // Grow the ring (rare: up to max_pending_transmit), keeping FIFO order from tx_head.
      std::rotate(tx_slots.begin(), tx_slots.begin() + static_cast<std::ptrdiff_t>(tx_head),
                  tx_slots.end());
      tx_head = 0;
      tx_slots.resize(std::max<size_t>(16, tx_slots.size() * 2));
    }
    auto& slot = tx_slots[(tx_head + tx_count) % tx_slots.size()];
    slot.assign(packet.begin(), packet.end());  // capacity reused after the first use
    ++tx_count;
  }

  std::optional<std::span<const uint8_t>> PollTransmit() {
    if (tx_out) {
      tx_out = false;
      tx_head = (tx_head + 1) % tx_slots.size();
      --tx_count;
    }
    if (handle) usrsctp_library::Deliver(handle);  // our packets another thread's timer emitted
    FlushPending();
    if (tx_count == 0) return std::nullopt;
    tx_out = true;
    ++stats.packets_sent;
    const auto& slot = tx_slots[tx_head];
    return std::span<const uint8_t>(slot.data(), slot.size());
  }

  // ---- time ---------------------------------------------------------------------------------

  void Tick(Instant now) {
    last_now = std::max(last_now, now);
    usrsctp_library::AdvanceTo(handle, now);  // also makes this thread the handle's owner
  }

  std::optional<Instant> PollTimeout() const {
    if (!started || !sock) return std::nullopt;
    auto clock = usrsctp_library::clock();
    if (!clock) return std::nullopt;
    if (!pending.empty() && connected && !send_blocked) return last_now;  // batch to flush
    const bool busy = !connected || last_now - last_activity < kBusyWindow || !pending.empty();
    return *clock + (busy ? usrsctp_library::kTick : kIdleTick);
  }

  // ---- send ---------------------------------------------------------------------------------

  void SetNoDelay(bool on) {
    if (nodelay == on) return;
    int v = on ? 1 : 0;
    usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_NODELAY, &v, sizeof(v));
    nodelay = on;
  }

  static struct sctp_sendv_spa BuildSpa(const Channel& ch, bool dcep) {
    struct sctp_sendv_spa spa{};
    spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
    spa.sendv_sndinfo.snd_sid = ch.info.stream_id;
    const auto& o = ch.info.options;
    // RFC 8832 §6: until the DATA_CHANNEL_ACK arrives, user messages go ordered.
    const bool unordered = !dcep && !o.ordered && ch.state == ChannelState::kOpen;
    if (unordered) spa.sendv_sndinfo.snd_flags |= SCTP_UNORDERED;
    if (!dcep && (o.max_retransmits || o.max_packet_life_time_ms)) {
      spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
      if (o.max_retransmits) {
        spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_RTX;
        spa.sendv_prinfo.pr_value = *o.max_retransmits;
      } else {
        spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_TTL;
        spa.sendv_prinfo.pr_value = *o.max_packet_life_time_ms;
      }
    }
    return spa;
  }

  // 0, or the errno of usrsctp_sendv.
  int SendToUsrsctp(Channel& ch, uint32_t ppid, std::span<const uint8_t> data) {
    const bool dcep = ppid == static_cast<uint32_t>(Ppid::kDcep);
    struct sctp_sendv_spa dcep_spa;
    struct sctp_sendv_spa* spa = &ch.data_spa;
    if (dcep) {
      dcep_spa = BuildSpa(ch, true);
      spa = &dcep_spa;
    } else if (!ch.data_spa_valid || ch.data_spa_state != ch.state) {
      ch.data_spa = BuildSpa(ch, false);
      ch.data_spa_valid = true;
      ch.data_spa_state = ch.state;
    }
    spa->sendv_sndinfo.snd_ppid = htonl(ppid);
    const ssize_t n = usrsctp_sendv(sock, data.data(), data.size(), nullptr, 0, spa,
                                    sizeof(*spa), SCTP_SENDV_SPA, 0);
    if (n < 0) return errno == 0 ? EIO : errno;
    return 0;
  }

  void Enqueue(uint16_t sid, uint32_t ppid, std::span<const uint8_t> data) {
    Pending p{sid, ppid, {}};
    if (!spare_buffers.empty()) {
      p.data = std::move(spare_buffers.back());
      spare_buffers.pop_back();
    }
    p.data.assign(data.begin(), data.end());
    pending_bytes += data.size();
    pending.push_back(std::move(p));
  }

  void Recycle(std::vector<uint8_t>&& buffer) {
    if (spare_buffers.size() < 1024 && buffer.capacity() <= 256 * 1024) {
      spare_buffers.push_back(std::move(buffer));
    }
  }

  // Bytes a DATA chunk takes in a packet: 16-byte header, payload padded to 4 (RFC 9260 §3.3.1).
  static size_t ChunkBytes(size_t payload) { return 16 + ((payload + 3) & ~size_t{3}); }

  // Chunk bytes that fit one packet: the mtu less the 12-byte common header, less another 12
  // for usrsctp's AF_CONN accounting (spp_pathmtu is mtu - 12, see SetPathMtu). Measured: 14
  // chunks of 64-byte messages (1,120 bytes) per 1,200-byte packet.
  size_t PacketCapacity() const { return config.mtu - 24; }

  // Hands queued messages to usrsctp until it pushes back.
  //
  // Batch mode bundles by hand. usrsctp's Nagle alone (NODELAY off, the last message with
  // NODELAY on) left packets half full: 6 packets per 32 queued 64-byte messages, the same in a
  // bare usrsctp pair, because once Nagle releases, usrsctp's chunk output sends what its send
  // queue holds (sometimes one chunk) before it moves the next packet's worth from the stream
  // queue. Pushing with NODELAY exactly when a packet is full gives 4 packets per 32 (the
  // first message of a turn still goes alone: with nothing in flight Nagle does not hold).
  void FlushPending() {
    if (pending.empty() || !connected || !sock) return;
    send_blocked = false;
    size_t in_packet = 0;  // DATA chunk bytes handed over since the last push
    while (!pending.empty()) {
      Pending& p = pending.front();
      Channel* found = FindChannel(p.stream_id);
      if (found == nullptr) {  // channel gone (abort / closed by the peer)
        pending_bytes -= p.data.size();
        Recycle(std::move(p.data));
        pending.pop_front();
        continue;
      }
      Channel& ch = *found;
      // Batch mode: Nagle holds the messages back while data is in flight; the one that
      // completes a packet (the next would not fit) or ends the queue goes with NODELAY on,
      // so usrsctp sends a full packet at once (see PacketCapacity).
      bool push = pending.size() == 1;
      in_packet += ChunkBytes(p.data.size());
      if (!push && in_packet + ChunkBytes(pending[1].data.size()) > PacketCapacity()) push = true;
      if (push) in_packet = 0;
      if (config.batch_small_messages) SetNoDelay(push);
      const int err = SendToUsrsctp(ch, p.ppid, p.data);
      if (err == EWOULDBLOCK || err == EAGAIN) {
        send_blocked = true;
        break;
      }
      const size_t size = p.ppid == static_cast<uint32_t>(Ppid::kDcep) ? 0 : p.data.size();
      pending_bytes -= p.data.size();
      if (err != 0) ++stats.transmit_dropped;  // e.g. stream reset underway: counted
      Recycle(std::move(p.data));
      pending.pop_front();
      Drained(ch, size);
    }
    if (send_blocked && config.batch_small_messages) SetNoDelay(true);
    RequestResets();
  }

  void Drained(Channel& ch, size_t size) {
    if (size == 0) return;
    const size_t before = ch.buffered;
    ch.buffered -= std::min(size, ch.buffered);
    if (before > ch.low_threshold && ch.buffered <= ch.low_threshold) {
      events.push_back(MakeEvent(SctpEventType::kBufferedAmountLow, ch.info.stream_id));
    }
    if (ch.buffered == 0 && ch.reset_wanted && !ch.reset_requested) QueueReset(ch);
  }

  Result<void> Send(uint16_t sid, MessageType type, std::span<const uint8_t> data) {
    Channel* found = FindChannel(sid);
    if (found == nullptr) return MakeError(ErrorCode::kNotFound, "sctp: no channel on this stream");
    Channel& ch = *found;
    if (ch.state == ChannelState::kClosing || closed) {
      return MakeError(ErrorCode::kInvalidState, "sctp: channel is closing or closed");
    }
    if (data.size() > config.remote_max_message_size) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "sctp: message larger than the peer's max-message-size");
    }
    if (pending_bytes + data.size() > config.send_buffer_cap) {
      ++stats.send_exhausted;
      return MakeError(ErrorCode::kExhausted,
                       "sctp: send buffer cap reached; wait for kBufferedAmountLow");
    }
    // RFC 8831 §6.6: an empty message is sent as one byte with PPID 56 / 57.
    static constexpr uint8_t kZero[1] = {0};
    const bool empty = data.empty();
    const uint32_t ppid = MessagePpid(type, empty);
    std::span<const uint8_t> payload = empty ? std::span<const uint8_t>(kZero, 1) : data;
    ++stats.messages_sent;
    stats.bytes_sent += data.size();
    last_activity = last_now;
    // Batching pays only for messages that can share a packet with another one; a bigger
    // message goes to usrsctp at once (no staging copy) when nothing is queued ahead of it,
    // with NODELAY on so its last fragment is not held back for a SACK.
    const bool direct = !config.batch_small_messages || payload.size() > config.mtu / 2;
    if (connected && pending.empty() && direct) {
      if (config.batch_small_messages) SetNoDelay(true);
      const int err = SendToUsrsctp(ch, ppid, payload);
      if (err == 0) return Ok();
      if (err != EWOULDBLOCK && err != EAGAIN) {
        --stats.messages_sent;
        stats.bytes_sent -= data.size();
        return MakeError(ErrorCode::kInternal, "sctp: usrsctp_sendv failed");
      }
      send_blocked = true;
    }
    // Counted in buffered_amount until usrsctp takes it (a queued empty message counts 1 byte).
    Enqueue(sid, ppid, payload);
    ch.buffered += payload.size();
    return Ok();
  }

  // ---- channels -----------------------------------------------------------------------------

  bool OurParity(uint16_t sid) const { return (sid % 2 == 0) == is_dtls_client; }

  Result<uint16_t> OpenChannel(const ChannelOptions& options) {
    if (closed) return MakeError(ErrorCode::kInvalidState, "sctp: association closed");
    if (options.max_retransmits && options.max_packet_life_time_ms) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "sctp: max_retransmits and max_packet_life_time_ms are exclusive");
    }
    if (options.label.size() > 0xffff || options.protocol.size() > 0xffff) {
      return MakeError(ErrorCode::kInvalidArgument, "sctp: label or protocol over 65535 bytes");
    }
    const uint32_t limit = connected ? outgoing_streams : config.max_streams;
    uint16_t sid = 0;
    if (options.negotiated_id) {
      sid = *options.negotiated_id;
      if (sid >= limit || sid == 65535) {
        return MakeError(ErrorCode::kInvalidArgument, "sctp: negotiated id beyond the stream count");
      }
      if (channels.count(sid)) return MakeError(ErrorCode::kInvalidArgument, "sctp: stream id in use");
    } else {
      // RFC 8832 §6: "If the side is acting as the DTLS client, it MUST choose an even stream
      // identifier; if the side is acting as the DTLS server, it MUST choose an odd one."
      uint32_t candidate = is_dtls_client ? 0 : 1;
      while (candidate < limit && candidate < 65535 && channels.count(static_cast<uint16_t>(candidate))) {
        candidate += 2;
      }
      if (candidate >= limit || candidate >= 65535) {
        return MakeError(ErrorCode::kExhausted, "sctp: no free stream id of our parity");
      }
      sid = static_cast<uint16_t>(candidate);
    }
    Channel ch;
    ch.info = ChannelInfo{sid, options, false};
    ch.negotiated = options.negotiated_id.has_value();
    auto [it, inserted] = channels.emplace(sid, std::move(ch));
    (void)inserted;
    if (connected) Announce(it->second);
    return sid;
  }

  // Once the association is up: negotiated channels open, in-band ones send DATA_CHANNEL_OPEN.
  void Announce(Channel& ch) {
    if (ch.negotiated) {
      if (ch.state != ChannelState::kConnecting) return;
      ch.state = ChannelState::kOpen;
      ch.info.open = true;
      ++stats.channels_opened;
      events.push_back(MakeEvent(SctpEventType::kChannelOpen, ch.info.stream_id));
      return;
    }
    if (ch.dcep_open_sent) return;
    ch.dcep_open_sent = true;
    const auto& o = ch.info.options;
    DcepOpen open;
    open.channel_type = ChannelTypeOf(o);
    open.priority = o.priority;
    open.reliability_parameter = o.max_retransmits ? *o.max_retransmits
                                 : o.max_packet_life_time_ms ? *o.max_packet_life_time_ms : 0;
    open.label = {reinterpret_cast<const uint8_t*>(o.label.data()), o.label.size()};
    open.protocol = {reinterpret_cast<const uint8_t*>(o.protocol.data()), o.protocol.size()};
    std::vector<uint8_t> bytes(open.SerializedSize());
    (void)open.SerializeTo(bytes).value();
    // Messages Send() queued before the association was up must follow the OPEN.
    for (size_t i = 0; i < pending.size(); ++i) {
      if (pending[i].stream_id != ch.info.stream_id) continue;
      pending_bytes += bytes.size();
      pending.insert(i, Pending{ch.info.stream_id, static_cast<uint32_t>(Ppid::kDcep), bytes});
      return;
    }
    SendControl(ch, bytes);
  }

  // DCEP goes through the same FIFO as data so that it precedes the channel's first messages.
  void SendControl(Channel& ch, std::span<const uint8_t> bytes) {
    const uint32_t ppid = static_cast<uint32_t>(Ppid::kDcep);
    if (pending.empty() && connected) {
      const int err = SendToUsrsctp(ch, ppid, bytes);
      if (err == 0) return;
      if (err != EWOULDBLOCK && err != EAGAIN) {
        ++stats.transmit_dropped;
        return;
      }
    }
    Enqueue(ch.info.stream_id, ppid, bytes);
  }

  Result<void> CloseChannel(uint16_t sid) {
    auto it = channels.find(sid);
    if (it == channels.end()) return MakeError(ErrorCode::kNotFound, "sctp: no channel on this stream");
    Channel& ch = it->second;
    if (ch.state == ChannelState::kClosing) return Ok();
    if (!connected) {  // never reached the peer
      ReportClosed(ch);
      EraseChannel(it);
      return Ok();
    }
    ch.state = ChannelState::kClosing;
    // RFC 8831 §6.7: "Closing of a data channel MUST be signaled by resetting the corresponding
    // outgoing streams [RFC6525]." Queued messages go first.
    ch.reset_wanted = true;
    if (ch.buffered == 0) QueueReset(ch);
    RequestResets();
    return Ok();
  }

  void QueueReset(Channel& ch) {
    if (ch.reset_requested) return;
    ch.reset_requested = true;
    resets.push_back(ch.info.stream_id);
  }

  // One SCTP_RESET_STREAMS for every stream waiting (usrsctp sends them in one RE-CONFIG).
  void RequestResets() {
    if (resets.empty() || !connected || !sock) return;
    std::vector<uint8_t> buf(sizeof(struct sctp_reset_streams) + resets.size() * sizeof(uint16_t));
    auto* srs = reinterpret_cast<struct sctp_reset_streams*>(buf.data());
    srs->srs_assoc_id = SCTP_ALL_ASSOC;
    srs->srs_flags = SCTP_STREAM_RESET_OUTGOING;
    srs->srs_number_streams = static_cast<uint16_t>(resets.size());
    std::memcpy(buf.data() + sizeof(struct sctp_reset_streams), resets.data(),
                resets.size() * sizeof(uint16_t));
    if (usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_RESET_STREAMS, buf.data(),
                           static_cast<socklen_t>(buf.size())) == 0) {
      resets.clear();
    }
    // else (a reset already in flight): retried on the next stream-reset event or timeout.
  }

  void ReportClosed(Channel& ch) {
    if (ch.closed_reported) return;
    ch.closed_reported = true;
    ch.info.open = false;
    ++stats.channels_closed;
    events.push_back(MakeEvent(SctpEventType::kChannelClosed, ch.info.stream_id));
  }

  void OnIncomingReset(uint16_t sid) {
    auto it = channels.find(sid);
    if (it == channels.end()) return;
    Channel& ch = it->second;
    ch.incoming_reset = true;
    // RFC 8831 §6.7: "... the other side MUST reset its corresponding outgoing stream as well."
    if (!ch.reset_requested) {
      ch.state = ChannelState::kClosing;
      DropQueued(sid, ch);
      QueueReset(ch);
    }
    ReportClosed(ch);
    if (ch.outgoing_reset_done) EraseChannel(it);
  }

  void OnOutgoingResetDone(uint16_t sid) {
    auto it = channels.find(sid);
    if (it == channels.end()) return;
    it->second.outgoing_reset_done = true;
    if (it->second.incoming_reset) EraseChannel(it);
  }

  void DropQueued(uint16_t sid, Channel& ch) {
    if (ch.buffered == 0) return;
    pending.EraseIf([&](Pending& p) {
      if (p.stream_id != sid) return false;
      pending_bytes -= p.data.size();
      ++stats.transmit_dropped;
      Recycle(std::move(p.data));
      return true;
    });
    ch.buffered = 0;
  }

  // ---- receive ------------------------------------------------------------------------------

  void OnConnected() {
    if (connected) return;
    connected = true;
    struct sctp_status status{};
    socklen_t len = sizeof(status);
    if (usrsctp_getsockopt(sock, IPPROTO_SCTP, SCTP_STATUS, &status, &len) == 0) {
      outgoing_streams = status.sstat_outstrms;
      incoming_streams = status.sstat_instrms;
    }
    events.push_back(MakeEvent(SctpEventType::kConnected));
    std::vector<uint16_t> ids;
    ids.reserve(channels.size());
    for (auto& [sid, ch] : channels) ids.push_back(sid);
    std::sort(ids.begin(), ids.end());
    for (uint16_t sid : ids) {
      auto it = channels.find(sid);
      if (sid >= outgoing_streams) {  // the peer allows fewer streams than the id we took
        ReportClosed(it->second);
        EraseChannel(it);
        continue;
      }
      Announce(it->second);
    }
    FlushPending();
  }

  void OnClosed(Error error) {
    if (closed) return;
    closed = true;
    connected = false;
    std::vector<uint16_t> ids;
    for (auto& [sid, ch] : channels) ids.push_back(sid);
    std::sort(ids.begin(), ids.end());
    for (uint16_t sid : ids) ReportClosed(channels[sid]);
    cached_channel = nullptr;
    channels.clear();
    while (!pending.empty()) {
      ++stats.transmit_dropped;
      pending.pop_front();
    }
    pending_bytes = 0;
    events.push_back(MakeEvent(SctpEventType::kClosed, 0, error));
  }

  void HandleNotification(std::span<const uint8_t> bytes) {
    if (bytes.size() < sizeof(uint16_t)) return;
    uint16_t sn_type;
    std::memcpy(&sn_type, bytes.data(), sizeof(sn_type));
    switch (sn_type) {
      case SCTP_ASSOC_CHANGE: {
        if (bytes.size() < sizeof(struct sctp_assoc_change)) return;
        struct sctp_assoc_change sac;
        std::memcpy(&sac, bytes.data(), sizeof(sac));
        auto info = bytes.subspan(sizeof(sac));
        switch (sac.sac_state) {
          case SCTP_COMM_UP:
            OnConnected();
            break;
          case SCTP_COMM_LOST:
            OnClosed(MakeError(ErrorCode::kInvalidState, AbortReason(info, "sctp: association lost")));
            break;
          case SCTP_CANT_STR_ASSOC:
            OnClosed(MakeError(ErrorCode::kInvalidState,
                               AbortReason(info, "sctp: association could not be set up")));
            break;
          case SCTP_SHUTDOWN_COMP:
            OnClosed(MakeError(ErrorCode::kInvalidState, "sctp: association shut down"));
            break;
          default:
            break;
        }
        return;
      }
      case SCTP_STREAM_RESET_EVENT: {
        if (bytes.size() < sizeof(struct sctp_stream_reset_event)) return;
        struct sctp_stream_reset_event ev;
        std::memcpy(&ev, bytes.data(), sizeof(ev));
        const size_t length = std::min<size_t>(ev.strreset_length, bytes.size());
        const size_t count = (length - sizeof(ev)) / sizeof(uint16_t);
        const bool failed = ev.strreset_flags & (SCTP_STREAM_RESET_DENIED | SCTP_STREAM_RESET_FAILED);
        for (size_t i = 0; i < count; ++i) {
          uint16_t sid;
          std::memcpy(&sid, bytes.data() + sizeof(ev) + i * 2, 2);
          if (failed) {
            auto it = channels.find(sid);
            if (it != channels.end() && (ev.strreset_flags & SCTP_STREAM_RESET_OUTGOING_SSN)) {
              resets.push_back(sid);  // try again
            }
            continue;
          }
          if (ev.strreset_flags & SCTP_STREAM_RESET_INCOMING_SSN) OnIncomingReset(sid);
          if (ev.strreset_flags & SCTP_STREAM_RESET_OUTGOING_SSN) OnOutgoingResetDone(sid);
        }
        RequestResets();
        return;
      }
      case SCTP_STREAM_CHANGE_EVENT: {
        if (bytes.size() < sizeof(struct sctp_stream_change_event)) return;
        struct sctp_stream_change_event ev;
        std::memcpy(&ev, bytes.data(), sizeof(ev));
        outgoing_streams = ev.strchange_outstrms;
        incoming_streams = ev.strchange_instrms;
        return;
      }
      default:
        return;
    }
  }

  void HandleDcep(uint16_t sid, std::span<const uint8_t> data) {
    auto type = PeekDcepType(data);
    if (!type) {
      ++stats.dcep_malformed;
      return;
    }
    if (*type == DcepMessageType::kAck) {
      auto it = channels.find(sid);
      if (it == channels.end() || it->second.negotiated ||
          it->second.state != ChannelState::kConnecting) {
        ++stats.dcep_malformed;  // unexpected ACK: ignored
        return;
      }
      it->second.state = ChannelState::kOpen;
      it->second.info.open = true;
      ++stats.channels_opened;
      events.push_back(MakeEvent(SctpEventType::kChannelOpen, sid));
      return;
    }
    auto open = DcepOpen::Parse(data);
    if (!open || channels.count(sid)) {
      // A malformed OPEN, or one for a stream already in use: the peer's channel is refused
      // by resetting the stream (it sees its channel close).
      ++stats.dcep_malformed;
      if (!channels.count(sid)) {
        Channel ch;
        ch.info = ChannelInfo{sid, {}, false};
        ch.state = ChannelState::kClosing;
        ch.closed_reported = true;  // never reported open: no close event either
        auto [it, ok] = channels.emplace(sid, std::move(ch));
        (void)ok;
        QueueReset(it->second);
        RequestResets();
      }
      return;
    }
    Channel ch;
    ch.info.stream_id = sid;
    auto& o = ch.info.options;
    o.label.assign(open->label_view());
    o.protocol.assign(open->protocol_view());
    o.ordered = !IsUnordered(open->channel_type);
    o.priority = open->priority;
    const uint8_t base = static_cast<uint8_t>(open->channel_type) & 0x7f;
    const auto param = static_cast<uint16_t>(std::min<uint32_t>(open->reliability_parameter, 0xffff));
    if (base == 0x01) o.max_retransmits = param;
    if (base == 0x02) o.max_packet_life_time_ms = param;
    ch.state = ChannelState::kOpen;
    ch.info.open = true;
    ch.dcep_open_sent = true;
    auto [it, ok] = channels.emplace(sid, std::move(ch));
    (void)ok;
    // RFC 8832 §6: the receiver of DATA_CHANNEL_OPEN answers with DATA_CHANNEL_ACK.
    static constexpr uint8_t kAck[1] = {static_cast<uint8_t>(DcepMessageType::kAck)};
    SendControl(it->second, kAck);
    ++stats.channels_opened;
    events.push_back(MakeEvent(SctpEventType::kChannelOpen, sid));
  }

  // One complete data message: an event to return, or nothing (DCEP, dropped).
  std::optional<SctpEvent> OnMessage(uint16_t sid, uint32_t ppid, std::span<const uint8_t> data) {
    if (ppid == static_cast<uint32_t>(Ppid::kDcep)) {
      HandleDcep(sid, data);
      return std::nullopt;
    }
    MessageType type;
    bool empty = false;
    switch (static_cast<Ppid>(ppid)) {
      case Ppid::kString: case Ppid::kStringPartial: type = MessageType::kString; break;
      case Ppid::kBinary: case Ppid::kBinaryPartial: type = MessageType::kBinary; break;
      case Ppid::kStringEmpty: type = MessageType::kString; empty = true; break;
      case Ppid::kBinaryEmpty: type = MessageType::kBinary; empty = true; break;
      default:
        ++stats.messages_rejected;  // unknown PPID: counted, not delivered
        return std::nullopt;
    }
    const Channel* ch = FindChannel(sid);
    if (ch == nullptr || ch->incoming_reset) {
      ++stats.messages_rejected;  // no channel (never opened, or closed): counted
      return std::nullopt;
    }
    if (empty) data = {};
    ++stats.messages_received;
    stats.bytes_received += data.size();
    return SctpEvent{SctpEventType::kMessage, sid, type, data, {}};
  }

  // Reads what usrsctp has for us until one event is ready or nothing is left.
  std::optional<SctpEvent> Pull() {
    if (!sock) return std::nullopt;
    for (int guard = 0; guard < 1 << 16; ++guard) {
      if (!events.empty()) break;
      // Cleared before the read: an upcall during or after it sets it again.
      if (!readable.exchange(false, std::memory_order_acq_rel)) return std::nullopt;
      struct sctp_rcvinfo info{};
      socklen_t info_len = sizeof(info);
      unsigned int info_type = SCTP_RECVV_NOINFO;
      int flags = 0;
      // A notification never splits a data message (fragment interleave level 0), so both
      // read into the message buffer after what has been assembled so far.
      uint8_t* dst = rx.data() + rx_len;
      size_t room = rx.size() - rx_len;
      const ssize_t n = usrsctp_recvv(sock, dst, room, nullptr, nullptr, &info, &info_len,
                                      &info_type, &flags);
      if (n <= 0) return std::nullopt;  // EWOULDBLOCK (or EOF, reported by ASSOC_CHANGE)
      readable.store(true, std::memory_order_relaxed);  // more may be waiting
      const size_t got = static_cast<size_t>(n);
      if (flags & MSG_NOTIFICATION) {
        if (!(flags & MSG_EOR)) {
          // Rare: a notification bigger than the room left; assemble it apart.
          if (notification_len + got <= notification.size()) {
            std::memcpy(notification.data() + notification_len, dst, got);
            notification_len += got;
          }
          continue;
        }
        if (notification_len > 0) {
          if (notification_len + got <= notification.size()) {
            std::memcpy(notification.data() + notification_len, dst, got);
            HandleNotification({notification.data(), notification_len + got});
          }
          notification_len = 0;
        } else {
          HandleNotification({dst, got});
        }
        continue;
      }
      rx_len += got;
      const bool eor = flags & MSG_EOR;
      if (!eor) {
        if (rx_len == rx.size()) {
          rx_discarding = true;  // over local_max_message_size: skip the rest
          rx_len = 0;
        }
        continue;
      }
      const uint16_t sid = info.rcv_sid;
      const uint32_t ppid = ntohl(info.rcv_ppid);
      const size_t length = rx_len;
      rx_len = 0;
      if (rx_discarding || info_type != SCTP_RECVV_RCVINFO) {
        rx_discarding = false;
        // RFC 8831 §6.6: a message over our max-message-size is not delivered; the channel
        // is closed (reset) so the application learns of it.
        ++stats.messages_rejected;
        auto it = channels.find(sid);
        if (it != channels.end() && it->second.state != ChannelState::kClosing) {
          it->second.state = ChannelState::kClosing;
          it->second.reset_wanted = true;
          DropQueued(sid, it->second);
          QueueReset(it->second);
          RequestResets();
        }
        continue;
      }
      last_activity = last_now;
      if (auto e = OnMessage(sid, ppid, {rx.data(), length})) return e;
    }
    return std::nullopt;
  }

  std::optional<SctpEvent> PollEvent() {
    if (events.empty()) {
      if (auto e = Pull()) return e;
    }
    if (events.empty()) return std::nullopt;
    SctpEvent e = events.front();
    events.pop_front();
    return e;
  }
};

// ---- public API -------------------------------------------------------------------------------

SctpTransport::SctpTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SctpTransport::~SctpTransport() = default;

Result<std::unique_ptr<SctpTransport>> SctpTransport::Create(const SctpConfig& config,
                                                             bool is_dtls_client) {
  if (config.local_port == 0 || config.remote_port == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "sctp: local_port and remote_port must be set");
  }
  if (config.mtu < 256 || config.mtu > 65535) {
    return MakeError(ErrorCode::kInvalidArgument, "sctp: mtu must be 256..65535");
  }
  if (config.max_streams < 2 || config.max_streams == 65535) {
    // RFC 8831 §6.6: stream id 65535 is reserved, so at most 65,535 streams (ids 0..65534).
    return MakeError(ErrorCode::kInvalidArgument, "sctp: max_streams must be 2..65534");
  }
  if (config.local_max_message_size == 0 || config.local_max_message_size > (1u << 30)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "sctp: local_max_message_size must be 1..1 GiB");
  }
  if (config.socket_send_buffer < 64 * 1024 || config.socket_receive_buffer < 64 * 1024) {
    return MakeError(ErrorCode::kInvalidArgument, "sctp: socket buffers must be >= 64 KiB");
  }
  if (config.max_pending_transmit == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "sctp: max_pending_transmit must be > 0");
  }
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  // RFC 8841 §6: 0 means the peer takes any size; Firefox advertises ~1 GiB. Without explicit
  // EOR usrsctp needs a whole message in its send buffer, so that bounds what we send.
  if (impl->config.remote_max_message_size == 0 ||
      impl->config.remote_max_message_size > config.socket_send_buffer) {
    impl->config.remote_max_message_size = config.socket_send_buffer;
  }
  impl->is_dtls_client = is_dtls_client;
  if (auto r = impl->Open(); !r) return r.error();
  return std::unique_ptr<SctpTransport>(new SctpTransport(std::move(impl)));
}

Result<void> SctpTransport::Start(Instant now) {
  Impl& s = *impl_;
  if (s.started) return MakeError(ErrorCode::kInvalidState, "sctp: already started");
  s.Tick(now);
  s.started = true;
  s.last_activity = now;
  s.SetPathMtu();
  struct sockaddr_conn remote{};
  remote.sconn_family = AF_CONN;
  remote.sconn_port = htons(s.config.remote_port);
  remote.sconn_addr = s.handle;
  // Both sides connect (RFC 8261 §5 / RFC 8841: the SCTP association is set up by both ends;
  // an INIT collision is resolved by SCTP itself).
  const int r = usrsctp_connect(s.sock, reinterpret_cast<struct sockaddr*>(&remote), sizeof(remote));
  if (r < 0 && errno != EINPROGRESS) {
    return MakeError(ErrorCode::kInternal, "sctp: usrsctp_connect failed");
  }
  s.SetPathMtu();
  return Ok();
}

void SctpTransport::HandleReceive(Instant now, std::span<const uint8_t> packet) {
  Impl& s = *impl_;
  s.Tick(now);
  if (!s.started || !s.sock || packet.size() < 12 || packet.size() > 65535) {
    ++s.stats.receive_dropped;
    return;
  }
  ++s.stats.packets_received;
  s.last_activity = now;
  usrsctp_conninput(s.handle, packet.data(), packet.size(), 0);
  s.FlushPending();
  s.RequestResets();
}

std::optional<std::span<const uint8_t>> SctpTransport::PollTransmit() {
  return impl_->PollTransmit();
}

std::optional<SctpEvent> SctpTransport::PollEvent() { return impl_->PollEvent(); }

void SctpTransport::HandleTimeout(Instant now) {
  Impl& s = *impl_;
  s.Tick(now);
  // Belt and braces for the upcall-driven read flag: a timer tick always looks once.
  s.readable.store(true, std::memory_order_relaxed);
  s.FlushPending();
  s.RequestResets();
}

std::optional<Instant> SctpTransport::PollTimeout() const { return impl_->PollTimeout(); }

Result<uint16_t> SctpTransport::OpenChannel(Instant now, const ChannelOptions& options) {
  impl_->Tick(now);
  return impl_->OpenChannel(options);
}

Result<void> SctpTransport::Send(Instant now, uint16_t stream_id, MessageType type,
                                 std::span<const uint8_t> data) {
  impl_->Tick(now);
  return impl_->Send(stream_id, type, data);
}

Result<void> SctpTransport::CloseChannel(Instant now, uint16_t stream_id) {
  impl_->Tick(now);
  return impl_->CloseChannel(stream_id);
}

size_t SctpTransport::buffered_amount(uint16_t stream_id) const {
  auto it = impl_->channels.find(stream_id);
  return it == impl_->channels.end() ? 0 : it->second.buffered;
}

void SctpTransport::SetBufferedAmountLowThreshold(uint16_t stream_id, size_t bytes) {
  auto it = impl_->channels.find(stream_id);
  if (it != impl_->channels.end()) it->second.low_threshold = bytes;
}

const ChannelInfo* SctpTransport::channel(uint16_t stream_id) const {
  auto it = impl_->channels.find(stream_id);
  if (it == impl_->channels.end() || it->second.closed_reported) return nullptr;
  return &it->second.info;
}

void SctpTransport::Close(Instant now) {
  Impl& s = *impl_;
  s.Tick(now);
  if (s.closed) return;
  if (!s.connected) {
    s.OnClosed(MakeError(ErrorCode::kInvalidState, "sctp: closed before the association was up"));
    return;
  }
  s.FlushPending();
  // Graceful SHUTDOWN (RFC 9260 §9.2): queued data is delivered first; kClosed on completion.
  usrsctp_shutdown(s.sock, SHUT_WR);  // SHUT_WR: we still read the final notification
}

const SctpStats& SctpTransport::stats() const { return impl_->stats; }

}  // namespace sluice::sctp
