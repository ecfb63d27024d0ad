// The media half of the core: SRTP keys from the one DTLS-SRTP export (RFC 5764 §4.2, split
// once by dtls::SrtpKeyingMaterial), received RTP routed to its transceiver, RTCP feedback in
// and out (RFC 4585 PLI and Generic NACK, RFC 5104 FIR), sender/receiver reports (RFC 3550
// §6.4) at a modest interval, and the W3C stats snapshot.
#include <algorithm>
#include <array>
#include <cstring>

#include "pc/core_impl.h"
#include "rtcp/fir.h"
#include "rtcp/generic_nack.h"
#include "rtcp/pli.h"
#include "rtcp/receiver_report.h"
#include "rtcp/rtcp_compound.h"
#include "rtcp/sdes.h"
#include "rtcp/sender_report.h"
#include "rtp/rtp_packet_mutable_view.h"

namespace sluice::pc {
namespace {

// RFC 3550 §4: NTP timestamp, 32.32 fixed point seconds (here since the steady clock's epoch:
// the peer only echoes the middle 32 bits back as LSR).
uint64_t NtpTime(Instant now) {
  const auto ns = std::chrono::duration_cast<nanoseconds>(now.time_since_epoch()).count();
  const uint64_t secs = static_cast<uint64_t>(ns / 1'000'000'000);
  const uint64_t frac = (static_cast<uint64_t>(ns % 1'000'000'000) << 32) / 1'000'000'000;
  return (secs << 32) | frac;
}

// Arrival time in RTP timestamp units of `clock_rate` (RFC 3550 A.8), modulo 2^32.
uint32_t ArrivalUnits(Instant now, uint32_t clock_rate) {
  const auto us = std::chrono::duration_cast<microseconds>(now.time_since_epoch()).count();
  return static_cast<uint32_t>(static_cast<uint64_t>(us) * clock_rate / 1'000'000);
}

uint32_t ClockRateFor(const TrackState& t, uint8_t pt) {
  for (const auto& c : t.info.codecs) {
    if (c.payload_type == pt) return c.clock_rate;
  }
  return t.info.kind == MediaKind::kAudio ? 48000 : 90000;
}

bool CanSend(TransceiverDirection d) {
  return d == TransceiverDirection::kSendRecv || d == TransceiverDirection::kSendOnly;
}

std::string MimeType(const TrackState& t) {
  if (t.info.codecs.empty()) return "";
  return std::string(t.info.kind == MediaKind::kAudio ? "audio/" : "video/") + t.info.codecs[0].name;
}

}  // namespace

TrackState* PeerConnectionCore::Impl::FindTrack(TrackId id) {
  if (id == 0 || id > tracks.size()) return nullptr;
  return &tracks[id - 1];
}

const TrackState* PeerConnectionCore::Impl::FindTrack(TrackId id) const {
  if (id == 0 || id > tracks.size()) return nullptr;
  return &tracks[id - 1];
}

TrackState* PeerConnectionCore::Impl::TrackBySendSsrc(uint32_t ssrc) {
  for (auto& t : tracks) {
    if (t.info.ssrc == ssrc) return &t;
  }
  return nullptr;
}

void PeerConnectionCore::Impl::OnSrtpReady(const dtls::DtlsEvent& e) {
  auto profile = SrtpProfileFromDtlsId(static_cast<uint16_t>(e.srtp.profile));
  if (!profile) {
    EmitError(MakeError(ErrorCode::kUnsupported, "negotiated SRTP profile is not supported"));
    return;
  }
  auto out_keys = SrtpKeys::Create(*profile, e.srtp.local_key(), e.srtp.local_salt());
  auto in_keys = SrtpKeys::Create(*profile, e.srtp.remote_key(), e.srtp.remote_salt());
  if (!out_keys || !in_keys) {
    EmitError(MakeError(ErrorCode::kInternal, "SRTP keys from DTLS have the wrong length"));
    return;
  }
  auto out = SrtpSession::Create(*out_keys, SrtpDirection::kOutbound);
  auto in = SrtpSession::Create(*in_keys, SrtpDirection::kInbound);
  if (!out || !in) {
    EmitError(out ? in.error() : out.error());
    return;
  }
  srtp_out = std::move(*out);
  srtp_in = std::move(*in);
  srtp_cipher = dtls::SrtpProfileName(e.srtp.profile);
  for (auto& t : tracks) {
    if (t.info.rejected || t.info.mid.empty() || t.info.open) continue;
    t.info.open = true;
    Event ev;
    ev.type = EventType::kTrackOpen;
    ev.track = t.info.id;
    Emit(std::move(ev));
  }
}

TrackState* PeerConnectionCore::Impl::RouteRtp(const RtpPacketView& packet) {
  const uint32_t ssrc = packet.ssrc().value();
  // 1. RFC 9143 §15.1: the MID header extension names the m-line.
  if (mid_extension_id) {
    if (auto ext = packet.FindExtension(*mid_extension_id); ext && !ext->empty()) {
      const std::string_view mid(reinterpret_cast<const char*>(ext->data()), ext->size());
      for (auto& t : tracks) {
        if (t.info.mid == mid && !t.info.rejected) {
          if (!t.info.remote_ssrc) t.info.remote_ssrc = ssrc;
          return &t;
        }
      }
    }
  }
  // 2. The SSRC from a=ssrc, or learnt from an earlier packet.
  for (auto& t : tracks) {
    if (t.info.remote_ssrc == ssrc && !t.info.rejected) return &t;
  }
  // 3. A payload type that only one m-line uses.
  TrackState* match = nullptr;
  const uint8_t pt = packet.payload_type().value();
  for (auto& t : tracks) {
    if (t.info.rejected || t.info.mid.empty() || t.info.remote_ssrc) continue;
    for (const auto& c : t.info.codecs) {
      if (c.payload_type != pt) continue;
      if (match) return nullptr;  // ambiguous
      match = &t;
      break;
    }
  }
  if (match) match->info.remote_ssrc = ssrc;
  return match;
}

void PeerConnectionCore::Impl::HandleRtp(Instant now, std::span<const uint8_t> datagram) {
  if (!srtp_in) {
    ++packets_dropped;
    return;
  }
  auto buffer = pool->Acquire();
  if (!buffer || !buffer->Resize(datagram.size())) {
    ++packets_dropped;
    return;
  }
  std::memcpy(buffer->mutable_data().data(), datagram.data(), datagram.size());
  HandleRtp(now, std::move(*buffer));
}

void PeerConnectionCore::Impl::HandleRtp(Instant now, PacketBuffer buffer) {
  if (!srtp_in || !srtp_in->UnprotectRtp(buffer)) {
    ++packets_dropped;
    return;
  }
  auto view = RtpPacketView::Parse(buffer.data());
  if (!view) {
    ++packets_dropped;
    return;
  }
  TrackState* t = RouteRtp(*view);
  if (!t) {
    ++packets_dropped;
    return;
  }
  const uint8_t pt = view->payload_type().value();
  if (std::none_of(t->info.codecs.begin(), t->info.codecs.end(),
                   [pt](const Codec& c) { return c.payload_type == pt; })) {
    ++t->packets_discarded;  // RTX, RED, FEC ... payload types we did not accept
    return;
  }
  t->rx.OnPacket(view->sequence_number().value(), view->timestamp(),
                 ArrivalUnits(now, ClockRateFor(*t, pt)));
  t->bytes_received += view->payload().size();
  t->header_bytes_received += view->header_size();
  t->last_packet_received_ms =
      have_started_at ? std::chrono::duration<double, std::milli>(now - started_at).count() : 0;
  QueuedEvent q;
  q.event.type = EventType::kRtp;
  q.event.track = t->info.id;
  q.event.data = buffer.data();
  q.buffer = std::move(buffer);
  events.push_back(std::move(q));
}

void PeerConnectionCore::Impl::HandleRtcp(Instant now, std::span<const uint8_t> datagram) {
  if (!srtp_in) {
    ++packets_dropped;
    return;
  }
  auto buffer = pool->Acquire();
  if (!buffer || !buffer->Resize(datagram.size())) {
    ++packets_dropped;
    return;
  }
  std::memcpy(buffer->mutable_data().data(), datagram.data(), datagram.size());
  if (!srtp_in->UnprotectRtcp(*buffer)) {
    ++packets_dropped;
    return;
  }
  RtcpCompoundIterator it(buffer->data());
  while (auto packet = it.Next()) {
    switch (packet->kind()) {
      case RtcpPacketKind::kSenderReport: {
        auto sr = SenderReportView::Parse(*packet);
        if (!sr) break;
        for (auto& t : tracks) {
          if (t.info.remote_ssrc != sr->sender_ssrc().value()) continue;
          // RFC 3550 §6.4.1 LSR: "the middle 32 bits out of 64 in the NTP timestamp".
          t.last_sr_compact = static_cast<uint32_t>(sr->ntp_timestamp() >> 16);
          t.last_sr_at = now;
        }
        break;
      }
      case RtcpPacketKind::kPli: {
        auto pli = PliView::Parse(*packet);
        if (!pli) break;
        if (TrackState* t = TrackBySendSsrc(pli->media_ssrc().value())) {
          ++t->plis_received;
          Event e;
          e.type = EventType::kKeyFrameRequest;
          e.track = t->info.id;
          Emit(std::move(e));
        }
        break;
      }
      case RtcpPacketKind::kFir: {
        auto fir = FirView::Parse(*packet);
        if (!fir) break;
        for (size_t i = 0; i < fir->entry_count(); ++i) {
          if (TrackState* t = TrackBySendSsrc(fir->entry(i).ssrc.value())) {
            ++t->firs_received;
            Event e;
            e.type = EventType::kKeyFrameRequest;
            e.track = t->info.id;
            Emit(std::move(e));
          }
        }
        break;
      }
      case RtcpPacketKind::kGenericNack: {
        auto nack = GenericNackView::Parse(*packet);
        if (!nack) break;
        TrackState* t = TrackBySendSsrc(nack->media_ssrc().value());
        if (!t) break;
        ++t->nacks_received;
        QueuedEvent q;
        q.event.type = EventType::kNack;
        q.event.track = t->info.id;
        nack->ForEachLost([&q](uint16_t seq) { q.seqs.push_back(seq); });
        q.event.sequence_numbers = q.seqs;
        events.push_back(std::move(q));
        break;
      }
      default:
        break;  // RR, SDES, BYE, REMB, TWCC ...: nothing to act on
    }
  }
}

Result<void> PeerConnectionCore::Impl::SendRtp(Instant now, TrackId id,
                                               std::span<const uint8_t> packet) {
  last_now = std::max(last_now, now);
  TrackState* t = FindTrack(id);
  if (!t) return MakeError(ErrorCode::kNotFound, "no such track");
  if (closed) return MakeError(ErrorCode::kInvalidState, "closed");
  if (!t->has_sender) return MakeError(ErrorCode::kInvalidState, "track has no sender: AddTrack it");
  if (!srtp_out || !t->info.open || t->info.rejected) {
    return MakeError(ErrorCode::kInvalidState, "track is not open (not connected or rejected)");
  }
  if (!CanSend(t->info.direction)) {
    return MakeError(ErrorCode::kInvalidState, "negotiated direction does not let us send");
  }
  auto view = RtpPacketView::Parse(packet);
  if (!view) return view.error();
  auto buffer = pool->Acquire();
  if (!buffer) return buffer.error();
  if (!buffer->Resize(packet.size()) || buffer->tailroom() < srtp_out->rtp_overhead()) {
    return MakeError(ErrorCode::kInvalidArgument, "RTP packet larger than a packet buffer");
  }
  std::memcpy(buffer->mutable_data().data(), packet.data(), packet.size());
  auto mutable_view = RtpPacketMutableView::Parse(buffer->mutable_data());
  if (!mutable_view) return mutable_view.error();
  mutable_view->SetSsrc(Ssrc(t->info.ssrc));
  if (auto r = srtp_out->ProtectRtp(*buffer); !r) return r;
  ++t->packets_sent;
  t->bytes_sent += view->payload().size();
  t->header_bytes_sent += view->header_size();
  t->last_rtp_timestamp = view->timestamp();
  media_out.push_back(std::move(*buffer));
  return Ok();
}

Result<void> PeerConnectionCore::Impl::SendRtcp(std::span<const uint8_t> compound) {
  if (!srtp_out) return MakeError(ErrorCode::kInvalidState, "not connected");
  auto buffer = pool->Acquire();
  if (!buffer) return buffer.error();
  if (!buffer->Resize(compound.size()) || buffer->tailroom() < srtp_out->rtcp_overhead()) {
    return MakeError(ErrorCode::kInvalidArgument, "RTCP packet larger than a packet buffer");
  }
  std::memcpy(buffer->mutable_data().data(), compound.data(), compound.size());
  if (auto r = srtp_out->ProtectRtcp(*buffer); !r) return r;
  media_out.push_back(std::move(*buffer));
  return Ok();
}

Result<void> PeerConnectionCore::Impl::SendFeedback(Instant now, TrackId id, int kind,
                                                    std::span<const uint16_t> seqs) {
  last_now = std::max(last_now, now);
  TrackState* t = FindTrack(id);
  if (!t) return MakeError(ErrorCode::kNotFound, "no such track");
  if (closed) return MakeError(ErrorCode::kInvalidState, "closed");
  if (!srtp_out || !t->info.open) return MakeError(ErrorCode::kInvalidState, "track is not open");
  if (!t->info.remote_ssrc) {
    return MakeError(ErrorCode::kInvalidState, "the peer's SSRC is not known yet");
  }
  // RFC 3550 §6.1: a compound packet starts with a report: an empty RR, then the feedback.
  std::array<uint8_t, 1200> scratch{};
  ReceiverReport rr;
  rr.sender_ssrc = Ssrc(t->info.ssrc);
  auto n = rr.SerializeTo(scratch);
  if (!n) return n.error();
  size_t used = *n;
  Result<size_t> m = size_t{0};
  if (kind == 0) {
    Pli pli{Ssrc(t->info.ssrc), Ssrc(*t->info.remote_ssrc)};
    m = pli.SerializeTo(std::span(scratch).subspan(used));
    if (m) ++t->plis_sent;
  } else {
    GenericNack nack{Ssrc(t->info.ssrc), Ssrc(*t->info.remote_ssrc), seqs};
    m = nack.SerializeTo(std::span(scratch).subspan(used));
    if (m) ++t->nacks_sent;
  }
  if (!m) return m.error();
  used += *m;
  return SendRtcp(std::span(scratch).first(used));
}

void PeerConnectionCore::Impl::SendReports(Instant now) {
  if (!srtp_out) return;
  for (auto& t : tracks) {
    if (!t.info.open || t.info.rejected) continue;
    const bool sent = t.has_sender && t.packets_sent > 0;
    const bool received = t.rx.active() && t.info.remote_ssrc;
    if (!sent && !received) continue;
    ReportBlockList blocks;
    if (received) {
      ReportBlock b;
      b.source_ssrc = Ssrc(*t.info.remote_ssrc);
      t.rx.FillReportBlock(b);
      if (t.last_sr_at) {
        b.last_sr = t.last_sr_compact;
        // RFC 3550 §6.4.1 DLSR: "expressed in units of 1/65536 seconds".
        const auto us = std::chrono::duration_cast<microseconds>(now - *t.last_sr_at).count();
        b.delay_since_last_sr = static_cast<uint32_t>(static_cast<uint64_t>(us) * 65536 / 1'000'000);
      }
      blocks.push_back(b);
    }
    std::array<uint8_t, 512> scratch{};
    size_t used = 0;
    if (sent) {
      SenderReport sr;
      sr.sender_ssrc = Ssrc(t.info.ssrc);
      sr.ntp_timestamp = NtpTime(now);
      sr.rtp_timestamp = t.last_rtp_timestamp;
      sr.packet_count = static_cast<uint32_t>(t.packets_sent);
      sr.octet_count = static_cast<uint32_t>(t.bytes_sent);
      sr.report_blocks = blocks;
      auto n = sr.SerializeTo(scratch);
      if (!n) continue;
      used = *n;
    } else {
      ReceiverReport rr;
      rr.sender_ssrc = Ssrc(t.info.ssrc);
      rr.report_blocks = blocks;
      auto n = rr.SerializeTo(scratch);
      if (!n) continue;
      used = *n;
    }
    // RFC 3550 §6.1: "Each individual RTCP packet ... MUST contain an SDES CNAME item".
    Sdes sdes;
    SdesChunk chunk;
    chunk.ssrc = Ssrc(t.info.ssrc);
    chunk.items.push_back(SdesItem{SdesItemType::kCname, cname});
    sdes.chunks.push_back(chunk);
    auto n = sdes.SerializeTo(std::span(scratch).subspan(used));
    if (!n) continue;
    used += *n;
    (void)SendRtcp(std::span(scratch).first(used));
  }
}

StatsReport PeerConnectionCore::Impl::GetStats(Instant now) const {
  StatsReport r;
  r.timestamp = have_started_at ? std::chrono::duration<double, std::milli>(now - started_at).count() : 0;
  r.data_channels_opened = data_channels_opened;
  r.data_channels_closed = data_channels_closed;
  for (const auto& t : tracks) {
    if (t.rx.active() && t.info.remote_ssrc) {
      InboundRtpStats s;
      s.ssrc = *t.info.remote_ssrc;
      s.id = "IT" + std::to_string(s.ssrc);
      s.kind = t.info.kind;
      s.mid = t.info.mid;
      s.codec = MimeType(t);
      s.packets_received = t.rx.received();
      s.bytes_received = t.bytes_received;
      s.header_bytes_received = t.header_bytes_received;
      s.packets_lost = t.rx.cumulative_lost();
      const uint32_t rate = t.info.codecs.empty() ? 90000 : t.info.codecs[0].clock_rate;
      s.jitter = rate ? static_cast<double>(t.rx.jitter()) / rate : 0;
      s.packets_discarded = t.packets_discarded;
      s.nack_count = t.nacks_sent;
      s.pli_count = t.plis_sent;
      s.fir_count = t.firs_sent;
      s.last_packet_received_timestamp = t.last_packet_received_ms;
      r.inbound_rtp.push_back(std::move(s));
    }
    if (t.has_sender) {
      OutboundRtpStats s;
      s.ssrc = t.info.ssrc;
      s.id = "OT" + std::to_string(s.ssrc);
      s.kind = t.info.kind;
      s.mid = t.info.mid;
      s.codec = MimeType(t);
      s.packets_sent = t.packets_sent;
      s.bytes_sent = t.bytes_sent;
      s.header_bytes_sent = t.header_bytes_sent;
      s.nack_count = t.nacks_received;
      s.pli_count = t.plis_received;
      s.fir_count = t.firs_received;
      r.outbound_rtp.push_back(std::move(s));
    }
  }
  TransportStats ts;
  ts.id = "T01";
  ts.packets_sent = packets_sent;
  ts.packets_received = packets_received;
  ts.bytes_sent = bytes_sent;
  ts.bytes_received = bytes_received;
  if (ice) ts.ice_role = ice::ToString(ice->role());
  ts.ice_state = ToString(ice_state);
  ts.dtls_state = dtls::ToString(dtls.state());
  if (dtls_connected) ts.dtls_cipher = dtls.cipher_suite();
  ts.srtp_cipher = srtp_cipher;
  ts.packets_dropped = packets_dropped + (srtp_in ? srtp_in->stats().auth_failures +
                                                        srtp_in->stats().replays
                                                  : 0);
  if (selected) {
    CandidatePairStats p;
    p.id = "CP" + selected->local.foundation + "_" + selected->remote.foundation;
    p.local_candidate = "udp " + selected->local.address.ToString() + " " +
                        ice::ToString(selected->local.type);
    p.remote_candidate = "udp " + selected->remote.address.ToString() + " " +
                         ice::ToString(selected->remote.type);
    p.state = "succeeded";
    p.nominated = true;
    if (ice) {
      const auto& st = ice->stats();
      p.requests_sent = st.checks_sent + st.consent_checks_sent;
      p.responses_received = st.responses_received;
      p.requests_received = st.requests_received;
      p.responses_sent = st.responses_sent;
      p.current_round_trip_time = std::chrono::duration<double>(st.selected_pair_rtt).count();
      p.total_round_trip_time = p.current_round_trip_time;
    }
    ts.selected_candidate_pair_id = p.id;
    r.candidate_pair.push_back(std::move(p));
  }
  r.transport.push_back(std::move(ts));
  for (const auto& c : channels) {
    DataChannelStats s;
    s.id = "D" + std::to_string(c.info.id);
    s.label = c.info.label;
    s.protocol = c.info.protocol;
    s.data_channel_identifier = c.info.stream_id.value_or(0);
    s.state = c.info.state;
    s.messages_sent = c.info.messages_sent;
    s.bytes_sent = c.info.bytes_sent;
    s.messages_received = c.info.messages_received;
    s.bytes_received = c.info.bytes_received;
    r.data_channel.push_back(std::move(s));
  }
  return r;
}

}  // namespace sluice::pc
