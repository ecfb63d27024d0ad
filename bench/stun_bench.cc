// STUN (src/stun): parse, parse + MESSAGE-INTEGRITY + FINGERPRINT, build, on a real ICE Binding
// request (aioice capture: USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE,
// MESSAGE-INTEGRITY, FINGERPRINT; 96 bytes).
//
// Limits, measured in the same run over the same bytes the integrity check hashes (the message
// up to MESSAGE-INTEGRITY):
//   BM_Limit_HmacSha1: OpenSSL 3's fastest public HMAC path: EVP_MAC fetched once, a context keyed
//     once, and per message only EVP_MAC_init(ctx, NULL, 0, NULL) (reset), update, final.
//   BM_Limit_HmacSha1PrecomputedPads: the floor under any HMAC-SHA1: the two SHA-1 states after
//     key^ipad and key^opad copied from a precomputed state, then the message blocks and one
//     outer block through OpenSSL's SHA-1 (SHA-NI where the CPU has it).
// Besides allocs/op (operator new), "openssl_allocs/op" counts OpenSSL's own mallocs (through
// CRYPTO_set_mem_functions; -1 if OpenSSL allocated before this file could install it).
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/sha.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "bench_util.h"
#include "stun/crc32.h"
#include "stun/stun_ice.h"
#include "stun/stun_integrity.h"
#include "stun/stun_message.h"
#include "support/alloc_counter.h"
#include "unit/stun/stun_test_vectors.h"

namespace {

class OpenSslAllocCounter {
 public:
  OpenSslAllocCounter() : start_(sluice::test::OpenSslAllocationCount()) {}
  void Finish(benchmark::State& state) const {
    state.counters["openssl_allocs/op"] = benchmark::Counter(
        sluice::test::OpenSslAllocationsCounted()
            ? static_cast<double>(sluice::test::OpenSslAllocationCount() - start_)
            : -1.0,
        sluice::test::OpenSslAllocationsCounted() ? benchmark::Counter::kAvgIterations
                                                  : benchmark::Counter::kDefaults);
  }

 private:
  uint64_t start_;
};

const std::vector<uint8_t>& Request() {
  static const auto bytes = sluice::stun_test::FromHex(sluice::stun_test::kAioiceRequestAtoB);
  return bytes;
}
std::string_view Password() { return sluice::stun_test::kAioicePwdB; }

// Bytes covered by MESSAGE-INTEGRITY in Request(): everything before the MI attribute.
size_t IntegrityCoveredBytes() {
  auto m = sluice::StunMessageView::Parse(Request());
  return m->Find(sluice::StunAttributeType::kMessageIntegrity)->offset;
}

void BM_StunParse(benchmark::State& state) {
  const auto& req = Request();
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    auto m = sluice::StunMessageView::Parse(req);
    benchmark::DoNotOptimize(m);
    if (!m.ok()) state.SkipWithError("parse failed");
    auto u = m->username();
    auto p = m->priority();
    bool uc = m->use_candidate();
    auto c = m->ice_controlling();
    benchmark::DoNotOptimize(u);
    benchmark::DoNotOptimize(p);
    benchmark::DoNotOptimize(uc);
    benchmark::DoNotOptimize(c);
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, req.size());
}
BENCHMARK(BM_StunParse);

void BM_StunParseAndVerify(benchmark::State& state) {
  const auto& req = Request();
  const auto key = sluice::StunIntegrityKey::ShortTerm(Password());
  sluice::bench::AllocationCounter allocs;
  OpenSslAllocCounter ossl;
  for (auto _ : state) {
    auto m = sluice::StunMessageView::Parse(req);
    if (!m.ok() || !sluice::VerifyMessageIntegrity(*m, key).ok() ||
        !sluice::VerifyFingerprint(*m).ok()) {
      state.SkipWithError("verification failed");
      break;
    }
    benchmark::DoNotOptimize(m);
  }
  ossl.Finish(state);
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, req.size());
}
BENCHMARK(BM_StunParseAndVerify);

// MESSAGE-INTEGRITY alone (no parse, no fingerprint): our HMAC path against the limits.
void BM_StunVerifyIntegrity(benchmark::State& state) {
  const auto& req = Request();
  const auto key = sluice::StunIntegrityKey::ShortTerm(Password());
  auto m = sluice::StunMessageView::Parse(req);
  sluice::bench::AllocationCounter allocs;
  OpenSslAllocCounter ossl;
  for (auto _ : state) {
    auto r = sluice::VerifyMessageIntegrity(*m, key);
    benchmark::DoNotOptimize(r);
  }
  ossl.Finish(state);
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, req.size());
}
BENCHMARK(BM_StunVerifyIntegrity);

void BM_Limit_HmacSha1(benchmark::State& state) {
  const auto& req = Request();
  const size_t n = IntegrityCoveredBytes();
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  char digest[] = "SHA1";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  const auto pwd = Password();
  if (EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(pwd.data()), pwd.size(), params) !=
      1) {
    state.SkipWithError("EVP_MAC_init failed");
  }
  uint8_t out[EVP_MAX_MD_SIZE];
  sluice::bench::AllocationCounter allocs;
  OpenSslAllocCounter ossl;
  for (auto _ : state) {
    size_t len = 0;
    EVP_MAC_init(ctx, nullptr, 0, nullptr);  // reset to the keyed state
    EVP_MAC_update(ctx, req.data(), n);
    EVP_MAC_final(ctx, out, &len, sizeof(out));
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  ossl.Finish(state);
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, req.size());
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
}
BENCHMARK(BM_Limit_HmacSha1);

void BM_Limit_HmacSha1PrecomputedPads(benchmark::State& state) {
  const auto& req = Request();
  const size_t n = IntegrityCoveredBytes();
  uint8_t k[SHA_CBLOCK] = {};
  const auto pwd = Password();
  std::memcpy(k, pwd.data(), pwd.size());
  uint8_t pad[SHA_CBLOCK];
  SHA_CTX inner0, outer0;
  for (size_t i = 0; i < SHA_CBLOCK; ++i) pad[i] = static_cast<uint8_t>(k[i] ^ 0x36);
  SHA1_Init(&inner0);
  SHA1_Update(&inner0, pad, sizeof(pad));
  for (size_t i = 0; i < SHA_CBLOCK; ++i) pad[i] = static_cast<uint8_t>(k[i] ^ 0x5c);
  SHA1_Init(&outer0);
  SHA1_Update(&outer0, pad, sizeof(pad));
  uint8_t inner[SHA_DIGEST_LENGTH];
  uint8_t out[SHA_DIGEST_LENGTH];
  sluice::bench::AllocationCounter allocs;
  OpenSslAllocCounter ossl;
  for (auto _ : state) {
    SHA_CTX c = inner0;
    SHA1_Update(&c, req.data(), n);
    SHA1_Final(inner, &c);
    c = outer0;
    SHA1_Update(&c, inner, sizeof(inner));
    SHA1_Final(out, &c);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  ossl.Finish(state);
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, req.size());
}
BENCHMARK(BM_Limit_HmacSha1PrecomputedPads);

void BM_StunFingerprintCrc32(benchmark::State& state) {
  const auto& req = Request();
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    benchmark::DoNotOptimize(req.data());
    uint32_t crc = sluice::Crc32(std::span<const uint8_t>(req).first(req.size() - 8));
    benchmark::DoNotOptimize(crc);
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, req.size() - 8);
}
BENCHMARK(BM_StunFingerprintCrc32);

void BM_StunBuildBindingRequest(benchmark::State& state) {
  const auto key = sluice::StunIntegrityKey::ShortTerm(Password());
  sluice::IceBindingRequestParams p;
  auto m = sluice::StunMessageView::Parse(Request());
  p.transaction_id = m->transaction_id();
  p.username = *m->username();
  p.priority = *m->priority();
  p.controlling = true;
  p.tie_breaker = *m->ice_controlling();
  p.use_candidate = true;
  uint8_t buf[256];
  size_t size = 0;
  sluice::bench::AllocationCounter allocs;
  OpenSslAllocCounter ossl;
  for (auto _ : state) {
    ++p.transaction_id.bytes[0];
    auto n = sluice::BuildIceBindingRequest(p, key, buf);
    if (!n.ok()) {
      state.SkipWithError("build failed");
      break;
    }
    size = *n;
    benchmark::DoNotOptimize(buf);
    benchmark::ClobberMemory();
  }
  ossl.Finish(state);
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, size);
}
BENCHMARK(BM_StunBuildBindingRequest);

SLUICE_COMPARE("BM_StunVerifyIntegrity", "BM_Limit_HmacSha1");
SLUICE_COMPARE("BM_StunVerifyIntegrity", "BM_Limit_HmacSha1PrecomputedPads");
SLUICE_COMPARE("BM_StunParseAndVerify", "BM_Limit_HmacSha1");
SLUICE_COMPARE("BM_StunParseAndVerify", "BM_Limit_HmacSha1PrecomputedPads");
SLUICE_COMPARE("BM_StunBuildBindingRequest", "BM_Limit_HmacSha1");
SLUICE_COMPARE("BM_StunBuildBindingRequest", "BM_Limit_HmacSha1PrecomputedPads");

}  // namespace
