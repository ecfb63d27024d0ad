// The interface behind SrtpSession: one implementation on OpenSSL EVP (ours, in place, no
// per-packet allocation) and one on libsrtp2 (the oracle the differential tests compare with).
//
// SrtpSession validates the packet first (RTP/RTCP version, header lengths, room for the
// trailer, the SRTCP E-bit), so a backend receives only packets whose lengths are consistent
// and only has to do the cryptography, the stream table, the index estimation and the replay
// checks. Both backends must return the same status for the same sequence of calls.
//
// Thread rules: one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "sluice/result.h"
#include "srtp/srtp_kdf.h"
#include "srtp/srtp_profile.h"

namespace sluice {

enum class SrtpDirection { kOutbound, kInbound };

enum class SrtpStatus : uint8_t {
  kOk,
  kAuthFailed,      // tag mismatch (or, for GCM, the AEAD open failed)
  kReplayed,        // index already in the replay window
  kTooOld,          // index older than the replay window
  kOverCap,         // a new SSRC while the stream table is full
  kIndexExhausted,  // SRTCP index would pass 2^31 - 1: the keys must be renewed
  kInternal,        // the crypto library failed
  // Only from OpensslSrtpBackend's fused packet paths, which check the header themselves:
  kMalformed,       // not an RTP version 2 packet
  kTruncated,       // CSRCs, header extension or tag past the end
  kNoRoom,          // protect: no room behind the packet for the tag
};

// An SRTP packet in place. For protect, `size` is the plain packet and the tag is written at
// data[size] (the caller checked the room); for unprotect, `size` includes the tag.
struct SrtpRtpRef {
  uint8_t* data;
  size_t size;
  size_t header_size;  // 12 + 4 * CC + header extension, <= size (and <= size - tag on unprotect)
  uint32_t ssrc;
  uint16_t seq;
};

// An SRTCP packet in place. Protect appends the E-bit/index word and the tag; for unprotect,
// `size` includes them and `index` is the 31-bit SRTCP index read from the packet (E was 1).
struct SrtcpRef {
  uint8_t* data;
  size_t size;
  uint32_t ssrc;
  uint32_t index;
};

struct SrtpBackendOptions {
  size_t max_streams = 64;
  size_t replay_window = 128;
  bool allow_repeat_tx = true;
};

class SrtpBackend {
 public:
  virtual ~SrtpBackend() = default;
  virtual SrtpStatus ProtectRtp(const SrtpRtpRef& p) = 0;
  virtual SrtpStatus UnprotectRtp(const SrtpRtpRef& p) = 0;
  virtual SrtpStatus ProtectRtcp(const SrtcpRef& p) = 0;
  virtual SrtpStatus UnprotectRtcp(const SrtcpRef& p) = 0;
  virtual size_t stream_count() const = 0;
};

Result<std::unique_ptr<SrtpBackend>> CreateOpensslSrtpBackend(const SrtpKeys& keys,
                                                              SrtpDirection direction,
                                                              const SrtpBackendOptions& options);
// Our backend from already-derived session keys, skipping the KDF: for the known-answer tests
// of RFC 7714 §16-17, which publish session keys and salts rather than master keys.
Result<std::unique_ptr<SrtpBackend>> CreateOpensslSrtpBackendWithSessionKeys(
    SrtpProfile profile, const SrtpSessionKeys& keys, SrtpDirection direction,
    const SrtpBackendOptions& options);
Result<std::unique_ptr<SrtpBackend>> CreateLibsrtpBackend(const SrtpKeys& keys,
                                                          SrtpDirection direction,
                                                          const SrtpBackendOptions& options);

}  // namespace sluice
