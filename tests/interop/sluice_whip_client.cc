// sluice as a WHIP client (RFC 9725): the "sluice is the client" direction of the interop tests
// (against tests/interop/aiortc/answerer.py, and against echo-peer itself).
//
//   sluice_whip_client --url http://127.0.0.1:P/whip [--messages 1000] [--bulk-bytes N]
//                      [--no-media] [--identical-payloads] [--check-feedback] [--timeout 60]
//
// Offers one DataChannel and (unless --no-media) an Opus and a VP8 track fed with synthetic but
// decodable RTP (Opus silence frames; a 64x64 VP8 key frame with a running picture id), then
// checks: --messages binary messages echoed intact and in order, 10 text messages echoed as
// text, --bulk-bytes in 16 KiB messages echoed byte-identical, echoed RTP arriving on both
// tracks (--identical-payloads: every payload is one we sent, for forwarding echoes),
// --check-feedback: a PLI and a NACK we send about the echoed video come back to our own video
// sender as a key-frame request and a NACK for the same sequence number (a forwarding echo maps
// feedback back to its source), and DELETE -> 200. Prints one JSON line; exit 0 only if every check passed.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "sluice/event_loop.h"
#include "sluice/peer_connection.h"

namespace {

using Clock = std::chrono::steady_clock;

// Same key frame as tests/interop/pion (libvpx via aiortc's Vp8Encoder, one RTP payload).
constexpr char kVp8KeyFrameHex[] =
    "90808bc65003009d012a40004000390300001c2216162266122004904000ce0785b9d45c4b611180fefc2810";
constexpr uint8_t kOpusSilence[] = {0xf8, 0xff, 0xfe};
constexpr size_t kBulkChunk = 16 * 1024;

std::vector<uint8_t> FromHex(const char* hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; hex[i] && hex[i + 1]; i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex + i, 2), nullptr, 16)));
  }
  return out;
}

std::vector<uint8_t> Message(uint32_t seq) {
  size_t size = 1 + (seq * 37) % 2048;
  std::vector<uint8_t> m(4 + size);
  m[0] = static_cast<uint8_t>(seq >> 24);
  m[1] = static_cast<uint8_t>(seq >> 16);
  m[2] = static_cast<uint8_t>(seq >> 8);
  m[3] = static_cast<uint8_t>(seq);
  std::mt19937 rng(seq);
  for (size_t i = 4; i < m.size(); i++) m[i] = static_cast<uint8_t>(rng());
  return m;
}

struct Args {
  std::string url;
  int messages = 1000;
  size_t bulk_bytes = 8 << 20;
  bool media = true;
  bool identical_payloads = false;
  bool check_feedback = false;
  int min_packets = 10;
  int timeout_s = 60;
};

struct Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<std::vector<uint8_t>, bool>> messages;  // bytes, is_binary
  bool open = false;
  // Media.
  std::set<std::string> sent_payloads;
  int echoed[2] = {0, 0};  // audio, video
  std::optional<uint16_t> first_echoed_video_seq;
  int keyframe_requests = 0;
  std::vector<uint16_t> nacked;
  int foreign = 0;

  template <class Pred>
  bool WaitFor(std::unique_lock<std::mutex>& lock, int seconds, Pred pred) {
    return cv.wait_for(lock, std::chrono::seconds(seconds), pred);
  }
};

struct Result {
  std::vector<std::string> errors;
  std::string json_fields;
  void Fail(const std::string& what) {
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
    errors.push_back(what);
  }
  void Field(const std::string& name, const std::string& value) {
    json_fields += ",\"" + name + "\":" + value;
  }
};

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::optional<uint8_t> PayloadType(const sluice::Track& track, const char* codec) {
  for (const sluice::Codec& c : track.codecs()) {
    if (strcasecmp(c.name.c_str(), codec) == 0) return c.payload_type;
  }
  return std::nullopt;
}

std::vector<uint8_t> RtpPacket(uint8_t pt, uint16_t seq, uint32_t ts, bool marker,
                               const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> p(12 + payload.size());
  p[0] = 0x80;
  p[1] = static_cast<uint8_t>((marker ? 0x80 : 0) | pt);
  p[2] = static_cast<uint8_t>(seq >> 8);
  p[3] = static_cast<uint8_t>(seq);
  for (int i = 0; i < 4; i++) p[4 + i] = static_cast<uint8_t>(ts >> (24 - 8 * i));
  std::copy(payload.begin(), payload.end(), p.begin() + 12);
  return p;
}

void Run(const Args& args, Result& res) {
  Inbox in;  // first: outlives the PeerConnection whose callbacks write into it
  // Split http://host:port/path.
  const std::string prefix = "http://";
  if (args.url.rfind(prefix, 0) != 0) return res.Fail("--url must be http://host:port/path");
  std::string rest = args.url.substr(prefix.size());
  std::string host_port = rest.substr(0, rest.find('/'));
  std::string path = rest.substr(host_port.size());
  httplib::Client http("http://" + host_port);
  http.set_read_timeout(10);

  auto loop = sluice::EventLoop::Create();
  if (!loop.ok() || !(*loop)->Start().ok()) return res.Fail("EventLoop");
  sluice::Configuration config;
  config.bind_addresses = {"127.0.0.1"};
  config.enable_ipv6 = false;
  auto created = sluice::PeerConnection::Create(**loop, config);
  if (!created.ok()) return res.Fail(std::string("PeerConnection::Create: ") + created.error().message);
  std::shared_ptr<sluice::PeerConnection> pc = *created;

  auto dc_result = pc->CreateDataChannel("echo");
  if (!dc_result.ok()) return res.Fail(std::string("CreateDataChannel: ") + dc_result.error().message);
  std::shared_ptr<sluice::DataChannel> dc = *dc_result;
  dc->OnOpen([&in] {
    std::lock_guard<std::mutex> lock(in.mu);
    in.open = true;
    in.cv.notify_all();
  });
  dc->OnMessage([&in](std::span<const uint8_t> data, bool is_binary) {
    std::lock_guard<std::mutex> lock(in.mu);
    in.messages.emplace_back(std::vector<uint8_t>(data.begin(), data.end()), is_binary);
    in.cv.notify_all();
  });
  dc->SetBufferedAmountLowThreshold(1 << 20);

  std::shared_ptr<sluice::Track> tracks[2];
  if (args.media) {
    for (int k = 0; k < 2; k++) {
      auto kind = k == 0 ? sluice::MediaKind::kAudio : sluice::MediaKind::kVideo;
      auto t = pc->AddTrack(kind, "sluice", k == 0 ? "audio" : "video");
      if (!t.ok()) return res.Fail(std::string("AddTrack: ") + t.error().message);
      tracks[k] = *t;
      tracks[k]->OnRtp([&in, k, &args](std::span<const uint8_t> packet) {
        if (packet.size() < 12) return;
        size_t header = 12 + 4 * (packet[0] & 0x0f);
        if (packet[0] & 0x10) {  // RFC 3550 §5.3.1 extension: length in 32-bit words
          if (packet.size() < header + 4) return;
          header += 4 + 4 * ((packet[header + 2] << 8) | packet[header + 3]);
        }
        size_t end = packet.size();
        if ((packet[0] & 0x20) && end > header) end -= packet[end - 1];  // padding
        if (end < header) return;
        std::lock_guard<std::mutex> lock(in.mu);
        in.echoed[k]++;
        if (k == 1 && !in.first_echoed_video_seq) {
          in.first_echoed_video_seq = static_cast<uint16_t>((packet[2] << 8) | packet[3]);
        }
        if (args.identical_payloads &&
            !in.sent_payloads.count(std::string(packet.begin() + static_cast<long>(header),
                                                packet.begin() + static_cast<long>(end)))) {
          in.foreign++;
        }
        in.cv.notify_all();
      });
    }
    tracks[1]->OnKeyFrameRequest([&in] {
      std::lock_guard<std::mutex> lock(in.mu);
      in.keyframe_requests++;
      in.cv.notify_all();
    });
    tracks[1]->OnNack([&in](std::span<const uint16_t> seqs) {
      std::lock_guard<std::mutex> lock(in.mu);
      in.nacked.insert(in.nacked.end(), seqs.begin(), seqs.end());
      in.cv.notify_all();
    });
  }

  auto t0 = Clock::now();
  if (auto r = pc->SetLocalDescription(); !r.ok()) {
    return res.Fail(std::string("SetLocalDescription: ") + r.error().message);
  }
  std::string offer = pc->local_description()->sdp;
  auto post = http.Post(path, offer, "application/sdp");
  if (!post) return res.Fail("POST: " + httplib::to_string(post.error()));
  res.Field("post_status", std::to_string(post->status));
  if (post->status != 201) return res.Fail("POST: " + std::to_string(post->status) + " " + post->body);
  std::string location = post->get_header_value("Location");
  res.Field("location", JsonString(location));
  if (location.empty()) res.Fail("201 without Location");
  if (auto r = pc->SetRemoteDescription({sluice::SdpType::kAnswer, post->body}); !r.ok()) {
    return res.Fail(std::string("SetRemoteDescription: ") + sluice::ToString(r.error().code) + ": " +
                    r.error().message);
  }
  {
    std::unique_lock<std::mutex> lock(in.mu);
    if (!in.WaitFor(lock, 10, [&] { return in.open; })) {
      return res.Fail(std::string("DataChannel did not open in 10 s (connection ") +
                      sluice::ToString(pc->connection_state()) + ")");
    }
  }
  res.Field("connect_ms",
            std::to_string(std::chrono::duration<double, std::milli>(Clock::now() - t0).count()));

  // Media sender thread.
  std::atomic<bool> stop_media{false};
  std::thread media;
  if (args.media) {
    auto opus_pt = PayloadType(*tracks[0], "opus");
    auto vp8_pt = PayloadType(*tracks[1], "VP8");
    if (!opus_pt || !vp8_pt) return res.Fail("opus or VP8 not negotiated");
    media = std::thread([&, apt = *opus_pt, vpt = *vp8_pt] {
      std::vector<uint8_t> key = FromHex(kVp8KeyFrameHex);
      std::vector<uint8_t> opus(std::begin(kOpusSilence), std::end(kOpusSilence));
      {
        std::lock_guard<std::mutex> lock(in.mu);
        in.sent_payloads.insert(std::string(opus.begin(), opus.end()));
      }
      for (uint32_t i = 0; !stop_media.load(); i++) {
        (void)tracks[0]->Send(RtpPacket(apt, static_cast<uint16_t>(i), i * 960, i == 0, opus));
        if (i % 2 == 0) {
          uint32_t pid = (i / 2) & 0x7fff;
          key[2] = static_cast<uint8_t>(0x80 | (pid >> 8));
          key[3] = static_cast<uint8_t>(pid);
          {
            std::lock_guard<std::mutex> lock(in.mu);
            in.sent_payloads.insert(std::string(key.begin(), key.end()));
          }
          (void)tracks[1]->Send(RtpPacket(vpt, static_cast<uint16_t>(i / 2), i / 2 * 3600, true, key));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
  }
  struct Joiner {
    std::atomic<bool>& stop;
    std::thread& t;
    ~Joiner() {
      stop = true;
      if (t.joinable()) t.join();
    }
  } joiner{stop_media, media};

  auto next_message = [&](std::pair<std::vector<uint8_t>, bool>* out, int seconds) {
    std::unique_lock<std::mutex> lock(in.mu);
    if (!in.WaitFor(lock, seconds, [&] { return !in.messages.empty(); })) return false;
    *out = std::move(in.messages.front());
    in.messages.pop_front();
    return true;
  };

  // 1. Ordered binary echo, 64 in flight.
  std::vector<double> rtts;
  std::deque<Clock::time_point> sent_at;
  int next = 0;
  for (int seq = 0; seq < args.messages; seq++) {
    while (next < args.messages && next < seq + 64) {
      auto m = Message(static_cast<uint32_t>(next));
      sent_at.push_back(Clock::now());
      if (auto r = dc->Send(std::span<const uint8_t>(m)); !r.ok()) {
        return res.Fail(std::string("Send: ") + r.error().message);
      }
      next++;
    }
    std::pair<std::vector<uint8_t>, bool> got;
    if (!next_message(&got, 10)) return res.Fail("message " + std::to_string(seq) + ": no echo in 10 s");
    if (!got.second) return res.Fail("message " + std::to_string(seq) + " came back as text");
    if (got.first != Message(static_cast<uint32_t>(seq))) {
      return res.Fail("message " + std::to_string(seq) + ": wrong echo (len " +
                      std::to_string(got.first.size()) + ")");
    }
    rtts.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent_at.front()).count());
    sent_at.pop_front();
  }
  res.Field("messages_echoed", std::to_string(args.messages));
  std::sort(rtts.begin(), rtts.end());
  if (!rtts.empty()) {
    res.Field("window64_rtt_ms_p50", std::to_string(rtts[rtts.size() / 2]));
    res.Field("window64_rtt_ms_p99", std::to_string(rtts[rtts.size() * 99 / 100]));
  }

  // 2. Text stays text.
  for (int i = 0; i < 10; i++) {
    if (!dc->Send(std::string_view("text " + std::to_string(i) + " \xc3\xa9")).ok()) {
      return res.Fail("Send text");
    }
  }
  for (int i = 0; i < 10; i++) {
    std::pair<std::vector<uint8_t>, bool> got;
    std::string want = "text " + std::to_string(i) + " \xc3\xa9";
    if (!next_message(&got, 10) || got.second ||
        std::string(got.first.begin(), got.first.end()) != want) {
      return res.Fail("string " + std::to_string(i) + ": wrong or missing echo");
    }
  }
  res.Field("strings_echoed", "10");

  // 3. Bulk, paced by buffered_amount.
  if (args.bulk_bytes > 0) {
    std::mt19937 rng(7);
    std::vector<uint8_t> sent_stream;
    sent_stream.reserve(args.bulk_bytes);
    auto tb = Clock::now();
    size_t received = 0;
    bool mismatch = false;
    std::vector<uint8_t> chunk;
    for (size_t sent = 0; sent < args.bulk_bytes;) {
      size_t n = std::min(kBulkChunk, args.bulk_bytes - sent);
      chunk.resize(n);
      for (auto& b : chunk) b = static_cast<uint8_t>(rng());
      sent_stream.insert(sent_stream.end(), chunk.begin(), chunk.end());
      for (;;) {
        auto r = dc->Send(std::span<const uint8_t>(chunk));
        if (r.ok()) break;
        if (r.error().code != sluice::ErrorCode::kExhausted) return res.Fail("bulk Send failed");
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      sent += n;
      // Consume echoes as they come so the echo never waits on us.
      std::lock_guard<std::mutex> lock(in.mu);
      while (!in.messages.empty()) {
        auto& m = in.messages.front().first;
        if (received + m.size() > sent_stream.size() ||
            !std::equal(m.begin(), m.end(), sent_stream.begin() + static_cast<long>(received))) {
          mismatch = true;
        }
        received += m.size();
        in.messages.pop_front();
      }
      while (dc->buffered_amount() > (4u << 20)) {
        in.mu.unlock();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        in.mu.lock();
      }
    }
    while (received < args.bulk_bytes && !mismatch) {
      std::pair<std::vector<uint8_t>, bool> got;
      if (!next_message(&got, 20)) break;
      if (received + got.first.size() > sent_stream.size() ||
          !std::equal(got.first.begin(), got.first.end(),
                      sent_stream.begin() + static_cast<long>(received))) {
        mismatch = true;
      }
      received += got.first.size();
    }
    double secs = std::chrono::duration<double>(Clock::now() - tb).count();
    if (mismatch) return res.Fail("bulk: echoed stream differs");
    if (received != args.bulk_bytes) {
      return res.Fail("bulk: " + std::to_string(received) + " of " +
                      std::to_string(args.bulk_bytes) + " bytes echoed");
    }
    res.Field("bulk_bytes", std::to_string(received));
    res.Field("bulk_echo_mbps", std::to_string(static_cast<double>(received) * 8 / secs / 1e6));
  }

  // 4. Echoed media.
  if (args.media) {
    std::unique_lock<std::mutex> lock(in.mu);
    bool got = in.WaitFor(lock, 15, [&] {
      return in.echoed[0] >= args.min_packets && in.echoed[1] >= args.min_packets;
    });
    res.Field("audio_packets_echoed", std::to_string(in.echoed[0]));
    res.Field("video_packets_echoed", std::to_string(in.echoed[1]));
    res.Field("foreign_payloads", std::to_string(in.foreign));
    if (!got) res.Fail("fewer than " + std::to_string(args.min_packets) + " echoed RTP packets per kind in 15 s");
    if (in.foreign > 0) res.Fail(std::to_string(in.foreign) + " echoed payloads were never sent");
    if (args.check_feedback && got) {
      // PLI and NACK about the echoed video must come back to our video sender.
      uint16_t seq = *in.first_echoed_video_seq;
      lock.unlock();
      auto pli = tracks[1]->RequestKeyFrame();
      auto nack = tracks[1]->SendNack(std::span<const uint16_t>(&seq, 1));
      lock.lock();
      if (!pli.ok() || !nack.ok()) res.Fail("RequestKeyFrame/SendNack failed");
      bool back = in.WaitFor(lock, 5, [&] {
        return in.keyframe_requests > 0 &&
               std::find(in.nacked.begin(), in.nacked.end(), seq) != in.nacked.end();
      });
      res.Field("keyframe_requests_received", std::to_string(in.keyframe_requests));
      res.Field("nack_for_echoed_seq_received",
                std::find(in.nacked.begin(), in.nacked.end(), seq) != in.nacked.end() ? "true"
                                                                                        : "false");
      if (!back) res.Fail("PLI/NACK about the echoed video did not come back to our sender in 5 s");
    }
  }
  stop_media = true;
  if (media.joinable()) media.join();

  // 5. DELETE.
  if (!location.empty()) {
    auto del = http.Delete(location);
    res.Field("delete_status", del ? std::to_string(del->status) : "0");
    if (!del || del->status != 200) res.Fail("DELETE " + location + " failed");
  }
  pc->Close();
  (*loop)->Stop();
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--url") args.url = value();
    else if (a == "--messages") args.messages = std::stoi(value());
    else if (a == "--bulk-bytes") args.bulk_bytes = std::stoul(value());
    else if (a == "--no-media") args.media = false;
    else if (a == "--identical-payloads") args.identical_payloads = true;
    else if (a == "--check-feedback") args.check_feedback = true;
    else if (a == "--timeout") args.timeout_s = std::stoi(value());
    else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  Result res;
  std::atomic<bool> done{false};
  std::thread watchdog([&] {
    auto deadline = Clock::now() + std::chrono::seconds(args.timeout_s);
    while (!done.load() && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!done.load()) {
      std::printf("{\"peer\":\"sluice\",\"ok\":false,\"errors\":[\"overall timeout\"]}\n");
      std::fflush(stdout);
      std::_Exit(1);
    }
  });
  Run(args, res);
  done = true;
  watchdog.join();
  std::string errors;
  for (const auto& e : res.errors) errors += (errors.empty() ? "" : ",") + JsonString(e);
  std::printf("{\"peer\":\"sluice\",\"ok\":%s,\"errors\":[%s]%s}\n", res.errors.empty() ? "true" : "false",
              errors.c_str(), res.json_fields.c_str());
  return res.errors.empty() ? 0 : 1;
}
