// JSEP (RFC 8829): building offers and answers, applying local and remote descriptions.
//
// One BUNDLE group, max-bundle (RFC 8829 §4.1.1, RFC 9143): every m-line shares the transport
// of the first one; rtcp-mux (RFC 5761) always. Offers carry a=setup:actpass; answers
// a=setup:active (RFC 8842 §5.2: "the answerer MUST ... 'active' or 'passive'"; we take the
// DTLS client role as browsers do), or passive if the offerer insisted on active.
#include <algorithm>

#include "pc/core_impl.h"
#include "sdp/jsep_checks.h"

namespace sluice::pc {
namespace {

bool IsMediaKind(const sdp::MediaSection& m, MediaKind* kind) {
  if (!m.is_rtp()) return false;
  if (m.media() == "audio") {
    *kind = MediaKind::kAudio;
    return true;
  }
  if (m.media() == "video") {
    *kind = MediaKind::kVideo;
    return true;
  }
  return false;
}

bool IsDataSection(const sdp::MediaSection& m) {
  if (m.media() != "application") return false;
  return m.line.proto.find("SCTP") != std::string::npos;
}

TransceiverDirection FromSdp(sdp::Direction d) {
  switch (d) {
    case sdp::Direction::kSendRecv: return TransceiverDirection::kSendRecv;
    case sdp::Direction::kSendOnly: return TransceiverDirection::kSendOnly;
    case sdp::Direction::kRecvOnly: return TransceiverDirection::kRecvOnly;
    case sdp::Direction::kInactive: return TransceiverDirection::kInactive;
  }
  return TransceiverDirection::kInactive;
}

sdp::Direction Reverse(sdp::Direction d) {
  if (d == sdp::Direction::kSendOnly) return sdp::Direction::kRecvOnly;
  if (d == sdp::Direction::kRecvOnly) return sdp::Direction::kSendOnly;
  return d;
}

MediaLineState::Kind LineKind(MediaKind k) {
  return k == MediaKind::kAudio ? MediaLineState::Kind::kAudio : MediaLineState::Kind::kVideo;
}

std::optional<uint8_t> MidExtensionId(const sdp::MediaSection& m) {
  for (const auto& e : m.extmaps) {
    if (e.uri == kMidExtensionUri && e.id >= 1 && e.id <= 255) return static_cast<uint8_t>(e.id);
  }
  return std::nullopt;
}

// The codecs an answer accepts: every offered payload type that matches one of ours, in the
// offerer's order, with the offerer's payload type and format parameters (RFC 8829 §5.3.1:
// "the answerer MUST use the payload type numbers from the offer").
std::vector<Codec> Intersect(const std::vector<Codec>& ours, const std::vector<sdp::Codec>& offered) {
  std::vector<Codec> out;
  for (const auto& theirs : offered) {
    for (const auto& mine : ours) {
      if (!CodecMatches(mine, theirs)) continue;
      Codec c = mine;
      c.payload_type = theirs.payload_type.value();
      if (theirs.rtpmap && theirs.rtpmap->encoding_parameters) {
        c.channels = static_cast<uint8_t>(*theirs.rtpmap->encoding_parameters);
      }
      c.fmtp = theirs.fmtp.value_or(mine.fmtp);
      c.rtcp_feedback = NegotiatedFeedback(theirs);
      out.push_back(std::move(c));
      break;
    }
  }
  return out;
}

}  // namespace

std::string PeerConnectionCore::Impl::NextMid() {
  for (;;) {
    std::string mid = std::to_string(next_mid++);
    bool used = mid == data_mid;
    for (const auto& l : lines) used = used || l.mid == mid;
    for (const auto& t : tracks) used = used || t.info.mid == mid;
    if (!used) return mid;
  }
}

void PeerConnectionCore::Impl::AddTransport(sdp::MediaSection& m, sdp::Setup setup) const {
  m.transport.ice_ufrag = ice_ufrag;
  m.transport.ice_pwd = ice_pwd;
  m.transport.ice_options = {"trickle"};
  m.transport.fingerprints = {ToSdpFingerprint(certificate.fingerprint())};
  m.transport.setup = setup;
}

sdp::MediaSection PeerConnectionCore::Impl::BuildMediaSection(const MediaLineState& line,
                                                              bool offer, sdp::Setup setup) {
  sdp::MediaSection m;
  m.line.port = 9;  // RFC 8829 §5.2.1: the dummy port; candidates carry the addresses
  m.connection = sdp::Connection{"IN", "IP4", "0.0.0.0"};
  m.mid = line.mid;
  if (line.kind == MediaLineState::Kind::kOther || (line.rejected && !offer)) {
    // RFC 8829 §5.3.1: a rejected m-line keeps its media, proto and formats with port 0.
    if (line.remote_other) {
      m.line = line.remote_other->line;
    } else if (line.kind == MediaLineState::Kind::kApplication) {
      m.line.media = "application";
      m.line.proto = "UDP/DTLS/SCTP";
      m.line.formats = {"webrtc-datachannel"};
    } else {
      const TrackState* t = FindTrack(line.track);
      m.line.media = t && t->info.kind == MediaKind::kVideo ? "video" : "audio";
      m.line.proto = "UDP/TLS/RTP/SAVPF";
      if (t) {
        for (const auto& c : t->remote_offer_codecs) {
          m.line.formats.push_back(std::to_string(c.payload_type.value()));
        }
      }
      if (m.line.formats.empty()) m.line.formats = {"0"};
    }
    m.line.port = 0;
    m.connection.reset();
    m.codecs.clear();
    return m;
  }
  AddTransport(m, setup);
  if (line.kind == MediaLineState::Kind::kApplication) {
    m.line.media = "application";
    const bool legacy = line.remote_other && line.remote_other->line.proto == "DTLS/SCTP";
    if (legacy) {
      // draft-ietf-mmusic-sctp-sdp-05 form, still offered by aiortc: answer in kind.
      m.line.proto = "DTLS/SCTP";
      m.line.formats = {std::to_string(config.sctp_port)};
      m.other_attributes.push_back(
          {"sctpmap", std::to_string(config.sctp_port) + " webrtc-datachannel 65535"});
    } else {
      m.line.proto = "UDP/DTLS/SCTP";
      m.line.formats = {"webrtc-datachannel"};
      m.sctp_port = config.sctp_port;
    }
    m.max_message_size = config.max_message_size;
    return m;
  }
  const TrackState* t = FindTrack(line.track);
  if (!t) return m;
  m.line.media = t->info.kind == MediaKind::kAudio ? "audio" : "video";
  m.line.proto = "UDP/TLS/RTP/SAVPF";
  m.rtcp = sdp::RtcpAttribute{9, std::string("IN IP4 0.0.0.0")};
  m.rtcp_mux = true;
  sdp::Direction direction;
  std::vector<Codec> codecs;
  if (offer) {
    codecs = t->info.kind == MediaKind::kAudio ? config.audio_codecs : config.video_codecs;
    direction = t->has_sender ? sdp::Direction::kSendRecv : sdp::Direction::kRecvOnly;
    m.rtcp_rsize = true;
    m.extmaps.push_back(sdp::ExtMap{kOfferMidExtensionId, std::nullopt, kMidExtensionUri, ""});
  } else {
    const auto& ours = t->info.kind == MediaKind::kAudio ? config.audio_codecs : config.video_codecs;
    codecs = Intersect(ours, t->remote_offer_codecs);
    const sdp::Direction theirs = t->remote_direction;
    const bool they_send = theirs == sdp::Direction::kSendRecv || theirs == sdp::Direction::kSendOnly;
    const bool they_receive =
        theirs == sdp::Direction::kSendRecv || theirs == sdp::Direction::kRecvOnly;
    const bool we_send = t->has_sender && they_receive;
    direction = we_send && they_send ? sdp::Direction::kSendRecv
                : we_send            ? sdp::Direction::kSendOnly
                : they_send          ? sdp::Direction::kRecvOnly
                                     : sdp::Direction::kInactive;
    if (line.remote_other) {
      m.rtcp_rsize = line.remote_other->rtcp_rsize;
      if (auto id = MidExtensionId(*line.remote_other)) {
        m.extmaps.push_back(sdp::ExtMap{*id, std::nullopt, kMidExtensionUri, ""});
      }
    }
  }
  if (codecs.empty()) {  // nothing in common: reject (RFC 3264 §6)
    MediaLineState rejected = line;
    rejected.rejected = true;
    return BuildMediaSection(rejected, false, setup);
  }
  for (const auto& c : codecs) {
    m.line.formats.push_back(std::to_string(c.payload_type));
    m.codecs.push_back(ToSdpCodec(c));
  }
  m.direction = direction;
  const bool sending = direction == sdp::Direction::kSendRecv || direction == sdp::Direction::kSendOnly;
  if (t->has_sender && sending) {
    const std::string msid = t->info.stream_id + " " + t->info.track_id;
    m.msids.push_back(sdp::Msid{t->info.stream_id, t->info.track_id});
    // RFC 5576 §4.1 source-specific attributes; RFC 7022 cname.
    m.ssrcs.push_back(sdp::SsrcAttribute{Ssrc(t->info.ssrc), "cname", cname});
    m.ssrcs.push_back(sdp::SsrcAttribute{Ssrc(t->info.ssrc), "msid", msid});
  }
  return m;
}

Result<sdp::SessionDescription> PeerConnectionCore::Impl::BuildOffer() {
  if (closed) return MakeError(ErrorCode::kInvalidState, "closed");
  if (signaling_state == SignalingState::kHaveRemoteOffer) {
    return MakeError(ErrorCode::kInvalidState, "CreateOffer while a remote offer is pending");
  }
  // The plan: the m-lines negotiated so far, then new tracks, then the data m-line.
  std::vector<MediaLineState> plan = lines;
  for (auto& t : tracks) {
    if (!t.info.mid.empty()) continue;
    t.info.mid = NextMid();
    plan.push_back({t.info.mid, LineKind(t.info.kind), t.info.id, std::nullopt, false});
  }
  if (want_data && data_mid.empty()) data_mid = NextMid();
  if (want_data && std::none_of(plan.begin(), plan.end(), [&](const MediaLineState& l) {
        return l.kind == MediaLineState::Kind::kApplication;
      })) {
    plan.push_back({data_mid, MediaLineState::Kind::kApplication, 0, std::nullopt, false});
  }
  sdp::SessionDescription d;
  d.origin.session_id = session_id;
  d.origin.session_version = std::to_string(session_version);
  d.msid_semantics.push_back(sdp::MsidSemantic{"WMS", {"*"}});
  d.ice_lite = config.ice_lite;
  sdp::Group bundle{"BUNDLE", {}};
  for (const auto& line : plan) {
    sdp::MediaSection m = BuildMediaSection(line, true, sdp::Setup::kActPass);
    if (!m.rejected()) bundle.mids.push_back(line.mid);
    d.media.push_back(std::move(m));
  }
  if (!bundle.mids.empty()) d.groups.push_back(bundle);
  return d;
}

Result<sdp::SessionDescription> PeerConnectionCore::Impl::BuildAnswer() {
  if (closed) return MakeError(ErrorCode::kInvalidState, "closed");
  if (signaling_state != SignalingState::kHaveRemoteOffer || !remote_sdp) {
    return MakeError(ErrorCode::kInvalidState, "CreateAnswer needs a remote offer");
  }
  // RFC 8842 §5.3: answer the offer's actpass with active (we are the DTLS client); an offerer
  // that insists on active gets passive.
  sdp::Setup setup = sdp::Setup::kActive;
  for (const auto& m : remote_sdp->media) {
    if (m.rejected()) continue;
    if (auto s = remote_sdp->SetupFor(m); s && *s == sdp::Setup::kActive) {
      setup = sdp::Setup::kPassive;
    }
    break;
  }
  // RFC 8842 §5.5: in a renegotiation the established DTLS roles stay as they are.
  if (dtls_started && dtls_role) {
    setup = *dtls_role == dtls::DtlsRole::kServer ? sdp::Setup::kPassive : sdp::Setup::kActive;
  }
  sdp::SessionDescription d;
  d.origin.session_id = session_id;
  d.origin.session_version = std::to_string(session_version);
  d.msid_semantics.push_back(sdp::MsidSemantic{"WMS", {"*"}});
  d.ice_lite = config.ice_lite;
  sdp::Group bundle{"BUNDLE", {}};
  for (const auto& line : lines) {
    sdp::MediaSection m = BuildMediaSection(line, false, setup);
    if (!m.rejected()) bundle.mids.push_back(line.mid);
    d.media.push_back(std::move(m));
  }
  if (!bundle.mids.empty()) d.groups.push_back(bundle);
  return d;
}

sdp::SessionDescription PeerConnectionCore::Impl::WithCandidates(
    const sdp::SessionDescription& d) const {
  sdp::SessionDescription out = d;
  const bool complete = gathering_state == IceGatheringState::kComplete;
  for (auto& m : out.media) {
    if (m.rejected()) continue;
    m.candidates = local_candidates;
    m.end_of_candidates = complete && !local_candidates.empty();
  }
  return out;
}

void PeerConnectionCore::Impl::SetSignalingState(SignalingState s) {
  if (signaling_state == s) return;
  signaling_state = s;
  Event e;
  e.type = EventType::kSignalingStateChange;
  e.signaling_state = s;
  Emit(std::move(e));
}

void PeerConnectionCore::Impl::ApplyRemoteMediaInfo(TrackState& t, const sdp::MediaSection& m) {
  if (!m.msids.empty()) {
    t.info.remote_stream_id = m.msids[0].stream_id;
    t.info.remote_track_id = m.msids[0].track_id.value_or("");
  }
  std::optional<uint32_t> ssrc;
  for (const auto& g : m.ssrc_groups) {
    if (g.semantics == "FID" && !g.ssrcs.empty()) ssrc = g.ssrcs[0].value();
  }
  if (!ssrc && !m.ssrcs.empty()) ssrc = m.ssrcs[0].ssrc.value();
  if (ssrc) t.info.remote_ssrc = ssrc;
  if (t.info.remote_stream_id.empty() && ssrc) {
    if (auto v = m.SsrcValue(Ssrc(*ssrc), "msid")) {
      const size_t space = v->find(' ');
      t.info.remote_stream_id = std::string(v->substr(0, space));
      if (space != std::string_view::npos) t.info.remote_track_id = std::string(v->substr(space + 1));
    }
  }
}

Result<void> PeerConnectionCore::Impl::ApplyRemoteTransport(const sdp::SessionDescription& d) {
  const sdp::MediaSection* first = nullptr;
  for (const auto& m : d.media) {
    if (!m.rejected()) {
      first = &m;
      break;
    }
  }
  if (!first) return Ok();  // nothing to connect
  auto ufrag = d.IceUfragFor(*first);
  auto pwd = d.IcePwdFor(*first);
  if (!ufrag || !pwd) return MakeError(ErrorCode::kMalformed, "remote description has no ice-ufrag/ice-pwd");
  // RFC 8122 §5: prefer sha-256; any hash DTLS can check will do.
  std::optional<dtls::DtlsFingerprint> fingerprint;
  for (const auto& f : d.FingerprintsFor(*first)) {
    auto converted = ToDtlsFingerprint(f);
    if (!converted) continue;
    if (!fingerprint || converted->algorithm() == dtls::HashAlgorithm::kSha256) fingerprint = *converted;
  }
  if (!fingerprint) {
    return MakeError(ErrorCode::kUnsupported, "remote description has no usable a=fingerprint");
  }
  if (!remote_ufrag.empty() && (remote_ufrag != *ufrag || remote_pwd != *pwd)) {
    return MakeError(ErrorCode::kUnsupported, "ICE restart (new remote ice-ufrag) is not supported");
  }
  if (!remote_fingerprint.empty() && !(remote_fingerprint == *fingerprint)) {
    return MakeError(ErrorCode::kUnsupported, "a new remote certificate (DTLS restart) is not supported");
  }
  remote_ufrag = std::string(*ufrag);
  remote_pwd = std::string(*pwd);
  remote_fingerprint = *fingerprint;
  remote_lite = d.ice_lite;
  bool end = d.end_of_candidates;
  for (const auto& m : d.media) {
    if (m.rejected()) continue;
    end = end || m.end_of_candidates;
    for (const auto& c : m.candidates) {
      auto converted = ToIceCandidate(c);
      if (!converted) continue;  // TCP, mDNS, RTCP component: not ours to use
      if (std::find(pending_remote_candidates.begin(), pending_remote_candidates.end(),
                    *converted) == pending_remote_candidates.end()) {
        pending_remote_candidates.push_back(*converted);
      }
    }
  }
  if (end) pending_remote_end_of_candidates = true;
  return Ok();
}

void PeerConnectionCore::Impl::ApplyAnswer(const sdp::SessionDescription& answer,
                                           bool answer_is_local) {
  for (const auto& m : answer.media) {
    if (!m.mid) continue;
    auto line = std::find_if(lines.begin(), lines.end(),
                             [&](const MediaLineState& l) { return l.mid == *m.mid; });
    if (line == lines.end()) continue;
    line->rejected = m.rejected();
    if (line->kind == MediaLineState::Kind::kApplication) {
      data_rejected = m.rejected();
      if (!answer_is_local) {
        remote_sctp_port = m.SctpPortOrLegacy().value_or(5000);
        remote_max_message_size = !m.max_message_size ? 65536
                                  : *m.max_message_size == 0
                                      ? size_t{1} << 30
                                      : static_cast<size_t>(*m.max_message_size);
      }
      continue;
    }
    TrackState* t = FindTrack(line->track);
    if (!t) continue;
    t->negotiated = true;
    t->info.rejected = m.rejected();
    if (m.rejected()) continue;
    t->info.codecs.clear();
    for (const auto& c : m.codecs) {
      if (c.rtpmap) t->info.codecs.push_back(FromSdpCodec(c));
    }
    const sdp::Direction d = m.direction_or_default();
    t->info.direction = FromSdp(answer_is_local ? d : Reverse(d));
    if (auto id = MidExtensionId(m)) mid_extension_id = id;
    if (!answer_is_local) ApplyRemoteMediaInfo(*t, m);
  }
}

Result<void> PeerConnectionCore::Impl::ApplyLocal(Instant now, SdpType type,
                                                  sdp::SessionDescription d) {
  last_now = std::max(last_now, now);
  if (auto r = sdp::CheckJsep(d); !r) return r;
  for (auto& m : d.media) {
    m.candidates.clear();
    m.end_of_candidates = false;
  }
  d.end_of_candidates = false;
  if (type == SdpType::kOffer) {
    if (signaling_state != SignalingState::kStable &&
        signaling_state != SignalingState::kHaveLocalOffer) {
      return MakeError(ErrorCode::kInvalidState, "a local offer needs signaling state stable");
    }
    if (!offerer) offerer = true;
    std::vector<MediaLineState> plan;
    for (const auto& m : d.media) {
      const std::string mid = m.mid.value_or("");
      auto existing = std::find_if(lines.begin(), lines.end(),
                                   [&](const MediaLineState& l) { return l.mid == mid; });
      if (existing != lines.end()) {
        plan.push_back(*existing);
        continue;
      }
      MediaKind kind;
      if (IsDataSection(m)) {
        data_mid = mid;
        want_data = true;
        plan.push_back({mid, MediaLineState::Kind::kApplication, 0, std::nullopt, m.rejected()});
      } else if (IsMediaKind(m, &kind)) {
        auto t = std::find_if(tracks.begin(), tracks.end(),
                              [&](const TrackState& x) { return x.info.mid == mid; });
        if (t == tracks.end()) {
          return MakeError(ErrorCode::kInvalidArgument, "local offer m-line matches no track");
        }
        plan.push_back({mid, LineKind(kind), t->info.id, std::nullopt, m.rejected()});
      } else {
        plan.push_back({mid, MediaLineState::Kind::kOther, 0, m, true});
      }
    }
    lines = std::move(plan);
    local_sdp = std::move(d);
    local_type = type;
    ++session_version;
    SetSignalingState(SignalingState::kHaveLocalOffer);
  } else {
    if (signaling_state != SignalingState::kHaveRemoteOffer) {
      return MakeError(ErrorCode::kInvalidState, "a local answer needs a remote offer");
    }
    ApplyAnswer(d, true);
    for (const auto& m : d.media) {
      if (m.rejected()) continue;
      if (auto setup = d.SetupFor(m)) {
        dtls_role = *setup == sdp::Setup::kPassive ? dtls::DtlsRole::kServer : dtls::DtlsRole::kClient;
      }
      break;
    }
    local_sdp = std::move(d);
    local_type = type;
    ++session_version;
    SetSignalingState(SignalingState::kStable);
  }
  EnsureIceAgent(now);
  if (type == SdpType::kAnswer) OnNegotiationComplete(now);
  Pump(now);
  return Ok();
}

Result<void> PeerConnectionCore::Impl::ApplyRemote(Instant now, SdpType type,
                                                   sdp::SessionDescription d) {
  last_now = std::max(last_now, now);
  if (auto r = sdp::CheckJsep(d); !r) return r;
  if (type == SdpType::kOffer && signaling_state != SignalingState::kStable &&
      signaling_state != SignalingState::kHaveRemoteOffer) {
    return MakeError(ErrorCode::kInvalidState, "a remote offer needs signaling state stable");
  }
  if (type == SdpType::kAnswer && signaling_state != SignalingState::kHaveLocalOffer) {
    return MakeError(ErrorCode::kInvalidState, "a remote answer needs our offer first");
  }
  if (type == SdpType::kAnswer && d.media.size() != lines.size()) {
    return MakeError(ErrorCode::kMalformed, "the answer's m-lines do not match the offer's");
  }
  if (auto r = ApplyRemoteTransport(d); !r) return r;
  std::vector<TrackId> announce;
  if (type == SdpType::kOffer) {
    if (!offerer) offerer = false;
    std::vector<MediaLineState> plan;
    for (const auto& m : d.media) {
      const std::string mid = m.mid.value_or("");
      auto existing = std::find_if(lines.begin(), lines.end(),
                                   [&](const MediaLineState& l) { return l.mid == mid; });
      MediaKind kind;
      if (IsMediaKind(m, &kind) && !mid.empty()) {
        TrackState* t = nullptr;
        if (existing != lines.end() && existing->track != 0) t = FindTrack(existing->track);
        if (!t) {
          // JSEP §5.10: an unassociated transceiver of our own (AddTrack) of the same kind.
          for (auto& x : tracks) {
            if (x.info.kind == kind && x.info.mid.empty() && x.has_sender && !x.from_remote) {
              t = &x;
              break;
            }
          }
        }
        if (!t) {
          TrackState fresh;
          fresh.info.id = static_cast<TrackId>(tracks.size() + 1);
          fresh.info.kind = kind;
          fresh.from_remote = true;
          fresh.info.codecs = kind == MediaKind::kAudio ? config.audio_codecs : config.video_codecs;
          do {
            fresh.info.ssrc = random.NextU32();
          } while (fresh.info.ssrc == 0 || TrackBySendSsrc(fresh.info.ssrc) != nullptr);
          tracks.push_back(std::move(fresh));
          t = &tracks.back();
          if (!m.rejected()) announce.push_back(t->info.id);
        }
        t->info.mid = mid;
        t->remote_offer_codecs = m.codecs;
        t->remote_direction = m.direction_or_default();
        t->info.rejected = m.rejected();
        ApplyRemoteMediaInfo(*t, m);
        MediaLineState line{mid, LineKind(kind), t->info.id, m, m.rejected()};
        plan.push_back(std::move(line));
      } else if (IsDataSection(m) && !mid.empty() &&
                 (data_mid.empty() || data_mid == mid) && !m.rejected()) {
        data_mid = mid;
        want_data = true;
        remote_sctp_port = m.SctpPortOrLegacy().value_or(5000);
        remote_max_message_size = !m.max_message_size ? 65536
                                  : *m.max_message_size == 0
                                      ? size_t{1} << 30
                                      : static_cast<size_t>(*m.max_message_size);
        plan.push_back({mid, MediaLineState::Kind::kApplication, 0, m, false});
      } else {
        plan.push_back({mid, MediaLineState::Kind::kOther, 0, m, true});
      }
    }
    lines = std::move(plan);
    remote_sdp = std::move(d);
    remote_type = type;
    SetSignalingState(SignalingState::kHaveRemoteOffer);
  } else {
    // RFC 8842 §5.3: the answerer's a=setup decides the DTLS roles.
    for (const auto& m : d.media) {
      if (m.rejected()) continue;
      auto setup = d.SetupFor(m);
      dtls_role = setup && *setup == sdp::Setup::kActive ? dtls::DtlsRole::kServer
                                                          : dtls::DtlsRole::kClient;
      break;
    }
    ApplyAnswer(d, false);
    remote_sdp = std::move(d);
    remote_type = type;
    SetSignalingState(SignalingState::kStable);
  }
  for (TrackId id : announce) {
    if (TrackState* t = FindTrack(id)) {
      t->announced = true;
      Event e;
      e.type = EventType::kTrack;
      e.track = id;
      Emit(std::move(e));
    }
  }
  if (ice) EnsureIceAgent(now);  // hands the remote parameters over
  if (type == SdpType::kAnswer) OnNegotiationComplete(now);
  Pump(now);
  return Ok();
}

void PeerConnectionCore::Impl::OnNegotiationComplete(Instant now) {
  MaybeStartDtls(now);
  if (srtp_deferred && !tracks.empty()) {  // the first tracks of a data-only connection
    srtp_deferred = false;
    dtls::DtlsEvent keys;
    keys.srtp = dtls.srtp_keying_material();
    OnSrtpReady(keys);
  }
  // A renegotiation that added m-lines after SRTP is up: those tracks are open at once.
  for (auto& t : tracks) {
    if (!srtp_out || t.info.open || t.info.rejected || t.info.mid.empty()) continue;
    t.info.open = true;
    Event e;
    e.type = EventType::kTrackOpen;
    e.track = t.info.id;
    Emit(std::move(e));
  }
  if (dtls_connected && want_data && !data_rejected && !sctp) StartSctp(now);
}

}  // namespace sluice::pc
