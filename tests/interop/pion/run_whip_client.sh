#!/usr/bin/env bash
# ctest interop.pion_whip_client: pion/webrtc v3 (Debian golang-github-pion-webrtc.v3-dev, built
# offline in GOPATH mode into BUILD_DIR) as a WHIP client of echo-peer: DataChannel ordered/text/
# bulk echo, Opus + VP8 RTP echoed back with every payload one we sent, DELETE.
# usage: run_whip_client.sh ECHO_PEER_BINARY BUILD_DIR
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"
BUILD_DIR=$2
command -v go >/dev/null || skip "go (golang-go) not installed"
[ -f /usr/share/gocode/src/github.com/pion/webrtc/peerconnection.go ] ||
  skip "golang-github-pion-webrtc.v3-dev not installed"
mkdir -p "$BUILD_DIR/gocache"
log "go build whipclient (GOPATH mode, offline)"
GO111MODULE=off GOFLAGS= GOPROXY=off GOPATH="/usr/share/gocode:$HERE" GOCACHE="$BUILD_DIR/gocache" \
  run_bounded 300 go build -o "$BUILD_DIR/whipclient" whipclient || fail "go build failed"
start_echo_peer "$1"
run_bounded 90 "$BUILD_DIR/whipclient" -url "$ECHO_PEER_URL/whip" -messages 1000 \
  -bulk-bytes $((8 << 20)) -identical-payloads -check-feedback -timeout 80s >"$WORK/result.json"
status=$?
cat "$WORK/result.json"
log "echo-peer stats: $(echo_peer_stats)"
stop_echo_peer
[ "$status" = 0 ] || fail "pion client failed (status $status)"
log "PASS"
