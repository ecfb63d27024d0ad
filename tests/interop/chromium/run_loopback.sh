#!/usr/bin/env bash
# ctest interop.chromium_loopback: two RTCPeerConnections in one headless Chromium page over
# loopback (no sluice involved): proves the browser runs here and prints Chromium<->Chromium
# figures for the workload of sluice's bench (setup to first message, 1 KiB echo RTT p50/p99,
# 64 B and 64 KiB DataChannel throughput) measured on the same machine in the same job.
# usage: run_loopback.sh NODE_DIR
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"
NODE_DIR=$1
[ -x /usr/bin/chromium ] || skip "/usr/bin/chromium not installed"
command -v node >/dev/null && command -v npm >/dev/null || skip "node/npm not installed"
. "$HERE/npm_setup.sh"
run_bounded 200 node "$NODE_DIR/driver.js" loopback --timeout 190 >"$WORK/result.json" 2>"$WORK/driver.log"
status=$?
cat "$WORK/result.json"
[ "$status" = 0 ] || { tail -30 "$WORK/driver.log" >&2; fail "Chromium loopback failed (status $status)"; }
log "PASS"
