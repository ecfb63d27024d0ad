// PeerConnection (include/sluice/peer_connection.h) on pc::PeerConnectionCore and LoopCore: the
// Impl's loop-thread glue and the public methods, each a forward through EventLoop::Invoke.
#include <algorithm>

#include "dtls/dtls_certificate.h"
#include "net/host_addresses.h"
#include "net/pc_impl.h"

namespace sluice {

namespace {
Error Closed() {
  return MakeError(ErrorCode::kInvalidState, "the PeerConnection is closed");
}
}  // namespace

// ---- Impl: loop-thread glue ----------------------------------------------------------------------

PeerConnection::Impl::Impl(EventLoop& event_loop, const Configuration& configuration,
                           std::unique_ptr<pc::PeerConnectionCore> pc_core)
    : loop(event_loop), core(event_loop.core()), config(configuration), pc(std::move(pc_core)) {}

PeerConnection::Impl::~Impl() {
  net::CoreScope scope(this);  // the core's SCTP transport closes its usrsctp socket
  pc.reset();
}

Result<void> PeerConnection::Impl::Open() {
  auto addresses = net::HostAddresses(config);
  if (!addresses.ok()) return addresses.error();
  const bool explicit_addresses = !config.bind_addresses.empty();
  const uint32_t hint = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(this) >> 6);
  for (const auto& address : *addresses) {
    auto id = net::BindInRange(core, address, config.port_range_begin, config.port_range_end,
                               hint, this);
    if (!id.ok()) {
      if (!explicit_addresses && id.error().code != ErrorCode::kExhausted) continue;
      for (const auto& s : sockets) core.CloseSocket(s.id);
      sockets.clear();
      return id.error();
    }
    const StunAddress local = core.local_address(*id);
    sockets.push_back({*id, local});
    Result<void> added = Ok();
    {
      net::CoreScope scope(this);
      added = pc->AddHostCandidate(local);
    }
    if (auto r = added; !r.ok()) {
      for (const auto& s : sockets) core.CloseSocket(s.id);
      sockets.clear();
      return r.error();
    }
  }
  if (sockets.empty())
    return MakeError(ErrorCode::kUnsupported, "no local address could be bound");
  core.AddStopListener(this);
  opened = true;
  return Ok();
}

Instant PeerConnection::Impl::Now() {
  Instant t = core.IsLoopThread() ? core.now() : Clock::now();
  if (t < last_now) t = last_now;
  last_now = t;
  return t;
}

void PeerConnection::Impl::OnDatagram(Instant now, const StunAddress& local,
                                      const StunAddress& remote,
                                      std::span<const uint8_t> datagram) {
  if (closed.load(std::memory_order_relaxed)) return;
  auto self = shared_from_this();  // a callback may drop the last user reference
  if (now > last_now) last_now = now;
  {
    net::CoreScope scope(this);
    pc->HandleReceive(last_now, local, remote, datagram);
  }
  Drain();
}

void PeerConnection::Impl::OnDatagramBuffer(Instant now, const StunAddress& local,
                                            const StunAddress& remote, PacketBuffer datagram) {
  if (closed.load(std::memory_order_relaxed)) return;
  auto self = shared_from_this();
  if (now > last_now) last_now = now;
  {
    net::CoreScope scope(this);
    pc->HandleReceive(last_now, local, remote, std::move(datagram));
  }
  Drain();
}

void PeerConnection::Impl::OnTimeout(Instant now) {
  if (closed.load(std::memory_order_relaxed)) return;
  auto self = shared_from_this();
  if (now > last_now) last_now = now;
  {
    net::CoreScope scope(this);
    pc->HandleTimeout(last_now);
  }
  Drain();
}

void PeerConnection::Impl::OnWake(Instant now) {
  if (closed.load(std::memory_order_relaxed)) return;
  auto self = shared_from_this();
  if (now > last_now) last_now = now;
  Drain();  // PollTransmit takes the handed-off SCTP packets (usrsctp_library::Deliver)
}

void PeerConnection::Impl::RequestDrain() {
  if (draining) {
    drain_again = true;
    return;
  }
  if (!core.IsLoopThread()) {
    Drain();
    return;
  }
  if (!drain_deferred) {
    drain_deferred = true;
    core.Defer(this);
  }
}

void PeerConnection::Impl::RunDeferred() {
  drain_deferred = false;
  if (closed.load(std::memory_order_relaxed)) return;
  auto self = shared_from_this();
  Drain();
}

void PeerConnection::Impl::OnLoopStopping() {
  auto self = shared_from_this();
  CloseOnLoop();
}

size_t PeerConnection::Impl::FlushTransmits() {
  net::CoreScope scope(this);
  size_t sent = 0;
  while (auto t = pc->PollTransmit()) {
    ++sent;
    const BoundSocket* socket = nullptr;
    for (const auto& s : sockets) {
      if (s.local == t->local) {
        socket = &s;
        break;
      }
    }
    if (socket == nullptr) continue;  // closed meanwhile
    (void)core.SendTo(socket->id, t->remote, t->data);
  }
  return sent;
}

void PeerConnection::Impl::Drain() {
  if (draining) {  // called back from inside a callback: the outer drain goes round again
    drain_again = true;
    return;
  }
  draining = true;
  // Until one pass finds both queues empty: polling events (SCTP reads) can itself produce
  // datagrams (SACKs, DCEP acks), and sending can produce events.
  for (;;) {
    drain_again = false;
    size_t activity = FlushTransmits();
    for (;;) {
      std::optional<pc::Event> e;
      {
        net::CoreScope scope(this);
        e = pc->PollEvent();
      }
      if (!e) break;
      ++activity;
      Dispatch(*e);  // unlocked: user callbacks
      FlushTransmits();
    }
    if (activity == 0 && !drain_again) break;
  }
  draining = false;
  if (closed.load(std::memory_order_relaxed)) {
    FinishClose();
    core.ForgetReceiver(this);
    return;
  }
  std::optional<Instant> deadline;
  {
    net::CoreScope scope(this);
    deadline = pc->PollTimeout();
  }
  core.SetDeadline(this, deadline);
}

std::optional<pc::ChannelInfo> PeerConnection::Impl::ChannelInfo(pc::ChannelId id) {
  net::CoreScope scope(this);
  return pc->channel(id);
}

std::optional<pc::TrackInfo> PeerConnection::Impl::TrackInfo(pc::TrackId id) {
  net::CoreScope scope(this);
  return pc->track(id);
}

void PeerConnection::Impl::SnapshotLocalDescription() {
  net::CoreScope scope(this);
  std::lock_guard<std::mutex> snapshot(snapshot_mu);
  local_description = pc->local_description();
}

void PeerConnection::Impl::Dispatch(const pc::Event& e) {
  const bool is_closed = closed.load(std::memory_order_relaxed);
  switch (e.type) {
    case pc::EventType::kLocalCandidate: {
      SnapshotLocalDescription();
      on_local_candidate.Call(e.candidate);
      break;
    }
    case pc::EventType::kIceGatheringStateChange: {
      gathering_state = e.gathering_state;
      SnapshotLocalDescription();
      on_gathering_state.Call(e.gathering_state);
      break;
    }
    case pc::EventType::kIceConnectionStateChange:
      ice_state = e.ice_connection_state;
      on_ice_state.Call(e.ice_connection_state);
      break;
    case pc::EventType::kConnectionStateChange:
      connection_state = e.connection_state;
      on_connection_state.Call(e.connection_state);
      break;
    case pc::EventType::kSignalingStateChange:
      signaling_state = e.signaling_state;
      on_signaling_state.Call(e.signaling_state);
      break;
    case pc::EventType::kDataChannel: {
      if (is_closed) break;
      auto info = ChannelInfo(e.channel);
      if (!info) break;
      auto ch = std::make_shared<DataChannel::Impl>();
      ch->pc = weak_from_this();
      ch->id = e.channel;
      ch->label = info->label;
      ch->protocol = info->protocol;
      ch->ordered = info->ordered;
      ch->negotiated = info->negotiated;
      ch->max_packet_life_time = info->max_packet_life_time;
      ch->max_retransmits = info->max_retransmits;
      ch->Refresh(*info);
      channels[e.channel] = ch;
      on_data_channel.Call(std::make_shared<DataChannel>(ch));
      break;
    }
    case pc::EventType::kChannelOpen: {
      auto it = channels.find(e.channel);
      if (it == channels.end()) break;
      if (auto info = ChannelInfo(e.channel)) it->second->Refresh(*info);
      it->second->state = DataChannelState::kOpen;
      it->second->on_open.Call();
      break;
    }
    case pc::EventType::kChannelMessage: {
      if (is_closed) break;
      auto it = channels.find(e.channel);
      if (it != channels.end()) it->second->on_message.Call(e.data, e.is_binary);
      break;
    }
    case pc::EventType::kChannelBufferedAmountLow: {
      auto it = channels.find(e.channel);
      if (it == channels.end()) break;
      {
        net::CoreScope scope(this);
        it->second->buffered_amount = pc->buffered_amount(e.channel);
      }
      it->second->on_buffered_amount_low.Call();
      break;
    }
    case pc::EventType::kChannelClosed: {
      auto it = channels.find(e.channel);
      if (it == channels.end()) break;
      auto ch = it->second;
      channels.erase(it);
      ch->state = DataChannelState::kClosed;
      ch->on_close.Call();
      ch->DropCallbacks();
      break;
    }
    case pc::EventType::kTrack: {
      if (is_closed) break;
      auto info = TrackInfo(e.track);
      if (!info) break;
      auto t = std::make_shared<Track::Impl>();
      t->pc = weak_from_this();
      t->id = e.track;
      t->kind = info->kind;
      t->Refresh(*info);
      auto object = std::make_shared<Track>(t);
      tracks[e.track] = TrackEntry{t, object};
      on_track.Call(object);
      break;
    }
    case pc::EventType::kTrackOpen: {
      auto it = tracks.find(e.track);
      if (it == tracks.end()) break;
      if (auto info = TrackInfo(e.track)) it->second.impl->Refresh(*info);
      it->second.impl->on_open.Call();
      break;
    }
    case pc::EventType::kRtp: {
      if (is_closed) break;
      auto it = tracks.find(e.track);
      if (it == tracks.end()) break;
      Track::Impl& t = *it->second.impl;
      if (!t.remote_ssrc_seen) {
        t.remote_ssrc_seen = true;
        if (auto info = TrackInfo(e.track)) t.Refresh(*info);
      }
      t.on_rtp.Call(e.data);
      break;
    }
    case pc::EventType::kKeyFrameRequest: {
      auto it = tracks.find(e.track);
      if (it != tracks.end() && !is_closed) it->second.impl->on_key_frame_request.Call();
      break;
    }
    case pc::EventType::kNack: {
      auto it = tracks.find(e.track);
      if (it != tracks.end() && !is_closed) it->second.impl->on_nack.Call(e.sequence_numbers);
      break;
    }
    case pc::EventType::kTrackClosed: {
      auto it = tracks.find(e.track);
      if (it == tracks.end()) break;
      auto t = it->second.impl;
      tracks.erase(it);
      if (auto info = TrackInfo(e.track)) t->Refresh(*info);
      t->open = false;
      t->on_close.Call();
      t->DropCallbacks();
      break;
    }
    case pc::EventType::kError:
      on_error.Call(e.error);
      break;
  }
}

void PeerConnection::Impl::RefreshSnapshots() {
  net::CoreScope scope(this);
  {
    std::lock_guard<std::mutex> lock(snapshot_mu);
    local_description = pc->local_description();
    remote_description = pc->remote_description();
  }
  signaling_state = pc->signaling_state();
  gathering_state = pc->ice_gathering_state();
  ice_state = pc->ice_connection_state();
  connection_state = pc->connection_state();
  for (auto& [id, ch] : channels)
    if (auto info = pc->channel(id)) ch->Refresh(*info);
  for (auto& [id, t] : tracks)
    if (auto info = pc->track(id)) t.impl->Refresh(*info);
}

void PeerConnection::Impl::DropCallbacks() {
  on_local_candidate.Clear();
  on_gathering_state.Clear();
  on_ice_state.Clear();
  on_connection_state.Clear();
  on_signaling_state.Clear();
  on_error.Clear();
  on_data_channel.Clear();
  on_track.Clear();
}

void PeerConnection::Impl::CloseOnLoop() {
  if (closed.exchange(true)) return;
  DropCallbacks();  // no PeerConnection callback after Close; channels/tracks get OnClose
  if (drain_deferred) {
    core.CancelDeferred(this);
    drain_deferred = false;
  }
  if (opened) {
    {
      net::CoreScope scope(this);
      pc->Close(Now());
    }
    FlushTransmits();  // close_notify / ABORT, even when closing from inside a callback
    Drain();  // delivers the channels' and tracks' OnClose (or the outer drain does)
    core.Flush();  // DTLS close_notify and SCTP ABORT leave before the sockets close
    for (const auto& s : sockets) core.CloseSocket(s.id);
    core.ForgetReceiver(this);
    core.RemoveStopListener(this);
  }
  sockets.clear();
  RefreshSnapshots();
  signaling_state = SignalingState::kClosed;
  ice_state = IceConnectionState::kClosed;
  connection_state = PeerConnectionState::kClosed;
  if (!draining) FinishClose();  // else the outer drain finishes (after delivering OnClose)
}

void PeerConnection::Impl::FinishClose() {
  // Channels and tracks the core did not report closed close now. Moved out first: OnClose may
  // call back in.
  auto open_channels = std::move(channels);
  channels.clear();
  for (auto& [id, ch] : open_channels) {
    ch->state = DataChannelState::kClosed;
    ch->on_close.Call();
    ch->DropCallbacks();
  }
  auto open_tracks = std::move(tracks);
  tracks.clear();
  for (auto& [id, t] : open_tracks) {
    t.impl->open = false;
    t.impl->on_close.Call();
    t.impl->DropCallbacks();
  }
}

Result<void> PeerConnection::Impl::SendChannelMessageOnLoop(DataChannel::Impl& channel,
                                                            std::span<const uint8_t> data,
                                                            bool is_binary) {
  if (closed.load(std::memory_order_relaxed)) return Closed();
  Result<void> r = Ok();
  {
    net::CoreScope scope(this);
    r = pc->SendChannelMessage(Now(), channel.id, data, is_binary);
    channel.buffered_amount.store(pc->buffered_amount(channel.id), std::memory_order_relaxed);
  }
  RequestDrain();
  return r;
}

Result<void> PeerConnection::Impl::SendRtpOnLoop(Track::Impl& track,
                                                 std::span<const uint8_t> packet) {
  if (closed.load(std::memory_order_relaxed)) return Closed();
  Result<void> r = Ok();
  {
    net::CoreScope scope(this);
    r = pc->SendRtp(Now(), track.id, packet);
  }
  RequestDrain();
  return r;
}

std::shared_ptr<Track> PeerConnection::Impl::TrackObject(pc::TrackId id) {
  auto it = tracks.find(id);
  if (it == tracks.end()) return nullptr;
  if (auto object = it->second.object.lock()) return object;
  auto object = std::make_shared<Track>(it->second.impl);
  it->second.object = object;
  return object;
}

// ---- Public API --------------------------------------------------------------------------------

Result<std::shared_ptr<PeerConnection>> PeerConnection::Create(EventLoop& loop,
                                                               const Configuration& config) {
  Result<dtls::DtlsCertificate> certificate =
      config.certificate_pem.empty() && config.private_key_pem.empty()
          ? dtls::DtlsCertificate::Generate()
          : dtls::DtlsCertificate::FromPem(config.certificate_pem, config.private_key_pem);
  if (!certificate.ok()) {
    if (config.certificate_pem.empty() && config.private_key_pem.empty())
      return MakeError(ErrorCode::kInternal, "could not generate the DTLS certificate");
    return MakeError(ErrorCode::kInvalidArgument,
                     "certificate_pem/private_key_pem: unreadable or the key does not match");
  }
  auto core = pc::PeerConnectionCore::Create(config, *certificate, config.seed);
  if (!core.ok()) return core.error();
  auto impl = std::make_shared<Impl>(loop, config, std::move(core).value());
  Result<void> opened = loop.Invoke([&] { return impl->Open(); });
  if (!opened.ok()) return opened.error();
  return std::make_shared<PeerConnection>(std::move(impl));
}

PeerConnection::PeerConnection(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

PeerConnection::~PeerConnection() { Close(); }

// Every public method checks `closed` before it touches the loop: once closed (by Close or by
// the loop stopping) a PeerConnection never uses its EventLoop again, so it may outlive it.

Result<SessionDescription> PeerConnection::CreateOffer() {
  if (impl_->closed) return Closed();
  return impl_->loop.Invoke([&]() -> Result<SessionDescription> {
    if (impl_->closed) return Closed();
    net::CoreScope scope(impl_.get());
    return impl_->pc->CreateOffer();
  });
}

Result<SessionDescription> PeerConnection::CreateAnswer() {
  if (impl_->closed) return Closed();
  return impl_->loop.Invoke([&]() -> Result<SessionDescription> {
    if (impl_->closed) return Closed();
    net::CoreScope scope(impl_.get());
    return impl_->pc->CreateAnswer();
  });
}

Result<void> PeerConnection::SetLocalDescription(const SessionDescription& description) {
  if (impl_->closed) return Closed();
  return impl_->loop.Invoke([&]() -> Result<void> {
    if (impl_->closed) return Closed();
    Result<void> r = Ok();
    {
      net::CoreScope scope(impl_.get());
      r = impl_->pc->SetLocalDescription(impl_->Now(), description);
    }
    impl_->RefreshSnapshots();
    impl_->Drain();
    return r;
  });
}

Result<void> PeerConnection::SetLocalDescription() {
  if (impl_->closed) return Closed();
  return impl_->loop.Invoke([&]() -> Result<void> {
    if (impl_->closed) return Closed();
    Result<void> r = Ok();
    {
      net::CoreScope scope(impl_.get());
      r = impl_->pc->SetLocalDescription(impl_->Now());
    }
    impl_->RefreshSnapshots();
    impl_->Drain();
    return r;
  });
}

Result<void> PeerConnection::SetRemoteDescription(const SessionDescription& description) {
  if (impl_->closed) return Closed();
  return impl_->loop.Invoke([&]() -> Result<void> {
    if (impl_->closed) return Closed();
    Result<void> r = Ok();
    {
      net::CoreScope scope(impl_.get());
      r = impl_->pc->SetRemoteDescription(impl_->Now(), description);
    }
    impl_->RefreshSnapshots();
    impl_->Drain();
    impl_->RefreshSnapshots();  // tracks created by the description have their mids now
    return r;
  });
}

Result<void> PeerConnection::AddIceCandidate(const IceCandidateInit& candidate) {
  if (impl_->closed) return Closed();
  return impl_->loop.Invoke([&]() -> Result<void> {
    if (impl_->closed) return Closed();
    Result<void> r = Ok();
    {
      net::CoreScope scope(impl_.get());
      r = impl_->pc->AddIceCandidate(impl_->Now(), candidate);
    }
    impl_->Drain();
    return r;
  });
}

std::optional<SessionDescription> PeerConnection::local_description() const {
  std::lock_guard<std::mutex> lock(impl_->snapshot_mu);
  return impl_->local_description;
}
std::optional<SessionDescription> PeerConnection::remote_description() const {
  std::lock_guard<std::mutex> lock(impl_->snapshot_mu);
  return impl_->remote_description;
}
SignalingState PeerConnection::signaling_state() const { return impl_->signaling_state; }
IceGatheringState PeerConnection::ice_gathering_state() const { return impl_->gathering_state; }
IceConnectionState PeerConnection::ice_connection_state() const { return impl_->ice_state; }
PeerConnectionState PeerConnection::connection_state() const { return impl_->connection_state; }

namespace {
template <class Slot, class Fn>
void SetOnLoop(PeerConnection::Impl& impl, Slot& slot, Fn&& fn) {
  if (impl.closed) return;
  impl.loop.Invoke([&] {
    if (impl.closed) return;  // dropped at Close: keep it that way (no cycles)
    slot.Set(std::forward<Fn>(fn));
  });
}
}  // namespace

void PeerConnection::OnLocalCandidate(std::function<void(const IceCandidateInit&)> callback) {
  SetOnLoop(*impl_, impl_->on_local_candidate, std::move(callback));
}
void PeerConnection::OnIceGatheringStateChange(std::function<void(IceGatheringState)> callback) {
  SetOnLoop(*impl_, impl_->on_gathering_state, std::move(callback));
}
void PeerConnection::OnIceConnectionStateChange(
    std::function<void(IceConnectionState)> callback) {
  SetOnLoop(*impl_, impl_->on_ice_state, std::move(callback));
}
void PeerConnection::OnConnectionStateChange(std::function<void(PeerConnectionState)> callback) {
  SetOnLoop(*impl_, impl_->on_connection_state, std::move(callback));
}
void PeerConnection::OnSignalingStateChange(std::function<void(SignalingState)> callback) {
  SetOnLoop(*impl_, impl_->on_signaling_state, std::move(callback));
}
void PeerConnection::OnError(std::function<void(Error)> callback) {
  SetOnLoop(*impl_, impl_->on_error, std::move(callback));
}
void PeerConnection::OnDataChannel(std::function<void(std::shared_ptr<DataChannel>)> callback) {
  SetOnLoop(*impl_, impl_->on_data_channel, std::move(callback));
}
void PeerConnection::OnTrack(std::function<void(std::shared_ptr<Track>)> callback) {
  SetOnLoop(*impl_, impl_->on_track, std::move(callback));
}

Result<std::shared_ptr<DataChannel>> PeerConnection::CreateDataChannel(
    std::string_view label, const DataChannelInit& init) {
  if (impl_->closed) return Closed();
  return impl_->loop.Invoke([&]() -> Result<std::shared_ptr<DataChannel>> {
    if (impl_->closed) return Closed();
    Result<pc::ChannelId> id = MakeError(ErrorCode::kInternal, "unset");
    {
      net::CoreScope scope(impl_.get());
      id = impl_->pc->CreateDataChannel(impl_->Now(), label, init);
    }
    if (!id.ok()) return id.error();
    auto info = impl_->ChannelInfo(*id);
    auto ch = std::make_shared<DataChannel::Impl>();
    ch->pc = impl_;
    ch->id = *id;
    ch->label = std::string(label);
    ch->protocol = init.protocol;
    ch->ordered = init.ordered;
    ch->negotiated = init.negotiated;
    ch->max_packet_life_time = init.max_packet_life_time;
    ch->max_retransmits = init.max_retransmits;
    if (info) ch->Refresh(*info);
    impl_->channels[*id] = ch;
    impl_->Drain();
    return std::make_shared<DataChannel>(ch);
  });
}

Result<std::shared_ptr<Track>> PeerConnection::AddTrack(MediaKind kind,
                                                        std::string_view stream_id,
                                                        std::string_view track_id) {
  if (impl_->closed) return Closed();
  return impl_->loop.Invoke([&]() -> Result<std::shared_ptr<Track>> {
    if (impl_->closed) return Closed();
    Result<pc::TrackId> id = MakeError(ErrorCode::kInternal, "unset");
    {
      net::CoreScope scope(impl_.get());
      id = impl_->pc->AddTrack(kind, stream_id, track_id);
    }
    if (!id.ok()) return id.error();
    auto info = impl_->TrackInfo(*id);
    if (impl_->tracks.find(*id) == impl_->tracks.end()) {
      auto t = std::make_shared<Track::Impl>();
      t->pc = impl_;
      t->id = *id;
      t->kind = kind;
      impl_->tracks[*id] = Impl::TrackEntry{t, {}};
    }
    if (info) impl_->tracks[*id].impl->Refresh(*info);
    impl_->Drain();
    return impl_->TrackObject(*id);
  });
}

StatsReport PeerConnection::GetStats() const {
  if (impl_->closed) {  // the loop no longer touches this core: read it here
    net::CoreScope scope(impl_.get());
    return impl_->pc->GetStats(std::max(Clock::now(), impl_->last_now));
  }
  return impl_->loop.Invoke([&] {
    net::CoreScope scope(impl_.get());
    return impl_->pc->GetStats(impl_->Now());
  });
}

void PeerConnection::Close() {
  if (impl_->closed.load()) return;
  impl_->loop.Invoke([&] { impl_->CloseOnLoop(); });
}

}  // namespace sluice
