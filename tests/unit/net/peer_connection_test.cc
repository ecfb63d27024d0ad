// PeerConnection::Create and the JSEP verbs on an EventLoop that is not started: every call
// runs inline on the test thread (EventLoop::Invoke), so these are deterministic unit tests of
// the glue (sockets per bind address and port range, candidates in the description, Close).
#include "sluice/peer_connection.h"

#include <gtest/gtest.h>

#include "net_test_util.h"
#include "sluice/event_loop.h"

namespace sluice {
namespace {

std::unique_ptr<EventLoop> MakeLoop() {
  return std::move(EventLoop::Create({.packet_pool_slots = 64, .task_queue_capacity = 64})).value();
}

Configuration Config(std::vector<std::string> addresses) {
  Configuration c;
  c.bind_addresses = std::move(addresses);
  return c;
}

TEST(PeerConnectionGlueTest, RejectsBadConfigurations) {
  auto loop = MakeLoop();
  EXPECT_EQ(PeerConnection::Create(*loop, Config({"0.0.0.0"})).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(PeerConnection::Create(*loop, Config({"no"})).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_FALSE(PeerConnection::Create(*loop, Config({"192.0.2.1"})).ok());  // not ours
  Configuration c = Config({"127.0.0.1"});
  c.port_range_begin = 9;
  c.port_range_end = 8;
  EXPECT_EQ(PeerConnection::Create(*loop, c).error().code, ErrorCode::kInvalidArgument);
  c = Config({"127.0.0.1"});
  c.certificate_pem = "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n";
  c.private_key_pem = "nope";
  EXPECT_EQ(PeerConnection::Create(*loop, c).error().code, ErrorCode::kInvalidArgument);
}

TEST(PeerConnectionGlueTest, TheOfferCarriesAHostCandidatePerBoundSocket) {
  auto loop = MakeLoop();
  Configuration c = Config({"127.0.0.1"});
  auto pc = PeerConnection::Create(*loop, c);
  ASSERT_TRUE(pc.ok()) << pc.error().message;
  std::vector<IceCandidateInit> candidates;
  (*pc)->OnLocalCandidate([&](const IceCandidateInit& cand) { candidates.push_back(cand); });
  std::vector<IceGatheringState> gathering;
  (*pc)->OnIceGatheringStateChange([&](IceGatheringState s) { gathering.push_back(s); });
  ASSERT_TRUE((*pc)->CreateDataChannel("x").ok());
  EXPECT_EQ((*pc)->signaling_state(), SignalingState::kStable);
  ASSERT_TRUE((*pc)->SetLocalDescription().ok());
  EXPECT_EQ((*pc)->signaling_state(), SignalingState::kHaveLocalOffer);
  auto offer = (*pc)->local_description();
  ASSERT_TRUE(offer.has_value());
  EXPECT_EQ(offer->type, SdpType::kOffer);
  ASSERT_EQ(candidates.size(), 1u);
  EXPECT_NE(candidates[0].candidate.find("127.0.0.1"), std::string::npos);
  EXPECT_NE(offer->sdp.find("127.0.0.1"), std::string::npos);
  EXPECT_NE(offer->sdp.find("a=end-of-candidates"), std::string::npos);
  EXPECT_EQ((*pc)->ice_gathering_state(), IceGatheringState::kComplete);
  EXPECT_FALSE(gathering.empty());
  (*pc)->Close();
  (*pc)->Close();  // idempotent
  EXPECT_EQ((*pc)->connection_state(), PeerConnectionState::kClosed);
  EXPECT_EQ((*pc)->signaling_state(), SignalingState::kClosed);
  EXPECT_EQ((*pc)->SetLocalDescription().error().code, ErrorCode::kInvalidState);
  EXPECT_EQ((*pc)->CreateDataChannel("y").error().code, ErrorCode::kInvalidState);
}

TEST(PeerConnectionGlueTest, HostSocketsUseThePortRange) {
  auto loop = MakeLoop();
  // A free port: bind, read, release.
  uint16_t port = 0;
  {
    net::test::PlainSocket probe(net::test::Loopback4());
    port = probe.local().port();
  }
  Configuration c = Config({"127.0.0.1"});
  c.port_range_begin = port;
  c.port_range_end = port;
  auto pc = PeerConnection::Create(*loop, c);
  ASSERT_TRUE(pc.ok()) << pc.error().message;
  ASSERT_TRUE((*pc)->CreateDataChannel("x").ok());
  ASSERT_TRUE((*pc)->SetLocalDescription().ok());
  EXPECT_NE((*pc)->local_description()->sdp.find("127.0.0.1 " + std::to_string(port)),
            std::string::npos);
  // The single port is taken now: a second PeerConnection in the same range cannot bind.
  auto second = PeerConnection::Create(*loop, c);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kExhausted);
}

TEST(PeerConnectionGlueTest, StoppingTheLoopClosesItsPeerConnections) {
  auto loop = MakeLoop();
  ASSERT_TRUE(loop->Start().ok());
  auto pc = std::move(PeerConnection::Create(*loop, Config({"127.0.0.1"}))).value();
  auto dc = std::move(pc->CreateDataChannel("x")).value();
  bool closed = false;  // written on the loop thread, read after Stop joined it
  dc->OnClose([&] { closed = true; });
  loop->Stop();
  EXPECT_EQ(pc->connection_state(), PeerConnectionState::kClosed);
  EXPECT_EQ(dc->state(), DataChannelState::kClosed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(dc->Send(std::string_view("x")).error().code, ErrorCode::kInvalidState);
}

// Once the loop stopped (here: destroyed), the PeerConnection and its channels never touch it
// again: every call is a harmless error or no-op (ASan runs check the "never touch").
TEST(PeerConnectionGlueTest, ObjectsMayOutliveTheirEventLoop) {
  auto loop = MakeLoop();
  ASSERT_TRUE(loop->Start().ok());
  auto pc = std::move(PeerConnection::Create(*loop, Config({"127.0.0.1"}))).value();
  auto dc = std::move(pc->CreateDataChannel("x")).value();
  auto track = std::move(pc->AddTrack(MediaKind::kAudio, "s", "t")).value();
  loop.reset();
  EXPECT_EQ(pc->SetLocalDescription().error().code, ErrorCode::kInvalidState);
  EXPECT_EQ(pc->CreateOffer().error().code, ErrorCode::kInvalidState);
  EXPECT_EQ(pc->AddIceCandidate({}).error().code, ErrorCode::kInvalidState);
  pc->OnDataChannel([](std::shared_ptr<DataChannel>) {});
  (void)pc->GetStats();
  dc->OnMessage([](std::span<const uint8_t>, bool) {});
  dc->SetBufferedAmountLowThreshold(5);
  dc->Close();
  EXPECT_EQ(dc->Send(std::string_view("x")).error().code, ErrorCode::kInvalidState);
  track->OnRtp([](std::span<const uint8_t>) {});
  EXPECT_EQ(track->RequestKeyFrame().error().code, ErrorCode::kInvalidState);
  const uint8_t rtp[12] = {0x80};
  EXPECT_FALSE(track->Send(rtp).ok());
  pc->Close();
  pc.reset();
}

}  // namespace
}  // namespace sluice
