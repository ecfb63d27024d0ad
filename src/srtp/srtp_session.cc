// RTP fixed header, RFC 3550 §5.1 (the part SRTP leaves in the clear, RFC 3711 §3.1):
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P|X|  CC   |M|     PT      |       sequence number         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                           timestamp                           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |           synchronization source (SSRC) identifier            |
//   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//   |            contributing source (CSRC) identifiers             |
//   |                             ....                              |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |      defined by profile       |           length              |  (X = 1, §5.3.1)
//   |                        header extension                       |
//
// RTCP common header, RFC 3550 §6.4.1 (SRTCP keeps its first 8 bytes in the clear):
//
//   |V=2|P|    RC   |   PT=SR=200   |             length            |
//   |                         SSRC of sender                        |
#include "srtp/srtp_session.h"

#include "common/byte_order.h"
#include "srtp/openssl_srtp_backend.h"
#include "srtp/srtp_kdf.h"
#include "srtp/srtp_replay_window.h"

namespace sluice {
namespace {

constexpr size_t kRtpFixedHeader = 12;
constexpr size_t kRtcpHeader = 8;

// 12 + 4*CC + (4 + 4*length if X), or 0 if the packet ends before that.
size_t RtpHeaderLength(const uint8_t* d, size_t len) {
  if (len < kRtpFixedHeader) return 0;
  size_t h = kRtpFixedHeader + 4 * size_t{d[0] & 0x0fu};
  if (d[0] & 0x10) {
    if (len < h + 4) return 0;
    h += 4 + 4 * size_t{LoadBe16(d + h + 2)};
  }
  return h <= len ? h : 0;
}

}  // namespace

Result<std::unique_ptr<SrtpSession>> SrtpSession::Create(const SrtpKeys& keys,
                                                         SrtpDirection direction,
                                                         const SrtpSessionOptions& options) {
  const SrtpProfileInfo* info = GetSrtpProfileInfo(keys.profile);
  if (info == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "srtp: unknown protection profile");
  }
  if (options.max_streams == 0 || options.max_streams > 65536) {
    return MakeError(ErrorCode::kInvalidArgument, "srtp: max_streams must be in 1..65536");
  }
  if (options.replay_window < 64 || options.replay_window > SrtpReplayWindow::kMaxWindow ||
      options.replay_window % 64 != 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "srtp: replay_window must be a multiple of 64 in 64..1024");
  }
  SrtpBackendOptions bo{options.max_streams, options.replay_window, options.allow_repeat_tx};
  if (options.backend == SrtpBackendKind::kLibsrtp) {
    auto backend = CreateLibsrtpBackend(keys, direction, bo);
    if (!backend.ok()) return backend.error();
    return std::unique_ptr<SrtpSession>(
        new SrtpSession(keys.profile, direction, std::move(*backend), nullptr));
  }
  SrtpSessionKeys sk;
  auto derived = DeriveSrtpSessionKeys(keys, sk);
  if (!derived.ok()) return derived.error();
  auto ours = std::make_unique<OpensslSrtpBackend>(info, direction, bo);
  auto init = ours->Init(sk);
  if (!init.ok()) return init.error();
  OpensslSrtpBackend* raw = ours.get();
  return std::unique_ptr<SrtpSession>(
      new SrtpSession(keys.profile, direction, std::move(ours), raw));
}

SrtpSession::SrtpSession(SrtpProfile profile, SrtpDirection direction,
                         std::unique_ptr<SrtpBackend> b, OpensslSrtpBackend* ours)
    : profile_(profile),
      info_(GetSrtpProfileInfo(profile)),
      direction_(direction),
      backend_(std::move(b)),
      ours_(ours),
      tx_(direction == SrtpDirection::kOutbound ? ours : nullptr),
      rx_(direction == SrtpDirection::kInbound ? ours : nullptr) {}

Error SrtpSession::Count(SrtpStatus status) {
  switch (status) {
    case SrtpStatus::kAuthFailed:
      ++stats_.auth_failures;
      return MakeError(ErrorCode::kAuthFailed, "srtp: authentication tag mismatch");
    case SrtpStatus::kReplayed:
      ++stats_.replays;
      return MakeError(ErrorCode::kAuthFailed, "srtp: replayed packet (index already seen)");
    case SrtpStatus::kTooOld:
      ++stats_.too_old;
      return MakeError(ErrorCode::kAuthFailed, "srtp: packet index behind the replay window");
    case SrtpStatus::kOverCap:
      ++stats_.unknown_ssrc_over_cap;
      return MakeError(ErrorCode::kExhausted, "srtp: new SSRC but max_streams are in use");
    case SrtpStatus::kIndexExhausted:
      ++stats_.index_exhausted;
      return MakeError(ErrorCode::kExhausted, "srtcp: index space used up; renew the keys");
    case SrtpStatus::kMalformed:
      ++stats_.malformed;
      return MakeError(ErrorCode::kMalformed, "srtp: not an RTP version 2 packet");
    case SrtpStatus::kTruncated:
      ++stats_.malformed;
      return MakeError(ErrorCode::kTruncated,
                       "srtp: RTP header (CSRCs, extension) or tag past the end");
    case SrtpStatus::kNoRoom:
      ++stats_.no_room;
      return MakeError(ErrorCode::kBufferTooSmall, "srtp: no room behind the packet for the tag");
    case SrtpStatus::kOk:
    case SrtpStatus::kInternal:
      break;
  }
  return MakeError(ErrorCode::kInternal, "srtp: the crypto library failed");
}

Result<size_t> SrtpSession::ProtectRtp(std::span<uint8_t> buffer, size_t length) {
  if (tx_ != nullptr && length <= buffer.size()) [[likely]] {
    size_t out = 0;
    const SrtpStatus s = tx_->ProtectRtpPacket(buffer.data(), length, buffer.size(), &out);
    if (s != SrtpStatus::kOk) [[unlikely]]
      return Count(s);
    ++stats_.rtp_packets;
    return out;
  }
  if (direction_ != SrtpDirection::kOutbound) {
    return MakeError(ErrorCode::kInvalidState, "srtp: protect needs an outbound session");
  }
  if (length > buffer.size()) {
    return MakeError(ErrorCode::kInvalidArgument, "srtp: length is larger than the buffer");
  }
  uint8_t* d = buffer.data();
  // RFC 3550 §5.1: "version (V): 2 bits ... The version defined by this specification is two".
  if (length < kRtpFixedHeader || (d[0] >> 6) != 2) {
    ++stats_.malformed;
    return MakeError(ErrorCode::kMalformed, "srtp: not an RTP version 2 packet");
  }
  const size_t h = RtpHeaderLength(d, length);
  if (h == 0) {
    ++stats_.malformed;
    return MakeError(ErrorCode::kTruncated,
                     "srtp: RTP header (CSRCs, extension) or tag past the end");
  }
  if (buffer.size() - length < info_->rtp_tag_len) {
    ++stats_.no_room;
    return MakeError(ErrorCode::kBufferTooSmall, "srtp: no room behind the packet for the tag");
  }
  SrtpRtpRef p{d, length, h, LoadBe32(d + 8), LoadBe16(d + 2)};
  const SrtpStatus s = backend_->ProtectRtp(p);
  if (s != SrtpStatus::kOk) return Count(s);
  ++stats_.rtp_packets;
  return length + info_->rtp_tag_len;
}

Result<size_t> SrtpSession::UnprotectRtp(std::span<uint8_t> packet) {
  if (rx_ != nullptr) [[likely]] {
    size_t out = 0;
    const SrtpStatus s = rx_->UnprotectRtpPacket(packet.data(), packet.size(), &out);
    if (s != SrtpStatus::kOk) [[unlikely]]
      return Count(s);
    ++stats_.rtp_packets;
    return out;
  }
  if (direction_ != SrtpDirection::kInbound) {
    return MakeError(ErrorCode::kInvalidState, "srtp: unprotect needs an inbound session");
  }
  uint8_t* d = packet.data();
  const size_t length = packet.size();
  if (length < kRtpFixedHeader || (d[0] >> 6) != 2) {
    ++stats_.malformed;
    return MakeError(ErrorCode::kMalformed, "srtp: not an RTP version 2 packet");
  }
  const size_t tag = info_->rtp_tag_len;
  // The header (with CSRCs and extension) must end before the tag starts.
  const size_t h = length >= tag ? RtpHeaderLength(d, length - tag) : 0;
  if (h == 0) {
    ++stats_.malformed;
    return MakeError(ErrorCode::kTruncated,
                     "srtp: RTP header (CSRCs, extension) or tag past the end");
  }
  SrtpRtpRef p{d, length, h, LoadBe32(d + 8), LoadBe16(d + 2)};
  const SrtpStatus s = backend_->UnprotectRtp(p);
  if (s != SrtpStatus::kOk) return Count(s);
  ++stats_.rtp_packets;
  return length - tag;
}

Result<size_t> SrtpSession::ProtectRtcp(std::span<uint8_t> buffer, size_t length) {
  if (direction_ != SrtpDirection::kOutbound) {
    return MakeError(ErrorCode::kInvalidState, "srtcp: protect needs an outbound session");
  }
  if (length > buffer.size()) {
    return MakeError(ErrorCode::kInvalidArgument, "srtcp: length is larger than the buffer");
  }
  uint8_t* d = buffer.data();
  if (length < kRtcpHeader || (d[0] >> 6) != 2) {
    ++stats_.malformed;
    return MakeError(ErrorCode::kMalformed, "srtcp: not an RTCP version 2 packet");
  }
  if (buffer.size() - length < rtcp_overhead()) {
    ++stats_.no_room;
    return MakeError(ErrorCode::kBufferTooSmall,
                     "srtcp: no room behind the packet for the index and tag");
  }
  SrtcpRef p{d, length, LoadBe32(d + 4), 0};
  const SrtpStatus s = ours_ != nullptr ? ours_->ProtectRtcp(p) : backend_->ProtectRtcp(p);
  if (s != SrtpStatus::kOk) return Count(s);
  ++stats_.rtcp_packets;
  return length + rtcp_overhead();
}

Result<size_t> SrtpSession::UnprotectRtcp(std::span<uint8_t> packet) {
  if (direction_ != SrtpDirection::kInbound) {
    return MakeError(ErrorCode::kInvalidState, "srtcp: unprotect needs an inbound session");
  }
  uint8_t* d = packet.data();
  const size_t length = packet.size();
  if (length < kRtcpHeader + rtcp_overhead() || (d[0] >> 6) != 2) {
    ++stats_.malformed;
    return MakeError(ErrorCode::kMalformed, "srtcp: not an RTCP v2 packet with index and tag");
  }
  // The E-bit/index word sits before the tag (CM, RFC 3711 §3.4) or after it (GCM, RFC 7714 §9).
  const size_t word_at = info_->aead ? length - kSrtcpIndexLen : length - rtcp_overhead();
  const uint32_t word = LoadBe32(d + word_at);
  // RFC 3711 §3.4: E "indicates if the current SRTCP packet is encrypted or unencrypted";
  // sluice always encrypts SRTCP and refuses an unencrypted one instead of trusting its payload.
  if ((word & 0x80000000u) == 0) {
    ++stats_.malformed;
    return MakeError(ErrorCode::kMalformed, "srtcp: E bit clear (unencrypted SRTCP refused)");
  }
  SrtcpRef p{d, length, LoadBe32(d + 4), word & 0x7fffffffu};
  const SrtpStatus s = ours_ != nullptr ? ours_->UnprotectRtcp(p) : backend_->UnprotectRtcp(p);
  if (s != SrtpStatus::kOk) return Count(s);
  ++stats_.rtcp_packets;
  return length - rtcp_overhead();
}

Result<void> SrtpSession::ProtectRtp(PacketBuffer& packet) {
  auto r = ProtectRtp(packet.writable_area(), packet.size());
  if (!r.ok()) return r.error();
  packet.Resize(*r);
  return Ok();
}

Result<void> SrtpSession::UnprotectRtp(PacketBuffer& packet) {
  auto r = UnprotectRtp(packet.mutable_data());
  if (!r.ok()) return r.error();
  packet.Resize(*r);
  return Ok();
}

Result<void> SrtpSession::ProtectRtcp(PacketBuffer& packet) {
  auto r = ProtectRtcp(packet.writable_area(), packet.size());
  if (!r.ok()) return r.error();
  packet.Resize(*r);
  return Ok();
}

Result<void> SrtpSession::UnprotectRtcp(PacketBuffer& packet) {
  auto r = UnprotectRtcp(packet.mutable_data());
  if (!r.ok()) return r.error();
  packet.Resize(*r);
  return Ok();
}

}  // namespace sluice
