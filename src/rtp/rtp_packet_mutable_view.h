// In-place rewrite of an RTP header for forwarding (SFU): RFC 3550 §5.1 fields at fixed offsets.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P|X|  CC   |M|     PT      |       sequence number         |   bytes 0-3
//   |                           timestamp                           |   bytes 4-7
//   |           synchronization source (SSRC) identifier            |   bytes 8-11
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RtpPacketMutableView::Parse runs the same checks as RtpPacketView::Parse, then the setters
// store straight into the packet (a PacketBuffer slot), no copy. Element data of an RFC 8285
// extension can be rewritten in place at the same size (abs-send-time, transport-wide seq).
// Rewriting happens before SRTP protect: SRTP authenticates the header.
//
// Thread rules: one writer at a time over the bytes; no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "common/byte_order.h"
#include "common/strong_id.h"
#include "rtp/rtp_packet.h"
#include "sluice/result.h"

namespace sluice {

class RtpPacketMutableView {
 public:
  static Result<RtpPacketMutableView> Parse(std::span<uint8_t> packet) {
    auto view = RtpPacketView::Parse(packet);
    if (!view.ok()) return view.error();
    return RtpPacketMutableView(packet.data(), *view);
  }

  // The read-only view of the same bytes (reflects every write).
  const RtpPacketView& view() const { return view_; }

  void SetMarker(bool marker) {
    data_[1] = static_cast<uint8_t>((data_[1] & 0x7F) | (marker ? 0x80 : 0));
  }
  // Keeps the marker bit; the 7-bit value is masked (PT > 127 cannot be represented).
  void SetPayloadType(PayloadType pt) {
    data_[1] = static_cast<uint8_t>((data_[1] & 0x80) | (pt.value() & 0x7F));
  }
  void SetSequenceNumber(SeqNum seq) { StoreBe16(data_ + 2, seq.value()); }
  void SetTimestamp(uint32_t timestamp) { StoreBe32(data_ + 4, timestamp); }
  void SetSsrc(Ssrc ssrc) { StoreBe32(data_ + 8, ssrc.value()); }

  // Writable data of the first RFC 8285 element with `id`, or an empty span if absent (an
  // element with empty data is also returned empty: there is nothing to rewrite).
  std::span<uint8_t> MutableExtension(uint8_t id) {
    auto data = view_.FindExtension(id);
    if (!data) return {};
    return {data_ + (data->data() - view_.bytes().data()), data->size()};
  }

 private:
  RtpPacketMutableView(uint8_t* data, const RtpPacketView& view) : data_(data), view_(view) {}

  uint8_t* data_;
  RtpPacketView view_;
};

}  // namespace sluice
