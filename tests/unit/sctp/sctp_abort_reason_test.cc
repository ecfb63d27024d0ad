#include "sctp/sctp_abort_reason.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace sluice::sctp {
namespace {

TEST(AbortReason, UserInitiatedAbort) {
  // ABORT chunk with one User-Initiated Abort cause (code 12, length 4).
  const std::vector<uint8_t> chunk = {0x06, 0x00, 0x00, 0x08, 0x00, 0x0c, 0x00, 0x04};
  EXPECT_EQ(std::string_view(AbortReason(chunk, "x")), "sctp: peer aborted: user initiated abort");
}

TEST(AbortReason, ProtocolViolation) {
  const std::vector<uint8_t> chunk = {0x06, 0x00, 0x00, 0x0c, 0x00, 0x0d, 0x00, 0x08, 'a', 'b', 'c', 'd'};
  EXPECT_EQ(std::string_view(AbortReason(chunk, "x")), "sctp: peer aborted: protocol violation");
}

TEST(AbortReason, NoChunkGivesFallback) {
  EXPECT_EQ(std::string_view(AbortReason({}, "fallback")), "fallback");
  const std::vector<uint8_t> not_abort = {0x01, 0x00, 0x00, 0x08, 0x00, 0x0c, 0x00, 0x04};
  EXPECT_EQ(std::string_view(AbortReason(not_abort, "fallback")), "fallback");
}

TEST(AbortReason, LyingLengthsNeverReadPastTheEnd) {
  const std::vector<uint8_t> full = {0x06, 0x00, 0x00, 0x08, 0x00, 0x0c, 0x00, 0x04};
  for (size_t n = 0; n < full.size(); ++n) {
    std::string_view r = AbortReason(std::span<const uint8_t>(full.data(), n), "fb");
    EXPECT_TRUE(r == "fb" || r == "sctp: peer aborted the association") << n;
  }
  const std::vector<uint8_t> cause_too_long = {0x06, 0x00, 0x00, 0x08, 0x00, 0x0c, 0x00, 0x40};
  EXPECT_EQ(std::string_view(AbortReason(cause_too_long, "fb")), "sctp: peer aborted the association");
  const std::vector<uint8_t> chunk_too_long = {0x06, 0x00, 0x01, 0x00, 0x00, 0x0c, 0x00, 0x04};
  EXPECT_EQ(std::string_view(AbortReason(chunk_too_long, "fb")), "sctp: peer aborted the association");
}

}  // namespace
}  // namespace sluice::sctp
