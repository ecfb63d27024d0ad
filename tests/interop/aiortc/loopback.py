"""Shared setup for the aiortc interop tools: keep every ICE candidate on 127.0.0.1.

aioice gathers host candidates on every interface address except loopback; interop tests must
only send to this machine's loopback, so its address lookup is replaced before any gathering.
aiortc's default configuration also names a public STUN server: callers pass iceServers=[].
"""
import logging
import os
import sys

import aioice.ice

BIND_ADDRESS = os.environ.get("INTEROP_BIND", "127.0.0.1")


def _loopback_only(use_ipv4: bool, use_ipv6: bool):
    return [BIND_ADDRESS]


aioice.ice.get_host_addresses = _loopback_only

# aiortc 1.4 offers ssrc-audio-level (audio) and abs-send-time (video) with the same id 2 in one
# BUNDLE group, then parses every packet of the group with one map: an audio packet's 1-byte level
# is read as a 3-byte abs-send-time and the receive loop dies ("unpack requires a buffer of 4
# bytes"). Give audio-level its own id so ids are unique across the bundle, as RFC 8843 §9.2 asks.
from aiortc.codecs import HEADER_EXTENSIONS  # noqa: E402

for _ext in HEADER_EXTENSIONS["audio"]:
    if _ext.uri == "urn:ietf:params:rtp-hdrext:ssrc-audio-level":
        _ext.id = 3


def setup_logging(level: str) -> None:
    logging.basicConfig(stream=sys.stderr, level=getattr(logging, level.upper(), logging.WARNING),
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)
