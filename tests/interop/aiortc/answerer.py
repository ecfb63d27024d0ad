#!/usr/bin/python3
"""An aiortc echo server speaking WHIP (RFC 9725): the peer for "sluice as the client of aiortc".

POST /whip (application/sdp offer) -> 201, Location: /whip/resource/<id>, the answer with every
candidate. DELETE /whip/resource/<id> -> 200. Echo: every DataChannel message back on its channel
(same type), every received audio/video track sent back on the answer's own sendrecv transceiver
of that kind (aiortc decodes and re-encodes it). Listens on 127.0.0.1; --port 0 picks a port and
--port-file receives it once listening. Runs until SIGTERM/SIGINT or --lifetime seconds.
"""
import argparse
import asyncio
import json
import os
import signal
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import loopback  # noqa: F401  (keeps ICE on 127.0.0.1)
from loopback import log, setup_logging

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

sessions = {}
stats = {"sessions": 0, "messages": 0, "tracks": 0}


async def answer(offer_sdp: str) -> (str, str):
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    sid = uuid.uuid4().hex[:16]
    sessions[sid] = pc
    stats["sessions"] += 1

    @pc.on("datachannel")
    def on_datachannel(channel):
        log(sid, "datachannel", channel.label)

        @channel.on("message")
        def on_message(msg):
            stats["messages"] += 1
            channel.send(msg)

    @pc.on("track")
    def on_track(track):
        log(sid, "track", track.kind)
        stats["tracks"] += 1
        pc.addTrack(track)  # reuses the offer's transceiver of this kind: sendrecv echo

    @pc.on("connectionstatechange")
    async def on_state():
        log(sid, "connection", pc.connectionState)
        if pc.connectionState in ("failed", "closed"):
            sessions.pop(sid, None)
            await pc.close()

    await pc.setRemoteDescription(RTCSessionDescription(offer_sdp, "offer"))
    await pc.setLocalDescription(await pc.createAnswer())  # gathers every candidate
    return sid, pc.localDescription.sdp


async def delete(sid: str) -> bool:
    pc = sessions.pop(sid, None)
    if pc is None:
        return False
    await pc.close()
    return True


class Handler(BaseHTTPRequestHandler):
    loop: asyncio.AbstractEventLoop = None
    dump_dir = None

    def log_message(self, fmt, *a):
        log("http", fmt % a)

    def reply(self, code, body=b"", ctype="text/plain", headers=None):
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Expose-Headers", "Location")
        if body:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def call(self, coro, timeout=15):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def do_OPTIONS(self):
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "POST, DELETE, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        if self.path == "/stats":
            self.reply(200, json.dumps(stats).encode(), "application/json")
        else:
            self.reply(404, b"not found\n")

    def do_POST(self):
        if self.path != "/whip":
            return self.reply(404, b"not found\n")
        if not self.headers.get("Content-Type", "").startswith("application/sdp"):
            return self.reply(415, b"Content-Type must be application/sdp\n")
        length = int(self.headers.get("Content-Length", "0"))
        offer = self.rfile.read(length).decode()
        try:
            sid, sdp = self.call(answer(offer))
        except Exception as e:
            return self.reply(400, f"bad offer: {type(e).__name__}: {e}\n".encode())
        if self.dump_dir:
            with open(os.path.join(self.dump_dir, f"{sid}.offer.sdp"), "w") as f:
                f.write(offer)
            with open(os.path.join(self.dump_dir, f"{sid}.answer.sdp"), "w") as f:
                f.write(sdp)
        self.reply(201, sdp.encode(), "application/sdp",
                   {"Location": f"/whip/resource/{sid}"})

    def do_DELETE(self):
        prefix = "/whip/resource/"
        if self.path.startswith(prefix) and self.call(delete(self.path[len(prefix):])):
            return self.reply(200)
        self.reply(404, b"no such resource\n")

    def do_PATCH(self):
        self.reply(405, b"trickle not supported\n", headers={"Allow": "POST, DELETE, OPTIONS"})


async def main(args):
    loop = asyncio.get_running_loop()
    Handler.loop = loop
    Handler.dump_dir = args.dump_dir
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log("aiortc answerer listening on 127.0.0.1:%d" % port)
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(port))
        os.rename(args.port_file + ".tmp", args.port_file)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), args.lifetime)
    except asyncio.TimeoutError:
        log("lifetime over")
    server.shutdown()
    for sid in list(sessions):
        await delete(sid)
    log("answerer stopped:", json.dumps(stats))


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--dump-dir", help="write each offer and answer here")
    p.add_argument("--lifetime", type=float, default=300)
    p.add_argument("--log-level", default="warning")
    a = p.parse_args()
    setup_logging(a.log_level)
    asyncio.run(main(a))
    sys.exit(0)
