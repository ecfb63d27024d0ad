// SRTP protect and unprotect, each profile, both backends, 160- and 1200-byte payloads, each
// printed beside its physical limit measured in the same run: raw OpenSSL 3 called the fastest
// way it allows on the same bytes (cipher fetched once with EVP_CIPHER_fetch, one context per
// key kept keyed, only the IV set per packet, the GCM tag handed over as an OSSL_PARAM with
// EVP_CIPHER_CTX_set_params / get_params, which callgrind counts 150-220 instructions cheaper
// per packet than EVP_CIPHER_CTX_ctrl(EVP_CTRL_AEAD_SET_TAG / GET_TAG); for AES-CM the same AES-CTR plus HMAC-SHA1 from a
// pre-keyed SHA-1 state copied per packet, the fastest HMAC OpenSSL 3 offers, see
// BM_HmacSha1_*). Also the bulk AES-128-GCM rate over 16 KiB buffers, the per-byte ceiling.
//
// Timing: this machine kind is shared (2 cores, several builds at once), so wall time is mostly
// other people's work. Every benchmark here therefore times batches of 32 operations with the
// thread's CPU clock (CLOCK_THREAD_CPUTIME_ID) and reports CPU time per operation through
// UseManualTime; ours, libsrtp2 and the raw-OpenSSL limits are all measured the same way, so the
// ratios compare like with like. Unprotect needs a fresh index per packet (the replay window
// refuses repeats), so each unprotect batch is first protected untimed.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/sha.h>

#include <time.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench_util.h"
#include "common/byte_order.h"
#include "srtp/srtp_session.h"

namespace {

using sluice::SrtpBackendKind;
using sluice::SrtpProfile;

// CPU time of this thread, in seconds.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

constexpr int kBatch = 32;
constexpr size_t kHeader = 12;

struct Case {
  const char* name;
  SrtpProfile profile;
};
constexpr Case kCases[] = {{"Gcm128", SrtpProfile::kAeadAes128Gcm},
                           {"Gcm256", SrtpProfile::kAeadAes256Gcm},
                           {"Cm128Sha1_80", SrtpProfile::kAes128CmHmacSha1_80}};

sluice::SrtpKeys Keys(SrtpProfile p) {
  const auto* info = sluice::GetSrtpProfileInfo(p);
  std::vector<uint8_t> key(info->master_key_len), salt(info->master_salt_len);
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(0x11 * i + 3);
  for (size_t i = 0; i < salt.size(); ++i) salt[i] = static_cast<uint8_t>(0x07 * i + 9);
  return *sluice::SrtpKeys::Create(p, key, salt);
}

std::vector<uint8_t> RtpPacket(size_t payload) {
  std::vector<uint8_t> p(kHeader + payload + 64);
  p[0] = 0x80;
  p[1] = 111;
  sluice::StoreBe32(&p[4], 123456);
  sluice::StoreBe32(&p[8], 0x1f2e3d4c);
  for (size_t i = kHeader; i < p.size(); ++i) p[i] = static_cast<uint8_t>(i);
  return p;
}

std::unique_ptr<sluice::SrtpSession> Session(SrtpProfile p, sluice::SrtpDirection d,
                                             SrtpBackendKind b) {
  sluice::SrtpSessionOptions o;
  o.backend = b;
  o.allow_repeat_tx = false;
  return std::move(*sluice::SrtpSession::Create(Keys(p), d, o));
}

void PublishAllocs(benchmark::State& state, uint64_t allocs, double per_iteration_packets) {
  state.counters["allocs/op"] = benchmark::Counter(
      static_cast<double>(allocs) / per_iteration_packets, benchmark::Counter::kAvgIterations);
}

void BM_SrtpProtect(benchmark::State& state, SrtpProfile profile, SrtpBackendKind backend) {
  const size_t len = kHeader + static_cast<size_t>(state.range(0));
  auto tx = Session(profile, sluice::SrtpDirection::kOutbound, backend);
  auto buf = RtpPacket(static_cast<size_t>(state.range(0)));
  uint16_t seq = 0;
  sluice::test::AllocationScope allocs;
  for (auto _ : state) {
    const double t0 = ThreadCpuSeconds();
    for (int k = 0; k < kBatch; ++k) {
      sluice::StoreBe16(&buf[2], seq++);
      auto r = tx->ProtectRtp(buf, len);
      if (!r.ok()) state.SkipWithError(r.error().message);
      benchmark::DoNotOptimize(buf.data());
      benchmark::ClobberMemory();
    }
    state.SetIterationTime((ThreadCpuSeconds() - t0) / kBatch);
  }
  PublishAllocs(state, allocs.count(), kBatch);
  sluice::bench::SetPacketRate(state, len);
}

void BM_SrtpUnprotect(benchmark::State& state, SrtpProfile profile, SrtpBackendKind backend) {
  const size_t len = kHeader + static_cast<size_t>(state.range(0));
  auto tx = Session(profile, sluice::SrtpDirection::kOutbound, SrtpBackendKind::kOpenssl);
  auto rx = Session(profile, sluice::SrtpDirection::kInbound, backend);
  const auto plain = RtpPacket(static_cast<size_t>(state.range(0)));
  std::vector<std::vector<uint8_t>> batch(kBatch, plain);
  size_t protected_len = 0;
  uint16_t seq = 0;
  uint64_t allocs = 0;
  for (auto _ : state) {
    for (auto& p : batch) {
      std::memcpy(p.data(), plain.data(), len);
      sluice::StoreBe16(&p[2], seq++);
      protected_len = *tx->ProtectRtp(p, len);
    }
    sluice::test::AllocationScope scope;
    const double t0 = ThreadCpuSeconds();
    for (auto& p : batch) {
      auto r = rx->UnprotectRtp(std::span<uint8_t>(p.data(), protected_len));
      if (!r.ok()) state.SkipWithError(r.error().message);
      benchmark::DoNotOptimize(p.data());
    }
    benchmark::ClobberMemory();
    const double t1 = ThreadCpuSeconds();
    allocs += scope.count();
    state.SetIterationTime((t1 - t0) / kBatch);
  }
  PublishAllocs(state, allocs, kBatch);
  sluice::bench::SetPacketRate(state, len);
}

// ---- The limits: raw OpenSSL 3, the fastest way it allows. ----

struct RawGcm {
  EVP_CIPHER* cipher;
  EVP_CIPHER_CTX* enc = EVP_CIPHER_CTX_new();
  EVP_CIPHER_CTX* dec = EVP_CIPHER_CTX_new();
  explicit RawGcm(size_t key_len)
      : cipher(EVP_CIPHER_fetch(nullptr, key_len == 32 ? "AES-256-GCM" : "AES-128-GCM", nullptr)) {
    uint8_t key[32] = {1, 2, 3};
    EVP_EncryptInit_ex2(enc, cipher, key, nullptr, nullptr);
    EVP_DecryptInit_ex2(dec, cipher, key, nullptr, nullptr);
  }
  ~RawGcm() {
    EVP_CIPHER_CTX_free(enc);
    EVP_CIPHER_CTX_free(dec);
    EVP_CIPHER_free(cipher);
  }
  void Seal(const uint8_t iv[12], uint8_t* p, size_t len) {
    int outl = 0;
    EVP_EncryptInit_ex2(enc, nullptr, nullptr, iv, nullptr);
    EVP_EncryptUpdate(enc, nullptr, &outl, p, kHeader);
    EVP_EncryptUpdate(enc, p + kHeader, &outl, p + kHeader, static_cast<int>(len - kHeader));
    EVP_EncryptFinal_ex(enc, p + len, &outl);
    OSSL_PARAM params[] = {OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, p + len, 16),
                           OSSL_PARAM_END};
    EVP_CIPHER_CTX_get_params(enc, params);
  }
  bool Open(const uint8_t iv[12], uint8_t* p, size_t len) {
    int outl = 0;
    uint8_t scratch[16];
    EVP_DecryptInit_ex2(dec, nullptr, nullptr, iv, nullptr);
    OSSL_PARAM params[] = {OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, p + len, 16),
                           OSSL_PARAM_END};
    EVP_CIPHER_CTX_set_params(dec, params);
    EVP_DecryptUpdate(dec, nullptr, &outl, p, kHeader);
    EVP_DecryptUpdate(dec, p + kHeader, &outl, p + kHeader, static_cast<int>(len - kHeader));
    return EVP_DecryptFinal_ex(dec, scratch, &outl) == 1;
  }
};

struct RawCm {
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-128-CTR", nullptr);
  EVP_CIPHER_CTX* ctr = EVP_CIPHER_CTX_new();
  SHA_CTX inner{}, outer{};
  RawCm() {
    uint8_t key[16] = {1, 2, 3};
    EVP_EncryptInit_ex2(ctr, cipher, key, nullptr, nullptr);
    uint8_t ipad[64], opad[64];
    for (int i = 0; i < 64; ++i) {
      ipad[i] = static_cast<uint8_t>((i < 20 ? i : 0) ^ 0x36);
      opad[i] = static_cast<uint8_t>((i < 20 ? i : 0) ^ 0x5c);
    }
    SHA1_Init(&inner);
    SHA1_Update(&inner, ipad, 64);
    SHA1_Init(&outer);
    SHA1_Update(&outer, opad, 64);
  }
  ~RawCm() {
    EVP_CIPHER_CTX_free(ctr);
    EVP_CIPHER_free(cipher);
  }
  void Mac(const uint8_t* p, size_t len, const uint8_t roc[4], uint8_t out[20]) const {
    SHA_CTX c = inner;
    SHA1_Update(&c, p, len);
    SHA1_Update(&c, roc, 4);
    uint8_t d[20];
    SHA1_Final(d, &c);
    c = outer;
    SHA1_Update(&c, d, 20);
    SHA1_Final(out, &c);
  }
  void Ctr(const uint8_t iv[16], uint8_t* p, size_t n) {
    int outl = 0;
    EVP_EncryptInit_ex2(ctr, nullptr, nullptr, iv, nullptr);
    EVP_EncryptUpdate(ctr, p, &outl, p, static_cast<int>(n));
  }
  void Seal(const uint8_t iv[16], uint8_t* p, size_t len) {
    static const uint8_t roc[4] = {};
    Ctr(iv, p + kHeader, len - kHeader);
    uint8_t mac[20];
    Mac(p, len, roc, mac);
    std::memcpy(p + len, mac, 10);
  }
  bool Open(const uint8_t iv[16], uint8_t* p, size_t len) {
    static const uint8_t roc[4] = {};
    uint8_t mac[20];
    Mac(p, len, roc, mac);
    if (CRYPTO_memcmp(mac, p + len, 10) != 0) return false;
    Ctr(iv, p + kHeader, len - kHeader);
    return true;
  }
};

template <typename Raw>
std::unique_ptr<Raw> MakeRaw(SrtpProfile p) {
  if constexpr (std::is_same_v<Raw, RawGcm>) {
    return std::make_unique<RawGcm>(sluice::GetSrtpProfileInfo(p)->master_key_len);
  } else {
    return std::make_unique<RawCm>();
  }
}

template <typename Raw>
void BM_LimitProtect(benchmark::State& state, SrtpProfile profile) {
  const size_t len = kHeader + static_cast<size_t>(state.range(0));
  auto raw = MakeRaw<Raw>(profile);
  auto buf = RtpPacket(static_cast<size_t>(state.range(0)));
  uint8_t iv[16] = {9, 8, 7};
  uint16_t seq = 0;
  sluice::test::AllocationScope allocs;
  for (auto _ : state) {
    const double t0 = ThreadCpuSeconds();
    for (int k = 0; k < kBatch; ++k) {
      sluice::StoreBe16(&iv[10], seq++);
      raw->Seal(iv, buf.data(), len);
      benchmark::DoNotOptimize(buf.data());
      benchmark::ClobberMemory();
    }
    state.SetIterationTime((ThreadCpuSeconds() - t0) / kBatch);
  }
  PublishAllocs(state, allocs.count(), kBatch);
  sluice::bench::SetPacketRate(state, len);
}

template <typename Raw>
void BM_LimitUnprotect(benchmark::State& state, SrtpProfile profile) {
  const size_t len = kHeader + static_cast<size_t>(state.range(0));
  auto raw = MakeRaw<Raw>(profile);
  const auto plain = RtpPacket(static_cast<size_t>(state.range(0)));
  std::vector<std::vector<uint8_t>> batch(kBatch, plain);
  uint8_t iv[kBatch][16] = {};
  uint16_t seq = 0;
  uint64_t allocs = 0;
  for (auto _ : state) {
    for (int k = 0; k < kBatch; ++k) {
      std::memcpy(batch[k].data(), plain.data(), len);
      sluice::StoreBe16(&iv[k][10], seq++);
      raw->Seal(iv[k], batch[k].data(), len);
    }
    sluice::test::AllocationScope scope;
    const double t0 = ThreadCpuSeconds();
    for (int k = 0; k < kBatch; ++k) {
      if (!raw->Open(iv[k], batch[k].data(), len)) state.SkipWithError("raw open failed");
      benchmark::DoNotOptimize(batch[k].data());
    }
    benchmark::ClobberMemory();
    const double t1 = ThreadCpuSeconds();
    allocs += scope.count();
    state.SetIterationTime((t1 - t0) / kBatch);
  }
  PublishAllocs(state, allocs, kBatch);
  sluice::bench::SetPacketRate(state, len);
}

// The per-byte ceiling: AES-128-GCM over 16 KiB, IV-only re-init per buffer.
void BM_Limit_AesGcm128Bulk(benchmark::State& state) {
  RawGcm raw(16);
  const size_t len = static_cast<size_t>(state.range(0));
  std::vector<uint8_t> buf(len + 16 + kHeader);
  uint8_t iv[12] = {};
  uint16_t n = 0;
  for (auto _ : state) {
    const double t0 = ThreadCpuSeconds();
    for (int k = 0; k < 8; ++k) {
      sluice::StoreBe16(&iv[10], n++);
      raw.Seal(iv, buf.data(), len + kHeader);
      benchmark::DoNotOptimize(buf.data());
      benchmark::ClobberMemory();
    }
    state.SetIterationTime((ThreadCpuSeconds() - t0) / 8);
  }
  sluice::bench::SetPacketRate(state, len);
}
BENCHMARK(BM_Limit_AesGcm128Bulk)->Arg(16384)->UseManualTime();

// The two HMAC-SHA1 strategies for AES-CM, over a 1200-byte payload packet + ROC: a copied
// pre-keyed SHA-1 state (what sluice does) against EVP_MAC re-initialised with the same key.
void BM_HmacSha1_PrecomputedState(benchmark::State& state) {
  RawCm raw;
  std::vector<uint8_t> buf(static_cast<size_t>(state.range(0)), 0x5a);
  uint8_t out[20], roc[4] = {};
  sluice::test::AllocationScope allocs;
  for (auto _ : state) {
    const double t0 = ThreadCpuSeconds();
    for (int k = 0; k < kBatch; ++k) {
      raw.Mac(buf.data(), buf.size(), roc, out);
      benchmark::DoNotOptimize(out);
    }
    state.SetIterationTime((ThreadCpuSeconds() - t0) / kBatch);
  }
  PublishAllocs(state, allocs.count(), kBatch);
  sluice::bench::SetPacketRate(state, buf.size());
}
BENCHMARK(BM_HmacSha1_PrecomputedState)->Arg(1212)->UseManualTime();

void BM_HmacSha1_EvpMacReinit(benchmark::State& state) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  char digest[] = "SHA1";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  uint8_t key[20] = {1, 2, 3};
  EVP_MAC_init(ctx, key, sizeof(key), params);
  std::vector<uint8_t> buf(static_cast<size_t>(state.range(0)), 0x5a);
  uint8_t out[20], roc[4] = {};
  size_t outl = 0;
  sluice::test::AllocationScope allocs;
  for (auto _ : state) {
    const double t0 = ThreadCpuSeconds();
    for (int k = 0; k < kBatch; ++k) {
      EVP_MAC_init(ctx, nullptr, 0, nullptr);  // same key again
      EVP_MAC_update(ctx, buf.data(), buf.size());
      EVP_MAC_update(ctx, roc, 4);
      EVP_MAC_final(ctx, out, &outl, sizeof(out));
      benchmark::DoNotOptimize(out);
    }
    state.SetIterationTime((ThreadCpuSeconds() - t0) / kBatch);
  }
  PublishAllocs(state, allocs.count(), kBatch);
  sluice::bench::SetPacketRate(state, buf.size());
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
}
BENCHMARK(BM_HmacSha1_EvpMacReinit)->Arg(1212)->UseManualTime();

bool RegisterAll() {
  for (const Case& c : kCases) {
    const std::string p = c.name;
    const bool gcm = sluice::GetSrtpProfileInfo(c.profile)->aead;
    const std::string limit_protect = "BM_Limit_RawEvpProtect_" + p;
    const std::string limit_unprotect = "BM_Limit_RawEvpUnprotect_" + p;
    if (gcm) {
      benchmark::RegisterBenchmark(limit_protect.c_str(), BM_LimitProtect<RawGcm>, c.profile)
          ->Arg(160)->Arg(1200)->UseManualTime();
      benchmark::RegisterBenchmark(limit_unprotect.c_str(), BM_LimitUnprotect<RawGcm>, c.profile)
          ->Arg(160)->Arg(1200)->UseManualTime();
    } else {
      benchmark::RegisterBenchmark(limit_protect.c_str(), BM_LimitProtect<RawCm>, c.profile)
          ->Arg(160)->Arg(1200)->UseManualTime();
      benchmark::RegisterBenchmark(limit_unprotect.c_str(), BM_LimitUnprotect<RawCm>, c.profile)
          ->Arg(160)->Arg(1200)->UseManualTime();
    }
    for (auto [backend, tag] : {std::pair{SrtpBackendKind::kOpenssl, "Ours"},
                                std::pair{SrtpBackendKind::kLibsrtp, "Libsrtp2"}}) {
      const std::string prot = "BM_SrtpProtect_" + p + "_" + tag;
      const std::string unprot = "BM_SrtpUnprotect_" + p + "_" + tag;
      benchmark::RegisterBenchmark(prot.c_str(), BM_SrtpProtect, c.profile, backend)
          ->Arg(160)->Arg(1200)->UseManualTime();
      benchmark::RegisterBenchmark(unprot.c_str(), BM_SrtpUnprotect, c.profile, backend)
          ->Arg(160)->Arg(1200)->UseManualTime();
      for (const char* size : {"160", "1200"}) {
        sluice::bench::RegisterComparison(prot + "/" + size + "/manual_time",
                                          limit_protect + "/" + size + "/manual_time");
        sluice::bench::RegisterComparison(unprot + "/" + size + "/manual_time",
                                          limit_unprotect + "/" + size + "/manual_time");
      }
    }
  }
  return true;
}
[[maybe_unused]] const bool registered = RegisterAll();

}  // namespace
