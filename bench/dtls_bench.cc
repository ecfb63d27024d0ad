// DTLS engine benchmarks, each beside its physical limit measured in the same run:
//  - a full handshake in simulated time (two engines created, every flight exchanged, keys
//    exported) beside the public-key crypto a DTLS 1.2 ECDHE-ECDSA handshake cannot avoid:
//    two X25519 key generations and derivations, two ECDSA P-256 signatures (ServerKeyExchange,
//    CertificateVerify) and two verifications;
//  - one 1200-byte application record sent and received (Send, PollTransmit, HandleReceive,
//    PollEvent), with the AES-GCM record fast path (fast:1, DtlsConfig::aead_fast_path) and with
//    OpenSSL's record layer (fast:0), each beside raw AES-128-GCM seal + open of the same 1200
//    bytes with pre-initialised, reused contexts (the crypto no record layer can avoid).
#include <openssl/evp.h>

#include <cstring>
#include <utility>

#include <vector>

#include "bench_util.h"
#include "dtls/dtls_engine.h"

namespace {

using sluice::dtls::DtlsCertificate;
using sluice::dtls::DtlsEngine;
using sluice::dtls::DtlsEventType;
using sluice::dtls::DtlsRole;
using sluice::dtls::DtlsState;

const DtlsCertificate& Cert(int which) {
  static const DtlsCertificate a = DtlsCertificate::Generate().value();
  static const DtlsCertificate z = DtlsCertificate::Generate().value();
  return which == 0 ? a : z;
}

// Hands every datagram straight across (zero delay) until both are connected.
bool Handshake(DtlsEngine& a, DtlsEngine& z, sluice::Instant now) {
  for (int round = 0; round < 8; ++round) {
    while (auto d = a.PollTransmit()) z.HandleReceive(now, *d);
    while (auto d = z.PollTransmit()) a.HandleReceive(now, *d);
  }
  return a.state() == DtlsState::kConnected && z.state() == DtlsState::kConnected;
}

void BM_DtlsHandshake(benchmark::State& state) {
  const sluice::Instant now{};
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    auto a = DtlsEngine::Create(Cert(0)).value();
    auto z = DtlsEngine::Create(Cert(1)).value();
    (void)z.Start(now, DtlsRole::kServer, Cert(0).fingerprint());
    (void)a.Start(now, DtlsRole::kClient, Cert(1).fingerprint());
    if (!Handshake(a, z, now)) state.SkipWithError("handshake failed");
    benchmark::DoNotOptimize(a.srtp_keying_material().client_key.data());
  }
  allocs.Finish(state);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_DtlsHandshake)->Unit(benchmark::kMicrosecond);

void BM_Limit_HandshakePublicKeyCrypto(benchmark::State& state) {
  EVP_PKEY* signer = Cert(0).private_key();
  EVP_PKEY* peer_signer = Cert(1).private_key();
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  const unsigned char tbs[128] = {1, 2, 3};
  unsigned char sig[128];
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    // Two ECDHE X25519 key pairs and both derivations.
    EVP_PKEY* k1 = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
    EVP_PKEY* k2 = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
    for (auto [mine, theirs] : {std::pair{k1, k2}, std::pair{k2, k1}}) {
      EVP_PKEY_CTX* d = EVP_PKEY_CTX_new(mine, nullptr);
      unsigned char secret[32];
      size_t len = sizeof(secret);
      EVP_PKEY_derive_init(d);
      EVP_PKEY_derive_set_peer(d, theirs);
      EVP_PKEY_derive(d, secret, &len);
      benchmark::DoNotOptimize(secret);
      EVP_PKEY_CTX_free(d);
    }
    EVP_PKEY_free(k1);
    EVP_PKEY_free(k2);
    // Two ECDSA P-256 signatures (SKE, CertificateVerify), each verified by the peer.
    for (EVP_PKEY* key : {signer, peer_signer}) {
      size_t sig_len = sizeof(sig);
      EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key);
      EVP_DigestSign(md, sig, &sig_len, tbs, sizeof(tbs));
      EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, key);
      if (EVP_DigestVerify(md, sig, sig_len, tbs, sizeof(tbs)) != 1) {
        state.SkipWithError("verify failed");
      }
    }
  }
  allocs.Finish(state);
  EVP_MD_CTX_free(md);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Limit_HandshakePublicKeyCrypto)->Unit(benchmark::kMicrosecond);
SLUICE_COMPARE("BM_DtlsHandshake", "BM_Limit_HandshakePublicKeyCrypto");

void BM_DtlsRecord1200(benchmark::State& state) {
  const sluice::Instant now{};
  sluice::dtls::DtlsConfig config;
  config.aead_fast_path = state.range(0) == 1;
  auto a = DtlsEngine::Create(Cert(0), config).value();
  auto z = DtlsEngine::Create(Cert(1), config).value();
  (void)z.Start(now, DtlsRole::kServer, Cert(0).fingerprint());
  (void)a.Start(now, DtlsRole::kClient, Cert(1).fingerprint());
  if (!Handshake(a, z, now)) {
    state.SkipWithError("handshake failed");
    return;
  }
  if (a.aead_fast_path_active() != config.aead_fast_path) {
    state.SkipWithError("fast path not in the expected state");
    return;
  }
  while (a.PollEvent()) {
  }
  while (z.PollEvent()) {
  }
  std::vector<uint8_t> payload(1200, 0x5A);
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    (void)a.Send(payload);
    auto d = a.PollTransmit();
    z.HandleReceive(now, *d);
    auto e = z.PollEvent();
    if (!e || e->data.size() != payload.size()) {
      state.SkipWithError("record not delivered");
      break;
    }
    benchmark::DoNotOptimize(e->data.data());
    benchmark::ClobberMemory();
  }
  a.PollTransmit();
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, payload.size());
}
BENCHMARK(BM_DtlsRecord1200)->ArgName("fast")->Arg(1)->Arg(0);

void BM_Limit_AesGcmSealOpen1200(benchmark::State& state) {
  const unsigned char key[16] = {7};
  unsigned char iv[12] = {1};
  std::vector<unsigned char> plain(1200, 0x5A), cipher(1200), out(1200);
  unsigned char tag[16];
  EVP_CIPHER_CTX* enc = EVP_CIPHER_CTX_new();
  EVP_CIPHER_CTX* dec = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(enc, EVP_aes_128_gcm(), nullptr, key, nullptr);
  EVP_DecryptInit_ex(dec, EVP_aes_128_gcm(), nullptr, key, nullptr);
  const unsigned char aad[13] = {23, 0xFE, 0xFD, 0, 1};
  sluice::bench::AllocationCounter allocs;
  uint64_t counter = 0;
  for (auto _ : state) {
    ++counter;
    std::memcpy(iv + 4, &counter, sizeof(counter));
    int len = 0;
    EVP_EncryptInit_ex(enc, nullptr, nullptr, nullptr, iv);
    EVP_EncryptUpdate(enc, nullptr, &len, aad, sizeof(aad));
    EVP_EncryptUpdate(enc, cipher.data(), &len, plain.data(), 1200);
    EVP_EncryptFinal_ex(enc, cipher.data() + len, &len);
    EVP_CIPHER_CTX_ctrl(enc, EVP_CTRL_GCM_GET_TAG, 16, tag);
    EVP_DecryptInit_ex(dec, nullptr, nullptr, nullptr, iv);
    EVP_DecryptUpdate(dec, nullptr, &len, aad, sizeof(aad));
    EVP_DecryptUpdate(dec, out.data(), &len, cipher.data(), 1200);
    EVP_CIPHER_CTX_ctrl(dec, EVP_CTRL_GCM_SET_TAG, 16, tag);
    if (EVP_DecryptFinal_ex(dec, out.data() + len, &len) != 1) state.SkipWithError("tag");
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  allocs.Finish(state);
  EVP_CIPHER_CTX_free(enc);
  EVP_CIPHER_CTX_free(dec);
  sluice::bench::SetPacketRate(state, 1200);
}
BENCHMARK(BM_Limit_AesGcmSealOpen1200);
SLUICE_COMPARE("BM_DtlsRecord1200/fast:1", "BM_Limit_AesGcmSealOpen1200");
SLUICE_COMPARE("BM_DtlsRecord1200/fast:0", "BM_Limit_AesGcmSealOpen1200");

}  // namespace
