// A user's program: it includes only installed public headers and links libsluice.
#include <sluice/packet_buffer.h>
#include <sluice/result.h>
#include <sluice/version.h>

#include <cstdio>
#include <cstring>

int main() {
  auto pool = sluice::PacketPool::Create({.slot_count = 4});
  if (!pool) return 1;
  auto buffer = (*pool)->Acquire();
  if (!buffer || !buffer->Resize(5)) return 2;
  std::memcpy(buffer->mutable_data().data(), "hello", 5);
  std::printf("sluice %s: %zu bytes in a pooled buffer, %zu slots free\n", sluice::Version(),
              buffer->size(), (*pool)->available());
  return 0;
}
