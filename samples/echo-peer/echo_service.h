// The echo behind echo-peer's WHIP endpoint: one sluice::PeerConnection per WHIP session.
//
// - DataChannels: every message goes back on the channel it came on, same type (binary/text),
//   same bytes, same order. When the channel's send buffer is full (Send -> kExhausted) the echo
//   queues in order and drains on OnBufferedAmountLow; a peer that never reads is cut off at
//   kMaxBacklogBytes (its session is removed).
// - Media: for each audio/video m-line of the offer, AddTrack of the same kind reuses that
//   transceiver (sendrecv in the answer); every RTP packet received on it is sent back on it
//   (the library rewrites the SSRC to ours and re-protects it). The peer's feedback about the
//   echoed stream goes back to its source: PLI/FIR -> RequestKeyFrame, NACK -> SendNack with the
//   same sequence numbers (the echo keeps them).
// - Sessions end on DELETE, when the connection fails (ICE failure or consent expiry, RFC 7675)
//   or closes, when they do not connect within kConnectTimeout, and at shutdown.
//
// Thread rules: CreateSession/DeleteSession/StatsJson come from HTTP threads, Reap/CloseAll from
// the main thread; PeerConnection callbacks run on the EventLoop thread and touch only their own
// session (atomics and loop-only state), never the session map.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "log.h"
#include "sluice/event_loop.h"
#include "sluice/peer_connection.h"
#include "whip_server.h"

namespace echo_peer {

struct EchoServiceOptions {
  std::string bind_address = "127.0.0.1";  // where ICE host candidates are gathered (a
                                           // wildcard: on every interface address)
  size_t max_sessions = 16;                // CreateSession fails with kExhausted (503) past it
};

// Counters over the process lifetime (sessions add to them as they echo).
struct EchoTotals {
  std::atomic<uint64_t> sessions_created{0}, sessions_removed{0};
  std::atomic<uint64_t> messages{0}, message_bytes{0};
  std::atomic<uint64_t> rtp_audio{0}, rtp_video{0}, rtp_send_errors{0};
  std::atomic<uint64_t> keyframe_requests{0}, nacks{0};
};

class EchoService final : public WhipBackend {
 public:
  static constexpr size_t kMaxBacklogBytes = 64 << 20;
  static constexpr std::chrono::seconds kConnectTimeout{30};

  EchoService(sluice::EventLoop& loop, const EchoServiceOptions& options);
  ~EchoService() override;  // CloseAll()

  sluice::Result<Created> CreateSession(std::string_view offer_sdp) override;
  bool DeleteSession(std::string_view resource_id) override;
  std::string StatsJson() const override;
  std::string_view IndexHtml() const override;

  // Closes and removes sessions that failed, closed or never connected. Returns how many.
  size_t Reap();
  // Blocks up to `timeout` or until a session changes state (a reason to Reap).
  void WaitForWork(std::chrono::milliseconds timeout);
  void CloseAll();
  size_t session_count() const;

  struct Session;  // echo_service.cc

 private:
  void Wake();

  sluice::EventLoop& loop_;
  EchoServiceOptions options_;
  EchoTotals totals_;
  mutable std::mutex mu_;
  std::condition_variable work_;
  bool work_pending_ = false;
  size_t reserved_ = 0;  // sessions being created (counted against max_sessions)
  std::map<std::string, std::shared_ptr<Session>, std::less<>> sessions_;
};

}  // namespace echo_peer
