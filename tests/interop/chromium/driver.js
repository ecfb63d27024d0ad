#!/usr/bin/env node
// Drives Debian's Chromium (/usr/bin/chromium, never a downloaded browser) headless through
// playwright-core, with a fake camera and microphone and a throwaway profile.
//
//   node driver.js whip --whip-url http://127.0.0.1:P/whip [--page http://127.0.0.1:P/]
//                       [--echo-page http://127.0.0.1:P/] [--messages 1000] [--bulk-bytes N]
//                       [--no-media] [--timeout 120]
//     Chromium as a WHIP client of an echo server: page_tests.js's sluiceWhipTest, run in --page
//     (default: a blank page this driver serves itself, i.e. a cross-origin POST that needs CORS).
//     --echo-page also opens echo-peer's own page in a second tab and requires that it connected
//     by itself and shows echoed messages and decoded echoed video (window.echoPeerPageStatus).
//   node driver.js loopback [--timeout 180]
//     Two RTCPeerConnections in one page (sluiceLoopbackBench): proves Chromium runs here and
//     measures setup, 1 KiB echo RTT and 64 B / 64 KiB DataChannel throughput.
//
// Prints the page's result as one JSON line on stdout; exit 0 only if result.ok.
'use strict';

const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const EXECUTABLE = process.env.CHROMIUM || '/usr/bin/chromium';

function parseArgs(argv) {
  const args = {mode: argv[0], timeout: 120, messages: 1000, bulkBytes: 16 << 20, media: true};
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--whip-url') args.whipUrl = next();
    else if (a === '--page') args.page = next();
    else if (a === '--echo-page') args.echoPage = next();
    else if (a === '--messages') args.messages = Number(next());
    else if (a === '--bulk-bytes') args.bulkBytes = Number(next());
    else if (a === '--no-media') args.media = false;
    else if (a === '--timeout') args.timeout = Number(next());
    else throw new Error(`unknown argument ${a}`);
  }
  if (args.mode !== 'whip' && args.mode !== 'loopback') throw new Error('mode: whip | loopback');
  if (args.mode === 'whip' && !args.whipUrl) throw new Error('whip needs --whip-url');
  return args;
}

// A blank page on 127.0.0.1 (a secure context, so getUserMedia works).
function servePage() {
  const server = http.createServer((req, res) => {
    // Cross-origin isolated, so performance.now() has 5 us resolution instead of 100 us.
    res.writeHead(200, {'Content-Type': 'text/html', 'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp'});
    res.end('<!doctype html><meta charset="utf-8"><title>sluice interop</title><body></body>');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let chromium;
  try {
    ({chromium} = require('playwright-core'));
  } catch (e) {
    console.error('playwright-core missing: run npm ci in this folder');
    process.exit(77);
  }
  if (!fs.existsSync(EXECUTABLE)) {
    console.error(`${EXECUTABLE} missing`);
    process.exit(77);
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-chromium-'));
  let context;
  let server;
  const killer = setTimeout(() => {
    console.log(JSON.stringify({ok: false, errors: [`driver timeout ${args.timeout} s`]}));
    if (context) context.close().catch(() => {});
    fs.rmSync(userDataDir, {recursive: true, force: true});
    process.exit(1);
  }, args.timeout * 1000);
  let result;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: EXECUTABLE,
      headless: true,
      timeout: 30000,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
        '--allow-loopback-in-peer-connection', '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
      ],
    });
    const page = context.pages()[0] || await context.newPage();
    page.on('console', (m) => console.error(`[page ${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
    let url = args.page;
    if (!url) {
      server = await servePage();
      url = `http://127.0.0.1:${server.address().port}/`;
    }
    const response = await page.goto(url, {timeout: 15000});
    if (!response || !response.ok()) throw new Error(`GET ${url}: ${response && response.status()}`);
    await page.addScriptTag({path: path.join(__dirname, 'page_tests.js')});
    console.error(`chromium ${context.browser() ? context.browser().version() : ''} on ${url}`);
    let echoPage = null;
    if (args.echoPage) {
      echoPage = await context.newPage();
      echoPage.on('console', (m) => console.error(`[echo-page ${m.type()}] ${m.text()}`));
      const r = await echoPage.goto(args.echoPage, {timeout: 15000});
      if (!r || !r.ok()) throw new Error(`GET ${args.echoPage}: ${r && r.status()}`);
    }
    if (args.mode === 'whip') {
      result = await page.evaluate((o) => window.sluiceWhipTest(o), {
        whipUrl: args.whipUrl, messages: args.messages, bulkBytes: args.bulkBytes,
        media: args.media,
      });
      if (echoPage) {
        let st = null;
        const want = (s) => s && s.state === 'connected' && s.echoed > 0 &&
            (!args.media || (s.framesDecoded > 0 && s.audioPackets > 0));
        for (let i = 0; i < 60; i++) {
          st = await echoPage.evaluate(() => window.echoPeerPageStatus && window.echoPeerPageStatus());
          if (want(st)) break;
          await new Promise((r) => setTimeout(r, 250));
        }
        result.echo_page_status = st;
        if (!want(st)) {
          result.errors.push(`echo-peer's page did not show a working echo: ${JSON.stringify(st)}`);
          result.ok = false;
        }
      }
    } else {
      result = await page.evaluate((o) => window.sluiceLoopbackBench(o), {media: args.media});
    }
  } catch (e) {
    result = {ok: false, errors: [`driver: ${e.message}`]};
  } finally {
    clearTimeout(killer);
    if (context) await context.close().catch(() => {});
    if (server) server.close();
    fs.rmSync(userDataDir, {recursive: true, force: true});
  }
  console.log(JSON.stringify(result));
  process.exit(result && result.ok ? 0 : 1);
}

main().catch((e) => {
  console.log(JSON.stringify({ok: false, errors: [String(e.message || e)]}));
  process.exit(1);
});
