# aioice side of the capture in aioice_capture_test.cc; see aioice_driver.cc.
import asyncio, json, os, sys, time
import aioice
from aioice import Candidate

async def main(controlling):
    conn = aioice.Connection(ice_controlling=controlling, components=1, use_ipv6=False)
    await conn.gather_candidates()
    cands = [c.to_sdp() for c in conn.local_candidates]
    json.dump({"ufrag": conn.local_username, "pwd": conn.local_password, "candidates": cands},
              open("py.json.tmp", "w"))
    os.rename("py.json.tmp", "py.json")
    while not os.path.exists("cc.json"):
        await asyncio.sleep(0.05)
    cc = json.load(open("cc.json"))
    conn.remote_username = cc["ufrag"]
    conn.remote_password = cc["pwd"]
    for line in cc["candidates"]:
        await conn.add_remote_candidate(Candidate.from_sdp(line))
    await conn.add_remote_candidate(None)
    t0 = time.monotonic()
    await asyncio.wait_for(conn.connect(), 10)
    print("aioice connected in %.1f ms" % ((time.monotonic() - t0) * 1000), flush=True)
    await asyncio.sleep(12)
    await conn.close()
    print("aioice closed", flush=True)

asyncio.run(main(sys.argv[1] == "controlling"))
