// Plain value types of the public API: the PeerConnection configuration, session descriptions,
// ICE candidates, data channel options and the state enums. Names follow W3C RTCPeerConnection
// (https://www.w3.org/TR/webrtc/) so users of browsers and libdatachannel recognise them.
//
// Thread rules: plain values; copy them freely between threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice {

// ---- Signalling values -------------------------------------------------------------------

enum class SdpType : uint8_t { kOffer, kAnswer, kPranswer, kRollback };
const char* ToString(SdpType type);  // "offer", "answer", "pranswer", "rollback"

// RTCSessionDescriptionInit: the SDP text and its type.
struct SessionDescription {
  SdpType type = SdpType::kOffer;
  std::string sdp;
};

// RTCIceCandidateInit: one "candidate:..." attribute value (without "a="), or an empty
// candidate for end-of-candidates, with the m-line it belongs to.
struct IceCandidateInit {
  std::string candidate;
  std::string sdp_mid;                      // "0"; empty: use sdp_mline_index
  std::optional<uint16_t> sdp_mline_index;  // 0-based m-line index
};

// ---- Configuration --------------------------------------------------------------------------

// RTCIceServer. Only "stun:host:port" URLs are used today (server-reflexive candidates).
struct IceServer {
  std::vector<std::string> urls;
  std::string username;
  std::string credential;
};

enum class IceTransportPolicy : uint8_t { kAll, kRelay };
enum class BundlePolicy : uint8_t { kMaxBundle };  // the only policy sluice implements

// A codec offered or accepted on an audio or video m-line (RFC 8829 §5.2.1 order = preference).
struct Codec {
  std::string name;              // "opus", "VP8", "H264"
  uint8_t payload_type = 0;      // preferred dynamic payload type in offers
  uint32_t clock_rate = 90000;   // 48000 for opus
  uint8_t channels = 0;          // 2 for opus, 0 for video
  std::string fmtp;              // "minptime=10;useinbandfec=1", "profile-level-id=42e01f;..."
  std::vector<std::string> rtcp_feedback = {};  // "nack", "nack pli", "ccm fir", "transport-cc"
};

// The default codec lists: Opus; VP8 and H.264 (constrained baseline, packetization-mode=1).
std::vector<Codec> DefaultAudioCodecs();
std::vector<Codec> DefaultVideoCodecs();

struct Configuration {
  // STUN servers for server-reflexive candidates. Default: none (host candidates only).
  std::vector<IceServer> ice_servers;
  IceTransportPolicy ice_transport_policy = IceTransportPolicy::kAll;
  BundlePolicy bundle_policy = BundlePolicy::kMaxBundle;

  // Local addresses to gather host candidates on ("127.0.0.1", "::1", "192.0.2.7"). Empty: every
  // up, non-loopback interface address (loopback only if there is no other).
  std::vector<std::string> bind_addresses;
  // UDP port range for host candidates; 0/0 lets the kernel choose.
  uint16_t port_range_begin = 0;
  uint16_t port_range_end = 0;
  bool enable_ipv6 = true;

  // ICE-lite (RFC 8445 §2.5): answer checks only, never send them. For servers with a public
  // address; browsers connect to ICE-lite peers.
  bool ice_lite = false;

  // PEM certificate and private key (ECDSA P-256 recommended). Empty: generated per
  // PeerConnection.
  std::string certificate_pem;
  std::string private_key_pem;

  // Codecs, in preference order. Empty lists disable that media kind.
  std::vector<Codec> audio_codecs = DefaultAudioCodecs();
  std::vector<Codec> video_codecs = DefaultVideoCodecs();

  // SCTP / DataChannels.
  uint16_t sctp_port = 5000;
  // a=max-message-size we advertise (RFC 8841): the largest message we accept. 256 KiB, as
  // browsers offer.
  size_t max_message_size = 256 * 1024;
  // Per-PeerConnection cap on data queued for sending (all channels): DataChannel::Send returns
  // kExhausted past it instead of growing memory.
  size_t data_channel_send_buffer_cap = 16 * 1024 * 1024;

  // Per-Track cap on RTP packets queued from other threads before the loop sends them.
  size_t track_send_queue_packets = 1024;

  // Seed for this PeerConnection's non-cryptographic randomness (ICE tie-breaker, SSRCs, ...);
  // 0 takes a fresh random seed. Cryptographic material always comes from the OS.
  uint64_t seed = 0;
};

// ---- States -------------------------------------------------------------------------------

enum class SignalingState : uint8_t {
  kStable, kHaveLocalOffer, kHaveRemoteOffer, kHaveLocalPranswer, kHaveRemotePranswer, kClosed
};
enum class IceGatheringState : uint8_t { kNew, kGathering, kComplete };
enum class IceConnectionState : uint8_t {
  kNew, kChecking, kConnected, kCompleted, kDisconnected, kFailed, kClosed
};
enum class PeerConnectionState : uint8_t {
  kNew, kConnecting, kConnected, kDisconnected, kFailed, kClosed
};
const char* ToString(SignalingState state);       // "stable", "have-local-offer", ...
const char* ToString(IceGatheringState state);    // "new", "gathering", "complete"
const char* ToString(IceConnectionState state);   // "new", "checking", "connected", ...
const char* ToString(PeerConnectionState state);  // "new", "connecting", "connected", ...

// ---- DataChannels (RFC 8831, RFC 8832) --------------------------------------------------

// RTCDataChannelInit. max_retransmits and max_packet_life_time are exclusive (partial
// reliability, RFC 8831 §6.1); neither means reliable.
struct DataChannelInit {
  bool ordered = true;
  std::optional<uint16_t> max_packet_life_time;  // milliseconds
  std::optional<uint16_t> max_retransmits;
  std::string protocol;
  // Pre-negotiated channel (no DCEP): both sides create it with the same id.
  bool negotiated = false;
  std::optional<uint16_t> id;
  uint16_t priority = 256;  // RFC 8831 §6.4 "normal"
};

enum class DataChannelState : uint8_t { kConnecting, kOpen, kClosing, kClosed };
const char* ToString(DataChannelState state);  // "connecting", "open", "closing", "closed"

// ---- Media ----------------------------------------------------------------------------------

enum class MediaKind : uint8_t { kAudio, kVideo };
const char* ToString(MediaKind kind);  // "audio", "video"

enum class TransceiverDirection : uint8_t { kSendRecv, kSendOnly, kRecvOnly, kInactive };
const char* ToString(TransceiverDirection direction);  // "sendrecv", ...

}  // namespace sluice
