#!/usr/bin/env bash
# ctest interop.aiortc_whip_client: aiortc (Debian python3-aiortc, /usr/bin/python3) as a WHIP
# client of echo-peer: DataChannel ordered/text/bulk echo, echoed audio+video decoded, DELETE.
# usage: run_whip_client.sh ECHO_PEER_BINARY [ipv6]   (ipv6: echo-peer and aiortc on ::1)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"
/usr/bin/python3 -c 'import aiortc' 2>/dev/null || skip "python3-aiortc not installed"
if [ "${2:-}" = ipv6 ]; then
  export INTEROP_BIND=::1
  start_echo_peer "$1" --bind ::1
else
  start_echo_peer "$1"
fi
run_bounded 120 /usr/bin/python3 "$HERE/whip_client.py" --url "$ECHO_PEER_URL/whip" \
  --messages 1000 --bulk-bytes $((4 << 20)) >"$WORK/result.json"
status=$?
cat "$WORK/result.json"
log "echo-peer stats: $(echo_peer_stats)"
stop_echo_peer
[ "$status" = 0 ] || fail "aiortc client failed (status $status)"
log "PASS"
