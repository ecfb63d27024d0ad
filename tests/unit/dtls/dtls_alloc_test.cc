// Steady state allocates nothing per record (DESIGN.md §4): neither our code (operator new,
// counted by sluice_alloc_counter) nor OpenSSL (CRYPTO_malloc, counted through
// CRYPTO_set_mem_functions, installed before OpenSSL's first allocation).
#include <gtest/gtest.h>
#include <openssl/crypto.h>

#include <atomic>
#include <cstdlib>

#include "dtls/dtls_engine.h"
#include "support/alloc_counter.h"
#include "support/fake_clock.h"

namespace sluice::dtls {
namespace {

// Both record paths: the AES-GCM fast path (default) and OpenSSL's record layer.
class DtlsAllocTest : public ::testing::TestWithParam<bool> {};

TEST_P(DtlsAllocTest, TenThousandRecordsEachWayAllocateNothing) {
  const uint64_t openssl_at_start = sluice::test::OpenSslAllocationCount();
  auto cert_a = DtlsCertificate::Generate().value();
  auto cert_z = DtlsCertificate::Generate().value();
  DtlsConfig config;
  config.aead_fast_path = GetParam();
  auto a = DtlsEngine::Create(cert_a, config).value();
  auto z = DtlsEngine::Create(cert_z, config).value();
  sluice::test::FakeClock clock;
  ASSERT_TRUE(z.Start(clock.now(), DtlsRole::kServer, cert_a.fingerprint()).ok());
  ASSERT_TRUE(a.Start(clock.now(), DtlsRole::kClient, cert_z.fingerprint()).ok());
  // Lossless, zero-delay handshake: hand each datagram straight across.
  for (int round = 0; round < 8; ++round) {
    while (auto d = a.PollTransmit()) z.HandleReceive(clock.now(), *d);
    while (auto d = z.PollTransmit()) a.HandleReceive(clock.now(), *d);
  }
  ASSERT_EQ(a.state(), DtlsState::kConnected);
  ASSERT_EQ(z.state(), DtlsState::kConnected);
  ASSERT_EQ(a.aead_fast_path_active(), GetParam());
  ASSERT_EQ(z.aead_fast_path_active(), GetParam());
  if (sluice::test::OpenSslAllocationsCounted()) {
    EXPECT_GT(sluice::test::OpenSslAllocationCount(), openssl_at_start)
        << "the OpenSSL hook counts";
  }
  while (a.PollEvent()) {
  }
  while (z.PollEvent()) {
  }

  uint8_t payload[1200] = {};
  size_t received = 0;
  auto one_way = [&](DtlsEngine& from, DtlsEngine& to, uint8_t tag) {
    payload[0] = tag;
    if (!from.Send(payload).ok()) return;
    auto d = from.PollTransmit();
    if (!d) return;
    to.HandleReceive(clock.now(), *d);
    from.PollTransmit();  // releases the slot
    if (auto e = to.PollEvent(); e && e->type == DtlsEventType::kApplicationData &&
                                 e->data.size() == sizeof(payload) && e->data[0] == tag) {
      ++received;
    }
    to.PollEvent();  // releases the receive slot
  };
  for (int i = 0; i < 100; ++i) {  // warm-up: OpenSSL sizes its buffers once
    one_way(a, z, 1);
    one_way(z, a, 2);
  }
  received = 0;
  const uint64_t openssl_before = sluice::test::OpenSslAllocationCount();
  sluice::test::AllocationScope scope;
  for (int i = 0; i < 10000; ++i) {
    one_way(a, z, static_cast<uint8_t>(i));
    one_way(z, a, static_cast<uint8_t>(i + 1));
  }
  const uint64_t ours = scope.count();
  const uint64_t openssl = sluice::test::OpenSslAllocationCount() - openssl_before;
  EXPECT_EQ(received, 20000u);
  EXPECT_EQ(ours, 0u) << "operator new calls in steady state";
  if (sluice::test::OpenSslAllocationsCounted()) {
    EXPECT_EQ(openssl, 0u) << "OpenSSL allocations in steady state";
  } else {
    GTEST_SKIP() << "OpenSSL allocated before the counting hooks could be installed";
  }
}

INSTANTIATE_TEST_SUITE_P(RecordPaths, DtlsAllocTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "FastPath" : "OpenSsl"; });

}  // namespace
}  // namespace sluice::dtls
