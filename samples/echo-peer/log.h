// echo-peer's logging: one line per event on stderr, filtered by --log-level.
#pragma once

#include <cstdarg>
#include <optional>
#include <string_view>

namespace echo_peer {

enum class LogLevel { kError, kWarn, kInfo, kDebug };

std::optional<LogLevel> ParseLogLevel(std::string_view name);  // error|warn|info|debug
void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);
// printf-style; prefixed with the UTC time and the level.
void Log(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));

}  // namespace echo_peer
