// SDP fuzz target: parse arbitrary text as a session description; walk every typed field; if it
// parsed, serialize, re-parse and check the round trip (Parse(Serialize(d)) == d, and a second
// Serialize() gives the same text). Also feeds the input to the standalone attribute parsers.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sdp/candidate.h"
#include "sdp/fingerprint.h"
#include "sdp/jsep_checks.h"
#include "sdp/session_description.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "sdp fuzzer: %s\n", what);
    std::abort();
  }
}

size_t Walk(const sluice::sdp::SessionDescription& d) {
  using namespace sluice::sdp;
  size_t n = d.groups.size() + d.extmaps.size() + d.other_attributes.size();
  for (const auto& m : d.media) {
    n += m.codecs.size() + m.candidates.size() + m.ssrcs.size() + m.extmaps.size();
    for (const auto& c : m.codecs) {
      n += c.name().size() + c.clock_rate() + c.feedback.size();
      if (c.FmtpParameter("apt")) ++n;
      Check(m.FindCodec(c.payload_type) != nullptr, "codec not found by its payload type");
    }
    for (const auto& c : m.candidates) {
      auto again = Candidate::Parse(c.ToString());
      Check(again.ok() && *again == c, "candidate ToString does not round-trip");
      n += static_cast<size_t>(c.type());
    }
    if (m.mid) Check(d.FindMedia(*m.mid) == &m, "FindMedia does not find the section's mid");
    if (d.IceUfragFor(m)) ++n;
    n += d.FingerprintsFor(m).size();
    if (m.SctpPortOrLegacy()) ++n;
    if (m.rejected()) ++n;
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // Standalone parsers must never crash on anything.
  if (auto c = sluice::sdp::Candidate::Parse(text); c.ok()) {
    auto again = sluice::sdp::Candidate::Parse(c->ToString());
    Check(again.ok() && *again == *c, "standalone candidate does not round-trip");
  }
  if (auto fp = sluice::sdp::Fingerprint::Parse(text); fp.ok()) {
    auto again = sluice::sdp::Fingerprint::Parse(fp->ToString());
    Check(again.ok() && *again == *fp, "fingerprint does not round-trip");
  }

  sluice::sdp::ParseError error;
  auto d = sluice::sdp::SessionDescription::Parse(text, &error);
  if (!d.ok()) {
    Check(error.reason != nullptr && error.reason[0] != '\0', "error without a reason");
    return 0;
  }
  volatile size_t sink = Walk(*d);
  (void)sink;
  size_t bad_section = 0;
  if (auto jsep = sluice::sdp::CheckJsep(*d, &bad_section); !jsep.ok()) {
    Check(bad_section <= d->media.size(), "CheckJsep index out of range");
  }

  const std::string first = d->Serialize();
  sluice::sdp::ParseError error2;
  auto again = sluice::sdp::SessionDescription::Parse(first, &error2);
  if (!again.ok()) {
    std::fprintf(stderr, "re-parse failed: %s\n%s\n", error2.ToString().c_str(), first.c_str());
    std::abort();
  }
  Check(*again == *d, "Parse(Serialize(d)) != d");
  Check(again->Serialize() == first, "Serialize is not a fixed point");
  return 0;
}
