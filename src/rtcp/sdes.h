// RTCP Source Description (PT 202).
//
// RFC 3550 §6.5 (https://www.rfc-editor.org/rfc/rfc3550#section-6.5):
//
//         0                   1                   2                   3
//         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// header |V=2|P|    SC   |  PT=SDES=202  |             length            |
//        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// chunk  |                          SSRC/CSRC_1                          |
//   1    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//        |                           SDES items                          |
//        |                              ...                              |
//        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// chunk  |                          SSRC/CSRC_2                          |
//   2    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//        |                           SDES items                          |
//        |                              ...                              |
//        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//
// Each item (RFC 3550 §6.5.1):
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |    CNAME=1    |     length    | user and domain name        ...
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// "The list of items in each chunk MUST be terminated by one or more null octets, the first of
// which is interpreted as an item type of zero to denote the end of the list. No length octet
// follows the null item type octet, but additional null octets MUST be included if needed to
// pad until the next 32-bit boundary."
//
// Parse() validates every chunk and item once, so the chunk and item walks cannot fail.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "common/strong_id.h"
#include "rtcp/fixed_list.h"
#include "rtcp/next_range.h"
#include "rtcp/rtcp_packet.h"
#include "sluice/result.h"

namespace sluice {

enum class SdesItemType : uint8_t {
  kEnd = 0,
  kCname = 1,
  kName = 2,
  kEmail = 3,
  kPhone = 4,
  kLoc = 5,
  kTool = 6,
  kNote = 7,
  kPriv = 8,
};

struct SdesItemView {
  SdesItemType type = SdesItemType::kEnd;  // any 1..255 value may appear on the wire
  std::string_view value;                  // up to 255 bytes, not NUL-terminated
};

class SdesChunkView {
 public:
  SdesChunkView() = default;
  SdesChunkView(Ssrc ssrc, std::span<const uint8_t> items) : ssrc_(ssrc), items_(items) {}

  Ssrc ssrc() const { return ssrc_; }
  // Walks the chunk's items (already validated): Next() or range-for.
  class ItemIterator : public NextRange<ItemIterator, SdesItemView> {
   public:
    explicit ItemIterator(std::span<const uint8_t> items) : rest_(items) {}
    std::optional<SdesItemView> Next();

   private:
    std::span<const uint8_t> rest_;
  };
  ItemIterator items() const { return ItemIterator(items_); }
  // The first item of `type`, if any (e.g. the CNAME).
  std::optional<std::string_view> Find(SdesItemType type) const;

 private:
  Ssrc ssrc_;
  std::span<const uint8_t> items_;  // from the first item up to (not including) the null octet
};

class SdesView {
 public:
  static Result<SdesView> Parse(const RtcpPacketView& packet);
  static Result<SdesView> Parse(std::span<const uint8_t> packet);

  size_t chunk_count() const { return chunk_count_; }
  class ChunkIterator : public NextRange<ChunkIterator, SdesChunkView> {
   public:
    ChunkIterator(std::span<const uint8_t> payload, size_t count) : payload_(payload), left_(count) {}
    std::optional<SdesChunkView> Next();

   private:
    std::span<const uint8_t> payload_;
    size_t offset_ = 0;
    size_t left_;
  };
  ChunkIterator chunks() const { return ChunkIterator(payload_, chunk_count_); }

 private:
  std::span<const uint8_t> payload_;
  size_t chunk_count_ = 0;
};

inline constexpr size_t kMaxSdesChunks = 31;
inline constexpr size_t kMaxSdesItemsPerChunk = 8;

struct SdesItem {
  SdesItemType type = SdesItemType::kCname;
  std::string_view value;  // at most 255 bytes; the caller keeps the bytes alive
  friend bool operator==(const SdesItem&, const SdesItem&) = default;
};

struct SdesChunk {
  Ssrc ssrc;
  FixedList<SdesItem, kMaxSdesItemsPerChunk> items;
  friend bool operator==(const SdesChunk&, const SdesChunk&) = default;
};

struct Sdes {
  FixedList<SdesChunk, kMaxSdesChunks> chunks;

  // kExhausted when a chunk holds more than kMaxSdesItemsPerChunk items.
  static Result<Sdes> FromView(const SdesView& view);
  size_t SerializedSize() const;
  Result<size_t> SerializeTo(std::span<uint8_t> out) const;

  friend bool operator==(const Sdes&, const Sdes&) = default;
};

}  // namespace sluice
