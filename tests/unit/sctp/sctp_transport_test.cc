// SctpTransport unit tests: two transports wired directly (SCTP packets copied between them,
// no DTLS), stepped in simulated time. DTLS-carried pairs are in tests/integration/sctp.
#include "sctp/sctp_transport.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <vector>

#include "support/fake_clock.h"

namespace sluice::sctp {
namespace {

struct Received {
  uint16_t stream_id;
  MessageType type;
  std::vector<uint8_t> data;
};

struct Side {
  std::unique_ptr<SctpTransport> t;
  std::vector<SctpEvent> events;  // data spans not kept
  std::vector<Received> messages;
  bool connected = false;
  bool closed = false;
  Error close_error{};
  bool reading = true;
  size_t packets_out = 0;
};

class DirectPair {
 public:
  explicit DirectPair(SctpConfig a_config = {}, SctpConfig z_config = {}) {
    a_.t = SctpTransport::Create(a_config, /*is_dtls_client=*/true).value();
    z_.t = SctpTransport::Create(z_config, /*is_dtls_client=*/false).value();
  }

  bool Connect() {
    EXPECT_TRUE(a_.t->Start(clock_.now()).ok());
    EXPECT_TRUE(z_.t->Start(clock_.now()).ok());
    return RunUntil([&] { return a_.connected && z_.connected; }, seconds(10));
  }

  void Pump() {
    for (int round = 0; round < 10000; ++round) {
      bool progress = Drain(a_, z_) | Drain(z_, a_);
      if (!progress) return;
    }
  }

  template <typename Done>
  bool RunUntil(Done done, Duration limit) {
    const Instant deadline = clock_.now() + limit;
    for (int steps = 0; steps < 1'000'000; ++steps) {
      Pump();
      if (done()) return true;
      auto next = Soonest(a_.t->PollTimeout(), z_.t->PollTimeout());
      if (!next || *next > deadline) return done();
      clock_.AdvanceTo(std::max(*next, clock_.now()));
      a_.t->HandleTimeout(clock_.now());
      z_.t->HandleTimeout(clock_.now());
    }
    return false;
  }

  Side& a() { return a_; }
  Side& z() { return z_; }
  Instant now() const { return clock_.now(); }
  bool drop_all = false;  // cut the wire

 private:
  bool Drain(Side& from, Side& to) {
    bool progress = false;
    while (auto p = from.t->PollTransmit()) {
      ++from.packets_out;
      if (!drop_all) to.t->HandleReceive(clock_.now(), *p);
      progress = true;
    }
    while (from.reading) {
      auto e = from.t->PollEvent();
      if (!e) break;
      progress = true;
      if (e->type == SctpEventType::kConnected) from.connected = true;
      if (e->type == SctpEventType::kClosed) {
        from.closed = true;
        from.close_error = e->error;
      }
      if (e->type == SctpEventType::kMessage) {
        from.messages.push_back({e->stream_id, e->message_type, {e->data.begin(), e->data.end()}});
      }
      e->data = {};
      from.events.push_back(*e);
    }
    return progress;
  }

  test::FakeClock clock_;
  Side a_, z_;
};

std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

size_t CountEvents(const Side& s, SctpEventType type, std::optional<uint16_t> sid = {}) {
  size_t n = 0;
  for (auto& e : s.events) n += e.type == type && (!sid || e.stream_id == *sid);
  return n;
}

TEST(SctpTransport, CreateValidatesConfig) {
  SctpConfig c;
  c.local_port = 0;
  EXPECT_EQ(SctpTransport::Create(c, true).error().code, ErrorCode::kInvalidArgument);
  c = {};
  c.mtu = 100;
  EXPECT_EQ(SctpTransport::Create(c, true).error().code, ErrorCode::kInvalidArgument);
  c = {};
  c.local_max_message_size = 0;
  EXPECT_EQ(SctpTransport::Create(c, true).error().code, ErrorCode::kInvalidArgument);
  c = {};
  c.socket_send_buffer = 1000;
  EXPECT_EQ(SctpTransport::Create(c, true).error().code, ErrorCode::kInvalidArgument);
  c = {};
  c.max_streams = 65535;  // id 65535 is reserved (RFC 8831 §6.6)
  EXPECT_EQ(SctpTransport::Create(c, true).error().code, ErrorCode::kInvalidArgument);
}

TEST(SctpTransport, StreamCountBoundsChannelIds) {
  SctpConfig c;
  c.max_streams = 16;
  DirectPair pair(c, c);
  ASSERT_TRUE(pair.Connect());
  // The DTLS client's ids are even: 0, 2, ..., 14 fit in 16 streams, the ninth does not.
  for (int i = 0; i < 8; ++i) {
    auto sid = pair.a().t->OpenChannel(pair.now(), {});
    ASSERT_TRUE(sid.ok()) << i;
    EXPECT_EQ(sid.value(), 2 * i);
  }
  EXPECT_EQ(pair.a().t->OpenChannel(pair.now(), {}).error().code, ErrorCode::kExhausted);
  EXPECT_EQ(pair.a().t->OpenChannel(pair.now(), {.negotiated_id = 16}).error().code,
            ErrorCode::kInvalidArgument);
}

TEST(SctpTransport, HugeOrZeroRemoteMaxMessageSizeIsCappedBySendBuffer) {
  SctpConfig c;
  c.remote_max_message_size = 1073741823;  // what Firefox advertises
  c.socket_send_buffer = 1 << 20;
  DirectPair pair(c, {});
  ASSERT_TRUE(pair.Connect());
  auto sid = pair.a().t->OpenChannel(pair.now(), {}).value();
  std::vector<uint8_t> ok(200 * 1024, 1), too_big((1 << 20) + 1, 2);
  EXPECT_TRUE(pair.a().t->Send(pair.now(), sid, MessageType::kBinary, ok).ok());
  EXPECT_EQ(pair.a().t->Send(pair.now(), sid, MessageType::kBinary, too_big).error().code,
            ErrorCode::kInvalidArgument);
  ASSERT_TRUE(pair.RunUntil([&] { return pair.z().messages.size() == 1; }, seconds(5)));
  c.remote_max_message_size = 0;  // RFC 8841: any size
  EXPECT_TRUE(SctpTransport::Create(c, true).ok());
}

TEST(SctpTransport, ConnectsAndStartTwiceFails) {
  DirectPair pair;
  ASSERT_TRUE(pair.Connect());
  EXPECT_EQ(pair.a().t->Start(pair.now()).error().code, ErrorCode::kInvalidState);
  EXPECT_EQ(CountEvents(pair.a(), SctpEventType::kConnected), 1u);
}

TEST(SctpTransport, PacketsFitTheMtu) {
  SctpConfig c;
  c.mtu = 1200;
  DirectPair pair(c, c);
  ASSERT_TRUE(pair.Connect());
  auto sid = pair.a().t->OpenChannel(pair.now(), {.label = "big"}).value();
  std::vector<uint8_t> msg(60000, 7);
  ASSERT_TRUE(pair.a().t->Send(pair.now(), sid, MessageType::kBinary, msg).ok());
  size_t largest = 0;
  while (auto p = pair.a().t->PollTransmit()) {
    largest = std::max(largest, p->size());
    pair.z().t->HandleReceive(pair.now(), *p);
  }
  EXPECT_LE(largest, 1200u);
  EXPECT_GE(largest, 1100u);  // full packets, not tiny ones
  ASSERT_TRUE(pair.RunUntil([&] { return !pair.z().messages.empty(); }, seconds(5)));
  EXPECT_EQ(pair.z().messages[0].data, msg);
}

TEST(SctpTransport, InBandChannelOpensWithDcepAndCarriesMessages) {
  DirectPair pair;
  ASSERT_TRUE(pair.Connect());
  ChannelOptions o{.label = "chat", .protocol = "p1"};
  auto sid = pair.a().t->OpenChannel(pair.now(), o);
  ASSERT_TRUE(sid.ok());
  EXPECT_EQ(*sid % 2, 0) << "DTLS client picks even ids (RFC 8832 §6)";
  ASSERT_TRUE(pair.RunUntil([&] {
    return CountEvents(pair.a(), SctpEventType::kChannelOpen) == 1 &&
           CountEvents(pair.z(), SctpEventType::kChannelOpen) == 1;
  }, seconds(5)));
  const ChannelInfo* remote = pair.z().t->channel(*sid);
  ASSERT_NE(remote, nullptr);
  EXPECT_EQ(remote->options.label, "chat");
  EXPECT_EQ(remote->options.protocol, "p1");
  EXPECT_TRUE(remote->options.ordered);
  EXPECT_TRUE(remote->open);

  ASSERT_TRUE(pair.a().t->Send(pair.now(), *sid, MessageType::kString, Bytes("hello")).ok());
  ASSERT_TRUE(pair.a().t->Send(pair.now(), *sid, MessageType::kBinary, Bytes("\x01\x02")).ok());
  ASSERT_TRUE(pair.a().t->Send(pair.now(), *sid, MessageType::kString, {}).ok());
  ASSERT_TRUE(pair.a().t->Send(pair.now(), *sid, MessageType::kBinary, {}).ok());
  ASSERT_TRUE(pair.RunUntil([&] { return pair.z().messages.size() == 4; }, seconds(5)));
  EXPECT_EQ(pair.z().messages[0].type, MessageType::kString);
  EXPECT_EQ(pair.z().messages[0].data, Bytes("hello"));
  EXPECT_EQ(pair.z().messages[1].type, MessageType::kBinary);
  EXPECT_EQ(pair.z().messages[1].data, Bytes("\x01\x02"));
  EXPECT_EQ(pair.z().messages[2].type, MessageType::kString);
  EXPECT_TRUE(pair.z().messages[2].data.empty());
  EXPECT_EQ(pair.z().messages[3].type, MessageType::kBinary);
  EXPECT_TRUE(pair.z().messages[3].data.empty());

  // The other way, on the same channel.
  ASSERT_TRUE(pair.z().t->Send(pair.now(), *sid, MessageType::kString, Bytes("back")).ok());
  ASSERT_TRUE(pair.RunUntil([&] { return pair.a().messages.size() == 1; }, seconds(5)));
  EXPECT_EQ(pair.a().messages[0].data, Bytes("back"));
  EXPECT_EQ(pair.a().t->stats().messages_received, 1u);
  EXPECT_EQ(pair.z().t->stats().messages_received, 4u);
}

TEST(SctpTransport, ServerPicksOddIdsAndIdsAreReusedAfterClose) {
  DirectPair pair;
  ASSERT_TRUE(pair.Connect());
  EXPECT_EQ(pair.z().t->OpenChannel(pair.now(), {}).value(), 1);
  EXPECT_EQ(pair.z().t->OpenChannel(pair.now(), {}).value(), 3);
  EXPECT_EQ(pair.a().t->OpenChannel(pair.now(), {}).value(), 0);
  EXPECT_EQ(pair.a().t->OpenChannel(pair.now(), {}).value(), 2);
  ASSERT_TRUE(pair.RunUntil([&] { return CountEvents(pair.a(), SctpEventType::kChannelOpen) == 4; },
                            seconds(5)));
  ASSERT_TRUE(pair.a().t->CloseChannel(pair.now(), 0).ok());
  ASSERT_TRUE(pair.RunUntil([&] {
    return CountEvents(pair.a(), SctpEventType::kChannelClosed, 0) == 1 &&
           CountEvents(pair.z(), SctpEventType::kChannelClosed, 0) == 1;
  }, seconds(5)));
  EXPECT_EQ(pair.a().t->channel(0), nullptr);
  EXPECT_EQ(pair.z().t->channel(0), nullptr);
  EXPECT_EQ(pair.a().t->Send(pair.now(), 0, MessageType::kBinary, Bytes("x")).error().code,
            ErrorCode::kNotFound);
  pair.RunUntil([&] { return false; }, seconds(1));
  EXPECT_EQ(pair.a().t->OpenChannel(pair.now(), {}).value(), 0);
}

TEST(SctpTransport, NegotiatedChannelOpensWithoutDcep) {
  DirectPair pair;
  ChannelOptions o{.label = "neg", .negotiated_id = 7};
  ASSERT_EQ(pair.a().t->OpenChannel(pair.now(), o).value(), 7);
  ASSERT_EQ(pair.z().t->OpenChannel(pair.now(), o).value(), 7);
  ASSERT_TRUE(pair.Connect());
  ASSERT_TRUE(pair.RunUntil([&] {
    return CountEvents(pair.a(), SctpEventType::kChannelOpen, 7) == 1 &&
           CountEvents(pair.z(), SctpEventType::kChannelOpen, 7) == 1;
  }, seconds(5)));
  ASSERT_TRUE(pair.a().t->Send(pair.now(), 7, MessageType::kBinary, Bytes("n")).ok());
  ASSERT_TRUE(pair.RunUntil([&] { return pair.z().messages.size() == 1; }, seconds(5)));
  EXPECT_EQ(pair.z().t->stats().dcep_malformed, 0u);
  EXPECT_EQ(pair.a().t->OpenChannel(pair.now(), o).error().code, ErrorCode::kInvalidArgument);
}

TEST(SctpTransport, MessagesSentBeforeConnectArrive) {
  DirectPair pair;
  auto sid = pair.a().t->OpenChannel(pair.now(), {.label = "early"}).value();
  ASSERT_TRUE(pair.a().t->Send(pair.now(), sid, MessageType::kString, Bytes("first")).ok());
  EXPECT_EQ(pair.a().t->buffered_amount(sid), 5u);
  ASSERT_TRUE(pair.Connect());
  ASSERT_TRUE(pair.RunUntil([&] { return pair.z().messages.size() == 1; }, seconds(5)));
  EXPECT_EQ(pair.z().messages[0].data, Bytes("first"));
  EXPECT_EQ(pair.a().t->buffered_amount(sid), 0u);
}

TEST(SctpTransport, RejectsBadArguments) {
  SctpConfig c;
  c.remote_max_message_size = 1000;
  DirectPair pair(c, {});
  ASSERT_TRUE(pair.Connect());
  ChannelOptions both{.max_retransmits = 1, .max_packet_life_time_ms = 5};
  EXPECT_EQ(pair.a().t->OpenChannel(pair.now(), both).error().code, ErrorCode::kInvalidArgument);
  auto sid = pair.a().t->OpenChannel(pair.now(), {}).value();
  std::vector<uint8_t> big(1001);
  EXPECT_EQ(pair.a().t->Send(pair.now(), sid, MessageType::kBinary, big).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(pair.a().t->Send(pair.now(), 1234, MessageType::kBinary, Bytes("x")).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(pair.a().t->CloseChannel(pair.now(), 1234).error().code, ErrorCode::kNotFound);
}

TEST(SctpTransport, OversizedIncomingMessageIsCountedAndClosesTheChannel) {
  SctpConfig small;
  small.local_max_message_size = 1000;
  DirectPair pair({}, small);
  ASSERT_TRUE(pair.Connect());
  auto sid = pair.a().t->OpenChannel(pair.now(), {}).value();
  ASSERT_TRUE(pair.RunUntil([&] { return CountEvents(pair.a(), SctpEventType::kChannelOpen) == 1; },
                            seconds(5)));
  std::vector<uint8_t> big(5000, 1);
  ASSERT_TRUE(pair.a().t->Send(pair.now(), sid, MessageType::kBinary, big).ok());
  ASSERT_TRUE(pair.RunUntil([&] {
    return CountEvents(pair.a(), SctpEventType::kChannelClosed, sid) == 1;
  }, seconds(5)));
  EXPECT_TRUE(pair.z().messages.empty());
  EXPECT_EQ(pair.z().t->stats().messages_rejected, 1u);
}

TEST(SctpTransport, ExactlyMaxSizeMessageIsDelivered) {
  SctpConfig small;
  small.local_max_message_size = 70000;
  DirectPair pair({}, small);
  ASSERT_TRUE(pair.Connect());
  auto sid = pair.a().t->OpenChannel(pair.now(), {}).value();
  std::vector<uint8_t> msg(64 * 1024);
  for (size_t i = 0; i < msg.size(); ++i) msg[i] = static_cast<uint8_t>(i * 7);
  ASSERT_TRUE(pair.a().t->Send(pair.now(), sid, MessageType::kBinary, msg).ok());
  ASSERT_TRUE(pair.RunUntil([&] { return pair.z().messages.size() == 1; }, seconds(5)));
  EXPECT_EQ(pair.z().messages[0].data, msg);
}

TEST(SctpTransport, BackpressureCapAndBufferedAmountLow) {
  SctpConfig c;
  c.send_buffer_cap = 64 * 1024;
  c.socket_send_buffer = 128 * 1024;
  c.socket_receive_buffer = 128 * 1024;
  DirectPair pair(c, c);
  ASSERT_TRUE(pair.Connect());
  auto sid = pair.a().t->OpenChannel(pair.now(), {}).value();
  pair.a().t->SetBufferedAmountLowThreshold(sid, 16 * 1024);
  pair.z().reading = false;  // Z stops reading: its window closes, A's queue fills
  std::vector<uint8_t> msg(4096, 3);
  size_t accepted = 0;
  for (int i = 0; i < 10000; ++i) {
    auto r = pair.a().t->Send(pair.now(), sid, MessageType::kBinary, msg);
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, ErrorCode::kExhausted);
      pair.RunUntil([] { return false; }, milliseconds(100));
      if (!pair.a().t->Send(pair.now(), sid, MessageType::kBinary, msg).ok()) break;
    }
    ++accepted;
    pair.Pump();
  }
  EXPECT_LT(accepted, 200u) << "sender must be held back";
  EXPECT_GT(pair.a().t->buffered_amount(sid), 60u * 1024);
  EXPECT_LE(pair.a().t->buffered_amount(sid), 64u * 1024);
  EXPECT_GT(pair.a().t->stats().send_exhausted, 0u);
  // Z reads again: everything arrives in order, A sees kBufferedAmountLow.
  pair.z().reading = true;
  ASSERT_TRUE(pair.RunUntil([&] { return pair.z().messages.size() == accepted; }, seconds(30)));
  EXPECT_EQ(CountEvents(pair.a(), SctpEventType::kBufferedAmountLow, sid), 1u);
  EXPECT_EQ(pair.a().t->buffered_amount(sid), 0u);
}

// batch_small_messages batches only messages that can share a packet (<= mtu / 2): a bigger one
// goes to usrsctp inside Send() (no staging copy, nothing left in buffered_amount), a small one
// waits for the next PollTransmit; both arrive, in order.
TEST(SctpTransport, BatchModeHandsBigMessagesToUsrsctpAtOnce) {
  SctpConfig c;
  ASSERT_TRUE(c.batch_small_messages);
  DirectPair pair(c, c);
  ASSERT_TRUE(pair.Connect());
  auto sid = pair.a().t->OpenChannel(pair.now(), {.negotiated_id = 4}).value();
  ASSERT_TRUE(pair.z().t->OpenChannel(pair.now(), {.negotiated_id = 4}).ok());
  pair.Pump();
  std::vector<uint8_t> big(c.mtu / 2 + 1, 0xb1), small(c.mtu / 2, 0x5a);
  ASSERT_TRUE(pair.a().t->Send(pair.now(), sid, MessageType::kBinary, big).ok());
  EXPECT_EQ(pair.a().t->buffered_amount(sid), 0u);
  ASSERT_TRUE(pair.a().t->Send(pair.now(), sid, MessageType::kBinary, small).ok());
  EXPECT_EQ(pair.a().t->buffered_amount(sid), small.size());
  // A big message behind a queued small one waits its turn (order is kept).
  ASSERT_TRUE(pair.a().t->Send(pair.now(), sid, MessageType::kBinary, big).ok());
  EXPECT_EQ(pair.a().t->buffered_amount(sid), small.size() + big.size());
  ASSERT_TRUE(pair.RunUntil([&] { return pair.z().messages.size() == 3; }, seconds(5)));
  EXPECT_EQ(pair.z().messages[0].data, big);
  EXPECT_EQ(pair.z().messages[1].data, small);
  EXPECT_EQ(pair.z().messages[2].data, big);
  EXPECT_EQ(pair.a().t->buffered_amount(sid), 0u);
}

// Batch mode fills packets: 32 queued 64-byte messages (80 chunk bytes each, 14 per 1,200-byte
// packet) leave in 4 packets (the first alone, as nothing is in flight; 14; 14; 3), where
// handing them to usrsctp's Nagle with only the last one pushed took 6.
TEST(SctpTransport, BatchModeBundlesSmallMessagesIntoFullPackets) {
  DirectPair pair;
  ASSERT_TRUE(pair.Connect());
  auto sid = pair.a().t->OpenChannel(pair.now(), {.negotiated_id = 2}).value();
  ASSERT_TRUE(pair.z().t->OpenChannel(pair.now(), {.negotiated_id = 2}).ok());
  pair.RunUntil([&] { return false; }, seconds(1));  // settle: nothing in flight
  std::vector<uint8_t> msg(64, 0x64);
  for (int turn = 1; turn <= 3; ++turn) {
    const size_t before = pair.a().packets_out;
    for (int i = 0; i < 32; ++i) {
      ASSERT_TRUE(pair.a().t->Send(pair.now(), sid, MessageType::kBinary, msg).ok());
    }
    pair.Pump();
    EXPECT_EQ(pair.z().messages.size(), 32u * turn);
    EXPECT_LE(pair.a().packets_out - before, 4u) << "turn " << turn;
  }
}

// A stream id closed and opened again is a new channel on both sides (the per-message channel
// lookup must not keep the old one).
TEST(SctpTransport, ReopenedStreamIdCarriesTheNewChannel) {
  DirectPair pair;
  ASSERT_TRUE(pair.Connect());
  auto sid = pair.a().t->OpenChannel(pair.now(), {.label = "old", .ordered = false}).value();
  ASSERT_TRUE(pair.RunUntil([&] { return pair.z().t->channel(sid) != nullptr; }, seconds(5)));
  ASSERT_TRUE(pair.a().t->Send(pair.now(), sid, MessageType::kBinary, Bytes("one")).ok());
  ASSERT_TRUE(pair.RunUntil([&] { return pair.z().messages.size() == 1; }, seconds(5)));
  ASSERT_TRUE(pair.a().t->CloseChannel(pair.now(), sid).ok());
  ASSERT_TRUE(pair.RunUntil([&] {
    return CountEvents(pair.a(), SctpEventType::kChannelClosed, sid) == 1 &&
           CountEvents(pair.z(), SctpEventType::kChannelClosed, sid) == 1;
  }, seconds(5)));
  pair.RunUntil([&] { return false; }, seconds(1));
  ASSERT_EQ(pair.a().t->OpenChannel(pair.now(), {.label = "new"}).value(), sid);
  ASSERT_TRUE(pair.RunUntil([&] {
    return pair.z().t->channel(sid) != nullptr && pair.a().t->channel(sid)->open;
  }, seconds(5)));
  EXPECT_EQ(pair.z().t->channel(sid)->options.label, "new");
  EXPECT_TRUE(pair.z().t->channel(sid)->options.ordered);
  ASSERT_TRUE(pair.a().t->Send(pair.now(), sid, MessageType::kString, Bytes("two")).ok());
  ASSERT_TRUE(pair.RunUntil([&] { return pair.z().messages.size() == 2; }, seconds(5)));
  EXPECT_EQ(pair.z().messages[1].data, Bytes("two"));
  EXPECT_EQ(pair.z().messages[1].type, MessageType::kString);
  EXPECT_EQ(pair.z().t->stats().messages_rejected, 0u);
}

TEST(SctpTransport, UnorderedAndPartialReliableOptionsReachThePeer) {
  DirectPair pair;
  ASSERT_TRUE(pair.Connect());
  auto u = pair.a().t->OpenChannel(pair.now(), {.label = "u", .ordered = false}).value();
  auto r = pair.a().t->OpenChannel(pair.now(), {.label = "r", .max_retransmits = 0}).value();
  auto t = pair.a().t->OpenChannel(
      pair.now(), {.label = "t", .ordered = false, .max_packet_life_time_ms = 150, .priority = 512}).value();
  ASSERT_TRUE(pair.RunUntil([&] { return CountEvents(pair.z(), SctpEventType::kChannelOpen) == 3; },
                            seconds(5)));
  EXPECT_FALSE(pair.z().t->channel(u)->options.ordered);
  EXPECT_EQ(pair.z().t->channel(r)->options.max_retransmits, 0);
  EXPECT_TRUE(pair.z().t->channel(r)->options.ordered);
  EXPECT_EQ(pair.z().t->channel(t)->options.max_packet_life_time_ms, 150);
  EXPECT_EQ(pair.z().t->channel(t)->options.priority, 512);
  EXPECT_FALSE(pair.z().t->channel(t)->options.ordered);
}

TEST(SctpTransport, GracefulCloseEndsBothSides) {
  DirectPair pair;
  ASSERT_TRUE(pair.Connect());
  auto sid = pair.a().t->OpenChannel(pair.now(), {}).value();
  ASSERT_TRUE(pair.RunUntil([&] { return CountEvents(pair.z(), SctpEventType::kChannelOpen) == 1; },
                            seconds(5)));
  pair.a().t->Close(pair.now());
  ASSERT_TRUE(pair.RunUntil([&] { return pair.a().closed && pair.z().closed; }, seconds(10)));
  EXPECT_EQ(CountEvents(pair.z(), SctpEventType::kChannelClosed, sid), 1u);
  EXPECT_EQ(pair.a().t->Send(pair.now(), sid, MessageType::kBinary, Bytes("x")).error().code,
            ErrorCode::kNotFound);
}

TEST(SctpTransport, VanishedPeerEndsTheAssociationWithAReason) {
  DirectPair pair;
  ASSERT_TRUE(pair.Connect());
  pair.a().t.reset();  // destruction aborts the association (SO_LINGER 0)
  // The ABORT was emitted into a dead transport's queue: nothing reaches Z, so Z notices by
  // retransmission timeouts only if it has data; give it some.
  auto sid = pair.z().t->OpenChannel(pair.now(), {}).value();
  (void)sid;
  // Z's INIT/DATA go nowhere now: its association must eventually fail with a reason.
  pair.a().t = SctpTransport::Create({}, true).value();  // unrelated, unstarted peer
  EXPECT_TRUE(pair.RunUntil([&] { return pair.z().closed; }, seconds(600)));
  EXPECT_NE(std::string(pair.z().close_error.message), "");
}

TEST(SctpTransport, InterleavingKeepsLargeMessagesOnTwoStreamsWhole) {
  SctpConfig c;
  c.enable_interleaving = true;
  auto probe = SctpTransport::Create(c, true);
  if (!probe.ok()) GTEST_SKIP() << probe.error().message;
  probe.value().reset();
  DirectPair pair(c, c);
  ASSERT_TRUE(pair.Connect());
  auto s1 = pair.a().t->OpenChannel(pair.now(), {.label = "one"}).value();
  auto s2 = pair.a().t->OpenChannel(pair.now(), {.label = "two"}).value();
  std::vector<uint8_t> m1(60000), m2(50000);
  for (size_t i = 0; i < m1.size(); ++i) m1[i] = static_cast<uint8_t>(i);
  for (size_t i = 0; i < m2.size(); ++i) m2[i] = static_cast<uint8_t>(i * 3 + 1);
  for (int k = 0; k < 4; ++k) {
    ASSERT_TRUE(pair.a().t->Send(pair.now(), s1, MessageType::kBinary, m1).ok());
    ASSERT_TRUE(pair.a().t->Send(pair.now(), s2, MessageType::kBinary, m2).ok());
  }
  ASSERT_TRUE(pair.RunUntil([&] { return pair.z().messages.size() == 8; }, seconds(10)));
  for (auto& m : pair.z().messages) EXPECT_EQ(m.data, m.stream_id == s1 ? m1 : m2);
}

TEST(SctpTransport, GarbageInputNeverCrashes) {
  DirectPair pair;
  ASSERT_TRUE(pair.Connect());
  std::vector<uint8_t> junk(300);
  uint32_t x = 12345;
  for (int i = 0; i < 2000; ++i) {
    for (auto& b : junk) b = static_cast<uint8_t>((x = x * 1103515245 + 12345) >> 16);
    pair.a().t->HandleReceive(pair.now(), std::span<const uint8_t>(junk.data(), 12 + i % 288));
  }
  pair.a().t->HandleReceive(pair.now(), {});
  EXPECT_GE(pair.a().t->stats().receive_dropped, 1u);
  // The association still works.
  auto sid = pair.a().t->OpenChannel(pair.now(), {}).value();
  ASSERT_TRUE(pair.a().t->Send(pair.now(), sid, MessageType::kString, Bytes("alive")).ok());
  ASSERT_TRUE(pair.RunUntil([&] { return pair.z().messages.size() == 1; }, seconds(5)));
}

}  // namespace
}  // namespace sluice::sctp

namespace sluice::sctp {
namespace {

// Writes fuzz/corpus/sctp seeds (real packets of a live association, Z -> A, in the sctp
// fuzzer's input format) when SLUICE_WRITE_SCTP_SEEDS names a directory; otherwise a no-op.
TEST(SctpSeeds, WriteFuzzSeedsWhenAsked) {
  const char* dir = std::getenv("SLUICE_WRITE_SCTP_SEEDS");
  if (dir == nullptr) GTEST_SKIP() << "set SLUICE_WRITE_SCTP_SEEDS=dir to write seeds";
  test::FakeClock clock;
  auto a = SctpTransport::Create({}, true).value();
  auto z = SctpTransport::Create({}, false).value();
  std::vector<std::vector<uint8_t>> captured;
  auto pump = [&] {
    for (int r = 0; r < 100; ++r) {
      bool progress = false;
      while (auto p = a->PollTransmit()) { z->HandleReceive(clock.now(), *p); progress = true; }
      while (auto p = z->PollTransmit()) {
        captured.emplace_back(p->begin(), p->end());
        a->HandleReceive(clock.now(), *p);
        progress = true;
      }
      while (a->PollEvent()) progress = true;
      while (z->PollEvent()) progress = true;
      if (!progress) return;
    }
  };
  ASSERT_TRUE(a->Start(clock.now()).ok());
  ASSERT_TRUE(z->Start(clock.now()).ok());
  pump();
  auto sid = z->OpenChannel(clock.now(), {.label = "seed", .protocol = "p"}).value();
  pump();
  std::vector<uint8_t> big(5000, 0x42);
  ASSERT_TRUE(z->Send(clock.now(), sid, MessageType::kString, Bytes("hello")).ok());
  ASSERT_TRUE(z->Send(clock.now(), sid, MessageType::kBinary, big).ok());
  ASSERT_TRUE(z->Send(clock.now(), sid, MessageType::kBinary, {}).ok());
  auto u = z->OpenChannel(clock.now(), {.label = "pr", .ordered = false, .max_retransmits = 0}).value();
  ASSERT_TRUE(z->Send(clock.now(), u, MessageType::kBinary, Bytes("unordered")).ok());
  pump();
  for (int i = 0; i < 40; ++i) {
    clock.Advance(milliseconds(500));
    a->HandleTimeout(clock.now());
    z->HandleTimeout(clock.now());
    pump();
  }
  ASSERT_TRUE(z->CloseChannel(clock.now(), sid).ok());
  pump();
  z->Close(clock.now());
  pump();
  auto write = [&](const std::string& name, const std::vector<std::vector<uint8_t>>& packets) {
    std::vector<uint8_t> out;
    for (auto& p : packets) {
      out.push_back(0);
      out.push_back(static_cast<uint8_t>(p.size() >> 8));
      out.push_back(static_cast<uint8_t>(p.size()));
      out.insert(out.end(), p.begin(), p.end());
    }
    FILE* f = std::fopen((std::string(dir) + "/" + name).c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(out.data(), 1, out.size(), f);
    std::fclose(f);
  };
  for (size_t i = 0; i < captured.size() && i < 40; ++i) {
    write("live_packet_" + std::to_string(i), {captured[i]});
  }
  write("live_all", captured);
}

}  // namespace
}  // namespace sluice::sctp
