// The transport half of the core: RFC 7983 demultiplexing, the ICE -> DTLS -> (SRTP, SCTP)
// start-up chain, the state machines the W3C API reports, and the poll verbs that drain every
// engine in one fixed order (str0m's poll_output): ICE, DTLS (with SCTP packets pulled into DTLS
// records one at a time so DTLS's transmit ring never overflows), then SRTP media.
#include <algorithm>

#include "common/demux.h"
#include "pc/core_impl.h"

namespace sluice::pc {
namespace {

IceConnectionState FromIce(ice::ConnectionState s) {
  switch (s) {
    case ice::ConnectionState::kNew: return IceConnectionState::kNew;
    case ice::ConnectionState::kChecking: return IceConnectionState::kChecking;
    case ice::ConnectionState::kConnected: return IceConnectionState::kConnected;
    case ice::ConnectionState::kCompleted: return IceConnectionState::kCompleted;
    case ice::ConnectionState::kDisconnected: return IceConnectionState::kDisconnected;
    case ice::ConnectionState::kFailed: return IceConnectionState::kFailed;
  }
  return IceConnectionState::kFailed;
}

bool IceUp(IceConnectionState s) {
  return s == IceConnectionState::kConnected || s == IceConnectionState::kCompleted;
}

// "stun:192.0.2.1:3478", "stun:[2001:db8::1]:3478", "stun:192.0.2.1" (RFC 7064); host names
// need a resolver, which the sans-IO core does not have: they are skipped.
std::optional<StunAddress> ParseStunUrl(std::string_view url) {
  if (url.rfind("stun:", 0) != 0) return std::nullopt;
  url.remove_prefix(5);
  uint16_t port = 3478;
  std::string_view host = url;
  if (!url.empty() && url[0] == '[') {
    const size_t close = url.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = url.substr(1, close - 1);
    if (close + 1 < url.size() && url[close + 1] == ':') {
      port = static_cast<uint16_t>(std::atoi(std::string(url.substr(close + 2)).c_str()));
    }
  } else if (const size_t colon = url.rfind(':');
             colon != std::string_view::npos && url.find(':') == colon) {
    host = url.substr(0, colon);
    port = static_cast<uint16_t>(std::atoi(std::string(url.substr(colon + 1)).c_str()));
  }
  return ice::ParseIp(host, port);
}

}  // namespace

void PeerConnectionCore::Impl::Emit(Event e) {
  QueuedEvent q;
  q.event = std::move(e);
  events.push_back(std::move(q));
}

void PeerConnectionCore::Impl::EmitError(Error error) {
  Event e;
  e.type = EventType::kError;
  e.error = error;
  Emit(std::move(e));
}

void PeerConnectionCore::Impl::EnsureIceAgent(Instant now) {
  if (!ice) {
    ice::AgentConfig c;
    c.lite = config.ice_lite;
    // RFC 8445 §6.1.1: the offerer is controlling (unless it is lite, or the peer is).
    c.role = offerer.value_or(true) && !config.ice_lite ? ice::Role::kControlling
                                                        : ice::Role::kControlled;
    c.local_ufrag = ice_ufrag;
    c.local_pwd = ice_pwd;
    c.seed = random.NextU64() | 1;
    for (const auto& server : config.ice_servers) {
      for (const auto& url : server.urls) {
        if (!c.stun_server) c.stun_server = ParseStunUrl(url);
      }
    }
    ice = std::make_unique<ice::Agent>(c);
    gathering_state = IceGatheringState::kGathering;
    Event g;
    g.type = EventType::kIceGatheringStateChange;
    g.gathering_state = gathering_state;
    Emit(std::move(g));
    for (const auto& a : host_addresses) (void)ice->AddHostCandidate(a);
    if (host_addresses.empty()) {
      EmitError(MakeError(ErrorCode::kInvalidState, "no host candidate: add a socket address first"));
    }
    ice->Start(now);
  }
  if (!remote_ufrag.empty()) {
    if (auto r = ice->SetRemoteCredentials(remote_ufrag, remote_pwd); !r) EmitError(r.error());
    ice->SetRemoteLite(remote_lite);
    for (const auto& c : pending_remote_candidates) (void)ice->AddRemoteCandidate(c);
    pending_remote_candidates.clear();
    if (pending_remote_end_of_candidates) ice->SetRemoteEndOfCandidates();
  }
}

void PeerConnectionCore::Impl::Pump(Instant now) {
  for (int round = 0; round < 64; ++round) {
    bool progress = false;
    if (ice) {
      while (auto e = ice->PollEvent()) {
        OnIceEvent(now, *e);
        progress = true;
      }
    }
    while (auto e = dtls.PollEvent()) {
      OnDtlsEvent(now, *e);
      progress = true;
    }
    if (!progress) break;
  }
}

void PeerConnectionCore::Impl::OnIceEvent(Instant now, const ice::Event& e) {
  switch (e.type) {
    case ice::EventType::kStateChanged: {
      const IceConnectionState s = FromIce(e.state);
      if (s != ice_state && !closed) {
        ice_state = s;
        Event out;
        out.type = EventType::kIceConnectionStateChange;
        out.ice_connection_state = s;
        Emit(std::move(out));
        if (s == IceConnectionState::kFailed) {
          EmitError(MakeError(ErrorCode::kInvalidState, e.reason[0] ? e.reason : "ICE failed"));
        }
      }
      if (IceUp(s)) MaybeStartDtls(now);
      UpdateConnectionState();
      return;
    }
    case ice::EventType::kSelectedPairChanged:
      if (e.pair) selected = *e.pair;
      return;
    case ice::EventType::kLocalCandidate: {
      if (!e.candidate) return;
      sdp::Candidate c = ToSdpCandidate(*e.candidate);
      local_candidates.push_back(c);
      Event out;
      out.type = EventType::kLocalCandidate;
      out.candidate.candidate = c.ToString();
      if (local_sdp) {
        for (size_t i = 0; i < local_sdp->media.size(); ++i) {
          if (local_sdp->media[i].rejected()) continue;
          out.candidate.sdp_mid = local_sdp->media[i].mid.value_or("");
          out.candidate.sdp_mline_index = static_cast<uint16_t>(i);
          break;
        }
      }
      Emit(std::move(out));
      return;
    }
    case ice::EventType::kGatheringComplete: {
      gathering_state = IceGatheringState::kComplete;
      Event out;
      out.type = EventType::kIceGatheringStateChange;
      out.gathering_state = gathering_state;
      Emit(std::move(out));
      return;
    }
    case ice::EventType::kRoleChanged:
      return;
    case ice::EventType::kFirstValidPair:
      if (e.pair && !selected) {
        first_valid = *e.pair;
        MaybeStartDtls(now);
      }
      return;
  }
}

void PeerConnectionCore::Impl::MaybeStartDtls(Instant now) {
  if (dtls_started || closed || !dtls_role || remote_fingerprint.empty()) return;
  // RFC 8842 §5: the DTLS server waits passively from the moment roles are known, so a
  // ClientHello racing ahead of our own ICE "connected" is taken (early records are held by
  // the engine); the client sends its ClientHello once ICE has a pair to send it on: the
  // selected pair, or (RFC 8445 §12.1) the first valid one, which for the controlled agent comes
  // one round trip before the controlling agent's nomination does.
  if (*dtls_role == dtls::DtlsRole::kClient && !IceUp(ice_state) && !first_valid) return;
  dtls_started = true;
  if (auto r = dtls.Start(now, *dtls_role, remote_fingerprint); !r) {
    dtls_failed = true;
    EmitError(r.error());
  }
  UpdateConnectionState();
}

void PeerConnectionCore::Impl::OnDtlsEvent(Instant now, const dtls::DtlsEvent& e) {
  switch (e.type) {
    case dtls::DtlsEventType::kConnected:
      dtls_connected = true;
      if (e.srtp.profile != dtls::SrtpProfile::kNone) {
        // SRTP sessions (key derivation, cipher contexts, stream tables: ~50 us) only once
        // there is media; a data-only connection derives them if a renegotiation adds tracks.
        srtp_cipher = dtls::SrtpProfileName(e.srtp.profile);
        if (tracks.empty()) {
          srtp_deferred = true;
        } else {
          OnSrtpReady(e);
        }
      }
      if (!have_started_at) {
        started_at = now;
        have_started_at = true;
      }
      next_report_at = now + kReportInterval;
      if (want_data && !data_rejected && signaling_state == SignalingState::kStable && !sctp) {
        StartSctp(now);
      }
      UpdateConnectionState();
      return;
    case dtls::DtlsEventType::kApplicationData:
      if (sctp) sctp->HandleReceive(now, e.data);
      return;
    case dtls::DtlsEventType::kClosed:
      // The peer sent close_notify: the connection is over (RFC 5246 §7.2.1).
      dtls_connected = false;
      dtls_failed = true;
      EmitError(MakeError(ErrorCode::kInvalidState, "the peer closed the DTLS connection"));
      UpdateConnectionState();
      return;
    case dtls::DtlsEventType::kFailed:
      dtls_failed = true;
      EmitError(e.error);
      UpdateConnectionState();
      return;
  }
}

void PeerConnectionCore::Impl::UpdateConnectionState() {
  PeerConnectionState s;
  if (closed) {
    s = PeerConnectionState::kClosed;
  } else if (dtls_failed || ice_state == IceConnectionState::kFailed) {
    s = PeerConnectionState::kFailed;
  } else if (ice_state == IceConnectionState::kDisconnected) {
    s = PeerConnectionState::kDisconnected;
  } else if (dtls_connected && IceUp(ice_state)) {
    s = PeerConnectionState::kConnected;
  } else if (ice_state == IceConnectionState::kNew && !dtls_started) {
    s = PeerConnectionState::kNew;
  } else {
    s = PeerConnectionState::kConnecting;
  }
  if (s == pc_state) return;
  pc_state = s;
  Event e;
  e.type = EventType::kConnectionStateChange;
  e.connection_state = s;
  Emit(std::move(e));
}

void PeerConnectionCore::Impl::HandleReceive(Instant now, const StunAddress& local,
                                             const StunAddress& remote,
                                             std::span<const uint8_t> datagram) {
  if (closed) return;
  last_now = std::max(last_now, now);
  ++packets_received;
  bytes_received += datagram.size();
  switch (ClassifyPacket(datagram)) {
    case PacketKind::kStun:
      if (ice) {
        ice->HandleReceive(now, local, remote, datagram);
      } else {
        ++packets_dropped;
      }
      break;
    case PacketKind::kDtls:
      dtls_peer = std::make_pair(local, remote);
      dtls.HandleReceive(now, datagram);
      break;
    case PacketKind::kRtp:
      HandleRtp(now, datagram);
      break;
    case PacketKind::kRtcp:
      HandleRtcp(now, datagram);
      break;
    default:
      ++packets_dropped;
      break;
  }
  Pump(now);
}

void PeerConnectionCore::Impl::HandleTimeout(Instant now) {
  if (closed) return;
  last_now = std::max(last_now, now);
  if (ice) {
    if (auto t = ice->PollTimeout(); t && *t <= now) ice->HandleTimeout(now);
  }
  if (auto t = dtls.PollTimeout(); t && *t <= now) dtls.HandleTimeout(now);
  if (sctp) {
    if (auto t = sctp->PollTimeout(); t && *t <= now) sctp->HandleTimeout(now);
  }
  if (next_report_at && *next_report_at <= now) {
    SendReports(now);
    next_report_at = now + kReportInterval;
  }
  Pump(now);
}

bool PeerConnectionCore::Impl::PeerAddress(StunAddress& local, StunAddress& remote) const {
  if (selected) {
    local = selected->local_base;
    remote = selected->remote.address;
    return true;
  }
  if (dtls_peer) {
    local = dtls_peer->first;
    remote = dtls_peer->second;
    return true;
  }
  if (first_valid) {  // RFC 8445 §12.1: until a pair is selected, any valid pair may carry data
    local = first_valid->local_base;
    remote = first_valid->remote.address;
    return true;
  }
  return false;
}

std::optional<Transmit> PeerConnectionCore::Impl::PollTransmit() {
  current_tx.Release();
  if (ice) {
    if (auto t = ice->PollTransmit()) {
      ++packets_sent;
      bytes_sent += t->data.size();
      return Transmit{t->local, t->remote, t->data};
    }
  }
  for (int guard = 0; guard < 1024; ++guard) {
    if (auto d = dtls.PollTransmit()) {
      StunAddress local, remote;
      if (!PeerAddress(local, remote)) {
        ++packets_dropped;
        continue;
      }
      ++packets_sent;
      bytes_sent += d->size();
      return Transmit{local, remote, *d};
    }
    // One SCTP packet at a time into one DTLS record, so DTLS's ring never overflows.
    if (sctp && dtls_connected) {
      if (auto p = sctp->PollTransmit()) {
        if (auto r = dtls.Send(*p); !r) ++packets_dropped;  // SCTP retransmits it
        continue;
      }
    }
    break;
  }
  while (!media_out.empty()) {
    StunAddress local, remote;
    if (!PeerAddress(local, remote)) {
      packets_dropped += media_out.size();
      media_out.clear();
      return std::nullopt;
    }
    current_tx = std::move(media_out.front());
    media_out.pop_front();
    ++packets_sent;
    bytes_sent += current_tx.size();
    return Transmit{local, remote, current_tx.data()};
  }
  return std::nullopt;
}

std::optional<Event> PeerConnectionCore::Impl::PollEvent() {
  current_event.buffer.Release();
  current_event.seqs.clear();
  for (int guard = 0; guard < 1 << 16; ++guard) {
    if (!events.empty()) {
      current_event = std::move(events.front());
      events.pop_front();
      return current_event.event;
    }
    if (!sctp) return std::nullopt;
    if (auto e = PollSctpEvent()) return e;
    if (events.empty()) return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Instant> PeerConnectionCore::Impl::PollTimeout() const {
  if (closed) return std::nullopt;
  std::optional<Instant> t;
  if (ice) t = Soonest(t, ice->PollTimeout());
  t = Soonest(t, dtls.PollTimeout());
  if (sctp) t = Soonest(t, sctp->PollTimeout());
  t = Soonest(t, next_report_at);
  if (t && *t < last_now) t = last_now;  // time never goes backwards
  return t;
}

void PeerConnectionCore::Impl::Close(Instant now) {
  if (closed) return;
  last_now = std::max(last_now, now);
  for (auto& c : channels) {
    if (c.info.state == DataChannelState::kClosed) continue;
    c.info.state = DataChannelState::kClosed;
    ++data_channels_closed;
    Event e;
    e.type = EventType::kChannelClosed;
    e.channel = c.info.id;
    Emit(std::move(e));
  }
  for (auto& t : tracks) {
    Event e;
    e.type = EventType::kTrackClosed;
    e.track = t.info.id;
    t.info.open = false;
    Emit(std::move(e));
  }
  if (sctp) {
    sctp->Close(now);
    while (auto p = sctp->PollTransmit()) {
      if (dtls_connected) (void)dtls.Send(*p);
    }
  }
  dtls.Close();  // close_notify stays queued for PollTransmit
  media_out.clear();
  closed = true;
  if (ice_state != IceConnectionState::kClosed) {
    ice_state = IceConnectionState::kClosed;
    Event e;
    e.type = EventType::kIceConnectionStateChange;
    e.ice_connection_state = ice_state;
    Emit(std::move(e));
  }
  SetSignalingState(SignalingState::kClosed);
  UpdateConnectionState();
}

}  // namespace sluice::pc
