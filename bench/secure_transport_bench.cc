// Connection setup (ICE + DTLS 1.2 + SRTP keying) of two sluice peers in simulated time, over a
// link with 1 ms one-way delay and no loss: the real CPU time one setup costs, and the
// simulated wall-clock setup time as a counter ("setup_ms"). The limit is the public-key
// crypto a DTLS handshake cannot avoid (BM_Limit_HandshakePublicKeyCrypto in dtls_bench.cc);
// certificate generation per peer is included in ours, as a PeerConnection does it.
#include <chrono>

#include "bench_util.h"
#include "integration/secure_transport_peer.h"

namespace {

void BM_SecureTransportSetupSimulated(benchmark::State& state) {
  double setup_ms = 0;
  int64_t n = 0;
  for (auto _ : state) {
    sluice::test::SecureTransportPair pair(static_cast<uint64_t>(n) + 1);
    if (!pair.Connect({.delay = sluice::milliseconds(1), .seed = 3})) {
      state.SkipWithError("peers did not connect");
      break;
    }
    setup_ms += std::chrono::duration<double, std::milli>(pair.setup_time()).count();
    ++n;
  }
  state.counters["setup_ms"] = n ? setup_ms / static_cast<double>(n) : 0;
  state.SetItemsProcessed(n);
}
BENCHMARK(BM_SecureTransportSetupSimulated)->Unit(benchmark::kMicrosecond);
SLUICE_COMPARE("BM_SecureTransportSetupSimulated", "BM_Limit_HandshakePublicKeyCrypto");

}  // namespace
