// The libsrtp2 backend (Debian's libsrtp2-dev): the oracle for sluice's own backend.
//
// One srtp_t per direction with a single ssrc_any_outbound / ssrc_any_inbound policy, the same
// master key and salt, the same replay window and allow_repeat_tx. libsrtp creates a stream per
// SSRC on first use (inbound: only after the packet authenticated); this wrapper adds the
// stream cap that libsrtp lacks, with the same rule as ours: a new SSRC is refused while the
// table is full.
#include <srtp2/srtp.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <vector>

#include "srtp/srtp_backend.h"

namespace sluice {
namespace {

bool InitLibsrtpOnce() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = srtp_init() == srtp_err_status_ok; });
  return ok;
}

SrtpStatus MapStatus(srtp_err_status_t s) {
  switch (s) {
    case srtp_err_status_ok: return SrtpStatus::kOk;
    case srtp_err_status_auth_fail:
    case srtp_err_status_cipher_fail: return SrtpStatus::kAuthFailed;
    case srtp_err_status_replay_fail: return SrtpStatus::kReplayed;
    case srtp_err_status_replay_old: return SrtpStatus::kTooOld;
    case srtp_err_status_key_expired: return SrtpStatus::kIndexExhausted;
    default: return SrtpStatus::kInternal;
  }
}

class LibsrtpBackend final : public SrtpBackend {
 public:
  LibsrtpBackend(SrtpDirection direction, const SrtpBackendOptions& options)
      : inbound_(direction == SrtpDirection::kInbound), max_streams_(options.max_streams) {
    ssrcs_.reserve(options.max_streams);
  }
  ~LibsrtpBackend() override {
    if (session_ != nullptr) srtp_dealloc(session_);
  }

  Result<void> Init(const SrtpKeys& keys, const SrtpBackendOptions& options) {
    if (!InitLibsrtpOnce()) return MakeError(ErrorCode::kInternal, "srtp: srtp_init failed");
    srtp_policy_t policy{};
    switch (keys.profile) {
      case SrtpProfile::kAes128CmHmacSha1_80:
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
        break;
      case SrtpProfile::kAeadAes128Gcm:
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
        break;
      case SrtpProfile::kAeadAes256Gcm:
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtp);
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtcp);
        break;
      default:
        return MakeError(ErrorCode::kInvalidArgument, "srtp: unknown protection profile");
    }
    std::array<uint8_t, kMaxSrtpMasterKeyLen + kMaxSrtpMasterSaltLen> key{};
    auto k = keys.key();
    auto s = keys.salt();
    std::copy(k.begin(), k.end(), key.begin());
    std::copy(s.begin(), s.end(), key.begin() + static_cast<ptrdiff_t>(k.size()));
    policy.ssrc.type = inbound_ ? ssrc_any_inbound : ssrc_any_outbound;
    policy.key = key.data();
    policy.window_size = options.replay_window;
    policy.allow_repeat_tx = options.allow_repeat_tx ? 1 : 0;
    policy.next = nullptr;
    const srtp_err_status_t st = srtp_create(&session_, &policy);
    std::fill(key.begin(), key.end(), uint8_t{0});
    if (st != srtp_err_status_ok) {
      session_ = nullptr;
      return MakeError(ErrorCode::kInternal, "srtp: srtp_create failed");
    }
    return Ok();
  }

  SrtpStatus ProtectRtp(const SrtpRtpRef& p) override {
    if (!Admit(p.ssrc)) return SrtpStatus::kOverCap;
    int len = static_cast<int>(p.size);
    SrtpStatus s = MapStatus(srtp_protect(session_, p.data, &len));
    Remember(p.ssrc);  // libsrtp created the outbound stream whatever the result
    return s;
  }

  SrtpStatus UnprotectRtp(const SrtpRtpRef& p) override {
    if (!Admit(p.ssrc)) return SrtpStatus::kOverCap;
    int len = static_cast<int>(p.size);
    SrtpStatus s = MapStatus(srtp_unprotect(session_, p.data, &len));
    if (s == SrtpStatus::kOk) Remember(p.ssrc);
    return s;
  }

  SrtpStatus ProtectRtcp(const SrtcpRef& p) override {
    if (!Admit(p.ssrc)) return SrtpStatus::kOverCap;
    int len = static_cast<int>(p.size);
    SrtpStatus s = MapStatus(srtp_protect_rtcp(session_, p.data, &len));
    Remember(p.ssrc);
    return s;
  }

  SrtpStatus UnprotectRtcp(const SrtcpRef& p) override {
    if (!Admit(p.ssrc)) return SrtpStatus::kOverCap;
    int len = static_cast<int>(p.size);
    SrtpStatus s = MapStatus(srtp_unprotect_rtcp(session_, p.data, &len));
    if (s == SrtpStatus::kOk) Remember(p.ssrc);
    return s;
  }

  size_t stream_count() const override { return ssrcs_.size(); }

 private:
  bool Known(uint32_t ssrc) const {
    return std::find(ssrcs_.begin(), ssrcs_.end(), ssrc) != ssrcs_.end();
  }
  bool Admit(uint32_t ssrc) const { return ssrcs_.size() < max_streams_ || Known(ssrc); }
  void Remember(uint32_t ssrc) {
    if (!Known(ssrc)) ssrcs_.push_back(ssrc);
  }

  bool inbound_;
  size_t max_streams_;
  srtp_t session_ = nullptr;
  std::vector<uint32_t> ssrcs_;  // reserved up front: no allocation per packet here
};

}  // namespace

Result<std::unique_ptr<SrtpBackend>> CreateLibsrtpBackend(const SrtpKeys& keys,
                                                          SrtpDirection direction,
                                                          const SrtpBackendOptions& options) {
  auto backend = std::make_unique<LibsrtpBackend>(direction, options);
  auto r = backend->Init(keys, options);
  if (!r.ok()) return r.error();
  return std::unique_ptr<SrtpBackend>(std::move(backend));
}

}  // namespace sluice
