// Capture driver (not built by CMake): our ice::Agent on a real UDP socket against aioice
// (capture/aioice_peer.py, run with Debian's /usr/bin/python3 + python3-aioice), exchanging
// credentials and candidates through cc.json / py.json in the working directory; it logs every
// datagram it receives as hex (rx_*.txt), the source of aioice_capture_test.cc. Build by hand:
//   g++ -std=c++20 -Isrc -Iinclude aioice_driver.cc libsluice_ice.a libsluice_stun.a
//       libsluice_common.a -lcrypto; run "./a.out controlled" beside "aioice_peer.py controlling".
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "ice/agent.h"

using namespace sluice;
using namespace sluice::ice;

static std::string Field(const std::string& json, const std::string& key) {
  auto p = json.find("\"" + key + "\": \"");
  p += key.size() + 5;
  return json.substr(p, json.find('"', p) - p);
}

int main(int argc, char** argv) {
  bool controlling = argc > 1 && std::string(argv[1]) == "controlling";
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  inet_pton(AF_INET, "192.0.2.2", &sa.sin_addr);
  bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  socklen_t len = sizeof(sa);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  TransportAddress host = Ipv4Address(192, 0, 2, 2, ntohs(sa.sin_port));
  AgentConfig c;
  c.role = controlling ? Role::kControlling : Role::kControlled;
  c.local_ufrag = "sluiceUF";
  c.local_pwd = "sluicePasswordForInterop0";
  c.seed = 7;
  FILE* dump = std::fopen(controlling ? "rx_controlling.txt" : "rx_controlled.txt", "w");
  std::fprintf(dump, "local %s\n", "192.0.2.2");
  Agent agent(c);
  auto hc = agent.AddHostCandidate(host);
  {
    std::ofstream out("cc.json.tmp");
    out << "{\"ufrag\": \"" << agent.local_ufrag() << "\", \"pwd\": \"" << agent.local_pwd()
        << "\", \"candidates\": [\"" << hc->ToSdpString().substr(10) << "\"]}";
  }
  rename("cc.json.tmp", "cc.json");
  while (access("py.json", F_OK) != 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::stringstream ss;
  ss << std::ifstream("py.json").rdbuf();
  std::string js = ss.str();
  if (!agent.SetRemoteCredentials(Field(js, "ufrag"), Field(js, "pwd")).ok()) return 3;
  size_t pos = js.find("\"candidates\": [");
  while ((pos = js.find('"', pos + 15)) != std::string::npos) {
    size_t end = js.find('"', pos + 1);
    std::string line = js.substr(pos + 1, end - pos - 1);
    pos = end;
    auto cand = Candidate::FromSdpString(line);
    std::printf("remote %s -> %s\n", line.c_str(), cand.ok() ? "ok" : cand.error().message);
    if (cand.ok()) (void)agent.AddRemoteCandidate(*cand);
    if (js[end + 1] == ']') break;
  }
  agent.SetRemoteEndOfCandidates();
  std::fprintf(dump, "remote %s %s\n", Field(js, "ufrag").c_str(), Field(js, "pwd").c_str());
  auto t0 = Clock::now();
  agent.Start(t0);
  uint8_t buf[2048];
  while (Clock::now() - t0 < seconds(16)) {
    while (auto t = agent.PollTransmit()) {
      sockaddr_in to{};
      to.sin_family = AF_INET;
      std::memcpy(&to.sin_addr, t->remote.address().data(), 4);
      to.sin_port = htons(t->remote.port());
      sendto(fd, t->data.data(), t->data.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
    }
    while (auto e = agent.PollEvent()) {
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      if (e->type == EventType::kStateChanged) std::printf("%.1f ms state %s %s\n", ms, ToString(e->state), e->reason);
      if (e->type == EventType::kSelectedPairChanged) std::printf("%.1f ms selected %s -> %s\n", ms, e->pair->local_base.ToString().c_str(), e->pair->remote.address.ToString().c_str());
      if (e->type == EventType::kRoleChanged) std::printf("%.1f ms role %s\n", ms, ToString(e->role));
    }
    auto next = agent.PollTimeout();
    int timeout_ms = 100;
    if (next) timeout_ms = std::max<int>(0, static_cast<int>(std::chrono::duration_cast<milliseconds>(*next - Clock::now()).count()) + 1);
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, std::min(timeout_ms, 100)) > 0) {
      sockaddr_in from{};
      socklen_t fl = sizeof(from);
      ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &fl);
      if (n > 0) {
        std::fprintf(dump, "rx %d %d ", ntohs(sa.sin_port), ntohs(from.sin_port));
        for (ssize_t i = 0; i < n; ++i) std::fprintf(dump, "%02x", buf[i]);
        std::fprintf(dump, "\n");
        std::fflush(dump);
        std::array<uint8_t, 4> ip;
        std::memcpy(ip.data(), &from.sin_addr, 4);
        agent.HandleReceive(Clock::now(), host, StunAddress::Ipv4(ip, ntohs(from.sin_port)), std::span(buf, n));
      }
    }
    if (next && *next <= Clock::now()) agent.HandleTimeout(Clock::now());
  }
  const auto& s = agent.stats();
  std::printf("final state %s; requests %llu responses %llu checks %llu consent %llu dropped %llu (malformed %llu fp %llu mi %llu user %llu unmatched %llu)\n",
              ToString(agent.state()), (unsigned long long)s.requests_received, (unsigned long long)s.responses_received,
              (unsigned long long)s.checks_sent, (unsigned long long)s.consent_checks_sent, (unsigned long long)s.dropped(),
              (unsigned long long)s.malformed, (unsigned long long)s.bad_fingerprint, (unsigned long long)s.bad_integrity,
              (unsigned long long)s.unknown_username, (unsigned long long)s.unmatched_responses);
  return 0;
}
