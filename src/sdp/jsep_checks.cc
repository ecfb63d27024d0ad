#include "sdp/jsep_checks.h"

namespace sluice::sdp {
namespace {

bool IsBundleOnly(const MediaSection& m) { return m.FindAttribute("bundle-only") != nullptr; }

}  // namespace

Result<void> CheckJsep(const SessionDescription& d, size_t* media_index) {
  auto fail = [&](size_t index, const char* reason) -> Error {
    if (media_index) *media_index = index;
    return MakeError(ErrorCode::kInvalidArgument, reason);
  };
  for (size_t i = 0; i < d.media.size(); ++i) {
    const MediaSection& m = d.media[i];
    if (m.rejected() && !IsBundleOnly(m)) continue;
    if (!m.mid) return fail(i, "m= section has no a=mid");
    if (!d.IceUfragFor(m)) return fail(i, "m= section has no a=ice-ufrag");
    if (!d.IcePwdFor(m)) return fail(i, "m= section has no a=ice-pwd");
    if (d.FingerprintsFor(m).empty()) return fail(i, "m= section has no a=fingerprint");
    if (!d.SetupFor(m)) return fail(i, "m= section has no a=setup");
  }
  for (const Group& g : d.groups) {
    if (g.semantics != "BUNDLE") continue;
    for (const auto& mid : g.mids) {
      if (d.FindMedia(mid) == nullptr) {
        return fail(d.media.size(), "a=group:BUNDLE names a mid that no m= section has");
      }
    }
  }
  return Ok();
}

}  // namespace sluice::sdp
