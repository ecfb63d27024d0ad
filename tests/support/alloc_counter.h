// Heap-allocation counter for tests and benchmarks (DESIGN.md §4).
//
// A binary that links sluice_alloc_counter counts every heap allocation it can see, on all
// threads:
//  - outside ASan builds: every malloc / calloc / realloc / aligned_alloc call (malloc is
//    interposed), which includes operator new, OpenSSL, libsrtp2 and any other C library;
//  - in ASan builds (ASan owns malloc): operator new / new[] (the global operators are replaced
//    for the whole binary) and OpenSSL's own allocations (CRYPTO_malloc / CRYPTO_realloc, hooked
//    through CRYPTO_set_mem_functions during static initialisation).
// Only link it into binaries that want counting: both replacements are process-wide.
#pragma once

#include <cstdint>

namespace sluice::test {

// Every counted allocation since the process started (see above for what is seen).
uint64_t AllocationCount();
// True when malloc itself is counted (not an ASan build).
bool MallocCounted();
// The OpenSSL share of AllocationCount().
uint64_t OpenSslAllocationCount();
// False if OpenSSL had already allocated before the hook could be installed (then OpenSSL's
// allocations are not counted and a zero count proves less).
bool OpenSslAllocationsCounted();

// Counts allocations between construction and count().
class AllocationScope {
 public:
  AllocationScope() : start_(AllocationCount()) {}
  uint64_t count() const { return AllocationCount() - start_; }

 private:
  uint64_t start_;
};

}  // namespace sluice::test
