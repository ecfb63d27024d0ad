#!/usr/bin/python3
"""An aiortc WHIP client that connects (DataChannel open, one echo), prints "open", then stops
itself with SIGSTOP: its socket stays but nothing answers, as when a browser tab freezes or a
network path dies. The peer must see consent expire (RFC 7675: 30 s) and end the session.
usage: vanish_client.py WHIP_URL   (the caller SIGKILLs it afterwards)
"""
import asyncio
import os
import signal
import sys
import urllib.request

import loopback  # noqa: F401  (keeps ICE on 127.0.0.1)

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription


async def main(url):
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    channel = pc.createDataChannel("echo")
    opened, echoed = asyncio.Event(), asyncio.Event()
    channel.on("open", opened.set)
    channel.on("message", lambda m: echoed.set())
    await pc.setLocalDescription(await pc.createOffer())
    req = urllib.request.Request(url, data=pc.localDescription.sdp.encode(), method="POST",
                                 headers={"Content-Type": "application/sdp"})
    answer = await asyncio.get_running_loop().run_in_executor(
        None, lambda: urllib.request.urlopen(req, timeout=10).read().decode())
    await pc.setRemoteDescription(RTCSessionDescription(answer, "answer"))
    await asyncio.wait_for(opened.wait(), 10)
    channel.send(b"ping")
    await asyncio.wait_for(echoed.wait(), 10)
    print("open", flush=True)
    os.kill(os.getpid(), signal.SIGSTOP)


asyncio.run(main(sys.argv[1]))
