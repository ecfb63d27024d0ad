// DataChannels on the core: RTCDataChannel semantics (W3C) over sctp::SctpTransport (RFC 8831,
// DCEP RFC 8832), which runs over the DTLS association once it is connected (RFC 8261).
//
// Channels are named by ChannelId because the SCTP stream id of an in-band channel depends on
// the DTLS role (RFC 8832 §6: "The DTLS client MUST use streams with even stream identifiers,
// the DTLS server MUST use streams with odd stream identifiers"), known only after negotiation.
// SCTP events are pulled lazily from PollEvent, so a message's bytes are handed over straight
// from the transport (valid until the next PollEvent) without a copy.
#include <algorithm>

#include "pc/core_impl.h"

namespace sluice::pc {

ChannelState* PeerConnectionCore::Impl::FindChannel(ChannelId id) {
  if (id == 0 || id > channels.size()) return nullptr;
  return &channels[id - 1];
}

const ChannelState* PeerConnectionCore::Impl::FindChannel(ChannelId id) const {
  if (id == 0 || id > channels.size()) return nullptr;
  return &channels[id - 1];
}

namespace {
constexpr uint16_t kDataChannelStreams = 1024;
}  // namespace

void PeerConnectionCore::Impl::StartSctp(Instant now) {
  if (sctp || !dtls_role) return;
  sctp::SctpConfig c;
  c.local_port = config.sctp_port;
  c.remote_port = remote_sctp_port;
  c.local_max_message_size = config.max_message_size;
  c.remote_max_message_size = remote_max_message_size;
  c.send_buffer_cap = config.data_channel_send_buffer_cap;
  // usrsctp allocates and walks per-stream state for every offered stream several times while
  // an association comes up (INIT, INIT-ACK, COOKIE-ECHO on both sides of the INIT collision):
  // 2,048 streams cost ~230 us of CPU per connect pair in memory, 1,024 ~170 us. 1,024 is what
  // Chromium offers, so it is what a browser peer negotiates anyway (min of both): ids 0..1023,
  // 512 channels of each side's parity.
  c.max_streams = kDataChannelStreams;
  auto created = sctp::SctpTransport::Create(c, *dtls_role == dtls::DtlsRole::kClient);
  if (!created) {
    EmitError(created.error());
    return;
  }
  sctp = std::move(*created);
  if (auto r = sctp->Start(now); !r) {
    EmitError(r.error());
    return;
  }
  OpenPendingChannels(now);
}

void PeerConnectionCore::Impl::OpenPendingChannels(Instant now) {
  if (!sctp) return;
  for (auto& c : channels) {
    if (c.opened_in_sctp || c.info.state != DataChannelState::kConnecting) continue;
    sctp::ChannelOptions o;
    o.label = c.info.label;
    o.protocol = c.info.protocol;
    o.ordered = c.info.ordered;
    o.max_retransmits = c.info.max_retransmits;
    o.max_packet_life_time_ms = c.info.max_packet_life_time;
    if (c.info.negotiated) o.negotiated_id = c.info.stream_id;
    auto sid = sctp->OpenChannel(now, o);
    c.opened_in_sctp = true;
    if (!sid) {
      c.info.state = DataChannelState::kClosed;
      EmitError(sid.error());
      Event e;
      e.type = EventType::kChannelClosed;
      e.channel = c.info.id;
      Emit(std::move(e));
      continue;
    }
    c.info.stream_id = *sid;
    stream_to_channel[*sid] = c.info.id;
    if (c.low_threshold) sctp->SetBufferedAmountLowThreshold(*sid, c.low_threshold);
  }
}

std::optional<Event> PeerConnectionCore::Impl::PollSctpEvent() {
  while (auto e = sctp->PollEvent()) {
    auto it = stream_to_channel.find(e->stream_id);
    ChannelState* c = it == stream_to_channel.end() ? nullptr : FindChannel(it->second);
    Event out;
    switch (e->type) {
      case sctp::SctpEventType::kConnected:
        sctp_connected = true;
        continue;
      case sctp::SctpEventType::kChannelOpen: {
        if (c) {
          if (c->info.state != DataChannelState::kConnecting) continue;
          c->info.state = DataChannelState::kOpen;
          ++data_channels_opened;
          out.type = EventType::kChannelOpen;
          out.channel = c->info.id;
          return out;
        }
        // The peer's DATA_CHANNEL_OPEN (RFC 8832 §6).
        const sctp::ChannelInfo* info = sctp->channel(e->stream_id);
        if (!info) continue;
        ChannelState fresh;
        fresh.info.id = static_cast<ChannelId>(channels.size() + 1);
        fresh.info.label = info->options.label;
        fresh.info.protocol = info->options.protocol;
        fresh.info.ordered = info->options.ordered;
        fresh.info.max_retransmits = info->options.max_retransmits;
        fresh.info.max_packet_life_time = info->options.max_packet_life_time_ms;
        fresh.info.negotiated = info->options.negotiated_id.has_value();
        fresh.info.stream_id = e->stream_id;
        fresh.info.state = DataChannelState::kOpen;
        fresh.opened_in_sctp = true;
        channels.push_back(std::move(fresh));
        stream_to_channel[e->stream_id] = channels.back().info.id;
        ++data_channels_opened;
        out.type = EventType::kDataChannel;
        out.channel = channels.back().info.id;
        return out;
      }
      case sctp::SctpEventType::kMessage:
        if (!c || c->info.state == DataChannelState::kClosed) continue;
        ++c->info.messages_received;
        c->info.bytes_received += e->data.size();
        out.type = EventType::kChannelMessage;
        out.channel = c->info.id;
        out.is_binary = e->message_type == sctp::MessageType::kBinary;
        out.data = e->data;
        return out;
      case sctp::SctpEventType::kBufferedAmountLow:
        if (!c) continue;
        out.type = EventType::kChannelBufferedAmountLow;
        out.channel = c->info.id;
        return out;
      case sctp::SctpEventType::kChannelClosed:
        if (!c || c->info.state == DataChannelState::kClosed) continue;
        c->info.state = DataChannelState::kClosed;
        ++data_channels_closed;
        stream_to_channel.erase(e->stream_id);
        out.type = EventType::kChannelClosed;
        out.channel = c->info.id;
        return out;
      case sctp::SctpEventType::kClosed:
        sctp_connected = false;
        for (auto& ch : channels) {
          if (ch.info.state == DataChannelState::kClosed) continue;
          ch.info.state = DataChannelState::kClosed;
          ++data_channels_closed;
          Event closed_event;
          closed_event.type = EventType::kChannelClosed;
          closed_event.channel = ch.info.id;
          Emit(std::move(closed_event));
        }
        stream_to_channel.clear();
        if (!closed) EmitError(e->error);
        return std::nullopt;  // the queued events follow
    }
  }
  return std::nullopt;
}

Result<ChannelId> PeerConnectionCore::Impl::CreateDataChannel(Instant now, std::string_view label,
                                                              const DataChannelInit& init) {
  last_now = std::max(last_now, now);
  if (closed) return MakeError(ErrorCode::kInvalidState, "closed");
  // RFC 8831 §6.1 / W3C createDataChannel: partial reliability is one of the two, not both.
  if (init.max_retransmits && init.max_packet_life_time) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "set max_retransmits or max_packet_life_time, not both");
  }
  if (init.negotiated && !init.id) {
    return MakeError(ErrorCode::kInvalidArgument, "a negotiated channel needs an id");
  }
  if (init.id && *init.id > 65534) {
    return MakeError(ErrorCode::kInvalidArgument, "channel id must be 0..65534");
  }
  // RFC 8832 §5.1: Label Length and Protocol Length are 16-bit fields.
  if (label.size() > 65535 || init.protocol.size() > 65535) {
    return MakeError(ErrorCode::kInvalidArgument, "label and protocol must be under 64 KiB");
  }
  if (init.negotiated) {
    for (const auto& c : channels) {
      if (c.info.stream_id == init.id && c.info.state != DataChannelState::kClosed) {
        return MakeError(ErrorCode::kInvalidArgument, "a channel with this id exists");
      }
    }
  }
  ChannelState c;
  c.info.id = static_cast<ChannelId>(channels.size() + 1);
  c.info.label = std::string(label);
  c.info.protocol = init.protocol;
  c.info.ordered = init.ordered;
  c.info.max_retransmits = init.max_retransmits;
  c.info.max_packet_life_time = init.max_packet_life_time;
  c.info.negotiated = init.negotiated;
  if (init.negotiated) c.info.stream_id = init.id;
  channels.push_back(std::move(c));
  want_data = true;
  if (sctp) OpenPendingChannels(now);
  return channels.back().info.id;
}

Result<void> PeerConnectionCore::Impl::SendChannelMessage(Instant now, ChannelId id,
                                                          std::span<const uint8_t> data,
                                                          bool is_binary) {
  last_now = std::max(last_now, now);
  ChannelState* c = FindChannel(id);
  if (!c) return MakeError(ErrorCode::kNotFound, "no such data channel");
  if (c->info.state != DataChannelState::kOpen || !sctp || !c->info.stream_id) {
    return MakeError(ErrorCode::kInvalidState, "data channel is not open");
  }
  if (data.size() > remote_max_message_size) {
    return MakeError(ErrorCode::kInvalidArgument, "message larger than the peer's max-message-size");
  }
  auto r = sctp->Send(now, *c->info.stream_id,
                      is_binary ? sctp::MessageType::kBinary : sctp::MessageType::kString, data);
  if (!r) return r;
  ++c->info.messages_sent;
  c->info.bytes_sent += data.size();
  return Ok();
}

Result<void> PeerConnectionCore::Impl::CloseChannel(Instant now, ChannelId id) {
  last_now = std::max(last_now, now);
  ChannelState* c = FindChannel(id);
  if (!c) return MakeError(ErrorCode::kNotFound, "no such data channel");
  if (c->info.state == DataChannelState::kClosed || c->info.state == DataChannelState::kClosing) {
    return Ok();
  }
  if (sctp && c->info.stream_id && c->opened_in_sctp) {
    c->info.state = DataChannelState::kClosing;
    return sctp->CloseChannel(now, *c->info.stream_id);
  }
  c->info.state = DataChannelState::kClosed;
  ++data_channels_closed;
  Event e;
  e.type = EventType::kChannelClosed;
  e.channel = id;
  Emit(std::move(e));
  return Ok();
}

}  // namespace sluice::pc
