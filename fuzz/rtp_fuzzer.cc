// Fuzz target `rtp`: RtpPacketView::Parse, Validate, the RFC 8285 element walk and lookup, the
// in-place rewrite view, and a round trip through RtpHeader::FromView + SerializePacketTo.
// Any broken invariant aborts. Seeds: fuzz/corpus/rtp/ (Chromium captures and crafted edges).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "rtp/rtp_header.h"
#include "rtp/rtp_packet.h"
#include "rtp/rtp_packet_mutable_view.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

bool SameBytes(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

// Every element of `ext`, in order, as seen by the iterator; also cross-checks Find().
size_t WalkExtensions(const sluice::RtpHeaderExtensions& ext, std::span<const uint8_t> packet,
                      sluice::RtpExtensionElement* out, size_t max) {
  size_t n = 0;
  for (const sluice::RtpExtensionElement& e : ext) {
    Check(e.id != 0);
    // Element data lies inside the extension block, which lies inside the packet.
    Check(e.data.data() >= ext.block().data());
    Check(e.data.data() + e.data.size() <= ext.block().data() + ext.block().size());
    Check(e.data.data() + e.data.size() <= packet.data() + packet.size());
    if (ext.form() == sluice::RtpExtensionForm::kOneByte) {
      Check(e.id <= 14 && !e.data.empty() && e.data.size() <= 16);
    }
    auto found = ext.Find(e.id);
    Check(found.has_value());
    if (n < max) out[n] = e;
    ++n;
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice;
  const std::span<const uint8_t> input(data, size);
  auto parsed = RtpPacketView::Parse(input);
  if (!parsed.ok()) return 0;
  const RtpPacketView& v = *parsed;

  // Layout invariants: header + payload + padding is the packet, all inside the input.
  Check(v.version() == 2);
  Check(v.header_size() + v.payload().size() + v.padding_size() == size);
  Check(v.header_size() >= kRtpFixedHeaderSize + 4 * v.csrc_count());
  Check(v.padding_size() <= 255 && (v.has_padding() == (v.padding_size() != 0)));
  Check(v.payload().data() == data + v.header_size());
  uint32_t sink = v.timestamp() ^ v.ssrc().value() ^ v.sequence_number().value();
  for (Ssrc csrc : v.csrcs()) sink ^= csrc.value();
  Check(v.csrcs().size() == v.csrc_count());
  if (v.has_extension()) {
    Check(v.extension_data().size() % 4 == 0);
    Check(v.extension_data().data() + v.extension_data().size() == data + v.header_size());
  } else {
    Check(v.extension_data().empty() && v.extension_profile() == 0);
  }
  const RtpHeaderExtensions ext = v.extensions();
  RtpExtensionElement elements[64];
  const size_t element_count = WalkExtensions(ext, input, elements, 64);
  Check(!v.FindExtension(0).has_value());
  const auto valid = v.Validate();

  // In-place rewrite on a copy: only the rewritten bytes change.
  std::vector<uint8_t> copy(input.begin(), input.end());
  auto mutable_view = RtpPacketMutableView::Parse(copy);
  Check(mutable_view.ok());
  mutable_view->SetSsrc(Ssrc(~v.ssrc().value()));
  mutable_view->SetSequenceNumber(SeqNum(static_cast<uint16_t>(v.sequence_number().value() + 1)));
  mutable_view->SetTimestamp(v.timestamp() + 960);
  mutable_view->SetPayloadType(PayloadType(static_cast<uint8_t>((v.payload_type().value() + 1) & 0x7F)));
  mutable_view->SetMarker(!v.marker());
  const RtpPacketView& rewritten = mutable_view->view();
  Check(rewritten.ssrc().value() == ~v.ssrc().value());
  Check(rewritten.sequence_number().value() ==
        static_cast<uint16_t>(v.sequence_number().value() + 1));
  Check(rewritten.timestamp() == v.timestamp() + 960);
  Check(rewritten.marker() != v.marker());
  Check(rewritten.payload_type().value() == ((v.payload_type().value() + 1) & 0x7F));
  Check(copy[0] == data[0]);
  Check(SameBytes(std::span<const uint8_t>(copy).subspan(12), input.subspan(12)));
  if (element_count > 0) {
    auto writable = mutable_view->MutableExtension(elements[0].id);
    Check(writable.size() == elements[0].data.size());
    for (uint8_t& b : writable) b = static_cast<uint8_t>(~b);
    auto reread = RtpPacketView::Parse(copy);
    Check(reread.ok() && reread->header_size() == v.header_size());
  }

  // Round trip: header fields -> RtpHeader -> bytes -> view must give the same packet.
  auto header = RtpHeader::FromView(v);
  if (valid.ok() && element_count <= RtpHeader::kMaxExtensions) Check(header.ok());
  if (!header.ok()) return static_cast<int>(sink & 0);
  std::vector<uint8_t> out(header->PacketSize(v.payload().size()));
  auto written = header->SerializePacketTo(v.payload(), out);
  Check(written.ok() && *written == out.size());
  Check(header->SerializedSize() <= out.size());
  // A short buffer must fail cleanly, never write past it.
  if (!out.empty()) {
    std::vector<uint8_t> short_out(out.size() - 1);
    Check(!header->SerializePacketTo(v.payload(), short_out).ok());
  }
  auto again = RtpPacketView::Parse(out);
  Check(again.ok());
  Check(again->marker() == v.marker());
  Check(again->payload_type() == v.payload_type());
  Check(again->sequence_number() == v.sequence_number());
  Check(again->timestamp() == v.timestamp());
  Check(again->ssrc() == v.ssrc());
  Check(again->csrc_count() == v.csrc_count());
  for (size_t i = 0; i < v.csrc_count(); ++i) Check(again->csrcs()[i] == v.csrcs()[i]);
  Check(again->padding_size() == v.padding_size());
  Check(SameBytes(again->payload(), v.payload()));
  if (valid.ok()) Check(again->Validate().ok());
  const RtpHeaderExtensions ext2 = again->extensions();
  if (ext.form() == RtpExtensionForm::kOther) {
    Check(ext2.profile() == ext.profile() && SameBytes(ext2.block(), ext.block()));
  } else {
    RtpExtensionElement elements2[64];
    const size_t count2 = WalkExtensions(ext2, out, elements2, 64);
    Check(count2 == element_count);
    for (size_t i = 0; i < count2 && i < 64; ++i) {
      Check(elements2[i].id == elements[i].id);
      Check(SameBytes(elements2[i].data, elements[i].data));
    }
    if (ext2.form() == RtpExtensionForm::kTwoByte && ext.form() == RtpExtensionForm::kTwoByte) {
      Check(ext2.appbits() == ext.appbits());
    }
    // The builder picks one-byte whenever every element fits it.
    if (ext.form() == RtpExtensionForm::kOneByte && count2 > 0) {
      Check(ext2.form() == RtpExtensionForm::kOneByte);
    }
    // Serializing our own output again is byte-exact.
    auto header2 = RtpHeader::FromView(*again);
    Check(header2.ok());
    std::vector<uint8_t> out2(header2->PacketSize(again->payload().size()));
    Check(header2->SerializePacketTo(again->payload(), out2).ok());
    Check(SameBytes(out2, out));
  }
  return static_cast<int>(sink & 0);
}
