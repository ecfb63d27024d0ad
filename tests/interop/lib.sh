# Shared by the interop test scripts (sourced). Starts echo-peer on a free port, remembers its
# PID, and stops it at the end with SIGTERM, checking that it shuts down cleanly (exit 0: every
# session closed, nothing leaked under ASan). Exit 77 = skipped (ctest SKIP_RETURN_CODE), used
# only when the peer software under test is not installed.
set -uo pipefail

SKIP=77
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the source tree
ECHO_PEER_PID=""
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-interop.XXXXXX")

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S.%N | cut -c1-12)" "$*" >&2; }
skip() { log "SKIP: $*"; exit "$SKIP"; }
fail() { log "FAIL: $*"; exit 1; }

cleanup() {
  local status=$?
  if [ -n "$ECHO_PEER_PID" ] && kill -0 "$ECHO_PEER_PID" 2>/dev/null; then
    kill -KILL "$ECHO_PEER_PID" 2>/dev/null
    wait "$ECHO_PEER_PID" 2>/dev/null
  fi
  if [ "$status" != 0 ] && [ "$status" != "$SKIP" ] && [ -f "$WORK/echo-peer.log" ]; then
    log "echo-peer log (last 60 lines):"
    tail -60 "$WORK/echo-peer.log" >&2
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_echo_peer BINARY [extra args...]: sets ECHO_PEER_PID and ECHO_PEER_URL (http://host:P)
start_echo_peer() {
  local bin=$1
  shift
  [ -x "$bin" ] || fail "echo-peer binary $bin not built"
  "$bin" --port 0 --log-level "${ECHO_PEER_LOG_LEVEL:-info}" "$@" \
    >"$WORK/echo-peer.out" 2>"$WORK/echo-peer.log" &
  ECHO_PEER_PID=$!
  local url=""
  for _ in $(seq 100); do
    url=$(sed -n 's|^echo-peer listening on \(http://[^ ]*:[0-9]*\)/ .*|\1|p' "$WORK/echo-peer.out")
    [ -n "$url" ] && break
    kill -0 "$ECHO_PEER_PID" 2>/dev/null || fail "echo-peer exited at start: $(cat "$WORK/echo-peer.log")"
    sleep 0.1
  done
  [ -n "$url" ] || fail "echo-peer did not print its URL within 10 s"
  ECHO_PEER_URL=$url
  log "echo-peer PID $ECHO_PEER_PID on $ECHO_PEER_URL"
}

# stop_echo_peer: SIGTERM, then at most 10 s for a clean exit 0.
stop_echo_peer() {
  [ -n "$ECHO_PEER_PID" ] || return 0
  kill -TERM "$ECHO_PEER_PID" 2>/dev/null
  local status=""
  for _ in $(seq 100); do
    if ! kill -0 "$ECHO_PEER_PID" 2>/dev/null; then
      wait "$ECHO_PEER_PID"
      status=$?
      break
    fi
    sleep 0.1
  done
  if [ -z "$status" ]; then
    fail "echo-peer did not exit within 10 s of SIGTERM"
  fi
  ECHO_PEER_PID=""
  [ "$status" = 0 ] || fail "echo-peer exited with status $status after SIGTERM"
  log "echo-peer stopped cleanly"
}

# run_bounded SECONDS command...: the command's status, 124 if it ran out of time.
run_bounded() {
  local secs=$1
  shift
  timeout --kill-after=5 "$secs" "$@"
}

# echo_peer_stats: GET /stats (python3 stdlib; no curl needed).
echo_peer_stats() {
  /usr/bin/python3 -c 'import sys,urllib.request; print(urllib.request.urlopen(sys.argv[1]+"/stats", timeout=5).read().decode())' "$ECHO_PEER_URL"
}
