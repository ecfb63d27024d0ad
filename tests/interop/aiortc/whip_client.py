#!/usr/bin/python3
"""aiortc as a WHIP client (RFC 9725) of an echo server (echo-peer, or answerer.py).

POSTs a non-trickle offer with one DataChannel and, unless --no-media, an audio and a video
track from aiortc's test sources; then checks that
  1. --messages binary messages come back intact and in order (sequence number + seeded bytes),
  2. --strings text messages come back as text,
  3. a bulk phase of --bulk-bytes in 16 KiB messages comes back intact (SHA-256 of the stream),
  4. echoed RTP arrives: aiortc decodes at least one video frame and one audio frame of its own
     media from the echo,
  5. DELETE on the Location answers 200.
Prints one JSON object on stdout; exits 0 only if every check passed, 1 otherwise.
"""
import argparse
import asyncio
import fractions
import hashlib
import json
import random
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import loopback  # noqa: F401  (keeps ICE on 127.0.0.1)
from loopback import log, setup_logging

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, VideoStreamTrack
from av import VideoFrame

BULK_CHUNK = 16 * 1024


class SmallVideoTrack(VideoStreamTrack):
    """aiortc's test source, 320x240 with a moving bar (cheaper to encode than 640x480)."""

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame(width=320, height=240)
        y = bytearray(frame.planes[0].buffer_size)
        bar = (pts // 3000) % 240
        y[bar * 320:(bar + 8) * 320] = b"\xff" * (min(bar + 8, 240) - bar) * 320
        frame.planes[0].update(bytes(y))
        for p in frame.planes[1:]:
            p.update(bytes([128]) * p.buffer_size)
        frame.pts = pts
        frame.time_base = time_base
        return frame


def message(seq: int) -> bytes:
    """Message seq of the ordered phase: 4-byte sequence number + 1..2048 seeded bytes."""
    size = 1 + (seq * 37) % 2048
    return struct.pack("!I", seq) + random.Random(seq).randbytes(size)


def http(method: str, url: str, body: bytes = None, headers=None, timeout=10.0):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class Checker:
    def __init__(self, args):
        self.args = args
        self.result = {"peer": "aiortc " + __import__("aiortc").__version__, "ok": False,
                       "errors": []}
        self.frames = {"audio": 0, "video": 0}
        self.media_done = {"audio": asyncio.Event(), "video": asyncio.Event()}
        self.phase = "setup"

    def fail(self, what: str):
        log("FAIL:", what)
        self.result["errors"].append(what)

    async def read_track(self, track):
        kind = track.kind
        try:
            while True:
                await track.recv()
                self.frames[kind] += 1
                if self.frames[kind] >= self.args.min_frames:
                    self.media_done[kind].set()
        except MediaStreamError:
            pass

    async def run(self):
        args = self.args
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pc = pc
        channel = pc.createDataChannel("echo")
        if not args.no_media:
            pc.addTrack(AudioStreamTrack())
            pc.addTrack(SmallVideoTrack())
        tasks = []

        @pc.on("track")
        def on_track(track):
            log("remote track", track.kind)
            tasks.append(asyncio.ensure_future(self.read_track(track)))

        @pc.on("connectionstatechange")
        def on_state():
            log("connection state", pc.connectionState)

        inbox = asyncio.Queue()
        opened = asyncio.Event()
        channel.on("open", opened.set)
        channel.on("message", inbox.put_nowait)

        t0 = time.monotonic()
        await pc.setLocalDescription(await pc.createOffer())  # gathers every candidate
        offer = pc.localDescription.sdp
        loop = asyncio.get_running_loop()
        status, headers, body = await loop.run_in_executor(
            None, lambda: http("POST", args.url, offer.encode(),
                               {"Content-Type": "application/sdp"}))
        headers = {k.lower(): v for k, v in headers.items()}
        self.result["post_status"] = status
        if status != 201:
            self.fail(f"POST {args.url}: {status} {body[:200]!r}")
            return
        if not headers.get("content-type", "").startswith("application/sdp"):
            self.fail("answer Content-Type is %r" % headers.get("content-type"))
        location = headers.get("location")
        if not location:
            self.fail("201 without Location")
        resource = urllib.parse.urljoin(args.url, location or "")
        self.result["location"] = location
        answer = body.decode()
        if "a=candidate:" not in answer:
            self.fail("answer carries no candidate")
        await pc.setRemoteDescription(RTCSessionDescription(answer, "answer"))

        try:
            await asyncio.wait_for(opened.wait(), args.connect_timeout)
        except asyncio.TimeoutError:
            self.fail("DataChannel did not open within %.0f s (connection %s)" %
                      (args.connect_timeout, pc.connectionState))
            return
        self.result["connect_ms"] = round((time.monotonic() - t0) * 1000, 1)

        # 1. Ordered binary echo.
        self.phase = "ordered messages"
        rtts = []
        window = 64
        sent_at = {}
        next_send = 0
        for seq in range(args.messages):
            while next_send < args.messages and next_send < seq + window:
                sent_at[next_send] = time.monotonic()
                channel.send(message(next_send))
                next_send += 1
            got = await asyncio.wait_for(inbox.get(), 10)
            if not isinstance(got, bytes):
                self.fail(f"message {seq}: came back as text")
                return
            if got != message(seq):
                rseq = struct.unpack("!I", got[:4])[0] if len(got) >= 4 else -1
                self.fail(f"message {seq}: wrong echo (len {len(got)}, seq {rseq})")
                return
            rtts.append(time.monotonic() - sent_at.pop(seq))
        self.result["messages_echoed"] = args.messages

        # 2. Text stays text.
        self.phase = "text messages"
        for i in range(args.strings):
            channel.send(f"text {i} \u00e9\u4e2d")
        for i in range(args.strings):
            got = await asyncio.wait_for(inbox.get(), 10)
            if got != f"text {i} \u00e9\u4e2d":
                self.fail(f"string {i}: got {got!r:.60}")
                return
        self.result["strings_echoed"] = args.strings

        # 3. Bulk: the echoed stream is byte-identical.
        self.phase = "bulk"
        if args.bulk_bytes:
            rng = random.Random(7)
            sent_hash, recv_hash = hashlib.sha256(), hashlib.sha256()
            received = 0
            channel.bufferedAmountLowThreshold = 256 * 1024
            low = asyncio.Event()
            channel.on("bufferedamountlow", low.set)
            tb = time.monotonic()

            async def receiver():
                nonlocal received
                while received < args.bulk_bytes:
                    got = await inbox.get()
                    recv_hash.update(got)
                    received += len(got)

            rx = asyncio.ensure_future(receiver())
            sent = 0
            while sent < args.bulk_bytes:
                chunk = rng.randbytes(min(BULK_CHUNK, args.bulk_bytes - sent))
                sent_hash.update(chunk)
                channel.send(chunk)
                sent += len(chunk)
                if channel.bufferedAmount > 1024 * 1024:
                    low.clear()
                    await asyncio.wait_for(low.wait(), 20)
            try:
                await asyncio.wait_for(rx, 60)
            except asyncio.TimeoutError:
                self.fail(f"bulk: {received} of {args.bulk_bytes} bytes echoed in time")
                return
            secs = time.monotonic() - tb
            if received != sent or recv_hash.digest() != sent_hash.digest():
                self.fail("bulk: echoed stream differs")
                return
            self.result["bulk_bytes"] = received
            self.result["bulk_echo_mbps"] = round(received * 8 / secs / 1e6, 2)

        rtts.sort()
        self.result["rtt_ms_p50"] = round(rtts[len(rtts) // 2] * 1000, 3) if rtts else None
        self.result["rtt_ms_p99"] = round(rtts[(len(rtts) * 99) // 100] * 1000, 3) if rtts else None

        # 4. Echoed media decodes.
        self.phase = "media"
        if not args.no_media:
            for kind in ("video", "audio"):
                try:
                    await asyncio.wait_for(self.media_done[kind].wait(), args.media_timeout)
                except asyncio.TimeoutError:
                    self.fail(f"{kind}: {self.frames[kind]} echoed frames decoded "
                              f"in {args.media_timeout} s (want {args.min_frames})")
            self.result["video_frames_decoded"] = self.frames["video"]
            self.result["audio_frames_decoded"] = self.frames["audio"]
            stats = await pc.getStats()
            for s in stats.values():
                if s.type == "inbound-rtp":
                    self.result[f"inbound_rtp_{s.kind}_packets"] = s.packetsReceived

        # 5. DELETE ends the session.
        self.phase = "delete"
        if location:
            status, _, body = await loop.run_in_executor(None, lambda: http("DELETE", resource))
            self.result["delete_status"] = status
            if status != 200:
                self.fail(f"DELETE {location}: {status} {body[:200]!r}")
        for t in tasks:
            t.cancel()
        if not self.result["errors"]:
            self.result["ok"] = True


async def main(args):
    checker = Checker(args)
    try:
        await asyncio.wait_for(checker.run(), args.timeout)
    except asyncio.TimeoutError:
        checker.fail(f"timeout in phase '{checker.phase}' (connection "
                     f"{getattr(getattr(checker, 'pc', None), 'connectionState', '?')})")
    except Exception as e:  # report, never hang
        checker.fail(f"{type(e).__name__}: {e}")
    finally:
        if hasattr(checker, "pc"):
            await checker.pc.close()
    print(json.dumps(checker.result), flush=True)
    return 0 if checker.result["ok"] else 1


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True, help="WHIP endpoint, http://127.0.0.1:8080/whip")
    p.add_argument("--messages", type=int, default=1000)
    p.add_argument("--strings", type=int, default=10)
    p.add_argument("--bulk-bytes", type=int, default=2 * 1024 * 1024)
    p.add_argument("--no-media", action="store_true")
    p.add_argument("--min-frames", type=int, default=5)
    p.add_argument("--connect-timeout", type=float, default=10)
    p.add_argument("--media-timeout", type=float, default=15)
    p.add_argument("--timeout", type=float, default=90)
    p.add_argument("--log-level", default="warning")
    a = p.parse_args()
    setup_logging(a.log_level)
    sys.exit(asyncio.run(main(a)))
