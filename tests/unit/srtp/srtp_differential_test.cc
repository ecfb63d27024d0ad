// Differential test: sluice's OpenSSL backend against libsrtp2, fed the same keys and the same
// packets. Every protect must give byte-identical output and every decision (accept, or the
// reason for refusing) must be the same, over random SSRC/sequence streams with 16-bit
// wraparound, jumps, reordering, duplicates, tampering, truncation and a full stream table.
#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <vector>

#include "srtp/srtp_session.h"
#include "srtp_test_util.h"

namespace sluice {
namespace {

const char* Name(const Result<size_t>& r) { return r.ok() ? "ok" : r.error().message; }

struct Side {
  std::unique_ptr<SrtpSession> ours;
  std::unique_ptr<SrtpSession> lib;
};

Side MakeSide(const SrtpKeys& keys, SrtpDirection dir, SrtpSessionOptions o) {
  Side s;
  o.backend = SrtpBackendKind::kOpenssl;
  s.ours = std::move(*SrtpSession::Create(keys, dir, o));
  o.backend = SrtpBackendKind::kLibsrtp;
  s.lib = std::move(*SrtpSession::Create(keys, dir, o));
  return s;
}

struct Counts {
  int protected_ok = 0, protect_refused = 0, accepted = 0, refused = 0;
};

// Runs both backends on the same bytes; returns the agreed result (asserting agreement).
template <typename Fn>
Result<size_t> Both(const char* what, const std::vector<uint8_t>& input, size_t len,
                    std::vector<uint8_t>& out_bytes, Fn&& fn, Side& side) {
  std::vector<uint8_t> a = input, b = input;
  auto ra = fn(*side.ours, a, len);
  auto rb = fn(*side.lib, b, len);
  EXPECT_EQ(ra.ok(), rb.ok()) << what << ": ours " << Name(ra) << ", libsrtp " << Name(rb);
  if (ra.ok() && rb.ok()) {
    EXPECT_EQ(*ra, *rb) << what;
    a.resize(*ra);
    b.resize(*rb);
    EXPECT_EQ(a, b) << what << ": output bytes differ";
    out_bytes = a;
  } else if (!ra.ok() && !rb.ok()) {
    EXPECT_STREQ(ra.error().message, rb.error().message) << what;
  }
  return ra;
}

void RunScenario(SrtpProfile profile, uint64_t seed, Counts& counts) {
  Random rng(seed);
  SrtpKeys keys = test::RandomKeys(profile, rng);
  SrtpSessionOptions o;
  o.max_streams = 3;
  const size_t windows[] = {64, 128, 1024};
  o.replay_window = windows[rng.Uniform(0, 2)];
  o.allow_repeat_tx = rng.Bernoulli(0.5);
  Side tx = MakeSide(keys, SrtpDirection::kOutbound, o);
  Side rx = MakeSide(keys, SrtpDirection::kInbound, o);

  const uint32_t ssrcs[4] = {rng.NextU32(), rng.NextU32(), rng.NextU32(), rng.NextU32()};
  uint16_t next_seq[4];
  for (auto& s : next_seq) s = static_cast<uint16_t>(65536 - rng.Uniform(1, 3000));
  std::deque<std::vector<uint8_t>> delayed_rtp, delayed_rtcp;
  std::vector<std::vector<uint8_t>> sent_rtp;

  auto protect_rtp = [](SrtpSession& s, std::vector<uint8_t>& b, size_t len) {
    return s.ProtectRtp(b, len);
  };
  auto protect_rtcp = [](SrtpSession& s, std::vector<uint8_t>& b, size_t len) {
    return s.ProtectRtcp(b, len);
  };
  auto unprotect_rtp = [](SrtpSession& s, std::vector<uint8_t>& b, size_t) {
    return s.UnprotectRtp(b);
  };
  auto unprotect_rtcp = [](SrtpSession& s, std::vector<uint8_t>& b, size_t) {
    return s.UnprotectRtcp(b);
  };

  auto deliver = [&](std::vector<uint8_t> pkt, bool rtcp) {
    // Mutations on the way: tamper, truncate, or nothing.
    const uint64_t m = rng.Uniform(0, 99);
    if (m < 6 && !pkt.empty()) {
      pkt[rng.Uniform(0, pkt.size() - 1)] ^= static_cast<uint8_t>(1u << rng.Uniform(0, 7));
    } else if (m < 9 && !pkt.empty()) {
      pkt.resize(rng.Uniform(0, pkt.size() - 1));
    }
    std::vector<uint8_t> plain;
    auto r = rtcp ? Both("unprotect rtcp", pkt, pkt.size(), plain, unprotect_rtcp, rx)
                  : Both("unprotect rtp", pkt, pkt.size(), plain, unprotect_rtp, rx);
    (r.ok() ? counts.accepted : counts.refused)++;
  };

  for (int step = 0; step < 3000; ++step) {
    const int k = static_cast<int>(rng.Uniform(0, 3));
    const uint64_t kind = rng.Uniform(0, 99);
    if (kind < 8) {
      // SRTCP from this SSRC.
      auto plain = test::MakeRtcp(ssrcs[k], static_cast<int>(rng.Uniform(0, 3)),
                                  static_cast<uint8_t>(step));
      const size_t len = plain.size();
      plain.resize(len + kMaxSrtpTrailerLen);
      std::vector<uint8_t> srtcp;
      auto r = Both("protect rtcp", plain, len, srtcp, protect_rtcp, tx);
      if (!r.ok()) continue;
      if (rng.Bernoulli(0.2)) {
        delayed_rtcp.push_back(srtcp);
      } else {
        deliver(srtcp, true);
      }
      if (rng.Bernoulli(0.05)) deliver(srtcp, true);  // duplicate
      continue;
    }
    // SRTP: mostly the next sequence number, sometimes a jump, a retransmission or an old one.
    uint16_t seq = next_seq[k];
    if (kind < 12) {
      seq = static_cast<uint16_t>(seq + rng.Uniform(1, 40000));  // jump (even past 2^15)
    } else if (kind < 16) {
      seq = static_cast<uint16_t>(seq - rng.Uniform(1, 1200));  // retransmission / old
    }
    if (kind >= 16 || kind < 12) next_seq[k] = static_cast<uint16_t>(seq + 1);
    auto plain = test::MakeRtp(ssrcs[k], seq, rng.Uniform(0, 300),
                               static_cast<int>(rng.Uniform(0, 2)),
                               rng.Bernoulli(0.3) ? static_cast<int>(rng.Uniform(0, 3)) : -1,
                               static_cast<uint8_t>(step));
    const size_t len = plain.size();
    plain.resize(len + kMaxSrtpTrailerLen);
    std::vector<uint8_t> srtp;
    auto r = Both("protect rtp", plain, len, srtp, protect_rtp, tx);
    if (!r.ok()) {
      counts.protect_refused++;
      continue;
    }
    counts.protected_ok++;
    sent_rtp.push_back(srtp);
    if (rng.Bernoulli(0.15)) {
      delayed_rtp.push_back(srtp);  // reordered: delivered a few packets later
    } else {
      deliver(srtp, false);
    }
    if (!delayed_rtp.empty() && rng.Bernoulli(0.3)) {
      deliver(delayed_rtp.front(), false);
      delayed_rtp.pop_front();
    }
    if (!delayed_rtcp.empty() && rng.Bernoulli(0.3)) {
      deliver(delayed_rtcp.front(), true);
      delayed_rtcp.pop_front();
    }
    if (rng.Bernoulli(0.04)) {  // a replay of something sent earlier
      deliver(sent_rtp[rng.Uniform(0, sent_rtp.size() - 1)], false);
    }
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_EQ(tx.ours->stats().unknown_ssrc_over_cap, tx.lib->stats().unknown_ssrc_over_cap);
  EXPECT_EQ(rx.ours->stats().replays, rx.lib->stats().replays);
  EXPECT_EQ(rx.ours->stats().too_old, rx.lib->stats().too_old);
  EXPECT_EQ(rx.ours->stats().auth_failures, rx.lib->stats().auth_failures);
  EXPECT_EQ(rx.ours->stream_count(), rx.lib->stream_count());
}

class SrtpDifferentialTest : public ::testing::TestWithParam<SrtpProfile> {};

TEST_P(SrtpDifferentialTest, OursMatchesLibsrtp) {
  Counts counts;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    RunScenario(GetParam(), seed * 7919 + static_cast<uint64_t>(GetParam()), counts);
    ASSERT_FALSE(HasFailure()) << "seed " << seed;
  }
  // The scenario must exercise both outcomes on both sides.
  EXPECT_GT(counts.protected_ok, 10000);
  EXPECT_GT(counts.protect_refused, 100);
  EXPECT_GT(counts.accepted, 8000);
  EXPECT_GT(counts.refused, 1000);
}

// Interop in both directions: what one backend protects, the other unprotects.
TEST_P(SrtpDifferentialTest, CrossBackendInterop) {
  Random rng(99);
  SrtpKeys keys = test::RandomKeys(GetParam(), rng);
  for (auto [tx_kind, rx_kind] : {std::pair{SrtpBackendKind::kOpenssl, SrtpBackendKind::kLibsrtp},
                                  std::pair{SrtpBackendKind::kLibsrtp, SrtpBackendKind::kOpenssl}}) {
    SrtpSessionOptions to, ro;
    to.backend = tx_kind;
    ro.backend = rx_kind;
    auto tx = std::move(*SrtpSession::Create(keys, SrtpDirection::kOutbound, to));
    auto rx = std::move(*SrtpSession::Create(keys, SrtpDirection::kInbound, ro));
    for (int i = 0; i < 300; ++i) {
      auto plain = test::MakeRtp(42, static_cast<uint16_t>(65400 + i), 100);
      const auto want = plain;
      plain.resize(plain.size() + 16);
      auto n = tx->ProtectRtp(plain, want.size());
      ASSERT_TRUE(n.ok());
      plain.resize(*n);
      auto m = rx->UnprotectRtp(plain);
      ASSERT_TRUE(m.ok()) << i;
      plain.resize(*m);
      EXPECT_EQ(plain, want);
      auto rtcp = test::MakeRtcp(42, 1);
      const auto want_rtcp = rtcp;
      rtcp.resize(rtcp.size() + kMaxSrtpTrailerLen);
      auto c = tx->ProtectRtcp(rtcp, want_rtcp.size());
      ASSERT_TRUE(c.ok());
      rtcp.resize(*c);
      auto d = rx->UnprotectRtcp(rtcp);
      ASSERT_TRUE(d.ok());
      rtcp.resize(*d);
      EXPECT_EQ(rtcp, want_rtcp);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllProfiles, SrtpDifferentialTest, ::testing::ValuesIn(test::kAllProfiles),
                         [](const auto& info) {
                           return info.param == SrtpProfile::kAes128CmHmacSha1_80 ? "Cm"
                                  : info.param == SrtpProfile::kAeadAes128Gcm     ? "Gcm128"
                                                                                  : "Gcm256";
                         });

}  // namespace
}  // namespace sluice
