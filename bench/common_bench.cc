// PacketPool acquire + release, beside the limit of a bare malloc/free of the same slot size
// (what a pool must beat to be worth having) and RFC 7983 demux beside a single byte load.
#include <cstdlib>

#include "bench_util.h"
#include "common/demux.h"
#include "sluice/packet_buffer.h"

namespace {

void BM_PacketPoolAcquireRelease(benchmark::State& state) {
  auto pool = sluice::PacketPool::Create({.slot_count = 256});
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    auto b = (*pool)->Acquire();
    benchmark::DoNotOptimize(b->writable_area().data());
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, 0);
}
BENCHMARK(BM_PacketPoolAcquireRelease);

void BM_Limit_MallocFree1628(benchmark::State& state) {
  sluice::bench::AllocationCounter allocs;
  for (auto _ : state) {
    void* p = std::malloc(1628);
    benchmark::DoNotOptimize(p);
    std::free(p);
  }
  allocs.Finish(state);
  sluice::bench::SetPacketRate(state, 0);
}
BENCHMARK(BM_Limit_MallocFree1628);
SLUICE_COMPARE("BM_PacketPoolAcquireRelease", "BM_Limit_MallocFree1628");

}  // namespace
