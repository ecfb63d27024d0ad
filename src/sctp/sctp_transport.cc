// Placeholder implementation: the real one lands next (usrsctp AF_CONN).
#include "sctp/sctp_transport.h"

namespace sluice::sctp {

struct SctpTransport::Impl {
  SctpStats stats;
};

SctpTransport::SctpTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SctpTransport::~SctpTransport() = default;

Result<std::unique_ptr<SctpTransport>> SctpTransport::Create(const SctpConfig&, bool) {
  return MakeError(ErrorCode::kUnsupported, "sctp: not implemented yet");
}
Result<void> SctpTransport::Start(Instant) {
  return MakeError(ErrorCode::kUnsupported, "sctp: not implemented yet");
}
void SctpTransport::HandleReceive(Instant, std::span<const uint8_t>) {}
std::optional<std::span<const uint8_t>> SctpTransport::PollTransmit() { return std::nullopt; }
std::optional<SctpEvent> SctpTransport::PollEvent() { return std::nullopt; }
void SctpTransport::HandleTimeout(Instant) {}
std::optional<Instant> SctpTransport::PollTimeout() const { return std::nullopt; }
Result<uint16_t> SctpTransport::OpenChannel(Instant, const ChannelOptions&) {
  return MakeError(ErrorCode::kUnsupported, "sctp: not implemented yet");
}
Result<void> SctpTransport::Send(Instant, uint16_t, MessageType, std::span<const uint8_t>) {
  return MakeError(ErrorCode::kUnsupported, "sctp: not implemented yet");
}
Result<void> SctpTransport::CloseChannel(Instant, uint16_t) {
  return MakeError(ErrorCode::kUnsupported, "sctp: not implemented yet");
}
size_t SctpTransport::buffered_amount(uint16_t) const { return 0; }
void SctpTransport::SetBufferedAmountLowThreshold(uint16_t, size_t) {}
const ChannelInfo* SctpTransport::channel(uint16_t) const { return nullptr; }
void SctpTransport::Close(Instant) {}
const SctpStats& SctpTransport::stats() const { return impl_->stats; }

}  // namespace sluice::sctp
