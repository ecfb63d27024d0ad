// ICE agent per-packet costs, each beside its physical limit measured in the same run:
//
//   BM_IceAnswerCheck: a connected agent handles one authentic Binding request (parse, CRC-32
//     FINGERPRINT, HMAC-SHA1 MESSAGE-INTEGRITY, USERNAME, role, pair lookup) and writes the
//     signed success response (XOR-MAPPED-ADDRESS, HMAC-SHA1, FINGERPRINT), then drains it.
//   BM_IceConsentRoundTrip: one RFC 7675 consent check end to end: A builds and signs it, Z
//     verifies and answers, A verifies the answer and refreshes consent (four HMACs).
//   BM_Limit_IceHmacSha1x2 / x4: the same number of HMAC-SHA1s over the same byte counts with
//     OpenSSL 3's fastest public path (EVP_MAC fetched and keyed once, reset per message). No
//     authenticated STUN answer can cost less than its two HMACs.
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>

#include "bench_util.h"
#include "ice/agent.h"
#include "stun/stun_message.h"

namespace {

using namespace sluice;
using namespace sluice::ice;

struct ConnectedPair {
  Agent a{Config(Role::kControlling, 1)};
  Agent z{Config(Role::kControlled, 2)};
  Instant now = Instant{} + std::chrono::hours(1);
  std::array<uint8_t, kMaxIceStunSize> scratch{};
  size_t last_size = 0;

  static AgentConfig Config(Role role, uint64_t seed) {
    AgentConfig c;
    c.role = role;
    c.seed = seed;
    return c;
  }
  // Moves every datagram of `from` into `to`; remembers the last one.
  size_t Pump(Agent& from, Agent& to) {
    size_t n = 0;
    while (auto t = from.PollTransmit()) {
      TransportAddress src = t->local, dst = t->remote;
      last_size = t->data.size();
      std::copy(t->data.begin(), t->data.end(), scratch.begin());
      to.HandleReceive(now, dst, src, std::span(scratch.data(), last_size));
      ++n;
    }
    return n;
  }
  bool Connect() {
    auto ca = a.AddHostCandidate(Ipv4Address(10, 0, 0, 1, 1000));
    auto cz = z.AddHostCandidate(Ipv4Address(10, 0, 0, 2, 2000));
    if (!a.SetRemoteCredentials(z.local_ufrag(), z.local_pwd()) ||
        !z.SetRemoteCredentials(a.local_ufrag(), a.local_pwd()) || !a.AddRemoteCandidate(*cz) ||
        !z.AddRemoteCandidate(*ca)) {
      return false;
    }
    a.SetRemoteEndOfCandidates();
    z.SetRemoteEndOfCandidates();
    a.Start(now);
    z.Start(now);
    for (int i = 0; i < 1000; ++i) {
      Pump(a, z);
      Pump(z, a);
      while (a.PollEvent()) {
      }
      while (z.PollEvent()) {
      }
      if (a.state() == ConnectionState::kCompleted && z.state() == ConnectionState::kCompleted) return true;
      auto next = Soonest(a.PollTimeout(), z.PollTimeout());
      if (next && *next > now) now = *next;
      a.HandleTimeout(now);
      z.HandleTimeout(now);
    }
    return false;
  }
};

void BM_IceAnswerCheck(benchmark::State& state) {
  ConnectedPair p;
  if (!p.Connect()) return state.SkipWithError("agents did not connect");
  // Capture one consent check from A (a real, authentic Binding request).
  p.now += std::chrono::seconds(7);
  p.a.HandleTimeout(p.now);
  // Skip anything else A still had queued (answers to late checks): the first Binding request
  // (type 0x0001, RFC 8489 §5) is the consent check.
  auto t = p.a.PollTransmit();
  while (t && !(t->data.size() >= 2 && t->data[0] == 0x00 && t->data[1] == 0x01)) {
    t = p.a.PollTransmit();
  }
  if (!t) return state.SkipWithError("no consent check");
  std::vector<uint8_t> check(t->data.begin(), t->data.end());
  TransportAddress from = t->local, to = t->remote;
  size_t response = 0;
  // Setup may leave a counted drop (a late answer to a check that was already retransmitted,
  // now that triggered checks go out at once); only the measured loop must be drop-free.
  const auto drops_before = p.z.stats().dropped();
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    p.z.HandleReceive(p.now, to, from, check);
    auto out = p.z.PollTransmit();
    if (!out) return state.SkipWithError("the check was not answered");
    benchmark::DoNotOptimize(out->data.data());
    response = out->data.size();
  }
  allocs.Finish(state);
  state.counters["request_bytes"] = static_cast<double>(check.size());
  state.counters["response_bytes"] = static_cast<double>(response);
  sluice::bench::SetPacketRate(state, check.size());
  if (p.z.stats().dropped() != drops_before) state.SkipWithError("drops while answering");
}
BENCHMARK(BM_IceAnswerCheck);

void BM_IceConsentRoundTrip(benchmark::State& state) {
  ConnectedPair p;
  if (!p.Connect()) return state.SkipWithError("agents did not connect");
  uint64_t checks = p.a.stats().consent_checks_sent;
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    p.now += std::chrono::seconds(7);  // past the next randomised consent deadline
    p.a.HandleTimeout(p.now);
    p.z.HandleTimeout(p.now);
    p.Pump(p.a, p.z);
    p.Pump(p.z, p.a);
  }
  allocs.Finish(state);
  if (p.a.stats().consent_checks_sent - checks < state.iterations()) {
    state.SkipWithError("not one consent check per iteration");
  }
  if (p.a.state() != ConnectionState::kCompleted) state.SkipWithError("consent lost");
  sluice::bench::SetPacketRate(state, p.last_size);
}
BENCHMARK(BM_IceConsentRoundTrip);

// `count` HMAC-SHA1s alternating over a request-sized and a response-sized buffer.
void HmacLimit(benchmark::State& state, int count) {
  // The bytes BM_IceAnswerCheck hashes: its 96-byte request up to MESSAGE-INTEGRITY (64) and its
  // 64-byte response up to MESSAGE-INTEGRITY (32).
  std::array<uint8_t, 64> request{};
  std::array<uint8_t, 32> response{};
  for (size_t i = 0; i < request.size(); ++i) request[i] = static_cast<uint8_t>(i);
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  char digest[] = "SHA1";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  const char pwd[] = "0123456789abcdefghijklmn";
  if (EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(pwd), sizeof(pwd) - 1, params) != 1) {
    state.SkipWithError("EVP_MAC_init failed");
  }
  unsigned char out[20];
  size_t len = 0;
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    for (int i = 0; i < count; ++i) {
      EVP_MAC_init(ctx, nullptr, 0, nullptr);
      if (i % 2 == 0) EVP_MAC_update(ctx, request.data(), request.size());
      else EVP_MAC_update(ctx, response.data(), response.size());
      EVP_MAC_final(ctx, out, &len, sizeof(out));
      benchmark::DoNotOptimize(out);
      benchmark::ClobberMemory();
    }
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, request.size());
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
}
void BM_Limit_IceHmacSha1x2(benchmark::State& state) { HmacLimit(state, 2); }
void BM_Limit_IceHmacSha1x4(benchmark::State& state) { HmacLimit(state, 4); }
BENCHMARK(BM_Limit_IceHmacSha1x2);
BENCHMARK(BM_Limit_IceHmacSha1x4);
SLUICE_COMPARE("BM_IceAnswerCheck", "BM_Limit_IceHmacSha1x2");
SLUICE_COMPARE("BM_IceConsentRoundTrip", "BM_Limit_IceHmacSha1x4");

}  // namespace
