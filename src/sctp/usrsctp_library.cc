#include "sctp/usrsctp_library.h"

#include <sys/time.h>
#include <usrsctp.h>

#include <cstdarg>
#include <memory>
#include <vector>

#include "sctp/crc32c.h"

namespace sluice::sctp::usrsctp_library {
namespace {

struct State {
  bool initialised = false;
  int users = 0;
  std::optional<Instant> advanced_to;  // usrsctp's wheel stands at this instant
  std::optional<Instant> latest;       // the largest `now` seen (full resolution)
  std::vector<std::unique_ptr<ConnHandle>> handles;  // never freed (see header)
};

State& state() {
  static State* s = new State();  // reachable for the process lifetime
  return *s;
}

int ConnOutput(void* addr, void* buffer, size_t length, uint8_t /*tos*/, uint8_t /*set_df*/) {
  auto* handle = static_cast<ConnHandle*>(addr);
  if (handle == nullptr || handle->sink == nullptr) return 0;  // closed transport: dropped
  auto packet = std::span<uint8_t>(static_cast<uint8_t*>(buffer), length);
  // usrsctp_enable_crc32c_offload(): usrsctp left the checksum to us.
  WriteSctpChecksum(packet);
  handle->sink->OnSctpOutput(packet);
  return 0;
}

void Init() {
  // Port 0: no UDP encapsulation. No debug printer.
  usrsctp_init_nothreads(0, &ConnOutput, nullptr);
  // We write the CRC32c ourselves (SSE4.2) in ConnOutput, and usrsctp skips verifying it on
  // input: every packet reaching usrsctp came out of a DTLS record whose AEAD / HMAC already
  // authenticated it, so a corrupted packet cannot arrive (RFC 8261 §4: SCTP over DTLS).
  usrsctp_enable_crc32c_offload();
  usrsctp_sysctl_set_sctp_ecn_enable(0);
  // Stream reset (RFC 6525) and PR-SCTP (RFC 3758) are needed by RFC 8831; ASCONF and AUTH are
  // not (RFC 8261 §5 leaves them out).
  usrsctp_sysctl_set_sctp_reconfig_enable(1);
  usrsctp_sysctl_set_sctp_pr_enable(1);
  usrsctp_sysctl_set_sctp_asconf_enable(0);
  usrsctp_sysctl_set_sctp_auth_enable(0);
  // Many small messages may sit in the send queue (64 B messages at 1 Gbps): the default of 512
  // chunks would refuse sends long before the byte budget is reached.
  usrsctp_sysctl_set_sctp_max_chunks_on_queue(1 << 20);
  // Timers: RTT is measured with the wall clock by usrsctp, so in simulated time it reads ~0 and
  // RTO sits at rto_min. 1 s initial (RFC 9260), 200 ms min, 10 s max as WebRTC stacks do.
  usrsctp_sysctl_set_sctp_rto_initial_default(1000);
  usrsctp_sysctl_set_sctp_rto_min_default(200);
  usrsctp_sysctl_set_sctp_rto_max_default(10000);
  usrsctp_sysctl_set_sctp_init_rto_max_default(10000);
  usrsctp_sysctl_set_sctp_delayed_sack_time_default(20);
  usrsctp_sysctl_set_sctp_heartbeat_interval_default(10000);
  // usrsctp's burst limit stays (max_burst 4, cwnd-based): without it a sender empties its whole
  // window into a slower peer at once; aiortc's UDP receive buffer overflowed on every bulk
  // phase and usrsctp reported the association lost (tests/interop aiortc_whip_client, 3 runs in
  // 5). The limit costs throughput only on links with delay; back to back it is not the bound.
  usrsctp_sysctl_set_sctp_sendspace(1 << 20);
  usrsctp_sysctl_set_sctp_recvspace(1 << 20);
  state().initialised = true;
}

}  // namespace

ConnHandle* Acquire(UsrsctpOutputSink* sink) {
  State& s = state();
  if (!s.initialised) Init();
  ++s.users;
  s.handles.push_back(std::make_unique<ConnHandle>());
  ConnHandle* handle = s.handles.back().get();
  handle->sink = sink;
  usrsctp_register_address(handle);
  return handle;
}

void Release(ConnHandle* handle) {
  State& s = state();
  handle->sink = nullptr;
  usrsctp_deregister_address(handle);
  if (--s.users == 0) {
    // Let closed sockets finish dying (their kill timers), then forget the clock base.
    for (int i = 0; i < 4; ++i) usrsctp_handle_timers(60'000);
    s.advanced_to.reset();
    s.latest.reset();
  }
}

void AdvanceTo(Instant now) {
  State& s = state();
  if (!s.latest || now > *s.latest) s.latest = now;
  if (!s.advanced_to) {
    s.advanced_to = now;
    return;
  }
  if (now <= *s.advanced_to) return;
  const auto ms = std::chrono::duration_cast<milliseconds>(now - *s.advanced_to).count();
  if (ms <= 0) return;
  *s.advanced_to += milliseconds(ms);
  usrsctp_handle_timers(static_cast<uint32_t>(ms > 0x7fffffff ? 0x7fffffff : ms));
}

std::optional<Instant> clock() { return state().advanced_to; }

}  // namespace sluice::sctp::usrsctp_library

// usrsctp's gettimeofday (renamed in our copy of libusrsctp.a, see src/sctp/CMakeLists.txt):
// the latest `now` any transport was given, so that RTT samples, T3 "outstanding long enough"
// checks and PR-SCTP lifetimes use the same clock as the timers. Real time before any `now`.
extern "C" int sluice_usrsctp_gettimeofday(struct timeval* tv, void* tz) {
  auto latest = sluice::sctp::usrsctp_library::state().latest;
  if (!latest) return gettimeofday(tv, static_cast<struct timezone*>(tz));
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(latest->time_since_epoch()).count();
  tv->tv_sec = static_cast<time_t>(us / 1'000'000);
  tv->tv_usec = static_cast<suseconds_t>(us % 1'000'000);
  return 0;
}
