// PcPair: two sans-IO PeerConnectionCores, A (offerer) and Z (answerer), wired by two
// SimulatedLinks and stepped in simulated time ("exchange datagrams and advance time", as
// dcSCTP's socket tests and str0m's integration tests do). Signalling is non-trickle: the offer
// and answer carry every candidate, as WHIP does.
//
//   sluice::test::PcPair pair;                      // default links: 1 ms each way, no loss
//   pair.a().CreateDataChannel(pair.now(), "chat");  // before Negotiate: adds the m-line
//   ASSERT_TRUE(pair.Connect());                     // offer/answer, run until both connected
//   pair.RunUntil([&] { return pair.log_z().messages.size() == 1; }, seconds(1));
//
// Every event is recorded in a PeerLog (copies of the bytes), and `on_event` sees it first, on
// the core that produced it (e.g. to echo), so tests check outcomes, not call sequences.
// Test support: allocates freely.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/time.h"
#include "pc/peer_connection_core.h"
#include "support/fake_clock.h"
#include "support/simulated_link.h"

namespace sluice::test {

struct ReceivedMessage {
  pc::ChannelId channel = 0;
  bool is_binary = true;
  std::vector<uint8_t> data;
};

struct ReceivedRtp {
  pc::TrackId track = 0;
  std::vector<uint8_t> packet;
};

struct ReceivedNack {
  pc::TrackId track = 0;
  std::vector<uint16_t> sequence_numbers;
};

struct PeerLog {
  std::vector<IceCandidateInit> local_candidates;
  std::vector<PeerConnectionState> connection_states;
  std::vector<IceConnectionState> ice_states;
  std::vector<pc::ChannelId> remote_channels;  // kDataChannel
  std::vector<pc::ChannelId> opened_channels;  // kChannelOpen
  std::vector<pc::ChannelId> closed_channels;
  std::vector<pc::ChannelId> buffered_amount_low;
  std::vector<ReceivedMessage> messages;
  std::vector<pc::TrackId> remote_tracks;  // kTrack
  std::vector<pc::TrackId> open_tracks;    // kTrackOpen
  std::vector<ReceivedRtp> rtp;
  std::vector<pc::TrackId> key_frame_requests;
  std::vector<ReceivedNack> nacks;
  std::vector<Error> errors;
  std::optional<Instant> connected_at;
};

struct PcPairOptions {
  SimulatedLinkOptions link = {.delay = milliseconds(1)};  // each direction (seeds derived)
  Configuration a_config;
  Configuration z_config;
  uint64_t seed = 7;
};

enum class Side : uint8_t { kA, kZ };

class PcPair {
 public:
  explicit PcPair(const PcPairOptions& options = {});
  ~PcPair();

  pc::PeerConnectionCore& a() { return *a_; }
  pc::PeerConnectionCore& z() { return *z_; }
  pc::PeerConnectionCore& core(Side s) { return s == Side::kA ? *a_ : *z_; }
  PeerLog& log_a() { return log_a_; }
  PeerLog& log_z() { return log_z_; }
  PeerLog& log(Side s) { return s == Side::kA ? log_a_ : log_z_; }
  Instant now() const { return clock_.now(); }
  FakeClock& clock() { return clock_; }
  SimulatedLink& az() { return *az_; }
  SimulatedLink& za() { return *za_; }
  const StunAddress& address(Side s) const { return s == Side::kA ? a_address_ : z_address_; }

  // A: CreateOffer + SetLocalDescription; Z: SetRemoteDescription + SetLocalDescription (answer);
  // A: SetRemoteDescription. The SDP texts are kept in offer_sdp() / answer_sdp().
  Result<void> Negotiate();
  // Negotiate, then run until both report kConnected (or `limit` passes).
  bool Connect(Duration limit = seconds(10));
  // Simulated time from the start of Negotiate to both connected.
  Duration connect_time() const;
  const std::string& offer_sdp() const { return offer_sdp_; }
  const std::string& answer_sdp() const { return answer_sdp_; }

  // Steps both cores and links until done() or `limit` has passed.
  bool RunUntil(const std::function<bool()>& done, Duration limit);
  void RunFor(Duration d) { RunUntil([] { return false; }, d); }
  // Drains both cores' transmits and events (call after driving a core directly).
  void Flush();

  // Runs between Z's SetRemoteDescription(offer) and its answer (e.g. to AddTrack on Z).
  std::function<void()> before_answer;
  // Sees each event before it is logged, on the side that produced it.
  std::function<void(Side, const pc::Event&)> on_event;

 private:
  void FlushSide(Side s);
  void Record(Side s, const pc::Event& e);

  FakeClock clock_;
  StunAddress a_address_, z_address_;
  std::unique_ptr<pc::PeerConnectionCore> a_, z_;
  std::unique_ptr<SimulatedLink> az_, za_;
  PeerLog log_a_, log_z_;
  Instant negotiate_started_{};
  std::string offer_sdp_, answer_sdp_;
};

}  // namespace sluice::test
