// PeerConnectionCore: construction and the public methods, each a forward to Impl (whose parts
// live in core_jsep.cc, core_transport.cc, core_media.cc and core_data.cc).
#include "pc/peer_connection_core.h"

#include <array>

#include "common/demux.h"
#include "pc/core_impl.h"

namespace sluice::pc {

const char* ToString(EventType type) {
  switch (type) {
    case EventType::kLocalCandidate: return "local-candidate";
    case EventType::kIceGatheringStateChange: return "ice-gathering-state-change";
    case EventType::kIceConnectionStateChange: return "ice-connection-state-change";
    case EventType::kConnectionStateChange: return "connection-state-change";
    case EventType::kSignalingStateChange: return "signaling-state-change";
    case EventType::kDataChannel: return "data-channel";
    case EventType::kChannelOpen: return "channel-open";
    case EventType::kChannelMessage: return "channel-message";
    case EventType::kChannelBufferedAmountLow: return "channel-buffered-amount-low";
    case EventType::kChannelClosed: return "channel-closed";
    case EventType::kTrack: return "track";
    case EventType::kTrackOpen: return "track-open";
    case EventType::kRtp: return "rtp";
    case EventType::kKeyFrameRequest: return "key-frame-request";
    case EventType::kNack: return "nack";
    case EventType::kTrackClosed: return "track-closed";
    case EventType::kError: return "error";
  }
  return "unknown";
}

namespace {

// RFC 8839 §5.4: ice-char = ALPHA / DIGIT / "+" / "/".
constexpr char kIceChars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string RandomIceString(size_t n, Random& random, bool secure) {
  std::array<uint8_t, 64> bytes{};
  std::span<uint8_t> out(bytes.data(), n);
  if (!secure || !SecureRandomBytes(out)) random.Fill(out);
  std::string s(n, 'a');
  for (size_t i = 0; i < n; ++i) s[i] = kIceChars[bytes[i] % 64];
  return s;
}

uint64_t SeedOrSecure(uint64_t seed) {
  if (seed != 0) return seed;
  std::array<uint8_t, 8> b{};
  if (!SecureRandomBytes(b)) return 0x5eed5eed5eed5eedull;
  uint64_t v = 0;
  for (uint8_t x : b) v = (v << 8) | x;
  return v | 1;
}

}  // namespace

PeerConnectionCore::Impl::Impl(const Configuration& c, const dtls::DtlsCertificate& cert,
                               uint64_t s, dtls::DtlsEngine d)
    : config(c), certificate(cert), random(SeedOrSecure(s)), dtls(std::move(d)) {
  const bool secure = s == 0;
  // RFC 8839 §5.4: ufrag >= 4 ice-chars (24 bits of randomness), pwd >= 22 (128 bits).
  ice_ufrag = RandomIceString(8, random, secure);
  ice_pwd = RandomIceString(24, random, secure);
  cname = RandomIceString(16, random, false);
  // RFC 8829 §5.2.1: "The <sess-id> ... SHOULD be a 64-bit random value ... ensure that the
  // high bit of this value is not set" (so it fits a signed 64-bit integer).
  session_id = std::to_string(random.NextU64() >> 2);
}

Result<std::unique_ptr<PeerConnectionCore>> PeerConnectionCore::Create(
    const Configuration& config, const dtls::DtlsCertificate& certificate, uint64_t seed) {
  if (config.max_message_size == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "max_message_size must be > 0");
  }
  auto dtls = dtls::DtlsEngine::Create(certificate);
  if (!dtls) return dtls.error();
  auto pool = PacketPool::Create({.slot_count = 256});
  if (!pool) return pool.error();
  auto impl = std::make_unique<Impl>(config, certificate, seed, std::move(*dtls));
  impl->pool = std::move(*pool);
  return std::unique_ptr<PeerConnectionCore>(new PeerConnectionCore(std::move(impl)));
}

PeerConnectionCore::PeerConnectionCore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PeerConnectionCore::~PeerConnectionCore() = default;

Result<void> PeerConnectionCore::AddHostCandidate(const StunAddress& address) {
  if (impl_->closed) return MakeError(ErrorCode::kInvalidState, "closed");
  for (const auto& a : impl_->host_addresses) {
    if (a == address) return MakeError(ErrorCode::kInvalidArgument, "host address already added");
  }
  impl_->host_addresses.push_back(address);
  if (impl_->ice) {
    auto c = impl_->ice->AddHostCandidate(address);
    if (!c) return c.error();
    impl_->Pump(impl_->last_now);
  }
  return Ok();
}

Result<SessionDescription> PeerConnectionCore::CreateOffer() {
  auto d = impl_->BuildOffer();
  if (!d) return d.error();
  return SessionDescription{SdpType::kOffer, d->Serialize()};
}

Result<SessionDescription> PeerConnectionCore::CreateAnswer() {
  auto d = impl_->BuildAnswer();
  if (!d) return d.error();
  return SessionDescription{SdpType::kAnswer, d->Serialize()};
}

Result<void> PeerConnectionCore::SetLocalDescription(Instant now,
                                                     const SessionDescription& description) {
  if (impl_->closed) return MakeError(ErrorCode::kInvalidState, "closed");
  if (description.type != SdpType::kOffer && description.type != SdpType::kAnswer) {
    return MakeError(ErrorCode::kUnsupported, "only offer and answer descriptions are supported");
  }
  auto parsed = sdp::SessionDescription::Parse(description.sdp);
  if (!parsed) return parsed.error();
  return impl_->ApplyLocal(now, description.type, std::move(*parsed));
}

Result<void> PeerConnectionCore::SetLocalDescription(Instant now) {
  if (impl_->closed) return MakeError(ErrorCode::kInvalidState, "closed");
  const bool answer = impl_->signaling_state == SignalingState::kHaveRemoteOffer;
  auto d = answer ? impl_->BuildAnswer() : impl_->BuildOffer();
  if (!d) return d.error();
  return impl_->ApplyLocal(now, answer ? SdpType::kAnswer : SdpType::kOffer, std::move(*d));
}

Result<void> PeerConnectionCore::SetRemoteDescription(Instant now,
                                                      const SessionDescription& description) {
  if (impl_->closed) return MakeError(ErrorCode::kInvalidState, "closed");
  if (description.type != SdpType::kOffer && description.type != SdpType::kAnswer) {
    return MakeError(ErrorCode::kUnsupported, "only offer and answer descriptions are supported");
  }
  auto parsed = sdp::SessionDescription::Parse(description.sdp);
  if (!parsed) return parsed.error();
  return impl_->ApplyRemote(now, description.type, std::move(*parsed));
}

Result<void> PeerConnectionCore::AddIceCandidate(Instant now, const IceCandidateInit& init) {
  if (impl_->closed) return MakeError(ErrorCode::kInvalidState, "closed");
  impl_->last_now = std::max(impl_->last_now, now);
  if (init.candidate.empty()) {  // RFC 8838 §4: end-of-candidates
    impl_->pending_remote_end_of_candidates = true;
    if (impl_->ice) impl_->ice->SetRemoteEndOfCandidates();
    impl_->Pump(now);
    return Ok();
  }
  auto sdp_candidate = sdp::Candidate::Parse(init.candidate);
  if (!sdp_candidate) return sdp_candidate.error();
  auto candidate = ToIceCandidate(*sdp_candidate);
  if (!candidate) return candidate.error();
  if (impl_->ice && !impl_->remote_ufrag.empty()) {
    auto r = impl_->ice->AddRemoteCandidate(*candidate);
    if (!r) return r;
  } else {
    impl_->pending_remote_candidates.push_back(*candidate);
  }
  impl_->Pump(now);
  return Ok();
}

std::optional<SessionDescription> PeerConnectionCore::local_description() const {
  if (!impl_->local_sdp) return std::nullopt;
  return SessionDescription{impl_->local_type,
                            impl_->WithCandidates(*impl_->local_sdp).Serialize()};
}

std::optional<SessionDescription> PeerConnectionCore::remote_description() const {
  if (!impl_->remote_sdp) return std::nullopt;
  return SessionDescription{impl_->remote_type, impl_->remote_sdp->Serialize()};
}

SignalingState PeerConnectionCore::signaling_state() const { return impl_->signaling_state; }
IceGatheringState PeerConnectionCore::ice_gathering_state() const {
  return impl_->gathering_state;
}
IceConnectionState PeerConnectionCore::ice_connection_state() const { return impl_->ice_state; }
PeerConnectionState PeerConnectionCore::connection_state() const { return impl_->pc_state; }

void PeerConnectionCore::HandleReceive(Instant now, const StunAddress& local,
                                       const StunAddress& remote,
                                       std::span<const uint8_t> datagram) {
  impl_->HandleReceive(now, local, remote, datagram);
}
void PeerConnectionCore::HandleReceive(Instant now, const StunAddress& local,
                                       const StunAddress& remote, PacketBuffer datagram) {
  if (ClassifyPacket(datagram.data()) != PacketKind::kRtp || impl_->closed) {
    impl_->HandleReceive(now, local, remote, datagram.data());
    return;
  }
  impl_->last_now = std::max(impl_->last_now, now);
  ++impl_->packets_received;
  impl_->bytes_received += datagram.size();
  impl_->HandleRtp(now, std::move(datagram));
  impl_->Pump(now);
}
void PeerConnectionCore::HandleTimeout(Instant now) { impl_->HandleTimeout(now); }
std::optional<Transmit> PeerConnectionCore::PollTransmit() { return impl_->PollTransmit(); }
std::optional<Event> PeerConnectionCore::PollEvent() { return impl_->PollEvent(); }
std::optional<Instant> PeerConnectionCore::PollTimeout() const { return impl_->PollTimeout(); }

Result<ChannelId> PeerConnectionCore::CreateDataChannel(Instant now, std::string_view label,
                                                        const DataChannelInit& init) {
  return impl_->CreateDataChannel(now, label, init);
}
Result<void> PeerConnectionCore::SendChannelMessage(Instant now, ChannelId channel,
                                                    std::span<const uint8_t> data,
                                                    bool is_binary) {
  return impl_->SendChannelMessage(now, channel, data, is_binary);
}
Result<void> PeerConnectionCore::CloseChannel(Instant now, ChannelId channel) {
  return impl_->CloseChannel(now, channel);
}
size_t PeerConnectionCore::buffered_amount(ChannelId channel) const {
  const ChannelState* c = impl_->FindChannel(channel);
  if (!c || !c->info.stream_id || !impl_->sctp) return 0;
  return impl_->sctp->buffered_amount(*c->info.stream_id);
}
void PeerConnectionCore::SetBufferedAmountLowThreshold(ChannelId channel, size_t bytes) {
  ChannelState* c = impl_->FindChannel(channel);
  if (!c) return;
  c->low_threshold = bytes;
  if (c->info.stream_id && impl_->sctp) {
    impl_->sctp->SetBufferedAmountLowThreshold(*c->info.stream_id, bytes);
  }
}
std::optional<ChannelInfo> PeerConnectionCore::channel(ChannelId channel) const {
  const ChannelState* c = impl_->FindChannel(channel);
  if (!c) return std::nullopt;
  ChannelInfo info = c->info;
  info.max_message_size = impl_->remote_sdp ? impl_->remote_max_message_size : 0;
  return info;
}
std::vector<ChannelId> PeerConnectionCore::channels() const {
  std::vector<ChannelId> out;
  for (const auto& c : impl_->channels) out.push_back(c.info.id);
  return out;
}

Result<TrackId> PeerConnectionCore::AddTrack(MediaKind kind, std::string_view stream_id,
                                             std::string_view track_id) {
  Impl& s = *impl_;
  if (s.closed) return MakeError(ErrorCode::kInvalidState, "closed");
  const auto& codecs = kind == MediaKind::kAudio ? s.config.audio_codecs : s.config.video_codecs;
  if (codecs.empty()) {
    return MakeError(ErrorCode::kUnsupported, "the configuration has no codec of this kind");
  }
  if (s.signaling_state == SignalingState::kHaveLocalOffer) {
    return MakeError(ErrorCode::kInvalidState, "AddTrack while our offer is outstanding");
  }
  // JSEP §5.10 / W3C addTrack: reuse a transceiver of this kind that the remote offer created
  // and that has never sent.
  for (auto& t : s.tracks) {
    if (t.info.kind == kind && t.from_remote && !t.has_sender && !t.info.rejected) {
      t.has_sender = true;
      t.info.track_id = std::string(track_id);
      t.info.stream_id = std::string(stream_id);
      return t.info.id;
    }
  }
  TrackState t;
  t.info.id = static_cast<TrackId>(s.tracks.size() + 1);
  t.info.kind = kind;
  t.info.track_id = std::string(track_id);
  t.info.stream_id = std::string(stream_id);
  t.info.codecs = codecs;
  t.has_sender = true;
  do {
    t.info.ssrc = s.random.NextU32();
  } while (t.info.ssrc == 0 || s.TrackBySendSsrc(t.info.ssrc) != nullptr);
  s.tracks.push_back(std::move(t));
  return s.tracks.back().info.id;
}

Result<void> PeerConnectionCore::SendRtp(Instant now, TrackId track,
                                         std::span<const uint8_t> rtp_packet) {
  return impl_->SendRtp(now, track, rtp_packet);
}
Result<void> PeerConnectionCore::RequestKeyFrame(Instant now, TrackId track) {
  return impl_->SendFeedback(now, track, 0, {});
}
Result<void> PeerConnectionCore::SendNack(Instant now, TrackId track,
                                          std::span<const uint16_t> sequence_numbers) {
  if (sequence_numbers.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "NACK needs at least one sequence number");
  }
  return impl_->SendFeedback(now, track, 1, sequence_numbers);
}
std::optional<TrackInfo> PeerConnectionCore::track(TrackId track) const {
  const TrackState* t = impl_->FindTrack(track);
  if (!t) return std::nullopt;
  return t->info;
}
std::vector<TrackId> PeerConnectionCore::tracks() const {
  std::vector<TrackId> out;
  for (const auto& t : impl_->tracks) out.push_back(t.info.id);
  return out;
}

StatsReport PeerConnectionCore::GetStats(Instant now) const { return impl_->GetStats(now); }
void PeerConnectionCore::Close(Instant now) { impl_->Close(now); }

}  // namespace sluice::pc
