// PeerConnectionCore::Impl: the state behind the core, shared by the core_*.cc files
// (core_jsep.cc: offer/answer; core_transport.cc: demux, ICE/DTLS/SCTP glue, polling;
// core_media.cc: RTP/RTCP; core_data.cc: DataChannels). Internal to src/pc.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/random.h"
#include "dtls/dtls_engine.h"
#include "ice/agent.h"
#include "pc/peer_connection_core.h"
#include "pc/receive_statistics.h"
#include "pc/sdp_convert.h"
#include "rtp/rtp_packet.h"
#include "sctp/sctp_transport.h"
#include "sdp/session_description.h"
#include "sluice/packet_buffer.h"
#include "srtp/srtp_session.h"

namespace sluice::pc {

// RFC 9143 §15.1 / RFC 8843: the MID header extension.
inline constexpr char kMidExtensionUri[] = "urn:ietf:params:rtp-hdrext:sdes:mid";
inline constexpr uint8_t kOfferMidExtensionId = 1;  // the id we offer; answers keep the offer's
inline constexpr Duration kReportInterval = seconds(1);  // SR/RR (RFC 3550 §6.2 is ~5 s; stats)

struct TrackState {
  TrackInfo info;
  bool has_sender = false;   // AddTrack made or claimed it: we send on it
  bool from_remote = false;  // the remote description created it
  bool announced = false;    // kTrack emitted
  bool negotiated = false;   // an answer covering its m-line was applied
  // Offered payload types of the remote offer (to answer with their numbers).
  std::vector<sdp::Codec> remote_offer_codecs;
  sdp::Direction remote_direction = sdp::Direction::kSendRecv;
  // Send side.
  uint64_t packets_sent = 0, bytes_sent = 0, header_bytes_sent = 0;
  uint32_t last_rtp_timestamp = 0;
  uint64_t nacks_received = 0, plis_received = 0, firs_received = 0;
  // Receive side.
  ReceiveStatistics rx;
  uint64_t bytes_received = 0, header_bytes_received = 0, packets_discarded = 0;
  uint64_t nacks_sent = 0, plis_sent = 0, firs_sent = 0;
  double last_packet_received_ms = 0;
  uint32_t last_sr_compact = 0;  // middle 32 bits of the peer's last SR NTP time (LSR)
  std::optional<Instant> last_sr_at;
};

struct ChannelState {
  ChannelInfo info;
  size_t low_threshold = 0;
  bool opened_in_sctp = false;  // OpenChannel was called (ours) / came from SCTP (theirs)
};

// A FIFO on a vector that keeps its capacity, so that once warm, push and pop never allocate
// (std::deque allocates a block every few elements of these sizes). Compacts when the consumed
// front is over half of it, so a queue that is never fully drained stays bounded.
template <typename T>
class Fifo {
 public:
  bool empty() const { return head_ == items_.size(); }
  size_t size() const { return items_.size() - head_; }
  void push_back(T&& v) { items_.push_back(std::move(v)); }
  T& front() { return items_[head_]; }
  void pop_front() {
    items_[head_] = T();
    if (++head_ == items_.size()) {
      items_.clear();
      head_ = 0;
    } else if (head_ >= 64 && head_ * 2 >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  void clear() {
    items_.clear();
    head_ = 0;
  }

 private:
  std::vector<T> items_;
  size_t head_ = 0;
};

// One event waiting in the queue and the storage its spans point into.
struct QueuedEvent {
  Event event;
  PacketBuffer buffer;            // kRtp
  std::vector<uint16_t> seqs;     // kNack
};

struct MediaLineState {
  std::string mid;
  enum class Kind : uint8_t { kAudio, kVideo, kApplication, kOther } kind = Kind::kOther;
  TrackId track = 0;  // audio/video
  std::optional<sdp::MediaSection> remote_other;  // an m-line we reject: echo its m= line
  bool rejected = false;
};

struct PeerConnectionCore::Impl {
  Impl(const Configuration& c, const dtls::DtlsCertificate& cert, uint64_t s, dtls::DtlsEngine d);

  // ---- core_jsep.cc -------------------------------------------------------------------------
  Result<sdp::SessionDescription> BuildOffer();
  Result<sdp::SessionDescription> BuildAnswer();
  sdp::MediaSection BuildMediaSection(const MediaLineState& line, bool offer, sdp::Setup setup);
  void AddTransport(sdp::MediaSection& m, sdp::Setup setup) const;
  sdp::SessionDescription WithCandidates(const sdp::SessionDescription& d) const;
  Result<void> ApplyLocal(Instant now, SdpType type, sdp::SessionDescription d);
  Result<void> ApplyRemote(Instant now, SdpType type, sdp::SessionDescription d);
  Result<void> ApplyRemoteTransport(const sdp::SessionDescription& d);
  void ApplyRemoteMediaInfo(TrackState& t, const sdp::MediaSection& m);
  void ApplyAnswer(const sdp::SessionDescription& answer, bool answer_is_local);
  void OnNegotiationComplete(Instant now);
  void SetSignalingState(SignalingState s);
  std::string NextMid();

  // ---- core_transport.cc -------------------------------------------------------------------
  void EnsureIceAgent(Instant now);
  void HandleReceive(Instant now, const StunAddress& local, const StunAddress& remote,
                     std::span<const uint8_t> datagram);
  void HandleTimeout(Instant now);
  std::optional<Transmit> PollTransmit();
  std::optional<Event> PollEvent();
  std::optional<Instant> PollTimeout() const;
  void Pump(Instant now);  // drains ICE and DTLS events into state changes
  void OnIceEvent(Instant now, const ice::Event& e);
  void OnDtlsEvent(Instant now, const dtls::DtlsEvent& e);
  void MaybeStartDtls(Instant now);
  void UpdateConnectionState();
  void Emit(Event e);
  void EmitError(Error e);
  bool PeerAddress(StunAddress& local, StunAddress& remote) const;
  void Close(Instant now);

  // ---- core_media.cc ------------------------------------------------------------------------
  void OnSrtpReady(const dtls::DtlsEvent& e);
  void HandleRtp(Instant now, std::span<const uint8_t> datagram);
  void HandleRtp(Instant now, PacketBuffer buffer);  // unprotects in place
  void HandleRtcp(Instant now, std::span<const uint8_t> datagram);
  TrackState* RouteRtp(const RtpPacketView& packet);
  TrackState* TrackBySendSsrc(uint32_t ssrc);
  Result<void> SendRtp(Instant now, TrackId id, std::span<const uint8_t> packet);
  Result<void> SendRtcp(std::span<const uint8_t> compound);
  Result<void> SendFeedback(Instant now, TrackId id, int kind, std::span<const uint16_t> seqs);
  void SendReports(Instant now);
  StatsReport GetStats(Instant now) const;
  TrackState* FindTrack(TrackId id);
  const TrackState* FindTrack(TrackId id) const;

  // ---- core_data.cc -------------------------------------------------------------------------
  void StartSctp(Instant now);
  void OpenPendingChannels(Instant now);
  std::optional<Event> PollSctpEvent();
  ChannelState* FindChannel(ChannelId id);
  const ChannelState* FindChannel(ChannelId id) const;
  Result<ChannelId> CreateDataChannel(Instant now, std::string_view label,
                                      const DataChannelInit& init);
  Result<void> SendChannelMessage(Instant now, ChannelId id, std::span<const uint8_t> data,
                                  bool is_binary);
  Result<void> CloseChannel(Instant now, ChannelId id);

  // ---- state --------------------------------------------------------------------------------
  Configuration config;
  dtls::DtlsCertificate certificate;
  Random random;
  std::string ice_ufrag;
  std::string ice_pwd;
  std::string cname;
  std::string session_id;
  uint64_t session_version = 1;
  uint32_t next_mid = 0;
  Instant last_now{};

  // Signalling.
  SignalingState signaling_state = SignalingState::kStable;
  std::optional<sdp::SessionDescription> local_sdp;
  std::optional<sdp::SessionDescription> remote_sdp;
  SdpType local_type = SdpType::kOffer;
  SdpType remote_type = SdpType::kOffer;
  std::optional<bool> offerer;  // we made the first offer
  std::vector<MediaLineState> lines;
  std::vector<TrackState> tracks;      // TrackId = index + 1
  std::vector<ChannelState> channels;  // ChannelId = index + 1
  std::unordered_map<uint16_t, ChannelId> stream_to_channel;
  bool want_data = false;
  std::string data_mid;  // empty: no application m-line yet
  uint16_t remote_sctp_port = 5000;
  size_t remote_max_message_size = 65536;
  bool data_rejected = false;
  std::optional<uint8_t> mid_extension_id;

  // ICE.
  std::vector<StunAddress> host_addresses;
  std::unique_ptr<ice::Agent> ice;
  std::vector<ice::Candidate> pending_remote_candidates;
  bool pending_remote_end_of_candidates = false;
  std::string remote_ufrag, remote_pwd;
  bool remote_lite = false;
  std::vector<sdp::Candidate> local_candidates;
  std::optional<ice::SelectedPair> selected;
  // ICE's first valid pair, before a pair is selected (RFC 8445 §12.1 allows data on it): the
  // DTLS client starts on it rather than waiting for the controlling agent's nomination.
  std::optional<ice::SelectedPair> first_valid;
  IceGatheringState gathering_state = IceGatheringState::kNew;
  IceConnectionState ice_state = IceConnectionState::kNew;
  PeerConnectionState pc_state = PeerConnectionState::kNew;

  // DTLS.
  dtls::DtlsEngine dtls;
  std::optional<dtls::DtlsRole> dtls_role;
  dtls::DtlsFingerprint remote_fingerprint;
  bool dtls_started = false;
  bool dtls_connected = false;
  bool dtls_failed = false;
  std::optional<std::pair<StunAddress, StunAddress>> dtls_peer;  // (local, remote) of last DTLS

  // SRTP.
  std::unique_ptr<SrtpSession> srtp_out;
  std::unique_ptr<SrtpSession> srtp_in;
  std::string srtp_cipher;
  bool srtp_deferred = false;  // DTLS negotiated SRTP keys while there were no tracks
  std::unique_ptr<PacketPool> pool;
  Fifo<PacketBuffer> media_out;
  PacketBuffer current_tx;
  std::optional<Instant> next_report_at;
  Instant started_at{};
  bool have_started_at = false;

  // SCTP.
  std::unique_ptr<sctp::SctpTransport> sctp;
  bool sctp_connected = false;

  // Events.
  Fifo<QueuedEvent> events;
  QueuedEvent current_event;
  bool closed = false;

  // Transport counters.
  uint64_t packets_sent = 0, bytes_sent = 0, packets_received = 0, bytes_received = 0;
  uint64_t packets_dropped = 0;
  uint32_t data_channels_opened = 0, data_channels_closed = 0;
};

}  // namespace sluice::pc
