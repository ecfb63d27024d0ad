#include "rtcp/sdes.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rtcp/rtcp_compound.h"
#include "rtcp_test_packets.h"

namespace sluice {
namespace {

using test::Bytes;

TEST(SdesTest, FirefoxCname) {
  const auto bytes = Bytes(test::kFirefoxRrSdesByePliRrr);
  RtcpCompoundIterator it(bytes);
  it.Next();
  auto sdes = it.Next()->As<SdesView>();
  ASSERT_TRUE(sdes.ok());
  EXPECT_EQ(sdes->chunk_count(), 1u);
  auto chunks = sdes->chunks();
  auto chunk = chunks.Next();
  ASSERT_TRUE(chunk);
  EXPECT_EQ(chunk->ssrc(), Ssrc(0x902f9e2e));
  auto items = chunk->items();
  auto item = items.Next();
  ASSERT_TRUE(item);
  EXPECT_EQ(item->type, SdesItemType::kCname);
  EXPECT_EQ(item->value, "{9c00eb92-1afb-9d49-a47d-91f64eee69f5}");
  EXPECT_FALSE(items.Next());
}

TEST(SdesTest, ChromiumRoundTripIsCanonical) {
  const auto bytes = Bytes(test::kChromiumSrSdes);
  const std::span<const uint8_t> sdes_bytes = std::span(bytes).subspan(28);
  auto view = SdesView::Parse(sdes_bytes);
  ASSERT_TRUE(view.ok());
  auto plain = Sdes::FromView(*view);
  ASSERT_TRUE(plain.ok());
  std::vector<uint8_t> out(plain->SerializedSize());
  ASSERT_EQ(plain->SerializeTo(out).value(), sdes_bytes.size());
  EXPECT_TRUE(std::equal(out.begin(), out.end(), sdes_bytes.begin()));
}

TEST(SdesTest, BuildSeveralChunksAndItemsOfEveryPadding) {
  for (size_t len = 0; len < 10; ++len) {
    const std::string cname(len, 'c');
    Sdes sdes;
    SdesChunk a;
    a.ssrc = Ssrc(1);
    a.items.push_back({SdesItemType::kCname, cname});
    a.items.push_back({SdesItemType::kTool, "sluice"});
    SdesChunk empty;
    empty.ssrc = Ssrc(2);
    sdes.chunks.push_back(a);
    sdes.chunks.push_back(empty);
    std::vector<uint8_t> out(sdes.SerializedSize());
    ASSERT_TRUE(sdes.SerializeTo(out).ok());
    EXPECT_EQ(out.size() % 4, 0u);
    auto view = SdesView::Parse(out);
    ASSERT_TRUE(view.ok()) << len << " " << view.error().message;
    auto back = Sdes::FromView(*view);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, sdes);
  }
}

TEST(SdesTest, SerializeRejectsBadItems) {
  const std::string long_value(256, 'x');
  Sdes sdes;
  SdesChunk c;
  c.items.push_back({SdesItemType::kNote, long_value});
  sdes.chunks.push_back(c);
  std::vector<uint8_t> out(2048);
  EXPECT_EQ(sdes.SerializeTo(out).error().code, ErrorCode::kInvalidArgument);
  sdes.chunks[0].items[0] = {SdesItemType::kEnd, "x"};
  EXPECT_EQ(sdes.SerializeTo(out).error().code, ErrorCode::kInvalidArgument);
}

TEST(SdesTest, Malformed) {
  // Item length runs past the chunk (and packet) end.
  EXPECT_EQ(SdesView::Parse(Bytes("81ca0002 00000001 0110 4142")).error().code,
            ErrorCode::kMalformed);
  // No null terminator: items fill the chunk exactly.
  EXPECT_EQ(SdesView::Parse(Bytes("81ca0002 00000001 01024142")).error().code,
            ErrorCode::kMalformed);
  // Length octet missing after the type.
  EXPECT_EQ(SdesView::Parse(Bytes("81ca0002 00000001 01014102")).error().code,
            ErrorCode::kTruncated);
  // Non-null padding after the terminator.
  EXPECT_EQ(SdesView::Parse(Bytes("81ca0002 00000001 01000007")).error().code,
            ErrorCode::kMalformed);
  // SC says two chunks, one present.
  EXPECT_EQ(SdesView::Parse(Bytes("82ca0002 00000001 00000000")).error().code,
            ErrorCode::kTruncated);
  // SC says zero chunks but there are bytes.
  EXPECT_EQ(SdesView::Parse(Bytes("80ca0002 00000001 00000000")).error().code,
            ErrorCode::kMalformed);
  // Chunk shorter than its SSRC.
  EXPECT_EQ(SdesView::Parse(Bytes("81ca0000")).error().code, ErrorCode::kTruncated);
  // Valid: empty chunk (SSRC + 4 nulls), and SC 0 with no bytes.
  EXPECT_TRUE(SdesView::Parse(Bytes("81ca0002 00000001 00000000")).ok());
  EXPECT_TRUE(SdesView::Parse(Bytes("80ca0000")).ok());
}

TEST(SdesTest, TooManyItemsForThePlainStruct) {
  // 9 one-byte items in one chunk: valid on the wire, beyond kMaxSdesItemsPerChunk.
  std::string hex = "00000001";
  for (int i = 0; i < 9; ++i) hex += "0701" "41";
  hex += "00";  // 4 + 27 + 1 = 32 bytes
  auto header = Bytes("81ca0008");
  auto body = Bytes(hex);
  header.insert(header.end(), body.begin(), body.end());
  auto view = SdesView::Parse(header);
  ASSERT_TRUE(view.ok()) << view.error().message;
  EXPECT_EQ(Sdes::FromView(*view).error().code, ErrorCode::kExhausted);
}

}  // namespace
}  // namespace sluice
