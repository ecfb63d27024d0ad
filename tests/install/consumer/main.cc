// A user's program: it includes only installed public headers and links libsluice. It is also
// the README's API example: two PeerConnections on one EventLoop, offer/answer, a DataChannel
// whose every message the answerer echoes back.
#include <sluice/event_loop.h>
#include <sluice/packet_buffer.h>
#include <sluice/peer_connection.h>
#include <sluice/version.h>

#include <chrono>
#include <cstdio>
#include <future>
#include <string>

int main() {
  auto loop = sluice::EventLoop::Create().value();  // one network thread
  if (!loop->Start()) return 1;

  sluice::Configuration config;
  config.bind_addresses = {"127.0.0.1"};
  auto offerer = sluice::PeerConnection::Create(*loop, config).value();
  auto answerer = sluice::PeerConnection::Create(*loop, config).value();

  // The answerer echoes every message on the channel it came on (callbacks run on the loop).
  // Capturing the channel is safe: its callbacks are dropped when it closes, ending the cycle.
  answerer->OnDataChannel([](std::shared_ptr<sluice::DataChannel> channel) {
    channel->OnMessage([channel](std::span<const uint8_t> data, bool is_binary) {
      if (is_binary) {
        (void)channel->Send(data);
      } else {
        (void)channel->Send(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
      }
    });
  });

  std::promise<std::string> echoed;
  auto channel = offerer->CreateDataChannel("chat").value();
  channel->OnOpen([&channel] { (void)channel->Send(std::string_view("hello")); });
  channel->OnMessage([&echoed](std::span<const uint8_t> data, bool) {
    echoed.set_value(std::string(data.begin(), data.end()));
  });

  // Non-trickle signalling: without STUN servers every host candidate is in the description as
  // soon as SetLocalDescription returns.
  if (!offerer->SetLocalDescription()) return 2;
  if (!answerer->SetRemoteDescription(*offerer->local_description())) return 3;
  if (!answerer->SetLocalDescription()) return 4;
  if (!offerer->SetRemoteDescription(*answerer->local_description())) return 5;

  auto reply = echoed.get_future();
  if (reply.wait_for(std::chrono::seconds(10)) != std::future_status::ready) return 6;
  std::printf("sluice %s: the DataChannel echoed \"%s\"\n", sluice::Version(), reply.get().c_str());

  channel->OnOpen(nullptr);
  channel->OnMessage(nullptr);
  offerer->Close();
  answerer->Close();
  loop->Stop();
  return 0;
}
