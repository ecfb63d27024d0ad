// DataChannel (include/sluice/data_channel.h) on PeerConnection::Impl. Sends on the loop thread
// go straight into the core; sends from other threads copy the message (into a pooled
// PacketBuffer when it fits one slot, else into one heap block) and post it to the loop.
#include <cstring>

#include "net/pc_impl.h"

namespace sluice {

namespace {
Error NotOpen() {
  return MakeError(ErrorCode::kInvalidState, "the DataChannel is not open");
}
Result<void> SendOnChannel(const std::shared_ptr<DataChannel::Impl>& impl_,
                           std::span<const uint8_t> data, bool is_binary);
}  // namespace

void DataChannel::Impl::Refresh(const pc::ChannelInfo& info) {
  stream_id = info.stream_id ? int32_t{*info.stream_id} : -1;
  state = info.state;
  max_message_size = info.max_message_size;
}

void DataChannel::Impl::DropCallbacks() {
  on_open.Clear();
  on_close.Clear();
  on_buffered_amount_low.Clear();
  on_message.Clear();
  on_error.Clear();
}

DataChannel::DataChannel(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
DataChannel::~DataChannel() = default;

std::string DataChannel::label() const { return impl_->label; }
std::string DataChannel::protocol() const { return impl_->protocol; }
std::optional<uint16_t> DataChannel::id() const {
  const int32_t id = impl_->stream_id.load();
  if (id < 0) return std::nullopt;
  return static_cast<uint16_t>(id);
}
bool DataChannel::ordered() const { return impl_->ordered; }
std::optional<uint16_t> DataChannel::max_packet_life_time() const {
  return impl_->max_packet_life_time;
}
std::optional<uint16_t> DataChannel::max_retransmits() const { return impl_->max_retransmits; }
bool DataChannel::negotiated() const { return impl_->negotiated; }
DataChannelState DataChannel::state() const { return impl_->state; }
size_t DataChannel::max_message_size() const { return impl_->max_message_size; }
size_t DataChannel::buffered_amount() const {
  return impl_->buffered_amount.load() + impl_->queued_bytes.load();
}
size_t DataChannel::buffered_amount_low_threshold() const { return impl_->low_threshold; }

Result<void> DataChannel::Send(std::span<const std::byte> data) {
  return Send(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

Result<void> DataChannel::Send(std::string_view text) {
  return SendOnChannel(impl_, {reinterpret_cast<const uint8_t*>(text.data()), text.size()}, false);
}

Result<void> DataChannel::Send(std::span<const uint8_t> data) {
  return SendOnChannel(impl_, data, true);
}

namespace {
Result<void> SendOnChannel(const std::shared_ptr<DataChannel::Impl>& impl_,
                           std::span<const uint8_t> data, bool is_binary) {
  DataChannel::Impl* ch = impl_.get();
  auto pc = ch->pc.lock();
  if (!pc || pc->closed.load(std::memory_order_relaxed)) return NotOpen();
  if (pc->loop.IsLoopThread()) return pc->SendChannelMessageOnLoop(*ch, data, is_binary);

  // From another thread: check what can be checked now, copy, post.
  if (ch->state.load(std::memory_order_relaxed) != DataChannelState::kOpen) return NotOpen();
  const size_t max = ch->max_message_size.load(std::memory_order_relaxed);
  if (max != 0 && data.size() > max)
    return MakeError(ErrorCode::kInvalidArgument,
                     "DataChannel::Send: message larger than max_message_size()");
  const size_t n = data.size();
  if (ch->buffered_amount.load(std::memory_order_relaxed) +
          ch->queued_bytes.load(std::memory_order_relaxed) + n >
      pc->config.data_channel_send_buffer_cap)
    return MakeError(ErrorCode::kExhausted,
                     "DataChannel::Send: send buffer full; wait for OnBufferedAmountLow");
  ch->queued_bytes.fetch_add(n, std::memory_order_relaxed);

  Result<void> posted = Ok();
  auto slot = pc->core.pool().Acquire();
  if (slot.ok() && slot->Prepend(1) && slot->Resize(n + 1)) {
    // One pooled slot: [is_binary][message].
    slot->mutable_data()[0] = is_binary ? 1 : 0;
    if (n > 0) std::memcpy(slot->mutable_data().data() + 1, data.data(), n);
    posted = pc->loop.Post([impl = impl_, buffer = std::move(slot).value()]() mutable {
      const auto bytes = buffer.data();
      impl->queued_bytes.fetch_sub(bytes.size() - 1, std::memory_order_relaxed);
      if (auto p = impl->pc.lock())
        (void)p->SendChannelMessageOnLoop(*impl, bytes.subspan(1), bytes[0] != 0);
    });
  } else {
    std::unique_ptr<uint8_t[]> copy(new uint8_t[n > 0 ? n : 1]);
    if (n > 0) std::memcpy(copy.get(), data.data(), n);
    posted = pc->loop.Post([impl = impl_, copy = std::move(copy), n, is_binary]() mutable {
      impl->queued_bytes.fetch_sub(n, std::memory_order_relaxed);
      if (auto p = impl->pc.lock())
        (void)p->SendChannelMessageOnLoop(*impl, {copy.get(), n}, is_binary);
    });
  }
  if (!posted.ok()) ch->queued_bytes.fetch_sub(n, std::memory_order_relaxed);
  return posted;
}
}  // namespace

void DataChannel::SetBufferedAmountLowThreshold(size_t bytes) {
  impl_->low_threshold = bytes;
  auto pc = impl_->pc.lock();
  if (!pc || pc->closed) return;
  pc->loop.Invoke([&] {
    net::CoreScope scope(pc.get());
    if (!pc->closed) pc->pc->SetBufferedAmountLowThreshold(impl_->id, bytes);
  });
}

void DataChannel::Close() {
  auto pc = impl_->pc.lock();
  if (!pc || pc->closed) return;
  pc->loop.Invoke([&] {
    if (pc->closed || impl_->state == DataChannelState::kClosed) return;
    if (impl_->state != DataChannelState::kClosing) {
      net::CoreScope scope(pc.get());
      (void)pc->pc->CloseChannel(pc->Now(), impl_->id);
      if (impl_->state != DataChannelState::kClosed) impl_->state = DataChannelState::kClosing;
    }
    pc->Drain();
  });
}

namespace {
// Sets a channel callback on the loop thread, unless the channel is closed (callbacks are
// dropped then, and must stay dropped).
template <class Slot, class Fn>
bool SetChannelCallback(DataChannel::Impl& ch, Slot& slot, Fn&& fn) {
  auto pc = ch.pc.lock();
  if (!pc || pc->closed) return false;
  return pc->loop.Invoke([&] {
    if (ch.state == DataChannelState::kClosed) return false;
    slot.Set(std::forward<Fn>(fn));
    return true;
  });
}
}  // namespace

void DataChannel::OnOpen(std::function<void()> callback) {
  auto pc = impl_->pc.lock();
  if (!pc || pc->closed) return;
  pc->loop.Invoke([&] {
    if (impl_->state == DataChannelState::kClosed) return;
    impl_->on_open.Set(std::move(callback));
    if (impl_->state == DataChannelState::kOpen) impl_->on_open.Call();  // already open
  });
}
void DataChannel::OnMessage(std::function<void(std::span<const uint8_t>, bool)> callback) {
  SetChannelCallback(*impl_, impl_->on_message, std::move(callback));
}
void DataChannel::OnClose(std::function<void()> callback) {
  SetChannelCallback(*impl_, impl_->on_close, std::move(callback));
}
void DataChannel::OnBufferedAmountLow(std::function<void()> callback) {
  SetChannelCallback(*impl_, impl_->on_buffered_amount_low, std::move(callback));
}
void DataChannel::OnError(std::function<void(Error)> callback) {
  SetChannelCallback(*impl_, impl_->on_error, std::move(callback));
}

}  // namespace sluice
