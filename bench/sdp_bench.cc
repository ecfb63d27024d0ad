// SDP parse and serialize of a real Chromium offer (audio + video + datachannel, 12 candidates),
// each beside the limit any line-oriented text codec has on the same bytes:
//   parse     vs BM_Limit_SdpLineScan: one memchr pass that finds every line and its '=' (what a
//                parser must at least touch);
//   serialize vs BM_Limit_SdpTextCopy: appending the same number of bytes into a reused string.
// SDP is not on the packet path: a parsed description owns strings, so allocs/op is not zero;
// the figure is printed so that regressions show.
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "bench_util.h"
#include "sdp/session_description.h"

namespace {

const std::string& OfferText() {
  static const std::string text = [] {
    // The captured offer beside the unit tests (bench is built from the source tree).
    std::string path = __FILE__;
    path = path.substr(0, path.rfind('/')) + "/../tests/unit/sdp/data/chromium_offer.sdp";
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    if (s.empty()) {
      // Fallback: a small offer, so the benchmark still measures something meaningful.
      s = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
          "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n"
          "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
          "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\na=setup:actpass\r\n"
          "a=candidate:1 1 udp 2122194687 192.0.2.2 54390 typ host generation 0\r\n";
    }
    return s;
  }();
  return text;
}

void BM_SdpParse(benchmark::State& state) {
  const std::string& text = OfferText();
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    auto d = sluice::sdp::SessionDescription::Parse(text);
    benchmark::DoNotOptimize(d.ok());
    benchmark::DoNotOptimize(d->media.data());
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, text.size());
}
BENCHMARK(BM_SdpParse);

void BM_Limit_SdpLineScan(benchmark::State& state) {
  const std::string& text = OfferText();
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    const char* p = text.data();
    const char* end = p + text.size();
    size_t lines = 0, equals = 0;
    while (p < end) {
      const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
      const char* line_end = nl ? static_cast<const char*>(nl) : end;
      equals += (line_end - p >= 2 && p[1] == '=');
      ++lines;
      p = line_end + 1;
    }
    benchmark::DoNotOptimize(lines);
    benchmark::DoNotOptimize(equals);
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, text.size());
}
BENCHMARK(BM_Limit_SdpLineScan);
SLUICE_COMPARE("BM_SdpParse", "BM_Limit_SdpLineScan");

void BM_SdpSerialize(benchmark::State& state) {
  auto d = sluice::sdp::SessionDescription::Parse(OfferText());
  size_t bytes = d->Serialize().size();
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    std::string out = d->Serialize();
    benchmark::DoNotOptimize(out.data());
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, bytes);
}
BENCHMARK(BM_SdpSerialize);

void BM_Limit_SdpTextCopy(benchmark::State& state) {
  auto d = sluice::sdp::SessionDescription::Parse(OfferText());
  const std::string serialized = d->Serialize();
  std::string out;
  out.reserve(serialized.size());
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    out.clear();
    out.append(serialized);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, serialized.size());
}
BENCHMARK(BM_Limit_SdpTextCopy);
SLUICE_COMPARE("BM_SdpSerialize", "BM_Limit_SdpTextCopy");

void BM_SdpCandidateParse(benchmark::State& state) {
  const std::string line =
      "candidate:4043706947 1 tcp 1518214911 192.0.2.2 9 typ host tcptype active generation 0 "
      "network-id 1";
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    auto c = sluice::sdp::Candidate::Parse(line);
    benchmark::DoNotOptimize(c->port);
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, line.size());
}
BENCHMARK(BM_SdpCandidateParse);

}  // namespace
