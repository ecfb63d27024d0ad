// Lexical helpers shared by the SDP parsers (RFC 8866 §9, "SDP Grammar").
//
//   token-char  = ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "."
//                 / "^" / "_" / "`" / "{" / "|" / "}" / "~"
//   byte-string = 1*(%x01-09/%x0B-0C/%x0E-FF)        ; any byte except NUL, CR or LF
//   integer     = POS-DIGIT *DIGIT
//
// Everything here works on std::string_view slices of the caller's text and never allocates.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/ascii.h"

namespace sluice::sdp {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// RFC 8866 §9 token-char.
constexpr bool IsTokenChar(char c) {
  return IsAlpha(c) || IsDigit(c) ||
         std::string_view("!#$%&'*+-.^_`{|}~").find(c) != std::string_view::npos;
}

// True if `s` is a non-empty RFC 8866 token.
bool IsToken(std::string_view s);

// True if `s` holds no NUL, CR or LF (RFC 8866 byte-string, possibly empty).
bool IsByteString(std::string_view s);

// Case-insensitive ASCII comparison (common/ascii.h).
using sluice::EqualsIgnoreCase;

// Parses a decimal number with 1..`max_digits` digits and no sign, no leading '+', no spaces,
// whose value is at most `max_value`. Leading zeros are accepted ("09" is 9).
std::optional<uint64_t> ParseDecimal(std::string_view s, uint64_t max_value,
                                     size_t max_digits = 20);

// Removes trailing spaces and tabs.
std::string_view TrimTrailingSpace(std::string_view s);
// Removes leading spaces and tabs.
std::string_view TrimLeadingSpace(std::string_view s);

// A cursor that splits a value into fields separated by one or more spaces (SDP fields are
// separated by a single SP; extra spaces are tolerated on input and never produced on output).
class FieldReader {
 public:
  explicit FieldReader(std::string_view s) : rest_(TrimLeadingSpace(s)) {}

  // The next space-separated field, or nullopt at the end.
  std::optional<std::string_view> Next();
  // Everything not consumed yet, without leading spaces.
  std::string_view Rest() const { return rest_; }
  bool empty() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

}  // namespace sluice::sdp
