// Stateful fuzzer for the DTLS engine: two real engines (A client, Z server) whose exchange is
// scripted by the input: deliver, drop, mutate or inject datagrams, advance simulated time,
// send application data, close. Whatever happens, nothing may crash, and two engines that both
// report kConnected must agree on the SRTP keys and carry an unmutated record intact (abort
// otherwise).
//
// The AES-GCM record fast path (DtlsConfig::aead_fast_path) is on or off per side (first
// byte), and three operations aim at its record parser and receive path: a crafted epoch-1
// application_data record (any sequence number, length field and body), several queued
// datagrams packed into one, and a replay of the last datagram delivered.
//
// Built as fuzz_dtls with libFuzzer (see the report: fuzz/CMakeLists.txt does not list dtls
// yet), and always as a corpus replay test (unit_dtls's CMakeLists) so g++ and asan builds run
// every seed in tests/unit/dtls/fuzz/corpus/.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <vector>

#include "dtls/dtls_engine.h"

namespace {

using namespace sluice;
using namespace sluice::dtls;

struct Input {
  const uint8_t* data;
  size_t size;
  size_t at = 0;
  bool empty() const { return at >= size; }
  uint8_t Byte() { return at < size ? data[at++] : 0; }
  std::vector<uint8_t> Bytes(size_t n) {
    n = std::min(n, size - std::min(at, size));
    std::vector<uint8_t> out(data + at, data + at + n);
    at += n;
    return out;
  }
};

struct Peer {
  DtlsEngine engine;
  std::deque<std::vector<uint8_t>> outbox;
  std::vector<std::vector<uint8_t>> received;
  bool connected = false;
  SrtpKeyingMaterial keys;

  void Drain() {
    while (auto d = engine.PollTransmit()) outbox.emplace_back(d->begin(), d->end());
    while (auto e = engine.PollEvent()) {
      if (e->type == DtlsEventType::kConnected) {
        if (connected) std::abort();  // kConnected twice
        connected = true;
        keys = e->srtp;
      } else if (e->type == DtlsEventType::kApplicationData) {
        if (!connected) std::abort();  // data before kConnected
        received.emplace_back(e->data.begin(), e->data.end());
      }
    }
  }
};

const DtlsCertificate& Cert(int which) {
  static const DtlsCertificate a = DtlsCertificate::Generate().value();
  static const DtlsCertificate z = DtlsCertificate::Generate().value();
  return which == 0 ? a : z;
}

std::vector<uint8_t> last_delivered;

void Deliver(Peer& from, Peer& to, Instant now, int mutate_at = -1, uint8_t mask = 0) {
  if (from.outbox.empty()) return;
  std::vector<uint8_t> d = std::move(from.outbox.front());
  from.outbox.pop_front();
  if (mutate_at >= 0 && !d.empty()) d[static_cast<size_t>(mutate_at) % d.size()] ^= mask;
  to.engine.HandleReceive(now, d);
  last_delivered = std::move(d);
  to.Drain();
}

// An epoch-1 application_data record header (RFC 6347 §4.1) with a fuzzed sequence number and
// length field, followed by up to 255 fuzzed bytes (the length field need not match).
std::vector<uint8_t> CraftRecord(Input& in) {
  std::vector<uint8_t> r = {23, 0xFE, 0xFD, 0, 1};
  for (int i = 0; i < 6; ++i) r.push_back(in.Byte() & ((in.Byte() & 1) ? 0xFF : 0x00));
  const uint8_t len = in.Byte();
  r.push_back(0);
  r.push_back(len);
  auto body = in.Bytes(in.Byte());
  r.insert(r.end(), body.begin(), body.end());
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in{data, size};
  // Bit 0: the server is started late (early records path); bits 1, 2: A's and Z's fast path
  // off.
  const uint8_t first = in.Byte();
  const bool late_server = (first & 1) != 0;
  DtlsConfig config;
  config.initial_retransmit_timeout = milliseconds(100);
  config.max_retransmit_timeout = milliseconds(400);
  config.aead_fast_path = (first & 2) == 0;
  Peer a{DtlsEngine::Create(Cert(0), config).value()};
  config.aead_fast_path = (first & 4) == 0;
  Peer z{DtlsEngine::Create(Cert(1), config).value()};
  Instant now = Instant{} + seconds(1000);
  last_delivered.clear();

  if (!late_server) (void)z.engine.Start(now, DtlsRole::kServer, Cert(0).fingerprint());
  (void)a.engine.Start(now, DtlsRole::kClient, Cert(1).fingerprint());
  a.Drain();
  z.Drain();

  for (int ops = 0; !in.empty() && ops < 200; ++ops) {
    switch (in.Byte() % 14) {
      case 0: Deliver(a, z, now); break;
      case 1: Deliver(z, a, now); break;
      case 2: {
        auto bytes = in.Bytes(in.Byte() * 2u);
        z.engine.HandleReceive(now, bytes);
        z.Drain();
        break;
      }
      case 3: {
        auto bytes = in.Bytes(in.Byte() * 2u);
        a.engine.HandleReceive(now, bytes);
        a.Drain();
        break;
      }
      case 4:
        now += milliseconds(in.Byte() * 8);
        a.engine.HandleTimeout(now);
        z.engine.HandleTimeout(now);
        a.Drain();
        z.Drain();
        break;
      case 5: {
        const int at = in.Byte();
        Deliver(a, z, now, at, static_cast<uint8_t>(in.Byte() | 1));
        break;
      }
      case 6: {
        const int at = in.Byte();
        Deliver(z, a, now, at, static_cast<uint8_t>(in.Byte() | 1));
        break;
      }
      case 7: {
        auto bytes = in.Bytes(in.Byte() * 6u);
        (void)((bytes.size() & 1) ? a : z).engine.Send(bytes);
        a.Drain();
        z.Drain();
        break;
      }
      case 8:
        if (!a.outbox.empty()) a.outbox.pop_front();
        break;
      case 9:
        if (late_server && z.engine.state() == DtlsState::kNew) {
          (void)z.engine.Start(now, DtlsRole::kServer, Cert(0).fingerprint());
          z.Drain();
        }
        break;
      case 10:
        if (in.Byte() == 0xC1) ((in.Byte() & 1) ? a : z).engine.Close();
        a.Drain();
        z.Drain();
        break;
      case 11: {  // a crafted record, alone or after a genuine datagram
        Peer& to = (in.Byte() & 1) ? a : z;
        Peer& from = &to == &a ? z : a;
        std::vector<uint8_t> d;
        if ((in.Byte() & 1) && !from.outbox.empty()) {
          d = std::move(from.outbox.front());
          from.outbox.pop_front();
        }
        auto crafted = CraftRecord(in);
        d.insert(d.end(), crafted.begin(), crafted.end());
        to.engine.HandleReceive(now, d);
        to.Drain();
        break;
      }
      case 12: {  // up to 4 queued datagrams packed into one (RFC 6347 §4.1)
        Peer& from = (in.Byte() & 1) ? a : z;
        Peer& to = &from == &a ? z : a;
        std::vector<uint8_t> d;
        for (int n = 1 + in.Byte() % 4; n > 0 && !from.outbox.empty(); --n) {
          d.insert(d.end(), from.outbox.front().begin(), from.outbox.front().end());
          from.outbox.pop_front();
        }
        if (!d.empty()) to.engine.HandleReceive(now, d);
        to.Drain();
        break;
      }
      case 13:  // replay the last datagram delivered, to either side
        if (!last_delivered.empty()) {
          Peer& to = (in.Byte() & 1) ? a : z;
          const std::vector<uint8_t> copy = last_delivered;
          to.engine.HandleReceive(now, copy);
          to.Drain();
        }
        break;
    }
  }

  // Finish: a clean network for a while (the handshake may complete or fail, never crash).
  if (z.engine.state() == DtlsState::kNew) {
    (void)z.engine.Start(now, DtlsRole::kServer, Cert(0).fingerprint());
    z.Drain();
  }
  for (int round = 0; round < 40; ++round) {
    while (!a.outbox.empty() || !z.outbox.empty()) {
      Deliver(a, z, now);
      Deliver(z, a, now);
    }
    now += milliseconds(100);
    a.engine.HandleTimeout(now);
    z.engine.HandleTimeout(now);
    a.Drain();
    z.Drain();
  }
  if (a.connected && z.connected) {
    if (a.keys.profile != z.keys.profile || a.keys.client_key != z.keys.client_key ||
        a.keys.server_salt != z.keys.server_salt) {
      std::fprintf(stderr, "connected peers disagree on SRTP keys\n");
      std::abort();
    }
    if (a.engine.state() == DtlsState::kConnected && z.engine.state() == DtlsState::kConnected) {
      const std::vector<uint8_t> probe = {0x50, 0x52, 0x4F, 0x42, 0x45};
      z.received.clear();
      if (!a.engine.Send(probe).ok()) {
        a.Drain();  // the ring may be full of undelivered records: drain and retry
        a.outbox.clear();
        if (!a.engine.Send(probe).ok()) std::abort();
      }
      a.Drain();
      while (!a.outbox.empty()) Deliver(a, z, now);
      if (z.received.empty() || z.received.back() != probe) {
        std::fprintf(stderr, "an unmutated record was not delivered intact\n");
        std::abort();
      }
    }
  }
  return 0;
}
