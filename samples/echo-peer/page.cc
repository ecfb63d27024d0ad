#include "page.h"

namespace echo_peer {

const char kIndexHtml[] = R"html(<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sluice echo-peer</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
  .videos { display: flex; gap: 1em; } figure { margin: 0; } figcaption { color: #666; }
  video { width: 320px; height: 240px; background: #111; }
  table { border-collapse: collapse; margin-top: 1em; }
  td { padding: 2px 12px 2px 0; } td:nth-child(2) { font-variant-numeric: tabular-nums; }
  #state.connected { color: #080; } #state.failed, #state.error { color: #b00; }
</style>
<h1>sluice echo-peer</h1>
<p>This page sends your camera, microphone and a DataChannel to echo-peer over WHIP
(<code>POST /whip</code>) and plays back what echo-peer sends back. State:
<b id="state">idle</b> <button id="toggle">Connect</button></p>
<div class="videos">
  <figure><video id="local" autoplay muted playsinline></video><figcaption>sent: your camera</figcaption></figure>
  <figure><video id="echo" autoplay playsinline></video><figcaption>received: echo-peer's echo</figcaption></figure>
</div>
<table>
  <tr><td>DataChannel messages sent / echoed</td><td id="msgs">0 / 0</td></tr>
  <tr><td>DataChannel echo RTT (last)</td><td id="rtt">-</td></tr>
  <tr><td>Echoed video frames decoded</td><td id="frames">0</td></tr>
  <tr><td>Echoed audio packets received</td><td id="audio">0</td></tr>
  <tr><td>Sessions on echo-peer</td><td id="server">-</td></tr>
</table>
<p id="error"></p>
<script>
'use strict';
const $ = (id) => document.getElementById(id);
const status = {state: 'idle', sent: 0, echoed: 0, framesDecoded: 0, audioPackets: 0, error: ''};
window.echoPeerPageStatus = () => Object.assign({}, status);
let pc = null, dc = null, resource = null, timer = null, stream = null;

function setState(s) { status.state = s; $('state').textContent = s; $('state').className = s; }

async function connect() {
  setState('connecting');
  status.error = ''; $('error').textContent = '';
  try {
    pc = new RTCPeerConnection();
    pc.onconnectionstatechange = () => setState(pc.connectionState);
    try {
      stream = await navigator.mediaDevices.getUserMedia({audio: true, video: {width: 320, height: 240}});
      $('local').srcObject = stream;
      for (const t of stream.getTracks()) pc.addTransceiver(t, {direction: 'sendrecv', streams: [stream]});
    } catch (e) {
      $('error').textContent = 'no camera/microphone (' + e.name + '): DataChannel only';
    }
    pc.ontrack = (e) => { if (e.track.kind === 'video') $('echo').srcObject = new MediaStream([e.track]); };
    dc = pc.createDataChannel('echo');
    dc.onopen = () => {
      timer = setInterval(() => {
        if (dc.readyState !== 'open') return;
        dc.send(JSON.stringify({n: status.sent++, t: performance.now()}));
      }, 100);
    };
    dc.onmessage = (e) => {
      status.echoed++;
      try { $('rtt').textContent = (performance.now() - JSON.parse(e.data).t).toFixed(1) + ' ms'; } catch (_) {}
    };
    await pc.setLocalDescription();
    if (pc.iceGatheringState !== 'complete') {  // WHIP without trickle: send every candidate
      await new Promise((r) => {
        pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') r(); };
        setTimeout(r, 3000);
      });
    }
    let offer = pc.localDescription.sdp;
    // Reached over loopback, echo-peer can only reach loopback: offer only those candidates.
    if (['127.0.0.1', 'localhost', '[::1]'].includes(location.hostname)) {
      offer = offer.split('\r\n').filter((l) => !l.startsWith('a=candidate:') ||
          / (127\.0\.0\.1|::1) /.test(l)).join('\r\n');
    }
    const resp = await fetch('/whip', {method: 'POST', headers: {'Content-Type': 'application/sdp'},
                                       body: offer});
    const body = await resp.text();
    if (resp.status !== 201) throw new Error('POST /whip: ' + resp.status + ' ' + body);
    resource = resp.headers.get('Location');
    await pc.setRemoteDescription({type: 'answer', sdp: body});
    $('toggle').textContent = 'Disconnect';
  } catch (e) {
    status.error = String(e.message || e);
    $('error').textContent = status.error;
    setState('error');
  }
}

async function disconnect() {
  clearInterval(timer);
  if (resource) await fetch(resource, {method: 'DELETE'}).catch(() => {});
  if (pc) pc.close();
  if (stream) stream.getTracks().forEach((t) => t.stop());
  pc = dc = resource = stream = null;
  setState('idle');
  $('toggle').textContent = 'Connect';
}

$('toggle').onclick = () => (pc ? disconnect() : connect());

setInterval(async () => {
  $('msgs').textContent = status.sent + ' / ' + status.echoed;
  if (pc) {
    let frames = 0, audio = 0;
    (await pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'video') frames += s.framesDecoded || 0;
      if (s.kind === 'audio') audio += s.packetsReceived || 0;
    });
    status.framesDecoded = frames; status.audioPackets = audio;
    $('frames').textContent = frames; $('audio').textContent = audio;
  }
  try {
    const st = await (await fetch('/stats')).json();
    $('server').textContent = st.sessions.length + ' now, ' + st.sessions_created + ' since start; ' +
        st.messages_echoed + ' messages, ' + (st.rtp_audio_echoed + st.rtp_video_echoed) + ' RTP packets echoed';
  } catch (_) {}
}, 500);

window.addEventListener('pagehide', () => { if (resource) fetch(resource, {method: 'DELETE', keepalive: true}); });
if (new URLSearchParams(location.search).get('connect') !== '0') connect();
</script>
</html>
)html";

}  // namespace echo_peer
