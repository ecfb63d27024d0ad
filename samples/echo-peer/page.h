// The page echo-peer serves at GET /: connects this browser to echo-peer over WHIP (camera,
// microphone and a DataChannel) and shows the echoed video and live echo stats. Test drivers
// read window.echoPeerPageStatus().
#pragma once

namespace echo_peer {

extern const char kIndexHtml[];

}  // namespace echo_peer
