#include "pc/sdp_convert.h"

#include <array>
#include <cctype>
#include <cstdlib>

#include "common/ascii.h"

namespace sluice::pc {

Result<ice::Candidate> ToIceCandidate(const sdp::Candidate& candidate) {
  if (!candidate.is_udp()) return MakeError(ErrorCode::kUnsupported, "candidate is not UDP");
  // RFC 8843 (BUNDLE) with rtcp-mux: only component 1 carries traffic.
  if (candidate.component != 1) {
    return MakeError(ErrorCode::kUnsupported, "candidate is not component 1 (rtcp-mux)");
  }
  return ice::Candidate::FromSdpString(candidate.ToString());
}

sdp::Candidate ToSdpCandidate(const ice::Candidate& candidate) {
  // ice writes the RFC 8839 grammar that sdp parses: the round trip cannot fail for a candidate
  // the agent made; a default value would only hide a bug, so keep the parse result.
  auto parsed = sdp::Candidate::Parse(candidate.ToSdpString());
  return parsed ? *parsed : sdp::Candidate{};
}

namespace {
std::optional<dtls::HashAlgorithm> HashFromName(std::string_view name) {
  if (EqualsIgnoreCase(name, "sha-1")) return dtls::HashAlgorithm::kSha1;
  if (EqualsIgnoreCase(name, "sha-256")) return dtls::HashAlgorithm::kSha256;
  if (EqualsIgnoreCase(name, "sha-384")) return dtls::HashAlgorithm::kSha384;
  if (EqualsIgnoreCase(name, "sha-512")) return dtls::HashAlgorithm::kSha512;
  return std::nullopt;
}
}  // namespace

Result<dtls::DtlsFingerprint> ToDtlsFingerprint(const sdp::Fingerprint& fingerprint) {
  auto algorithm = HashFromName(fingerprint.hash_function);
  if (!algorithm) {
    return MakeError(ErrorCode::kUnsupported, "fingerprint hash function is not sha-1/256/384/512");
  }
  return dtls::DtlsFingerprint::FromDigest(*algorithm, fingerprint.digest());
}

sdp::Fingerprint ToSdpFingerprint(const dtls::DtlsFingerprint& fingerprint) {
  sdp::Fingerprint out;
  out.hash_function = dtls::HashAlgorithmName(fingerprint.algorithm());
  const auto digest = fingerprint.digest();
  out.digest_size = std::min(digest.size(), out.digest_bytes.size());
  std::copy_n(digest.begin(), out.digest_size, out.digest_bytes.begin());
  return out;
}

Codec FromSdpCodec(const sdp::Codec& codec) {
  Codec out;
  out.name = std::string(codec.name());
  out.payload_type = codec.payload_type.value();
  out.clock_rate = codec.clock_rate();
  out.channels = 0;
  if (codec.rtpmap && codec.rtpmap->encoding_parameters) {
    out.channels = static_cast<uint8_t>(*codec.rtpmap->encoding_parameters);
  }
  out.fmtp = codec.fmtp.value_or("");
  out.rtcp_feedback.clear();
  for (const auto& fb : codec.feedback) {
    out.rtcp_feedback.push_back(fb.parameter.empty() ? fb.type : fb.type + " " + fb.parameter);
  }
  return out;
}

sdp::Codec ToSdpCodec(const Codec& codec) {
  sdp::Codec out;
  out.payload_type = PayloadType(codec.payload_type);
  sdp::RtpMap map;
  map.payload_type = out.payload_type;
  map.encoding_name = codec.name;
  map.clock_rate = codec.clock_rate;
  if (codec.channels > 0) map.encoding_parameters = codec.channels;
  out.rtpmap = map;
  if (!codec.fmtp.empty()) out.fmtp = codec.fmtp;
  for (const auto& fb : codec.rtcp_feedback) {
    const size_t space = fb.find(' ');
    if (space == std::string::npos) {
      out.feedback.push_back({fb, ""});
    } else {
      out.feedback.push_back({fb.substr(0, space), fb.substr(space + 1)});
    }
  }
  return out;
}

namespace {

// RFC 6184 §8.1: "packetization-mode: ... When the value of packetization-mode is equal to 0 or
// packetization-mode is not present, the single NAL mode MUST be used".
int PacketizationMode(std::string_view fmtp) {
  for (auto [key, value] : sdp::SplitFmtpParameters(fmtp)) {
    if (key == "packetization-mode") return std::atoi(std::string(value).c_str());
  }
  return 0;
}

// profile_idc of profile-level-id (RFC 6184 §8.1, three hex bytes); 0x42 (baseline) if absent.
int ProfileIdc(std::string_view fmtp) {
  for (auto [key, value] : sdp::SplitFmtpParameters(fmtp)) {
    if (key == "profile-level-id" && value.size() == 6) {
      return static_cast<int>(std::strtol(std::string(value.substr(0, 2)).c_str(), nullptr, 16));
    }
  }
  return 0x42;
}

}  // namespace

bool CodecMatches(const Codec& ours, const sdp::Codec& theirs) {
  if (!theirs.rtpmap) return false;
  if (!EqualsIgnoreCase(ours.name, theirs.rtpmap->encoding_name)) return false;
  if (ours.clock_rate != theirs.rtpmap->clock_rate) return false;
  const uint32_t their_channels = theirs.rtpmap->encoding_parameters.value_or(ours.channels ? 1 : 0);
  if (ours.channels != 0 && their_channels != ours.channels) return false;
  if (EqualsIgnoreCase(ours.name, "H264")) {
    const std::string_view their_fmtp = theirs.fmtp ? std::string_view(*theirs.fmtp) : "";
    if (PacketizationMode(ours.fmtp) != PacketizationMode(their_fmtp)) return false;
    if (ProfileIdc(ours.fmtp) != ProfileIdc(their_fmtp)) return false;
  }
  return true;
}

std::vector<std::string> NegotiatedFeedback(const sdp::Codec& theirs) {
  std::vector<std::string> out;
  if (theirs.HasFeedback("nack")) out.push_back("nack");
  if (theirs.HasFeedback("nack", "pli")) out.push_back("nack pli");
  if (theirs.HasFeedback("ccm", "fir")) out.push_back("ccm fir");
  return out;
}

}  // namespace sluice::pc
