// RFC 8285 header-extension validation (see rtp_header_extension.h for the diagrams).
#include "rtp/rtp_header_extension.h"

namespace sluice {

Result<void> RtpHeaderExtensions::Validate() const {
  if (form_ != RtpExtensionForm::kOneByte && form_ != RtpExtensionForm::kTwoByte) return Ok();
  size_t pos = 0;
  RtpExtensionStop stop = RtpExtensionStop::kEnd;
  while (ReadRtpExtensionElement(form_, block_, &pos, &stop)) {
  }
  switch (stop) {
    case RtpExtensionStop::kEnd:
      return Ok();
    case RtpExtensionStop::kReservedId15:
      // RFC 8285 §4.2: "The local identifier value 15 is reserved for a future extension and
      // MUST NOT be used as an identifier."
      return MakeError(ErrorCode::kMalformed, "one-byte header extension uses reserved id 15");
    case RtpExtensionStop::kBadPadding:
      // RFC 8285 §4.2: "The 4-bit ID is the local identifier of this element in the range 1-14
      // inclusive"; a zero ID is only valid as a whole zero padding byte.
      return MakeError(ErrorCode::kMalformed, "one-byte header extension has id 0 with a length");
    case RtpExtensionStop::kTruncated:
      return MakeError(ErrorCode::kTruncated, "header extension element runs past its block");
  }
  return MakeError(ErrorCode::kInternal, "unknown extension walk state");
}

}  // namespace sluice
