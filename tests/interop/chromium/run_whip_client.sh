#!/usr/bin/env bash
# ctest interop.chromium_whip_client: Debian's headless Chromium (fake camera + microphone) as a
# WHIP client of echo-peer, from a page of another origin (CORS), then echo-peer's own page.
# playwright-core comes from the npm registry (npm ci with the committed lockfile) into NODE_DIR.
# usage: run_whip_client.sh ECHO_PEER_BINARY NODE_DIR
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"
NODE_DIR=$2
[ -x /usr/bin/chromium ] || skip "/usr/bin/chromium not installed"
command -v node >/dev/null && command -v npm >/dev/null || skip "node/npm not installed"
. "$HERE/npm_setup.sh"
start_echo_peer "$1"
run_bounded 150 node "$NODE_DIR/driver.js" whip --whip-url "$ECHO_PEER_URL/whip" \
  --echo-page "$ECHO_PEER_URL/" --messages 1000 --bulk-bytes $((16 << 20)) --timeout 140 \
  >"$WORK/result.json" 2>"$WORK/driver.log"
status=$?
cat "$WORK/result.json"
[ "$status" = 0 ] || tail -30 "$WORK/driver.log" >&2
log "echo-peer stats: $(echo_peer_stats)"
stop_echo_peer
[ "$status" = 0 ] || fail "Chromium WHIP client failed (status $status)"
log "PASS"
