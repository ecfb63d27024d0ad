// Zero heap allocations per SRTP protect + unprotect in steady state (DESIGN.md §4), counted
// over 10,000 pairs per profile: operator new and OpenSSL's allocations through
// sluice_alloc_counter and, outside sanitizer builds, malloc/calloc/realloc themselves
// (interposed here), which also sees libsrtp2's and NSS's allocations.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "srtp/srtp_session.h"
#include "srtp_test_util.h"
#include "support/alloc_counter.h"

#if defined(__SANITIZE_ADDRESS__)
#define SLUICE_NO_MALLOC_COUNT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLUICE_NO_MALLOC_COUNT 1
#endif
#endif

namespace {
std::atomic<uint64_t> g_mallocs{0};
}

#ifdef SLUICE_NO_MALLOC_COUNT
// sluice_alloc_counter does not replace the nothrow aligned operator new[] that PacketPool
// uses, so under ASan that allocation comes from ASan's operator new[] and is released by the
// replaced operator delete[] (free): ASan reports an alloc-dealloc mismatch that is not ours.
extern "C" const char* __asan_default_options() { return "alloc_dealloc_mismatch=0"; }
#endif

#ifndef SLUICE_NO_MALLOC_COUNT
extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* malloc(size_t n) {
  g_mallocs.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(n);
}
void* calloc(size_t n, size_t m) {
  g_mallocs.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(n, m);
}
void* realloc(void* p, size_t n) {
  g_mallocs.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(p, n);
}
}
#endif

namespace sluice {
namespace {

struct Allocs {
  uint64_t news;
  uint64_t mallocs;
};

Allocs RunPairs(SrtpProfile profile, SrtpBackendKind backend, int pairs, bool rtcp) {
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
  test::AllocationScope news;
  const uint64_t mallocs_before = g_mallocs.load();
  for (int i = 0; i < pairs; ++i) one(static_cast<uint16_t>(16 + i));
  return {news.count(), g_mallocs.load() - mallocs_before};
}

class SrtpAllocTest : public ::testing::TestWithParam<SrtpProfile> {};

TEST_P(SrtpAllocTest, OurBackendAllocatesNothingPerPacket) {
  const Allocs rtp = RunPairs(GetParam(), SrtpBackendKind::kOpenssl, 10000, false);
  EXPECT_EQ(rtp.news, 0u);
  EXPECT_EQ(rtp.mallocs, 0u);
  const Allocs rtcp = RunPairs(GetParam(), SrtpBackendKind::kOpenssl, 10000, true);
  EXPECT_EQ(rtcp.news, 0u);
  EXPECT_EQ(rtcp.mallocs, 0u);
}

// Not a requirement, a figure for the report: libsrtp2's allocations per protect+unprotect.
TEST_P(SrtpAllocTest, LibsrtpAllocationsForTheRecord) {
  const Allocs a = RunPairs(GetParam(), SrtpBackendKind::kLibsrtp, 1000, false);
  std::printf("libsrtp2 %s: %.2f new/OpenSSL and %.2f malloc calls per protect+unprotect\n",
              GetSrtpProfileInfo(GetParam())->name, a.news / 1000.0, a.mallocs / 1000.0);
  EXPECT_EQ(a.news, 0u);
}

INSTANTIATE_TEST_SUITE_P(AllProfiles, SrtpAllocTest, ::testing::ValuesIn(test::kAllProfiles),
                         [](const auto& info) {
                           return info.param == SrtpProfile::kAes128CmHmacSha1_80 ? "Cm"
                                  : info.param == SrtpProfile::kAeadAes128Gcm     ? "Gcm128"
                                                                                  : "Gcm256";
                         });

}  // namespace
}  // namespace sluice
