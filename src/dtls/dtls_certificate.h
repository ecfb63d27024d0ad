// The local DTLS identity: a certificate and its private key (RFC 8827 §6.5, RFC 8842).
//
// WebRTC endpoints authenticate DTLS with self-signed certificates whose fingerprints travel in
// SDP (a=fingerprint). Generate() makes one per PeerConnection the way browsers do: ECDSA
// P-256, self-signed, random serial, 30-day validity, CN "sluice". FromPem() loads a supplied
// one (any key type OpenSSL can sign with, e.g. to keep a stable identity).
//
// OpenSSL types stay out of this header: the certificate is a shared, immutable handle.
// Generate() reads the wall clock for the validity period (setup time, not the data path).
//
// Thread rules: immutable after creation; copies share the same OpenSSL objects, which may be
// used from several threads (OpenSSL reference-counts them).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "dtls/dtls_fingerprint.h"
#include "sluice/result.h"

struct x509_st;
struct evp_pkey_st;

namespace sluice::dtls {

class DtlsCertificate {
 public:
  static constexpr int kValidityDays = 30;

  // ECDSA P-256 key, self-signed X.509v3, random 64-bit serial, valid from one day ago (clock
  // skew between peers) for kValidityDays, subject and issuer CN "sluice", signed with SHA-256.
  static Result<DtlsCertificate> Generate();
  // Loads a PEM certificate and its PEM private key; fails unless the key matches.
  static Result<DtlsCertificate> FromPem(std::string_view certificate_pem,
                                         std::string_view private_key_pem);

  // The SHA-256 fingerprint, computed once (what SDP's a=fingerprint carries).
  const DtlsFingerprint& fingerprint() const;
  // "sha-256 AB:CD:..." for SDP.
  std::string fingerprint_sdp() const { return fingerprint().ToString(); }
  Result<DtlsFingerprint> Fingerprint(HashAlgorithm algorithm) const;

  std::string CertificatePem() const;
  std::string PrivateKeyPem() const;  // PKCS#8, unencrypted: handle with care

  // For the engine: borrowed pointers, valid while any copy of this certificate lives.
  x509_st* x509() const;
  evp_pkey_st* private_key() const;

 private:
  struct Impl;
  explicit DtlsCertificate(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// The fingerprint of any certificate (e.g. the peer's, inside the verify callback).
Result<DtlsFingerprint> FingerprintOf(const x509_st* certificate, HashAlgorithm algorithm);

}  // namespace sluice::dtls
