#include "sdp/jsep_checks.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace sluice::sdp {
namespace {

SessionDescription Load(const std::string& name) {
  std::ifstream in(std::string(SLUICE_SDP_TEST_DATA_DIR) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  auto d = SessionDescription::Parse(ss.str());
  EXPECT_TRUE(d.ok()) << name;
  return d.ok() ? *d : SessionDescription{};
}

TEST(JsepChecksTest, BrowserAndStackOffersPass) {
  for (const char* name :
       {"chromium_offer.sdp", "chromium_answer.sdp", "firefox_offer.sdp", "pion_offer.sdp",
        "pion_datachannel_offer.sdp", "aiortc_offer.sdp", "aiortc_answer.sdp",
        "firefox_esr_offer.sdp", "firefox_esr_answer.sdp"}) {
    auto r = CheckJsep(Load(name));
    EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().message);
  }
}

TEST(JsepChecksTest, NonJsepDescriptionsFailWithTheSection) {
  size_t index = 99;
  auto rfc = CheckJsep(Load("rfc8866_example.sdp"), &index);
  ASSERT_FALSE(rfc.ok());
  EXPECT_STREQ(rfc.error().message, "m= section has no a=mid");
  EXPECT_EQ(index, 0u);
  // SDES-era Chrome: no fingerprint in the audio section.
  auto legacy = CheckJsep(Load("legacy_chrome_offer.sdp"), &index);
  ASSERT_FALSE(legacy.ok());
  EXPECT_STREQ(legacy.error().message, "m= section has no a=fingerprint");
  EXPECT_EQ(index, 0u);
}

TEST(JsepChecksTest, EachMissingPieceIsNamed) {
  const SessionDescription good = Load("chromium_offer.sdp");
  ASSERT_TRUE(CheckJsep(good).ok());
  size_t index = 99;

  SessionDescription d = good;
  d.media[1].transport.ice_ufrag.reset();
  auto r = CheckJsep(d, &index);
  ASSERT_FALSE(r.ok());
  EXPECT_STREQ(r.error().message, "m= section has no a=ice-ufrag");
  EXPECT_EQ(index, 1u);
  d.transport.ice_ufrag = "sess";  // the session level covers it
  EXPECT_TRUE(CheckJsep(d).ok());

  d = good;
  d.media[2].transport.ice_pwd.reset();
  EXPECT_STREQ(CheckJsep(d).error().message, "m= section has no a=ice-pwd");
  d = good;
  d.media[0].transport.setup.reset();
  EXPECT_STREQ(CheckJsep(d).error().message, "m= section has no a=setup");
  d = good;
  d.groups[0].mids.push_back("9");
  EXPECT_STREQ(CheckJsep(d, &index).error().message,
               "a=group:BUNDLE names a mid that no m= section has");
  EXPECT_EQ(index, d.media.size());

  // A rejected section needs nothing.
  d = good;
  d.media[1].line.port = 0;
  d.media[1].mid.reset();
  d.media[1].transport = {};
  d.groups[0].mids = {"0", "2"};
  EXPECT_TRUE(CheckJsep(d).ok());
}

}  // namespace
}  // namespace sluice::sdp
