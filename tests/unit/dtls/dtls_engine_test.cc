// Two DtlsEngines over SimulatedLinks in simulated time: handshakes, SRTP negotiation, failure
// paths, retransmission schedule, loss, application data and close. No real sleeps.
#include "dtls/dtls_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "dtls_pair.h"

namespace sluice::dtls::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

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

double Seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

void ExpectKeysAgree(const Side& a, const Side& z) {
  const RecordedEvent* ea = a.Find(DtlsEventType::kConnected);
  const RecordedEvent* ez = z.Find(DtlsEventType::kConnected);
  ASSERT_NE(ea, nullptr);
  ASSERT_NE(ez, nullptr);
  EXPECT_EQ(ea->srtp.profile, ez->srtp.profile);
  EXPECT_NE(ea->srtp.is_client, ez->srtp.is_client);
  auto eq = [](std::span<const uint8_t> x, std::span<const uint8_t> y) {
    return std::vector<uint8_t>(x.begin(), x.end()) == std::vector<uint8_t>(y.begin(), y.end());
  };
  EXPECT_TRUE(eq(ea->srtp.local_key(), ez->srtp.remote_key()));
  EXPECT_TRUE(eq(ea->srtp.local_salt(), ez->srtp.remote_salt()));
  EXPECT_TRUE(eq(ea->srtp.remote_key(), ez->srtp.local_key()));
  EXPECT_TRUE(eq(ea->srtp.remote_salt(), ez->srtp.local_salt()));
  EXPECT_FALSE(eq(ea->srtp.local_key(), ea->srtp.remote_key()));
  EXPECT_EQ(ea->srtp.local_key().size(), SrtpMasterKeySize(ea->srtp.profile));
}

TEST(DtlsEngineTest, HandshakeAClientConnectsWithAgreeingKeys) {
  DtlsPair p(CertA(), {}, CertZ(), {}, {.delay = milliseconds(20)}, {.delay = milliseconds(20)});
  p.Start(/*a_is_client=*/true);
  const Instant start = p.clock.now();
  ASSERT_TRUE(p.RunUntilConnected());
  // Two round trips (no HelloVerifyRequest): ~80 ms of simulated time, no retransmission.
  EXPECT_LT(p.clock.now() - start, milliseconds(200));
  EXPECT_EQ(p.a.engine.state(), DtlsState::kConnected);
  EXPECT_EQ(p.z.engine.state(), DtlsState::kConnected);
  EXPECT_EQ(p.a.engine.role(), DtlsRole::kClient);
  EXPECT_EQ(p.z.engine.role(), DtlsRole::kServer);
  EXPECT_EQ(p.a.engine.stats().retransmit_timeouts, 0u);
  ExpectKeysAgree(p.a, p.z);
  // Default preference: AEAD_AES_128_GCM, as Chromium.
  EXPECT_EQ(p.a.Find(DtlsEventType::kConnected)->srtp.profile, SrtpProfile::kAeadAes128Gcm);
  EXPECT_TRUE(p.a.Find(DtlsEventType::kConnected)->srtp.is_client);
  EXPECT_STREQ(p.a.engine.cipher_suite(), "ECDHE-ECDSA-AES128-GCM-SHA256");
  EXPECT_STREQ(p.a.engine.cipher_suite(), p.z.engine.cipher_suite());
  EXPECT_EQ(p.a.engine.srtp_keying_material().profile, SrtpProfile::kAeadAes128Gcm);
  // After the handshake nothing is pending.
  p.Settle(seconds(120));
  EXPECT_EQ(p.a.engine.PollTimeout(), std::nullopt);
  EXPECT_EQ(p.z.engine.PollTimeout(), std::nullopt);
  EXPECT_FALSE(p.a.failed());
  EXPECT_FALSE(p.z.failed());
}

TEST(DtlsEngineTest, HandshakeZClientConnects) {
  DtlsPair p(CertA(), {}, CertZ(), {});
  p.Start(/*a_is_client=*/false);
  ASSERT_TRUE(p.RunUntilConnected());
  EXPECT_EQ(p.a.engine.role(), DtlsRole::kServer);
  EXPECT_FALSE(p.a.Find(DtlsEventType::kConnected)->srtp.is_client);
  EXPECT_TRUE(p.z.Find(DtlsEventType::kConnected)->srtp.is_client);
  ExpectKeysAgree(p.a, p.z);
}

TEST(DtlsEngineTest, EveryHandshakeDatagramIsWithinMtu) {
  for (size_t mtu : {300u, 576u, 1200u}) {
    DtlsConfig config;
    config.mtu = mtu;
    auto a = DtlsEngine::Create(CertA(), config).value();
    auto z = DtlsEngine::Create(CertZ(), config).value();
    FakeClock clock;
    ASSERT_TRUE(z.Start(clock.now(), DtlsRole::kServer, CertA().fingerprint()).ok());
    ASSERT_TRUE(a.Start(clock.now(), DtlsRole::kClient, CertZ().fingerprint()).ok());
    size_t max_seen = 0;
    for (int round = 0; round < 10; ++round) {
      std::vector<std::vector<uint8_t>> to_z, to_a;
      while (auto d = a.PollTransmit()) to_z.emplace_back(d->begin(), d->end());
      while (auto d = z.PollTransmit()) to_a.emplace_back(d->begin(), d->end());
      for (auto& d : to_z) { max_seen = std::max(max_seen, d.size()); z.HandleReceive(clock.now(), d); }
      for (auto& d : to_a) { max_seen = std::max(max_seen, d.size()); a.HandleReceive(clock.now(), d); }
    }
    EXPECT_EQ(a.state(), DtlsState::kConnected) << mtu;
    EXPECT_EQ(z.state(), DtlsState::kConnected) << mtu;
    EXPECT_LE(max_seen, mtu);
    EXPECT_GT(max_seen, mtu / 2) << "flights should fill datagrams up to the MTU";
  }
}

TEST(DtlsEngineTest, SrtpProfileFollowsServerPreference) {
  DtlsConfig client;
  client.srtp_profiles = {SrtpProfile::kAes128CmSha1_80, SrtpProfile::kAeadAes128Gcm,
                          SrtpProfile::kAeadAes256Gcm};
  DtlsConfig server;
  server.srtp_profiles = {SrtpProfile::kAeadAes256Gcm, SrtpProfile::kAes128CmSha1_80};
  DtlsPair p(CertA(), client, CertZ(), server);
  p.Start(/*a_is_client=*/true);
  ASSERT_TRUE(p.RunUntilConnected());
  EXPECT_EQ(p.a.Find(DtlsEventType::kConnected)->srtp.profile, SrtpProfile::kAeadAes256Gcm);
  EXPECT_EQ(p.a.Find(DtlsEventType::kConnected)->srtp.local_key().size(), 32u);
  EXPECT_EQ(p.a.Find(DtlsEventType::kConnected)->srtp.local_salt().size(), 12u);
  ExpectKeysAgree(p.a, p.z);
}

TEST(DtlsEngineTest, SrtpProfileEachOfTheThree) {
  for (SrtpProfile profile : {SrtpProfile::kAeadAes128Gcm, SrtpProfile::kAeadAes256Gcm,
                              SrtpProfile::kAes128CmSha1_80}) {
    DtlsConfig server;
    server.srtp_profiles = {profile};
    DtlsPair p(CertA(), {}, CertZ(), server);
    p.Start();
    ASSERT_TRUE(p.RunUntilConnected()) << SrtpProfileName(profile);
    EXPECT_EQ(p.z.Find(DtlsEventType::kConnected)->srtp.profile, profile);
    EXPECT_EQ(p.a.Find(DtlsEventType::kConnected)->srtp.salt_size(),
              profile == SrtpProfile::kAes128CmSha1_80 ? 14u : 12u);
    ExpectKeysAgree(p.a, p.z);
  }
}

TEST(DtlsEngineTest, NoCommonSrtpProfileConnectsWithoutKeys) {
  DtlsConfig client;
  client.srtp_profiles = {SrtpProfile::kAeadAes128Gcm};
  DtlsConfig server;
  server.srtp_profiles = {SrtpProfile::kAeadAes256Gcm};
  DtlsPair p(CertA(), client, CertZ(), server);
  p.Start();
  ASSERT_TRUE(p.RunUntilConnected());
  EXPECT_EQ(p.a.Find(DtlsEventType::kConnected)->srtp.profile, SrtpProfile::kNone);
  EXPECT_EQ(p.z.Find(DtlsEventType::kConnected)->srtp.profile, SrtpProfile::kNone);
  EXPECT_TRUE(p.a.Find(DtlsEventType::kConnected)->srtp.local_key().empty());
}

TEST(DtlsEngineTest, KeysDifferBetweenSessions) {
  DtlsPair p1(CertA(), {}, CertZ(), {});
  p1.Start();
  ASSERT_TRUE(p1.RunUntilConnected());
  DtlsPair p2(CertA(), {}, CertZ(), {});
  p2.Start();
  ASSERT_TRUE(p2.RunUntilConnected());
  EXPECT_NE(p1.a.Find(DtlsEventType::kConnected)->srtp.client_key,
            p2.a.Find(DtlsEventType::kConnected)->srtp.client_key);
}

TEST(DtlsEngineTest, WrongFingerprintAtClientFailsBoth) {
  DtlsPair p(CertA(), {}, CertZ(), {});
  // A (client) expects some other certificate than Z's.
  p.Start(/*a_is_client=*/true, CertA().fingerprint());
  ASSERT_TRUE(p.RunUntil([&] { return p.a.failed() && p.z.failed(); }, seconds(5)));
  const RecordedEvent* fa = p.a.Find(DtlsEventType::kFailed);
  EXPECT_EQ(fa->error.code, ErrorCode::kAuthFailed);
  EXPECT_STREQ(fa->error.message, "remote certificate does not match the SDP fingerprint");
  EXPECT_EQ(fa->alert, 42);  // bad_certificate, sent by us
  EXPECT_FALSE(fa->alert_from_peer);
  const RecordedEvent* fz = p.z.Find(DtlsEventType::kFailed);
  EXPECT_EQ(fz->error.code, ErrorCode::kAuthFailed);
  EXPECT_THAT(fz->error.message, HasSubstr("alert"));
  EXPECT_EQ(fz->alert, 42);
  EXPECT_TRUE(fz->alert_from_peer);
  EXPECT_EQ(fz->alert_description, "bad certificate");
  EXPECT_FALSE(p.a.connected());
  EXPECT_FALSE(p.z.connected());
  EXPECT_EQ(p.a.engine.state(), DtlsState::kFailed);
  EXPECT_EQ(p.a.engine.PollTimeout(), std::nullopt);
  EXPECT_FALSE(p.a.engine.Send(Bytes(10, 1)).ok());
}

TEST(DtlsEngineTest, WrongFingerprintAtServerFailsBoth) {
  DtlsPair p(CertA(), {}, CertZ(), {});
  p.Start(/*a_is_client=*/true, std::nullopt, /*z_expects=*/CertZ().fingerprint());
  ASSERT_TRUE(p.RunUntil([&] { return p.a.failed() && p.z.failed(); }, seconds(5)));
  const RecordedEvent* fz = p.z.Find(DtlsEventType::kFailed);
  EXPECT_STREQ(fz->error.message, "remote certificate does not match the SDP fingerprint");
  EXPECT_EQ(fz->error.code, ErrorCode::kAuthFailed);
  const RecordedEvent* fa = p.a.Find(DtlsEventType::kFailed);
  EXPECT_TRUE(fa->alert_from_peer);
  EXPECT_EQ(fa->alert, 42);
  EXPECT_FALSE(p.a.connected());
  EXPECT_FALSE(p.z.connected());
}

TEST(DtlsEngineTest, FingerprintWithOtherHashAlgorithmsIsChecked) {
  for (HashAlgorithm h : {HashAlgorithm::kSha1, HashAlgorithm::kSha384, HashAlgorithm::kSha512}) {
    DtlsPair p(CertA(), {}, CertZ(), {});
    p.Start(true, CertZ().Fingerprint(h).value(), CertA().Fingerprint(h).value());
    EXPECT_TRUE(p.RunUntilConnected(seconds(5))) << HashAlgorithmName(h);
  }
  // A sha-1 fingerprint of the wrong certificate fails like a sha-256 one.
  DtlsPair p(CertA(), {}, CertZ(), {});
  p.Start(true, CertA().Fingerprint(HashAlgorithm::kSha1).value());
  ASSERT_TRUE(p.RunUntil([&] { return p.a.failed(); }, seconds(5)));
  EXPECT_EQ(p.a.Find(DtlsEventType::kFailed)->error.code, ErrorCode::kAuthFailed);
}

TEST(DtlsEngineTest, NoCommonCipherSuiteIsHandshakeFailureAlert) {
  DtlsConfig client;
  client.cipher_list = "ECDHE-ECDSA-AES256-GCM-SHA384";
  DtlsConfig server;
  server.cipher_list = "ECDHE-ECDSA-AES128-GCM-SHA256";
  DtlsPair p(CertA(), client, CertZ(), server);
  p.Start();
  ASSERT_TRUE(p.RunUntil([&] { return p.a.failed() && p.z.failed(); }, seconds(5)));
  const RecordedEvent* fz = p.z.Find(DtlsEventType::kFailed);
  EXPECT_EQ(fz->alert, 40);  // handshake_failure, sent by the server
  EXPECT_FALSE(fz->alert_from_peer);
  EXPECT_STREQ(fz->error.message, "no shared cipher");
  const RecordedEvent* fa = p.a.Find(DtlsEventType::kFailed);
  EXPECT_EQ(fa->alert, 40);
  EXPECT_TRUE(fa->alert_from_peer);
  EXPECT_EQ(fa->error.code, ErrorCode::kAuthFailed);
  EXPECT_EQ(fa->alert_description, "handshake failure");
}

TEST(DtlsEngineTest, MalformedClientHelloIsDecodeErrorAlert) {
  // A well-formed record whose ClientHello body is garbage: the server answers with an alert.
  auto z = DtlsEngine::Create(CertZ()).value();
  FakeClock clock;
  ASSERT_TRUE(z.Start(clock.now(), DtlsRole::kServer, CertA().fingerprint()).ok());
  std::vector<uint8_t> record = {22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  std::vector<uint8_t> hs = {1, 0, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20};  // CH, len 20
  for (int i = 0; i < 20; ++i) hs.push_back(0xEE);
  record[11] = 0;
  record[12] = static_cast<uint8_t>(hs.size());
  record.insert(record.end(), hs.begin(), hs.end());
  z.HandleReceive(clock.now(), record);
  auto alert = z.PollTransmit();
  ASSERT_TRUE(alert.has_value());
  EXPECT_EQ((*alert)[0], 21);  // an alert record
  std::vector<uint8_t> alert_bytes(alert->begin(), alert->end());
  auto e = z.PollEvent();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->type, DtlsEventType::kFailed);
  EXPECT_EQ(e->alert, 50);  // decode_error
  EXPECT_EQ(e->error.code, ErrorCode::kMalformed);
  EXPECT_FALSE(e->alert_from_peer);
  EXPECT_EQ(e->alert_description, std::string("decode error"));
  EXPECT_NE(std::string(e->error.message), "");
  EXPECT_EQ(z.state(), DtlsState::kFailed);

  // That alert, delivered to a client waiting for the ServerHello, fails it too.
  auto a = DtlsEngine::Create(CertA()).value();
  ASSERT_TRUE(a.Start(clock.now(), DtlsRole::kClient, CertZ().fingerprint()).ok());
  while (a.PollTransmit()) {
  }
  a.HandleReceive(clock.now(), alert_bytes);
  auto ea = a.PollEvent();
  ASSERT_TRUE(ea.has_value());
  EXPECT_EQ(ea->type, DtlsEventType::kFailed);
  EXPECT_TRUE(ea->alert_from_peer);
  EXPECT_EQ(ea->alert, e->alert);
  EXPECT_STREQ(ea->error.message, "peer sent a fatal DTLS alert");
}

TEST(DtlsEngineTest, RetransmitScheduleDoublesFromOneSecond) {
  DtlsPair p(CertA(), {}, CertZ(), {});
  p.link_az.set_down(true);  // every ClientHello is lost
  p.Start();
  const Instant start = p.clock.now();
  ASSERT_TRUE(p.RunUntil([&] { return p.a.failed(); }, seconds(1000)));
  std::vector<double> at;
  for (const Burst& b : p.a.bursts) {
    EXPECT_EQ(b.first, Flight::kClientHello);
    at.push_back(Seconds(b.at - start));
  }
  // RFC 6347 §4.2.4.1: 1 s, doubling, capped at 60 s; OpenSSL gives up after 12 timeouts.
  EXPECT_THAT(at, ElementsAre(0, 1, 3, 7, 15, 31, 63, 123, 183, 243, 303, 363, 423));
  const RecordedEvent* f = p.a.Find(DtlsEventType::kFailed);
  EXPECT_EQ(f->error.code, ErrorCode::kExhausted);
  EXPECT_THAT(f->error.message, HasSubstr("timed out"));
  EXPECT_EQ(p.a.engine.stats().retransmit_timeouts, 12u);
  EXPECT_EQ(p.a.engine.PollTimeout(), std::nullopt);
  // The server never heard anything: no timer, no failure.
  EXPECT_FALSE(p.z.failed());
  EXPECT_EQ(p.z.engine.PollTimeout(), std::nullopt);
}

TEST(DtlsEngineTest, RetransmitScheduleFollowsConfig) {
  DtlsConfig fast;
  fast.initial_retransmit_timeout = milliseconds(100);
  fast.max_retransmit_timeout = milliseconds(500);
  DtlsPair p(CertA(), fast, CertZ(), fast);
  p.link_az.set_down(true);
  p.Start();
  const Instant start = p.clock.now();
  p.RunUntil([&] { return p.a.bursts.size() >= 6; }, seconds(10));
  std::vector<int64_t> at;
  for (const Burst& b : p.a.bursts) {
    at.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(b.at - start).count());
  }
  EXPECT_THAT(at, ElementsAre(0, 100, 300, 700, 1200, 1700));
}

TEST(DtlsEngineTest, PollTimeoutIsTheNextRetransmission) {
  auto a = DtlsEngine::Create(CertA()).value();
  FakeClock clock;
  EXPECT_EQ(a.PollTimeout(), std::nullopt);
  ASSERT_TRUE(a.Start(clock.now(), DtlsRole::kClient, CertZ().fingerprint()).ok());
  ASSERT_TRUE(a.PollTransmit().has_value());
  EXPECT_FALSE(a.PollTransmit().has_value());
  EXPECT_EQ(a.PollTimeout(), clock.now() + seconds(1));
  // Early: nothing happens.
  clock.Advance(milliseconds(999));
  a.HandleTimeout(clock.now());
  EXPECT_FALSE(a.PollTransmit().has_value());
  clock.Advance(milliseconds(1));
  a.HandleTimeout(clock.now());
  ASSERT_TRUE(a.PollTransmit().has_value());
  EXPECT_EQ(a.PollTimeout(), clock.now() + seconds(2));
  EXPECT_EQ(a.stats().retransmit_timeouts, 1u);
}

TEST(DtlsEngineTest, ServerStartedLateReplaysEarlyClientHello) {
  auto a = DtlsEngine::Create(CertA()).value();
  auto z = DtlsEngine::Create(CertZ()).value();
  FakeClock clock;
  ASSERT_TRUE(a.Start(clock.now(), DtlsRole::kClient, CertZ().fingerprint()).ok());
  auto hello = a.PollTransmit();
  ASSERT_TRUE(hello.has_value());
  z.HandleReceive(clock.now(), *hello);  // before z.Start(): queued, not dropped
  EXPECT_FALSE(z.PollTransmit().has_value());
  clock.Advance(milliseconds(300));  // the SDP answer arrives later, before A's 1 s timer
  ASSERT_TRUE(z.Start(clock.now(), DtlsRole::kServer, CertA().fingerprint()).ok());
  std::vector<std::vector<uint8_t>> flight;
  while (auto d = z.PollTransmit()) flight.emplace_back(d->begin(), d->end());
  ASSERT_FALSE(flight.empty());
  EXPECT_EQ(Classify(flight.front()), Flight::kServerHello);
  for (int round = 0; round < 4; ++round) {
    for (auto& d : flight) a.HandleReceive(clock.now(), d);
    flight.clear();
    std::vector<std::vector<uint8_t>> to_z;
    while (auto d = a.PollTransmit()) to_z.emplace_back(d->begin(), d->end());
    for (auto& d : to_z) z.HandleReceive(clock.now(), d);
    while (auto d = z.PollTransmit()) flight.emplace_back(d->begin(), d->end());
  }
  EXPECT_EQ(a.state(), DtlsState::kConnected);
  EXPECT_EQ(z.state(), DtlsState::kConnected);
  EXPECT_EQ(a.stats().retransmit_timeouts, 0u);
}

TEST(DtlsEngineTest, EarlyQueueIsBounded) {
  DtlsConfig config;
  config.early_record_slots = 2;
  auto z = DtlsEngine::Create(CertZ(), config).value();
  FakeClock clock;
  std::vector<uint8_t> junk(40, 22);
  for (int i = 0; i < 5; ++i) z.HandleReceive(clock.now(), junk);
  EXPECT_EQ(z.stats().early_dropped, 3u);
  ASSERT_TRUE(z.Start(clock.now(), DtlsRole::kServer, CertA().fingerprint()).ok());
  EXPECT_EQ(z.state(), DtlsState::kConnecting);  // junk records are discarded silently
}

// Drops the first transmission of one flight; the handshake must recover by retransmission.
class LostFlightTest : public ::testing::TestWithParam<Flight> {};

TEST_P(LostFlightTest, RecoversByRetransmission) {
  const Flight lost = GetParam();
  DtlsPair p(CertA(), {}, CertZ(), {}, {.delay = milliseconds(10)}, {.delay = milliseconds(10)});
  bool dropped = false;
  auto drop_first = [&](const Burst& b, size_t) {
    if (!dropped && b.first == lost) return dropped = true;
    return false;
  };
  p.a.drop_burst = drop_first;
  p.z.drop_burst = drop_first;
  p.Start();
  const Instant start = p.clock.now();
  ASSERT_TRUE(p.RunUntilConnected(seconds(30)));
  EXPECT_TRUE(dropped);
  // One retransmission after the 1 s timer: connected after ~1 s, not before.
  EXPECT_GE(p.clock.now() - start, seconds(1));
  EXPECT_LT(p.clock.now() - start, seconds(2));
  ExpectKeysAgree(p.a, p.z);
  // Settle: no stray failure, no timers left running.
  p.Settle(seconds(200));
  EXPECT_FALSE(p.a.failed());
  EXPECT_FALSE(p.z.failed());
}

INSTANTIATE_TEST_SUITE_P(EachFlight, LostFlightTest,
                         ::testing::Values(Flight::kClientHello, Flight::kServerHello,
                                           Flight::kClientCertificate,
                                           Flight::kChangeCipherSpec),
                         [](const auto& info) {
                           switch (info.param) {
                             case Flight::kClientHello: return "ClientHello";
                             case Flight::kServerHello: return "ServerFlight";
                             case Flight::kClientCertificate: return "ClientFlight";
                             case Flight::kChangeCipherSpec: return "ServerFinished";
                             default: return "Other";
                           }
                         });

TEST(DtlsEngineTest, LostFlightTwiceWaitsOneThenTwoSeconds) {
  DtlsPair p(CertA(), {}, CertZ(), {});
  int dropped = 0;
  p.z.drop_burst = [&](const Burst& b, size_t) {
    return b.first == Flight::kServerHello && dropped++ < 2;
  };
  p.Start();
  const Instant start = p.clock.now();
  ASSERT_TRUE(p.RunUntilConnected(seconds(30)));
  EXPECT_EQ(dropped, 3);  // two drops, then the third copy passes (counter incremented)
  // Client retransmits ClientHello at 1 s and 3 s; each time the server resends its flight.
  EXPECT_GE(p.clock.now() - start, seconds(3));
  EXPECT_LT(p.clock.now() - start, seconds(4));
}

TEST(DtlsEngineTest, RoundTripLongerThanTheTimerConnectsDespiteSpuriousRetransmissions) {
  // 1.4 s RTT: the client's 1 s timer fires before every answer arrives.
  DtlsPair p(CertA(), {}, CertZ(), {}, {.delay = milliseconds(700)}, {.delay = milliseconds(700)});
  p.Start();
  ASSERT_TRUE(p.RunUntilConnected(seconds(30)));
  EXPECT_GT(p.a.engine.stats().retransmit_timeouts, 0u);
  ExpectKeysAgree(p.a, p.z);
  p.Settle(seconds(200));
  EXPECT_FALSE(p.a.failed());
  EXPECT_FALSE(p.z.failed());
}

TEST(DtlsEngineTest, SmallMtuFlightsWithLossConnect) {
  DtlsConfig small;
  small.mtu = 300;  // the server's flight spans several datagrams
  SimulatedLinkOptions lossy{.delay = milliseconds(20), .loss = 0.2, .seed = 5};
  SimulatedLinkOptions lossy_back = lossy;
  lossy_back.seed = 6;
  DtlsPair p(CertA(), small, CertZ(), small, lossy, lossy_back);
  p.Start();
  ASSERT_TRUE(p.RunUntilConnected(seconds(120)));
  size_t server_datagrams = 0;
  for (const Burst& b : p.z.bursts) server_datagrams = std::max(server_datagrams, b.datagrams);
  EXPECT_GE(server_datagrams, 3u);
  ExpectKeysAgree(p.a, p.z);
}

TEST(DtlsEngineTest, LossAndReorderingStillConnect) {
  int connected = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SimulatedLinkOptions lossy{.delay = milliseconds(30), .jitter = milliseconds(10),
                               .loss = 0.10, .duplicate = 0.02, .reorder = 0.10,
                               .reorder_delay = milliseconds(40), .seed = seed};
    SimulatedLinkOptions lossy_back = lossy;
    lossy_back.seed = seed + 1000;
    DtlsPair p(CertA(), {}, CertZ(), {}, lossy, lossy_back);
    p.Start(seed % 2 == 0);
    if (p.RunUntilConnected(seconds(120))) {
      ++connected;
      ExpectKeysAgree(p.a, p.z);
    }
    EXPECT_FALSE(p.a.failed()) << seed;
    EXPECT_FALSE(p.z.failed()) << seed;
  }
  EXPECT_EQ(connected, 20);
}

class ConnectedPairTest : public ::testing::Test {
 protected:
  void SetUp() override {
    p_.Start();
    ASSERT_TRUE(p_.RunUntilConnected());
  }
  DtlsPair p_{CertA(), {}, CertZ(), {}, {.delay = milliseconds(5)}, {.delay = milliseconds(5)}};
};

TEST_F(ConnectedPairTest, ApplicationDataBothWays) {
  auto small = Bytes(5, 1);
  auto big = Bytes(1200, 9);
  ASSERT_TRUE(p_.a.engine.Send(small).ok());
  ASSERT_TRUE(p_.a.engine.Send(big).ok());
  ASSERT_TRUE(p_.z.engine.Send(big).ok());
  // A 1200-byte record is one datagram of 1200 + 13 header + 8 nonce + 16 tag.
  p_.Drain();
  p_.RunUntil([&] { return p_.z.ReceivedData().size() == 2 && p_.a.ReceivedData().size() == 1; },
              seconds(1));
  EXPECT_THAT(p_.z.ReceivedData(), ElementsAre(small, big));
  EXPECT_THAT(p_.a.ReceivedData(), ElementsAre(big));
  EXPECT_EQ(p_.a.engine.stats().application_records_sent, 2u);
  EXPECT_EQ(p_.z.engine.stats().application_records_received, 2u);
}

TEST_F(ConnectedPairTest, RecordSizeIsPayloadPlusAeadOverhead) {
  ASSERT_TRUE(p_.a.engine.Send(Bytes(1200, 3)).ok());
  auto d = p_.a.engine.PollTransmit();
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->size(), 1200u + 13 + 8 + 16);
  EXPECT_EQ((*d)[0], 23);  // application_data
  EXPECT_EQ((*d)[3], 0);
  EXPECT_EQ((*d)[4], 1);  // epoch 1
}

TEST_F(ConnectedPairTest, SendRejectsMisuse) {
  EXPECT_EQ(p_.a.engine.Send({}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(p_.a.engine.Send(Bytes(1501, 0)).error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(p_.a.engine.Send(Bytes(1500, 0)).ok());
  // Fill the ring (16 slots), then backpressure.
  size_t accepted = 1;
  while (p_.a.engine.Send(Bytes(100, 0)).ok()) ++accepted;
  EXPECT_EQ(accepted, 16u);
  EXPECT_EQ(p_.a.engine.Send(Bytes(100, 0)).error().code, ErrorCode::kExhausted);
  ASSERT_TRUE(p_.a.engine.PollTransmit().has_value());
  ASSERT_TRUE(p_.a.engine.PollTransmit().has_value());  // releases the first slot
  EXPECT_TRUE(p_.a.engine.Send(Bytes(100, 0)).ok());
}

TEST_F(ConnectedPairTest, ReceiveRingOverflowDropsAndCounts) {
  std::vector<std::vector<uint8_t>> sent;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(p_.a.engine.Send(Bytes(50, static_cast<uint8_t>(i))).ok()) << i;
    auto d = p_.a.engine.PollTransmit();
    ASSERT_TRUE(d.has_value());
    sent.emplace_back(d->begin(), d->end());
  }
  // Z's application ring has 16 slots and nobody polls events meanwhile.
  for (const auto& d : sent) p_.z.engine.HandleReceive(p_.clock.now(), d);
  EXPECT_EQ(p_.z.engine.stats().receive_dropped, 4u);
  int n = 0;
  while (auto e = p_.z.engine.PollEvent()) {
    ASSERT_EQ(e->type, DtlsEventType::kApplicationData);
    EXPECT_EQ(std::vector<uint8_t>(e->data.begin(), e->data.end()),
              Bytes(50, static_cast<uint8_t>(n)));
    ++n;
  }
  EXPECT_EQ(n, 16);
}

TEST(DtlsEngineTest, OversizedIncomingRecordIsDropped) {
  DtlsConfig small;
  small.max_application_data_size = 100;
  DtlsPair p(CertA(), {}, CertZ(), small);
  p.Start();
  ASSERT_TRUE(p.RunUntilConnected());
  ASSERT_TRUE(p.a.engine.Send(Bytes(101, 1)).ok());
  ASSERT_TRUE(p.a.engine.Send(Bytes(100, 2)).ok());
  p.RunUntil([&] { return !p.z.ReceivedData().empty(); }, seconds(1));
  EXPECT_THAT(p.z.ReceivedData(), ElementsAre(Bytes(100, 2)));
  EXPECT_EQ(p.z.engine.stats().receive_dropped, 1u);
  EXPECT_EQ(p.z.engine.state(), DtlsState::kConnected);
}

TEST_F(ConnectedPairTest, CloseNotifyBecomesClosedOnThePeer) {
  p_.a.engine.Close();
  EXPECT_EQ(p_.a.engine.state(), DtlsState::kClosed);
  EXPECT_FALSE(p_.a.engine.Send(Bytes(3, 0)).ok());
  p_.RunUntil([&] { return p_.z.Has(DtlsEventType::kClosed); }, seconds(1));
  const RecordedEvent* c = p_.z.Find(DtlsEventType::kClosed);
  ASSERT_NE(c, nullptr);
  EXPECT_STREQ(c->error.message, "peer sent close_notify");
  EXPECT_EQ(p_.z.engine.state(), DtlsState::kClosed);
  EXPECT_FALSE(p_.z.failed());
  EXPECT_FALSE(p_.a.Has(DtlsEventType::kClosed));  // no event for a local close
  // Z answered with its own close_notify, which A (closed) ignores.
  p_.Settle(seconds(1));
  EXPECT_FALSE(p_.a.failed());
}

TEST_F(ConnectedPairTest, GarbageAfterConnectIsDiscarded) {
  Random random(7);
  std::vector<uint8_t> junk(200);
  for (int i = 0; i < 2000; ++i) {
    junk.resize(random.Uniform(0, 200));
    random.Fill(junk);
    if (!junk.empty() && i % 2 == 0) junk[0] = static_cast<uint8_t>(20 + random.Uniform(0, 3));
    if (junk.size() > 3 && i % 4 == 0) { junk[1] = 0xFE; junk[2] = 0xFD; }
    p_.a.engine.HandleReceive(p_.clock.now(), junk);
  }
  EXPECT_EQ(p_.a.engine.state(), DtlsState::kConnected);
  EXPECT_FALSE(p_.a.failed());
  ASSERT_TRUE(p_.z.engine.Send(Bytes(10, 4)).ok());
  p_.RunUntil([&] { return !p_.a.ReceivedData().empty(); }, seconds(1));
  EXPECT_THAT(p_.a.ReceivedData(), ElementsAre(Bytes(10, 4)));
}

TEST_F(ConnectedPairTest, ReplayedRecordIsDeliveredOnce) {
  ASSERT_TRUE(p_.a.engine.Send(Bytes(30, 5)).ok());
  auto d = p_.a.engine.PollTransmit();
  ASSERT_TRUE(d.has_value());
  std::vector<uint8_t> copy(d->begin(), d->end());
  p_.z.engine.HandleReceive(p_.clock.now(), copy);
  p_.z.engine.HandleReceive(p_.clock.now(), copy);
  p_.Drain();
  EXPECT_EQ(p_.z.ReceivedData().size(), 1u);
}

TEST_F(ConnectedPairTest, TamperedRecordIsDiscarded) {
  ASSERT_TRUE(p_.a.engine.Send(Bytes(30, 5)).ok());
  auto d = p_.a.engine.PollTransmit();
  std::vector<uint8_t> copy(d->begin(), d->end());
  copy.back() ^= 1;  // breaks the GCM tag
  p_.z.engine.HandleReceive(p_.clock.now(), copy);
  p_.Drain();
  EXPECT_TRUE(p_.z.ReceivedData().empty());
  EXPECT_EQ(p_.z.engine.state(), DtlsState::kConnected);
}

TEST(DtlsEngineTest, GarbageDuringHandshakeDoesNotCrash) {
  Random random(11);
  auto z = DtlsEngine::Create(CertZ()).value();
  FakeClock clock;
  ASSERT_TRUE(z.Start(clock.now(), DtlsRole::kServer, CertA().fingerprint()).ok());
  std::vector<uint8_t> junk;
  for (int i = 0; i < 3000 && z.state() == DtlsState::kConnecting; ++i) {
    junk.resize(random.Uniform(0, 300));
    random.Fill(junk);
    if (junk.size() >= 14) {
      junk[0] = 22;
      junk[1] = 0xFE;
      junk[2] = static_cast<uint8_t>(i % 3 == 0 ? 0xFF : 0xFD);
      junk[3] = junk[4] = 0;
      const size_t len = junk.size() - 13 - (i % 5 == 0 ? 1 : 0);
      junk[11] = static_cast<uint8_t>(len >> 8);
      junk[12] = static_cast<uint8_t>(len);
    }
    z.HandleReceive(clock.now(), junk);
    while (z.PollTransmit()) {
    }
    while (auto e = z.PollEvent()) {
      // Random bytes can at most fail the handshake (with a reason), never connect it.
      ASSERT_EQ(e->type, DtlsEventType::kFailed);
      EXPECT_NE(std::string(e->error.message), "");
    }
  }
  EXPECT_NE(z.state(), DtlsState::kConnected);
  EXPECT_GT(z.stats().datagrams_received, 0u);
}

TEST(DtlsEngineTest, BothClientsFailWithAnAlert) {
  // A role mix-up in SDP (both a=setup:active): each ClientHello reaches a client.
  auto a = DtlsEngine::Create(CertA()).value();
  auto z = DtlsEngine::Create(CertZ()).value();
  FakeClock clock;
  ASSERT_TRUE(a.Start(clock.now(), DtlsRole::kClient, CertZ().fingerprint()).ok());
  ASSERT_TRUE(z.Start(clock.now(), DtlsRole::kClient, CertA().fingerprint()).ok());
  auto from_a = a.PollTransmit();
  ASSERT_TRUE(from_a.has_value());
  std::vector<uint8_t> hello_a(from_a->begin(), from_a->end());
  z.HandleReceive(clock.now(), hello_a);
  auto e = z.PollEvent();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->type, DtlsEventType::kFailed);
  EXPECT_EQ(e->alert, 10);  // unexpected_message
  EXPECT_EQ(e->error.code, ErrorCode::kMalformed);
  EXPECT_EQ(z.PollTimeout(), std::nullopt);
}

TEST(DtlsEngineTest, BothServersWaitWithoutTimers) {
  // Both a=setup:passive: nobody speaks; no deadline, so the PeerConnection's own timeout
  // (ICE consent, connection timeout) must end it.
  DtlsPair p(CertA(), {}, CertZ(), {});
  ASSERT_TRUE(p.a.engine.Start(p.clock.now(), DtlsRole::kServer, CertZ().fingerprint()).ok());
  ASSERT_TRUE(p.z.engine.Start(p.clock.now(), DtlsRole::kServer, CertA().fingerprint()).ok());
  p.Settle(seconds(60));
  EXPECT_TRUE(p.a.bursts.empty());
  EXPECT_TRUE(p.z.bursts.empty());
  EXPECT_EQ(p.a.engine.PollTimeout(), std::nullopt);
  EXPECT_EQ(p.a.engine.state(), DtlsState::kConnecting);
}

TEST(DtlsEngineTest, NonDtlsDatagramsAreCounted) {
  auto z = DtlsEngine::Create(CertZ()).value();
  FakeClock clock;
  const uint8_t stun[20] = {0x00, 0x01};
  const uint8_t rtp[20] = {0x80, 0x60};
  const uint8_t short_dtls[5] = {22, 0xFE, 0xFD};
  z.HandleReceive(clock.now(), stun);
  z.HandleReceive(clock.now(), rtp);
  z.HandleReceive(clock.now(), short_dtls);
  z.HandleReceive(clock.now(), {});
  EXPECT_EQ(z.stats().non_dtls_dropped, 4u);
  EXPECT_EQ(z.stats().datagrams_received, 4u);
}

TEST(DtlsEngineTest, ApiMisuseIsReported) {
  auto a = DtlsEngine::Create(CertA()).value();
  FakeClock clock;
  EXPECT_EQ(a.Send(Bytes(3, 0)).error().code, ErrorCode::kInvalidState);
  EXPECT_EQ(a.Start(clock.now(), DtlsRole::kClient, DtlsFingerprint{}).error().code,
            ErrorCode::kInvalidArgument);
  ASSERT_TRUE(a.Start(clock.now(), DtlsRole::kClient, CertZ().fingerprint()).ok());
  EXPECT_EQ(a.Start(clock.now(), DtlsRole::kClient, CertZ().fingerprint()).error().code,
            ErrorCode::kInvalidState);
  EXPECT_EQ(a.Send(Bytes(3, 0)).error().code, ErrorCode::kInvalidState);
  a.Close();
  EXPECT_EQ(a.state(), DtlsState::kClosed);
  EXPECT_EQ(a.PollTimeout(), std::nullopt);
}

TEST(DtlsEngineTest, CreateValidatesConfig) {
  DtlsConfig c;
  c.mtu = 100;
  EXPECT_EQ(DtlsEngine::Create(CertA(), c).error().code, ErrorCode::kInvalidArgument);
  c = {};
  c.cipher_list = "NOT-A-CIPHER";
  EXPECT_EQ(DtlsEngine::Create(CertA(), c).error().code, ErrorCode::kInvalidArgument);
  c = {};
  c.srtp_profiles = {static_cast<SrtpProfile>(0x0002)};
  EXPECT_EQ(DtlsEngine::Create(CertA(), c).error().code, ErrorCode::kInvalidArgument);
  c = {};
  c.transmit_slots = 3;
  EXPECT_EQ(DtlsEngine::Create(CertA(), c).error().code, ErrorCode::kInvalidArgument);
  c = {};
  c.max_retransmit_timeout = milliseconds(10);
  EXPECT_EQ(DtlsEngine::Create(CertA(), c).error().code, ErrorCode::kInvalidArgument);
  c = {};
  c.srtp_profiles = {};
  EXPECT_TRUE(DtlsEngine::Create(CertA(), c).ok());
}

TEST(DtlsEngineTest, DataChannelOnlyWithoutUseSrtp) {
  DtlsConfig none;
  none.srtp_profiles = {};
  DtlsPair p(CertA(), none, CertZ(), {});
  p.Start();
  ASSERT_TRUE(p.RunUntilConnected());
  EXPECT_EQ(p.a.Find(DtlsEventType::kConnected)->srtp.profile, SrtpProfile::kNone);
}

TEST(DtlsEngineTest, MovedEngineKeepsWorking) {
  auto a0 = DtlsEngine::Create(CertA()).value();
  DtlsEngine a = std::move(a0);
  FakeClock clock;
  ASSERT_TRUE(a.Start(clock.now(), DtlsRole::kClient, CertZ().fingerprint()).ok());
  EXPECT_TRUE(a.PollTransmit().has_value());
  clock.Advance(seconds(1));
  a.HandleTimeout(clock.now());
  EXPECT_TRUE(a.PollTransmit().has_value());
}

}  // namespace
}  // namespace sluice::dtls::test
