#include "rtp/rtp_header.h"

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "rtp/rtp_packet.h"
#include "rtp_test_packets.h"
#include "support/alloc_counter.h"

namespace sluice {
namespace {

using test::FromHex;

std::vector<uint8_t> Serialize(const RtpHeader& h, std::span<const uint8_t> payload = {}) {
  std::vector<uint8_t> out(h.PacketSize(payload.size()));
  auto n = h.SerializePacketTo(payload, out);
  EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().message);
  if (n.ok()) EXPECT_EQ(*n, out.size());
  return out;
}

TEST(RtpHeaderTest, SerializesFixedHeader) {
  RtpHeader h;
  h.marker = true;
  h.payload_type = PayloadType(96);
  h.sequence_number = SeqNum(0x1234);
  h.timestamp = 0x89abcdef;
  h.ssrc = Ssrc(0xdeadbeef);
  EXPECT_EQ(h.SerializedSize(), 12u);
  EXPECT_EQ(h.extension_form(), RtpExtensionForm::kNone);
  EXPECT_EQ(Serialize(h), FromHex("80e01234 89abcdef deadbeef"));
}

TEST(RtpHeaderTest, RebuildsChromiumOneBytePacketByteForByte) {
  const auto real = FromHex(test::kChromiumOpusOneByte);
  const auto ast = FromHex("58dba4"), twcc = FromHex("0001"), mid = FromHex("30"),
             level = FromHex("ff");
  RtpHeader h;
  h.marker = true;
  h.payload_type = PayloadType(111);
  h.sequence_number = SeqNum(0x6cbb);
  h.timestamp = 0x3455ff5a;
  h.ssrc = Ssrc(0x52948204);
  ASSERT_TRUE(h.AddExtension(2, ast).ok());
  ASSERT_TRUE(h.AddExtension(3, twcc).ok());
  ASSERT_TRUE(h.AddExtension(4, mid).ok());
  ASSERT_TRUE(h.AddExtension(1, level).ok());
  EXPECT_EQ(h.extension_form(), RtpExtensionForm::kOneByte);
  EXPECT_EQ(h.SerializedSize(), 28u);
  EXPECT_EQ(Serialize(h, std::span<const uint8_t>(real).subspan(28)), real);
}

TEST(RtpHeaderTest, RebuildsChromiumTwoBytePacketByteForByte) {
  // Transport-cc at id 20 > 14 forces the two-byte form, exactly as Chromium chose it.
  const auto real = FromHex(test::kChromiumOpusTwoByte);
  const auto ast = FromHex("d52a4d"), twcc = FromHex("0001"), mid = FromHex("30"),
             level = FromHex("ff");
  RtpHeader h;
  h.marker = true;
  h.payload_type = PayloadType(111);
  h.sequence_number = SeqNum(0x461a);
  h.timestamp = 0xfda6925f;
  h.ssrc = Ssrc(0x069c0085);
  ASSERT_TRUE(h.AddExtension(2, ast).ok());
  ASSERT_TRUE(h.AddExtension(20, twcc).ok());
  ASSERT_TRUE(h.AddExtension(4, mid).ok());
  ASSERT_TRUE(h.AddExtension(1, level).ok());
  EXPECT_EQ(h.extension_form(), RtpExtensionForm::kTwoByte);
  EXPECT_EQ(Serialize(h, std::span<const uint8_t>(real).subspan(32)), real);
}

TEST(RtpHeaderTest, FromViewReserializesEveryCapturedPacketExactly) {
  // Chromium pads the extension block only to the next word, as we do, and uses the two-byte
  // form only when an id needs it, as we do, so every capture round-trips byte for byte.
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SLUICE_RTP_CORPUS_DIR)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("chromium_", 0) != 0) continue;
    const auto real = test::LoadCorpusFile(name);
    auto view = RtpPacketView::Parse(real);
    ASSERT_TRUE(view.ok()) << name;
    auto h = RtpHeader::FromView(*view);
    ASSERT_TRUE(h.ok()) << name;
    EXPECT_EQ(h->SerializedSize(), view->header_size()) << name;
    EXPECT_EQ(Serialize(*h, view->payload()), real) << name;
    ++files;
  }
  EXPECT_GE(files, 12u);
}

TEST(RtpHeaderTest, PicksTheExtensionFormAutomatically) {
  const std::vector<uint8_t> one(1, 0xaa), sixteen(16, 0xbb), seventeen(17, 0xcc);
  struct Case {
    uint8_t id;
    const std::vector<uint8_t>* data;
    RtpExtensionForm form;
  } const cases[] = {
      {1, &one, RtpExtensionForm::kOneByte},      {14, &sixteen, RtpExtensionForm::kOneByte},
      {15, &one, RtpExtensionForm::kTwoByte},     {200, &one, RtpExtensionForm::kTwoByte},
      {3, &seventeen, RtpExtensionForm::kTwoByte},
  };
  for (const Case& c : cases) {
    RtpHeader h;
    ASSERT_TRUE(h.AddExtension(5, one).ok());
    ASSERT_TRUE(h.AddExtension(c.id, *c.data).ok());
    EXPECT_EQ(h.extension_form(), c.form) << int{c.id};
    auto bytes = Serialize(h);
    auto view = RtpPacketView::Parse(bytes);
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(view->extensions().form(), c.form);
    auto found = view->FindExtension(c.id);
    ASSERT_TRUE(found);
    EXPECT_EQ(std::vector<uint8_t>(found->begin(), found->end()), *c.data);
    EXPECT_TRUE(view->Validate().ok());
  }
  // Empty data has no one-byte encoding (L is length - 1).
  RtpHeader h;
  ASSERT_TRUE(h.AddExtension(1, {}).ok());
  EXPECT_EQ(h.extension_form(), RtpExtensionForm::kTwoByte);
  EXPECT_EQ(Serialize(h), FromHex("90000000 00000000 00000000 10000001 01000000"));
}

TEST(RtpHeaderTest, WritesTwoByteAppbitsAndPadsBlockToWords) {
  RtpHeader h;
  h.extension_appbits = 0x5;
  const auto data = FromHex("0102030405");
  ASSERT_TRUE(h.AddExtension(77, data).ok());
  EXPECT_EQ(Serialize(h),
            FromHex("90000000 00000000 00000000 10050002 4d050102 03040500"));
}

TEST(RtpHeaderTest, WritesCsrcsAndPadding) {
  RtpHeader h;
  h.payload_type = PayloadType(8);
  ASSERT_TRUE(h.AddCsrc(Ssrc(0x11111111)).ok());
  ASSERT_TRUE(h.AddCsrc(Ssrc(0x22222222)).ok());
  h.padding_size = 4;
  const auto payload = FromHex("abcd");
  const auto bytes = Serialize(h, payload);
  EXPECT_EQ(bytes, FromHex("a2080000 00000000 00000000 11111111 22222222 abcd 00000004"));
  auto view = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->padding_size(), 4u);
  EXPECT_EQ(view->csrc_count(), 2u);
  ASSERT_EQ(view->payload().size(), 2u);
  EXPECT_EQ(view->payload()[1], 0xcd);
}

TEST(RtpHeaderTest, PaddingOfOneIsJustTheCountOctet) {
  RtpHeader h;
  h.padding_size = 1;
  EXPECT_EQ(Serialize(h), FromHex("a0000000 00000000 00000000 01"));
}

TEST(RtpHeaderTest, RawExtensionBlockRoundTrips) {
  const auto bytes = FromHex("90000001 00000002 00000003 abcd0002 01020304 05060708 ffee");
  auto view = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(view.ok());
  auto h = RtpHeader::FromView(*view);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->has_raw_extension);
  EXPECT_EQ(h->extension_form(), RtpExtensionForm::kOther);
  EXPECT_EQ(Serialize(*h, view->payload()), bytes);
}

TEST(RtpHeaderTest, RejectsUnserializableHeaders) {
  std::array<uint8_t, 128> out{};
  {
    RtpHeader h;
    h.payload_type = PayloadType(128);
    auto r = h.SerializeTo(out);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
  {
    RtpHeader h;
    const auto raw = FromHex("010203");  // not a whole word
    h.has_raw_extension = true;
    h.raw_extension_profile = 0x1234;
    h.raw_extension_data = raw;
    EXPECT_EQ(h.SerializeTo(out).error().code, ErrorCode::kInvalidArgument);
  }
  {
    RtpHeader h;
    const auto raw = FromHex("01020304");
    h.has_raw_extension = true;
    h.raw_extension_data = raw;
    ASSERT_TRUE(h.AddExtension(1, raw).ok());
    EXPECT_EQ(h.SerializeTo(out).error().code, ErrorCode::kInvalidArgument);
  }
  {
    RtpHeader h;
    h.csrc_count = 16;  // set directly, bypassing AddCsrc
    EXPECT_EQ(h.SerializeTo(out).error().code, ErrorCode::kInvalidArgument);
  }
  {
    RtpHeader h;
    h.extension_count = 1;  // element with id 0
    EXPECT_EQ(h.SerializeTo(out).error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(RtpHeaderTest, AddRejectsBadElementsAndOverflow) {
  RtpHeader h;
  const std::vector<uint8_t> big(256, 1), ok(1, 1);
  EXPECT_EQ(h.AddExtension(0, ok).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(h.AddExtension(1, big).error().code, ErrorCode::kInvalidArgument);
  for (size_t i = 0; i < RtpHeader::kMaxExtensions; ++i) {
    ASSERT_TRUE(h.AddExtension(static_cast<uint8_t>(i + 1), ok).ok());
  }
  EXPECT_EQ(h.AddExtension(99, ok).error().code, ErrorCode::kExhausted);
  for (size_t i = 0; i < kRtpMaxCsrcs; ++i) ASSERT_TRUE(h.AddCsrc(Ssrc(1)).ok());
  EXPECT_EQ(h.AddCsrc(Ssrc(1)).error().code, ErrorCode::kExhausted);
  // The full header (15 CSRCs, 16 two-byte elements) still serializes and parses.
  auto bytes = Serialize(h);
  auto view = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->csrc_count(), 15u);
  EXPECT_TRUE(view->Validate().ok());
}

TEST(RtpHeaderTest, ShortBufferFailsAndWritesNothingPastIt) {
  RtpHeader h;
  const auto data = FromHex("0102030405060708");
  ASSERT_TRUE(h.AddCsrc(Ssrc(7)).ok());
  ASSERT_TRUE(h.AddExtension(3, data).ok());
  h.padding_size = 3;
  const auto payload = FromHex("aabbccdd");
  const size_t need = h.PacketSize(payload.size());
  for (size_t n = 0; n < need; ++n) {
    std::vector<uint8_t> buffer(need + 8, 0x5a);
    auto r = h.SerializePacketTo(payload, std::span<uint8_t>(buffer).first(n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code, ErrorCode::kBufferTooSmall);
    for (size_t i = n; i < buffer.size(); ++i) ASSERT_EQ(buffer[i], 0x5a) << n << " " << i;
    if (n < h.SerializedSize()) {
      EXPECT_EQ(h.SerializeTo(std::span<uint8_t>(buffer).first(n)).error().code,
                ErrorCode::kBufferTooSmall);
    }
  }
}

TEST(RtpHeaderTest, FromViewRejectsWhatItCannotRebuild) {
  // One-byte id 15: the walk stops early, so the header would lose data.
  const auto id15 = FromHex("90000001 00000002 00000003 bede0001 10aaf000");
  auto v = RtpPacketView::Parse(id15);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(RtpHeader::FromView(*v).error().code, ErrorCode::kMalformed);
  // 17 elements > kMaxExtensions.
  std::vector<uint8_t> many = FromHex("90000001 00000002 00000003 bede0009");
  for (int i = 0; i < 17; ++i) {
    many.push_back(0x10);
    many.push_back(static_cast<uint8_t>(i));
  }
  many.push_back(0);
  many.push_back(0);
  auto w = RtpPacketView::Parse(many);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(RtpHeader::FromView(*w).error().code, ErrorCode::kExhausted);
}

TEST(RtpHeaderTest, SerializeAllocatesNothing) {
  const auto payload = std::vector<uint8_t>(1200, 0x11);
  const auto ast = FromHex("58dba4"), level = FromHex("ff");
  std::array<uint8_t, 1500> out{};
  test::AllocationScope allocs;
  size_t total = 0;
  for (int i = 0; i < 10000; ++i) {
    RtpHeader h;
    h.payload_type = PayloadType(111);
    h.sequence_number = SeqNum(static_cast<uint16_t>(i));
    h.ssrc = Ssrc(1);
    if (!h.AddExtension(2, ast).ok() || !h.AddExtension(1, level).ok()) { ADD_FAILURE(); return; }
    auto n = h.SerializePacketTo(payload, out);
    if (!n.ok()) { ADD_FAILURE(); return; }
    total += *n;
  }
  EXPECT_EQ(allocs.count(), 0u);
  EXPECT_EQ(total, 10000u * (12 + 4 + 8 + 1200));
}

}  // namespace
}  // namespace sluice
