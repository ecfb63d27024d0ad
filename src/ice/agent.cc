// ICE agent: construction, candidates, credentials and the receive path (RFC 8445 §7.2.5,
// §7.3). The check list, transactions, nomination and consent live in agent_checks.cc.
#include "ice/agent.h"

#include <algorithm>

#include "stun/stun_ice.h"

namespace sluice::ice {
namespace {

constexpr char kIceChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool IsIceString(std::string_view s, size_t min, size_t max) {
  if (s.size() < min || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::string_view(kIceChars, 64).find(c) != std::string_view::npos;
  });
}

std::string RandomIceString(size_t n, Random& fallback) {
  std::vector<uint8_t> bytes(n);
  // Secrets come from the CSPRNG; the seeded generator is only a fallback if OpenSSL fails.
  if (!SecureRandomBytes(bytes)) fallback.Fill(bytes);
  std::string s(n, 'A');
  for (size_t i = 0; i < n; ++i) s[i] = kIceChars[bytes[i] & 63];
  return s;
}

}  // namespace

const char* ToString(ConnectionState state) {
  switch (state) {
    case ConnectionState::kNew: return "new";
    case ConnectionState::kChecking: return "checking";
    case ConnectionState::kConnected: return "connected";
    case ConnectionState::kCompleted: return "completed";
    case ConnectionState::kDisconnected: return "disconnected";
    case ConnectionState::kFailed: return "failed";
  }
  return "new";
}

const char* ToString(Role role) {
  return role == Role::kControlling ? "controlling" : "controlled";
}

namespace {
uint64_t SeedFrom(uint64_t configured) {
  if (configured != 0) return configured;
  uint8_t bytes[8];
  uint64_t seed = 0x9e3779b97f4a7c15ULL;
  if (SecureRandomBytes(bytes)) {
    for (uint8_t b : bytes) seed = (seed << 8) | b;
  }
  return seed;
}
}  // namespace

Result<void> Agent::ValidateConfig(const AgentConfig& config) {
  if (!config.local_ufrag.empty() && !IsIceString(config.local_ufrag, 4, 256)) {
    return MakeError(ErrorCode::kInvalidArgument, "local_ufrag must be 4-256 ice-chars (or empty to generate)");
  }
  if (!config.local_pwd.empty() && !IsIceString(config.local_pwd, 22, 256)) {
    return MakeError(ErrorCode::kInvalidArgument, "local_pwd must be 22-256 ice-chars (or empty to generate)");
  }
  if (config.ta < milliseconds(1)) return MakeError(ErrorCode::kInvalidArgument, "ta must be at least 1 ms");
  if (config.min_rto <= Duration::zero() || config.max_rto < config.min_rto) {
    return MakeError(ErrorCode::kInvalidArgument, "need 0 < min_rto <= max_rto");
  }
  if (config.max_transmissions < 1) return MakeError(ErrorCode::kInvalidArgument, "max_transmissions must be >= 1");
  return Ok();
}

Agent::Agent(const AgentConfig& config)
    : config_(config),
      random_(SeedFrom(config.seed)),
      role_(config.lite ? Role::kControlled : config.role),
      consent_(config.consent, config.lite) {
  // RFC 8445 §5.3: the ufrag carries at least 24 bits and the pwd at least 128 bits of
  // randomness; RFC 8839 §5.4: ufrag 4-256 and pwd 22-256 ice-chars (6 bits each).
  local_ufrag_ = IsIceString(config.local_ufrag, 4, 256) ? config.local_ufrag
                                                          : RandomIceString(8, random_);
  local_pwd_ = IsIceString(config.local_pwd, 22, 256) ? config.local_pwd
                                                       : RandomIceString(24, random_);
  // §7.3.1.1 tie-breaker: a 64-bit random number chosen once.
  tie_breaker_ = random_.NextU64();
  local_key_ = StunIntegrityKey::ShortTerm(local_pwd_);
  if (config_.ta <= Duration::zero()) config_.ta = milliseconds(1);
  if (config_.min_rto <= Duration::zero()) config_.min_rto = milliseconds(1);
  if (config_.max_rto < config_.min_rto) config_.max_rto = config_.min_rto;
  if (config_.max_transmissions < 1) config_.max_transmissions = 1;
}

std::optional<SelectedPair> Agent::selected_pair() const {
  if (!selected_) return std::nullopt;
  const Pair& p = pairs_[*selected_];
  return SelectedPair{local_[p.local].candidate, remote_[p.remote], local_[p.local].base};
}

Result<Candidate> Agent::AddHostCandidate(const TransportAddress& address) {
  if (FindLocalBase(address)) return MakeError(ErrorCode::kInvalidArgument, "host candidate added twice");
  if (address.port() == 0) return MakeError(ErrorCode::kInvalidArgument, "host candidate needs a bound port");
  uint32_t same_family = 0;
  for (const auto& l : local_) {
    if (l.candidate.type == CandidateType::kHost && l.candidate.address.family() == address.family()) {
      ++same_family;
    }
  }
  LocalCandidate l;
  l.candidate.type = CandidateType::kHost;
  l.candidate.address = address;
  l.candidate.priority =
      ComputePriority(CandidateType::kHost, HostLocalPreference(address.family(), same_family));
  l.candidate.foundation = ComputeFoundation(CandidateType::kHost, address);
  l.base = address;
  l.gathering_done = !config_.stun_server || config_.stun_server->family() != address.family();
  local_.push_back(l);
  size_t index = local_.size() - 1;
  events_.push_back(Event{.type = EventType::kLocalCandidate, .candidate = l.candidate});
  for (size_t r = 0; r < remote_.size(); ++r) {
    if (remote_[r].address.family() == address.family()) AddPair(index, r, PairState::kWaiting);
  }
  if (started_ && !l.gathering_done) NewTransaction(TxKind::kGather, index);
  return l.candidate;
}

void Agent::Start(Instant now) {
  if (started_) return;
  started_ = true;
  now_ = now;
  next_check_at_ = now;
  for (size_t i = 0; i < local_.size(); ++i) {
    if (!local_[i].gathering_done) NewTransaction(TxKind::kGather, i);
  }
  MaybeGatheringComplete();
  if (state_ == ConnectionState::kNew && !config_.lite) SetState(ConnectionState::kChecking);
  Advance(now);  // the first gathering request and check go out now
}

Result<void> Agent::SetRemoteCredentials(std::string_view ufrag, std::string_view pwd) {
  // RFC 8839 §5.4: ice-ufrag 4-256 ice-chars, ice-pwd 22-256 ice-chars.
  if (!IsIceString(ufrag, 4, 256)) return MakeError(ErrorCode::kInvalidArgument, "remote ufrag must be 4-256 ice-chars");
  if (!IsIceString(pwd, 22, 256)) return MakeError(ErrorCode::kInvalidArgument, "remote pwd must be 22-256 ice-chars");
  if (!remote_ufrag_.empty()) {
    if (ufrag == remote_ufrag_ && pwd == remote_pwd_) return Ok();
    return MakeError(ErrorCode::kUnsupported, "ICE restart (new remote credentials) is not supported");
  }
  remote_ufrag_ = std::string(ufrag);
  remote_pwd_ = std::string(pwd);
  remote_key_ = StunIntegrityKey::ShortTerm(remote_pwd_);
  // Our requests carry USERNAME "RFRAG:LFRAG" (RFC 8445 §7.2.2).
  username_out_ = remote_ufrag_ + ":" + local_ufrag_;
  // §7.3: requests that arrived before the credentials were answered at once; now they create
  // their peer-reflexive candidates and triggered checks.
  std::vector<EarlyRequest> early;
  early.swap(early_);
  for (const auto& e : early) {
    if (e.remote_ufrag != remote_ufrag_) {
      ++stats_.unknown_username;
      continue;
    }
    if (auto l = FindLocalBase(e.local)) ProcessCheckRequest(now_, *l, e.remote, e.priority, e.use_candidate);
  }
  return Ok();
}

void Agent::SetRemoteLite(bool remote_lite) {
  remote_lite_ = remote_lite;
  // §6.1.1: with a full and a lite agent, the full agent takes the controlling role.
  if (remote_lite && !config_.lite && role_ != Role::kControlling) SetRole(Role::kControlling);
}

Result<void> Agent::AddRemoteCandidate(const Candidate& c) {
  if (c.component != 1) return MakeError(ErrorCode::kUnsupported, "only component 1 (rtcp-mux) is supported");
  if (c.address.port() == 0) return MakeError(ErrorCode::kInvalidArgument, "remote candidate has port 0");
  if (remote_end_of_candidates_) {
    return MakeError(ErrorCode::kInvalidState, "remote candidate after end-of-candidates");
  }
  if (auto existing = FindRemote(c.address)) {
    Candidate& e = remote_[*existing];
    // A peer-reflexive candidate that is later signalled takes the signalled type and
    // foundation (RFC 8445 §7.3.1.3 note); its priority stays what the check announced.
    if (e.type == CandidateType::kPeerReflexive && c.type != CandidateType::kPeerReflexive) {
      e.type = c.type;
      e.foundation = c.foundation;
      e.related = c.related;
    }
    return Ok();
  }
  if (remote_.size() >= kMaxRemoteCandidates) return MakeError(ErrorCode::kExhausted, "too many remote candidates");
  remote_.push_back(c);
  size_t r = remote_.size() - 1;
  for (size_t l = 0; l < local_.size(); ++l) {
    if (local_[l].candidate.type == CandidateType::kHost && local_[l].base.family() == c.address.family()) {
      AddPair(l, r, PairState::kWaiting);
    }
  }
  return Ok();
}

void Agent::SetRemoteEndOfCandidates() {
  remote_end_of_candidates_ = true;
  UpdateState(now_);
}

void Agent::HandleReceive(Instant now, const TransportAddress& local, const TransportAddress& remote,
                          std::span<const uint8_t> datagram) {
  if (now > now_) now_ = now;
  if (state_ == ConnectionState::kFailed) return;
  auto parsed = StunMessageView::Parse(datagram);
  if (!parsed || parsed->method() != StunMethod::kBinding) {
    ++stats_.malformed;
    return;
  }
  const StunMessageView& msg = *parsed;
  // RFC 8489 §14.7: a FINGERPRINT that does not match means the packet is not STUN (or was
  // damaged): always a drop. Whether one is required depends on the message (below).
  if (msg.has_fingerprint() && !VerifyFingerprint(msg)) {
    ++stats_.bad_fingerprint;
    return;
  }
  switch (msg.message_class()) {
    case StunClass::kRequest:
      ++stats_.requests_received;
      HandleRequest(now, local, remote, msg);
      break;
    case StunClass::kSuccessResponse:
    case StunClass::kErrorResponse:
      ++stats_.responses_received;
      HandleResponse(now, local, remote, msg);
      break;
    case StunClass::kIndication:
      break;  // Binding indications are keepalives (RFC 8445 §11): nothing to do
  }
  // Triggered checks and nominations go out now if pacing allows, not at the next tick.
  Advance(now);
}

void Agent::HandleRequest(Instant now, const TransportAddress& local, const TransportAddress& remote,
                          const StunMessageView& msg) {
  // RFC 8445 §7: every ICE STUN message carries FINGERPRINT; RFC 8489 §9.1.3: a request without
  // USERNAME or MESSAGE-INTEGRITY, or with a USERNAME that is not ours, is rejected. ICE answers
  // nothing to such packets: they are counted drops.
  if (!msg.has_fingerprint()) {
    ++stats_.bad_fingerprint;
    return;
  }
  std::optional<std::string_view> username = msg.username();
  if (!username) {
    ++stats_.unknown_username;
    return;
  }
  // §7.3: the USERNAME is "LFRAG:RFRAG" from our point of view.
  size_t colon = username->find(':');
  if (colon == std::string_view::npos || username->substr(0, colon) != local_ufrag_) {
    ++stats_.unknown_username;
    return;
  }
  std::string_view their_ufrag = username->substr(colon + 1);
  if (!VerifyMessageIntegrity(msg, *local_key_)) {
    ++stats_.bad_integrity;
    return;
  }
  if (!remote_ufrag_.empty() && their_ufrag != remote_ufrag_) {
    ++stats_.unknown_username;
    return;
  }
  auto local_index = FindLocalBase(local);
  if (!local_index) {
    ++stats_.unknown_local_address;
    return;
  }
  // RFC 8489 §6.3.1.1: "If the request contains one or more unknown comprehension-required
  // attributes, the server replies with an error response with an error code of 420".
  if (!msg.unknown_comprehension_required().empty()) {
    ++stats_.unknown_attributes;
    SendResponse(local, remote, msg.transaction_id(), kStunErrorUnknownAttribute,
                 msg.unknown_comprehension_required());
    return;
  }
  // §7.3: checks carry PRIORITY; a request without it is a 400 (Bad Request).
  std::optional<uint32_t> priority = msg.priority();
  if (!priority) {
    SendResponse(local, remote, msg.transaction_id(), kStunErrorBadRequest);
    return;
  }
  std::optional<uint64_t> their_controlling = msg.ice_controlling();
  std::optional<uint64_t> their_controlled = msg.ice_controlled();

  // §7.3.1.1 role conflict (a lite agent is always controlled and never detects conflicts).
  if (!config_.lite) {
    if (role_ == Role::kControlling && their_controlling) {
      ++stats_.role_conflicts;
      // "If the agent's tiebreaker value is larger than or equal to the contents of the
      // ICE-CONTROLLING attribute, the agent generates a Binding error response and includes an
      // ERROR-CODE attribute with a value of 487 (Role Conflict)". Otherwise it switches role.
      if (tie_breaker_ >= *their_controlling) {
        SendResponse(local, remote, msg.transaction_id(), kStunErrorRoleConflict);
        return;
      }
      SetRole(Role::kControlled);
    } else if (role_ == Role::kControlled && their_controlled) {
      ++stats_.role_conflicts;
      // "If the agent's tiebreaker value is larger than or equal to the contents of the
      // ICE-CONTROLLED attribute, the agent switches to the controlling role." Otherwise 487.
      if (tie_breaker_ >= *their_controlled) {
        SetRole(Role::kControlling);
      } else {
        SendResponse(local, remote, msg.transaction_id(), kStunErrorRoleConflict);
        return;
      }
    }
  }

  // §7.3.1.2: a success response with XOR-MAPPED-ADDRESS = the request's source, sent at once.
  SendResponse(local, remote, msg.transaction_id(), std::nullopt);

  if (remote_ufrag_.empty()) {
    // §7.3: credentials not known yet: answered above; remembered for the prflx candidate and
    // triggered check once SetRemoteCredentials arrives.
    if (early_.size() < kMaxEarlyRequests) {
      early_.push_back(EarlyRequest{local, remote, std::string(their_ufrag), *priority,
                                    msg.use_candidate()});
    }
    return;
  }
  ProcessCheckRequest(now, *local_index, remote, *priority, msg.use_candidate());
}

void Agent::ProcessCheckRequest(Instant now, size_t local, const TransportAddress& remote,
                                uint32_t priority, bool use_candidate) {
  // §7.3.1.3: an unknown source address is a peer-reflexive remote candidate whose priority is
  // the request's PRIORITY.
  auto r = FindRemote(remote);
  if (!r) {
    if (remote_.size() >= kMaxRemoteCandidates) return;
    Candidate c;
    c.type = CandidateType::kPeerReflexive;
    c.address = remote;
    c.priority = priority;
    c.foundation = ComputeFoundation(CandidateType::kPeerReflexive, remote);
    remote_.push_back(c);
    r = remote_.size() - 1;
  }
  std::optional<size_t> found = FindPair(local, *r);
  if (!found) found = AddPair(local, *r, PairState::kWaiting);
  if (!found) return;  // check list full
  size_t p = *found;
  Pair& pair = pairs_[p];
  if (config_.lite) {
    // §7.3.1.5 (lite): a USE-CANDIDATE request nominates the pair it arrived on; a lite agent
    // has no checks of its own, so the pair is valid as soon as it is answered.
    if (pair.state != PairState::kSucceeded) pair.state = PairState::kSucceeded;
    if (selected_ && *selected_ == p) consent_.OnProofOfLife(now);
    if (use_candidate) {
      pair.nominated = true;
      if (!selected_ || pairs_[*selected_].priority < pair.priority) Select(now, p);
    }
    return;
  }
  // §7.3.1.4 triggered checks.
  bool queued = std::any_of(triggered_.begin(), triggered_.end(),
                            [p](const Triggered& t) { return t.pair == p; });
  switch (pair.state) {
    case PairState::kSucceeded:
      break;  // §7.3.1.4: a Succeeded pair needs no new check
    case PairState::kInProgress:
    case PairState::kFrozen:
    case PairState::kWaiting:
    case PairState::kFailed:
      if (!queued && (!selected_ || pair.priority >= pairs_[*selected_].priority || selected_ == p)) {
        // "If the state of that pair is In-Progress, the agent cancels the In-Progress
        // transaction ... In addition, the agent MUST enqueue the pair in the triggered
        // checklist ... and set the state of the pair to Waiting". The new check goes out
        // at once (RunChecks); the cancelled one may still be answered.
        if (pair.state == PairState::kInProgress) {
          for (Transaction& tx : LiveSlots()) {
            if (tx.in_use && tx.kind == TxKind::kCheck && tx.index == p && !tx.use_candidate &&
                !tx.cancelled) {
              tx.cancelled = true;
              // It stays matchable until it would have timed out after its last transmission.
              Duration rto = tx.rto;
              for (int n = tx.transmissions; n < config_.max_transmissions; ++n) {
                rto = std::min(rto * 2, config_.max_rto);
                tx.next_send += rto;
              }
            }
          }
        }
        pair.state = PairState::kWaiting;
        triggered_.push_back(Triggered{p, false});
      } else if (pair.state != PairState::kInProgress) {
        pair.state = PairState::kWaiting;
      }
      break;
  }
  // §7.3.1.5: the controlled agent takes USE-CANDIDATE as the nomination once the pair is valid.
  if (use_candidate && role_ == Role::kControlled) {
    if (pair.state == PairState::kSucceeded) {
      pair.nominated = true;
      if (!selected_ || pairs_[*selected_].priority <= pair.priority) Select(now, p);
    } else {
      pair.nominate_on_success = true;
    }
  }
}

void Agent::HandleResponse(Instant now, const TransportAddress& local, const TransportAddress& remote,
                           const StunMessageView& msg) {
  Transaction* tx = FindTransaction(msg.transaction_id());
  if (!tx) {
    ++stats_.unmatched_responses;
    return;
  }
  if (tx->kind == TxKind::kGather) {
    HandleGatherResponse(*tx, remote, msg);
    return;
  }
  if (!msg.has_fingerprint()) {
    ++stats_.bad_fingerprint;
    return;
  }
  // §7.2.5: responses are authenticated with the password we used on the request (the peer's).
  if (!remote_key_ || !VerifyMessageIntegrity(msg, *remote_key_)) {
    ++stats_.bad_integrity;
    return;
  }
  Transaction done = *tx;
  tx->in_use = false;
  Pair& pair = pairs_[done.index];
  if (done.transmissions == 1 && msg.message_class() == StunClass::kSuccessResponse &&
      selected_ && *selected_ == done.index && now >= done.first_sent) {
    stats_.selected_pair_rtt = now - done.first_sent;
  }
  // §7.2.5.2.1: "The ICE agent MUST check that the source and destination transport addresses
  // in the Binding request and response are symmetric"; otherwise the check fails.
  bool symmetric = remote == remote_[pair.remote].address && local == local_[pair.local].base;
  if (done.kind == TxKind::kConsent) {
    if (symmetric && msg.message_class() == StunClass::kSuccessResponse && selected_ && *selected_ == done.index) {
      consent_.OnProofOfLife(now);
    }
    return;
  }
  if (!symmetric) {
    OnCheckFailure(done.index);
    return;
  }
  if (msg.message_class() == StunClass::kErrorResponse) {
    std::optional<StunErrorCode> error = msg.error_code();
    if (error && error->code == kStunErrorRoleConflict) {
      ++stats_.role_conflicts;
      // §7.2.5.1: switch to the role opposite the one the request announced, then "The agent
      // MUST enqueue the candidate pair whose check generated the 487 into the triggered-check
      // queue. The state of that pair is set to Waiting."
      Role wanted = done.role == Role::kControlling ? Role::kControlled : Role::kControlling;
      if (role_ != wanted) SetRole(wanted);
      if (pair.state != PairState::kSucceeded) pair.state = PairState::kWaiting;
      if (nominating_ && *nominating_ == done.index) nominating_.reset();
      triggered_.push_back(Triggered{done.index, false});
    } else {
      // §7.2.5.2.4: any other error is an unrecoverable failure of the check.
      if (!LiveCheckOnPair(done.index, nullptr)) OnCheckFailure(done.index);
    }
    return;
  }
  OnCheckSuccess(now, done);
}

void Agent::HandleGatherResponse(Transaction& tx, const TransportAddress& remote,
                                 const StunMessageView& msg) {
  if (!config_.stun_server || remote != *config_.stun_server) {
    ++stats_.unmatched_responses;
    return;
  }
  size_t index = tx.index;
  tx.in_use = false;
  local_[index].gathering_done = true;
  // RFC 8489 §14.2: XOR-MAPPED-ADDRESS; very old servers only send MAPPED-ADDRESS.
  std::optional<StunAddress> mapped = msg.xor_mapped_address();
  if (!mapped) mapped = msg.mapped_address();
  if (msg.message_class() == StunClass::kSuccessResponse && mapped &&
      mapped->family() == local_[index].base.family() && *mapped != local_[index].base) {
    // §5.1.1.2: the mapped address is a server-reflexive candidate whose base is the host
    // candidate; §5.1.3 drops it if it equals another local candidate.
    bool duplicate = std::any_of(local_.begin(), local_.end(), [&](const LocalCandidate& l) {
      return l.candidate.address == *mapped;
    });
    if (!duplicate) {
      LocalCandidate s;
      s.candidate.type = CandidateType::kServerReflexive;
      s.candidate.address = *mapped;
      s.candidate.related = local_[index].base;
      s.candidate.priority = ComputePriority(CandidateType::kServerReflexive,
                                             local_[index].candidate.local_preference());
      s.candidate.foundation =
          ComputeFoundation(CandidateType::kServerReflexive, local_[index].base, config_.stun_server);
      s.base = local_[index].base;
      s.gathering_done = true;
      local_.push_back(s);
      // §6.1.2.4: a server-reflexive local candidate is replaced by its base in the check list,
      // so it forms no pairs of its own; it is only signalled.
      events_.push_back(Event{.type = EventType::kLocalCandidate, .candidate = s.candidate});
    }
  }
  MaybeGatheringComplete();
}

void Agent::SendResponse(const TransportAddress& local, const TransportAddress& remote,
                         const StunTransactionId& id, std::optional<uint16_t> error,
                         std::span<const uint16_t> unknown) {
  TransmitQueue::Slot* slot = transmit_.Back();
  if (!slot) {
    ++stats_.transmit_queue_full;
    return;
  }
  // §7.3.1.2 / RFC 8489 §9.1.3: the response is keyed by the same (our) password and carries
  // XOR-MAPPED-ADDRESS = the request's source.
  Result<size_t> n = error ? BuildIceBindingError(id, *error, &*local_key_, slot->bytes, unknown)
                           : BuildIceBindingSuccess(id, remote, *local_key_, slot->bytes);
  if (n) ++stats_.responses_sent;
  Enqueue(local, remote, n, slot);
}

void Agent::Enqueue(const TransportAddress& local, const TransportAddress& remote,
                    const Result<size_t>& written, TransmitQueue::Slot* slot) {
  if (!written) return;
  slot->local = local;
  slot->remote = remote;
  slot->size = *written;
  transmit_.Push();
}

std::optional<Transmit> Agent::PollTransmit() {
  const TransmitQueue::Slot* s = transmit_.Pop();
  if (!s) return std::nullopt;
  return Transmit{s->local, s->remote, std::span<const uint8_t>(s->bytes.data(), s->size)};
}

std::optional<Event> Agent::PollEvent() {
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::optional<size_t> Agent::FindLocalBase(const TransportAddress& address) const {
  for (size_t i = 0; i < local_.size(); ++i) {
    if (local_[i].candidate.type == CandidateType::kHost && local_[i].base == address) return i;
  }
  return std::nullopt;
}

std::optional<size_t> Agent::FindRemote(const TransportAddress& address) const {
  for (size_t i = 0; i < remote_.size(); ++i) {
    if (remote_[i].address == address) return i;
  }
  return std::nullopt;
}

std::optional<size_t> Agent::FindPair(size_t local, size_t remote) const {
  for (size_t i = 0; i < pairs_.size(); ++i) {
    if (pairs_[i].local == local && pairs_[i].remote == remote) return i;
  }
  return std::nullopt;
}

}  // namespace sluice::ice
