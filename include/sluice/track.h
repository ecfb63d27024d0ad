// Track: one audio or video transceiver (an m-line, RFC 8829 §5.2): the RTP stream we send on it
// and the RTP stream the peer sends on it, with the RTCP feedback about each. Names follow W3C
// RTCRtpTransceiver / MediaStreamTrack and libdatachannel's rtc::Track.
//
// A Track works on RTP packets, not frames: Send takes one unprotected RTP packet (the library
// rewrites its SSRC to ssrc() and SRTP-protects it), OnRtp gives each received packet after SRTP
// unprotect. Payload types are the negotiated ones in codecs(): when we answer, the offerer's.
//
// Thread rules: as in data_channel.h. Callbacks run on the EventLoop's thread and may call
// back into the library (an echo calls Send from OnRtp: inline, no queue). Methods may be
// called from any thread: Send from another thread copies the packet into this track's bounded
// queue (Configuration::track_send_queue_packets) and the loop sends it on its next iteration;
// control calls run on the loop through EventLoop::Invoke. Accessors read a snapshot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sluice/configuration.h"
#include "sluice/result.h"

namespace sluice {

class Track {
 public:
  struct Impl;  // defined in src/net

  // Internal: Tracks are made by PeerConnection (AddTrack / OnTrack).
  explicit Track(std::shared_ptr<Impl> impl);
  ~Track();
  Track(const Track&) = delete;
  Track& operator=(const Track&) = delete;

  // ---- Properties ----------------------------------------------------------------------------
  MediaKind kind() const;
  // The m-line's a=mid; empty until the transceiver is in a description (offer or answer).
  std::string mid() const;
  // Our MediaStreamTrack id and stream id (a=msid:<stream_id> <id>) as given to AddTrack; for a
  // transceiver the peer created that we have not added a track to: empty.
  std::string id() const;
  std::string stream_id() const;
  // The peer's a=msid of the stream it sends on this m-line (empty if none announced).
  std::string remote_id() const;
  std::string remote_stream_id() const;
  // The SSRC of what we send (a=ssrc in our description), chosen at random when the track is
  // created. Every packet given to Send leaves with this SSRC.
  uint32_t ssrc() const;
  // The SSRC of what the peer sends: its a=ssrc if announced, else learnt from the first packet
  // routed to this m-line by MID header extension or payload type. Empty while unknown.
  std::optional<uint32_t> remote_ssrc() const;
  // The negotiated direction (kSendRecv before negotiation).
  TransceiverDirection direction() const;
  // The negotiated codecs, preferred first, with the payload types in effect on the wire
  // (before negotiation: the configured ones).
  std::vector<Codec> codecs() const;
  // True once the transport is connected and this m-line was negotiated (not rejected).
  bool is_open() const;

  // ---- Sending -------------------------------------------------------------------------------
  // Sends one RTP packet (RFC 3550 header, unprotected). The library replaces the SSRC with
  // ssrc(), keeps sequence number, timestamp, payload type, marker and extensions as given, and
  // SRTP-protects a copy. Errors: kMalformed if not an RTP packet; kInvalidState unless is_open()
  // and the direction lets us send; kExhausted when the cross-thread queue is full.
  Result<void> Send(std::span<const uint8_t> rtp_packet);

  // Asks the peer for a key frame of the stream it sends on this track: RTCP PLI (RFC 4585
  // §6.3.1) with ssrc() as sender and remote_ssrc() as media source.
  Result<void> RequestKeyFrame();
  // Asks the peer to retransmit these sequence numbers of its stream: RTCP Generic NACK
  // (RFC 4585 §6.2.1), packed into as few FCI entries as they fit.
  Result<void> SendNack(std::span<const uint16_t> sequence_numbers);

  // ---- Callbacks (run on the loop thread) ----------------------------------------------------
  // One received RTP packet of the peer's stream, after SRTP unprotect. `packet` is the whole
  // RTP packet (header + payload) and is valid only during the call.
  void OnRtp(std::function<void(std::span<const uint8_t> packet)> callback);
  // The peer asked for a key frame of what we send (PLI, or FIR RFC 5104 §4.3.1.1).
  void OnKeyFrameRequest(std::function<void()> callback);
  // The peer asked for retransmission of these sequence numbers of what we send (Generic
  // NACK, expanded from its PID/BLP pairs). Valid only during the call.
  void OnNack(std::function<void(std::span<const uint16_t> sequence_numbers)> callback);
  // The transport connected (is_open() became true) / the track or PeerConnection closed.
  void OnOpen(std::function<void()> callback);
  void OnClose(std::function<void()> callback);

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace sluice
