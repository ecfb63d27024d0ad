// MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT: against OpenSSL's one-shot HMAC, tampering at every
// byte, wrong keys, truncated SHA256 values, and zero allocations per check.
#include "stun/stun_integrity.h"

#include <gtest/gtest.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <vector>

#include "common/byte_order.h"
#include "stun/crc32.h"
#include "stun/stun_builder.h"
#include "stun/stun_message.h"
#include "stun_test_vectors.h"
#include "support/alloc_counter.h"

namespace sluice {
namespace {

using stun_test::FromHex;

std::vector<uint8_t> OpenSslHmac(const EVP_MD* md, std::span<const uint8_t> key,
                                 std::span<const uint8_t> data) {
  std::vector<uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  static const uint8_t kEmpty = 0;  // OpenSSL refuses a null key pointer
  HMAC(md, key.empty() ? &kEmpty : key.data(), static_cast<int>(key.size()), data.data(),
       data.size(), out.data(), &len);
  out.resize(len);
  return out;
}

TEST(StunIntegrity, HmacMatchesOpenSslForEveryKeyAndDataLength) {
  std::mt19937 rng(7);
  for (size_t key_len : {0, 1, 20, 63, 64, 65, 200}) {
    std::vector<uint8_t> key(key_len);
    for (auto& b : key) b = static_cast<uint8_t>(rng());
    const auto k = StunIntegrityKey::FromBytes(key);
    for (size_t n = 0; n < 300; n += 7) {
      std::vector<uint8_t> data(n);
      for (auto& b : data) b = static_cast<uint8_t>(rng());
      const auto a = k.HmacSha1(data);
      EXPECT_EQ(std::vector<uint8_t>(a.begin(), a.end()), OpenSslHmac(EVP_sha1(), key, data))
          << key_len << " " << n;
      const auto b = k.HmacSha256(data);
      EXPECT_EQ(std::vector<uint8_t>(b.begin(), b.end()), OpenSslHmac(EVP_sha256(), key, data))
          << key_len << " " << n;
      // Split input gives the same MAC.
      const size_t half = n / 2;
      std::span<const uint8_t> parts[] = {std::span(data).first(half),
                                          std::span(data).subspan(half)};
      const auto c = k.HmacSha1(parts);
      EXPECT_EQ(a, c);
    }
  }
}

TEST(StunIntegrity, TamperingAnyCoveredByteFails) {
  const auto original = FromHex(stun_test::kRfc5769Request);
  const auto key = StunIntegrityKey::ShortTerm(stun_test::kRfc5769Password);
  // Bytes 0..99 are covered by MESSAGE-INTEGRITY (header, attributes, the MAC itself; a change of
  // the length field fails the parse), and FINGERPRINT covers everything before it.
  for (size_t i = 0; i < original.size(); ++i) {
    auto m = original;
    m[i] ^= 0x01;
    auto r = StunMessageView::Parse(m);
    if (!r.ok()) continue;  // tampering the structure already fails the parse
    const bool mi_ok = VerifyMessageIntegrity(*r, key).ok();
    const bool fp_ok = VerifyFingerprint(*r).ok();
    if (i >= 100) {
      // FINGERPRINT (type byte flips make it an ignored attribute after MI): MI unaffected.
      EXPECT_TRUE(mi_ok) << i;
      EXPECT_FALSE(fp_ok) << i;
    } else {
      EXPECT_FALSE(mi_ok) << i;
      EXPECT_FALSE(fp_ok) << i;
    }
  }
}

TEST(StunIntegrity, ErrorsSayWhatFailed) {
  auto m = FromHex(stun_test::kRfc5769Request);
  m[40] ^= 0xff;  // PRIORITY value
  auto r = StunMessageView::Parse(m);
  ASSERT_TRUE(r.ok());
  auto mi = VerifyMessageIntegrity(*r, StunIntegrityKey::ShortTerm(stun_test::kRfc5769Password));
  ASSERT_FALSE(mi.ok());
  EXPECT_EQ(mi.error().code, ErrorCode::kAuthFailed);
  EXPECT_STREQ(mi.error().message, "MESSAGE-INTEGRITY does not match the key");
  auto fp = VerifyFingerprint(*r);
  ASSERT_FALSE(fp.ok());
  EXPECT_EQ(fp.error().code, ErrorCode::kAuthFailed);

  uint8_t buf[64];
  StunMessageBuilder b(buf, StunMethod::kBinding, StunClass::kRequest, {});
  auto plain = StunMessageView::Parse(std::span<const uint8_t>(buf, *b.Finish()));
  ASSERT_TRUE(plain.ok());
  auto none = VerifyMessageIntegrity(*plain, StunIntegrityKey::ShortTerm("x"));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(VerifyMessageIntegritySha256(*plain, StunIntegrityKey::ShortTerm("x")).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(VerifyFingerprint(*plain).error().code, ErrorCode::kNotFound);
}

TEST(StunIntegrity, Sha256RoundTripAndTruncation) {
  const auto key = StunIntegrityKey::ShortTerm("secret-password");
  uint8_t buf[256];
  StunTransactionId id{{9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2}};
  StunMessageBuilder b(buf, StunMethod::kBinding, StunClass::kRequest, id);
  b.AddUsername("u:v").AddMessageIntegrity(key).AddMessageIntegritySha256(key).AddFingerprint();
  auto n = b.Finish();
  ASSERT_TRUE(n.ok());
  auto r = StunMessageView::Parse(std::span<const uint8_t>(buf, *n));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(VerifyMessageIntegrity(*r, key).ok());
  EXPECT_TRUE(VerifyMessageIntegritySha256(*r, key).ok());
  EXPECT_TRUE(VerifyFingerprint(*r).ok());
  EXPECT_FALSE(VerifyMessageIntegritySha256(*r, StunIntegrityKey::ShortTerm("other")).ok());

  // A 16-byte truncated MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6) built by hand.
  StunMessageBuilder t(buf, StunMethod::kBinding, StunClass::kRequest, id);
  t.AddUsername("u:v");
  const size_t offset = t.size();
  t.AddAttribute(0x8099, std::vector<uint8_t>(16));  // placeholder of the right size
  ASSERT_TRUE(t.ok());
  StoreBe16(buf + offset, 0x001C);
  const auto mac = key.HmacSha256(std::span<const uint8_t>(buf, offset));
  std::copy(mac.begin(), mac.begin() + 16, buf + offset + 4);
  auto tr = StunMessageView::Parse(std::span<const uint8_t>(buf, t.size()));
  ASSERT_TRUE(tr.ok()) << tr.error().message;
  EXPECT_TRUE(VerifyMessageIntegritySha256(*tr, key).ok());
  buf[offset + 4 + 15] ^= 1;
  EXPECT_FALSE(VerifyMessageIntegritySha256(*tr, key).ok());
}

TEST(StunIntegrity, Crc32KnownValues) {
  const std::string s = "123456789";
  EXPECT_EQ(Crc32(std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size())), 0xCBF43926u);
  EXPECT_EQ(Crc32({}), 0u);
  // Against a bit-at-a-time reference for every length and alignment up to 100 bytes.
  std::mt19937 rng(3);
  std::vector<uint8_t> data(108);
  for (auto& b : data) b = static_cast<uint8_t>(rng());
  for (size_t start = 0; start < 8; ++start) {
    for (size_t n = 0; n <= 100; ++n) {
      uint32_t ref = 0xFFFFFFFF;
      for (size_t i = 0; i < n; ++i) {
        ref ^= data[start + i];
        for (int k = 0; k < 8; ++k) ref = (ref & 1) ? (ref >> 1) ^ 0xEDB88320 : ref >> 1;
      }
      ref = ~ref;
      const auto span = std::span<const uint8_t>(data).subspan(start, n);
      ASSERT_EQ(Crc32(span), ref) << start << " " << n;
      ASSERT_EQ(Crc32Update(Crc32(span.first(n / 3)), span.subspan(n / 3)), ref);
    }
  }
}

TEST(StunIntegrity, VerifyAllocatesNothing) {
  const auto bytes = FromHex(stun_test::kRfc5769Request);
  const auto key = StunIntegrityKey::ShortTerm(stun_test::kRfc5769Password);
  // Warm up (OpenSSL may initialise tables lazily on first use).
  {
    auto r = StunMessageView::Parse(bytes);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(VerifyMessageIntegrity(*r, key).ok());
  }
  test::AllocationScope scope;
  const uint64_t openssl_before = sluice::test::OpenSslAllocationCount();
  int verified = 0;
  for (int i = 0; i < 10000; ++i) {
    auto r = StunMessageView::Parse(bytes);
    if (r.ok() && VerifyMessageIntegrity(*r, key).ok() && VerifyFingerprint(*r).ok()) ++verified;
  }
  EXPECT_EQ(verified, 10000);
  EXPECT_EQ(scope.count(), 0u);
  if (sluice::test::OpenSslAllocationsCounted()) {
    EXPECT_EQ(sluice::test::OpenSslAllocationCount() - openssl_before, 0u);
  } else {
    GTEST_SKIP() << "OpenSSL allocated before its allocator could be replaced; malloc not counted";
  }
}

}  // namespace
}  // namespace sluice
