// SrtpSession: one direction (outbound: protect, inbound: unprotect) of SRTP and SRTCP for
// every SSRC that shares one master key (RFC 3711, RFC 7714; keys from DTLS-SRTP, RFC 5764).
//
// Sans-IO and clock-free: packets are transformed in place. Protect appends the trailer into
// the buffer's tailroom (SRTP: the tag; SRTCP: the E-bit/index word and the tag, at most
// kMaxSrtpTrailerLen bytes); unprotect verifies, decrypts in place and trims the trailer.
//
//   SRTP  (RFC 3711 §3.1):  | RTP header | encrypted payload | auth tag (10 CM / 16 GCM) |
//   SRTCP (RFC 3711 §3.4, CM): | header(8) | encrypted | E+index(4) | auth tag (10) |
//   SRTCP (RFC 7714 §9, GCM):  | header(8) | encrypted | tag (16) | E+index(4) |
//
// Streams: each SSRC gets its own ROC / replay window / SRTCP index on first use (inbound:
// only once a packet authenticated), up to options.max_streams; a new SSRC past that is
// refused (kExhausted) and counted. Every refused packet is counted in stats() and the caller
// drops it; after a failed unprotect the packet's bytes are unspecified.
//
// Thread rules: one thread at a time (the network thread that owns the session); no callbacks.
// Steady state allocates nothing (the stream table is allocated by Create()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "sluice/packet_buffer.h"
#include "sluice/result.h"
#include "srtp/srtp_backend.h"
#include "srtp/srtp_profile.h"

namespace sluice {
class OpensslSrtpBackend;
}

namespace sluice {

enum class SrtpBackendKind {
  kOpenssl,  // sluice's own in-place EVP backend: the default (bench/srtp_bench.cc: faster)
  kLibsrtp,  // libsrtp2: the reference the differential tests compare with
};

struct SrtpSessionOptions {
  size_t max_streams = 64;     // SSRCs tracked (RTP and RTCP share an entry); 1..65536
  size_t replay_window = 128;  // SRTP replay window in packets: a multiple of 64, 64..1024
  // Outbound: allow protecting an index already sent (the NACK retransmission of the same
  // packet, which yields the same bytes). Never reuse an index for different content.
  bool allow_repeat_tx = true;
  SrtpBackendKind backend = SrtpBackendKind::kOpenssl;
};

struct SrtpStats {
  uint64_t rtp_packets = 0;  // protected or unprotected successfully
  uint64_t rtcp_packets = 0;
  uint64_t auth_failures = 0;          // tag mismatch
  uint64_t replays = 0;                // index already seen (inside the window)
  uint64_t too_old = 0;                // index behind the replay window
  uint64_t unknown_ssrc_over_cap = 0;  // a new SSRC while max_streams were in use
  uint64_t malformed = 0;              // bad version, lengths, E-bit clear
  uint64_t no_room = 0;                // protect without tailroom for the trailer
  uint64_t index_exhausted = 0;        // SRTCP index at 2^31 - 1: renew the keys
};

class SrtpSession {
 public:
  // kInvalidArgument for bad keys or options, kInternal if the crypto library fails.
  static Result<std::unique_ptr<SrtpSession>> Create(const SrtpKeys& keys, SrtpDirection direction,
                                                     const SrtpSessionOptions& options = {});

  // In place in a pooled buffer: protect grows data() into the tailroom, unprotect trims it.
  Result<void> ProtectRtp(PacketBuffer& packet);
  Result<void> UnprotectRtp(PacketBuffer& packet);
  Result<void> ProtectRtcp(PacketBuffer& packet);
  Result<void> UnprotectRtcp(PacketBuffer& packet);

  // Span forms: `buffer` holds the packet in its first `length` bytes and has room for the
  // trailer behind it; they return the new length.
  Result<size_t> ProtectRtp(std::span<uint8_t> buffer, size_t length);
  Result<size_t> UnprotectRtp(std::span<uint8_t> packet);
  Result<size_t> ProtectRtcp(std::span<uint8_t> buffer, size_t length);
  Result<size_t> UnprotectRtcp(std::span<uint8_t> packet);

  // Bytes protect adds: the SRTP tag, or the SRTCP tag plus the E-bit/index word.
  size_t rtp_overhead() const { return info_->rtp_tag_len; }
  size_t rtcp_overhead() const { return info_->rtcp_tag_len + kSrtcpIndexLen; }

  SrtpProfile profile() const { return profile_; }
  SrtpDirection direction() const { return direction_; }
  size_t stream_count() const { return backend_->stream_count(); }
  const SrtpStats& stats() const { return stats_; }

 private:
  SrtpSession(SrtpProfile profile, SrtpDirection direction, std::unique_ptr<SrtpBackend> b,
              OpensslSrtpBackend* ours);
  Error Count(SrtpStatus status);

  SrtpProfile profile_;
  const SrtpProfileInfo* info_;
  SrtpDirection direction_;
  std::unique_ptr<SrtpBackend> backend_;
  // The same object as backend_ when it is ours, held as the concrete type so the per-packet
  // calls are direct (no virtual dispatch); tx_ / rx_ is set for the session's direction only,
  // so one null test covers both the backend and the direction.
  OpensslSrtpBackend* ours_ = nullptr;
  OpensslSrtpBackend* tx_ = nullptr;
  OpensslSrtpBackend* rx_ = nullptr;
  SrtpStats stats_;
};

}  // namespace sluice
