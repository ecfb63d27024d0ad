// Helpers for the pc unit tests: a core with one host candidate, and the captured SDP files of
// tests/unit/sdp/data (offers from Chromium, Firefox, pion and aiortc).
#pragma once

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "dtls/dtls_certificate.h"
#include "pc/peer_connection_core.h"
#include "support/fake_clock.h"

namespace sluice::pc::testing {

inline std::string ReadSdp(const std::string& name) {
  std::ifstream in(std::string(SLUICE_SDP_DATA_DIR) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline const dtls::DtlsCertificate& Certificate() {
  static const dtls::DtlsCertificate cert = dtls::DtlsCertificate::Generate().value();
  return cert;
}

inline std::unique_ptr<PeerConnectionCore> MakeCore(const Configuration& config = {},
                                                    uint64_t seed = 5) {
  auto core = PeerConnectionCore::Create(config, Certificate(), seed).value();
  (void)core->AddHostCandidate(StunAddress::Ipv4({192, 0, 2, 10}, 50000));
  return core;
}

}  // namespace sluice::pc::testing
