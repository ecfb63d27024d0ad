#!/usr/bin/env bash
# ctest interop.echo_peer_concurrent: one echo-peer, eight clients at once (six sluice clients
# with media and feedback checks, two pion clients when pion is installed), each checking its
# own echo intact and in order: sessions are isolated and the loop keeps up. --max-sessions 8.
# usage: run_concurrent.sh ECHO_PEER_BINARY SLUICE_CLIENT PION_BUILD_DIR
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
ECHO_PEER=$1
CLIENT=$2
PION_DIR=$3
[ -x "$CLIENT" ] || fail "$CLIENT not built"
start_echo_peer "$ECHO_PEER" --max-sessions 8
pids=()
for i in 1 2 3 4 5 6; do
  run_bounded 120 "$CLIENT" --url "$ECHO_PEER_URL/whip" --messages 1000 --bulk-bytes $((2 << 20)) \
    --identical-payloads --check-feedback --timeout 110 >"$WORK/sluice$i.json" 2>"$WORK/sluice$i.log" &
  pids+=($!)
done
if [ -x "$PION_DIR/whipclient" ]; then  # built by interop.pion_whip_client
  for i in 1 2; do
    run_bounded 120 "$PION_DIR/whipclient" -url "$ECHO_PEER_URL/whip" -messages 1000 \
      -bulk-bytes $((2 << 20)) -identical-payloads -check-feedback -timeout 110s \
      >"$WORK/pion$i.json" 2>"$WORK/pion$i.log" &
    pids+=($!)
  done
else
  log "pion whipclient not built: sluice clients only"
fi
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
for f in "$WORK"/*.json; do echo "$(basename "$f"): $(cut -c1-300 "$f")"; done
log "echo-peer stats: $(echo_peer_stats)"
stop_echo_peer
[ "$failed" = 0 ] || fail "$failed of ${#pids[@]} concurrent clients failed"
log "PASS (${#pids[@]} concurrent clients)"
