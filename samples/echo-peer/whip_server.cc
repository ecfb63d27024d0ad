#include "whip_server.h"

#include <sys/socket.h>

#include <cctype>
#include <chrono>
#include <string>
#include <utility>

namespace echo_peer {
namespace {

constexpr char kText[] = "text/plain";
constexpr char kResourcePattern[] = R"(/whip/resource/([A-Za-z0-9]{1,64}))";

void Reason(httplib::Response& res, int status, std::string reason) {
  res.status = status;
  reason += '\n';
  res.set_content(reason, kText);
}

const char* DefaultReason(int status) {
  switch (status) {
    case 400: return "bad request";
    case 404: return "no such resource";
    case 405: return "method not allowed";
    case 413: return "offer too large";
    case 415: return "Content-Type must be application/sdp";
    case 503: return "too many sessions";
    default: return "error";
  }
}

// RFC 9725 §4.2: the offer is application/sdp (parameters allowed, case-insensitive type).
bool IsSdp(const httplib::Request& req) {
  std::string type = req.get_header_value("Content-Type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type == "application/sdp";
}

}  // namespace

int StatusForError(sluice::ErrorCode code) {
  switch (code) {
    case sluice::ErrorCode::kExhausted: return 503;
    case sluice::ErrorCode::kMalformed:
    case sluice::ErrorCode::kTruncated:
    case sluice::ErrorCode::kInvalidArgument:
    case sluice::ErrorCode::kUnsupported:
    case sluice::ErrorCode::kInvalidState:
    case sluice::ErrorCode::kAuthFailed: return 400;
    default: return 500;
  }
}

WhipServer::WhipServer(WhipBackend& backend, const WhipServerOptions& options)
    : backend_(backend), options_(options) {
  Route();
}

WhipServer::~WhipServer() { Stop(); }

void WhipServer::Route() {
  // httplib's default also sets SO_REUSEPORT, which would let a second echo-peer share the port
  // silently: keep only SO_REUSEADDR (restart while old connections linger in TIME_WAIT).
  http_.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  http_.set_payload_max_length(options_.max_sdp_bytes);
  http_.set_read_timeout(options_.io_timeout_s, 0);
  // Idle keep-alive connections hold a worker until this passes, and Stop() waits for them.
  http_.set_keep_alive_timeout(2);
  http_.set_write_timeout(options_.io_timeout_s, 0);
  http_.set_default_headers({{"Access-Control-Allow-Origin", "*"},
                             {"Access-Control-Expose-Headers", "Location, Link"}});
  // Every error leaves with a one-line reason, including those httplib makes itself (413 for a
  // body over the limit, 404 for an unrouted path).
  http_.set_error_handler(httplib::Server::HandlerWithResponse(
      [max = options_.max_sdp_bytes](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (res.status == 413) {
      Reason(res, 413, "offer larger than " + std::to_string(max) + " bytes");
    } else {
      Reason(res, res.status, DefaultReason(res.status));
    }
    return httplib::Server::HandlerResponse::Handled;
  }));

  http_.Options(R"(.*)", [](const httplib::Request&, httplib::Response& res) {
    res.status = 204;
    res.set_header("Access-Control-Allow-Methods", "POST, DELETE, PATCH, OPTIONS");
    res.set_header("Access-Control-Allow-Headers", "Content-Type, If-Match, Authorization");
    res.set_header("Access-Control-Max-Age", "600");
    res.set_header("Accept-Post", "application/sdp");  // RFC 9725 §4.2
  });

  http_.Get("/", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(backend_.IndexHtml()), "text/html; charset=utf-8");
    res.set_header("Cache-Control", "no-store");
  });
  http_.Get("/stats", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(backend_.StatsJson(), "application/json");
    res.set_header("Cache-Control", "no-store");
  });

  http_.Post("/whip", [this](const httplib::Request& req, httplib::Response& res) {
    if (!IsSdp(req)) return Reason(res, 415, "Content-Type must be application/sdp");
    if (req.body.empty()) return Reason(res, 400, "empty offer");
    auto created = backend_.CreateSession(req.body);
    if (!created.ok()) {
      const sluice::Error& e = created.error();
      return Reason(res, StatusForError(e.code),
                    std::string("offer refused: ") + sluice::ToString(e.code) + ": " + e.message);
    }
    res.status = 201;
    res.set_header("Location", "/whip/resource/" + created->resource_id);
    res.set_content(std::move(created->answer_sdp), "application/sdp");
  });
  auto not_allowed = [](const char* allow) {
    return [allow](const httplib::Request&, httplib::Response& res) {
      res.set_header("Allow", allow);
      Reason(res, 405, std::string("method not allowed here (allowed: ") + allow + ")");
    };
  };
  http_.Get("/whip", not_allowed("POST, OPTIONS"));
  http_.Delete("/whip", not_allowed("POST, OPTIONS"));
  http_.Patch("/whip", not_allowed("POST, OPTIONS"));

  http_.Delete(kResourcePattern, [this](const httplib::Request& req, httplib::Response& res) {
    if (!backend_.DeleteSession(req.matches[1].str())) {
      return Reason(res, 404, "no such resource");
    }
    res.status = 200;
  });
  http_.Patch(kResourcePattern, [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Allow", "DELETE, OPTIONS");
    Reason(res, 405, "trickle ICE not supported: the answer carries every candidate");
  });
  http_.Get(kResourcePattern, not_allowed("DELETE, OPTIONS"));
  http_.Post(kResourcePattern, not_allowed("DELETE, OPTIONS"));
}

sluice::Result<void> WhipServer::Bind(const std::string& address, int port) {
  if (port == 0) {
    port_ = http_.bind_to_any_port(address);
    if (port_ <= 0) return sluice::MakeError(sluice::ErrorCode::kInvalidArgument, "cannot bind");
  } else {
    if (!http_.bind_to_port(address, port)) {
      return sluice::MakeError(sluice::ErrorCode::kInvalidArgument, "cannot bind");
    }
    port_ = port;
  }
  return {};
}

sluice::Result<void> WhipServer::Start() {
  if (port_ <= 0) return sluice::MakeError(sluice::ErrorCode::kInvalidState, "Bind first");
  if (thread_.joinable()) return {};
  thread_ = std::thread([this] { http_.listen_after_bind(); });
  // httplib's stop() only acts on a running server: wait until it runs so Stop() cannot miss it.
  for (int i = 0; i < 2000 && !http_.is_running(); i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!http_.is_running()) return sluice::MakeError(sluice::ErrorCode::kInternal, "HTTP server did not start");
  return {};
}

void WhipServer::Stop() {
  http_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace echo_peer
