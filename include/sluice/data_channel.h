// DataChannel: one RTCDataChannel (RFC 8831 channels over SCTP, opened with DCEP, RFC 8832).
// Names follow W3C RTCDataChannel and libdatachannel's rtc::DataChannel.
//
// Created by PeerConnection::CreateDataChannel (ours) or delivered by
// PeerConnection::OnDataChannel (opened by the peer). The object stays valid as long as you hold
// the shared_ptr; after the channel or its PeerConnection closes, every call is a harmless
// no-op returning kInvalidState.
//
// Thread rules (the same for PeerConnection, DataChannel and Track):
// - Every callback runs on the EventLoop's network thread, one at a time, never concurrently
//   with another callback of the same EventLoop. Callbacks may call back into the library
//   (Send, Close, CreateDataChannel ...): on the loop thread those calls run inline. Keep
//   callbacks short: they hold up every PeerConnection on that loop.
// - Methods may be called from any thread. Control calls (Close, SetBufferedAmountLowThreshold,
//   setting callbacks) run on the loop thread through EventLoop::Invoke and return when done
//   (inline when already on the loop thread). Send from another thread copies the message into a
//   bounded queue and returns at once; the loop sends it on its next iteration.
// - Accessors (label(), state(), buffered_amount() ...) read a snapshot and may be called from
//   any thread.
// - Setting a callback replaces the previous one; an empty std::function removes it. Callbacks
//   are dropped (released) when the channel closes, which breaks shared_ptr cycles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sluice/configuration.h"
#include "sluice/result.h"

namespace sluice {

class DataChannel {
 public:
  struct Impl;  // defined in src/net

  // Internal: DataChannels are made by PeerConnection (CreateDataChannel / OnDataChannel).
  explicit DataChannel(std::shared_ptr<Impl> impl);
  ~DataChannel();
  DataChannel(const DataChannel&) = delete;
  DataChannel& operator=(const DataChannel&) = delete;

  // ---- Properties (RTCDataChannel) ------------------------------------------------------------
  std::string label() const;
  std::string protocol() const;
  // The SCTP stream id. Empty until it is known: a channel we create before the DTLS role is
  // settled gets its id (even for the DTLS client, odd for the server, RFC 8832 §6) when the
  // association comes up. Negotiated channels have their id from the start.
  std::optional<uint16_t> id() const;
  bool ordered() const;
  std::optional<uint16_t> max_packet_life_time() const;  // milliseconds
  std::optional<uint16_t> max_retransmits() const;
  bool negotiated() const;
  DataChannelState state() const;
  // The largest message Send accepts: the peer's a=max-message-size (RFC 8841 §6.1; 65536 when
  // the peer announces none), 0 while unknown.
  size_t max_message_size() const;

  // ---- Sending ----------------------------------------------------------------------------------
  // Send one binary message (PPID 53, or 57 when empty) / one string message (PPID 51 / 56).
  // Errors: kInvalidState unless state() is kOpen; kInvalidArgument when larger than
  // max_message_size(); kExhausted when buffered_amount() would pass
  // Configuration::data_channel_send_buffer_cap or the cross-thread queue is full (wait for
  // OnBufferedAmountLow and retry). The bytes are copied before Send returns.
  Result<void> Send(std::span<const std::byte> data);
  Result<void> Send(std::span<const uint8_t> data);
  Result<void> Send(std::string_view text);

  // Bytes of messages accepted by Send but not yet handed to the network (W3C bufferedAmount).
  size_t buffered_amount() const;
  size_t buffered_amount_low_threshold() const;
  // OnBufferedAmountLow fires each time buffered_amount() falls from above `bytes` to `bytes`
  // or below (W3C bufferedamountlow). Default 0.
  void SetBufferedAmountLowThreshold(size_t bytes);

  // Closes the channel (RFC 8831 §6.7: the SCTP stream is reset); state goes kClosing then
  // kClosed and OnClose fires. Messages already sent are delivered first. Idempotent.
  void Close();

  // ---- Callbacks (run on the loop thread; see the thread rules above) ---------------------------
  // The channel is open: Send works. Set it before the channel can open (for channels from
  // OnDataChannel: inside that callback, where the channel is already open and OnOpen is called
  // at once when set).
  void OnOpen(std::function<void()> callback);
  // One received message. `data` is valid only during the call; copy what you keep.
  // is_binary: false for string messages (UTF-8 text, PPID 51/56).
  void OnMessage(std::function<void(std::span<const uint8_t> data, bool is_binary)> callback);
  // The channel closed (either side, or the PeerConnection closed). Fires once.
  void OnClose(std::function<void()> callback);
  void OnBufferedAmountLow(std::function<void()> callback);
  // A failure on this channel (e.g. the peer refused the message size); the channel closes.
  void OnError(std::function<void(Error error)> callback);

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace sluice
