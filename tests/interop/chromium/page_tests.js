// In-page test code, loaded into a page by driver.js (page.addScriptTag) and called through
// page.evaluate. Defines window.sluiceWhipTest and window.sluiceLoopbackBench; each resolves to
// a JSON-able result {ok, errors: [...], ...figures}. Nothing here throws past its caller.
(() => {
  'use strict';

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const now = () => performance.now();

  function withTimeout(promise, ms, what) {
    let timer;
    return Promise.race([
      promise.finally(() => clearTimeout(timer)),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: timeout after ${ms} ms`)), ms);
      }),
    ]);
  }

  function gatheringComplete(pc, ms) {
    if (pc.iceGatheringState === 'complete') return Promise.resolve();
    return withTimeout(new Promise((resolve) => {
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') resolve();
      });
    }), ms, 'ICE gathering');
  }

  // Keep only loopback candidates in SDP we hand to the other side: interop traffic stays on
  // 127.0.0.1 (Chromium also gathers on the machine's other interfaces).
  function loopbackOnly(sdp) {
    return sdp.split('\r\n').filter((line) => !line.startsWith('a=candidate:') ||
        / 127\.0\.0\.1 /.test(line)).join('\r\n');
  }

  // Message seq of the ordered phase: 4-byte big-endian sequence number + 1..2048 bytes of a
  // per-message xorshift stream.
  function message(seq) {
    const size = 1 + (seq * 37) % 2048;
    const m = new Uint8Array(4 + size);
    new DataView(m.buffer).setUint32(0, seq);
    let x = (seq * 2654435761 + 1) >>> 0 || 1;
    for (let i = 4; i < m.length; i++) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      m[i] = x & 0xff;
    }
    return m;
  }

  function bulkChunk(index, size) {
    const m = new Uint8Array(size);
    const v = new DataView(m.buffer);
    for (let i = 0; i + 4 <= size; i += 4) v.setUint32(i, (index * 0x9e3779b1 + i) >>> 0);
    return m;
  }

  function equal(a, b) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  function percentile(sorted, p) {
    if (!sorted.length) return null;
    return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
  }

  // A queue of DataChannel messages with an awaitable next().
  function inbox(dc) {
    const items = [];
    const waiters = [];
    dc.addEventListener('message', (e) => {
      if (waiters.length) waiters.shift()(e.data); else items.push(e.data);
    });
    return {
      next(ms = 10000) {
        if (items.length) return Promise.resolve(items.shift());
        return withTimeout(new Promise((r) => waiters.push(r)), ms, 'echo');
      },
      get length() { return items.length; },
    };
  }

  function opened(dc, ms) {
    if (dc.readyState === 'open') return Promise.resolve();
    return withTimeout(new Promise((r) => dc.addEventListener('open', r, {once: true})), ms,
        'DataChannel open');
  }

  async function orderedEcho(dc, box, count, result) {
    const rtts = [];
    const sentAt = new Map();
    let next = 0;
    for (let seq = 0; seq < count; seq++) {
      while (next < count && next < seq + 64) {
        sentAt.set(next, now());
        dc.send(message(next));
        next++;
      }
      const got = await box.next();
      if (typeof got === 'string') throw new Error(`message ${seq} came back as text`);
      const bytes = new Uint8Array(got);
      if (!equal(bytes, message(seq))) {
        const rseq = bytes.length >= 4 ? new DataView(got).getUint32(0) : -1;
        throw new Error(`message ${seq}: wrong echo (len ${bytes.length}, seq ${rseq})`);
      }
      rtts.push(now() - sentAt.get(seq));
      sentAt.delete(seq);
    }
    rtts.sort((a, b) => a - b);
    result.messages_echoed = count;
    result.window64_rtt_ms_p50 = percentile(rtts, 0.5);
    result.window64_rtt_ms_p99 = percentile(rtts, 0.99);
  }

  async function textEcho(dc, box, count, result) {
    for (let i = 0; i < count; i++) dc.send(`text ${i} \u00e9\u4e2d`);
    for (let i = 0; i < count; i++) {
      const got = await box.next();
      if (got !== `text ${i} \u00e9\u4e2d`) throw new Error(`string ${i}: got ${String(got).slice(0, 60)}`);
    }
    result.strings_echoed = count;
  }

  // Sends total bytes in size-byte messages through `send`, paced by dc's bufferedAmount, and
  // checks every message arriving at `box` in order. Returns the seconds from first send to last
  // receive.
  async function bulk(dc, box, total, size) {
    const count = Math.ceil(total / size);
    dc.bufferedAmountLowThreshold = 1 << 20;
    const t0 = now();
    const receiver = (async () => {
      for (let i = 0; i < count; i++) {
        const got = new Uint8Array(await box.next(20000));
        const want = bulkChunk(i, Math.min(size, total - i * size));
        if (!equal(got, want)) throw new Error(`bulk message ${i} differs (len ${got.length})`);
      }
    })();
    for (let i = 0; i < count; i++) {
      dc.send(bulkChunk(i, Math.min(size, total - i * size)));
      if (dc.bufferedAmount > 4 << 20) {
        await withTimeout(new Promise((r) => dc.addEventListener('bufferedamountlow', r,
            {once: true})), 20000, 'bufferedamountlow');
      }
    }
    await receiver;
    return (now() - t0) / 1000;
  }

  async function inboundStats(pc) {
    const out = {video_frames_decoded: 0, video_packets_received: 0, audio_packets_received: 0};
    (await pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'video') {
        out.video_frames_decoded += s.framesDecoded || 0;
        out.video_packets_received += s.packetsReceived || 0;
        out.video_codec = s.codecId;
        out.video_frame_width = s.frameWidth;
      } else if (s.kind === 'audio') {
        out.audio_packets_received += s.packetsReceived || 0;
      }
    });
    return out;
  }

  async function waitMedia(pc, ms, result) {
    const deadline = now() + ms;
    let st;
    for (;;) {
      st = await inboundStats(pc);
      if (st.video_frames_decoded > 0 && st.audio_packets_received > 0) break;
      if (now() > deadline) {
        Object.assign(result, st);
        throw new Error(`echoed media within ${ms} ms: video framesDecoded ` +
            `${st.video_frames_decoded}, audio packetsReceived ${st.audio_packets_received}`);
      }
      await sleep(200);
    }
    Object.assign(result, st);
  }

  // Chromium as a WHIP client of an echo server.
  window.sluiceWhipTest = async (opts) => {
    const o = Object.assign({messages: 1000, strings: 10, bulkBytes: 16 << 20,
      bulkMessageSize: 64 * 1024, media: true, mediaTimeoutMs: 20000}, opts);
    const result = {peer: navigator.userAgent, ok: false, errors: []};
    let pc;
    try {
      pc = new RTCPeerConnection();
      pc.addEventListener('connectionstatechange', () => console.log('connection', pc.connectionState));
      if (o.media) {
        const stream = await navigator.mediaDevices.getUserMedia(
            {audio: true, video: {width: 320, height: 240, frameRate: 15}});
        for (const t of stream.getTracks()) pc.addTransceiver(t, {direction: 'sendrecv', streams: [stream]});
      }
      const dc = pc.createDataChannel('echo');
      dc.binaryType = 'arraybuffer';
      const box = inbox(dc);
      const t0 = now();
      await pc.setLocalDescription();
      await gatheringComplete(pc, 5000);
      const resp = await fetch(o.whipUrl, {method: 'POST',
        headers: {'Content-Type': 'application/sdp'}, body: loopbackOnly(pc.localDescription.sdp)});
      result.post_status = resp.status;
      const body = await resp.text();
      if (resp.status !== 201) throw new Error(`POST ${o.whipUrl}: ${resp.status} ${body.slice(0, 200)}`);
      if (!(resp.headers.get('Content-Type') || '').startsWith('application/sdp')) {
        result.errors.push(`answer Content-Type ${resp.headers.get('Content-Type')}`);
      }
      const location = resp.headers.get('Location');
      result.location = location;
      if (!location) result.errors.push('201 without Location (or not exposed to CORS)');
      if (!body.includes('a=candidate:')) result.errors.push('answer carries no candidate');
      await pc.setRemoteDescription({type: 'answer', sdp: body});
      await opened(dc, 10000);
      result.connect_ms = now() - t0;

      await orderedEcho(dc, box, o.messages, result);
      await textEcho(dc, box, o.strings, result);
      if (o.bulkBytes) {
        const secs = await bulk(dc, box, o.bulkBytes, o.bulkMessageSize);
        result.bulk_bytes = o.bulkBytes;
        result.bulk_echo_mbps = o.bulkBytes * 8 / secs / 1e6;
      }
      if (o.media) await waitMedia(pc, o.mediaTimeoutMs, result);
      if (location) {
        const del = await fetch(new URL(location, o.whipUrl), {method: 'DELETE'});
        result.delete_status = del.status;
        if (del.status !== 200) result.errors.push(`DELETE ${location}: ${del.status}`);
      }
    } catch (e) {
      result.errors.push(String(e && e.message || e));
    } finally {
      if (pc) pc.close();
    }
    result.ok = result.errors.length === 0;
    return result;
  };

  // Two RTCPeerConnections in this page over loopback: the same workload as sluice's bench
  // (setup to first message, 1 KiB echo RTT, 64 B and 64 KiB throughput) plus a media check.
  window.sluiceLoopbackBench = async (opts) => {
    const o = Object.assign({rttSamples: 2000, smallBytes: 4 << 20, largeBytes: 128 << 20,
      media: true, mediaTimeoutMs: 20000}, opts);
    const result = {peer: navigator.userAgent, ok: false, errors: []};
    result.cross_origin_isolated = self.crossOriginIsolated;  // else performance.now() is 100 us coarse
    let a = new RTCPeerConnection();
    let b = new RTCPeerConnection();
    try {
      const t0 = now();
      const dc = a.createDataChannel('bench');
      dc.binaryType = 'arraybuffer';
      const remote = new Promise((r) => b.addEventListener('datachannel', (e) => r(e.channel)));
      await a.setLocalDescription();
      await gatheringComplete(a, 5000);
      await b.setRemoteDescription({type: 'offer', sdp: loopbackOnly(a.localDescription.sdp)});
      await b.setLocalDescription();
      await gatheringComplete(b, 5000);
      await a.setRemoteDescription({type: 'answer', sdp: loopbackOnly(b.localDescription.sdp)});
      await opened(dc, 10000);
      dc.send(new Uint8Array(1));
      const echo = await withTimeout(remote, 5000, 'ondatachannel');
      echo.binaryType = 'arraybuffer';
      // Attached in the same task as ondatachannel's promise: the first message is not missed.
      await withTimeout(new Promise((r) => echo.addEventListener('message', r, {once: true})),
          5000, 'first message');
      result.offer_to_first_message_ms = now() - t0;

      // 1 KiB echo RTT, one message in flight.
      echo.addEventListener('message', (e) => echo.send(e.data));
      const box = inbox(dc);
      const ping = new Uint8Array(1024);
      const rtts = [];
      for (let i = 0; i < o.rttSamples; i++) {
        const s = now();
        dc.send(ping);
        await box.next();
        rtts.push((now() - s) * 1000);
      }
      rtts.sort((x, y) => x - y);
      result.rtt_1k_us_p50 = percentile(rtts, 0.5);
      result.rtt_1k_us_p99 = percentile(rtts, 0.99);

      // One-way throughput a -> b, two message sizes (fresh channels, b only counts bytes).
      for (const [size, total] of [[64, o.smallBytes], [64 * 1024, o.largeBytes]]) {
        const ch = a.createDataChannel(`bulk${size}`);
        ch.binaryType = 'arraybuffer';
        ch.bufferedAmountLowThreshold = 1 << 20;
        const rch = new Promise((r) => b.addEventListener('datachannel', (e) => {
          if (e.channel.label === `bulk${size}`) r(e.channel);
        }));
        await opened(ch, 5000);
        const r = await rch;
        const count = Math.ceil(total / size);
        let received = 0;
        const done = new Promise((resolve) => {
          r.onmessage = (e) => { if (++received === count) resolve(); };
        });
        const msg = new Uint8Array(size);
        const s = now();
        for (let i = 0; i < count; i++) {
          ch.send(msg);
          if (ch.bufferedAmount > 4 << 20) {
            await withTimeout(new Promise((res) => ch.addEventListener('bufferedamountlow', res,
                {once: true})), 20000, 'bufferedamountlow');
          }
        }
        await withTimeout(done, 60000, `bulk ${size}`);
        const secs = (now() - s) / 1000;
        result[`throughput_${size}b_mbps`] = total * 8 / secs / 1e6;
        result[`throughput_${size}b_msgs_per_s`] = count / secs;
        ch.close();
      }
      a.close();
      b.close();

      // Media on a fresh pair (not during the measurements): fake camera + microphone a -> b.
      if (o.media) {
        a = new RTCPeerConnection();
        b = new RTCPeerConnection();
        const stream = await navigator.mediaDevices.getUserMedia(
            {audio: true, video: {width: 320, height: 240, frameRate: 15}});
        for (const t of stream.getTracks()) a.addTrack(t, stream);
        await a.setLocalDescription();
        await gatheringComplete(a, 5000);
        await b.setRemoteDescription({type: 'offer', sdp: loopbackOnly(a.localDescription.sdp)});
        await b.setLocalDescription();
        await gatheringComplete(b, 5000);
        await a.setRemoteDescription({type: 'answer', sdp: loopbackOnly(b.localDescription.sdp)});
        await waitMedia(b, o.mediaTimeoutMs, result);
        stream.getTracks().forEach((t) => t.stop());
      }
    } catch (e) {
      result.errors.push(String(e && e.message || e));
    } finally {
      a.close();
      b.close();
    }
    result.ok = result.errors.length === 0;
    return result;
  };
})();
