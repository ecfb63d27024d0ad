#include "integration/secure_transport_peer.h"

#include <algorithm>
#include <cstring>

namespace sluice::test {
namespace {

dtls::DtlsCertificate MakeCertificate() { return dtls::DtlsCertificate::Generate().value(); }

ice::AgentConfig IceConfig(ice::Role role, uint64_t seed) {
  ice::AgentConfig c;
  c.role = role;
  c.seed = seed;
  return c;
}

SrtpKeys Keys(SrtpProfile profile, std::span<const uint8_t> key, std::span<const uint8_t> salt) {
  return SrtpKeys::Create(profile, key, salt).value();
}

}  // namespace

SecureTransportPeer::SecureTransportPeer(std::string name, ice::TransportAddress address,
                                         ice::Role ice_role, dtls::DtlsRole dtls_role,
                                         uint64_t seed)
    : name_(std::move(name)),
      address_(address),
      ice_(IceConfig(ice_role, seed)),
      certificate_(MakeCertificate()),
      dtls_(dtls::DtlsEngine::Create(certificate_).value()),
      dtls_role_(dtls_role),
      pool_(PacketPool::Create({.slot_count = 64}).value()) {
  host_candidate_ = ice_.AddHostCandidate(address_).value();
}

void SecureTransportPeer::Learn(const SecureTransportPeer& remote) {
  remote_address_ = remote.address_;
  remote_fingerprint_ = remote.certificate_.fingerprint();
  (void)ice_.SetRemoteCredentials(remote.ice_.local_ufrag(), remote.ice_.local_pwd()).value();
  // The remote's host candidate travels as SDP text, as signalling would carry it.
  auto candidate = ice::Candidate::FromSdpString(remote.host_candidate_.ToSdpString());
  (void)ice_.AddRemoteCandidate(candidate.value()).value();
  ice_.SetRemoteEndOfCandidates();
}

void SecureTransportPeer::Start(Instant now) {
  ice_.Start(now);
  // The DTLS server waits passively from the start, so a ClientHello that races ahead of our
  // own ICE "connected" is still taken.
  if (dtls_role_ == dtls::DtlsRole::kServer) {
    (void)dtls_.Start(now, dtls_role_, remote_fingerprint_).value();
    dtls_started_ = true;
  }
}

void SecureTransportPeer::Deliver(Instant now, std::span<const uint8_t> datagram) {
  switch (ClassifyPacket(datagram)) {
    case PacketKind::kStun:
      ice_.HandleReceive(now, address_, remote_address_, datagram);
      return;
    case PacketKind::kDtls:
      dtls_.HandleReceive(now, datagram);
      return;
    case PacketKind::kRtp:
    case PacketKind::kRtcp: {
      if (!srtp_in_) {
        ++counters_.srtp_rejected;
        return;
      }
      ++counters_.media_datagrams;
      const bool rtcp = ClassifyPacket(datagram) == PacketKind::kRtcp;
      auto buffer = pool_->Acquire();
      if (!buffer || !buffer->Resize(datagram.size())) {
        ++counters_.srtp_rejected;
        return;
      }
      std::memcpy(buffer->mutable_data().data(), datagram.data(), datagram.size());
      auto r = rtcp ? srtp_in_->UnprotectRtcp(*buffer) : srtp_in_->UnprotectRtp(*buffer);
      if (!r) {
        ++counters_.srtp_rejected;
        return;
      }
      auto plain = buffer->data();
      auto& sink = rtcp ? rtcp_received_ : rtp_received_;
      sink.emplace_back(plain.begin(), plain.end());
      ++(rtcp ? counters_.rtcp_unprotected : counters_.rtp_unprotected);
      return;
    }
    default:
      ++counters_.demux_unknown;
  }
}

void SecureTransportPeer::HandleTimeout(Instant now) {
  if (auto t = ice_.PollTimeout(); t && *t <= now) ice_.HandleTimeout(now);
  if (auto t = dtls_.PollTimeout(); t && *t <= now) dtls_.HandleTimeout(now);
}

std::optional<Instant> SecureTransportPeer::PollTimeout() const {
  return Soonest(ice_.PollTimeout(), dtls_.PollTimeout());
}

void SecureTransportPeer::Flush(Instant now, SimulatedLink& out) {
  // Events may start DTLS, which produces datagrams: loop until every engine is drained.
  for (int round = 0; round < 8; ++round) {
    bool progress = false;
    while (auto t = ice_.PollTransmit()) {
      out.Send(now, t->data);
      progress = true;
    }
    while (auto e = ice_.PollEvent()) {
      OnIceEvent(now, *e);
      progress = true;
    }
    while (auto d = dtls_.PollTransmit()) {
      out.Send(now, *d);
      progress = true;
    }
    while (auto e = dtls_.PollEvent()) {
      if (e->type == dtls::DtlsEventType::kConnected) secure_at_ = now;
      OnDtlsEvent(*e);
      progress = true;
    }
    if (!progress) return;
  }
}

void SecureTransportPeer::OnIceEvent(Instant now, const ice::Event& e) {
  if (e.type != ice::EventType::kStateChanged) return;
  if ((e.state == ice::ConnectionState::kConnected ||
       e.state == ice::ConnectionState::kCompleted) &&
      !dtls_started_) {
    (void)dtls_.Start(now, dtls_role_, remote_fingerprint_).value();
    dtls_started_ = true;
  }
  if (e.state == ice::ConnectionState::kFailed && !ice_failed_) {
    ice_failed_ = e.state;
    ice_failed_at_ = now;
    ice_failure_reason_ = e.reason;
  }
}

void SecureTransportPeer::OnDtlsEvent(const dtls::DtlsEvent& e) {
  if (e.type != dtls::DtlsEventType::kConnected) return;
  auto profile = SrtpProfileFromDtlsId(static_cast<uint16_t>(e.srtp.profile)).value();
  srtp_out_ = SrtpSession::Create(Keys(profile, e.srtp.local_key(), e.srtp.local_salt()),
                                  SrtpDirection::kOutbound)
                  .value();
  srtp_in_ = SrtpSession::Create(Keys(profile, e.srtp.remote_key(), e.srtp.remote_salt()),
                                 SrtpDirection::kInbound)
                 .value();
}

Result<void> SecureTransportPeer::SendProtected(std::span<const uint8_t> plaintext, bool rtcp,
                                                SimulatedLink& out, Instant now) {
  if (!srtp_out_) return MakeError(ErrorCode::kInvalidState, "SRTP is not keyed yet");
  auto buffer = pool_->Acquire();
  if (!buffer) return buffer.error();
  if (!buffer->Resize(plaintext.size())) {
    return MakeError(ErrorCode::kBufferTooSmall, "packet larger than a pool slot");
  }
  std::memcpy(buffer->mutable_data().data(), plaintext.data(), plaintext.size());
  auto r = rtcp ? srtp_out_->ProtectRtcp(*buffer) : srtp_out_->ProtectRtp(*buffer);
  if (!r) return r;
  out.Send(now, buffer->data());
  return Ok();
}

Result<void> SecureTransportPeer::SendRtp(Instant now, std::span<const uint8_t> plaintext,
                                          SimulatedLink& out) {
  return SendProtected(plaintext, false, out, now);
}

Result<void> SecureTransportPeer::SendRtcp(Instant now, std::span<const uint8_t> plaintext,
                                           SimulatedLink& out) {
  return SendProtected(plaintext, true, out, now);
}

SecureTransportPair::SecureTransportPair(uint64_t seed)
    : a_("A", ice::Ipv4Address(127, 0, 0, 1, 40000), ice::Role::kControlling,
         dtls::DtlsRole::kServer, seed),
      z_("Z", ice::Ipv4Address(127, 0, 0, 1, 50000), ice::Role::kControlled,
         dtls::DtlsRole::kClient, seed + 1) {}

bool SecureTransportPair::Connect(const SimulatedLinkOptions& link, Duration limit) {
  SimulatedLinkOptions az_options = link, za_options = link;
  az_options.seed = link.seed * 2 + 1;
  za_options.seed = link.seed * 2 + 2;
  az_ = std::make_unique<SimulatedLink>(az_options);
  za_ = std::make_unique<SimulatedLink>(za_options);
  a_.Learn(z_);
  z_.Learn(a_);
  start_ = clock_.now();
  a_.Start(clock_.now());
  z_.Start(clock_.now());
  return RunUntil([&] { return a_.secure() && z_.secure(); }, limit);
}

Duration SecureTransportPair::setup_time() const {
  if (!a_.secure_at() || !z_.secure_at()) return Duration::max();
  return std::max(*a_.secure_at(), *z_.secure_at()) - start_;
}

void SecureTransportPair::Step(Instant now) {
  while (auto d = az_->Poll(now)) z_.Deliver(now, *d);
  while (auto d = za_->Poll(now)) a_.Deliver(now, *d);
  a_.HandleTimeout(now);
  z_.HandleTimeout(now);
}

void SecureTransportPair::Flush() {
  a_.Flush(clock_.now(), *az_);
  z_.Flush(clock_.now(), *za_);
}

}  // namespace sluice::test
