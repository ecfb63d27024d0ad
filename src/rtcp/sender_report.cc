#include "rtcp/sender_report.h"

#include "common/byte_order.h"

namespace sluice {

Result<SenderReportView> SenderReportView::Parse(std::span<const uint8_t> packet) {
  auto view = ParseSinglePacket(packet, RtcpPacketKind::kSenderReport);
  if (!view) return view.error();
  return Parse(*view);
}

Result<SenderReportView> SenderReportView::Parse(const RtcpPacketView& packet) {
  if (auto k = CheckKind(packet, RtcpPacketKind::kSenderReport); !k) return k.error();
  auto payload = packet.payload();
  if (payload.size() < kFixedSize) {
    return MakeError(ErrorCode::kTruncated, "rtcp sr: shorter than SSRC and sender info");
  }
  auto rest = SplitReportBlocks(payload.subspan(kFixedSize), packet.count());
  if (!rest) {
    return MakeError(ErrorCode::kMalformed, "rtcp sr: report count exceeds the packet length");
  }
  SenderReportView v;
  v.payload_ = payload;
  v.blocks_ = rest->blocks;
  v.extensions_ = rest->extensions;
  return v;
}

Ssrc SenderReportView::sender_ssrc() const { return Ssrc(LoadBe32(payload_.data())); }
uint64_t SenderReportView::ntp_timestamp() const { return LoadBe64(payload_.data() + 4); }
uint32_t SenderReportView::rtp_timestamp() const { return LoadBe32(payload_.data() + 12); }
uint32_t SenderReportView::packet_count() const { return LoadBe32(payload_.data() + 16); }
uint32_t SenderReportView::octet_count() const { return LoadBe32(payload_.data() + 20); }

SenderReport SenderReport::FromView(const SenderReportView& view) {
  SenderReport sr;
  sr.sender_ssrc = view.sender_ssrc();
  sr.ntp_timestamp = view.ntp_timestamp();
  sr.rtp_timestamp = view.rtp_timestamp();
  sr.packet_count = view.packet_count();
  sr.octet_count = view.octet_count();
  CopyReportBlocks(view.report_blocks(), sr.report_blocks);
  return sr;
}

size_t SenderReport::SerializedSize() const {
  return kRtcpHeaderSize + SenderReportView::kFixedSize + report_blocks.size() * ReportBlock::kSize;
}

Result<size_t> SenderReport::SerializeTo(std::span<uint8_t> out) const {
  const size_t size = SerializedSize();
  if (auto c = CheckSerializeSize(size, out.size()); !c) return c.error();
  uint8_t* p = out.data();
  WriteRtcpHeader(p, static_cast<uint8_t>(report_blocks.size()), RtcpPacketType::kSenderReport,
                  size);
  StoreBe32(p + 4, sender_ssrc.value());
  StoreBe64(p + 8, ntp_timestamp);
  StoreBe32(p + 16, rtp_timestamp);
  StoreBe32(p + 20, packet_count);
  StoreBe32(p + 24, octet_count);
  p += kRtcpHeaderSize + SenderReportView::kFixedSize;
  WriteReportBlocks(report_blocks, p);
  return size;
}

}  // namespace sluice
