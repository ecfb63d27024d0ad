// DCEP (RFC 8832 §5) parser: parse, walk, and if it parsed, serialize and re-parse: the round
// trip must give the same fields (abort otherwise).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "sctp/dcep_message.h"

using sluice::sctp::DcepAck;
using sluice::sctp::DcepMessageType;
using sluice::sctp::DcepOpen;
using sluice::sctp::PeekDcepType;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  auto type = PeekDcepType(in);
  auto ack = DcepAck::Parse(in);
  auto open = DcepOpen::Parse(in);
  if (ack.ok()) {
    uint8_t out[1];
    if (!ack->SerializeTo(out).ok() || !DcepAck::Parse(out).ok()) std::abort();
    if (!type.ok() || *type != DcepMessageType::kAck) std::abort();
  }
  if (!open.ok()) return 0;
  if (!type.ok() || *type != DcepMessageType::kOpen) std::abort();
  // Walk the views: they must lie inside the input.
  if (open->label.size() && (open->label.data() < data || open->label.data() + open->label.size() > data + size)) std::abort();
  if (open->protocol.size() && (open->protocol.data() < data || open->protocol.data() + open->protocol.size() > data + size)) std::abort();
  volatile uint8_t sink = 0;
  for (uint8_t b : open->label) sink = sink ^ b;
  for (uint8_t b : open->protocol) sink = sink ^ b;
  std::vector<uint8_t> out(open->SerializedSize());
  auto n = open->SerializeTo(out);
  if (!n.ok() || *n != out.size()) std::abort();
  auto back = DcepOpen::Parse(out);
  if (!back.ok()) std::abort();
  if (back->channel_type != open->channel_type || back->priority != open->priority ||
      back->reliability_parameter != open->reliability_parameter ||
      back->label_view() != open->label_view() || back->protocol_view() != open->protocol_view()) {
    std::abort();
  }
  // A buffer one byte short must be refused, never overrun.
  if (!out.empty() && open->SerializeTo(std::span<uint8_t>(out.data(), out.size() - 1)).ok()) std::abort();
  return 0;
}
