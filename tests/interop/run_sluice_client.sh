#!/usr/bin/env bash
# ctest interop.sluice_whip_client / interop.sluice_client_aiortc_answerer: sluice's own WHIP
# client (sluice_whip_client) against
#   echo-peer CLIENT ECHO_PEER : echo-peer (sluice <-> sluice; a forwarding echo, so every echoed
#                                RTP payload must be one we sent)
#   aiortc CLIENT              : tests/interop/aiortc/answerer.py (aiortc decodes and re-encodes
#                                the media, so echoed payloads differ; skipped without aiortc)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
MODE=$1
CLIENT=$2
[ -x "$CLIENT" ] || fail "$CLIENT not built"
ANSWERER_PID=""
if [ "$MODE" = echo-peer ]; then
  start_echo_peer "$3"
  URL="$ECHO_PEER_URL/whip"
  EXTRA=(--identical-payloads --check-feedback)
else
  /usr/bin/python3 -c 'import aiortc' 2>/dev/null || skip "python3-aiortc not installed"
  /usr/bin/python3 "$HERE/aiortc/answerer.py" --port-file "$WORK/port" --lifetime 200 \
    --dump-dir "$WORK" 2>"$WORK/answerer.log" &
  ANSWERER_PID=$!
  for _ in $(seq 100); do [ -f "$WORK/port" ] && break; sleep 0.1; done
  [ -f "$WORK/port" ] || fail "aiortc answerer did not start: $(cat "$WORK/answerer.log")"
  URL="http://127.0.0.1:$(cat "$WORK/port")/whip"
  EXTRA=()
fi
run_bounded 90 "$CLIENT" --url "$URL" --messages 1000 --bulk-bytes $((4 << 20)) --timeout 80 \
  "${EXTRA[@]}" >"$WORK/result.json"
status=$?
cat "$WORK/result.json"
if [ "$MODE" = echo-peer ]; then
  log "echo-peer stats: $(echo_peer_stats)"
  stop_echo_peer
else
  kill -TERM "$ANSWERER_PID"
  wait "$ANSWERER_PID"
  if [ "$status" != 0 ]; then
    log "aiortc answerer log:"; grep -v '^http' "$WORK/answerer.log" | tail -40 >&2
    for f in "$WORK"/*.sdp; do [ -f "$f" ] && { log "$f:"; cat "$f" >&2; }; done
  fi
fi
[ "$status" = 0 ] || fail "sluice client against $MODE failed (status $status)"
log "PASS"
