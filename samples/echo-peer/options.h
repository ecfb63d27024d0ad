// echo-peer's command line: echo-peer --port P [--bind ADDR] [--max-sessions N] [--log-level L]
#pragma once

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "log.h"

namespace echo_peer {

struct Options {
  int port = 8080;                     // HTTP port; 0 picks a free one (printed at start)
  std::string bind = "127.0.0.1";      // HTTP listen address and ICE host candidate address
  size_t max_sessions = 16;            // concurrent WHIP sessions; 503 past it
  LogLevel log_level = LogLevel::kInfo;
  size_t max_sdp_bytes = 64 * 1024;    // largest offer (413 past it)
};

struct ParseFailure { std::string message; };  // one line for stderr, then the usage
struct HelpRequested {};

std::variant<Options, ParseFailure, HelpRequested> ParseOptions(const std::vector<std::string>& args);
const char* Usage();

}  // namespace echo_peer
