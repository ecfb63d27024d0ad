// Helpers shared by every benchmark (DESIGN.md §10).
//
// Every figure with a physical limit is printed beside that limit measured in the same run:
// a benchmark registers its limit with SLUICE_COMPARE(ours, limit) and bench_main prints a
// table of ns/op, the limit's ns/op and their ratio after Google Benchmark's own output.
// CountAllocations() adds an "allocs/op" counter (operator new is replaced in this binary).
#pragma once

#include <benchmark/benchmark.h>

#include <string>

#include "support/alloc_counter.h"

namespace sluice::bench {

// Records that benchmark `ours` is to be shown beside benchmark `limit` (full names as Google
// Benchmark prints them, e.g. "BM_RtpParse" and "BM_Limit_Memcpy12").
bool RegisterComparison(const std::string& ours, const std::string& limit);

// Counts heap allocations over the benchmark loop. Create before the loop; call Finish(state)
// after it to publish "allocs/op".
class AllocationCounter {
 public:
  AllocationCounter() = default;
  void Finish(benchmark::State& state) const {
    state.counters["allocs/op"] = benchmark::Counter(
        static_cast<double>(scope_.count()), benchmark::Counter::kAvgIterations);
  }

 private:
  test::AllocationScope scope_;
};

// Sets items (packets) per second and bytes per second from the iteration count.
inline void SetPacketRate(benchmark::State& state, size_t bytes_per_packet) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes_per_packet));
}

}  // namespace sluice::bench

#define SLUICE_BENCH_CONCAT_(a, b) a##b
#define SLUICE_BENCH_CONCAT(a, b) SLUICE_BENCH_CONCAT_(a, b)
// SLUICE_COMPARE("BM_Ours", "BM_Limit"): print BM_Ours beside BM_Limit in the summary.
#define SLUICE_COMPARE(ours, limit)                                                   \
  static const bool SLUICE_BENCH_CONCAT(sluice_compare_, __LINE__) [[maybe_unused]] = \
      ::sluice::bench::RegisterComparison(ours, limit)
