#include "dtls/datagram_bio.h"

#include <openssl/bio.h>

#include <sys/time.h>

namespace sluice::dtls {
namespace {

DatagramBioHandler* HandlerOf(BIO* bio) { return static_cast<DatagramBioHandler*>(BIO_get_data(bio)); }

int BioWrite(BIO* bio, const char* data, int length) {
  BIO_clear_retry_flags(bio);
  if (length < 0) return -1;
  HandlerOf(bio)->OnBioWrite(
      {reinterpret_cast<const uint8_t*>(data), static_cast<size_t>(length)});
  return length;  // datagrams are never partially written
}

int BioRead(BIO* bio, char* out, int length) {
  BIO_clear_retry_flags(bio);
  if (length < 0) return -1;
  const int n =
      HandlerOf(bio)->OnBioRead({reinterpret_cast<uint8_t*>(out), static_cast<size_t>(length)});
  if (n < 0) BIO_set_retry_read(bio);  // nothing yet: OpenSSL reports SSL_ERROR_WANT_READ
  return n;
}

long BioCtrl(BIO* bio, int cmd, long /*num*/, void* ptr) {
  DatagramBioHandler* handler = HandlerOf(bio);
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_PENDING:
      return static_cast<long>(handler->PendingReadBytes());
    case BIO_CTRL_WPENDING:
      return 0;  // every write leaves at once
    case BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT:
      handler->OnBioTimer(static_cast<struct timeval*>(ptr));
      return 1;
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
      return 0;  // the configured MTU already excludes UDP/IP headers
    case BIO_CTRL_DGRAM_QUERY_MTU:
    case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
      return static_cast<long>(handler->FallbackMtu());
    case BIO_CTRL_DGRAM_MTU_EXCEEDED:
      return 0;
    default:
      return 0;
  }
}

int BioCreate(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

int BioDestroy(BIO* bio) {
  BIO_set_data(bio, nullptr);
  return 1;
}

const BIO_METHOD* Method() {
  // Created once per process (thread-safe static init) and never freed.
  static const BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "sluice-dtls");
    if (m == nullptr) return static_cast<BIO_METHOD*>(nullptr);
    BIO_meth_set_write(m, BioWrite);
    BIO_meth_set_read(m, BioRead);
    BIO_meth_set_ctrl(m, BioCtrl);
    BIO_meth_set_create(m, BioCreate);
    BIO_meth_set_destroy(m, BioDestroy);
    return m;
  }();
  return method;
}

}  // namespace

bio_st* NewDatagramBio(DatagramBioHandler* handler) {
  const BIO_METHOD* method = Method();
  if (method == nullptr) return nullptr;
  BIO* bio = BIO_new(method);
  if (bio != nullptr) BIO_set_data(bio, handler);
  return bio;
}

}  // namespace sluice::dtls
