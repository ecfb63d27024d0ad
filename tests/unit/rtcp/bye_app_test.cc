#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rtcp/app.h"
#include "rtcp/bye.h"
#include "rtcp/rtcp_compound.h"
#include "rtcp_test_packets.h"

namespace sluice {
namespace {

using test::Bytes;

TEST(ByeTest, FirefoxBye) {
  const auto bytes = Bytes(test::kFirefoxRrSdesByePliRrr);
  auto bye = ByeView::Parse(std::span(bytes).subspan(84, 8));
  ASSERT_TRUE(bye.ok());
  ASSERT_EQ(bye->ssrc_count(), 1u);
  EXPECT_EQ(bye->ssrc(0), Ssrc(0x902f9e2e));
  EXPECT_TRUE(bye->reason().empty());
}

TEST(ByeTest, RoundTripWithReasonOfEveryLength) {
  for (size_t len = 0; len < 9; ++len) {
    const std::string reason(len, 'r');
    Bye bye;
    bye.ssrcs.push_back(Ssrc(1));
    bye.ssrcs.push_back(Ssrc(2));
    bye.reason = reason;
    std::vector<uint8_t> out(bye.SerializedSize());
    ASSERT_TRUE(bye.SerializeTo(out).ok());
    EXPECT_EQ(out.size() % 4, 0u);
    auto view = ByeView::Parse(out);
    ASSERT_TRUE(view.ok()) << view.error().message;
    EXPECT_EQ(Bye::FromView(*view), bye);
  }
}

TEST(ByeTest, Malformed) {
  // SC 2 with one SSRC.
  EXPECT_EQ(ByeView::Parse(Bytes("82cb0001 00000001")).error().code, ErrorCode::kMalformed);
  // Reason length past the packet.
  EXPECT_EQ(ByeView::Parse(Bytes("81cb0002 00000001 05414243")).error().code,
            ErrorCode::kMalformed);
  // More than 3 bytes after the reason.
  EXPECT_EQ(ByeView::Parse(Bytes("81cb0003 00000001 01410000 00000000")).error().code,
            ErrorCode::kMalformed);
  const std::string long_reason(256, 'x');
  Bye bye;
  bye.reason = long_reason;
  std::vector<uint8_t> out(1024);
  EXPECT_EQ(bye.SerializeTo(out).error().code, ErrorCode::kInvalidArgument);
}

TEST(AppTest, PionApplicationDefined) {
  // pion/rtcp packet_test.go: APP, SSRC 0x4baae1ab, name "NAME", data "ABCD".
  const auto bytes = Bytes("80cc0003 4baae1ab 4e414d45 41424344");
  auto app = AppView::Parse(bytes);
  ASSERT_TRUE(app.ok());
  EXPECT_EQ(app->subtype(), 0);
  EXPECT_EQ(app->ssrc(), Ssrc(0x4baae1ab));
  EXPECT_EQ(std::string(app->name().data(), 4), "NAME");
  ASSERT_EQ(app->data().size(), 4u);
  const App plain = App::FromView(*app);
  std::vector<uint8_t> out(plain.SerializedSize());
  ASSERT_TRUE(plain.SerializeTo(out).ok());
  EXPECT_EQ(out, bytes);
}

TEST(AppTest, Malformed) {
  EXPECT_EQ(AppView::Parse(Bytes("80cc0001 4baae1ab")).error().code, ErrorCode::kTruncated);
  // Data not a multiple of 32 bits once padding is removed.
  EXPECT_EQ(AppView::Parse(Bytes("a0cc0003 4baae1ab 4e414d45 41424301")).error().code,
            ErrorCode::kMalformed);
  App app;
  const uint8_t three[3] = {1, 2, 3};
  app.data = three;
  std::vector<uint8_t> out(64);
  EXPECT_EQ(app.SerializeTo(out).error().code, ErrorCode::kInvalidArgument);
  app.data = {};
  app.subtype = 32;
  EXPECT_EQ(app.SerializeTo(out).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice
