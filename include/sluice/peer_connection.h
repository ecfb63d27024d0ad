// PeerConnection: one WebRTC peer connection (RFC 8829 JSEP) with ICE, DTLS, SRTP, SCTP
// DataChannels and audio/video tracks over one BUNDLEd transport (max-bundle, rtcp-mux).
// Names follow W3C RTCPeerConnection and libdatachannel's rtc::PeerConnection.
//
//   auto loop = sluice::EventLoop::Create().value();
//   loop->Start();
//   auto pc = sluice::PeerConnection::Create(*loop, sluice::Configuration{}).value();
//   pc->OnDataChannel([](std::shared_ptr<sluice::DataChannel> dc) {
//     dc->OnMessage([dc](std::span<const uint8_t> data, bool is_binary) {
//       if (is_binary) dc->Send(data);
//     });
//   });
//   pc->SetRemoteDescription({sluice::SdpType::kOffer, offer_sdp});   // e.g. from WHIP
//   pc->SetLocalDescription();                        // creates and applies the answer
//   std::string answer = pc->local_description()->sdp;  // all host candidates already in it
//
// Thread rules (the same for DataChannel and Track):
// - Every callback runs on the EventLoop's network thread, one at a time. Callbacks may call
//   back into the library (on the loop thread every call runs inline). Keep them short: they hold
//   up every PeerConnection on that loop.
// - Methods may be called from any thread. Control calls (the JSEP verbs, CreateDataChannel,
//   AddTrack, GetStats, Close, setting callbacks) run on the loop thread through
//   EventLoop::Invoke and return when done (inline when already on the loop thread), so their
//   results are final when they return. Accessors read a snapshot.
// - Setting a callback replaces the previous one; an empty std::function removes it. Close()
//   (and destruction of the last reference) drops every callback, which breaks shared_ptr cycles
//   created by callbacks that capture the PeerConnection.
// - Close every PeerConnection (or drop it) before destroying its EventLoop; EventLoop::Stop
//   closes those still open.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/configuration.h"
#include "sluice/data_channel.h"
#include "sluice/result.h"
#include "sluice/stats.h"
#include "sluice/track.h"

namespace sluice {

class EventLoop;  // sluice/event_loop.h

class PeerConnection {
 public:
  struct Impl;  // defined in src/net

  // Creates a PeerConnection on `loop` (which owns its sockets, timers and callbacks). Errors:
  // kInvalidArgument for a bad configuration (unparsable certificate, bind address, port range),
  // kInternal if the certificate cannot be generated.
  static Result<std::shared_ptr<PeerConnection>> Create(EventLoop& loop,
                                                        const Configuration& config);

  // Internal: use Create.
  explicit PeerConnection(std::shared_ptr<Impl> impl);
  ~PeerConnection();  // Close()
  PeerConnection(const PeerConnection&) = delete;
  PeerConnection& operator=(const PeerConnection&) = delete;

  // ---- JSEP (RFC 8829) ---------------------------------------------------------------------
  // An offer with one m-line per track (AddTrack), then the webrtc-datachannel m-line if a
  // DataChannel was created, all BUNDLEd; a=setup:actpass. Does not change any state.
  Result<SessionDescription> CreateOffer();
  // The answer to the remote offer (needs signaling_state() kHaveRemoteOffer): every offered
  // m-line answered in order, unsupported ones rejected (port 0), the offerer's payload types
  // kept, a=setup:active (we are the DTLS client, as browsers are when answering).
  Result<SessionDescription> CreateAnswer();
  // Applies a description from CreateOffer/CreateAnswer (its sdp may be edited, within JSEP's
  // rules). Gathering starts here: host candidates on every bind address are gathered
  // synchronously, so when this returns local_description() carries their a=candidate lines and
  // OnLocalCandidate has fired for each. Without ice_servers gathering is then complete
  // (ice_gathering_state() kComplete, a=end-of-candidates present) before it returns; with STUN
  // servers, server-reflexive candidates follow and OnIceGatheringStateChange(kComplete)
  // reports the end.
  Result<void> SetLocalDescription(const SessionDescription& description);
  // Creates the offer or answer that the signaling state calls for and applies it (W3C
  // setLocalDescription() without arguments).
  Result<void> SetLocalDescription();
  // Applies the peer's offer or answer. Errors: kMalformed (bad SDP: the message says which
  // rule), kUnsupported (no BUNDLE-able transport, no fingerprint, ...), kInvalidState.
  // Tracks for the peer's new audio/video m-lines fire OnTrack before this returns; candidates
  // inside the SDP are added as if by AddIceCandidate.
  Result<void> SetRemoteDescription(const SessionDescription& description);
  // Adds one remote candidate (trickle ICE, RFC 8838). An empty candidate string means
  // end-of-candidates. Candidates may arrive before the remote description: they are held.
  Result<void> AddIceCandidate(const IceCandidateInit& candidate);

  // The current descriptions (pending or current, as W3C localDescription). The local one
  // always carries every local candidate gathered so far, and a=end-of-candidates once
  // ice_gathering_state() is kComplete: for non-trickle signalling (WHIP, RFC 9725) send
  // local_description() after gathering completes (at once without ice_servers).
  std::optional<SessionDescription> local_description() const;
  std::optional<SessionDescription> remote_description() const;

  SignalingState signaling_state() const;
  IceGatheringState ice_gathering_state() const;
  IceConnectionState ice_connection_state() const;
  PeerConnectionState connection_state() const;

  // ---- Callbacks (run on the loop thread) ---------------------------------------------------
  // A new local candidate ("candidate:..." with sdp_mid of the first BUNDLEd m-line) to signal
  // to the peer. Fires inside SetLocalDescription for host candidates.
  void OnLocalCandidate(std::function<void(const IceCandidateInit& candidate)> callback);
  void OnIceGatheringStateChange(std::function<void(IceGatheringState state)> callback);
  void OnIceConnectionStateChange(std::function<void(IceConnectionState state)> callback);
  void OnConnectionStateChange(std::function<void(PeerConnectionState state)> callback);
  void OnSignalingStateChange(std::function<void(SignalingState state)> callback);
  // A failure that is not the answer to a call (DTLS fingerprint mismatch, consent lost, SCTP
  // abort ...). The connection state moves to kFailed as well where that applies.
  void OnError(std::function<void(Error error)> callback);

  // ---- DataChannels (RFC 8831 / RFC 8832) ----------------------------------------------------
  // Creates a channel. Before the first offer this adds the webrtc-datachannel m-line to it. The
  // channel opens (OnOpen) once SCTP is up and, unless init.negotiated, the peer acked our DCEP
  // DATA_CHANNEL_OPEN. Errors: kInvalidArgument (both max_retransmits and
  // max_packet_life_time; negotiated without id; label or protocol over 65535 bytes),
  // kInvalidState after Close, kExhausted when no stream id is left.
  Result<std::shared_ptr<DataChannel>> CreateDataChannel(std::string_view label,
                                                         const DataChannelInit& init = {});
  // A channel the peer opened (DCEP), delivered already open.
  void OnDataChannel(std::function<void(std::shared_ptr<DataChannel> channel)> callback);

  // ---- Media ------------------------------------------------------------------------------------
  // Adds a track we send, with a fresh random SSRC. As RTCPeerConnection.addTrack does, it first
  // reuses a transceiver of the same kind that the remote offer created and that has no track
  // yet (returning the same Track object OnTrack delivered, now sendrecv); otherwise it adds a
  // new m-line to the next offer. Errors: kUnsupported if the configuration has no codec of that
  // kind; kInvalidState after Close or while we have an outstanding offer.
  Result<std::shared_ptr<Track>> AddTrack(MediaKind kind, std::string_view stream_id,
                                          std::string_view track_id);
  // A transceiver the peer's description created (an audio/video m-line we have no track for).
  // Fires inside SetRemoteDescription; set OnRtp on it there to miss no packet.
  void OnTrack(std::function<void(std::shared_ptr<Track> track)> callback);

  // ---- Stats and lifetime --------------------------------------------------------------------
  // A snapshot of W3C webrtc-stats (sluice/stats.h).
  StatsReport GetStats() const;
  // Closes everything (DTLS close_notify, SCTP abort/shutdown, sockets); states go to kClosed,
  // every DataChannel and Track closes. No callback fires after Close returns, except the
  // OnClose of channels/tracks from inside Close itself. Idempotent.
  void Close();

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace sluice
