#!/usr/bin/env bash
# ctest interop.echo_peer_http: echo-peer's HTTP behaviour with the real library behind it
# (echo_peer_http_check.py), then SIGTERM with sessions still open must exit 0 (clean close;
# under ASan nothing leaked). usage: echo_peer_http.sh ECHO_PEER_BINARY
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
start_echo_peer "$1" --max-sessions 2
run_bounded 90 /usr/bin/python3 "$HERE/echo_peer_http_check.py" "$ECHO_PEER_URL"
status=$?
# One more session, left open for the shutdown.
/usr/bin/python3 - "$ECHO_PEER_URL" "$HERE/data/chromium156_offer.sdp" <<'PY' || status=1
import sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/whip", data=open(sys.argv[2], "rb").read(),
                             method="POST", headers={"Content-Type": "application/sdp"})
assert urllib.request.urlopen(req, timeout=10).status == 201
PY
stop_echo_peer
[ "$status" = 0 ] || fail "echo-peer HTTP checks failed"
log "PASS"
