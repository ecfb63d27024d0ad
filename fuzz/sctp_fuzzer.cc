// Garbage SCTP input into a live transport. Each run sets up a fresh association between two
// SctpTransports (A and Z, packets copied directly, no DTLS, simulated time), opens a channel,
// then feeds the input to A as a sequence of packets: [u8 flags][u16 length][bytes]. Unless
// flags bit 0 is set, the packet's common header (ports and verification tag, bytes 0..7) is
// replaced by the live association's, so the garbage reaches chunk parsing instead of being
// dropped on the tag check (checksums are not verified: DTLS authenticates packets). Bit 1
// delivers the packet to Z instead, bit 2 advances time by 50 ms first. The transports must
// never crash and must keep answering (events, PollTransmit, Send, Close).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "sctp/sctp_transport.h"

namespace {

using namespace sluice;
using namespace sluice::sctp;

struct Pair {
  std::unique_ptr<SctpTransport> a, z;
  Instant now = Instant{} + std::chrono::hours(1000);
  uint8_t a_header[8] = {};  // Z -> A common header (what A accepts)
  uint8_t z_header[8] = {};
  bool have_a_header = false, have_z_header = false;

  void Pump() {
    for (int round = 0; round < 200; ++round) {
      bool progress = false;
      while (auto p = a->PollTransmit()) {
        if (p->size() >= 8) { std::memcpy(z_header, p->data(), 8); have_z_header = true; }
        z->HandleReceive(now, *p);
        progress = true;
      }
      while (auto p = z->PollTransmit()) {
        if (p->size() >= 8) { std::memcpy(a_header, p->data(), 8); have_a_header = true; }
        a->HandleReceive(now, *p);
        progress = true;
      }
      while (auto e = a->PollEvent()) { progress = true; volatile size_t n = e->data.size(); (void)n; }
      while (auto e = z->PollEvent()) { progress = true; volatile size_t n = e->data.size(); (void)n; }
      if (!progress) return;
    }
  }
  void Advance(Duration d) {
    now += d;
    a->HandleTimeout(now);
    z->HandleTimeout(now);
    Pump();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Pair pair;
  pair.a = SctpTransport::Create({}, true).value();
  pair.z = SctpTransport::Create({}, false).value();
  (void)pair.a->Start(pair.now);
  (void)pair.z->Start(pair.now);
  for (int i = 0; i < 20 && !(pair.have_a_header && pair.have_z_header); ++i) {
    pair.Pump();
    pair.Advance(milliseconds(10));
  }
  auto sid = pair.a->OpenChannel(pair.now, {.label = "fuzz"});
  pair.Pump();
  std::vector<uint8_t> packet;
  size_t pos = 0;
  while (pos + 3 <= size) {
    const uint8_t flags = data[pos];
    const size_t length = static_cast<size_t>(data[pos + 1]) << 8 | data[pos + 2];
    pos += 3;
    const size_t n = std::min(length, size - pos);
    packet.assign(data + pos, data + pos + n);
    pos += n;
    const bool to_z = flags & 2;
    if (!(flags & 1) && packet.size() >= 8) {
      const uint8_t* header = to_z ? pair.z_header : pair.a_header;
      std::memcpy(packet.data(), header, 8);
    }
    if (flags & 4) pair.Advance(milliseconds(50));
    (to_z ? pair.z : pair.a)->HandleReceive(pair.now, packet);
    pair.Pump();
  }
  // Still answering: send, time passes, close.
  if (sid.ok()) {
    const uint8_t hello[5] = {'h', 'e', 'l', 'l', 'o'};
    (void)pair.a->Send(pair.now, *sid, MessageType::kBinary, hello);
    (void)pair.a->buffered_amount(*sid);
    (void)pair.a->channel(*sid);
  }
  pair.Advance(milliseconds(300));
  pair.a->Close(pair.now);
  pair.Advance(milliseconds(300));
  (void)pair.a->stats();
  return 0;
}
