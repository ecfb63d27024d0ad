// Stateful fuzzer for the ICE agent: the input is a script of operations on one agent (Z) whose
// peer (A) has known credentials. Besides raw datagrams it forges *authentic* requests and
// responses (signed with the right keys) from fuzzed fields, so role conflicts, peer-reflexive
// candidates, nominations, 487s, consent and timers are reached, not just the parser.
// Invariants (abort on violation): every datagram Z sends is a STUN Binding message with a valid
// FINGERPRINT and, if it carries MESSAGE-INTEGRITY, the key it must use; HandleTimeout always
// moves PollTimeout forward; a selected pair exists exactly when connected / completed /
// disconnected.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "ice/agent.h"
#include "stun/stun_builder.h"
#include "stun/stun_ice.h"
#include "stun/stun_integrity.h"
#include "stun/stun_message.h"

namespace {

using namespace sluice;
using namespace sluice::ice;

constexpr char kPeerUfrag[] = "AAAA";
constexpr char kPeerPwd[] = "AAAAAAAAAAAAAAAAAAAAAAAA";

struct Reader {
  const uint8_t* p;
  size_t n;
  uint8_t U8() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  uint64_t U64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | U8();
    return v;
  }
  std::span<const uint8_t> Bytes(size_t len) {
    if (len > n) len = n;
    std::span<const uint8_t> s(p, len);
    p += len;
    n -= len;
    return s;
  }
};

const TransportAddress kLocals[] = {Ipv4Address(10, 0, 0, 2, 2000),
                                    *ParseIp("2001:db8::2", 2000),
                                    Ipv4Address(10, 0, 0, 99, 1)};
const TransportAddress kRemotes[] = {Ipv4Address(10, 0, 0, 1, 1000), Ipv4Address(10, 0, 0, 3, 1001),
                                     *ParseIp("2001:db8::1", 1000), Ipv4Address(198, 51, 100, 1, 3478)};

void Check(bool ok) {
  if (!ok) std::abort();
}

struct Run {
  Agent z;
  Instant now = Instant{} + std::chrono::hours(1);
  StunIntegrityKey z_key;
  StunIntegrityKey peer_key = StunIntegrityKey::ShortTerm(kPeerPwd);
  StunTransactionId requests[8]{};
  TransportAddress request_to[8];
  size_t request_count = 0;
  std::array<uint8_t, 1500> buf{};

  explicit Run(const AgentConfig& c) : z(c), z_key(StunIntegrityKey::ShortTerm(z.local_pwd())) {}

  void Drain() {
    while (auto t = z.PollTransmit()) {
      auto v = StunMessageView::Parse(t->data);
      Check(v.ok() && v->method() == StunMethod::kBinding);
      Check(VerifyFingerprint(*v).ok());
      if (v->message_class() == StunClass::kRequest) {
        if (v->has_message_integrity()) Check(VerifyMessageIntegrity(*v, peer_key).ok());
        requests[request_count % 8] = v->transaction_id();
        request_to[request_count % 8] = t->remote;
        ++request_count;
      } else if (v->has_message_integrity()) {
        Check(VerifyMessageIntegrity(*v, z_key).ok());
      }
    }
    while (auto e = z.PollEvent()) {
      if (e->type == EventType::kSelectedPairChanged) Check(e->pair.has_value());
    }
    bool up = z.state() == ConnectionState::kConnected || z.state() == ConnectionState::kCompleted ||
              z.state() == ConnectionState::kDisconnected;
    if (up) Check(z.selected_pair().has_value());
  }

  void Advance(Duration d) {
    Instant until = now + d;
    for (int i = 0; i < 100000; ++i) {
      auto next = z.PollTimeout();
      if (!next || *next > until) break;
      if (*next > now) now = *next;
      z.HandleTimeout(now);
      Drain();
      auto after = z.PollTimeout();
      // Progress: after handling `now` the agent must not ask for `now` (or earlier) again,
      // except for a deadline it could not act on yet (none exist today).
      if (after && *after <= now) {
        z.HandleTimeout(now);
        Drain();
        after = z.PollTimeout();
        Check(!after || *after > now);
      }
    }
    if (until > now) now = until;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r{data, size};
  uint8_t mode = r.U8();
  AgentConfig config;
  config.role = (mode & 1) ? Role::kControlling : Role::kControlled;
  config.lite = (mode & 2) != 0;
  config.seed = mode + 1u;  // never 0: fuzz runs must replay
  config.ta = milliseconds(5);
  config.local_ufrag = "ZZZZ";
  config.local_pwd = "ZZZZZZZZZZZZZZZZZZZZZZZZ";
  if (mode & 4) config.stun_server = kRemotes[3];
  Run run(config);
  Agent& z = run.z;
  (void)z.AddHostCandidate(kLocals[0]);
  (void)z.AddHostCandidate(kLocals[1]);
  if (mode & 8) (void)z.SetRemoteCredentials(kPeerUfrag, kPeerPwd);
  if (mode & 16) (void)z.AddRemoteCandidate(Candidate{.foundation = "1", .priority = 2130706431,
                                                      .address = kRemotes[0]});
  z.Start(run.now);
  run.Drain();

  while (r.n > 0) {
    uint8_t op = r.U8();
    const TransportAddress& local = kLocals[(op >> 3) % 3];
    const TransportAddress& remote = kRemotes[(op >> 5) % 4];
    switch (op % 8) {
      case 0: {  // raw bytes
        auto bytes = r.Bytes(r.U8());
        z.HandleReceive(run.now, local, remote, bytes);
        break;
      }
      case 1: {  // an authentic request with fuzzed ICE attributes
        uint8_t flags = r.U8();
        uint64_t tb = r.U64();
        StunTransactionId id;
        for (auto& b : id.bytes) b = r.U8();
        std::string user = std::string("ZZZZ:") + ((flags & 64) ? "BBBB" : kPeerUfrag);
        StunMessageBuilder b(run.buf, StunMethod::kBinding, StunClass::kRequest, id);
        b.AddUsername(user);
        if (!(flags & 1)) b.AddPriority(static_cast<uint32_t>(tb >> 32) | 1);
        if (flags & 2) b.AddIceControlling(tb);
        else if (flags & 4) b.AddIceControlled(tb);
        if (flags & 8) b.AddUseCandidate();
        if (flags & 16) b.AddAttribute(0x7001, std::span<const uint8_t>());
        b.AddMessageIntegrity((flags & 32) ? run.peer_key : run.z_key);
        b.AddFingerprint();
        auto n = b.Finish();
        if (n.ok()) z.HandleReceive(run.now, local, remote, std::span(run.buf.data(), *n));
        break;
      }
      case 2: {  // an authentic response to one of Z's requests
        if (run.request_count == 0) break;
        uint8_t pick = r.U8();
        uint8_t kind = r.U8();
        size_t i = pick % std::min<size_t>(run.request_count, 8);
        const TransportAddress& from = (kind & 8) ? remote : run.request_to[i];
        Result<size_t> n = MakeError(ErrorCode::kInternal, "unset");
        if (kind & 1) {
          uint16_t codes[] = {487, 400, 401, 500};
          n = BuildIceBindingError(run.requests[i], codes[(kind >> 1) % 4], &run.peer_key, run.buf);
        } else if (kind & 2) {  // a STUN server's plain answer
          StunMessageBuilder b(run.buf, StunMethod::kBinding, StunClass::kSuccessResponse, run.requests[i]);
          n = b.AddXorMappedAddress(remote).AddFingerprint().Finish();
        } else {
          n = BuildIceBindingSuccess(run.requests[i], remote, run.peer_key, run.buf);
        }
        if (n.ok()) z.HandleReceive(run.now, (kind & 16) ? local : kLocals[0], from,
                                    std::span(run.buf.data(), *n));
        break;
      }
      case 3:
        run.Advance(milliseconds(r.U8()) * 20);
        break;
      case 4:
        run.Advance(seconds(r.U8()));
        break;
      case 5:
        (void)z.AddRemoteCandidate(Candidate{.foundation = std::to_string(op), .priority = r.U8() + 1u,
                                             .address = remote});
        break;
      case 6:
        if (op & 8) z.SetRemoteEndOfCandidates();
        else if (op & 16) z.SetRemoteLite(true);
        else (void)z.SetRemoteCredentials(kPeerUfrag, kPeerPwd);
        break;
      case 7:
        (void)z.AddHostCandidate(Ipv4Address(10, 0, 0, static_cast<uint8_t>(10 + (op >> 3)), 3000));
        break;
    }
    run.Drain();
  }
  run.Advance(seconds(60));
  return 0;
}
