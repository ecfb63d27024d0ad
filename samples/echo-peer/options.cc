#include "options.h"

#include <arpa/inet.h>

#include <charconv>

namespace echo_peer {
namespace {

bool ParseNumber(const std::string& text, long long lo, long long hi, long long* out) {
  long long v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) return false;
  *out = v;
  return true;
}

bool IsIpAddress(const std::string& text) {
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

}  // namespace

const char* Usage() {
  return "usage: echo-peer --port P [--bind ADDR] [--max-sessions N] [--log-level L]\n"
         "  --port P          HTTP port of the WHIP endpoint (default 8080; 0: any free port)\n"
         "  --bind ADDR       IPv4/IPv6 address for HTTP and ICE (default 127.0.0.1)\n"
         "  --max-sessions N  concurrent sessions, 503 past it (default 16)\n"
         "  --log-level L     error | warn | info | debug (default info)\n"
         "POST /whip an SDP offer (RFC 9725); open http://ADDR:P/ in a browser to try it.\n";
}

std::variant<Options, ParseFailure, HelpRequested> ParseOptions(
    const std::vector<std::string>& args) {
  Options o;
  for (size_t i = 0; i < args.size(); i++) {
    const std::string& flag = args[i];
    if (flag == "-h" || flag == "--help") return HelpRequested{};
    std::string value;
    std::string name = flag;
    if (auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = flag.substr(0, eq);
      value = flag.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return ParseFailure{flag + " needs a value"};
    }
    long long n = 0;
    if (name == "--port") {
      if (!ParseNumber(value, 0, 65535, &n)) return ParseFailure{"--port: 0..65535, got " + value};
      o.port = static_cast<int>(n);
    } else if (name == "--bind") {
      if (!IsIpAddress(value)) return ParseFailure{"--bind: an IPv4 or IPv6 address, got " + value};
      o.bind = value;
    } else if (name == "--max-sessions") {
      if (!ParseNumber(value, 1, 100000, &n)) {
        return ParseFailure{"--max-sessions: 1..100000, got " + value};
      }
      o.max_sessions = static_cast<size_t>(n);
    } else if (name == "--log-level") {
      auto level = ParseLogLevel(value);
      if (!level) return ParseFailure{"--log-level: error|warn|info|debug, got " + value};
      o.log_level = *level;
    } else {
      return ParseFailure{"unknown option " + name};
    }
  }
  return o;
}

}  // namespace echo_peer
