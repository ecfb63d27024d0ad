// Statistics named as in W3C webrtc-stats (https://www.w3.org/TR/webrtc-stats/): each struct is
// one RTCStats dictionary, each field the member of the same name in snake_case.
//
// Thread rules: plain values; PeerConnection::GetStats() returns a snapshot.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sluice/configuration.h"

namespace sluice {

// RTCInboundRtpStreamStats ("inbound-rtp").
struct InboundRtpStats {
  std::string id;
  uint32_t ssrc = 0;
  MediaKind kind = MediaKind::kAudio;
  std::string mid;
  std::string codec;  // mimeType, "video/VP8"
  uint64_t packets_received = 0;
  uint64_t bytes_received = 0;  // payload bytes, RFC 3550 §6.4.1 octet count
  uint64_t header_bytes_received = 0;
  int64_t packets_lost = 0;      // RFC 3550 cumulative lost (may be negative with duplicates)
  double jitter = 0;             // seconds
  uint64_t packets_discarded = 0;
  uint64_t nack_count = 0;       // NACKs we sent
  uint64_t pli_count = 0;        // PLIs we sent
  uint64_t fir_count = 0;        // FIRs we sent
  double last_packet_received_timestamp = 0;  // ms since the loop started
};

// RTCOutboundRtpStreamStats ("outbound-rtp").
struct OutboundRtpStats {
  std::string id;
  uint32_t ssrc = 0;
  MediaKind kind = MediaKind::kAudio;
  std::string mid;
  std::string codec;
  uint64_t packets_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t header_bytes_sent = 0;
  uint64_t retransmitted_packets_sent = 0;
  uint64_t nack_count = 0;  // NACKs received
  uint64_t pli_count = 0;   // PLIs received
  uint64_t fir_count = 0;   // FIRs received
};

// RTCTransportStats ("transport").
struct TransportStats {
  std::string id;
  uint64_t packets_sent = 0;
  uint64_t packets_received = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  std::string ice_role;                    // "controlling" / "controlled"
  std::string ice_state;                   // RTCIceTransportState
  std::string dtls_state;                  // "new", "connecting", "connected", "closed", "failed"
  std::string dtls_cipher;                 // OpenSSL's name
  std::string srtp_cipher;                 // "AEAD_AES_128_GCM", ...
  std::string selected_candidate_pair_id;
  uint64_t packets_dropped = 0;  // sluice extension: counted drops (bad auth, replay, unknown)
};

// RTCIceCandidatePairStats ("candidate-pair").
struct CandidatePairStats {
  std::string id;
  std::string local_candidate;   // "udp 127.0.0.1:50000 host"
  std::string remote_candidate;
  std::string state;             // "succeeded", "in-progress", ...
  bool nominated = false;
  uint64_t requests_sent = 0;
  uint64_t responses_received = 0;
  uint64_t requests_received = 0;
  uint64_t responses_sent = 0;
  double current_round_trip_time = 0;  // seconds
  double total_round_trip_time = 0;
};

// RTCDataChannelStats ("data-channel").
struct DataChannelStats {
  std::string id;
  std::string label;
  std::string protocol;
  uint16_t data_channel_identifier = 0;
  DataChannelState state = DataChannelState::kConnecting;
  uint64_t messages_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t messages_received = 0;
  uint64_t bytes_received = 0;
};

// RTCPeerConnectionStats ("peer-connection") plus every dictionary above.
struct StatsReport {
  double timestamp = 0;  // ms since the loop started
  uint32_t data_channels_opened = 0;
  uint32_t data_channels_closed = 0;
  std::vector<InboundRtpStats> inbound_rtp;
  std::vector<OutboundRtpStats> outbound_rtp;
  std::vector<TransportStats> transport;
  std::vector<CandidatePairStats> candidate_pair;
  std::vector<DataChannelStats> data_channel;
};

}  // namespace sluice
