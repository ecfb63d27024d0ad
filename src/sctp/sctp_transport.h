// SCTP over DTLS (RFC 8261) carrying WebRTC DataChannels (RFC 8831, DCEP RFC 8832,
// SDP a=sctp-port / a=max-message-size RFC 8841), on usrsctp in AF_CONN mode, sans-IO.
//
//   auto sctp = SctpTransport::Create(config, dtls_role == DtlsRole::kClient);
//   sctp->Start(now);                                   // once DTLS is connected
//   sctp->HandleReceive(now, record);                   // each DTLS application-data record
//   while (auto p = sctp->PollTransmit()) dtls.Send(*p);  // each one SCTP packet (<= mtu)
//   while (auto e = sctp->PollEvent()) ...              // kConnected, kChannelOpen, kMessage ...
//   deadline = sctp->PollTimeout();  ...  sctp->HandleTimeout(now);
//
// Drain order: PollEvent may produce packets (a DCEP ACK, a window update, a stream reset), so
// after polling events drain PollTransmit again (loop until both are empty). Messages are read
// from usrsctp only inside PollEvent: a caller that stops polling stops the reads, usrsctp's
// receive window closes and the peer's sender is pushed back (bounded memory on both ends).
//
// usrsctp is process-global. The first Create() calls usrsctp_init_nothreads() (no timer thread,
// no raw sockets: AF_CONN only); usrsctp is never finished (usrsctp_finish() fails while closed
// sockets wait for their kill timers, and re-initialising is fragile), a refcount tracks users.
// usrsctp has ONE timer wheel for the whole process, advanced by usrsctp_handle_timers(ms).
// Each transport reports the `now` it is given; the shared wheel is advanced only by the
// difference between the largest `now` seen so far (by any transport) and the time it was last
// advanced, in whole milliseconds (the remainder carries). usrsctp's own wall-clock reads
// (gettimeofday: RTT samples, the T3 "outstanding for an RTO" check, PR-SCTP lifetimes) are
// redirected to that same largest `now` (src/sctp/CMakeLists.txt links a private copy of
// libusrsctp.a with the symbol renamed), so simulated time works and real time is consistent.
// Consequences: transports in one process must share one clock (real steady_clock in src/net,
// or one simulated clock in tests: two transports stepped with the same simulated `now` see
// their timers fire once, not twice); a transport handed an older `now` than another one does
// not move time backwards. When the last transport is destroyed the clock base is forgotten,
// so the next test may start its simulated clock anywhere. PollTimeout() reports the next 10 ms
// tick of usrsctp's wheel while the association is setting up, has data queued or has seen
// traffic in the last 2 s, a 250 ms tick when idle (usrsctp offers no "next deadline" query).
//
// Nothing of usrsctp is visible outside src/sctp/*.cc: this header includes only sluice headers
// and the standard library.
//
// Thread rules: a transport is not thread-safe: one thread at a time calls its methods, but
// different transports may run on different threads (one EventLoop per core). A usrsctp timer
// advanced on one thread may emit another transport's retransmission: usrsctp_library hands
// that packet to its owner's bounded queue and wakes the owner, which delivers it on its own
// thread in PollTransmit. Nothing calls back into the caller. (usrsctp 0.9.5 starts one
// internal "iterator" thread even in usrsctp_init_nothreads mode; its output takes the same
// handoff.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "common/time.h"
#include "sluice/result.h"

namespace sluice::sctp {

// RFC 8831 §8: PPID 51 WebRTC String, 53 WebRTC Binary; 56 / 57 String / Binary Empty (an empty
// message is sent as one byte with these PPIDs and delivered as empty).
enum class MessageType : uint8_t { kString, kBinary };

// DCEP DATA_CHANNEL_OPEN fields (RFC 8832 §5.1).
struct ChannelOptions {
  std::string label, protocol;
  bool ordered = true;
  std::optional<uint16_t> max_retransmits;          // exclusive with max_packet_life_time_ms
  std::optional<uint16_t> max_packet_life_time_ms;
  std::optional<uint16_t> negotiated_id;            // pre-agreed id: no DCEP, open at once
  uint16_t priority = 256;                          // RFC 8831 §6.4 "normal"
};

struct SctpConfig {
  uint16_t local_port = 5000, remote_port = 5000;  // a=sctp-port
  size_t local_max_message_size = 256 * 1024;      // what we accept (we advertise it)
  size_t remote_max_message_size = 64 * 1024;      // peer's a=max-message-size (RFC 8841 §6.1 default 64K)
  size_t send_buffer_cap = 16 * 1024 * 1024;       // Send() returns kExhausted past it
  // Chunk batching on the send side: messages of up to mtu / 2 bytes wait for the next
  // PollTransmit / HandleReceive / HandleTimeout and go out bundled in full packets; bigger
  // ones are handed to usrsctp inside Send().
  bool batch_small_messages = true;
  size_t mtu = 1200;                               // largest SCTP packet (one DTLS record)
  // Additions (defaults keep the contract's behaviour):
  // Packets waiting for PollTransmit (copied out of usrsctp); when full, usrsctp's output is
  // dropped and counted, and SCTP retransmits it.
  size_t max_pending_transmit = 4096;
  // usrsctp socket buffers: the send buffer must hold a remote_max_message_size message; the
  // receive buffer is the window we advertise (8 MiB: 1 Gbps at 64 ms RTT).
  size_t socket_send_buffer = 8 * 1024 * 1024;
  size_t socket_receive_buffer = 8 * 1024 * 1024;
  // RFC 8260 I-DATA (interleaving) offered (SCTP_INTERLEAVING_SUPPORTED + fragment interleave
  // level 2); used only if the peer offers it too (browsers don't). kUnsupported from Create if
  // usrsctp refuses it.
  bool enable_interleaving = false;
  // Streams offered both ways (SCTP_INITMSG), so channel ids run 0..max_streams-1. usrsctp
  // allocates and clears per-stream state for every one of them when the association starts:
  // 65,535 streams cost about 6 ms of CPU per connect, 2,048 a small fraction of a millisecond.
  // 2,048 as Firefox offers (Chromium offers 1,024): room for 1,000 channels of one side's parity.
  uint16_t max_streams = 2048;
};

enum class SctpEventType : uint8_t {
  kConnected,          // association up: channels may open
  kChannelOpen,        // stream_id open (ours acked, or the peer's DCEP OPEN): channel(stream_id)
  kMessage,            // stream_id, message_type, data (valid until the next PollEvent)
  kBufferedAmountLow,  // stream_id's buffered amount fell to/below its threshold
  kChannelClosed,      // stream_id closed (reset by either side)
  kClosed,             // association gone (shutdown or abort); error says why
};

struct SctpEvent {
  SctpEventType type;
  uint16_t stream_id = 0;
  MessageType message_type = MessageType::kBinary;
  std::span<const uint8_t> data;
  Error error{};
};

struct ChannelInfo {
  uint16_t stream_id;
  ChannelOptions options;
  bool open;
};

// Counters since Create().
struct SctpStats {
  uint64_t messages_sent = 0;          // accepted by Send()
  uint64_t bytes_sent = 0;
  uint64_t messages_received = 0;      // delivered as kMessage
  uint64_t bytes_received = 0;
  uint64_t packets_sent = 0;           // handed out by PollTransmit
  uint64_t packets_received = 0;       // given to HandleReceive
  uint64_t transmit_dropped = 0;       // usrsctp output with the transmit queue full
  uint64_t receive_dropped = 0;        // HandleReceive input rejected (too big / not started)
  uint64_t messages_rejected = 0;      // received over local_max_message_size (channel closed)
  uint64_t dcep_malformed = 0;         // bad DCEP messages (ignored or channel closed)
  uint64_t send_exhausted = 0;         // Send() calls refused with kExhausted
  uint64_t retransmits = 0;            // always 0: usrsctp 0.9.5 keeps no per-association count
  uint64_t channels_opened = 0;
  uint64_t channels_closed = 0;
};

class SctpTransport {  // sans-IO; one thread calls everything
 public:
  // is_dtls_client: RFC 8832 §6: the DTLS client uses even stream ids, the server odd ones.
  // kInvalidArgument names a bad config field; kInternal if usrsctp cannot create a socket.
  static Result<std::unique_ptr<SctpTransport>> Create(const SctpConfig&, bool is_dtls_client);
  ~SctpTransport();
  SctpTransport(const SctpTransport&) = delete;
  SctpTransport& operator=(const SctpTransport&) = delete;

  // Once DTLS is connected: both sides connect (SCTP INIT collision is fine, RFC 8261 §5).
  Result<void> Start(Instant now);
  // One DTLS application-data record (one SCTP packet).
  void HandleReceive(Instant now, std::span<const uint8_t> packet);
  // One SCTP packet for DtlsEngine::Send; the view is valid until the next PollTransmit().
  std::optional<std::span<const uint8_t>> PollTransmit();
  // The view in a kMessage event is valid until the next PollEvent().
  std::optional<SctpEvent> PollEvent();
  void HandleTimeout(Instant now);
  std::optional<Instant> PollTimeout() const;

  // Opens a channel. In-band (no negotiated_id): picks the lowest free id of our parity, sends
  // DATA_CHANNEL_OPEN; kChannelOpen comes with the ACK (messages may be sent before it, RFC 8832
  // §6). Negotiated: uses negotiated_id, kChannelOpen at once (queued as an event).
  // Before kConnected the channel is queued and opened when the association comes up.
  Result<uint16_t> OpenChannel(Instant now, const ChannelOptions&);
  // One whole message. kInvalidArgument if larger than remote_max_message_size, kNotFound for
  // an unknown / closed stream, kExhausted when buffered_amount + size would pass
  // send_buffer_cap (nothing is queued then: retry after kBufferedAmountLow).
  Result<void> Send(Instant now, uint16_t stream_id, MessageType, std::span<const uint8_t>);
  Result<void> CloseChannel(Instant now, uint16_t stream_id);  // RFC 8831 §6.7 stream reset
  // Bytes accepted by Send() on this stream that usrsctp has not taken yet (our queue; the
  // socket_send_buffer bytes inside usrsctp are not counted, as in libwebrtc's usrsctp days).
  size_t buffered_amount(uint16_t stream_id) const;
  void SetBufferedAmountLowThreshold(uint16_t stream_id, size_t bytes);
  const ChannelInfo* channel(uint16_t stream_id) const;
  // Graceful SHUTDOWN; kClosed follows when the association is gone.
  void Close(Instant now);
  const SctpStats& stats() const;

  struct Impl;

 private:
  explicit SctpTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::sctp
