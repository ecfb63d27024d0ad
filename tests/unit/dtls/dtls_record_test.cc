// Record framing (dtls_record.h), the replay window (dtls_replay_window.h) and the TLS 1.2
// PRF (dtls_aead_keys.h).
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <memory>

#include "dtls/dtls_aead_keys.h"
#include "dtls/dtls_aead_record_cipher.h"
#include "dtls/dtls_record.h"
#include "dtls/dtls_replay_window.h"
#include "support/hex.h"

namespace sluice::dtls {
namespace {

TEST(DtlsRecordTest, HeaderRoundTripAndCutOff) {
  uint8_t buf[13 + 5] = {};
  WriteDtlsRecordHeader(buf, ContentType::kApplicationData, 1, 0x0000A1B2C3D4ULL, 5);
  auto r = ParseDtlsRecord(buf);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->type, 23);
  EXPECT_EQ(r->version, 0xFEFD);
  EXPECT_EQ(r->epoch, 1);
  EXPECT_EQ(r->sequence, 0xA1B2C3D4u);
  EXPECT_EQ(r->record.size(), 18u);
  EXPECT_EQ(r->fragment.size(), 5u);
  EXPECT_FALSE(ParseDtlsRecord(std::span<const uint8_t>(buf, 17)).has_value());
  EXPECT_FALSE(ParseDtlsRecord(std::span<const uint8_t>(buf, 12)).has_value());
  WriteDtlsRecordHeader(buf, ContentType::kAlert, 0xFFFF, kMaxDtlsSequence, 0);
  r = ParseDtlsRecord(std::span<const uint8_t>(buf, 13));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->sequence, kMaxDtlsSequence);
  EXPECT_EQ(r->epoch, 0xFFFF);
  EXPECT_TRUE(r->fragment.empty());
}

TEST(DtlsReplayWindowTest, SlidesAndRemembers) {
  using V = DtlsReplayWindow::Verdict;
  DtlsReplayWindow w;
  EXPECT_EQ(w.Check(5), V::kNew);
  w.Record(5);
  EXPECT_EQ(w.Check(5), V::kReplayed);
  EXPECT_EQ(w.Check(4), V::kNew);  // below the first, but within 64
  w.Record(100);
  EXPECT_EQ(w.Check(36), V::kTooOld);  // 100 - 64
  EXPECT_EQ(w.Check(37), V::kNew);     // the oldest the 64-record window still covers
  w.Record(40);
  EXPECT_EQ(w.Check(40), V::kReplayed);
  w.Record(103);  // shifts by 3: 100 and 40 stay remembered
  EXPECT_EQ(w.Check(100), V::kReplayed);
  EXPECT_EQ(w.Check(40), V::kReplayed);
  EXPECT_EQ(w.Check(101), V::kNew);
  w.Record(103 + 64);  // 103 falls out
  EXPECT_EQ(w.Check(103), V::kTooOld);
  w.Record(1000000);  // a jump clears everything
  EXPECT_EQ(w.Check(1000000 - 1), V::kNew);
  EXPECT_EQ(w.highest(), 1000000u);
}

// The widely used TLS 1.2 PRF (P_SHA256) test vector (IETF TLS WG, "TLS 1.2 PRF test vectors").
TEST(Tls12PrfTest, KnownAnswerSha256) {
  const auto secret = sluice::test::FromHex("9bbe436ba940f017b17652849a71db35");
  const auto seed = sluice::test::FromHex("a0ba9f936cda311827a6f796ffd5198c");
  const auto expected = sluice::test::FromHex(
      "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e"
      "14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5"
      "a72e5a5110fff70187347b66");
  std::vector<uint8_t> out(expected.size());
  ASSERT_TRUE(Tls12Prf(EVP_sha256(), secret, "test label", seed, out).ok());
  EXPECT_EQ(out, expected);
}

// Two ends with mirrored keys: A's write key is B's read key and the other way round.
struct CipherPair {
  explicit CipherPair(size_t key_size) {
    AeadSessionKeys ka, kb;
    ka.key_size = kb.key_size = key_size;
    for (size_t i = 0; i < kMaxAeadKeySize; ++i) {
      ka.write.key[i] = kb.read.key[i] = static_cast<uint8_t>(i);
      ka.read.key[i] = kb.write.key[i] = static_cast<uint8_t>(0x80 + i);
    }
    ka.write.salt = kb.read.salt = {1, 2, 3, 4};
    ka.read.salt = kb.write.salt = {5, 6, 7, 8};
    a = std::move(DtlsAeadRecordCipher::Create(ka).value());
    b = std::move(DtlsAeadRecordCipher::Create(kb).value());
  }
  std::unique_ptr<DtlsAeadRecordCipher> a, b;
};

class AeadRecordCipherTest : public ::testing::TestWithParam<size_t> {};

TEST_P(AeadRecordCipherTest, SealOpenRenumber) {
  CipherPair p(GetParam());
  const std::vector<uint8_t> plain = {'h', 'e', 'l', 'l', 'o'};
  std::vector<uint8_t> record(13 + 24 + plain.size());
  ASSERT_EQ(p.a->Seal(ContentType::kApplicationData, 1, 77, plain, record), record.size());
  // Too small an output, or a sequence number past 2^48 - 1: nothing sealed.
  std::vector<uint8_t> small(record.size() - 1);
  EXPECT_EQ(p.a->Seal(ContentType::kApplicationData, 1, 78, plain, small), 0u);
  EXPECT_EQ(p.a->Seal(ContentType::kApplicationData, 1, kMaxDtlsSequence + 1, plain, record), 0u);
  std::vector<uint8_t> out(64);
  auto n = p.b->Open(ParseDtlsRecord(record).value(), out);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(std::vector<uint8_t>(out.begin(), out.begin() + *n), plain);
  EXPECT_FALSE(p.a->Open(ParseDtlsRecord(record).value(), out).has_value());  // wrong key
  // Renumbered by its sealer: the new number is in the header and nonce, and it opens.
  ASSERT_TRUE(p.a->Renumber(record, 1000));
  auto v = ParseDtlsRecord(record).value();
  EXPECT_EQ(v.sequence, 1000u);
  EXPECT_TRUE(std::equal(record.begin() + 3, record.begin() + 11, record.begin() + 13));
  n = p.b->Open(v, out);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(std::vector<uint8_t>(out.begin(), out.begin() + *n), plain);
  // B cannot renumber A's record (not its write key): refused, and no plaintext left behind.
  auto copy = record;
  EXPECT_FALSE(p.b->Renumber(copy, 1001));
  EXPECT_EQ(std::search(copy.begin(), copy.end(), plain.begin(), plain.end()), copy.end());
}

INSTANTIATE_TEST_SUITE_P(Aes128And256, AeadRecordCipherTest, ::testing::Values(16u, 32u));

}  // namespace
}  // namespace sluice::dtls
