// Heap-allocation counter for tests and benchmarks (DESIGN.md §4).
//
// A binary that links sluice_alloc_counter replaces the global operator new / delete with
// versions that count every allocation (on all threads) before calling malloc. Only link it into
// binaries that want counting: the replacement is process-wide.
#pragma once

#include <cstdint>

namespace sluice::test {

// Allocations made by operator new since the process started (all threads).
uint64_t AllocationCount();

// Counts allocations between construction and count().
class AllocationScope {
 public:
  AllocationScope() : start_(AllocationCount()) {}
  uint64_t count() const { return AllocationCount() - start_; }

 private:
  uint64_t start_;
};

}  // namespace sluice::test
