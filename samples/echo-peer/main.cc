// echo-peer: a WHIP (RFC 9725) endpoint that echoes everything a WebRTC peer sends, built on
// sluice. See README.md beside this file.
//
//   echo-peer --port 8080            then open http://127.0.0.1:8080/ in a browser
//
// Threads: main (signals, session reaping), the HTTP server's, and one sluice::EventLoop thread
// that runs every PeerConnection. SIGINT/SIGTERM stop the HTTP server, close every session
// (DTLS close_notify, SCTP abort) and exit 0.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <variant>
#include <vector>

#include "echo_service.h"
#include "log.h"
#include "options.h"
#include "sluice/event_loop.h"
#include "sluice/version.h"
#include "whip_server.h"

using namespace echo_peer;

int main(int argc, char** argv) {
  auto parsed = ParseOptions(std::vector<std::string>(argv + 1, argv + argc));
  if (std::holds_alternative<HelpRequested>(parsed)) {
    std::fputs(Usage(), stdout);
    return 0;
  }
  if (auto* failure = std::get_if<ParseFailure>(&parsed)) {
    std::fprintf(stderr, "echo-peer: %s\n%s", failure->message.c_str(), Usage());
    return 2;
  }
  const Options options = std::get<Options>(parsed);
  SetLogLevel(options.log_level);

  // Signals are taken synchronously by the main thread (sigtimedwait below): block them before
  // any thread starts so every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto loop = sluice::EventLoop::Create();
  if (!loop.ok()) {
    Log(LogLevel::kError, "EventLoop::Create: %s", loop.error().message);
    return 1;
  }
  if (auto r = (*loop)->Start(); !r.ok()) {
    Log(LogLevel::kError, "EventLoop::Start: %s", r.error().message);
    return 1;
  }
  int status = 0;
  {
    EchoService service(**loop, {options.bind, options.max_sessions});
    WhipServer http(service, {options.max_sdp_bytes});
    if (auto r = http.Bind(options.bind, options.port); !r.ok()) {
      Log(LogLevel::kError, "cannot listen on %s port %d", options.bind.c_str(), options.port);
      status = 1;
    } else if (auto s = http.Start(); !s.ok()) {
      Log(LogLevel::kError, "HTTP server: %s", s.error().message);
      status = 1;
    } else {
      const bool v6 = options.bind.find(':') != std::string::npos;
      std::printf("echo-peer listening on http://%s%s%s:%d/ (WHIP endpoint /whip)\n",
                  v6 ? "[" : "", options.bind.c_str(), v6 ? "]" : "", http.port());
      std::fflush(stdout);
      Log(LogLevel::kInfo, "max %zu sessions", options.max_sessions);
      for (;;) {
        timespec tick{0, 0};
        service.WaitForWork(std::chrono::milliseconds(250));
        service.Reap();
        int sig = sigtimedwait(&stop_signals, nullptr, &tick);
        if (sig == SIGINT || sig == SIGTERM) {
          Log(LogLevel::kInfo, "%s: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
          break;
        }
      }
      http.Stop();
      service.CloseAll();
      Log(LogLevel::kInfo, "stats at exit: %s", service.StatsJson().c_str());
    }
  }
  (*loop)->Stop();
  return status;
}
