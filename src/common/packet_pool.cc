// PacketPool implementation: one allocation for all slots, a lock-free bounded MPMC queue of
// free slot indices (Vyukov's design: each cell carries a sequence number, so there is no ABA
// problem), an atomic reference count per slot for Share(), and a core reference count so the
// memory outlives the PacketPool object while buffers are still out.
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

#include "sluice/packet_buffer.h"

namespace sluice {
namespace internal {

namespace {
constexpr size_t kCacheLine = 64;
constexpr size_t kMaxSlotBytes = 64 * 1024 + 4096;  // a UDP datagram plus generous room
constexpr size_t kMaxSlots = size_t{1} << 24;

size_t RoundUp(size_t v, size_t a) { return (v + a - 1) / a * a; }
size_t NextPow2(size_t v) {
  size_t p = 1;
  while (p < v) p <<= 1;
  return p;
}
}  // namespace

class PacketPoolCore {
 public:
  explicit PacketPoolCore(const PacketPoolOptions& o)
      : options_(o),
        slot_bytes_(o.headroom + o.capacity + o.tailroom),
        stride_(RoundUp(slot_bytes_, kCacheLine)),
        mask_(NextPow2(o.slot_count) - 1) {}

  bool Init() {
    memory_ = static_cast<uint8_t*>(std::aligned_alloc(kCacheLine, stride_ * options_.slot_count));
    refs_ = new (std::nothrow) std::atomic<uint32_t>[options_.slot_count];
    cells_ = new (std::nothrow) Cell[mask_ + 1];
    if (!memory_ || !refs_ || !cells_) return false;
    // Touch every slot now so the first packets do not page-fault on the data path.
    std::memset(memory_, 0, stride_ * options_.slot_count);
    for (size_t i = 0; i <= mask_; ++i) cells_[i].seq.store(i, std::memory_order_relaxed);
    for (size_t i = 0; i < options_.slot_count; ++i) {
      refs_[i].store(0, std::memory_order_relaxed);
      Push(static_cast<uint32_t>(i));
    }
    return true;
  }

  ~PacketPoolCore() {
    std::free(memory_);
    delete[] refs_;
    delete[] cells_;
  }

  Result<PacketBuffer> Acquire() {
    uint32_t index;
    if (!Pop(index)) {
      exhausted_.fetch_add(1, std::memory_order_relaxed);
      return MakeError(ErrorCode::kExhausted,
                       "packet pool exhausted: every slot is in use; release buffers sooner or "
                       "raise PacketPoolOptions::slot_count");
    }
    acquired_.fetch_add(1, std::memory_order_relaxed);
    core_refs_.fetch_add(1, std::memory_order_relaxed);
    refs_[index].store(1, std::memory_order_relaxed);
    PacketBuffer b;
    b.core_ = this;
    b.index_ = index;
    b.slot_ = memory_ + stride_ * index;
    b.offset_ = static_cast<uint32_t>(options_.headroom);
    b.size_ = 0;
    b.slot_bytes_ = static_cast<uint32_t>(slot_bytes_);
    return b;
  }

  void AddRef(uint32_t index) { refs_[index].fetch_add(1, std::memory_order_relaxed); }
  uint32_t UseCount(uint32_t index) const { return refs_[index].load(std::memory_order_acquire); }

  void ReleaseSlot(uint32_t index) {
    if (refs_[index].fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    Push(index);
    DropCoreRef();
  }

  void DropCoreRef() {
    if (core_refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  size_t Available() const {
    size_t enq = enqueue_pos_.load(std::memory_order_relaxed);
    size_t deq = dequeue_pos_.load(std::memory_order_relaxed);
    return enq >= deq ? enq - deq : 0;
  }

  const PacketPoolOptions& options() const { return options_; }
  PacketPoolStats Stats() const {
    return {acquired_.load(std::memory_order_relaxed), exhausted_.load(std::memory_order_relaxed)};
  }

 private:
  struct alignas(kCacheLine) Cell {
    std::atomic<size_t> seq;
    uint32_t value;
  };

  // Bounded MPMC queue (D. Vyukov). The queue holds at most slot_count entries and has
  // capacity >= slot_count, so Push never finds it full.
  void Push(uint32_t v) {
    size_t pos = enqueue_pos_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& c = cells_[pos & mask_];
      size_t seq = c.seq.load(std::memory_order_acquire);
      intptr_t diff = static_cast<intptr_t>(seq) - static_cast<intptr_t>(pos);
      if (diff == 0) {
        if (enqueue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          c.value = v;
          c.seq.store(pos + 1, std::memory_order_release);
          return;
        }
      } else {
        pos = enqueue_pos_.load(std::memory_order_relaxed);
      }
    }
  }

  bool Pop(uint32_t& v) {
    size_t pos = dequeue_pos_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& c = cells_[pos & mask_];
      size_t seq = c.seq.load(std::memory_order_acquire);
      intptr_t diff = static_cast<intptr_t>(seq) - static_cast<intptr_t>(pos + 1);
      if (diff == 0) {
        if (dequeue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          v = c.value;
          c.seq.store(pos + mask_ + 1, std::memory_order_release);
          return true;
        }
      } else if (diff < 0) {
        return false;  // empty
      } else {
        pos = dequeue_pos_.load(std::memory_order_relaxed);
      }
    }
  }

  const PacketPoolOptions options_;
  const size_t slot_bytes_;
  const size_t stride_;
  const size_t mask_;
  uint8_t* memory_ = nullptr;
  std::atomic<uint32_t>* refs_ = nullptr;
  Cell* cells_ = nullptr;
  alignas(kCacheLine) std::atomic<size_t> enqueue_pos_{0};
  alignas(kCacheLine) std::atomic<size_t> dequeue_pos_{0};
  alignas(kCacheLine) std::atomic<uint64_t> acquired_{0};
  std::atomic<uint64_t> exhausted_{0};
  std::atomic<uint64_t> core_refs_{1};  // the PacketPool object + one per slot in use
};

}  // namespace internal

PacketBuffer PacketBuffer::Share() const {
  PacketBuffer b;
  if (!core_) return b;
  core_->AddRef(index_);
  b.core_ = core_;
  b.slot_ = slot_;
  b.index_ = index_;
  b.offset_ = offset_;
  b.size_ = size_;
  b.slot_bytes_ = slot_bytes_;
  return b;
}

Result<PacketBuffer> PacketBuffer::Clone() const {
  if (!core_) return MakeError(ErrorCode::kInvalidArgument, "Clone() of an empty PacketBuffer");
  auto r = core_->Acquire();
  if (!r) return r;
  PacketBuffer& b = *r;
  b.offset_ = offset_;
  b.size_ = size_;
  if (size_ != 0) std::memcpy(b.slot_ + b.offset_, slot_ + offset_, size_);
  return r;
}

uint32_t PacketBuffer::use_count() const { return core_ ? core_->UseCount(index_) : 0; }

void PacketBuffer::Release() {
  if (!core_) return;
  core_->ReleaseSlot(index_);
  core_ = nullptr;
  slot_ = nullptr;
  size_ = 0;
}

Result<std::unique_ptr<PacketPool>> PacketPool::Create(const PacketPoolOptions& options) {
  if (options.slot_count == 0 || options.slot_count > internal::kMaxSlots) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "PacketPoolOptions::slot_count must be between 1 and 16777216");
  }
  if (options.capacity == 0 ||
      options.headroom + options.capacity + options.tailroom > internal::kMaxSlotBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "PacketPoolOptions: capacity must be > 0 and headroom + capacity + tailroom "
                     "at most 69632 bytes");
  }
  auto* core = new (std::nothrow) internal::PacketPoolCore(options);
  if (!core || !core->Init()) {
    delete core;
    return MakeError(ErrorCode::kExhausted, "PacketPool: could not allocate the slots");
  }
  return std::unique_ptr<PacketPool>(new PacketPool(core));
}

PacketPool::~PacketPool() { core_->DropCoreRef(); }
Result<PacketBuffer> PacketPool::Acquire() { return core_->Acquire(); }
size_t PacketPool::available() const { return core_->Available(); }
size_t PacketPool::slot_count() const { return core_->options().slot_count; }
const PacketPoolOptions& PacketPool::options() const { return core_->options(); }
PacketPoolStats PacketPool::stats() const { return core_->Stats(); }

}  // namespace sluice
