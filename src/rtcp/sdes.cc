#include "rtcp/sdes.h"

#include <cstring>

#include "common/byte_order.h"

namespace sluice {
namespace {

std::string_view AsText(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Validates the chunk at `offset` of `payload`; on success sets the chunk and the offset of the
// next chunk.
Result<void> ReadChunk(std::span<const uint8_t> payload, size_t offset, SdesChunkView* chunk,
                       size_t* next) {
  if (payload.size() - offset < 4) {
    return MakeError(ErrorCode::kTruncated, "rtcp sdes: chunk shorter than its SSRC");
  }
  const Ssrc ssrc(LoadBe32(payload.data() + offset));
  const size_t items_begin = offset + 4;
  size_t pos = items_begin;
  while (true) {
    if (pos >= payload.size()) {
      return MakeError(ErrorCode::kMalformed, "rtcp sdes: item list without a null terminator");
    }
    if (payload[pos] == 0) break;
    if (pos + 2 > payload.size()) {
      return MakeError(ErrorCode::kTruncated, "rtcp sdes: item length octet past the packet");
    }
    const size_t length = payload[pos + 1];
    if (payload.size() - (pos + 2) < length) {
      return MakeError(ErrorCode::kMalformed, "rtcp sdes: item runs past the end of the chunk");
    }
    pos += 2 + length;
  }
  const size_t items_end = pos;
  // "additional null octets MUST be included if needed to pad until the next 32-bit boundary."
  const size_t chunk_end = (items_end + 1 + 3) / 4 * 4;
  if (chunk_end > payload.size()) {
    return MakeError(ErrorCode::kTruncated, "rtcp sdes: chunk padding past the packet");
  }
  for (size_t i = items_end; i < chunk_end; ++i) {
    if (payload[i] != 0) return MakeError(ErrorCode::kMalformed, "rtcp sdes: non-null padding");
  }
  *chunk = SdesChunkView(ssrc, payload.subspan(items_begin, items_end - items_begin));
  *next = chunk_end;
  return Ok();
}

}  // namespace

std::optional<SdesItemView> SdesChunkView::ItemIterator::Next() {
  if (rest_.size() < 2) return std::nullopt;
  const size_t length = rest_[1];
  if (rest_.size() - 2 < length) return std::nullopt;  // unreachable after Parse()
  SdesItemView item{static_cast<SdesItemType>(rest_[0]), AsText(rest_.subspan(2, length))};
  rest_ = rest_.subspan(2 + length);
  return item;
}

std::optional<std::string_view> SdesChunkView::Find(SdesItemType type) const {
  auto it = items();
  while (auto item = it.Next()) {
    if (item->type == type) return item->value;
  }
  return std::nullopt;
}

std::optional<SdesChunkView> SdesView::ChunkIterator::Next() {
  if (left_ == 0) return std::nullopt;
  SdesChunkView chunk;
  size_t next = 0;
  if (!ReadChunk(payload_, offset_, &chunk, &next)) return std::nullopt;  // unreachable
  offset_ = next;
  --left_;
  return chunk;
}

Result<SdesView> SdesView::Parse(std::span<const uint8_t> packet) {
  auto view = ParseSinglePacket(packet, RtcpPacketKind::kSdes);
  if (!view) return view.error();
  return Parse(*view);
}

Result<SdesView> SdesView::Parse(const RtcpPacketView& packet) {
  if (auto k = CheckKind(packet, RtcpPacketKind::kSdes); !k) return k.error();
  auto payload = packet.payload();
  size_t offset = 0;
  for (size_t i = 0; i < packet.count(); ++i) {
    SdesChunkView chunk;
    if (auto r = ReadChunk(payload, offset, &chunk, &offset); !r) return r.error();
  }
  if (offset != payload.size()) {
    return MakeError(ErrorCode::kMalformed, "rtcp sdes: bytes after the last chunk");
  }
  SdesView v;
  v.payload_ = payload;
  v.chunk_count_ = packet.count();
  return v;
}

Result<Sdes> Sdes::FromView(const SdesView& view) {
  Sdes sdes;
  auto chunks = view.chunks();
  while (auto chunk = chunks.Next()) {
    SdesChunk c;
    c.ssrc = chunk->ssrc();
    auto items = chunk->items();
    while (auto item = items.Next()) {
      if (!c.items.push_back(SdesItem{item->type, item->value})) {
        return MakeError(ErrorCode::kExhausted, "rtcp sdes: more items than kMaxSdesItemsPerChunk");
      }
    }
    sdes.chunks.push_back(c);  // at most 31 chunks: SC is 5 bits
  }
  return sdes;
}

size_t Sdes::SerializedSize() const {
  size_t size = kRtcpHeaderSize;
  for (const SdesChunk& chunk : chunks) {
    size_t items = 0;
    for (const SdesItem& item : chunk.items) items += 2 + item.value.size();
    size += (4 + items + 1 + 3) / 4 * 4;
  }
  return size;
}

Result<size_t> Sdes::SerializeTo(std::span<uint8_t> out) const {
  for (const SdesChunk& chunk : chunks) {
    for (const SdesItem& item : chunk.items) {
      if (item.type == SdesItemType::kEnd) {
        return MakeError(ErrorCode::kInvalidArgument, "rtcp sdes: item type 0 is the terminator");
      }
      if (item.value.size() > 255) {
        return MakeError(ErrorCode::kInvalidArgument, "rtcp sdes: item longer than 255 bytes");
      }
    }
  }
  const size_t size = SerializedSize();
  if (auto c = CheckSerializeSize(size, out.size()); !c) return c.error();
  uint8_t* p = out.data();
  WriteRtcpHeader(p, static_cast<uint8_t>(chunks.size()), RtcpPacketType::kSdes, size);
  size_t pos = kRtcpHeaderSize;
  for (const SdesChunk& chunk : chunks) {
    StoreBe32(p + pos, chunk.ssrc.value());
    pos += 4;
    for (const SdesItem& item : chunk.items) {
      p[pos] = static_cast<uint8_t>(item.type);
      p[pos + 1] = static_cast<uint8_t>(item.value.size());
      if (!item.value.empty()) std::memcpy(p + pos + 2, item.value.data(), item.value.size());
      pos += 2 + item.value.size();
    }
    const size_t end = (pos + 1 + 3) / 4 * 4;
    std::memset(p + pos, 0, end - pos);
    pos = end;
  }
  return size;
}

}  // namespace sluice
