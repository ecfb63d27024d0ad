// PeerConnectionCore: the sans-IO heart of sluice::PeerConnection (DESIGN.md §3; str0m's
// poll_output is the model). One object glues ICE (ice::Agent), DTLS (dtls::DtlsEngine), SRTP
// (SrtpSession), SCTP DataChannels (sctp::SctpTransport) and RTP/RTCP over one BUNDLEd 5-tuple,
// and speaks JSEP (RFC 8829) with sdp::SessionDescription.
//
// It never reads a clock, never touches a socket, never starts a thread. The caller (src/net's
// glue, or tests/support/pc_pair in simulated time):
//
//   auto core = PeerConnectionCore::Create(config, certificate, seed).value();
//   core->AddHostCandidate(socket_address);         // each bound UDP socket, before the JSEP verbs
//   core->SetRemoteDescription(now, offer); core->SetLocalDescription(now);   // or the offer side
//   on datagram:  core->HandleReceive(now, local_socket_address, from, bytes);
//   on timer:     core->HandleTimeout(now);
//   after EVERY call (input, timer, JSEP verb, Send ...), drain until a pass finds nothing:
//     while (auto t = core->PollTransmit()) sendto(t->local, t->remote, t->data);
//     while (auto e = core->PollEvent()) dispatch(*e);    // may call back into the core
//     timer = core->PollTimeout();
//   (PollEvent reads SCTP lazily, so a read can queue a SACK for PollTransmit: repeat the two
//   loops until neither yields anything.)
//
// RFC 7983 demux in HandleReceive: first byte 0-3 STUN -> ICE, 20-63 DTLS -> DtlsEngine (its
// application records -> SCTP), 128-191 RTP/RTCP -> SRTP unprotect -> routing. Received RTP is
// routed by the MID header extension (RFC 9143 §15.1), then by SSRC (a=ssrc or learnt), then by
// a payload type unique to one m-line.
//
// Thread rules: not thread-safe; one thread (the event loop's) calls everything. Nothing calls
// back into the caller: results come out of PollTransmit / PollEvent / PollTimeout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"
#include "dtls/dtls_certificate.h"
#include "sluice/configuration.h"
#include "sluice/packet_buffer.h"
#include "sluice/result.h"
#include "sluice/stats.h"
#include "stun/stun_address.h"

namespace sluice::pc {

// Core-local handles (never reused within one core). A DataChannel's SCTP stream id is known only
// once the DTLS role is settled, so channels are named by ChannelId; tracks by TrackId.
using ChannelId = uint32_t;
using TrackId = uint32_t;

// One datagram to send from socket `local` (an address given to AddHostCandidate) to `remote`.
// `data` is valid until the next call into the core.
struct Transmit {
  StunAddress local;
  StunAddress remote;
  std::span<const uint8_t> data;
};

enum class EventType : uint8_t {
  kLocalCandidate,             // candidate: signal it (trickle); also in local_description()
  kIceGatheringStateChange,    // gathering_state
  kIceConnectionStateChange,   // ice_connection_state
  kConnectionStateChange,      // connection_state
  kSignalingStateChange,       // signaling_state
  kDataChannel,                // channel: opened by the peer (DCEP), already open
  kChannelOpen,                // channel: ours is open
  kChannelMessage,             // channel, data, is_binary
  kChannelBufferedAmountLow,   // channel
  kChannelClosed,              // channel
  kTrack,                      // track: a transceiver created by the remote description
  kTrackOpen,                  // track: the transport is up, the track can send/receive
  kRtp,                        // track, data: one received RTP packet (SRTP removed)
  kKeyFrameRequest,            // track: the peer sent PLI or FIR about what we send
  kNack,                       // track, sequence_numbers: the peer's Generic NACK
  kTrackClosed,                // track
  kError,                      // error: asynchronous failure (DTLS, ICE, SCTP)
};
const char* ToString(EventType type);

struct Event {
  EventType type = EventType::kError;
  IceCandidateInit candidate;  // kLocalCandidate
  IceGatheringState gathering_state = IceGatheringState::kNew;
  IceConnectionState ice_connection_state = IceConnectionState::kNew;
  PeerConnectionState connection_state = PeerConnectionState::kNew;
  SignalingState signaling_state = SignalingState::kStable;
  ChannelId channel = 0;
  TrackId track = 0;
  bool is_binary = true;
  // kChannelMessage / kRtp: valid until the next PollEvent() (or destruction of the core).
  std::span<const uint8_t> data;
  // kNack: valid until the next PollEvent().
  std::span<const uint16_t> sequence_numbers;
  Error error{};
};

// A snapshot of one DataChannel (RTCDataChannel's properties).
struct ChannelInfo {
  ChannelId id = 0;
  std::string label;
  std::string protocol;
  std::optional<uint16_t> stream_id;
  bool ordered = true;
  std::optional<uint16_t> max_packet_life_time;
  std::optional<uint16_t> max_retransmits;
  bool negotiated = false;
  DataChannelState state = DataChannelState::kConnecting;
  size_t max_message_size = 0;  // the peer's a=max-message-size once known
  uint64_t messages_sent = 0, bytes_sent = 0, messages_received = 0, bytes_received = 0;
};

// A snapshot of one transceiver.
struct TrackInfo {
  TrackId id = 0;
  MediaKind kind = MediaKind::kAudio;
  std::string mid;            // empty until in a description
  std::string track_id;       // ours (AddTrack), empty for a remote-created one without a track
  std::string stream_id;
  std::string remote_track_id;   // the peer's a=msid
  std::string remote_stream_id;
  uint32_t ssrc = 0;          // what we send
  std::optional<uint32_t> remote_ssrc;
  TransceiverDirection direction = TransceiverDirection::kSendRecv;  // negotiated, ours
  std::vector<Codec> codecs;  // negotiated (payload types on the wire)
  bool open = false;          // SRTP up and the m-line accepted
  bool rejected = false;      // port 0 in the answer
};

class PeerConnectionCore {
 public:
  // `certificate`: the DTLS identity (Configuration's PEM, or generated by the caller).
  // `seed`: this core's non-cryptographic randomness (SSRCs, ICE tie-breaker, ids); the ICE
  // ufrag/pwd are drawn from the CSPRNG unless seed != 0 (tests replay runs with a fixed seed).
  static Result<std::unique_ptr<PeerConnectionCore>> Create(
      const Configuration& config, const dtls::DtlsCertificate& certificate, uint64_t seed);
  ~PeerConnectionCore();
  PeerConnectionCore(const PeerConnectionCore&) = delete;
  PeerConnectionCore& operator=(const PeerConnectionCore&) = delete;

  // The address of a bound UDP socket (never a wildcard). Call before SetLocalDescription: the
  // host candidates are gathered (kLocalCandidate) when the local description is set; later
  // calls add a candidate at once.
  Result<void> AddHostCandidate(const StunAddress& address);

  // ---- JSEP (RFC 8829) ---------------------------------------------------------------------
  Result<SessionDescription> CreateOffer();
  Result<SessionDescription> CreateAnswer();
  Result<void> SetLocalDescription(Instant now, const SessionDescription& description);
  Result<void> SetLocalDescription(Instant now);  // creates the offer/answer the state needs
  Result<void> SetRemoteDescription(Instant now, const SessionDescription& description);
  Result<void> AddIceCandidate(Instant now, const IceCandidateInit& candidate);
  // With every local candidate gathered so far, and a=end-of-candidates once complete.
  std::optional<SessionDescription> local_description() const;
  std::optional<SessionDescription> remote_description() const;

  SignalingState signaling_state() const;
  IceGatheringState ice_gathering_state() const;
  IceConnectionState ice_connection_state() const;
  PeerConnectionState connection_state() const;

  // ---- I/O -----------------------------------------------------------------------------------
  // One UDP datagram received on socket `local` from `remote`. Never fails: bad input is a
  // counted drop (GetStats().transport[0].packets_dropped).
  void HandleReceive(Instant now, const StunAddress& local, const StunAddress& remote,
                     std::span<const uint8_t> datagram);
  // Zero-copy form for a datagram already in a pooled buffer (the net layer's receive slot):
  // SRTP is removed in place and a kRtp event's data points into that same slot, which the core
  // keeps until the next PollEvent after it. Other kinds are handled as by the span form.
  void HandleReceive(Instant now, const StunAddress& local, const StunAddress& remote,
                     PacketBuffer datagram);
  void HandleTimeout(Instant now);
  std::optional<Transmit> PollTransmit();
  std::optional<Event> PollEvent();
  // The soonest deadline of ICE, DTLS, SCTP and RTCP reports (never earlier than the last `now`).
  std::optional<Instant> PollTimeout() const;

  // ---- DataChannels ------------------------------------------------------------------------
  Result<ChannelId> CreateDataChannel(Instant now, std::string_view label,
                                      const DataChannelInit& init = {});
  // kInvalidState unless open; kInvalidArgument over max_message_size; kExhausted past the
  // send buffer cap.
  Result<void> SendChannelMessage(Instant now, ChannelId channel, std::span<const uint8_t> data,
                                  bool is_binary);
  Result<void> CloseChannel(Instant now, ChannelId channel);
  size_t buffered_amount(ChannelId channel) const;
  void SetBufferedAmountLowThreshold(ChannelId channel, size_t bytes);
  std::optional<ChannelInfo> channel(ChannelId channel) const;
  std::vector<ChannelId> channels() const;

  // ---- Media -----------------------------------------------------------------------------------
  Result<TrackId> AddTrack(MediaKind kind, std::string_view stream_id, std::string_view track_id);
  // One unprotected RTP packet: SSRC rewritten to the track's, SRTP-protected, queued.
  Result<void> SendRtp(Instant now, TrackId track, std::span<const uint8_t> rtp_packet);
  Result<void> RequestKeyFrame(Instant now, TrackId track);  // PLI
  Result<void> SendNack(Instant now, TrackId track, std::span<const uint16_t> sequence_numbers);
  std::optional<TrackInfo> track(TrackId track) const;
  std::vector<TrackId> tracks() const;

  // ---- Stats and lifetime ------------------------------------------------------------------
  StatsReport GetStats(Instant now) const;
  // DTLS close_notify, SCTP shutdown; every channel and track closes (events), states kClosed.
  void Close(Instant now);

  struct Impl;

 private:
  explicit PeerConnectionCore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::pc
