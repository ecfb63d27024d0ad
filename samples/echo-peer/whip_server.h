// The HTTP side of echo-peer: WHIP (RFC 9725) over cpp-httplib, independent of what answers the
// offers (a WhipBackend), so it is unit-tested with a fake backend.
//
//   POST /whip (Content-Type: application/sdp)  -> 201 Created, Location: /whip/resource/<id>,
//                                                  Content-Type: application/sdp, the answer
//   DELETE /whip/resource/<id>                   -> 200 (404 if unknown)
//   PATCH /whip/resource/<id>                    -> 405: no trickle ICE (RFC 9725 §4.3.1); the
//                                                  answer carries every candidate
//   OPTIONS *                                    -> 204 with CORS headers and Accept-Post
//   GET /                                        -> the page (backend's IndexHtml)
//   GET /stats                                   -> the backend's JSON
// Errors carry a one-line text/plain reason: 400 bad offer, 404 unknown path or resource,
// 405 wrong method, 413 offer over max_sdp_bytes, 415 not application/sdp, 503 past the session
// limit. Every response carries Access-Control-Allow-Origin: * and exposes Location, so a page
// from another origin can use the endpoint (WHIP clients in browsers do).
#pragma once

#include <httplib.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <thread>

#include "sluice/result.h"

namespace echo_peer {

// What answers the offers. Called from the HTTP server's threads, concurrently.
class WhipBackend {
 public:
  virtual ~WhipBackend() = default;

  struct Created {
    std::string resource_id;  // [A-Za-z0-9]+, used in the Location path
    std::string answer_sdp;
  };
  // Creates a session for this offer. Errors map to HTTP: kExhausted -> 503; kMalformed,
  // kTruncated, kInvalidArgument, kUnsupported, kInvalidState -> 400; anything else -> 500.
  // The error's message is sent as the one-line reason.
  virtual sluice::Result<Created> CreateSession(std::string_view offer_sdp) = 0;
  // Ends the session; false if there is no such resource.
  virtual bool DeleteSession(std::string_view resource_id) = 0;
  virtual std::string StatsJson() const = 0;
  virtual std::string_view IndexHtml() const = 0;
};

struct WhipServerOptions {
  // Largest offer accepted (413 past it). Browser offers with audio, video and data are ~5 KiB.
  size_t max_sdp_bytes = 64 * 1024;
  // HTTP read/write timeouts, seconds.
  int io_timeout_s = 5;
};

// The HTTP status for a backend error (see WhipBackend::CreateSession).
int StatusForError(sluice::ErrorCode code);

class WhipServer {
 public:
  WhipServer(WhipBackend& backend, const WhipServerOptions& options = {});
  ~WhipServer();  // Stop()
  WhipServer(const WhipServer&) = delete;
  WhipServer& operator=(const WhipServer&) = delete;

  // Binds the listening socket (port 0: any free port). kInvalidArgument if it cannot bind.
  sluice::Result<void> Bind(const std::string& address, int port);
  int port() const { return port_; }
  // Serves on a thread of its own (after Bind).
  sluice::Result<void> Start();
  // Stops serving and joins the thread. Idempotent.
  void Stop();

 private:
  void Route();

  WhipBackend& backend_;
  WhipServerOptions options_;
  httplib::Server http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace echo_peer
