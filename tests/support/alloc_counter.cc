#include "support/alloc_counter.h"

#include <openssl/crypto.h>

#include <atomic>
#include <cstdlib>
#include <new>

// Outside sanitizer builds the binary also interposes malloc itself (glibc's __libc_* entry
// points), so allocations by C libraries that bypass both operator new and OpenSSL's hooks
// (libsrtp2, libusrsctp, glibc) are counted too. ASan owns malloc, so there we count at the
// operator new and OpenSSL level only.
#if defined(__SANITIZE_ADDRESS__)
#define SLUICE_COUNT_MALLOC 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLUICE_COUNT_MALLOC 0
#endif
#endif
#ifndef SLUICE_COUNT_MALLOC
#define SLUICE_COUNT_MALLOC 1
#endif

namespace {
std::atomic<uint64_t> g_allocations{0};  // operator new + OpenSSL hooks
std::atomic<uint64_t> g_openssl_allocations{0};
std::atomic<uint64_t> g_mallocs{0};  // every malloc-family call (SLUICE_COUNT_MALLOC only)

void* OpenSslMalloc(size_t n, const char*, int) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  g_openssl_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n);
}
void* OpenSslRealloc(void* p, size_t n, const char*, int) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  g_openssl_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::realloc(p, n);
}
void OpenSslFree(void* p, const char*, int) { std::free(p); }

// Static initialisation: before any test or benchmark touches OpenSSL.
const bool g_openssl_hooked =
    CRYPTO_set_mem_functions(OpenSslMalloc, OpenSslRealloc, OpenSslFree) == 1;

void* CountedAlloc(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (size == 0) size = 1;
  return std::malloc(size);
}

void* CountedAlignedAlloc(std::size_t size, std::align_val_t align) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  auto a = static_cast<std::size_t>(align);
  std::size_t rounded = (size + a - 1) / a * a;
  return std::aligned_alloc(a, rounded == 0 ? a : rounded);
}
}  // namespace

#if SLUICE_COUNT_MALLOC
extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);

void* malloc(size_t n) {
  g_mallocs.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(n);
}
void* calloc(size_t n, size_t m) {
  g_mallocs.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(n, m);
}
void* realloc(void* p, size_t n) {
  g_mallocs.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(p, n);
}
void* aligned_alloc(size_t alignment, size_t n) {
  g_mallocs.fetch_add(1, std::memory_order_relaxed);
  return __libc_memalign(alignment, n);
}
}
#endif

namespace sluice::test {
uint64_t AllocationCount() {
  // With malloc interposed, every allocation (operator new and OpenSSL included) reaches it.
  return SLUICE_COUNT_MALLOC ? g_mallocs.load(std::memory_order_relaxed)
                             : g_allocations.load(std::memory_order_relaxed);
}
uint64_t OpenSslAllocationCount() { return g_openssl_allocations.load(std::memory_order_relaxed); }
bool OpenSslAllocationsCounted() { return g_openssl_hooked; }
bool MallocCounted() { return SLUICE_COUNT_MALLOC != 0; }
}  // namespace sluice::test

void* operator new(std::size_t size) {
  if (void* p = CountedAlloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  if (void* p = CountedAlloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return CountedAlloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return CountedAlloc(size);
}
void* operator new(std::size_t size, std::align_val_t a) {
  if (void* p = CountedAlignedAlloc(size, a)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t a) {
  if (void* p = CountedAlignedAlloc(size, a)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
  return CountedAlignedAlloc(size, a);
}
void* operator new[](std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
  return CountedAlignedAlloc(size, a);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
