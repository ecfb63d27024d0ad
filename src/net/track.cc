// Track (include/sluice/track.h) on PeerConnection::Impl. Send on the loop thread goes straight
// into the core; from another thread the packet is copied into a pooled PacketBuffer (one heap
// block if larger than a slot) and posted, at most Configuration::track_send_queue_packets at a
// time per track.
#include <cstring>

#include "net/pc_impl.h"

namespace sluice {

void Track::Impl::Refresh(const pc::TrackInfo& snapshot) {
  {
    std::lock_guard<std::mutex> lock(mu);
    info = snapshot;
  }
  open = snapshot.open;
}

void Track::Impl::DropCallbacks() {
  on_rtp.Clear();
  on_key_frame_request.Clear();
  on_open.Clear();
  on_close.Clear();
  on_nack.Clear();
}

Track::Track(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
Track::~Track() = default;

MediaKind Track::kind() const { return impl_->kind; }
std::string Track::mid() const { return impl_->Snapshot().mid; }
std::string Track::id() const { return impl_->Snapshot().track_id; }
std::string Track::stream_id() const { return impl_->Snapshot().stream_id; }
std::string Track::remote_id() const { return impl_->Snapshot().remote_track_id; }
std::string Track::remote_stream_id() const { return impl_->Snapshot().remote_stream_id; }
uint32_t Track::ssrc() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->info.ssrc;
}
std::optional<uint32_t> Track::remote_ssrc() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->info.remote_ssrc;
}
TransceiverDirection Track::direction() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->info.direction;
}
std::vector<Codec> Track::codecs() const { return impl_->Snapshot().codecs; }
bool Track::is_open() const { return impl_->open; }

Result<void> Track::Send(std::span<const uint8_t> rtp_packet) {
  Impl* t = impl_.get();
  auto pc = t->pc.lock();
  if (!pc || pc->closed.load(std::memory_order_relaxed))
    return MakeError(ErrorCode::kInvalidState, "the Track's PeerConnection is closed");
  if (pc->loop.IsLoopThread()) return pc->SendRtpOnLoop(*t, rtp_packet);

  // RFC 3550 §5.1: at least the 12-byte fixed header, version 2.
  if (rtp_packet.size() < 12 || (rtp_packet[0] >> 6) != 2)
    return MakeError(ErrorCode::kMalformed, "Track::Send: not an RTP packet");
  if (!t->open.load(std::memory_order_relaxed))
    return MakeError(ErrorCode::kInvalidState, "Track::Send: the track is not open");
  if (t->queued_packets.fetch_add(1, std::memory_order_relaxed) >=
      pc->config.track_send_queue_packets) {
    t->queued_packets.fetch_sub(1, std::memory_order_relaxed);
    return MakeError(ErrorCode::kExhausted, "Track::Send: send queue full; retry later");
  }
  const size_t n = rtp_packet.size();
  Result<void> posted = Ok();
  auto slot = pc->core.pool().Acquire();
  if (slot.ok() && slot->Resize(n)) {
    std::memcpy(slot->mutable_data().data(), rtp_packet.data(), n);
    posted = pc->loop.Post([impl = impl_, buffer = std::move(slot).value()]() mutable {
      impl->queued_packets.fetch_sub(1, std::memory_order_relaxed);
      if (auto p = impl->pc.lock()) (void)p->SendRtpOnLoop(*impl, buffer.data());
    });
  } else {
    std::unique_ptr<uint8_t[]> copy(new uint8_t[n]);
    std::memcpy(copy.get(), rtp_packet.data(), n);
    posted = pc->loop.Post([impl = impl_, copy = std::move(copy), n]() mutable {
      impl->queued_packets.fetch_sub(1, std::memory_order_relaxed);
      if (auto p = impl->pc.lock()) (void)p->SendRtpOnLoop(*impl, {copy.get(), n});
    });
  }
  if (!posted.ok()) t->queued_packets.fetch_sub(1, std::memory_order_relaxed);
  return posted;
}

Result<void> Track::RequestKeyFrame() {
  auto pc = impl_->pc.lock();
  if (!pc || pc->closed)
    return MakeError(ErrorCode::kInvalidState, "the Track's PeerConnection is closed");
  return pc->loop.Invoke([&]() -> Result<void> {
    if (pc->closed) return MakeError(ErrorCode::kInvalidState, "the PeerConnection is closed");
    Result<void> r = Ok();
    {
      net::CoreScope scope(pc.get());
      r = pc->pc->RequestKeyFrame(pc->Now(), impl_->id);
    }
    pc->Drain();
    return r;
  });
}

Result<void> Track::SendNack(std::span<const uint16_t> sequence_numbers) {
  auto pc = impl_->pc.lock();
  if (!pc || pc->closed)
    return MakeError(ErrorCode::kInvalidState, "the Track's PeerConnection is closed");
  return pc->loop.Invoke([&]() -> Result<void> {
    if (pc->closed) return MakeError(ErrorCode::kInvalidState, "the PeerConnection is closed");
    Result<void> r = Ok();
    {
      net::CoreScope scope(pc.get());
      r = pc->pc->SendNack(pc->Now(), impl_->id, sequence_numbers);
    }
    pc->Drain();
    return r;
  });
}

namespace {
template <class Slot, class Fn>
void SetTrackCallback(Track::Impl& t, Slot& slot, Fn&& fn) {
  auto pc = t.pc.lock();
  if (!pc || pc->closed) return;
  pc->loop.Invoke([&] {
    if (pc->closed) return;
    slot.Set(std::forward<Fn>(fn));
  });
}
}  // namespace

void Track::OnRtp(std::function<void(std::span<const uint8_t>)> callback) {
  SetTrackCallback(*impl_, impl_->on_rtp, std::move(callback));
}
void Track::OnKeyFrameRequest(std::function<void()> callback) {
  SetTrackCallback(*impl_, impl_->on_key_frame_request, std::move(callback));
}
void Track::OnNack(std::function<void(std::span<const uint16_t>)> callback) {
  SetTrackCallback(*impl_, impl_->on_nack, std::move(callback));
}
void Track::OnOpen(std::function<void()> callback) {
  SetTrackCallback(*impl_, impl_->on_open, std::move(callback));
}
void Track::OnClose(std::function<void()> callback) {
  SetTrackCallback(*impl_, impl_->on_close, std::move(callback));
}

}  // namespace sluice
