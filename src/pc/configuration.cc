// The functions declared by include/sluice/configuration.h: names of the enums (W3C spellings)
// and the default codec lists.
#include "sluice/configuration.h"

namespace sluice {

const char* ToString(SdpType type) {
  switch (type) {
    case SdpType::kOffer: return "offer";
    case SdpType::kAnswer: return "answer";
    case SdpType::kPranswer: return "pranswer";
    case SdpType::kRollback: return "rollback";
  }
  return "unknown";
}

const char* ToString(SignalingState state) {
  switch (state) {
    case SignalingState::kStable: return "stable";
    case SignalingState::kHaveLocalOffer: return "have-local-offer";
    case SignalingState::kHaveRemoteOffer: return "have-remote-offer";
    case SignalingState::kHaveLocalPranswer: return "have-local-pranswer";
    case SignalingState::kHaveRemotePranswer: return "have-remote-pranswer";
    case SignalingState::kClosed: return "closed";
  }
  return "unknown";
}

const char* ToString(IceGatheringState state) {
  switch (state) {
    case IceGatheringState::kNew: return "new";
    case IceGatheringState::kGathering: return "gathering";
    case IceGatheringState::kComplete: return "complete";
  }
  return "unknown";
}

const char* ToString(IceConnectionState state) {
  switch (state) {
    case IceConnectionState::kNew: return "new";
    case IceConnectionState::kChecking: return "checking";
    case IceConnectionState::kConnected: return "connected";
    case IceConnectionState::kCompleted: return "completed";
    case IceConnectionState::kDisconnected: return "disconnected";
    case IceConnectionState::kFailed: return "failed";
    case IceConnectionState::kClosed: return "closed";
  }
  return "unknown";
}

const char* ToString(PeerConnectionState state) {
  switch (state) {
    case PeerConnectionState::kNew: return "new";
    case PeerConnectionState::kConnecting: return "connecting";
    case PeerConnectionState::kConnected: return "connected";
    case PeerConnectionState::kDisconnected: return "disconnected";
    case PeerConnectionState::kFailed: return "failed";
    case PeerConnectionState::kClosed: return "closed";
  }
  return "unknown";
}

const char* ToString(DataChannelState state) {
  switch (state) {
    case DataChannelState::kConnecting: return "connecting";
    case DataChannelState::kOpen: return "open";
    case DataChannelState::kClosing: return "closing";
    case DataChannelState::kClosed: return "closed";
  }
  return "unknown";
}

const char* ToString(MediaKind kind) {
  switch (kind) {
    case MediaKind::kAudio: return "audio";
    case MediaKind::kVideo: return "video";
  }
  return "unknown";
}

const char* ToString(TransceiverDirection direction) {
  switch (direction) {
    case TransceiverDirection::kSendRecv: return "sendrecv";
    case TransceiverDirection::kSendOnly: return "sendonly";
    case TransceiverDirection::kRecvOnly: return "recvonly";
    case TransceiverDirection::kInactive: return "inactive";
  }
  return "unknown";
}

// Opus (RFC 7587): 48 kHz, 2 channels in SDP whatever is sent; in-band FEC as browsers offer.
std::vector<Codec> DefaultAudioCodecs() {
  return {Codec{.name = "opus",
                .payload_type = 111,
                .clock_rate = 48000,
                .channels = 2,
                .fmtp = "minptime=10;useinbandfec=1",
                .rtcp_feedback = {}}};
}

// VP8 (RFC 7741) and H.264 constrained baseline, packetization-mode 1 (RFC 6184), with the
// feedback sluice implements: NACK, PLI, FIR.
std::vector<Codec> DefaultVideoCodecs() {
  const std::vector<std::string> feedback = {"nack", "nack pli", "ccm fir"};
  return {Codec{.name = "VP8", .payload_type = 96, .clock_rate = 90000, .channels = 0,
                .fmtp = "", .rtcp_feedback = feedback},
          Codec{.name = "H264", .payload_type = 102, .clock_rate = 90000, .channels = 0,
                .fmtp = "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
                .rtcp_feedback = feedback}};
}

}  // namespace sluice
