#include "echo_service.h"

#include <cstdio>
#include <deque>
#include <random>
#include <utility>
#include <vector>

#include "page.h"

namespace echo_peer {

using sluice::DataChannel;
using sluice::ErrorCode;
using sluice::MakeError;
using sluice::MediaKind;
using sluice::PeerConnection;
using sluice::PeerConnectionState;
using sluice::Track;

namespace {

std::string NewResourceId() {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard<std::mutex> lock(mu);
  char id[17];
  std::snprintf(id, sizeof(id), "%016llx", static_cast<unsigned long long>(rng()));
  return id;
}

}  // namespace

// One WHIP session. Everything but the atomics is touched only on the loop thread (callbacks)
// or before the PeerConnection connects (CreateSession).
struct EchoService::Session {
  // One DataChannel's echo: in-order backlog for when the send buffer is full.
  struct Channel {
    std::shared_ptr<DataChannel> dc;
    std::deque<std::pair<std::vector<uint8_t>, bool>> backlog;  // bytes, is_binary
    size_t backlog_bytes = 0;
  };

  std::string id;
  std::shared_ptr<PeerConnection> pc;
  std::vector<std::unique_ptr<Channel>> channels;   // loop thread
  std::vector<std::shared_ptr<Track>> tracks;       // filled during SetRemoteDescription
  EchoTotals* totals = nullptr;
  std::chrono::steady_clock::time_point created = std::chrono::steady_clock::now();
  std::atomic<PeerConnectionState> state{PeerConnectionState::kNew};
  std::atomic<bool> ever_connected{false};
  std::atomic<bool> dead{false};
  std::atomic<uint64_t> messages{0}, rtp_audio{0}, rtp_video{0};
  std::function<void()> wake;

  void Kill(const char* why) {
    if (!dead.exchange(true)) {
      Log(LogLevel::kInfo, "session %s: ending (%s)", id.c_str(), why);
      wake();
    }
  }

  // Sends one echo; false (and leaves the message to the caller) when the buffer is full.
  static bool TrySend(DataChannel& dc, std::span<const uint8_t> data, bool is_binary,
                      bool* fatal) {
    sluice::Result<void> r =
        is_binary ? dc.Send(data)
                  : dc.Send(std::string_view(reinterpret_cast<const char*>(data.data()),
                                             data.size()));
    if (r.ok()) return true;
    if (r.error().code != ErrorCode::kExhausted) {
      Log(LogLevel::kWarn, "echo send failed: %s: %s", sluice::ToString(r.error().code),
          r.error().message);
      *fatal = true;
    }
    return false;
  }

  void OnMessage(Channel& ch, std::span<const uint8_t> data, bool is_binary) {
    messages.fetch_add(1, std::memory_order_relaxed);
    totals->messages.fetch_add(1, std::memory_order_relaxed);
    totals->message_bytes.fetch_add(data.size(), std::memory_order_relaxed);
    bool fatal = false;
    if (ch.backlog.empty() && TrySend(*ch.dc, data, is_binary, &fatal)) return;
    if (fatal) return;  // closed channel: nothing to echo to
    ch.backlog.emplace_back(std::vector<uint8_t>(data.begin(), data.end()), is_binary);
    ch.backlog_bytes += data.size();
    if (ch.backlog_bytes > kMaxBacklogBytes) Kill("peer does not read its echo");
  }

  void Drain(Channel& ch) {
    bool fatal = false;
    while (!ch.backlog.empty()) {
      auto& [bytes, is_binary] = ch.backlog.front();
      if (!TrySend(*ch.dc, bytes, is_binary, &fatal)) break;
      ch.backlog_bytes -= bytes.size();
      ch.backlog.pop_front();
    }
    if (fatal) {
      ch.backlog.clear();
      ch.backlog_bytes = 0;
    }
  }

  void AddChannel(std::shared_ptr<DataChannel> dc) {
    Log(LogLevel::kInfo, "session %s: DataChannel '%s' id %d", id.c_str(), dc->label().c_str(),
        dc->id() ? *dc->id() : -1);
    auto ch = std::make_unique<Channel>();
    Channel* raw = ch.get();
    ch->dc = std::move(dc);
    // Callbacks hold raw pointers: Close() of the PeerConnection drops them before the session
    // (and its channels) is destroyed.
    ch->dc->SetBufferedAmountLowThreshold(1 << 20);
    ch->dc->OnBufferedAmountLow([this, raw] { Drain(*raw); });
    ch->dc->OnMessage([this, raw](std::span<const uint8_t> data, bool is_binary) {
      OnMessage(*raw, data, is_binary);
    });
    channels.push_back(std::move(ch));
  }

  // An audio/video m-line of the offer: answer it sendrecv and echo on it.
  void AddTrack(const std::shared_ptr<Track>& remote) {
    MediaKind kind = remote->kind();
    auto added = pc->AddTrack(kind, "echo-peer", kind == MediaKind::kAudio ? "echo-audio"
                                                                          : "echo-video");
    if (!added.ok()) {
      Log(LogLevel::kWarn, "session %s: AddTrack(%s): %s", id.c_str(), sluice::ToString(kind),
          added.error().message);
      return;
    }
    std::shared_ptr<Track> track = *added;
    if (track != remote) {
      Log(LogLevel::kWarn, "session %s: AddTrack made a new m-line instead of reusing mid %s",
          id.c_str(), remote->mid().c_str());
    }
    Track* t = remote.get();
    std::atomic<uint64_t>* count = kind == MediaKind::kAudio ? &rtp_audio : &rtp_video;
    std::atomic<uint64_t>* total = kind == MediaKind::kAudio ? &totals->rtp_audio
                                                             : &totals->rtp_video;
    EchoTotals* tot = totals;
    t->OnRtp([t, count, total, tot](std::span<const uint8_t> packet) {
      if (t->Send(packet).ok()) {
        count->fetch_add(1, std::memory_order_relaxed);
        total->fetch_add(1, std::memory_order_relaxed);
      } else {
        tot->rtp_send_errors.fetch_add(1, std::memory_order_relaxed);
      }
    });
    // Feedback about the echoed stream is feedback about the peer's own stream.
    t->OnKeyFrameRequest([t, tot] {
      tot->keyframe_requests.fetch_add(1, std::memory_order_relaxed);
      (void)t->RequestKeyFrame();
    });
    t->OnNack([t, tot](std::span<const uint16_t> seqs) {
      tot->nacks.fetch_add(1, std::memory_order_relaxed);
      (void)t->SendNack(seqs);
    });
    tracks.push_back(remote);
    Log(LogLevel::kInfo, "session %s: echoing %s on mid %s", id.c_str(), sluice::ToString(kind),
        remote->mid().c_str());
  }
};

EchoService::EchoService(sluice::EventLoop& loop, const EchoServiceOptions& options)
    : loop_(loop), options_(options) {}

EchoService::~EchoService() { CloseAll(); }

std::string_view EchoService::IndexHtml() const { return kIndexHtml; }

void EchoService::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    work_pending_ = true;
  }
  work_.notify_all();
}

void EchoService::WaitForWork(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  work_.wait_for(lock, timeout, [this] { return work_pending_; });
  work_pending_ = false;
}

sluice::Result<WhipBackend::Created> EchoService::CreateSession(std::string_view offer_sdp) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (sessions_.size() + reserved_ >= options_.max_sessions) {
      return MakeError(ErrorCode::kExhausted, "session limit reached (--max-sessions)");
    }
    reserved_++;
  }
  struct Release {
    EchoService* self;
    ~Release() {
      std::lock_guard<std::mutex> lock(self->mu_);
      self->reserved_--;
    }
  } release{this};

  sluice::Configuration config;
  // A wildcard HTTP bind (0.0.0.0, ::) means "serve every interface": gather ICE candidates on
  // every interface address too (the library's default for an empty list).
  const std::string& bind = options_.bind_address;
  if (bind != "0.0.0.0" && bind != "::") config.bind_addresses = {bind};
  config.enable_ipv6 = bind.find(':') != std::string::npos;
  auto created = PeerConnection::Create(loop_, config);
  if (!created.ok()) return created.error();

  auto session = std::make_shared<Session>();
  session->id = NewResourceId();
  session->pc = *created;
  session->totals = &totals_;
  session->wake = [this] { Wake(); };
  Session* s = session.get();
  PeerConnection& pc = *session->pc;
  pc.OnDataChannel([s](std::shared_ptr<DataChannel> dc) { s->AddChannel(std::move(dc)); });
  pc.OnTrack([s](std::shared_ptr<Track> track) { s->AddTrack(track); });
  pc.OnConnectionStateChange([s](PeerConnectionState state) {
    s->state.store(state);
    Log(LogLevel::kInfo, "session %s: %s", s->id.c_str(), sluice::ToString(state));
    if (state == PeerConnectionState::kConnected) s->ever_connected.store(true);
    if (state == PeerConnectionState::kFailed) s->Kill("connection failed");
    if (state == PeerConnectionState::kClosed) s->Kill("connection closed");
  });
  pc.OnError([s](sluice::Error e) {
    Log(LogLevel::kWarn, "session %s: %s: %s", s->id.c_str(), sluice::ToString(e.code),
        e.message);
  });

  auto fail = [&](sluice::Error e, const char* step) -> sluice::Error {
    Log(LogLevel::kInfo, "offer refused at %s: %s: %s", step, sluice::ToString(e.code), e.message);
    pc.Close();
    return e;
  };
  if (auto r = pc.SetRemoteDescription({sluice::SdpType::kOffer, std::string(offer_sdp)});
      !r.ok()) {
    return fail(r.error(), "SetRemoteDescription");
  }
  if (auto r = pc.SetLocalDescription(); !r.ok()) return fail(r.error(), "SetLocalDescription");
  auto local = pc.local_description();
  if (!local) return fail(MakeError(ErrorCode::kInternal, "no local description"), "answer");
  Created out{session->id, local->sdp};
  if (LogEnabled(LogLevel::kDebug)) {
    Log(LogLevel::kDebug, "session %s offer:\n%.*s", s->id.c_str(),
        static_cast<int>(offer_sdp.size()), offer_sdp.data());
    Log(LogLevel::kDebug, "session %s answer:\n%s", s->id.c_str(), out.answer_sdp.c_str());
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.emplace(session->id, std::move(session));
  }
  totals_.sessions_created.fetch_add(1);
  Log(LogLevel::kInfo, "session %s: created (%zu m-lines echoed as tracks)", out.resource_id.c_str(),
      s->tracks.size());
  return out;
}

bool EchoService::DeleteSession(std::string_view resource_id) {
  std::shared_ptr<Session> session;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sessions_.find(resource_id);
    if (it == sessions_.end()) return false;
    session = std::move(it->second);
    sessions_.erase(it);
  }
  Log(LogLevel::kInfo, "session %s: DELETE", session->id.c_str());
  session->pc->Close();  // no callback runs after this: the session may go
  totals_.sessions_removed.fetch_add(1);
  return true;
}

size_t EchoService::Reap() {
  std::vector<std::shared_ptr<Session>> gone;
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      Session& s = *it->second;
      bool stale = !s.ever_connected.load() && now - s.created > kConnectTimeout;
      if (s.dead.load() || stale) {
        if (stale) Log(LogLevel::kInfo, "session %s: never connected", s.id.c_str());
        gone.push_back(std::move(it->second));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& s : gone) {
    s->pc->Close();
    totals_.sessions_removed.fetch_add(1);
    Log(LogLevel::kInfo, "session %s: removed (%llu messages, %llu audio + %llu video RTP echoed)",
        s->id.c_str(), static_cast<unsigned long long>(s->messages.load()),
        static_cast<unsigned long long>(s->rtp_audio.load()),
        static_cast<unsigned long long>(s->rtp_video.load()));
  }
  return gone.size();
}

void EchoService::CloseAll() {
  std::map<std::string, std::shared_ptr<Session>, std::less<>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.swap(sessions_);
  }
  for (auto& [id, s] : all) {
    s->pc->Close();
    totals_.sessions_removed.fetch_add(1);
  }
  if (!all.empty()) Log(LogLevel::kInfo, "closed %zu sessions", all.size());
}

size_t EchoService::session_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

std::string EchoService::StatsJson() const {
  auto u = [](const std::atomic<uint64_t>& v) {
    return std::to_string(v.load(std::memory_order_relaxed));
  };
  std::string out = "{";
  out += "\"sessions_created\":" + u(totals_.sessions_created);
  out += ",\"sessions_removed\":" + u(totals_.sessions_removed);
  out += ",\"max_sessions\":" + std::to_string(options_.max_sessions);
  out += ",\"messages_echoed\":" + u(totals_.messages);
  out += ",\"message_bytes_echoed\":" + u(totals_.message_bytes);
  out += ",\"rtp_audio_echoed\":" + u(totals_.rtp_audio);
  out += ",\"rtp_video_echoed\":" + u(totals_.rtp_video);
  out += ",\"rtp_send_errors\":" + u(totals_.rtp_send_errors);
  out += ",\"keyframe_requests_forwarded\":" + u(totals_.keyframe_requests);
  out += ",\"nacks_forwarded\":" + u(totals_.nacks);
  out += ",\"sessions\":[";
  std::lock_guard<std::mutex> lock(mu_);
  auto now = std::chrono::steady_clock::now();
  bool first = true;
  for (const auto& [id, s] : sessions_) {
    if (!first) out += ',';
    first = false;
    double age = std::chrono::duration<double>(now - s->created).count();
    char age_text[32];
    std::snprintf(age_text, sizeof(age_text), "%.1f", age);
    out += "{\"id\":\"" + id + "\",\"state\":\"" + sluice::ToString(s->state.load()) +
           "\",\"age_s\":" + age_text + ",\"messages\":" + u(s->messages) +
           ",\"rtp_audio\":" + u(s->rtp_audio) + ",\"rtp_video\":" + u(s->rtp_video) + "}";
  }
  out += "]}";
  return out;
}

}  // namespace echo_peer
