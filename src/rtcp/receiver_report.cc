#include "rtcp/receiver_report.h"

#include "common/byte_order.h"

namespace sluice {

Result<ReceiverReportView> ReceiverReportView::Parse(std::span<const uint8_t> packet) {
  auto view = ParseSinglePacket(packet, RtcpPacketKind::kReceiverReport);
  if (!view) return view.error();
  return Parse(*view);
}

Result<ReceiverReportView> ReceiverReportView::Parse(const RtcpPacketView& packet) {
  if (auto k = CheckKind(packet, RtcpPacketKind::kReceiverReport); !k) return k.error();
  auto payload = packet.payload();
  if (payload.size() < kFixedSize) {
    return MakeError(ErrorCode::kTruncated, "rtcp rr: shorter than the sender SSRC");
  }
  auto rest = SplitReportBlocks(payload.subspan(kFixedSize), packet.count());
  if (!rest) {
    return MakeError(ErrorCode::kMalformed, "rtcp rr: report count exceeds the packet length");
  }
  ReceiverReportView v;
  v.payload_ = payload;
  v.blocks_ = rest->blocks;
  v.extensions_ = rest->extensions;
  return v;
}

Ssrc ReceiverReportView::sender_ssrc() const { return Ssrc(LoadBe32(payload_.data())); }

ReceiverReport ReceiverReport::FromView(const ReceiverReportView& view) {
  ReceiverReport rr;
  rr.sender_ssrc = view.sender_ssrc();
  CopyReportBlocks(view.report_blocks(), rr.report_blocks);
  return rr;
}

size_t ReceiverReport::SerializedSize() const {
  return kRtcpHeaderSize + ReceiverReportView::kFixedSize +
         report_blocks.size() * ReportBlock::kSize;
}

Result<size_t> ReceiverReport::SerializeTo(std::span<uint8_t> out) const {
  const size_t size = SerializedSize();
  if (auto c = CheckSerializeSize(size, out.size()); !c) return c.error();
  uint8_t* p = out.data();
  WriteRtcpHeader(p, static_cast<uint8_t>(report_blocks.size()), RtcpPacketType::kReceiverReport,
                  size);
  StoreBe32(p + 4, sender_ssrc.value());
  p += kRtcpHeaderSize + ReceiverReportView::kFixedSize;
  WriteReportBlocks(report_blocks, p);
  return size;
}

}  // namespace sluice
