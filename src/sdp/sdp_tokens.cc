#include "sdp/sdp_tokens.h"

#include "common/ascii.h"

namespace sluice::sdp {

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

bool IsByteString(std::string_view s) {
  for (char c : s) {
    if (c == '\0' || c == '\r' || c == '\n') return false;
  }
  return true;
}

std::optional<uint64_t> ParseDecimal(std::string_view s, uint64_t max_value, size_t max_digits) {
  if (s.empty() || s.size() > max_digits || s.size() > 20) return std::nullopt;
  uint64_t value = 0;
  for (char c : s) {
    if (!IsDigit(c)) return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;  // overflow
    value = value * 10 + digit;
  }
  if (value > max_value) return std::nullopt;
  return value;
}

std::string_view TrimTrailingSpace(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view TrimLeadingSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

std::optional<std::string_view> FieldReader::Next() {
  if (rest_.empty()) return std::nullopt;
  size_t end = 0;
  while (end < rest_.size() && rest_[end] != ' ' && rest_[end] != '\t') ++end;
  std::string_view field = rest_.substr(0, end);
  rest_ = TrimLeadingSpace(rest_.substr(end));
  return field;
}

}  // namespace sluice::sdp
