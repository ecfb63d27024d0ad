#include "dtls/dtls_certificate.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <ctime>

namespace sluice::dtls {
namespace {

TEST(DtlsCertificateTest, GenerateMakesSelfSignedEcdsaP256) {
  auto cert = DtlsCertificate::Generate();
  ASSERT_TRUE(cert.ok()) << cert.error().message;
  X509* x = cert->x509();
  EVP_PKEY* key = X509_get0_pubkey(x);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(EVP_PKEY_get_base_id(key), EVP_PKEY_EC);
  char curve[64] = {};
  size_t curve_len = 0;
  ASSERT_EQ(EVP_PKEY_get_utf8_string_param(key, "group", curve, sizeof(curve), &curve_len), 1);
  EXPECT_STREQ(curve, "prime256v1");
  // Self-signed: issuer == subject and the signature verifies with its own key.
  EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(x), X509_get_subject_name(x)), 0);
  EXPECT_EQ(X509_verify(x, key), 1);
  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
  EXPECT_STREQ(cn, "sluice");
  EXPECT_EQ(X509_get_version(x), 2);  // v3
  EXPECT_EQ(X509_get_signature_nid(x), NID_ecdsa_with_SHA256);
  // Valid now, and for about 30 days.
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(x)), 0);
  EXPECT_GT(X509_cmp_current_time(X509_get0_notAfter(x)), 0);
  int days = 0, secs = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(x)), 1);
  EXPECT_GE(days, 29);
  EXPECT_LE(days, 30);
}

TEST(DtlsCertificateTest, SerialsAndKeysAreRandom) {
  auto a = DtlsCertificate::Generate().value();
  auto b = DtlsCertificate::Generate().value();
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a.x509()), X509_get0_serialNumber(b.x509())),
            0);
  EXPECT_FALSE(a.fingerprint().Matches(b.fingerprint()));
  const ASN1_INTEGER* serial = X509_get0_serialNumber(a.x509());
  BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr);
  EXPECT_FALSE(BN_is_negative(bn));
  BN_free(bn);
}

TEST(DtlsCertificateTest, FingerprintIsSha256OfTheDer) {
  auto cert = DtlsCertificate::Generate().value();
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert.x509(), &der);
  ASSERT_GT(len, 0);
  unsigned char digest[32];
  unsigned int dlen = 0;
  EVP_Digest(der, static_cast<size_t>(len), digest, &dlen, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  EXPECT_EQ(std::vector<uint8_t>(digest, digest + 32),
            std::vector<uint8_t>(cert.fingerprint().digest().begin(),
                                 cert.fingerprint().digest().end()));
  const std::string sdp = cert.fingerprint_sdp();
  EXPECT_EQ(sdp.rfind("sha-256 ", 0), 0u);
  EXPECT_EQ(sdp.size(), 8 + 32 * 3 - 1);
  EXPECT_EQ(DtlsFingerprint::Parse(sdp).value(), cert.fingerprint());
  EXPECT_EQ(cert.Fingerprint(HashAlgorithm::kSha1)->digest().size(), 20u);
  EXPECT_EQ(cert.Fingerprint(HashAlgorithm::kSha384)->digest().size(), 48u);
  EXPECT_EQ(cert.Fingerprint(HashAlgorithm::kSha512)->digest().size(), 64u);
  EXPECT_EQ(cert.Fingerprint(HashAlgorithm::kSha256).value(), cert.fingerprint());
}

TEST(DtlsCertificateTest, PemRoundTrip) {
  auto cert = DtlsCertificate::Generate().value();
  const std::string cert_pem = cert.CertificatePem();
  const std::string key_pem = cert.PrivateKeyPem();
  EXPECT_NE(cert_pem.find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_NE(key_pem.find("BEGIN PRIVATE KEY"), std::string::npos);
  auto loaded = DtlsCertificate::FromPem(cert_pem, key_pem);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->fingerprint(), cert.fingerprint());
}

TEST(DtlsCertificateTest, FromPemRejectsGarbageAndMismatchedKeys) {
  auto a = DtlsCertificate::Generate().value();
  auto b = DtlsCertificate::Generate().value();
  EXPECT_EQ(DtlsCertificate::FromPem("not pem", a.PrivateKeyPem()).error().code,
            ErrorCode::kMalformed);
  EXPECT_EQ(DtlsCertificate::FromPem(a.CertificatePem(), "").error().code,
            ErrorCode::kMalformed);
  std::string truncated = a.CertificatePem();
  truncated.resize(truncated.size() / 2);
  EXPECT_EQ(DtlsCertificate::FromPem(truncated, a.PrivateKeyPem()).error().code,
            ErrorCode::kMalformed);
  EXPECT_EQ(DtlsCertificate::FromPem(a.CertificatePem(), b.PrivateKeyPem()).error().code,
            ErrorCode::kInvalidArgument);
}

TEST(DtlsCertificateTest, CopiesShareTheIdentity) {
  auto a = DtlsCertificate::Generate().value();
  DtlsCertificate copy = a;
  EXPECT_EQ(copy.x509(), a.x509());
  EXPECT_EQ(copy.private_key(), a.private_key());
}

TEST(DtlsCertificateTest, FingerprintOfNullIsAnError) {
  EXPECT_EQ(FingerprintOf(nullptr, HashAlgorithm::kSha256).error().code,
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::dtls
