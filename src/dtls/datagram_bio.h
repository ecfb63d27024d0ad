// A datagram BIO that connects OpenSSL to the sans-IO engine (internal to src/dtls).
//
// OpenSSL reads exactly one datagram per BIO_read (the one HandleReceive is processing) and
// every BIO_write is one datagram (during the handshake OpenSSL's own buffering BIO packs a
// flight's records up to the MTU and flushes them as one write). Instead of a memory BIO this
// copies straight between OpenSSL and the engine's fixed rings, and it sees OpenSSL's
// BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT notifications, which is how the engine mirrors and drives
// OpenSSL's retransmission timer in injected time (see dtls_engine.cc).
//
// Thread rules: used only inside the engine's calls into OpenSSL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

struct bio_st;
struct timeval;

namespace sluice::dtls {

class DatagramBioHandler {
 public:
  // Copies the pending incoming datagram into `out` (truncating, as a datagram socket does);
  // returns the bytes copied, or -1 if no datagram is pending.
  virtual int OnBioRead(std::span<uint8_t> out) = 0;
  // One outgoing datagram.
  virtual void OnBioWrite(std::span<const uint8_t> datagram) = 0;
  // OpenSSL (re)started or stopped its retransmission timer; `next_timeout` points at OpenSSL's
  // own deadline (all zero: stopped).
  virtual void OnBioTimer(struct timeval* next_timeout) = 0;
  virtual size_t PendingReadBytes() const = 0;
  virtual size_t FallbackMtu() const = 0;

 protected:
  ~DatagramBioHandler() = default;
};

// A new BIO (refcount 1) calling `handler`, which must outlive it.
bio_st* NewDatagramBio(DatagramBioHandler* handler);

}  // namespace sluice::dtls
