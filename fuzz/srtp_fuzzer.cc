// Differential fuzz target for the SRTP engine: sluice's OpenSSL backend against libsrtp2.
//
// The input chooses the profile, the options, the master key and salt, then a script of
// operations (protect RTP/RTCP, unprotect fuzzer bytes as SRTP/SRTCP, tamper with or replay the
// last protected packet). Every operation runs on both backends over copies of the same bytes:
// they must agree on accept/refuse (and its reason) and produce identical bytes, and every
// protected packet must unprotect back to its plaintext (the round trip). Any disagreement
// aborts.
//
//   input: profile(1) flags(1) key+salt(46) then ops: opcode(1) length(1) bytes(length)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "srtp/srtp_session.h"

namespace {

using sluice::Result;
using sluice::SrtpSession;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "srtp_fuzzer: backends disagree: %s\n", what);
  std::abort();
}

struct Pair {
  std::unique_ptr<SrtpSession> ours, lib;
};

Pair Make(const sluice::SrtpKeys& keys, sluice::SrtpDirection dir, sluice::SrtpSessionOptions o) {
  Pair p;
  o.backend = sluice::SrtpBackendKind::kOpenssl;
  auto a = SrtpSession::Create(keys, dir, o);
  o.backend = sluice::SrtpBackendKind::kLibsrtp;
  auto b = SrtpSession::Create(keys, dir, o);
  if (!a.ok() || !b.ok()) std::abort();
  p.ours = std::move(*a);
  p.lib = std::move(*b);
  return p;
}

// Runs `fn` on both sessions of `pair` over copies of `in`; returns the agreed output bytes.
template <typename Fn>
bool Both(Pair& pair, const std::vector<uint8_t>& in, size_t len, std::vector<uint8_t>& out,
          Fn fn, const char* what) {
  std::vector<uint8_t> a = in, b = in;
  Result<size_t> ra = fn(*pair.ours, a, len);
  Result<size_t> rb = fn(*pair.lib, b, len);
  if (ra.ok() != rb.ok()) Fail(what);
  if (!ra.ok()) {
    if (std::strcmp(ra.error().message, rb.error().message) != 0) Fail(what);
    return false;
  }
  if (*ra != *rb) Fail(what);
  a.resize(*ra);
  b.resize(*rb);
  if (a != b) Fail(what);
  out = std::move(a);
  return true;
}

Result<size_t> ProtectRtp(SrtpSession& s, std::vector<uint8_t>& b, size_t len) {
  return s.ProtectRtp(b, len);
}
Result<size_t> ProtectRtcp(SrtpSession& s, std::vector<uint8_t>& b, size_t len) {
  return s.ProtectRtcp(b, len);
}
Result<size_t> UnprotectRtp(SrtpSession& s, std::vector<uint8_t>& b, size_t) {
  return s.UnprotectRtp(b);
}
Result<size_t> UnprotectRtcp(SrtpSession& s, std::vector<uint8_t>& b, size_t) {
  return s.UnprotectRtcp(b);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kPrefix = 2 + 46;
  if (size < kPrefix) return 0;
  static constexpr sluice::SrtpProfile kProfiles[] = {sluice::SrtpProfile::kAes128CmHmacSha1_80,
                                                      sluice::SrtpProfile::kAeadAes128Gcm,
                                                      sluice::SrtpProfile::kAeadAes256Gcm};
  const sluice::SrtpProfile profile = kProfiles[data[0] % 3];
  const auto* info = sluice::GetSrtpProfileInfo(profile);
  sluice::SrtpSessionOptions o;
  o.replay_window = 64u << (data[1] & 3);  // 64..512
  o.allow_repeat_tx = (data[1] & 4) != 0;
  o.max_streams = 1 + ((data[1] >> 3) & 3);
  auto keys = sluice::SrtpKeys::Create(
      profile, {data + 2, info->master_key_len},
      {data + 2 + info->master_key_len, info->master_salt_len});
  if (!keys.ok()) std::abort();
  Pair tx = Make(*keys, sluice::SrtpDirection::kOutbound, o);
  Pair rx = Make(*keys, sluice::SrtpDirection::kInbound, o);

  std::vector<uint8_t> last, last_plain;
  bool last_rtcp = false;
  size_t pos = kPrefix;
  while (pos + 2 <= size) {
    const uint8_t op = data[pos] % 6;
    size_t len = data[pos + 1];
    pos += 2;
    if (len > size - pos) len = size - pos;
    std::vector<uint8_t> bytes(data + pos, data + pos + len);
    pos += len;
    std::vector<uint8_t> out;
    switch (op) {
      case 0:    // protect RTP, then unprotect it: must round-trip
      case 1: {  // the same for RTCP
        const bool rtcp = op == 1;
        std::vector<uint8_t> buf = bytes;
        buf.resize(len + sluice::kMaxSrtpTrailerLen);
        bool ok = rtcp ? Both(tx, buf, len, out, ProtectRtcp, "protect rtcp")
                       : Both(tx, buf, len, out, ProtectRtp, "protect rtp");
        if (!ok) break;
        last = out;
        last_plain = bytes;
        last_rtcp = rtcp;
        std::vector<uint8_t> plain;
        bool back = rtcp ? Both(rx, out, out.size(), plain, UnprotectRtcp, "unprotect rtcp")
                         : Both(rx, out, out.size(), plain, UnprotectRtp, "unprotect rtp");
        // A fresh packet may still be refused (e.g. too old, or over the stream cap), but
        // what is accepted must be exactly what was protected.
        if (back && plain != bytes) Fail("round trip changed the packet");
        break;
      }
      case 2:
        Both(rx, bytes, len, out, UnprotectRtp, "unprotect fuzzer rtp");
        break;
      case 3:
        Both(rx, bytes, len, out, UnprotectRtcp, "unprotect fuzzer rtcp");
        break;
      case 4: {  // tamper with the last protected packet at fuzzer-chosen positions
        if (last.empty()) break;
        std::vector<uint8_t> bad = last;
        for (size_t i = 0; i + 1 < len; i += 2) bad[bytes[i] % bad.size()] ^= bytes[i + 1];
        if (last_rtcp) {
          Both(rx, bad, bad.size(), out, UnprotectRtcp, "unprotect tampered rtcp");
        } else {
          Both(rx, bad, bad.size(), out, UnprotectRtp, "unprotect tampered rtp");
        }
        break;
      }
      case 5:  // replay the last protected packet
        if (last.empty()) break;
        if (last_rtcp) {
          Both(rx, last, last.size(), out, UnprotectRtcp, "replay rtcp");
        } else if (Both(rx, last, last.size(), out, UnprotectRtp, "replay rtp") &&
                   out != last_plain) {
          Fail("replayed packet changed");
        }
        break;
    }
  }
  return 0;
}
