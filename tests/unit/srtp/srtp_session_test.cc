#include "srtp/srtp_session.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "srtp_test_util.h"

namespace sluice {
namespace {

using test::MakeRtcp;
using test::MakeRtp;

struct Pair {
  std::unique_ptr<SrtpSession> out;
  std::unique_ptr<SrtpSession> in;
};

Pair MakePair(SrtpProfile profile, SrtpSessionOptions options = {}, uint64_t seed = 1) {
  Random rng(seed);
  SrtpKeys keys = test::RandomKeys(profile, rng);
  Pair p;
  p.out = std::move(*SrtpSession::Create(keys, SrtpDirection::kOutbound, options));
  p.in = std::move(*SrtpSession::Create(keys, SrtpDirection::kInbound, options));
  return p;
}

// Protects `plain` into a buffer with room for the trailer; returns the SRTP bytes.
std::vector<uint8_t> Protect(SrtpSession& s, const std::vector<uint8_t>& plain) {
  std::vector<uint8_t> buf(plain.size() + kMaxSrtpTrailerLen);
  std::memcpy(buf.data(), plain.data(), plain.size());
  auto r = s.ProtectRtp(buf, plain.size());
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  buf.resize(r.ok() ? *r : 0);
  return buf;
}
std::vector<uint8_t> ProtectRtcp(SrtpSession& s, const std::vector<uint8_t>& plain) {
  std::vector<uint8_t> buf(plain.size() + kMaxSrtpTrailerLen);
  std::memcpy(buf.data(), plain.data(), plain.size());
  auto r = s.ProtectRtcp(buf, plain.size());
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  buf.resize(r.ok() ? *r : 0);
  return buf;
}
Result<size_t> Unprotect(SrtpSession& s, std::vector<uint8_t> packet) {
  return s.UnprotectRtp(packet);
}

class SrtpSessionTest : public ::testing::TestWithParam<std::tuple<SrtpProfile, SrtpBackendKind>> {
 protected:
  SrtpProfile profile() const { return std::get<0>(GetParam()); }
  SrtpSessionOptions options() const {
    SrtpSessionOptions o;
    o.backend = std::get<1>(GetParam());
    return o;
  }
};

TEST_P(SrtpSessionTest, RtpRoundTripInPacketBuffer) {
  auto pool = PacketPool::Create({.slot_count = 4});
  ASSERT_TRUE(pool.ok());
  auto [out, in] = MakePair(profile(), options());
  for (int csrcs : {0, 2}) {
    for (int ext : {-1, 0, 3}) {
      for (size_t payload : {size_t{0}, size_t{1}, size_t{160}, size_t{1200}}) {
        static uint16_t seq = 100;
        const auto plain = MakeRtp(0x11223344, seq++, payload, csrcs, ext);
        auto buf = (*pool)->Acquire();
        ASSERT_TRUE(buf.ok());
        ASSERT_TRUE(buf->Append(plain.size()));
        std::memcpy(buf->mutable_data().data(), plain.data(), plain.size());
        ASSERT_TRUE(out->ProtectRtp(*buf).ok());
        EXPECT_EQ(buf->size(), plain.size() + out->rtp_overhead());
        const size_t header = plain.size() - payload;
        EXPECT_EQ(std::memcmp(buf->data().data(), plain.data(), header), 0);  // header in clear
        if (payload >= 16) {
          EXPECT_NE(std::memcmp(buf->data().data() + header, plain.data() + header, payload), 0);
        }
        ASSERT_TRUE(in->UnprotectRtp(*buf).ok());
        ASSERT_EQ(buf->size(), plain.size());
        EXPECT_EQ(std::memcmp(buf->data().data(), plain.data(), plain.size()), 0);
      }
    }
  }
  EXPECT_EQ(in->stats().rtp_packets, 24u);
  EXPECT_EQ(out->stream_count(), 1u);
  EXPECT_EQ(in->stream_count(), 1u);
}

TEST_P(SrtpSessionTest, RtcpRoundTripInPacketBuffer) {
  auto pool = PacketPool::Create({.slot_count = 2});
  auto [out, in] = MakePair(profile(), options());
  for (int blocks = 0; blocks < 4; ++blocks) {
    const auto plain = MakeRtcp(0xabcdef01, blocks);
    auto buf = (*pool)->Acquire();
    ASSERT_TRUE(buf->Append(plain.size()));
    std::memcpy(buf->mutable_data().data(), plain.data(), plain.size());
    ASSERT_TRUE(out->ProtectRtcp(*buf).ok());
    ASSERT_EQ(buf->size(), plain.size() + out->rtcp_overhead());
    // E bit set and the index counts from 1 (as libsrtp does).
    const size_t word_at = GetSrtpProfileInfo(profile())->aead ? buf->size() - 4
                                                               : plain.size();
    EXPECT_EQ(LoadBe32(buf->data().data() + word_at), 0x80000000u | (blocks + 1u));
    ASSERT_TRUE(in->UnprotectRtcp(*buf).ok());
    ASSERT_EQ(buf->size(), plain.size());
    EXPECT_EQ(std::memcmp(buf->data().data(), plain.data(), plain.size()), 0);
  }
  EXPECT_EQ(in->stats().rtcp_packets, 4u);
}

TEST_P(SrtpSessionTest, ReplayedRtpIsRefusedAndCounted) {
  auto [out, in] = MakePair(profile(), options());
  const auto srtp = Protect(*out, MakeRtp(5, 1000, 100));
  ASSERT_TRUE(Unprotect(*in, srtp).ok());
  auto again = Unprotect(*in, srtp);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAuthFailed);
  EXPECT_EQ(in->stats().replays, 1u);
  EXPECT_STREQ(again.error().message, "srtp: replayed packet (index already seen)");
}

TEST_P(SrtpSessionTest, TooOldRtpIsRefused) {
  auto [out, in] = MakePair(profile(), options());
  const auto old = Protect(*out, MakeRtp(5, 1000, 10));
  for (uint16_t s = 1001; s <= 1200; ++s) ASSERT_TRUE(Unprotect(*in, Protect(*out, MakeRtp(5, s, 10))).ok());
  EXPECT_FALSE(Unprotect(*in, old).ok());
  EXPECT_EQ(in->stats().too_old, 1u);
}

TEST_P(SrtpSessionTest, ReorderedRtpAccepted) {
  auto [out, in] = MakePair(profile(), options());
  std::vector<std::vector<uint8_t>> packets;
  for (uint16_t s = 0; s < 50; ++s) packets.push_back(Protect(*out, MakeRtp(9, s, 20)));
  for (int i = 49; i >= 0; --i) ASSERT_TRUE(Unprotect(*in, packets[i]).ok()) << i;
  EXPECT_EQ(in->stats().rtp_packets, 50u);
}

TEST_P(SrtpSessionTest, TamperedRtpFailsAuthAtEveryByte) {
  auto [out, in] = MakePair(profile(), options());
  const auto srtp = Protect(*out, MakeRtp(77, 4242, 40, 1, 1));
  for (size_t i = 0; i < srtp.size(); ++i) {
    auto bad = srtp;
    bad[i] ^= 0x01;
    auto r = Unprotect(*in, bad);
    ASSERT_FALSE(r.ok()) << "byte " << i;
  }
  // A flipped bit in the header may also change lengths (CC, X) or the version: those are
  // malformed; every other failure is an authentication failure.
  EXPECT_EQ(in->stats().auth_failures + in->stats().malformed, srtp.size());
  EXPECT_GT(in->stats().auth_failures, srtp.size() - 4);
  EXPECT_TRUE(Unprotect(*in, srtp).ok());  // the failures did not poison the stream
}

TEST_P(SrtpSessionTest, TamperedRtcpFailsAuth) {
  auto [out, in] = MakePair(profile(), options());
  const auto srtcp = ProtectRtcp(*out, MakeRtcp(3, 2));
  for (size_t i = 0; i < srtcp.size(); ++i) {
    auto bad = srtcp;
    bad[i] ^= 0x40;
    EXPECT_FALSE(in->UnprotectRtcp(bad).ok()) << "byte " << i;
  }
  auto ok = srtcp;
  EXPECT_TRUE(in->UnprotectRtcp(ok).ok());
  auto replay = srtcp;
  auto r = in->UnprotectRtcp(replay);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(in->stats().replays, 1u);
}

TEST_P(SrtpSessionTest, UnknownSsrcPastCapIsRefused) {
  SrtpSessionOptions o = options();
  o.max_streams = 2;
  auto [out, in] = MakePair(profile(), o);
  const auto a = Protect(*out, MakeRtp(1, 10, 10));
  const auto b = Protect(*out, MakeRtp(2, 10, 10));
  std::vector<uint8_t> buf(100);
  auto c = out->ProtectRtp(buf, 0);  // too short: malformed, not counted as a stream
  EXPECT_FALSE(c.ok());
  auto plain3 = MakeRtp(3, 10, 10);
  plain3.resize(plain3.size() + 16);
  auto r = out->ProtectRtp(plain3, plain3.size() - 16);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kExhausted);
  EXPECT_EQ(out->stats().unknown_ssrc_over_cap, 1u);

  // Inbound: a forged packet for a new SSRC does not take a slot; a real one does.
  auto forged = b;
  forged.back() ^= 1;
  EXPECT_FALSE(Unprotect(*in, forged).ok());
  EXPECT_EQ(in->stream_count(), 0u);
  ASSERT_TRUE(Unprotect(*in, a).ok());
  ASSERT_TRUE(Unprotect(*in, b).ok());
  EXPECT_EQ(in->stream_count(), 2u);
  // A third SSRC, validly protected by a second sender with the same keys: over the cap.
  Random rng(1);
  SrtpKeys keys = test::RandomKeys(profile(), rng);
  auto other = std::move(*SrtpSession::Create(keys, SrtpDirection::kOutbound, options()));
  const auto third = Protect(*other, MakeRtp(3, 10, 10));
  auto over = Unprotect(*in, third);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::kExhausted);
  EXPECT_EQ(in->stats().unknown_ssrc_over_cap, 1u);
  EXPECT_TRUE(Unprotect(*in, Protect(*out, MakeRtp(1, 11, 10))).ok());  // known SSRCs go on
}

TEST_P(SrtpSessionTest, RocIncrementsAcrossSeqWrap) {
  auto [out, in] = MakePair(profile(), options());
  uint16_t seq = 65000;
  for (int i = 0; i < 70000; ++i, ++seq) {
    auto r = Unprotect(*in, Protect(*out, MakeRtp(0x5555, seq, 8)));
    ASSERT_TRUE(r.ok()) << i;
  }
  EXPECT_EQ(in->stats().rtp_packets, 70000u);
}

TEST_P(SrtpSessionTest, RetransmissionOfSameIndex) {
  SrtpSessionOptions o = options();
  auto [out, in] = MakePair(profile(), o);
  const auto plain = MakeRtp(8, 500, 30);
  const auto first = Protect(*out, plain);
  const auto again = Protect(*out, plain);  // allow_repeat_tx: same bytes
  EXPECT_EQ(first, again);
  o.allow_repeat_tx = false;
  auto [strict_out, strict_in] = MakePair(profile(), o);
  Protect(*strict_out, plain);
  auto buf = plain;
  buf.resize(plain.size() + 16);
  auto r = strict_out->ProtectRtp(buf, plain.size());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(strict_out->stats().replays, 1u);
}

TEST_P(SrtpSessionTest, MalformedRtpTruncatedAtEveryLength) {
  auto [out, in] = MakePair(profile(), options());
  const auto srtp = Protect(*out, MakeRtp(1, 1, 0, 3, 2));  // header 12 + 12 + 12 = 36, no payload
  const size_t tag = out->rtp_overhead();
  ASSERT_EQ(srtp.size(), 36 + tag);
  for (size_t n = 0; n < srtp.size(); ++n) {
    std::vector<uint8_t> cut(srtp.begin(), srtp.begin() + static_cast<ptrdiff_t>(n));
    auto r = in->UnprotectRtp(cut);
    ASSERT_FALSE(r.ok()) << n;
    if (n < 36 + tag) {
      EXPECT_TRUE(r.error().code == ErrorCode::kMalformed ||
                  r.error().code == ErrorCode::kTruncated) << n;
    }
  }
  EXPECT_EQ(in->stats().malformed, srtp.size());
  EXPECT_EQ(in->stats().auth_failures, 0u);
}

TEST_P(SrtpSessionTest, MalformedHeaders) {
  auto [out, in] = MakePair(profile(), options());
  auto plain = MakeRtp(1, 1, 20);
  plain.resize(plain.size() + 16);
  const size_t len = plain.size() - 16;
  auto v1 = plain;
  v1[0] = (v1[0] & 0x3f) | 0x40;  // version 1
  EXPECT_EQ(out->ProtectRtp(v1, len).error().code, ErrorCode::kMalformed);
  auto csrc = plain;
  csrc[0] |= 0x0f;  // 15 CSRCs: 72 bytes of header in a 32-byte packet
  EXPECT_EQ(out->ProtectRtp(csrc, len).error().code, ErrorCode::kTruncated);
  auto ext = MakeRtp(1, 1, 4, 0, 1);  // 12 + 4 + 4 header, 4 payload
  ext.resize(ext.size() + 16);
  StoreBe16(&ext[14], 200);  // extension length lies: 800 bytes
  EXPECT_EQ(out->ProtectRtp(ext, ext.size() - 16).error().code, ErrorCode::kTruncated);
  // On receive, an extension reaching into the tag is malformed too.
  auto srtp = Protect(*out, MakeRtp(1, 2, 0, 0, 1));
  StoreBe16(&srtp[14], 2);  // 8 more header bytes: now it ends inside the tag
  auto r = in->UnprotectRtp(srtp);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTruncated);
  EXPECT_EQ(out->stats().malformed, 3u);
}

TEST_P(SrtpSessionTest, MalformedRtcp) {
  auto [out, in] = MakePair(profile(), options());
  std::vector<uint8_t> tiny(7 + 20);
  tiny[0] = 0x80;
  EXPECT_EQ(out->ProtectRtcp(tiny, 7).error().code, ErrorCode::kMalformed);
  const auto srtcp = ProtectRtcp(*out, MakeRtcp(3, 1));
  for (size_t n = 0; n < 8 + out->rtcp_overhead(); ++n) {
    std::vector<uint8_t> cut(srtcp.begin(), srtcp.begin() + static_cast<ptrdiff_t>(n));
    EXPECT_EQ(in->UnprotectRtcp(cut).error().code, ErrorCode::kMalformed) << n;
  }
  // E bit cleared: refused before any crypto.
  auto clear = srtcp;
  const size_t word_at = GetSrtpProfileInfo(profile())->aead ? clear.size() - 4
                                                             : clear.size() - 14;
  clear[word_at] &= 0x7f;
  auto r = in->UnprotectRtcp(clear);
  ASSERT_FALSE(r.ok());
  EXPECT_STREQ(r.error().message, "srtcp: E bit clear (unencrypted SRTCP refused)");
  auto v0 = srtcp;
  v0[0] &= 0x3f;
  EXPECT_EQ(in->UnprotectRtcp(v0).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(in->stats().auth_failures, 0u);
}

TEST_P(SrtpSessionTest, NoRoomAndWrongDirection) {
  auto [out, in] = MakePair(profile(), options());
  auto plain = MakeRtp(1, 1, 20);
  const size_t len = plain.size();
  plain.resize(len + out->rtp_overhead() - 1);
  auto r = out->ProtectRtp(plain, len);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kBufferTooSmall);
  EXPECT_EQ(out->stats().no_room, 1u);
  EXPECT_EQ(in->ProtectRtp(plain, len).error().code, ErrorCode::kInvalidState);
  EXPECT_EQ(out->UnprotectRtp(plain).error().code, ErrorCode::kInvalidState);
  EXPECT_EQ(out->UnprotectRtcp(plain).error().code, ErrorCode::kInvalidState);
  EXPECT_EQ(in->ProtectRtcp(plain, len).error().code, ErrorCode::kInvalidState);
  EXPECT_EQ(out->ProtectRtp(plain, plain.size() + 1).error().code, ErrorCode::kInvalidArgument);

  // A PacketBuffer without tailroom.
  auto pool = PacketPool::Create({.slot_count = 1, .headroom = 0, .capacity = 64, .tailroom = 0});
  ASSERT_TRUE(pool.ok());
  auto buf = (*pool)->Acquire();
  const auto full = MakeRtp(1, 2, 64 - 12);
  ASSERT_TRUE(buf->Append(full.size()));
  std::memcpy(buf->mutable_data().data(), full.data(), full.size());
  auto pr = out->ProtectRtp(*buf);
  ASSERT_FALSE(pr.ok());
  EXPECT_EQ(pr.error().code, ErrorCode::kBufferTooSmall);
  EXPECT_EQ(buf->size(), full.size());
}

TEST_P(SrtpSessionTest, WrongKeyFailsAuth) {
  auto [out, in] = MakePair(profile(), options(), 1);
  auto [out2, in2] = MakePair(profile(), options(), 2);
  auto r = Unprotect(*in2, Protect(*out, MakeRtp(1, 1, 50)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kAuthFailed);
  EXPECT_EQ(in2->stats().auth_failures, 1u);
}

INSTANTIATE_TEST_SUITE_P(
    AllProfilesBothBackends, SrtpSessionTest,
    ::testing::Combine(::testing::ValuesIn(test::kAllProfiles),
                       ::testing::Values(SrtpBackendKind::kOpenssl, SrtpBackendKind::kLibsrtp)),
    [](const auto& info) {
      std::string name = std::get<0>(info.param) == SrtpProfile::kAes128CmHmacSha1_80 ? "Cm"
                         : std::get<0>(info.param) == SrtpProfile::kAeadAes128Gcm    ? "Gcm128"
                                                                                     : "Gcm256";
      return name + (std::get<1>(info.param) == SrtpBackendKind::kOpenssl ? "Ours" : "Libsrtp");
    });

TEST(SrtpSessionCreateTest, RejectsBadOptions) {
  Random rng(3);
  SrtpKeys keys = test::RandomKeys(SrtpProfile::kAeadAes128Gcm, rng);
  SrtpSessionOptions o;
  o.replay_window = 100;
  EXPECT_EQ(SrtpSession::Create(keys, SrtpDirection::kInbound, o).error().code,
            ErrorCode::kInvalidArgument);
  o.replay_window = 2048;
  EXPECT_FALSE(SrtpSession::Create(keys, SrtpDirection::kInbound, o).ok());
  o.replay_window = 1024;
  o.max_streams = 0;
  EXPECT_FALSE(SrtpSession::Create(keys, SrtpDirection::kInbound, o).ok());
  o.max_streams = 1;
  EXPECT_TRUE(SrtpSession::Create(keys, SrtpDirection::kInbound, o).ok());
  keys.profile = static_cast<SrtpProfile>(42);
  EXPECT_FALSE(SrtpSession::Create(keys, SrtpDirection::kInbound, {}).ok());
}

}  // namespace
}  // namespace sluice
