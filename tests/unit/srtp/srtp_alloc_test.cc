// Zero heap allocations per SRTP protect + unprotect in steady state (DESIGN.md §4), counted
// over 10,000 pairs per profile by sluice_alloc_counter: every malloc-family call outside ASan
// builds (which also sees libsrtp2's and NSS's allocations), operator new and OpenSSL's
// allocations under ASan.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "srtp/srtp_session.h"
#include "srtp_test_util.h"
#include "support/alloc_counter.h"

namespace sluice {
namespace {

uint64_t RunPairs(SrtpProfile profile, SrtpBackendKind backend, int pairs, bool rtcp) {
  Random rng(5);
  SrtpKeys keys = test::RandomKeys(profile, rng);
  SrtpSessionOptions o;
  o.backend = backend;
  auto tx = std::move(*SrtpSession::Create(keys, SrtpDirection::kOutbound, o));
  auto rx = std::move(*SrtpSession::Create(keys, SrtpDirection::kInbound, o));
  auto pool = std::move(*PacketPool::Create({.slot_count = 4}));
  const auto plain = rtcp ? test::MakeRtcp(7, 2) : test::MakeRtp(7, 0, 1200);
  auto one = [&](uint16_t seq) {
    auto buf = pool->Acquire();
    buf->Append(plain.size());
    std::memcpy(buf->mutable_data().data(), plain.data(), plain.size());
    StoreBe16(buf->mutable_data().data() + 2, rtcp ? plain[2] << 8 | plain[3] : seq);
    bool ok = rtcp ? tx->ProtectRtcp(*buf).ok() && rx->UnprotectRtcp(*buf).ok()
                   : tx->ProtectRtp(*buf).ok() && rx->UnprotectRtp(*buf).ok();
    EXPECT_TRUE(ok);
  };
  for (uint16_t s = 0; s < 16; ++s) one(s);  // warm up: stream creation, OpenSSL lazy init
  test::AllocationScope allocations;
  for (int i = 0; i < pairs; ++i) one(static_cast<uint16_t>(16 + i));
  return allocations.count();
}

class SrtpAllocTest : public ::testing::TestWithParam<SrtpProfile> {};

TEST_P(SrtpAllocTest, OurBackendAllocatesNothingPerPacket) {
  EXPECT_EQ(RunPairs(GetParam(), SrtpBackendKind::kOpenssl, 10000, false), 0u);
  EXPECT_EQ(RunPairs(GetParam(), SrtpBackendKind::kOpenssl, 10000, true), 0u);
}

// libsrtp2 (on NSS) allocates per packet: the figure for the report, and the proof that the
// counter sees allocations made by C libraries, not only by operator new.
TEST_P(SrtpAllocTest, LibsrtpAllocationsAreSeen) {
  const uint64_t a = RunPairs(GetParam(), SrtpBackendKind::kLibsrtp, 1000, false);
  std::printf("libsrtp2 %s: %.2f allocations per protect+unprotect\n",
              GetSrtpProfileInfo(GetParam())->name, static_cast<double>(a) / 1000.0);
  if (test::MallocCounted()) EXPECT_GT(a, 1000u);
}

INSTANTIATE_TEST_SUITE_P(AllProfiles, SrtpAllocTest, ::testing::ValuesIn(test::kAllProfiles),
                         [](const auto& info) {
                           return info.param == SrtpProfile::kAes128CmHmacSha1_80 ? "Cm"
                                  : info.param == SrtpProfile::kAeadAes128Gcm     ? "Gcm128"
                                                                                  : "Gcm256";
                         });

}  // namespace
}  // namespace sluice
