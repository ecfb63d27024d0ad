#include "ice/ice_stun.h"

#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstring>

#include "common/byte_order.h"
#include "common/byte_reader.h"
#include "common/byte_writer.h"

namespace sluice::ice {
namespace {

constexpr uint32_t kMagicCookie = 0x2112A442;
constexpr size_t kHeaderSize = 20;
constexpr uint16_t kMethodBinding = 0x001;

constexpr uint16_t kAttrMappedAddress = 0x0001;
constexpr uint16_t kAttrUsername = 0x0006;
constexpr uint16_t kAttrMessageIntegrity = 0x0008;
constexpr uint16_t kAttrErrorCode = 0x0009;
constexpr uint16_t kAttrXorMappedAddress = 0x0020;
constexpr uint16_t kAttrPriority = 0x0024;
constexpr uint16_t kAttrUseCandidate = 0x0025;
constexpr uint16_t kAttrFingerprint = 0x8028;
constexpr uint16_t kAttrIceControlled = 0x8029;
constexpr uint16_t kAttrIceControlling = 0x802A;

constexpr size_t kHmacSha1Size = 20;
constexpr uint32_t kFingerprintXor = 0x5354554e;
// RFC 8489 §14.3: "It MUST contain a UTF-8 encoded sequence of fewer than 509 bytes"; RFC 8445
// ufrags are at most 256 characters each, so "a:b" is at most 513.
constexpr size_t kMaxUsername = 513;

// CRC-32 (ISO HDLC, as in zlib), table built at compile time.
struct Crc32Table {
  uint32_t v[256];
  constexpr Crc32Table() : v() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      v[i] = c;
    }
  }
};
constexpr Crc32Table kCrcTable;

uint32_t Crc32(std::span<const uint8_t> data) {
  uint32_t c = 0xFFFFFFFFu;
  for (uint8_t b : data) c = kCrcTable.v[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

// HMAC-SHA1 over `header` (20 bytes, length already adjusted) followed by `body`.
bool HmacSha1(std::string_view key, std::span<const uint8_t> header, std::span<const uint8_t> body,
              uint8_t out[kHmacSha1Size]) {
  // One fetched MAC and one context per thread, re-keyed on every call.
  thread_local EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  thread_local EVP_MAC_CTX* ctx = mac ? EVP_MAC_CTX_new(mac) : nullptr;
  if (!ctx) return false;
  char digest[] = "SHA1";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                         OSSL_PARAM_construct_end()};
  // An empty key is legal HMAC; OpenSSL wants a non-null pointer.
  static const uint8_t kEmpty = 0;
  const uint8_t* k = key.empty() ? &kEmpty : reinterpret_cast<const uint8_t*>(key.data());
  if (EVP_MAC_init(ctx, k, key.size(), params) != 1) return false;
  if (EVP_MAC_update(ctx, header.data(), header.size()) != 1) return false;
  if (!body.empty() && EVP_MAC_update(ctx, body.data(), body.size()) != 1) return false;
  size_t n = 0;
  return EVP_MAC_final(ctx, out, &n, kHmacSha1Size) == 1 && n == kHmacSha1Size;
}

std::optional<TransportAddress> ReadAddress(std::span<const uint8_t> v, bool xored,
                                            const uint8_t* header) {
  // RFC 8489 §14.2: 0x00 | Family (0x01 IPv4, 0x02 IPv6) | Port | Address (32 or 128 bits)
  if (v.size() < 4) return std::nullopt;
  TransportAddress a;
  uint8_t family = v[1];
  size_t n;
  if (family == 0x01) {
    a.family = AddressFamily::kIpv4;
    n = 4;
  } else if (family == 0x02) {
    a.family = AddressFamily::kIpv6;
    n = 16;
  } else {
    return std::nullopt;
  }
  if (v.size() != 4 + n) return std::nullopt;
  a.port = LoadBe16(v.data() + 2);
  std::memcpy(a.ip.data(), v.data() + 4, n);
  if (xored) {
    // X-Port is the port XOR the 16 most significant bits of the magic cookie; X-Address is the
    // address XOR the magic cookie (IPv4) or the cookie followed by the transaction ID (IPv6).
    a.port = static_cast<uint16_t>(a.port ^ (kMagicCookie >> 16));
    for (size_t i = 0; i < n; ++i) a.ip[i] ^= header[4 + i];
  }
  return a;
}

uint16_t MessageType(StunClass cls) {
  uint16_t c = 0;
  switch (cls) {
    case StunClass::kRequest: c = 0; break;
    case StunClass::kIndication: c = 1; break;
    case StunClass::kSuccess: c = 2; break;
    case StunClass::kError: c = 3; break;
  }
  // M11..M7 C1 M6..M4 C0 M3..M0 with the Binding method 0x001.
  return static_cast<uint16_t>(kMethodBinding | ((c & 1) << 4) | ((c & 2) << 7));
}

void WriteHeader(ByteWriter& w, StunClass cls, const TransactionId& id) {
  w.WriteU16(MessageType(cls));
  w.WriteU16(0);  // length, patched as attributes are appended
  w.WriteU32(kMagicCookie);
  w.WriteBytes(id);
}

void PatchLength(ByteWriter& w, size_t extra) {
  std::span<uint8_t> d = w.data();
  if (d.size() >= kHeaderSize) StoreBe16(d.data() + 2, static_cast<uint16_t>(d.size() - kHeaderSize + extra));
}

void WriteAttrHeader(ByteWriter& w, uint16_t type, size_t len) {
  w.WriteU16(type);
  w.WriteU16(static_cast<uint16_t>(len));
}

void WriteStringAttr(ByteWriter& w, uint16_t type, std::string_view s) {
  WriteAttrHeader(w, type, s.size());
  w.WriteBytes({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
  w.PadToAlignment(4);
}

// Appends MESSAGE-INTEGRITY (if a password is given) and FINGERPRINT, fixing the header length
// before each as RFC 8489 §14.5 / §14.7 require.
Result<size_t> Finish(ByteWriter& w, std::string_view password, bool integrity) {
  if (!w.ok()) return MakeError(ErrorCode::kBufferTooSmall, "STUN message does not fit the buffer");
  if (integrity) {
    // §14.5: "the length field MUST contain the length up to and including the
    // MESSAGE-INTEGRITY attribute itself, but excluding any attributes after it."
    PatchLength(w, 4 + kHmacSha1Size);
    uint8_t mac[kHmacSha1Size];
    std::span<const uint8_t> d = w.data();
    if (!HmacSha1(password, d.first(kHeaderSize), d.subspan(kHeaderSize), mac)) {
      return MakeError(ErrorCode::kInternal, "HMAC-SHA1 failed");
    }
    WriteAttrHeader(w, kAttrMessageIntegrity, kHmacSha1Size);
    w.WriteBytes(mac);
  }
  // §14.7: the CRC covers the message up to the FINGERPRINT, with the length field including it.
  PatchLength(w, 8);
  if (!w.ok()) return MakeError(ErrorCode::kBufferTooSmall, "STUN message does not fit the buffer");
  uint32_t crc = Crc32(w.data()) ^ kFingerprintXor;
  WriteAttrHeader(w, kAttrFingerprint, 4);
  w.WriteU32(crc);
  if (!w.ok()) return MakeError(ErrorCode::kBufferTooSmall, "STUN message does not fit the buffer");
  return w.written();
}

// Walks the attributes after a header that Frame() accepted; calls f(type, value, offset).
template <typename F>
Result<void> WalkAttributes(std::span<const uint8_t> msg, F&& f) {
  ByteReader r(msg.subspan(kHeaderSize));
  while (!r.empty()) {
    size_t offset = kHeaderSize + r.position();
    auto type = r.ReadU16();
    auto len = r.ReadU16();
    if (!type || !len) return MakeError(ErrorCode::kTruncated, "STUN attribute header cut short");
    auto value = r.ReadBytes(*len);
    if (!value) return MakeError(ErrorCode::kTruncated, "STUN attribute longer than the message");
    // Padding to a multiple of 4; the last attribute's padding must also be inside the message.
    if (!r.SkipToAlignment(4)) return MakeError(ErrorCode::kTruncated, "STUN attribute padding cut short");
    if (!f(*type, *value, offset)) break;
  }
  return Ok();
}

Result<void> Frame(std::span<const uint8_t> d) {
  if (d.size() < kHeaderSize) return MakeError(ErrorCode::kTruncated, "shorter than a STUN header");
  // RFC 8489 §5: "The most significant 2 bits of every STUN message MUST be zeroes."
  if ((d[0] & 0xC0) != 0) return MakeError(ErrorCode::kMalformed, "not STUN: top bits set");
  if (LoadBe32(d.data() + 4) != kMagicCookie) {
    return MakeError(ErrorCode::kMalformed, "STUN magic cookie missing");
  }
  size_t len = LoadBe16(d.data() + 2);
  if (len % 4 != 0) return MakeError(ErrorCode::kMalformed, "STUN length not a multiple of 4");
  if (kHeaderSize + len > d.size()) return MakeError(ErrorCode::kTruncated, "STUN length past the datagram");
  if (kHeaderSize + len < d.size()) return MakeError(ErrorCode::kMalformed, "bytes after the STUN message");
  return Ok();
}

}  // namespace

Result<IceStunMessage> ParseIceStun(std::span<const uint8_t> d) {
  if (auto f = Frame(d); !f) return f.error();
  uint16_t type = LoadBe16(d.data());
  uint16_t method = static_cast<uint16_t>((type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2));
  if (method != kMethodBinding) return MakeError(ErrorCode::kUnsupported, "STUN method is not Binding");
  IceStunMessage m;
  switch (((type >> 4) & 1) | ((type >> 7) & 2)) {
    case 0: m.cls = StunClass::kRequest; break;
    case 1: m.cls = StunClass::kIndication; break;
    case 2: m.cls = StunClass::kSuccess; break;
    default: m.cls = StunClass::kError; break;
  }
  std::memcpy(m.transaction_id.data(), d.data() + 8, 12);

  Error error{};
  bool failed = false;
  bool after_integrity = false;
  auto fail = [&](ErrorCode code, const char* why) {
    error = MakeError(code, why);
    failed = true;
    return false;
  };
  auto walked = WalkAttributes(d, [&](uint16_t t, std::span<const uint8_t> v, size_t offset) {
    if (m.has_fingerprint) return fail(ErrorCode::kMalformed, "STUN attribute after FINGERPRINT");
    if (t == kAttrFingerprint) {
      // §14.7: "When present, the FINGERPRINT attribute MUST be the last attribute in the message."
      if (v.size() != 4) return fail(ErrorCode::kMalformed, "FINGERPRINT length is not 4");
      if (offset + 8 != d.size()) return fail(ErrorCode::kMalformed, "FINGERPRINT is not last");
      uint32_t want = Crc32(d.first(offset)) ^ kFingerprintXor;
      if (LoadBe32(v.data()) != want) return fail(ErrorCode::kAuthFailed, "FINGERPRINT mismatch");
      m.has_fingerprint = true;
      return true;
    }
    // §14.5: "With the exception of the MESSAGE-INTEGRITY-SHA256 and FINGERPRINT attributes,
    // which appear after MESSAGE-INTEGRITY, agents MUST ignore all other attributes that follow
    // MESSAGE-INTEGRITY."
    if (after_integrity) return true;
    switch (t) {
      case kAttrMessageIntegrity:
        if (v.size() != kHmacSha1Size) return fail(ErrorCode::kMalformed, "MESSAGE-INTEGRITY length is not 20");
        m.has_integrity = true;
        after_integrity = true;
        break;
      case kAttrUsername:
        if (v.size() > kMaxUsername) return fail(ErrorCode::kMalformed, "USERNAME longer than 513 bytes");
        m.username = {reinterpret_cast<const char*>(v.data()), v.size()};
        m.has_username = true;
        break;
      case kAttrPriority:
        if (v.size() != 4) return fail(ErrorCode::kMalformed, "PRIORITY length is not 4");
        m.priority = LoadBe32(v.data());
        break;
      case kAttrIceControlling:
        if (v.size() != 8) return fail(ErrorCode::kMalformed, "ICE-CONTROLLING length is not 8");
        m.ice_controlling = LoadBe64(v.data());
        break;
      case kAttrIceControlled:
        if (v.size() != 8) return fail(ErrorCode::kMalformed, "ICE-CONTROLLED length is not 8");
        m.ice_controlled = LoadBe64(v.data());
        break;
      case kAttrUseCandidate:
        if (!v.empty()) return fail(ErrorCode::kMalformed, "USE-CANDIDATE is not empty");
        m.use_candidate = true;
        break;
      case kAttrXorMappedAddress:
      case kAttrMappedAddress: {
        auto a = ReadAddress(v, t == kAttrXorMappedAddress, d.data());
        if (!a) return fail(ErrorCode::kMalformed, "bad (XOR-)MAPPED-ADDRESS");
        if (t == kAttrXorMappedAddress || !m.xor_mapped_address) m.xor_mapped_address = a;
        break;
      }
      case kAttrErrorCode: {
        // 0 (21 bits) | Class (3 bits) | Number (8 bits) | Reason Phrase
        if (v.size() < 4) return fail(ErrorCode::kMalformed, "ERROR-CODE shorter than 4");
        uint16_t cls = v[2] & 0x07;
        uint16_t num = v[3];
        if (cls < 3 || cls > 6 || num > 99) return fail(ErrorCode::kMalformed, "ERROR-CODE out of range");
        m.error_code = static_cast<uint16_t>(cls * 100 + num);
        break;
      }
      default:
        break;  // other attributes are not ICE's business
    }
    return true;
  });
  if (!walked) return walked.error();
  if (failed) return error;
  if (m.cls == StunClass::kError && !m.error_code) {
    return MakeError(ErrorCode::kMalformed, "error response without ERROR-CODE");
  }
  return m;
}

bool VerifyIceIntegrity(std::span<const uint8_t> d, std::string_view password) {
  if (!Frame(d)) return false;
  std::optional<size_t> mi_offset;
  auto walked = WalkAttributes(d, [&](uint16_t t, std::span<const uint8_t> v, size_t offset) {
    if (t == kAttrMessageIntegrity && v.size() == kHmacSha1Size) {
      mi_offset = offset;
      return false;
    }
    return true;
  });
  if (!walked || !mi_offset) return false;
  uint8_t header[kHeaderSize];
  std::memcpy(header, d.data(), kHeaderSize);
  StoreBe16(header + 2, static_cast<uint16_t>(*mi_offset - kHeaderSize + 4 + kHmacSha1Size));
  uint8_t mac[kHmacSha1Size];
  if (!HmacSha1(password, header, d.subspan(kHeaderSize, *mi_offset - kHeaderSize), mac)) return false;
  // Constant-time compare.
  uint8_t diff = 0;
  const uint8_t* got = d.data() + *mi_offset + 4;
  for (size_t i = 0; i < kHmacSha1Size; ++i) diff |= static_cast<uint8_t>(mac[i] ^ got[i]);
  return diff == 0;
}

Result<size_t> WriteBindingRequest(const BindingRequestParams& p, std::span<uint8_t> out) {
  if (p.username.size() > kMaxUsername) {
    return MakeError(ErrorCode::kInvalidArgument, "USERNAME longer than 513 bytes");
  }
  ByteWriter w(out);
  WriteHeader(w, StunClass::kRequest, p.transaction_id);
  if (!p.username.empty()) WriteStringAttr(w, kAttrUsername, p.username);
  if (p.priority) {
    WriteAttrHeader(w, kAttrPriority, 4);
    w.WriteU32(*p.priority);
  }
  if (p.include_role) {
    WriteAttrHeader(w, p.controlling ? kAttrIceControlling : kAttrIceControlled, 8);
    w.WriteU64(p.tie_breaker);
  }
  if (p.use_candidate) WriteAttrHeader(w, kAttrUseCandidate, 0);
  return Finish(w, p.password, !p.username.empty());
}

Result<size_t> WriteBindingSuccess(const TransactionId& id, const TransportAddress& mapped,
                                   std::string_view password, std::span<uint8_t> out) {
  ByteWriter w(out);
  WriteHeader(w, StunClass::kSuccess, id);
  size_t n = mapped.ip_size();
  WriteAttrHeader(w, kAttrXorMappedAddress, 4 + n);
  w.WriteU8(0);
  w.WriteU8(mapped.is_ipv6() ? 0x02 : 0x01);
  w.WriteU16(static_cast<uint16_t>(mapped.port ^ (kMagicCookie >> 16)));
  uint8_t key[16];
  StoreBe32(key, kMagicCookie);
  std::memcpy(key + 4, id.data(), id.size());
  for (size_t i = 0; i < n; ++i) w.WriteU8(static_cast<uint8_t>(mapped.ip[i] ^ key[i]));
  return Finish(w, password, !password.empty());
}

Result<size_t> WriteBindingError(const TransactionId& id, uint16_t code, std::string_view reason,
                                 std::string_view password, std::span<uint8_t> out) {
  if (code < 300 || code > 699) return MakeError(ErrorCode::kInvalidArgument, "STUN error code must be 300-699");
  ByteWriter w(out);
  WriteHeader(w, StunClass::kError, id);
  WriteAttrHeader(w, kAttrErrorCode, 4 + reason.size());
  w.WriteU16(0);
  w.WriteU8(static_cast<uint8_t>(code / 100));
  w.WriteU8(static_cast<uint8_t>(code % 100));
  w.WriteBytes({reinterpret_cast<const uint8_t*>(reason.data()), reason.size()});
  w.PadToAlignment(4);
  return Finish(w, password, !password.empty());
}

}  // namespace sluice::ice
