// Walking a compound RTCP packet.
//
// RFC 3550 §6.1 (https://www.rfc-editor.org/rfc/rfc3550#section-6.1): "Multiple RTCP packets can
// be concatenated without any intervening separators to form a compound RTCP packet":
//
//   if encrypted: random 32-bit integer
//   |
//   |[--------- packet --------][---------- packet ----------][-packet-]
//   |
//   |                receiver            chunk        chunk
//   V                reports           item  item   item  item
//   --------------------------------------------------------------------
//   R[SR #sendinfo #site1#site2][SDES #CNAME PHONE #CNAME LOC][BYE##why]
//   --------------------------------------------------------------------
//   |                                                                  |
//   |<-----------------------  compound packet ----------------------->|
//
// The iterator accepts both full compound packets and RFC 5506 reduced-size packets (e.g. a
// single feedback packet without SR/RR); ValidateRtcpCompound(..., kStrict) adds the RFC 3550
// rule that a compound starts with a report for callers that need it.
//
// Usage:
//   RtcpCompoundIterator it(datagram);
//   for (const RtcpPacketView& packet : it) {
//     if (packet.kind() == RtcpPacketKind::kSenderReport) { auto sr = packet.As<SenderReportView>(); ... }
//   }
//   if (!it.ok()) drop(it.error());  // lying length, bad version, padding misuse, ...
//
// Packets of unknown PT/FMT are yielded with kind kUnknown, not treated as errors. The walk
// stops at the first malformed packet; the packets before it have been yielded already.
//
// Thread rules: not thread-safe; views are valid while the datagram's bytes are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "rtcp/next_range.h"
#include "rtcp/rtcp_packet.h"
#include "sluice/result.h"

namespace sluice {

class RtcpCompoundIterator : public NextRange<RtcpCompoundIterator, RtcpPacketView> {
 public:
  explicit RtcpCompoundIterator(std::span<const uint8_t> compound) : rest_(compound) {}

  // The next packet, or nullopt at the end or on error (then ok() is false and error() says why).
  std::optional<RtcpPacketView> Next();

  bool done() const { return done_; }
  bool ok() const { return !failed_; }
  // Only meaningful when !ok().
  const Error& error() const { return error_; }
  // Packets yielded so far.
  size_t packets_read() const { return packets_read_; }


 private:
  std::span<const uint8_t> rest_;
  size_t packets_read_ = 0;
  bool done_ = false;
  bool failed_ = false;
  Error error_{};
};

enum class RtcpCompoundRule {
  // RFC 5506 §3 reduced-size RTCP allowed: any non-empty sequence of well-formed packets.
  kReducedSizeAllowed,
  // RFC 3550 §6.1: "The first RTCP packet in the compound packet MUST always be a report packet
  // to facilitate header validation" (SR or RR).
  kStrict,
};

inline std::optional<RtcpPacketView> RtcpCompoundIterator::Next() {
  if (done_) return std::nullopt;
  if (rest_.empty()) {
    done_ = true;
    if (packets_read_ == 0) {
      failed_ = true;
      error_ = MakeError(ErrorCode::kTruncated, "rtcp: empty compound packet");
    }
    return std::nullopt;
  }
  auto packet = RtcpPacketView::Parse(rest_);
  if (!packet) {
    done_ = true;
    failed_ = true;
    error_ = packet.error();
    return std::nullopt;
  }
  rest_ = rest_.subspan(packet->bytes().size());
  // RFC 3550 §6.4.1: "padding MUST only be added to the last individual packet, and if padding
  // is added to that packet, the padding bit MUST be set only on that packet."
  if (packet->has_padding() && !rest_.empty()) {
    done_ = true;
    failed_ = true;
    error_ = MakeError(ErrorCode::kMalformed, "rtcp: padding on a packet that is not the last");
    return std::nullopt;
  }
  ++packets_read_;
  return *packet;
}

// Walks the whole compound and returns its packet count, or the first error.
Result<size_t> ValidateRtcpCompound(std::span<const uint8_t> compound, RtcpCompoundRule rule);

}  // namespace sluice
