#include "dtls/dtls_certificate.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <utility>

namespace sluice::dtls {

struct DtlsCertificate::Impl {
  Impl(X509* c, EVP_PKEY* k) : cert(c), key(k) {}
  ~Impl() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  X509* cert;
  EVP_PKEY* key;
  DtlsFingerprint sha256;
};

namespace {

const EVP_MD* DigestFor(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::kSha1: return EVP_sha1();
    case HashAlgorithm::kSha256: return EVP_sha256();
    case HashAlgorithm::kSha384: return EVP_sha384();
    case HashAlgorithm::kSha512: return EVP_sha512();
  }
  return nullptr;
}

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string out;
  if (size > 0 && data != nullptr) out.assign(data, static_cast<size_t>(size));
  return out;
}

}  // namespace

Result<DtlsFingerprint> FingerprintOf(const x509_st* certificate, HashAlgorithm algorithm) {
  if (certificate == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "no certificate to fingerprint");
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (X509_digest(certificate, DigestFor(algorithm), digest, &size) != 1) {
    return MakeError(ErrorCode::kInternal, "X509_digest failed");
  }
  return DtlsFingerprint::FromDigest(algorithm, {digest, size});
}

Result<DtlsCertificate> DtlsCertificate::Generate() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) return MakeError(ErrorCode::kInternal, "EVP_EC_gen(P-256) failed");
  X509* cert = X509_new();
  if (cert == nullptr) {
    EVP_PKEY_free(key);
    return MakeError(ErrorCode::kInternal, "X509_new failed");
  }
  auto impl = std::make_shared<Impl>(cert, key);  // owns both from here on

  // A random positive 63-bit serial, as browsers use.
  uint8_t serial_bytes[8];
  if (RAND_bytes(serial_bytes, sizeof(serial_bytes)) != 1) {
    return MakeError(ErrorCode::kInternal, "RAND_bytes failed for the certificate serial");
  }
  serial_bytes[0] &= 0x7F;
  BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof(serial_bytes), nullptr);
  const bool serial_ok =
      serial != nullptr && BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert)) != nullptr;
  BN_free(serial);
  if (!serial_ok) return MakeError(ErrorCode::kInternal, "cannot set the certificate serial");

  X509_NAME* name = X509_get_subject_name(cert);
  const bool ok =
      X509_set_version(cert, 2) == 1 &&  // X.509 v3
      X509_gmtime_adj(X509_getm_notBefore(cert), -24L * 3600) != nullptr &&
      X509_gmtime_adj(X509_getm_notAfter(cert), long{kValidityDays} * 24 * 3600) != nullptr &&
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("sluice"), -1, -1,
                                 0) == 1 &&
      X509_set_issuer_name(cert, name) == 1 && X509_set_pubkey(cert, key) == 1 &&
      X509_sign(cert, key, EVP_sha256()) > 0;
  if (!ok) return MakeError(ErrorCode::kInternal, "cannot build the self-signed certificate");

  auto fp = FingerprintOf(cert, HashAlgorithm::kSha256);
  if (!fp) return fp.error();
  impl->sha256 = *fp;
  return DtlsCertificate(std::move(impl));
}

Result<DtlsCertificate> DtlsCertificate::FromPem(std::string_view certificate_pem,
                                                 std::string_view private_key_pem) {
  BIO* cert_bio = BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size()));
  X509* cert = cert_bio ? PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(cert_bio);
  if (cert == nullptr) return MakeError(ErrorCode::kMalformed, "certificate PEM does not parse");

  BIO* key_bio = BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size()));
  EVP_PKEY* key = key_bio ? PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(key_bio);
  if (key == nullptr) {
    X509_free(cert);
    return MakeError(ErrorCode::kMalformed, "private key PEM does not parse");
  }
  auto impl = std::make_shared<Impl>(cert, key);
  if (X509_check_private_key(cert, key) != 1) {
    return MakeError(ErrorCode::kInvalidArgument, "private key does not match the certificate");
  }
  auto fp = FingerprintOf(cert, HashAlgorithm::kSha256);
  if (!fp) return fp.error();
  impl->sha256 = *fp;
  return DtlsCertificate(std::move(impl));
}

const DtlsFingerprint& DtlsCertificate::fingerprint() const { return impl_->sha256; }

Result<DtlsFingerprint> DtlsCertificate::Fingerprint(HashAlgorithm algorithm) const {
  return FingerprintOf(impl_->cert, algorithm);
}

std::string DtlsCertificate::CertificatePem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  std::string out;
  if (PEM_write_bio_X509(bio, impl_->cert) == 1) out = BioToString(bio);
  BIO_free(bio);
  return out;
}

std::string DtlsCertificate::PrivateKeyPem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  std::string out;
  if (PEM_write_bio_PrivateKey(bio, impl_->key, nullptr, nullptr, 0, nullptr, nullptr) == 1) {
    out = BioToString(bio);
  }
  BIO_free(bio);
  return out;
}

x509_st* DtlsCertificate::x509() const { return impl_->cert; }
evp_pkey_st* DtlsCertificate::private_key() const { return impl_->key; }

}  // namespace sluice::dtls
