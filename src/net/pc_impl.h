// The implementation behind the public PeerConnection, DataChannel and Track (include/sluice):
// pc::PeerConnectionCore (sans-IO) driven by LoopCore on the EventLoop's thread.
//
//   datagram -> core.HandleReceive -> Drain();   deadline -> core.HandleTimeout -> Drain();
//   control call (any thread) -> EventLoop::Invoke -> core.Verb(now) -> Drain();
//   Drain(): every PollTransmit -> LoopCore::SendTo on the socket bound to its local address;
//            every PollEvent -> the user's callbacks (which may call back in: nested calls only
//            mark the drain to go round again); then SetDeadline(core.PollTimeout()).
//   cross-thread DataChannel/Track Send: the bytes are copied into a pooled PacketBuffer (or one
//   heap block when larger than a slot) and posted to the loop's bounded task queue.
//
// Lifetimes: the public objects hold shared_ptr<Impl>. LoopCore holds raw pointers to the
// PeerConnection::Impl (receiver, deadline, stop listener) only while it is open; Close()
// unregisters it on the loop thread. Every entry from the loop (datagram, timer, task) holds a
// shared_ptr to the Impl for its duration, so a callback may drop the last user reference.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/callback.h"
#include "net/loop_core.h"
#include "pc/peer_connection_core.h"
#include "sctp/usrsctp_library.h"
#include "sluice/data_channel.h"
#include "sluice/event_loop.h"
#include "sluice/peer_connection.h"
#include "sluice/track.h"

namespace sluice {

namespace net {
// Wraps every call into a pc::PeerConnectionCore. No lock: each core is touched only by its own
// loop's thread, so several EventLoops run in parallel. usrsctp is process-wide, and one loop's
// timer tick may emit another loop's SCTP packet: src/sctp/usrsctp_library.h hands such a packet
// to its owner's queue and wakes the owner's loop with the tag recorded here (the
// PeerConnection's receiver), whose OnWake drains it on the right thread.
class CoreScope {
 public:
  explicit CoreScope(DatagramReceiver* receiver) : tag_(receiver) {}

 private:
  sctp::usrsctp_library::ScopedOwnerTag tag_;
};
}  // namespace net

struct DataChannel::Impl {
  std::weak_ptr<PeerConnection::Impl> pc;
  pc::ChannelId id = 0;
  // Fixed at creation.
  std::string label, protocol;
  bool ordered = true, negotiated = false;
  std::optional<uint16_t> max_packet_life_time, max_retransmits;
  // Snapshots for any thread.
  std::atomic<int32_t> stream_id{-1};
  std::atomic<DataChannelState> state{DataChannelState::kConnecting};
  std::atomic<size_t> max_message_size{0};
  std::atomic<size_t> buffered_amount{0};       // in the core (after the last call)
  std::atomic<size_t> queued_bytes{0};          // posted from other threads, not yet in the core
  std::atomic<size_t> low_threshold{0};
  // Loop thread only.
  net::Callback<void()> on_open, on_close, on_buffered_amount_low;
  net::Callback<void(std::span<const uint8_t>, bool)> on_message;
  net::Callback<void(Error)> on_error;

  void Refresh(const pc::ChannelInfo& info);
  void DropCallbacks();
};

struct Track::Impl {
  std::weak_ptr<PeerConnection::Impl> pc;
  pc::TrackId id = 0;
  MediaKind kind = MediaKind::kAudio;
  mutable std::mutex mu;
  pc::TrackInfo info;                     // guarded by mu
  std::atomic<bool> open{false};
  std::atomic<size_t> queued_packets{0};  // posted from other threads, not yet sent
  bool remote_ssrc_seen = false;          // loop thread: first packet refreshed the snapshot
  // Loop thread only.
  net::Callback<void(std::span<const uint8_t>)> on_rtp;
  net::Callback<void()> on_key_frame_request, on_open, on_close;
  net::Callback<void(std::span<const uint16_t>)> on_nack;

  void Refresh(const pc::TrackInfo& snapshot);
  pc::TrackInfo Snapshot() const {
    std::lock_guard<std::mutex> lock(mu);
    return info;
  }
  void DropCallbacks();
};

struct PeerConnection::Impl : net::DatagramReceiver,
                              net::LoopStopListener,
                              net::DeferredWork,
                              std::enable_shared_from_this<PeerConnection::Impl> {
  Impl(EventLoop& event_loop, const Configuration& configuration,
       std::unique_ptr<pc::PeerConnectionCore> pc_core);
  virtual ~Impl();

  // Loop thread: binds the sockets, gives their addresses to the core, registers with the loop.
  Result<void> Open();
  // Loop thread: the core's Close, then unregister and close the sockets. Idempotent.
  void CloseOnLoop();

  // DatagramReceiver / LoopStopListener (loop thread).
  void OnDatagram(Instant now, const StunAddress& local, const StunAddress& remote,
                  std::span<const uint8_t> datagram) override;
  void OnTimeout(Instant now) override;
  // Another loop's usrsctp timer emitted our SCTP packets: drain them on this thread.
  void OnWake(Instant now) override;
  // Media arrives in its receive slot: SRTP is removed in place, no copy (pc's PacketBuffer form).
  bool WantsPacketBuffers() const override { return true; }
  void OnDatagramBuffer(Instant now, const StunAddress& local, const StunAddress& remote,
                        PacketBuffer datagram) override;
  void OnLoopStopping() override;
  void RunDeferred() override;

  // Loop thread: flush the core's transmits, dispatch its events, re-arm its deadline.
  void Drain();
  // Drain at the end of this loop iteration (at once off the loop thread; folded into the
  // running drain when called from a callback): sends accepted in one iteration share packets.
  void RequestDrain();
  // The time to give the core: the loop's iteration time on the loop thread, the clock when the
  // loop is not running (Invoke ran inline); never earlier than what the core saw last.
  Instant Now();
  // After a JSEP verb: descriptions, states, tracks and channels into the snapshots.
  void RefreshSnapshots();

  // Loop thread helpers used by DataChannel / Track.
  Result<void> SendChannelMessageOnLoop(DataChannel::Impl& channel, std::span<const uint8_t> data,
                                        bool is_binary);
  Result<void> SendRtpOnLoop(Track::Impl& track, std::span<const uint8_t> packet);
  std::shared_ptr<Track> TrackObject(pc::TrackId id);
  // Core queries (loop thread).
  std::optional<pc::ChannelInfo> ChannelInfo(pc::ChannelId id);
  std::optional<pc::TrackInfo> TrackInfo(pc::TrackId id);
  void SnapshotLocalDescription();

  EventLoop& loop;
  net::LoopCore& core;
  const Configuration config;
  std::unique_ptr<pc::PeerConnectionCore> pc;  // loop thread only
  struct BoundSocket {
    net::SocketId id;
    StunAddress local;
  };
  std::vector<BoundSocket> sockets;
  bool opened = false;
  std::atomic<bool> closed{false};
  bool draining = false;
  bool drain_again = false;
  bool drain_deferred = false;
  Instant last_now{};

  // Snapshots for accessors on any thread.
  mutable std::mutex snapshot_mu;
  std::optional<SessionDescription> local_description, remote_description;  // snapshot_mu
  std::atomic<SignalingState> signaling_state{SignalingState::kStable};
  std::atomic<IceGatheringState> gathering_state{IceGatheringState::kNew};
  std::atomic<IceConnectionState> ice_state{IceConnectionState::kNew};
  std::atomic<PeerConnectionState> connection_state{PeerConnectionState::kNew};

  // Loop thread only.
  net::Callback<void(const IceCandidateInit&)> on_local_candidate;
  net::Callback<void(IceGatheringState)> on_gathering_state;
  net::Callback<void(IceConnectionState)> on_ice_state;
  net::Callback<void(PeerConnectionState)> on_connection_state;
  net::Callback<void(SignalingState)> on_signaling_state;
  net::Callback<void(Error)> on_error;
  net::Callback<void(std::shared_ptr<DataChannel>)> on_data_channel;
  net::Callback<void(std::shared_ptr<Track>)> on_track;
  std::unordered_map<pc::ChannelId, std::shared_ptr<DataChannel::Impl>> channels;
  struct TrackEntry {
    std::shared_ptr<Track::Impl> impl;
    std::weak_ptr<Track> object;
  };
  std::unordered_map<pc::TrackId, TrackEntry> tracks;

 private:
  void Dispatch(const pc::Event& event);
  size_t FlushTransmits();  // datagrams taken from the core
  void DropCallbacks();
  void FinishClose();
};

}  // namespace sluice
