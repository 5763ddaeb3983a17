#!/usr/bin/env node
// Publish Chromium's fake camera + microphone to a WHIP endpoint.
//
// Usage: node interop/chromium-whip.mjs URL TOKEN [--duration S] [--codec h264|vp8|vp9]
//          [--width 1280] [--height 720] [--fps 30] [--no-audio] [--no-video]
//          [--no-wait-ice] [--ice-timeout-ms 3000] [--connect-timeout-ms 15000]
//   TOKEN may be '' for no Authorization header. Without --duration it publishes until
//   SIGINT/SIGTERM. Either way it then prints outbound-rtp stats, DELETEs the session
//   (the Location of the POST answer) and exits 0.
//
// Drives Debian's /usr/bin/chromium (headless, fake devices, loopback ICE, no mDNS) with
// playwright-core from $INGOT_CACHE/npm (installed by .ci/install-deps; never downloads a
// browser). The page is served by this script on http://127.0.0.1:<random port>/ so the
// WHIP POST is a cross-origin fetch: Chromium preflights it (OPTIONS) and needs the
// server's CORS headers, including Access-Control-Expose-Headers: Location for the DELETE.
//
// Status lines (stdout, one per event, prefix 'chromium-whip:'): start, posted (HTTP status,
// Location), state <connectionState>, connected, stats <json>, deleted, end.
// Exit codes: 0 ok; 2 the POST got a non-2xx answer (status + body printed); 3 the
// connection failed or did not connect within --connect-timeout-ms; 1 anything else.
import { createRequire } from 'node:module';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const cache = process.env.INGOT_CACHE || path.join(os.homedir(), '.cache', 'ingot');
const require = createRequire(path.join(cache, 'npm', 'node_modules', 'noop.js'));
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch (e) {
  console.error(`chromium-whip: playwright-core not found under ${cache}/npm; run .ci/install-deps (${e.message})`);
  process.exit(1);
}

function parseArgs(argv) {
  const o = { duration: 0, codec: null, width: 1280, height: 720, fps: 30, audio: true, video: true,
              waitIce: true, iceTimeoutMs: 3000, connectTimeoutMs: 15000, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    switch (a) {
      case '--duration': o.duration = Number(next()); break;
      case '--codec': o.codec = next().toLowerCase(); break;
      case '--width': o.width = Number(next()); break;
      case '--height': o.height = Number(next()); break;
      case '--fps': o.fps = Number(next()); break;
      case '--no-audio': o.audio = false; break;
      case '--no-video': o.video = false; break;
      case '--no-wait-ice': o.waitIce = false; break;
      case '--ice-timeout-ms': o.iceTimeoutMs = Number(next()); break;
      case '--connect-timeout-ms': o.connectTimeoutMs = Number(next()); break;
      case '-h': case '--help': usage(); break;
      default:
        if (a.startsWith('--')) usage(`unknown option ${a}`);
        o.positional.push(a);
    }
  }
  if (o.positional.length !== 2) usage('need URL and TOKEN');
  if (o.codec && !['h264', 'vp8', 'vp9', 'av1'].includes(o.codec)) usage(`unknown codec ${o.codec}`);
  [o.url, o.token] = o.positional;
  try {
    if (!/^https?:$/.test(new URL(o.url).protocol)) throw new Error('not http(s)');
  } catch (e) {
    usage(`URL must be an absolute http(s) URL: '${o.url}'`);
  }
  return o;
}

function usage(msg) {
  if (msg) console.error(`chromium-whip: ${msg}`);
  console.error('usage: chromium-whip.mjs URL TOKEN [--duration S] [--codec h264|vp8|vp9] [--width W] [--height H] ' +
                '[--fps N] [--no-audio] [--no-video] [--no-wait-ice] [--ice-timeout-ms MS] [--connect-timeout-ms MS]');
  process.exit(64);
}

const say = (msg) => console.log(`chromium-whip: ${msg}`);
const opts = parseArgs(process.argv.slice(2));

// The page the publisher runs in: only an origin; all logic comes in through page.evaluate.
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end('<!doctype html><title>ingot whip publisher</title><p>publishing</p>');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const pageUrl = `http://127.0.0.1:${server.address().port}/`;

const flags = [
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required',
];
say(`start url=${opts.url} codec=${opts.codec || 'default'} video=${opts.video ? `${opts.width}x${opts.height}@${opts.fps}` : 'off'} audio=${opts.audio ? 'on' : 'off'} duration=${opts.duration || 'until killed'}`);

let browser;
let exitCode = 0;
let stopping = false;
let wake = () => {};
const finish = new Promise((resolve) => { wake = resolve; });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { stopping = true; wake(); });

try {
  browser = await chromium.launch({ executablePath: process.env.INGOT_CHROMIUM || '/usr/bin/chromium',
                                    headless: true, args: flags, chromiumSandbox: false,
                                    // we handle SIGINT/SIGTERM ourselves: stats, DELETE, then close
                                    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) console.error(`chromium-whip: page: ${m.text()}`); });
  let connectedResolve;
  const connected = new Promise((resolve) => { connectedResolve = resolve; });
  await page.exposeFunction('whipEvent', (kind, value) => {
    if (kind === 'state') {
      say(`state ${value}`);
      if (value === 'connected') { say('connected'); connectedResolve('connected'); }
      if (value === 'failed' || value === 'closed') connectedResolve(value);
    }
  });
  await page.goto(pageUrl);

  const posted = await page.evaluate(async (o) => {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: o.audio,
      video: o.video ? { width: { ideal: o.width }, height: { ideal: o.height }, frameRate: { ideal: o.fps } } : false,
    });
    const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' });
    window.pc = pc;
    pc.addEventListener('connectionstatechange', () => window.whipEvent('state', pc.connectionState));
    for (const track of stream.getTracks()) {
      const tr = pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
      if (track.kind === 'video' && o.codec) {
        const caps = (RTCRtpReceiver.getCapabilities('video') || RTCRtpSender.getCapabilities('video')).codecs;
        const want = caps.filter((c) => c.mimeType.toLowerCase() === `video/${o.codec}`);
        if (want.length === 0) throw new Error(`codec ${o.codec} not available: ${caps.map((c) => c.mimeType).join(',')}`);
        const rtx = caps.filter((c) => c.mimeType.toLowerCase() === 'video/rtx');
        tr.setCodecPreferences([...want, ...rtx]);
      }
    }
    await pc.setLocalDescription(await pc.createOffer());
    if (o.waitIce && pc.iceGatheringState !== 'complete') {
      await new Promise((resolve) => {
        const t = setTimeout(resolve, o.iceTimeoutMs);
        pc.addEventListener('icegatheringstatechange', () => {
          if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); }
        });
      });
    }
    const offer = pc.localDescription.sdp;
    const headers = { 'Content-Type': 'application/sdp' };
    if (o.token) headers.Authorization = `Bearer ${o.token}`;
    let res;
    try {
      res = await fetch(o.url, { method: 'POST', headers, body: offer });
    } catch (e) {
      return { status: 0, body: `fetch failed: ${e.message} (server down or CORS refused)` };
    }
    const body = await res.text();
    const location = res.headers.get('Location');
    if (!res.ok) return { status: res.status, body };
    await pc.setRemoteDescription({ type: 'answer', sdp: body });
    window.whipLocation = location ? new URL(location, o.url).href : null;
    return { status: res.status, location: window.whipLocation, offerBytes: offer.length };
  }, opts);

  if (posted.status < 200 || posted.status > 299) {
    say(`error HTTP ${posted.status} body=${JSON.stringify(posted.body)}`);
    exitCode = 2;
  } else {
    say(`posted HTTP ${posted.status} location=${posted.location} offer=${posted.offerBytes}B`);
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), opts.connectTimeoutMs));
    const first = await Promise.race([connected, timeout, finish.then(() => 'stopped')]);
    if (first === 'timeout' || first === 'failed' || first === 'closed') {
      say(`error not connected (${first})`);
      exitCode = 3;
    } else if (!stopping) {
      if (opts.duration > 0) await Promise.race([finish, new Promise((r) => setTimeout(r, opts.duration * 1000))]);
      else await finish;
    }
    const stats = await page.evaluate(async () => {
      const out = [];
      const report = await window.pc.getStats();
      report.forEach((s) => {
        if (s.type !== 'outbound-rtp') return;
        const codec = s.codecId ? report.get(s.codecId) : null;
        out.push({ kind: s.kind, mid: s.mid, ssrc: s.ssrc, codec: codec ? codec.mimeType : null,
                   packetsSent: s.packetsSent, bytesSent: s.bytesSent, retransmittedPacketsSent: s.retransmittedPacketsSent,
                   framesEncoded: s.framesEncoded, keyFramesEncoded: s.keyFramesEncoded, frameWidth: s.frameWidth,
                   frameHeight: s.frameHeight, framesPerSecond: s.framesPerSecond,
                   encoderImplementation: s.encoderImplementation, qualityLimitationReason: s.qualityLimitationReason,
                   nackCount: s.nackCount, pliCount: s.pliCount, firCount: s.firCount });
      });
      return { connectionState: window.pc.connectionState, outbound: out };
    });
    say(`stats ${JSON.stringify(stats)}`);
    const del = await page.evaluate(async (o) => {
      if (!window.whipLocation) return 'no Location header (server missing Access-Control-Expose-Headers: Location?)';
      const headers = o.token ? { Authorization: `Bearer ${o.token}` } : {};
      try {
        const r = await fetch(window.whipLocation, { method: 'DELETE', headers });
        window.pc.close();
        return `HTTP ${r.status}`;
      } catch (e) {
        return `failed: ${e.message}`;
      }
    }, opts);
    say(`deleted ${del}`);
  }
} catch (e) {
  say(`error ${e && e.message ? e.message.split('\n')[0] : e}`);
  exitCode = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  server.close();
}
say(`end rc=${exitCode}`);
process.exit(exitCode);
