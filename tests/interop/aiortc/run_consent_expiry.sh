#!/usr/bin/env bash
# ctest interop.echo_peer_consent_expiry: an aiortc client connects to echo-peer, echoes one
# message, then freezes (SIGSTOP). echo-peer must see consent expire (RFC 7675 §5.1: 30 s
# without a response) and remove the session: /stats empty within 45 s, the log saying why.
# usage: run_consent_expiry.sh ECHO_PEER_BINARY
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"
/usr/bin/python3 -c 'import aiortc' 2>/dev/null || skip "python3-aiortc not installed"
start_echo_peer "$1"
/usr/bin/python3 "$HERE/vanish_client.py" "$ECHO_PEER_URL/whip" >"$WORK/client.out" 2>"$WORK/client.log" &
CLIENT_PID=$!
for _ in $(seq 150); do grep -q open "$WORK/client.out" && break; sleep 0.1; done
grep -q open "$WORK/client.out" || { kill -KILL "$CLIENT_PID"; fail "client did not connect: $(cat "$WORK/client.log")"; }
log "client connected and frozen; waiting for consent to expire"
start=$SECONDS
removed=""
while [ $((SECONDS - start)) -lt 45 ]; do
  if echo_peer_stats | grep -q '"sessions":\[\]'; then removed=yes; break; fi
  sleep 1
done
kill -KILL "$CLIENT_PID" 2>/dev/null
wait "$CLIENT_PID" 2>/dev/null
grep -E "disconnected|consent|failed|ending|removed" "$WORK/echo-peer.log" >&2
[ -n "$removed" ] || fail "session still listed 45 s after the peer froze: $(echo_peer_stats)"
grep -q "ending (connection failed)" "$WORK/echo-peer.log" || fail "session removed, but not for a failed connection"
log "session removed $((SECONDS - start)) s after the peer froze"
stop_echo_peer
log "PASS"
