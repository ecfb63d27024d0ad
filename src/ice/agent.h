// The ICE agent: RFC 8445 (full and lite), RFC 7675 consent freshness, trickle candidates.
//
// Sans-IO (DESIGN.md §3): the agent never reads a clock or touches a socket. The caller hands in
// STUN datagrams with HandleReceive, calls HandleTimeout at PollTimeout(), and drains
// PollTransmit() (datagrams to send, each with the local socket address to send from) and
// PollEvent() (state changes, selected pair, local candidates) after every call. Calls that take
// no `now` (AddRemoteCandidate, SetRemoteCredentials, ...) send nothing themselves: they move
// PollTimeout() so that the caller's next HandleTimeout does the work.
//
// Scope: one data stream, one component (rtcp-mux / bundle), UDP. Host candidates come from the
// caller (IPv4 and IPv6); server-reflexive ones from one configured STUN server. No TURN.
//
// Use (the event loop side; see tests/unit/ice/ice_harness.h for a complete driver):
//
//   ice::Agent agent({.role = ice::Role::kControlling});
//   agent.AddHostCandidate(*ice::ParseIp("192.0.2.1", 50000));       // each bound socket
//   agent.SetRemoteCredentials(ufrag, pwd);                          // from the answer
//   agent.AddRemoteCandidate(*ice::Candidate::FromSdpString(line));   // trickled, any time
//   agent.Start(now);
//   on datagram (first byte 0-3):  agent.HandleReceive(now, socket_addr, peer_addr, bytes);
//   on timer:                      agent.HandleTimeout(now);
//   after either:  while (auto t = agent.PollTransmit()) send(t->local, t->remote, t->data);
//                  while (auto e = agent.PollEvent()) ...;  timer = agent.PollTimeout();
//
// Thread rules: not thread-safe; call every method from one thread (the event loop's). Nothing
// here calls back into the caller.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/time.h"
#include "ice/candidate.h"
#include "ice/consent.h"
#include "ice/transmit_queue.h"
#include "ice/transport_address.h"
#include "sluice/result.h"
#include "stun/stun_integrity.h"
#include "stun/stun_message.h"
#include "stun/stun_types.h"

namespace sluice::ice {

enum class Role : uint8_t { kControlling, kControlled };

// The ICE connection state as browsers report it (RTCIceConnectionState).
enum class ConnectionState : uint8_t {
  kNew,           // no checks yet
  kChecking,      // checks are running, nothing selected
  kConnected,     // a nominated pair is selected and consent is fresh
  kCompleted,     // connected, checks finished and the peer signalled end-of-candidates
  kDisconnected,  // consent checks on the selected pair go unanswered (may recover)
  kFailed,        // terminal: every pair failed, or consent expired; see failure_reason()
};
const char* ToString(ConnectionState state);
const char* ToString(Role role);

struct AgentConfig {
  bool lite = false;                   // ICE-lite (RFC 8445 §2.5): answers only, always controlled
  Role role = Role::kControlling;      // initial role; role conflicts may change it (§7.3.1.1)
  std::string local_ufrag;             // empty: 8 random ice-chars (RFC 8445 §5.3: >= 4)
  std::string local_pwd;               // empty: 24 random ice-chars (>= 22, 128 bits)
  // Seeds transaction ids, the tie-breaker and consent jitter. 0 (the default): seeded from
  // the CSPRNG (SecureRandomBytes); tests set a value to replay a run.
  uint64_t seed = 0;
  std::optional<TransportAddress> stun_server;  // server-reflexive gathering (RFC 8445 §5.1.1.2)
  Duration ta = milliseconds(50);      // pacing between new checks (§14.2); tests may use 5 ms
  Duration min_rto = milliseconds(500);  // §14.3: RTO = MAX(500ms, ...)
  Duration max_rto = seconds(3);       // retransmission back-off cap
  int max_transmissions = 7;           // RFC 8489 Rc: transmissions before a check fails
  // Regular nomination (§8.1.1): the controlling agent nominates the best valid pair once no
  // higher-priority pair is still pending, or this long after the first valid pair.
  Duration nomination_delay = milliseconds(200);
  ConsentConfig consent;               // RFC 7675 timers
  size_t max_pairs = 100;              // §6.1.2.5 check-list limit
};

// The pair ICE selected, for the caller's data path.
struct SelectedPair {
  Candidate local;   // the local candidate (host: its address is the socket to send from)
  Candidate remote;
  TransportAddress local_base;  // the socket address to send from
};

enum class EventType : uint8_t {
  kStateChanged,         // `state` (and `reason` for kFailed / kDisconnected)
  kSelectedPairChanged,  // `pair`
  kLocalCandidate,       // `candidate` (host when added, srflx when gathered): signal it
  kGatheringComplete,    // signal end-of-candidates
  kRoleChanged,          // `role` after a role conflict
  // `pair`: the first valid pair (a check of ours succeeded), before any pair is selected.
  // RFC 8445 §12.1: "An ICE agent MAY send data on any valid pair before selected pairs have
  // been produced": a DTLS client may start here instead of one nomination round trip later.
  kFirstValidPair,
};

struct Event {
  EventType type = EventType::kStateChanged;
  ConnectionState state = ConnectionState::kNew;
  const char* reason = "";  // static string
  Role role = Role::kControlling;
  std::optional<Candidate> candidate{};
  std::optional<SelectedPair> pair{};
};

// Counted drops and traffic (never state changes).
struct AgentStats {
  uint64_t requests_received = 0;
  uint64_t responses_received = 0;
  uint64_t checks_sent = 0;          // new connectivity-check transactions
  uint64_t retransmissions = 0;
  uint64_t responses_sent = 0;
  uint64_t consent_checks_sent = 0;
  uint64_t role_conflicts = 0;       // 487s sent or received
  uint64_t malformed = 0;            // not a parsable STUN Binding message
  uint64_t unknown_attributes = 0;   // authentic requests answered 420 (RFC 8489 §6.3.1.1)
  uint64_t bad_fingerprint = 0;      // FINGERPRINT missing (where required) or wrong
  uint64_t bad_integrity = 0;        // MESSAGE-INTEGRITY missing or wrong
  uint64_t unknown_username = 0;     // USERNAME missing or not ours
  uint64_t unknown_local_address = 0;
  uint64_t unmatched_responses = 0;  // no transaction with that id
  uint64_t transmit_queue_full = 0;
  // Round-trip time of the last check or consent check on the selected pair answered on its
  // first transmission (Karn: retransmitted ones are ambiguous); zero until one was measured.
  Duration selected_pair_rtt{};
  uint64_t dropped() const {
    return malformed + bad_fingerprint + bad_integrity + unknown_username + unknown_local_address +
           unmatched_responses;
  }
};

class Agent {
 public:
  // Rejects a config the constructor would have to repair: local ufrag/pwd that are set but not
  // 4-256 / 22-256 ice-chars, Ta under 1 ms, max_transmissions < 1. Call it before constructing
  // when the credentials come from the application.
  static Result<void> ValidateConfig(const AgentConfig& config);
  // Never fails: empty or invalid local credentials are generated (see ValidateConfig).
  explicit Agent(const AgentConfig& config);

  const std::string& local_ufrag() const { return local_ufrag_; }
  const std::string& local_pwd() const { return local_pwd_; }
  uint64_t tie_breaker() const { return tie_breaker_; }
  Role role() const { return role_; }
  bool lite() const { return config_.lite; }
  ConnectionState state() const { return state_; }
  const char* failure_reason() const { return failure_reason_; }
  const AgentStats& stats() const { return stats_; }
  std::optional<SelectedPair> selected_pair() const;
  const std::vector<Candidate>& remote_candidates() const { return remote_; }

  // Adds a host candidate (the address of a bound UDP socket). Emits kLocalCandidate and returns
  // the candidate with its priority (RFC 8445 §5.1.2, RFC 8421 local preference) and foundation.
  Result<Candidate> AddHostCandidate(const TransportAddress& address);
  // Starts server-reflexive gathering (if a STUN server is configured) and connectivity checks
  // (once remote credentials and candidates are known), sending the first requests at once.
  // Call once, after the host candidates.
  void Start(Instant now);

  // The peer's ufrag/pwd (from its SDP). Requests that arrived before are processed now.
  Result<void> SetRemoteCredentials(std::string_view ufrag, std::string_view pwd);
  // The peer is ICE-lite (a=ice-lite): we must be the controlling agent (RFC 8445 §6.1.1).
  void SetRemoteLite(bool remote_lite);
  // Trickle: remote candidates may be added at any time (RFC 8838).
  Result<void> AddRemoteCandidate(const Candidate& candidate);
  // The peer will send no more candidates: only now may the agent fail for lack of pairs.
  void SetRemoteEndOfCandidates();

  // A STUN datagram arrived on socket `local` (the exact address given to AddHostCandidate, not
  // a wildcard) from `remote`. Never fails: bad input is a counted drop (stats()); responses and
  // triggered checks are queued at once for PollTransmit.
  void HandleReceive(Instant now, const TransportAddress& local, const TransportAddress& remote,
                     std::span<const uint8_t> stun_datagram);
  void HandleTimeout(Instant now);
  // The next datagram to send; its bytes stay valid until the next call into the agent.
  std::optional<Transmit> PollTransmit();
  std::optional<Event> PollEvent();
  std::optional<Instant> PollTimeout() const;

 private:
  enum class PairState : uint8_t { kFrozen, kWaiting, kInProgress, kSucceeded, kFailed };
  struct LocalCandidate {
    Candidate candidate;
    TransportAddress base;
    bool gathering_done = false;
  };
  struct Pair {
    size_t local = 0;   // index into local_ (host candidates only: the pruned check list)
    size_t remote = 0;  // index into remote_
    uint64_t priority = 0;
    PairState state = PairState::kFrozen;
    bool nominated = false;
    bool nominate_on_success = false;  // controlled: USE-CANDIDATE seen before our check succeeded
  };
  enum class TxKind : uint8_t { kCheck, kConsent, kGather };
  struct Transaction {
    bool in_use = false;
    TxKind kind = TxKind::kCheck;
    StunTransactionId id{};
    size_t index = 0;  // pair (kCheck, kConsent) or local candidate (kGather)
    bool use_candidate = false;
    // §7.3.1.4: a triggered check replaced this one: no more retransmissions and no failure
    // when it goes unanswered, but a response still counts.
    bool cancelled = false;
    Role role = Role::kControlling;  // the role the request announced
    int transmissions = 0;
    Duration rto{};
    Instant next_send{};
    Instant first_sent{};
  };
  struct EarlyRequest {
    TransportAddress local;
    TransportAddress remote;
    std::string remote_ufrag;
    uint32_t priority = 0;
    bool use_candidate = false;
  };
  struct Triggered {
    size_t pair = 0;
    bool use_candidate = false;
  };
  static constexpr size_t kMaxTransactions = 64;
  static constexpr size_t kMaxEarlyRequests = 16;
  static constexpr size_t kMaxRemoteCandidates = 64;

  // agent.cc: receive path
  void HandleRequest(Instant now, const TransportAddress& local, const TransportAddress& remote,
                     const StunMessageView& msg);
  void HandleResponse(Instant now, const TransportAddress& local, const TransportAddress& remote,
                      const StunMessageView& msg);
  void HandleGatherResponse(Transaction& tx, const TransportAddress& remote, const StunMessageView& msg);
  void ProcessCheckRequest(Instant now, size_t local, const TransportAddress& remote,
                           uint32_t priority, bool use_candidate);
  void SendResponse(const TransportAddress& local, const TransportAddress& remote,
                    const StunTransactionId& id, std::optional<uint16_t> error,
                    std::span<const uint16_t> unknown = {});

  // agent_checks.cc: check list, transactions, nomination, consent, state
  void Advance(Instant now);
  std::optional<size_t> AddPair(size_t local, size_t remote, PairState state);
  void SortCheckList();
  uint64_t PairPriority(const Pair& p) const;
  void SetRole(Role role);
  void RunChecks(Instant now);
  bool HasCheckWork() const;
  std::optional<size_t> NextOrdinaryCheck() const;
  void StartCheck(Instant now, size_t pair, bool use_candidate);
  Transaction* NewTransaction(TxKind kind, size_t index);
  Transaction* FindTransaction(const StunTransactionId& id);
  bool LiveCheckOnPair(size_t pair, const Transaction* except) const;
  void SendRequest(Transaction& tx);
  void RunTransactions(Instant now);
  void OnCheckSuccess(Instant now, Transaction& tx);
  void OnCheckFailure(size_t pair);
  void MaybeNominate(Instant now);
  void Select(Instant now, size_t pair);
  void RunConsent(Instant now);
  void UpdateState(Instant now);
  bool Settled() const;
  void SetState(ConnectionState s, const char* reason = "");
  void MaybeGatheringComplete();
  void Enqueue(const TransportAddress& local, const TransportAddress& remote,
               const Result<size_t>& written, TransmitQueue::Slot* slot);
  std::optional<size_t> FindLocalBase(const TransportAddress& address) const;
  std::optional<size_t> FindRemote(const TransportAddress& address) const;
  std::optional<size_t> FindPair(size_t local, size_t remote) const;

  AgentConfig config_;
  Random random_;
  std::string local_ufrag_;
  std::string local_pwd_;
  std::string remote_ufrag_;
  std::string remote_pwd_;
  std::string username_out_;  // "remote:local", for our requests
  // HMAC keys with precomputed state: ours keys responses, the peer's keys our requests.
  std::optional<StunIntegrityKey> local_key_;
  std::optional<StunIntegrityKey> remote_key_;
  bool remote_lite_ = false;
  bool remote_end_of_candidates_ = false;
  uint64_t tie_breaker_ = 0;
  Role role_;
  bool started_ = false;
  bool gathering_complete_sent_ = false;
  Instant now_{};

  std::vector<LocalCandidate> local_;
  std::vector<Candidate> remote_;
  std::vector<Pair> pairs_;         // stable indices
  std::vector<size_t> check_list_;  // pair indices, highest priority first
  std::deque<Triggered> triggered_;
  std::vector<EarlyRequest> early_;
  std::array<Transaction, kMaxTransactions> transactions_{};
  size_t tx_limit_ = 0;  // every in-use slot has an index below this
  std::span<Transaction> LiveSlots() { return std::span(transactions_).first(tx_limit_); }
  std::span<const Transaction> LiveSlots() const {
    return std::span<const Transaction>(transactions_).first(tx_limit_);
  }
  Instant next_check_at_{};  // Ta pacing: no new check before this
  std::optional<Instant> first_valid_at_;
  std::optional<size_t> nominating_;
  std::optional<size_t> selected_;
  ConsentTracker consent_;

  ConnectionState state_ = ConnectionState::kNew;
  const char* failure_reason_ = "";
  TransmitQueue transmit_;
  std::deque<Event> events_;
  AgentStats stats_;
};

}  // namespace sluice::ice
