// The process-wide usrsctp instance behind every SctpTransport (see sctp_transport.h for the
// contract). usrsctp's headers stay in the .cc files of src/sctp.
//
// - Init: the first Acquire() calls usrsctp_init_nothreads() (no timer thread, no raw sockets;
//   AF_CONN only) and tunes the stack. usrsctp is never finished: usrsctp_finish() fails while
//   closed sockets still wait for their kill timers, and re-initialising after it is fragile, so
//   the library stays up until the process exits (its state stays reachable: no leak reports).
// - Output: usrsctp calls one C callback with the AF_CONN address of the packet's destination.
//   Each transport's address is a ConnHandle that outlives the transport (kept for the process
//   lifetime, a few bytes each): a timer of an already closed socket that still emits a packet
//   finds sink == nullptr and the packet is dropped, never a use-after-free.
// - Time: one timer wheel for the process, advanced by the largest `now` any transport has
//   seen, in whole milliseconds. When the last transport is released the clock base is dropped
//   (the wheel is run 60 s forward first so that closed sockets finish dying), so the next
//   transport may start a new simulated clock from any value.
//
// Thread rules: one thread for every transport of the process.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "common/time.h"

namespace sluice::sctp {

class UsrsctpOutputSink {
 public:
  virtual void OnSctpOutput(std::span<uint8_t> packet) = 0;

 protected:
  ~UsrsctpOutputSink() = default;
};

struct ConnHandle {
  UsrsctpOutputSink* sink = nullptr;
};

namespace usrsctp_library {

// Initialises usrsctp once, counts the user, returns the user's AF_CONN address (registered).
ConnHandle* Acquire(UsrsctpOutputSink* sink);
// Detaches the sink (output to it is dropped from now on) and uncounts the user.
void Release(ConnHandle* handle);
// Advances usrsctp's timers to max(now, largest now seen).
void AdvanceTo(Instant now);
// The instant usrsctp's timer wheel has been advanced to, if any transport has reported time.
std::optional<Instant> clock();
// usrsctp's timer granularity.
constexpr Duration kTick = milliseconds(10);

}  // namespace usrsctp_library
}  // namespace sluice::sctp
