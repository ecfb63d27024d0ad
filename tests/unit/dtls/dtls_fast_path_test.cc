// The AES-GCM application-data fast path (dtls_engine_fast_path.cc) against plain OpenSSL:
// one engine with DtlsConfig::aead_fast_path on, the other with it off (OpenSSL's own record
// layer), both directions, both roles, AES-128-GCM and AES-256-GCM; other suites fall back;
// tampering, replay, reordering, several records per datagram, a server Finished lost and
// retransmitted after the server took over its sequence numbers, close_notify after takeover.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <tuple>

#include "dtls/dtls_engine.h"
#include "dtls/dtls_record.h"
#include "dtls_pair.h"

namespace sluice::dtls::test {
namespace {

using ::testing::ElementsAre;

const DtlsCertificate& CertA() {
  static const DtlsCertificate cert = DtlsCertificate::Generate().value();
  return cert;
}
const DtlsCertificate& CertZ() {
  static const DtlsCertificate cert = DtlsCertificate::Generate().value();
  return cert;
}

std::vector<uint8_t> Bytes(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + i * 7);
  return v;
}

DtlsConfig Config(bool fast, const std::string& ciphers = "") {
  DtlsConfig c;
  c.aead_fast_path = fast;
  if (!ciphers.empty()) c.cipher_list = ciphers;
  return c;
}

constexpr char kAes128[] = "ECDHE-ECDSA-AES128-GCM-SHA256";
constexpr char kAes256[] = "ECDHE-ECDSA-AES256-GCM-SHA384";

// Two engines handing datagrams straight across (no link), for byte-exact record tests.
struct DirectPair {
  DirectPair(const DtlsConfig& ca, const DtlsConfig& cz)
      : a(DtlsEngine::Create(CertA(), ca).value()), z(DtlsEngine::Create(CertZ(), cz).value()) {
    EXPECT_TRUE(z.Start(now, DtlsRole::kServer, CertA().fingerprint()).ok());
    EXPECT_TRUE(a.Start(now, DtlsRole::kClient, CertZ().fingerprint()).ok());
    for (int round = 0; round < 8; ++round) {
      while (auto d = a.PollTransmit()) z.HandleReceive(now, *d);
      while (auto d = z.PollTransmit()) a.HandleReceive(now, *d);
    }
    EXPECT_EQ(a.state(), DtlsState::kConnected);
    EXPECT_EQ(z.state(), DtlsState::kConnected);
    while (a.PollEvent()) {
    }
    while (z.PollEvent()) {
    }
  }
  // One record from `from`, as it would go on the wire.
  std::vector<uint8_t> Record(DtlsEngine& from, const std::vector<uint8_t>& payload) {
    EXPECT_TRUE(from.Send(payload).ok());
    auto d = from.PollTransmit();
    EXPECT_TRUE(d.has_value());
    std::vector<uint8_t> out(d->begin(), d->end());
    EXPECT_FALSE(from.PollTransmit().has_value());
    return out;
  }
  std::vector<std::vector<uint8_t>> Received(DtlsEngine& to) {
    std::vector<std::vector<uint8_t>> out;
    while (auto e = to.PollEvent()) {
      if (e->type == DtlsEventType::kApplicationData) out.emplace_back(e->data.begin(), e->data.end());
    }
    return out;
  }
  Instant now{};
  DtlsEngine a;
  DtlsEngine z;
};

// ---- our records with plain OpenSSL, and OpenSSL's with ours ------------------------------

using InteropParam = std::tuple<bool /*a fast*/, bool /*z fast*/, bool /*a is client*/,
                                const char* /*suite*/>;
class FastPathInteropTest : public ::testing::TestWithParam<InteropParam> {};

TEST_P(FastPathInteropTest, DataBothWaysThenCloseNotify) {
  const auto [a_fast, z_fast, a_client, suite] = GetParam();
  DtlsPair p(CertA(), Config(a_fast, suite), CertZ(), Config(z_fast, suite),
             {.delay = milliseconds(5)}, {.delay = milliseconds(5)});
  p.Start(a_client);
  ASSERT_TRUE(p.RunUntilConnected());
  EXPECT_STREQ(p.a.engine.cipher_suite(), suite);
  EXPECT_EQ(p.a.engine.aead_fast_path_active(), a_fast);
  EXPECT_EQ(p.z.engine.aead_fast_path_active(), z_fast);
  // 200 records each way: more than a 64-record replay window, so a close_notify written with
  // a stale sequence number would be dropped as too old.
  std::vector<std::vector<uint8_t>> to_z, to_a;
  for (int i = 0; i < 200; ++i) {
    to_z.push_back(Bytes(1 + (i * 37) % 1500, static_cast<uint8_t>(i)));
    to_a.push_back(Bytes(1 + (i * 53) % 1500, static_cast<uint8_t>(i + 100)));
    ASSERT_TRUE(p.a.engine.Send(to_z.back()).ok());
    ASSERT_TRUE(p.z.engine.Send(to_a.back()).ok());
    p.Drain();
    if (i % 8 == 7) p.RunUntil([] { return false; }, milliseconds(20));
  }
  ASSERT_TRUE(p.RunUntil([&] {
    return p.z.ReceivedData().size() == to_z.size() && p.a.ReceivedData().size() == to_a.size();
  }, seconds(2)));
  EXPECT_EQ(p.z.ReceivedData(), to_z);
  EXPECT_EQ(p.a.ReceivedData(), to_a);
  EXPECT_EQ(p.a.engine.stats().fast_records_sent, a_fast ? 200u : 0u);
  EXPECT_EQ(p.a.engine.stats().fast_records_received, a_fast ? 200u : 0u);
  EXPECT_EQ(p.z.engine.stats().fast_records_sent, z_fast ? 200u : 0u);
  EXPECT_EQ(p.z.engine.stats().fast_records_received, z_fast ? 200u : 0u);
  // close_notify from each side in turn is written by OpenSSL after takeover (renumbered).
  p.a.engine.Close();
  ASSERT_TRUE(p.RunUntil([&] { return p.z.Has(DtlsEventType::kClosed); }, seconds(1)));
  EXPECT_FALSE(p.z.failed());
  if (a_fast) EXPECT_GE(p.a.engine.stats().fast_records_renumbered, 1u);
}

INSTANTIATE_TEST_SUITE_P(
    AllCombinations, FastPathInteropTest,
    ::testing::Combine(::testing::Bool(), ::testing::Bool(), ::testing::Bool(),
                       ::testing::Values(kAes128, kAes256)),
    [](const auto& info) {
      return std::string(std::get<0>(info.param) ? "AFast" : "AOpenSsl") +
             (std::get<1>(info.param) ? "ZFast" : "ZOpenSsl") +
             (std::get<2>(info.param) ? "AClient" : "AServer") +
             (std::string(std::get<3>(info.param)) == kAes128 ? "Aes128" : "Aes256");
    });

TEST(FastPathTest, ZClosesAfterTakeoverToo) {
  DtlsPair p(CertA(), Config(true), CertZ(), Config(true));
  p.Start();
  ASSERT_TRUE(p.RunUntilConnected());
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(p.z.engine.Send(Bytes(10, 1)).ok());
    p.Drain();
  }
  p.z.engine.Close();
  ASSERT_TRUE(p.RunUntil([&] { return p.a.Has(DtlsEventType::kClosed); }, seconds(1)));
  EXPECT_EQ(p.a.ReceivedData().size(), 100u);
}

class FastPathFallbackTest : public ::testing::TestWithParam<const char*> {};

TEST_P(FastPathFallbackTest, OtherSuitesKeepOpenSslRecords) {
  DtlsPair p(CertA(), Config(true, GetParam()), CertZ(), Config(true, GetParam()));
  p.Start();
  ASSERT_TRUE(p.RunUntilConnected());
  EXPECT_STREQ(p.a.engine.cipher_suite(), GetParam());
  EXPECT_FALSE(p.a.engine.aead_fast_path_active());
  EXPECT_FALSE(p.z.engine.aead_fast_path_active());
  ASSERT_TRUE(p.a.engine.Send(Bytes(700, 1)).ok());
  ASSERT_TRUE(p.z.engine.Send(Bytes(900, 2)).ok());
  ASSERT_TRUE(p.RunUntil([&] {
    return !p.z.ReceivedData().empty() && !p.a.ReceivedData().empty();
  }, seconds(1)));
  EXPECT_THAT(p.z.ReceivedData(), ElementsAre(Bytes(700, 1)));
  EXPECT_THAT(p.a.ReceivedData(), ElementsAre(Bytes(900, 2)));
  EXPECT_EQ(p.a.engine.stats().fast_records_sent, 0u);
  EXPECT_EQ(p.z.engine.stats().fast_records_received, 0u);
}

INSTANTIATE_TEST_SUITE_P(ChaChaAndCbc, FastPathFallbackTest,
                         ::testing::Values("ECDHE-ECDSA-CHACHA20-POLY1305",
                                           "ECDHE-ECDSA-AES128-SHA"),
                         [](const auto& info) {
                           return std::string(info.param).find("CHACHA") != std::string::npos
                                      ? "ChaCha20Poly1305"
                                      : "Aes128CbcSha";
                         });

// ---- the record itself ----------------------------------------------------------------------

TEST(FastPathTest, FirstRecordContinuesAfterOpenSslsFinishedWithSequenceAsNonce) {
  DirectPair p(Config(true), Config(true));
  for (DtlsEngine* from : {&p.a, &p.z}) {
    auto r1 = p.Record(*from, Bytes(40, 1));
    auto r2 = p.Record(*from, Bytes(40, 2));
    auto v1 = ParseDtlsRecord(r1).value();
    auto v2 = ParseDtlsRecord(r2).value();
    EXPECT_EQ(v1.type, 23);
    EXPECT_EQ(v1.version, kDtls12Version);
    EXPECT_EQ(v1.epoch, 1);
    // OpenSSL sent the Finished as epoch-1 record 0 in a lossless handshake.
    EXPECT_EQ(v1.sequence, 1u);
    EXPECT_EQ(v2.sequence, 2u);
    EXPECT_EQ(v1.fragment.size(), 40u + kGcmRecordOverhead);
    // nonce_explicit = epoch|sequence (RFC 5288 §3).
    EXPECT_TRUE(std::equal(r1.begin() + 3, r1.begin() + 11, r1.begin() + 13));
  }
  EXPECT_EQ(p.Received(p.a).size(), 0u);
}

TEST(FastPathTest, TamperingAnyByteIsDroppedAndCountedThenTheNextRecordArrives) {
  DirectPair p(Config(false), Config(true));  // OpenSSL seals, we open
  auto good = p.Record(p.a, Bytes(64, 3));
  for (size_t i = 0; i < good.size(); ++i) {
    auto bad = good;
    bad[i] ^= 0x10;
    const DtlsStats before = p.z.stats();
    p.z.HandleReceive(p.now, bad);
    EXPECT_TRUE(p.Received(p.z).empty()) << "byte " << i;
    const DtlsStats& after = p.z.stats();
    const uint64_t counted = (after.fast_auth_failed - before.fast_auth_failed) +
                             (after.fast_malformed - before.fast_malformed);
    if (i == 0 || (i >= 1 && i <= 4)) {
      // type, version or epoch changed: not an epoch-1 application record; OpenSSL discards
      // it (RFC 6347 §4.1.2.7) and we count nothing.
      EXPECT_EQ(counted, 0u) << "byte " << i;
    } else if (i == 11 || i == 12) {
      EXPECT_GE(counted, 1u) << "length byte " << i;  // cut off, or fails authentication
    } else {
      // sequence (in the AAD), explicit nonce, ciphertext, tag.
      EXPECT_EQ(after.fast_auth_failed - before.fast_auth_failed, 1u) << "byte " << i;
    }
    EXPECT_EQ(p.z.state(), DtlsState::kConnected);
  }
  // None of them moved the replay window: the genuine record is still new.
  p.z.HandleReceive(p.now, good);
  EXPECT_THAT(p.Received(p.z), ElementsAre(Bytes(64, 3)));
  EXPECT_EQ(p.z.stats().fast_replayed, 0u);
}

TEST(FastPathTest, ShortAndCutOffRecordsAreCountedAsMalformed) {
  DirectPair p(Config(true), Config(true));
  auto good = p.Record(p.a, Bytes(10, 3));
  // A fragment shorter than nonce + tag.
  std::vector<uint8_t> tiny(good.begin(), good.begin() + 13 + 20);
  tiny[11] = 0;
  tiny[12] = 20;
  p.z.HandleReceive(p.now, tiny);
  // A length beyond the datagram.
  std::vector<uint8_t> cut(good.begin(), good.end() - 1);
  p.z.HandleReceive(p.now, cut);
  EXPECT_EQ(p.z.stats().fast_malformed, 2u);
  EXPECT_TRUE(p.Received(p.z).empty());
  p.z.HandleReceive(p.now, good);
  EXPECT_THAT(p.Received(p.z), ElementsAre(Bytes(10, 3)));
}

TEST(FastPathTest, ReplayedAndTooOldAreDroppedReorderingWithinTheWindowIsAccepted) {
  DirectPair p(Config(true), Config(true));
  std::vector<std::vector<uint8_t>> records;
  for (int i = 0; i < 100; ++i) records.push_back(p.Record(p.a, Bytes(20, static_cast<uint8_t>(i))));
  // Newest first, then walk back: 99 .. 36 are within 64 of 99, 35 and older are too old.
  std::vector<std::vector<uint8_t>> got;
  for (int i = 99; i >= 0; --i) {
    p.z.HandleReceive(p.now, records[i]);
    for (auto& d : p.Received(p.z)) got.push_back(std::move(d));  // the ring has 16 slots
  }
  ASSERT_EQ(got.size(), 64u);
  for (size_t k = 0; k < got.size(); ++k) EXPECT_EQ(got[k], Bytes(20, static_cast<uint8_t>(99 - k)));
  EXPECT_EQ(p.z.stats().fast_replayed, 36u);
  // Every one again: all replays.
  for (const auto& r : records) {
    p.z.HandleReceive(p.now, r);
    EXPECT_TRUE(p.Received(p.z).empty());
  }
  EXPECT_EQ(p.z.stats().fast_replayed, 136u);
  // And the next one is fine.
  p.z.HandleReceive(p.now, p.Record(p.a, Bytes(5, 9)));
  EXPECT_THAT(p.Received(p.z), ElementsAre(Bytes(5, 9)));
}

class MultiRecordTest : public ::testing::TestWithParam<bool /*receiver fast*/> {};

TEST_P(MultiRecordTest, SeveralRecordsInOneDatagramAreDeliveredInOrderWithAlerts) {
  DirectPair p(Config(true), Config(GetParam()));
  auto r1 = p.Record(p.a, Bytes(100, 1));
  auto r2 = p.Record(p.a, Bytes(200, 2));
  auto r3 = p.Record(p.a, Bytes(300, 3));
  std::vector<uint8_t> three;
  for (const auto* r : {&r1, &r2, &r3}) three.insert(three.end(), r->begin(), r->end());
  p.z.HandleReceive(p.now, three);
  EXPECT_THAT(p.Received(p.z), ElementsAre(Bytes(100, 1), Bytes(200, 2), Bytes(300, 3)));
  // data | close_notify (OpenSSL's, renumbered) | data: the data before the alert arrives,
  // then kClosed, and nothing after it.
  auto r4 = p.Record(p.a, Bytes(40, 4));
  auto r5 = p.Record(p.a, Bytes(50, 5));
  p.a.Close();
  auto close = p.a.PollTransmit();
  ASSERT_TRUE(close.has_value());
  ASSERT_EQ((*close)[0], 21);  // alert
  std::vector<uint8_t> mixed(r4);
  mixed.insert(mixed.end(), close->begin(), close->end());
  mixed.insert(mixed.end(), r5.begin(), r5.end());
  p.z.HandleReceive(p.now, mixed);
  std::vector<DtlsEventType> types;
  std::vector<std::vector<uint8_t>> data;
  while (auto e = p.z.PollEvent()) {
    types.push_back(e->type);
    if (e->type == DtlsEventType::kApplicationData) data.emplace_back(e->data.begin(), e->data.end());
  }
  EXPECT_THAT(types, ElementsAre(DtlsEventType::kApplicationData, DtlsEventType::kClosed));
  EXPECT_THAT(data, ElementsAre(Bytes(40, 4)));
  EXPECT_EQ(p.z.state(), DtlsState::kClosed);
}

INSTANTIATE_TEST_SUITE_P(FastOrOpenSslReceiver, MultiRecordTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Fast" : "OpenSsl"; });

// ---- the lost server Finished ----------------------------------------------------------------

class LostFinishedTest : public ::testing::TestWithParam<bool /*client fast*/> {};

TEST_P(LostFinishedTest, RetransmittedFinishedAfterServerTakeoverCompletes) {
  // A is the server (fast path), Z the client; the server's final flight (ChangeCipherSpec +
  // Finished) is lost once, and the server sends data before the client is connected.
  DtlsPair p(CertA(), Config(true), CertZ(), Config(GetParam()), {.delay = milliseconds(10)},
             {.delay = milliseconds(10)});
  bool dropped = false;
  p.a.drop_burst = [&](const Burst& b, size_t) {
    if (!dropped && b.first == Flight::kChangeCipherSpec) return dropped = true;
    return false;
  };
  p.Start(/*a_is_client=*/false);
  ASSERT_TRUE(p.RunUntil([&] { return p.a.connected(); }, seconds(5)));
  ASSERT_TRUE(dropped);
  EXPECT_TRUE(p.a.engine.aead_fast_path_active());
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(p.a.engine.Send(Bytes(30, static_cast<uint8_t>(i))).ok());
    p.Drain();
  }
  ASSERT_TRUE(p.RunUntil([&] { return p.z.connected(); }, seconds(30)));
  // The Finished came again, renumbered above the 100 records the server already sent.
  EXPECT_GE(p.a.engine.stats().fast_records_renumbered, 1u);
  EXPECT_EQ(p.z.engine.aead_fast_path_active(), GetParam());
  // Data flows both ways from here on.
  ASSERT_TRUE(p.a.engine.Send(Bytes(11, 1)).ok());
  ASSERT_TRUE(p.z.engine.Send(Bytes(12, 2)).ok());
  ASSERT_TRUE(p.RunUntil([&] {
    return !p.a.ReceivedData().empty() && !p.z.ReceivedData().empty() &&
           p.z.ReceivedData().back() == Bytes(11, 1);
  }, seconds(2)));
  EXPECT_THAT(p.a.ReceivedData(), ElementsAre(Bytes(12, 2)));
  p.Settle(seconds(100));
  EXPECT_FALSE(p.a.failed());
  EXPECT_FALSE(p.z.failed());
}

INSTANTIATE_TEST_SUITE_P(FastOrOpenSslClient, LostFinishedTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "FastClient" : "OpenSslClient"; });

TEST(FastPathTest, LossyReorderingLinkDeliversEverythingOnce) {
  DtlsPair p(CertA(), Config(true), CertZ(), Config(false),
             {.delay = milliseconds(20), .jitter = milliseconds(10), .loss = 0.05,
              .duplicate = 0.05, .reorder = 0.1, .seed = 3},
             {.delay = milliseconds(20), .jitter = milliseconds(10), .loss = 0.05,
              .duplicate = 0.05, .reorder = 0.1, .seed = 4});
  p.Start();
  ASSERT_TRUE(p.RunUntilConnected(seconds(60)));
  for (int i = 0; i < 250; ++i) {  // record i starts with byte i
    ASSERT_TRUE(p.a.engine.Send(Bytes(100, static_cast<uint8_t>(i))).ok());
    ASSERT_TRUE(p.z.engine.Send(Bytes(100, static_cast<uint8_t>(i))).ok());
    p.Drain();
    p.RunUntil([] { return false; }, milliseconds(2));
  }
  p.Settle(seconds(2));
  // Each side got most records, none twice (the duplicates were dropped by the windows).
  for (Side* s : {&p.a, &p.z}) {
    auto got = s->ReceivedData();
    EXPECT_GT(got.size(), 200u);
    EXPECT_LE(got.size(), 250u);
    std::set<uint8_t> seen;
    for (const auto& d : got) EXPECT_TRUE(seen.insert(d[0]).second) << "duplicate";
  }
  EXPECT_GT(p.a.engine.stats().fast_replayed, 0u);
}

}  // namespace
}  // namespace sluice::dtls::test
