#!/usr/bin/python3
"""echo-peer's WHIP/HTTP behaviour with the real library behind it (run by echo_peer_http.sh
against an echo-peer started with --max-sessions 2).

Uses a real Chromium 156 offer (audio, video, DataChannel; data/chromium156_offer.sdp) whose
only candidate is 127.0.0.1:9, where nothing answers: those sessions can never connect, so they
also show that a session whose ICE fails is removed. Prints one line per check; exit 0 if all
passed.
"""
import json
import os
import sys
import time
import urllib.error
import urllib.request

BASE = sys.argv[1]
OFFER = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "data",
                          "chromium156_offer.sdp"), "rb").read()
failures = []


def request(method, path, body=None, ctype=None, headers=None):
    h = dict(headers or {})
    if ctype:
        h["Content-Type"] = ctype
    req = urllib.request.Request(BASE + path, data=body, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"), flush=True)
    if not cond:
        failures.append(name)


def one_line_reason(status, headers, body):
    return (headers.get("content-type", "").startswith("text/plain") and body.endswith(b"\n")
            and body.count(b"\n") == 1 and len(body) > 1)


def stats():
    return json.loads(request("GET", "/stats")[2])


# The page.
s, h, b = request("GET", "/")
check("GET / serves the page", s == 200 and h.get("content-type", "").startswith("text/html")
      and b"/whip" in b and b"echoPeerPageStatus" in b, f"{s} {h}")

# CORS preflight.
s, h, b = request("OPTIONS", "/whip", headers={"Origin": "http://other.test",
                                              "Access-Control-Request-Method": "POST"})
check("OPTIONS /whip -> 204 + CORS", s == 204 and h.get("access-control-allow-origin") == "*"
      and "POST" in h.get("access-control-allow-methods", "")
      and h.get("accept-post") == "application/sdp", f"{s} {h}")

# Bad input.
s, h, b = request("POST", "/whip", b"this is not sdp\r\n", "application/sdp")
check("garbage offer -> 400 with one-line reason", s == 400 and one_line_reason(s, h, b),
      f"{s} {b[:200]!r}")
print("     reason:", b.decode(errors="replace").strip())
s, h, b = request("POST", "/whip", OFFER.replace(b"a=fingerprint:", b"a=xfingerprint:"),
                  "application/sdp")
check("offer without fingerprint -> 400", s == 400 and one_line_reason(s, h, b), f"{s} {b[:200]!r}")
print("     reason:", b.decode(errors="replace").strip())
s, h, b = request("POST", "/whip", OFFER + b"a=x-pad:" + b"x" * (100 * 1024) + b"\r\n",
                  "application/sdp")
check("100 KiB offer -> 413 with one-line reason", s == 413 and one_line_reason(s, h, b),
      f"{s} {b[:200]!r}")
s, h, b = request("POST", "/whip", OFFER, "text/plain")
check("offer as text/plain -> 415", s == 415 and one_line_reason(s, h, b), f"{s} {b[:200]!r}")
s, h, b = request("DELETE", "/whip/resource/0123456789abcdef")
check("DELETE unknown resource -> 404", s == 404 and one_line_reason(s, h, b), f"{s} {b!r}")
s, h, b = request("GET", "/nothing/here")
check("unknown path -> 404", s == 404, f"{s}")
check("no session was created by bad input", stats()["sessions_created"] == 0, str(stats()))

# Real offers: answers, the session limit, DELETE.
created = []
for i in range(2):
    s, h, b = request("POST", "/whip", OFFER, "application/sdp")
    ok = s == 201 and h.get("content-type", "").startswith("application/sdp") and \
        h.get("location", "").startswith("/whip/resource/")
    check(f"offer {i + 1} -> 201 + Location + application/sdp", ok, f"{s} {h} {b[:300]!r}")
    if ok:
        created.append(h["location"])
        answer = b.decode()
        lines = answer.split("\r\n")
        mlines = [l.split(" ")[0] for l in lines if l.startswith("m=")]
        check(f"answer {i + 1}: m-lines audio, video, application in offer order",
              mlines == ["m=audio", "m=video", "m=application"], str(mlines))
        check(f"answer {i + 1}: carries 127.0.0.1 host candidates",
              any(l.startswith("a=candidate:") and " 127.0.0.1 " in l for l in lines), answer[:400])
        check(f"answer {i + 1}: a=end-of-candidates (non-trickle)",
              "a=end-of-candidates" in lines, "")
        check(f"answer {i + 1}: a=setup:active", "a=setup:active" in lines, "")
        check(f"answer {i + 1}: sendrecv audio and video",
              answer.count("a=sendrecv") >= 2, "")
s, h, b = request("POST", "/whip", OFFER, "application/sdp")
check("third offer past --max-sessions 2 -> 503", s == 503 and one_line_reason(s, h, b),
      f"{s} {b[:200]!r}")
s, h, b = request("PATCH", created[0] if created else "/whip/resource/x",
                  b"a=end-of-candidates\r\n", "application/trickle-ice-sdpfrag")
check("PATCH (trickle) -> 405", s == 405 and "DELETE" in h.get("allow", ""), f"{s} {h}")
if created:
    s, h, b = request("DELETE", created[0])
    check("DELETE resource -> 200", s == 200, f"{s} {b!r}")
    s, h, b = request("DELETE", created[0])
    check("DELETE it again -> 404", s == 404, f"{s}")
    s, h, b = request("POST", "/whip", OFFER, "application/sdp")
    check("a slot is free again -> 201", s == 201, f"{s} {b[:200]!r}")
    st = stats()
    check("/stats counts 3 live-or-removed sessions", st["sessions_created"] == 3 and
          len(st["sessions"]) == 2, json.dumps(st))

# Sessions that cannot connect (ICE toward 127.0.0.1:9 fails) are removed by echo-peer.
deadline = time.monotonic() + 45
while time.monotonic() < deadline and stats()["sessions"]:
    time.sleep(0.5)
st = stats()
check("unconnectable sessions removed within 45 s", not st["sessions"], json.dumps(st))

# Mutated offers (seeded): every one is answered 201 (then deleted) or refused 400, never a 5xx
# or a dropped connection; echo-peer must survive them all (the ASan run checks for leaks).
import random
rng = random.Random(9725)
lines = OFFER.split(b"\r\n")
statuses = {}
for i in range(300):
    m = list(lines)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(5)
        j = rng.randrange(len(m))
        if op == 0:
            del m[j]
        elif op == 1:
            m.insert(rng.randrange(len(m)), m[j])
        elif op == 2 and m[j]:
            b = bytearray(m[j])
            b[rng.randrange(len(b))] = rng.randrange(32, 127)
            m[j] = bytes(b)
        elif op == 3:
            m[j] = m[j][: rng.randrange(len(m[j]) + 1)]
        else:
            m[j] = m[j].replace(b" ", b"  ", 1) if rng.random() < 0.5 else m[j] + b"\xff"
    body = b"\r\n".join(m)
    try:
        st, h, b = request("POST", "/whip", body, "application/sdp")
    except Exception as e:  # connection reset: echo-peer died or dropped the request
        st, b = f"{type(e).__name__}", b""
    statuses[st] = statuses.get(st, 0) + 1
    if st == 201:
        request("DELETE", h["location"])
    elif st != 400:
        check(f"mutated offer {i} answered 201 or 400", False, f"{st} {b[:200]!r}")
        break
print("     mutated offers:", statuses)
check("300 mutated offers: only 201/400", set(statuses) <= {201, 400}, str(statuses))
check("echo-peer still serves after them", request("GET", "/stats")[0] == 200, "")
print(f"{len(failures)} failed" if failures else "all checks passed")
sys.exit(1 if failures else 0)
