// ICE agent: the check list (RFC 8445 §6.1.2), scheduling and pacing (§6.1.4, §14), check
// transactions and their outcomes (§7.2.5), regular nomination (§8.1.1), consent (RFC 7675)
// and the connection state.
#include <algorithm>

#include "ice/agent.h"
#include "stun/stun_builder.h"
#include "stun/stun_ice.h"

namespace sluice::ice {

uint64_t Agent::PairPriority(const Pair& p) const {
  uint32_t local = local_[p.local].candidate.priority;
  uint32_t remote = remote_[p.remote].priority;
  return role_ == Role::kControlling ? CandidatePairPriority(local, remote)
                                     : CandidatePairPriority(remote, local);
}

void Agent::SortCheckList() {
  // §6.1.2.2: the check list is ordered by decreasing pair priority.
  std::stable_sort(check_list_.begin(), check_list_.end(),
                   [this](size_t a, size_t b) { return pairs_[a].priority > pairs_[b].priority; });
}

std::optional<size_t> Agent::AddPair(size_t local, size_t remote, PairState state) {
  // §6.1.2.5: the check list is bounded (max_pairs, 100 by default); a full list takes no more.
  if (pairs_.size() >= config_.max_pairs) return std::nullopt;
  Pair p;
  p.local = local;
  p.remote = remote;
  p.priority = PairPriority(p);
  // §6.1.2.6 frozen/waiting: one pair per foundation starts Waiting, the others wait Frozen
  // until a pair of their foundation succeeds (§7.2.5.3.3).
  if (state == PairState::kWaiting) {
    for (const Pair& o : pairs_) {
      bool same = local_[o.local].candidate.foundation == local_[local].candidate.foundation &&
                  remote_[o.remote].foundation == remote_[remote].foundation;
      if (same && (o.state == PairState::kWaiting || o.state == PairState::kInProgress)) {
        state = PairState::kFrozen;
        break;
      }
    }
  }
  p.state = state;
  pairs_.push_back(p);
  check_list_.push_back(pairs_.size() - 1);
  SortCheckList();
  return pairs_.size() - 1;
}

void Agent::SetRole(Role role) {
  if (role == role_) return;
  role_ = role;
  // §7.2.5.1: after a role switch the pair priorities are recomputed.
  for (Pair& p : pairs_) p.priority = PairPriority(p);
  SortCheckList();
  if (role_ == Role::kControlled) nominating_.reset();
  events_.push_back(Event{.type = EventType::kRoleChanged, .role = role_});
}

bool Agent::HasCheckWork() const {
  if (config_.lite || !started_ || remote_pwd_.empty() || state_ == ConnectionState::kFailed) {
    return false;
  }
  return !triggered_.empty() || NextOrdinaryCheck().has_value();
}

std::optional<size_t> Agent::NextOrdinaryCheck() const {
  // Once a pair is selected the controlling agent is done (§8.1.2) and the controlled agent only
  // answers; both only run triggered checks from then on.
  if (selected_) return std::nullopt;
  // §6.1.4.2: the highest-priority Waiting pair; if none, the highest-priority Frozen pair whose
  // foundation has no Waiting or In-Progress pair.
  for (size_t i : check_list_) {
    if (pairs_[i].state == PairState::kWaiting) return i;
  }
  for (size_t i : check_list_) {
    const Pair& p = pairs_[i];
    if (p.state != PairState::kFrozen) continue;
    bool blocked = std::any_of(pairs_.begin(), pairs_.end(), [&](const Pair& o) {
      return (o.state == PairState::kWaiting || o.state == PairState::kInProgress) &&
             local_[o.local].candidate.foundation == local_[p.local].candidate.foundation &&
             remote_[o.remote].foundation == remote_[p.remote].foundation;
    });
    if (!blocked) return i;
  }
  return std::nullopt;
}

void Agent::RunChecks(Instant now) {
  if (!HasCheckWork()) return;
  // §7.3.1.4 triggered checks (a check that answers the peer's, a retry after a 487, and the
  // controlling agent's USE-CANDIDATE check) go out at once, ahead of the paced list: waiting
  // up to Ta for the pacer would cost every connection at least one Ta (50 ms) on links whose
  // round trip is a millisecond. Their number is bounded by the check list (one queue entry
  // per pair), and each one answers an authenticated request of the peer, a 487 or a success
  // of ours; a pair that succeeded triggers nothing more, so the exchange ends within a round
  // trip or two of the first answer getting through.
  while (!triggered_.empty()) {
    Triggered t = triggered_.front();
    triggered_.pop_front();
    if (pairs_[t.pair].state == PairState::kSucceeded && !t.use_candidate) continue;
    StartCheck(now, t.pair, t.use_candidate);
  }
  // §14.2 pacing for the ordinary checks: one new check every Ta. The first one of a fresh
  // check list goes at once (next_check_at_ starts at Start's now).
  if (now < next_check_at_) return;
  if (auto p = NextOrdinaryCheck()) {
    next_check_at_ = now + config_.ta;
    StartCheck(now, *p, false);
  }
}

void Agent::StartCheck(Instant now, size_t pair, bool use_candidate) {
  Transaction* tx = NewTransaction(TxKind::kCheck, pair);
  if (!tx) return;
  tx->use_candidate = use_candidate;
  tx->role = role_;
  Pair& p = pairs_[pair];
  if (p.state != PairState::kSucceeded) p.state = PairState::kInProgress;
  // §14.3: RTO = MAX(500ms, N * (Ta * (Num-Waiting + Num-In-Progress))).
  int64_t active = std::count_if(pairs_.begin(), pairs_.end(), [](const Pair& q) {
    return q.state == PairState::kWaiting || q.state == PairState::kInProgress;
  });
  tx->rto = std::max(config_.min_rto, config_.ta * active);
  SendRequest(*tx);
  tx->first_sent = now;
  tx->next_send = now + tx->rto;
  ++stats_.checks_sent;
}

Agent::Transaction* Agent::NewTransaction(TxKind kind, size_t index) {
  for (size_t i = 0; i < transactions_.size(); ++i) {
    Transaction& tx = transactions_[i];
    if (tx.in_use) continue;
    // Slots are taken lowest first, so the live ones sit below tx_limit_ and every scan stops
    // there (a handful in steady state instead of kMaxTransactions).
    if (i + 1 > tx_limit_) tx_limit_ = i + 1;
    tx = Transaction{};
    tx.in_use = true;
    tx.kind = kind;
    tx.index = index;
    tx.role = role_;
    tx.rto = config_.min_rto;
    tx.next_send = now_;
    // RFC 8489 §6: the transaction ID is chosen uniformly at random from 0 .. 2**96-1 (and should
    // be unpredictable: the agent's generator is seeded from the CSPRNG unless a test seeds it).
    random_.Fill(tx.id.bytes);
    return &tx;
  }
  return nullptr;
}

Agent::Transaction* Agent::FindTransaction(const StunTransactionId& id) {
  for (Transaction& tx : LiveSlots()) {
    if (tx.in_use && tx.id == id) return &tx;
  }
  return nullptr;
}

bool Agent::LiveCheckOnPair(size_t pair, const Transaction* except) const {
  auto live = LiveSlots();
  return std::any_of(live.begin(), live.end(), [&](const Transaction& tx) {
    return tx.in_use && &tx != except && tx.kind == TxKind::kCheck && tx.index == pair;
  });
}

void Agent::SendRequest(Transaction& tx) {
  TransmitQueue::Slot* slot = transmit_.Back();
  ++tx.transmissions;
  if (!slot) {
    ++stats_.transmit_queue_full;
    return;
  }
  if (tx.kind == TxKind::kGather) {
    // §5.1.1.2: a plain Binding request to the STUN server, no credentials (FINGERPRINT only).
    StunMessageBuilder b(slot->bytes, StunMethod::kBinding, StunClass::kRequest, tx.id);
    b.AddFingerprint();
    Enqueue(local_[tx.index].base, *config_.stun_server, b.Finish(), slot);
    return;
  }
  const Pair& p = pairs_[tx.index];
  const LocalCandidate& l = local_[p.local];
  IceBindingRequestParams params;
  params.transaction_id = tx.id;
  // §7.2.2: USERNAME "RFRAG:LFRAG", MESSAGE-INTEGRITY with the remote password, PRIORITY of a
  // peer-reflexive candidate from this base ("type preference ... peer reflexive"), the role
  // attribute with our tie-breaker, and USE-CANDIDATE when nominating.
  params.username = username_out_;
  params.priority = ComputePriority(CandidateType::kPeerReflexive, l.candidate.local_preference());
  params.controlling = tx.role == Role::kControlling;
  params.tie_breaker = tie_breaker_;
  params.use_candidate = tx.use_candidate && params.controlling;
  Enqueue(l.base, remote_[p.remote].address, BuildIceBindingRequest(params, *remote_key_, slot->bytes),
          slot);
}

void Agent::RunTransactions(Instant now) {
  for (Transaction& tx : LiveSlots()) {
    if (!tx.in_use || tx.next_send > now) continue;
    if (tx.transmissions < config_.max_transmissions && !tx.cancelled) {
      // RFC 8489 §6.2.1: retransmit with the RTO doubled after each, here capped at max_rto.
      if (tx.transmissions > 0) {
        ++stats_.retransmissions;
        tx.rto = std::min(tx.rto * 2, config_.max_rto);
      }
      SendRequest(tx);
      tx.next_send = now + tx.rto;
      continue;
    }
    // No response after the last transmission and one more RTO: the transaction failed.
    tx.in_use = false;
    switch (tx.kind) {
      case TxKind::kCheck:
        if (tx.cancelled) break;
        if (tx.use_candidate || (pairs_[tx.index].state == PairState::kInProgress &&
                                 !LiveCheckOnPair(tx.index, &tx))) {
          OnCheckFailure(tx.index);
        }
        break;
      case TxKind::kGather:
        local_[tx.index].gathering_done = true;
        MaybeGatheringComplete();
        break;
      case TxKind::kConsent:
        break;  // consent has its own clock (ConsentTracker)
    }
  }
}

void Agent::OnCheckFailure(size_t pair) {
  pairs_[pair].state = PairState::kFailed;
  pairs_[pair].nominated = false;
  if (nominating_ && *nominating_ == pair) nominating_.reset();
}

void Agent::OnCheckSuccess(Instant now, Transaction& tx) {
  size_t idx = tx.index;
  Pair& pair = pairs_[idx];
  // §7.2.5.3.2: the pair becomes Succeeded and goes to the valid list. We send every check from
  // the base, so the valid pair is the checked pair itself (the mapped address only reveals a
  // peer-reflexive local candidate, which would share this base).
  pair.state = PairState::kSucceeded;
  // §7.2.5.3.3: unfreeze the pairs that share this foundation.
  for (Pair& o : pairs_) {
    if (o.state == PairState::kFrozen &&
        local_[o.local].candidate.foundation == local_[pair.local].candidate.foundation &&
        remote_[o.remote].foundation == remote_[pair.remote].foundation) {
      o.state = PairState::kWaiting;
    }
  }
  if (!first_valid_at_) {
    first_valid_at_ = now;
    if (!selected_) {
      events_.push_back(Event{.type = EventType::kFirstValidPair,
                              .pair = SelectedPair{local_[pair.local].candidate,
                                                   remote_[pair.remote], local_[pair.local].base}});
    }
  }
  if (selected_ && *selected_ == idx) consent_.OnProofOfLife(now);
  if (role_ == Role::kControlling && tx.use_candidate) {
    // §8.1.1: the nomination check succeeded: the pair is nominated and selected.
    pair.nominated = true;
    nominating_.reset();
    Select(now, idx);
  } else if (role_ == Role::kControlled && pair.nominate_on_success) {
    // §7.3.1.5: USE-CANDIDATE arrived while our check was pending; it counts now.
    pair.nominated = true;
    if (!selected_ || pairs_[*selected_].priority <= pair.priority) Select(now, idx);
  }
}

void Agent::MaybeNominate(Instant now) {
  if (config_.lite || role_ != Role::kControlling || selected_ || nominating_ || !first_valid_at_) {
    return;
  }
  // §8.1.1 regular nomination: pick the best valid pair, once nothing better is still pending or
  // the nomination delay has passed, and repeat its check with USE-CANDIDATE.
  std::optional<size_t> best;
  bool better_pending = false;
  for (size_t i : check_list_) {
    PairState s = pairs_[i].state;
    if (s == PairState::kSucceeded) {
      best = i;
      break;
    }
    if (s == PairState::kWaiting || s == PairState::kInProgress || s == PairState::kFrozen) {
      better_pending = true;
    }
  }
  if (!best) return;
  if (better_pending && now < *first_valid_at_ + config_.nomination_delay) return;
  nominating_ = best;
  triggered_.push_front(Triggered{*best, true});
}

void Agent::Select(Instant now, size_t pair) {
  bool changed = !selected_ || *selected_ != pair;
  selected_ = pair;
  if (changed) {
    consent_.Start(now, random_);
    events_.push_back(Event{.type = EventType::kSelectedPairChanged, .pair = selected_pair()});
    // §8.1.2: lower-priority pairs are no longer checked.
    uint64_t prio = pairs_[pair].priority;
    std::erase_if(triggered_, [&](const Triggered& t) {
      return !t.use_candidate && pairs_[t.pair].priority < prio;
    });
  }
  if (state_ == ConnectionState::kNew || state_ == ConnectionState::kChecking ||
      state_ == ConnectionState::kDisconnected) {
    SetState(ConnectionState::kConnected);
  }
}

void Agent::RunConsent(Instant now) {
  if (!selected_ || state_ == ConnectionState::kFailed) return;
  if (consent_.CheckDue(now)) {
    // RFC 7675 §5.1: a Binding request on the selected pair, authenticated like a check ("MUST
    // use ... a new transaction ID" each time); it doubles as the RFC 8445 §11 keepalive.
    if (Transaction* tx = NewTransaction(TxKind::kConsent, *selected_)) {
      SendRequest(*tx);
      tx->first_sent = now;
      tx->next_send = now + tx->rto;
      ++stats_.consent_checks_sent;
    }
    consent_.OnCheckSent(now, random_);
  }
  switch (consent_.Evaluate(now)) {
    case ConsentVerdict::kExpired:
      // RFC 7675 §5.1: consent lost; nothing more is sent on the pair (terminal state).
      SetState(ConnectionState::kFailed, "consent expired");
      break;
    case ConsentVerdict::kDisconnected:
      if (state_ == ConnectionState::kConnected || state_ == ConnectionState::kCompleted) {
        SetState(ConnectionState::kDisconnected, "consent checks unanswered");
      }
      break;
    case ConsentVerdict::kFresh:
      if (state_ == ConnectionState::kDisconnected) {
        SetState(Settled() ? ConnectionState::kCompleted : ConnectionState::kConnected);
      }
      break;
  }
}

bool Agent::Settled() const {
  // No candidates left to come on either side and no check left to run or to answer.
  if (!remote_end_of_candidates_ || !gathering_complete_sent_ || !triggered_.empty()) return false;
  auto live = LiveSlots();
  return std::none_of(live.begin(), live.end(), [](const Transaction& t) {
    return t.in_use && t.kind == TxKind::kCheck;
  });
}

void Agent::UpdateState(Instant now) {
  (void)now;
  if (state_ == ConnectionState::kFailed) return;
  bool settled = Settled();
  if (state_ == ConnectionState::kConnected && settled) {
    SetState(ConnectionState::kCompleted);
    return;
  }
  if (selected_ || config_.lite || !settled || pairs_.empty()) return;
  // §8.1.2 / §7.2.5.4: with no candidates left to come, every pair failed: ICE failed.
  bool all_failed = std::all_of(pairs_.begin(), pairs_.end(),
                                [](const Pair& p) { return p.state == PairState::kFailed; });
  if (all_failed) SetState(ConnectionState::kFailed, "all candidate pairs failed");
}

void Agent::SetState(ConnectionState s, const char* reason) {
  if (s == state_) return;
  state_ = s;
  if (s == ConnectionState::kFailed) {
    failure_reason_ = reason;
    // Terminal: nothing more is sent.
    for (Transaction& tx : transactions_) tx.in_use = false;
    tx_limit_ = 0;
    triggered_.clear();
  }
  events_.push_back(Event{.type = EventType::kStateChanged, .state = s, .reason = reason});
}

void Agent::MaybeGatheringComplete() {
  if (!started_ || gathering_complete_sent_) return;
  if (!std::all_of(local_.begin(), local_.end(), [](const LocalCandidate& l) { return l.gathering_done; })) {
    return;
  }
  gathering_complete_sent_ = true;
  events_.push_back(Event{.type = EventType::kGatheringComplete});
}

void Agent::Advance(Instant now) {
  if (now > now_) now_ = now;
  if (state_ == ConnectionState::kFailed) return;
  RunTransactions(now);
  MaybeNominate(now);
  RunChecks(now);
  RunConsent(now);
  UpdateState(now);
}

void Agent::HandleTimeout(Instant now) { Advance(now); }

std::optional<Instant> Agent::PollTimeout() const {
  if (state_ == ConnectionState::kFailed) return std::nullopt;
  std::optional<Instant> d;
  for (const Transaction& tx : LiveSlots()) {
    if (tx.in_use) d = Soonest(d, std::optional<Instant>(tx.next_send));
  }
  if (HasCheckWork()) {
    // Queued triggered checks are due now (a caller that queued them without a `now`, e.g.
    // SetRemoteCredentials processing early requests, sends them at its next HandleTimeout).
    d = Soonest(d, std::optional<Instant>(triggered_.empty() ? next_check_at_ : now_));
  }
  if (!config_.lite && role_ == Role::kControlling && !selected_ && !nominating_ && first_valid_at_) {
    Instant nominate_at = *first_valid_at_ + config_.nomination_delay;
    if (nominate_at > now_) d = Soonest(d, std::optional<Instant>(nominate_at));
  }
  if (selected_) d = Soonest(d, consent_.NextDeadline(now_));
  return d;
}

}  // namespace sluice::ice
