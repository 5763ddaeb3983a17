#!/usr/bin/env node
// Publish to a WHIP endpoint with OBS Studio's WebRTC stack: libdatachannel (through npm node-datachannel),
// set up as OBS's WHIP output (plugins/obs-webrtc/whip-output.cpp) sets it up, fed by the FFmpeg CLI.
//
// Usage: node interop/obs-whip.mjs URL TOKEN [--duration S] [--codec h264|hevc|av1]
//          [--width 1280] [--height 720] [--fps 30] [--bitrate-kbps 2500] [--keyint-s 2] [--preset veryfast]
//          [--no-audio] [--no-video] [--connect-timeout-ms 15000] [--log-level Warning]
//   TOKEN may be '' for no Authorization header. Without --duration it publishes until SIGINT/SIGTERM;
//   either way it then prints stats, closes the peer connection, DELETEs the session and exits.
//
// What OBS does, and so this script (libdatachannel as bundled by node-datachannel, see README.md):
//  - one PeerConnection, no ICE servers; audio track mid "0" (Opus, payload type 111, SSRC = base),
//    video track mid "1" (payload type 96, SSRC = base + 1), both send-only, one CNAME and msid;
//    a=extmap sdes:mid (1) and rtp-stream-id (2) on video;
//  - chains per track: packetizer (H264/H265 with start-code separators and 1200-byte fragments,
//    AV1 by temporal unit; plain RTP for Opus) -> RtcpSrReporter -> RtcpNackResponder (4000 packets
//    for video: resends on the media SSRC, no RTX) -> PacingHandler (10 x the bitrate, every 5 ms);
//  - no PLI handler: keyframes come only at the encoder's interval (PLIs are counted, nothing else);
//  - the offer is POSTed as soon as it exists, without candidates (OBS gathers after the answer and
//    trickles nothing: the ice-lite server learns the address from the checks); only 201 with a
//    Location is accepted; the encoder starts right after the answer is applied, and frames that
//    come before the tracks are open (ICE + DTLS) are dropped, as OBS's Send() drops them;
//  - RTP timestamps advance by each packet's duration (the encoder's DTS difference).
// Not reproduced: node-datachannel cannot set the packetizer's mid/rid extension ids, so RTP
// packets carry no header extension (the offer still lists the two extmaps, as OBS's does).
//
// Media: interop/ffmpeg (FFmpeg 8.1 CLI) encodes testsrc2 (video, Annex B or OBU on stdout, an
// access-unit delimiter or temporal delimiter before each frame) and a 440 Hz sine (Opus in Ogg on
// fd 3, one page per packet); -re paces both. Encoders: libx264 (-bf 0), libx265 (bframes=0) or
// libsvtav1. INGOT_OBS_VIDEO_SOURCE replaces the lavfi video source.
//
// Status lines (stdout, one per event, prefix 'obs-whip:'): start, posted (HTTP status, Location),
// state <connection state>, connected, first-frame (what was dropped before the tracks opened),
// stats <json>, deleted, end rc=N.
// Exit codes: 0 ok; 2 the POST was not answered 201 with a Location (status + body printed);
// 3 not connected within --connect-timeout-ms, or the connection failed; 1 anything else; 64 bad arguments.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cache = process.env.INGOT_CACHE || path.join(os.homedir(), '.cache', 'ingot');
const require = createRequire(path.join(cache, 'npm', 'node_modules', 'noop.js'));
let ndc;
try {
  ndc = require('node-datachannel');
} catch (e) {
  console.error(`obs-whip: node-datachannel not found under ${cache}/npm; run .ci/install-deps (${e.message})`);
  process.exit(1);
}

// OBS's default rate control for streaming: CBR at the set bitrate
const cbr = (o) => ['-maxrate', `${o.bitrateKbps}k`, '-bufsize', `${o.bitrateKbps}k`];
const CODECS = {
  h264: { ffmpeg: (o) => ['-c:v', 'libx264', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-bf', '0',
                          '-preset', o.preset, '-tune', 'zerolatency', '-x264-params', 'aud=1', ...cbr(o), '-f', 'h264'],
          split: 'annexb', aud: (nal) => (nal & 0x1f) === 9, key: (nal) => (nal & 0x1f) === 5 },
  hevc: { ffmpeg: (o) => ['-c:v', 'libx265', '-pix_fmt', 'yuv420p', '-preset', o.preset, '-tune', 'zerolatency',
                          '-x265-params', 'aud=1:bframes=0:repeat-headers=1:log-level=error', ...cbr(o), '-f', 'hevc'],
          split: 'annexb', aud: (nal) => ((nal >> 1) & 0x3f) === 35,
          key: (nal) => ((nal >> 1) & 0x3f) >= 16 && ((nal >> 1) & 0x3f) <= 21 },
  // SVT-AV1's real-time mode: low-delay prediction (no reordered frames), constant bit rate
  av1: { ffmpeg: () => ['-c:v', 'libsvtav1', '-pix_fmt', 'yuv420p', '-preset', '10', '-svtav1-params', 'rtc=1:rc=2',
                        '-f', 'obu'],
         split: 'obu' },
};

function parseArgs(argv) {
  const o = { duration: 0, codec: 'h264', width: 1280, height: 720, fps: 30, bitrateKbps: 2500, keyintS: 2,
              preset: 'veryfast', audio: true, video: true, connectTimeoutMs: 15000, logLevel: 'Warning', positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    switch (a) {
      case '--duration': o.duration = Number(next()); break;
      case '--codec': o.codec = next().toLowerCase(); break;
      case '--width': o.width = Number(next()); break;
      case '--height': o.height = Number(next()); break;
      case '--fps': o.fps = Number(next()); break;
      case '--bitrate-kbps': o.bitrateKbps = Number(next()); break;
      case '--keyint-s': o.keyintS = Number(next()); break;
      case '--preset': o.preset = next(); break;
      case '--no-audio': o.audio = false; break;
      case '--no-video': o.video = false; break;
      case '--connect-timeout-ms': o.connectTimeoutMs = Number(next()); break;
      case '--log-level': o.logLevel = next(); break;
      case '-h': case '--help': usage(); break;
      default:
        if (a.startsWith('--')) usage(`unknown option ${a}`);
        o.positional.push(a);
    }
  }
  if (o.positional.length !== 2) usage('need URL and TOKEN');
  if (!CODECS[o.codec]) usage(`unknown codec ${o.codec}`);
  if (!o.audio && !o.video) usage('nothing to send (--no-audio and --no-video)');
  [o.url, o.token] = o.positional;
  try {
    if (!/^https?:$/.test(new URL(o.url).protocol)) throw new Error('not http(s)');
  } catch (e) {
    usage(`URL must be an absolute http(s) URL: '${o.url}'`);
  }
  return o;
}

function usage(msg) {
  if (msg) console.error(`obs-whip: ${msg}`);
  console.error('usage: obs-whip.mjs URL TOKEN [--duration S] [--codec h264|hevc|av1] [--width W] [--height H] [--fps N] ' +
                '[--bitrate-kbps K] [--keyint-s S] [--preset P] [--no-audio] [--no-video] [--connect-timeout-ms MS] ' +
                '[--log-level Verbose|Debug|Info|Warning|Error]');
  process.exit(64);
}

const say = (msg) => console.log(`obs-whip: ${msg}`);
const opts = parseArgs(process.argv.slice(2));
say(`start url=${opts.url} codec=${opts.codec} video=${opts.video ? `${opts.width}x${opts.height}@${opts.fps} ${opts.bitrateKbps}kbps keyint=${opts.keyintS}s` : 'off'} audio=${opts.audio ? 'on' : 'off'} duration=${opts.duration || 'until killed'} libdatachannel=${ndc.getLibraryVersion()}`);
ndc.initLogger(opts.logLevel, (level, message) => console.error(`obs-whip: rtc ${level}: ${message}`));

// ---- bitstream splitting: FFmpeg's output stream -> one buffer per frame -------------------------

/** Annex B (H264/H265) with an access-unit delimiter before each frame: emits each access unit without it. */
function annexBFrames(codec, onFrame) {
  let buf = Buffer.alloc(0);
  let scan = 0; // where the search for the next start code resumes
  let nals = []; // [start, end) of the NAL units (start code included) of the frame being collected
  let nalStart = -1;
  const flushFrame = () => {
    const kept = nals.filter(([s, e]) => !codec.aud(buf[s + (buf[s + 2] === 1 ? 3 : 4)]));
    if (kept.length > 0) {
      const key = kept.some(([s]) => codec.key(buf[s + (buf[s + 2] === 1 ? 3 : 4)]));
      onFrame(Buffer.concat(kept.map(([s, e]) => buf.subarray(s, e))), key);
    }
    nals = [];
  };
  return {
    push(chunk) {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      for (let i = scan; i + 3 < buf.length; i++) {
        if (buf[i] !== 0 || buf[i + 1] !== 0) continue;
        let len = 0;
        if (buf[i + 2] === 1) len = 3;
        else if (buf[i + 2] === 0 && buf[i + 3] === 1) len = 4;
        if (len === 0) continue;
        if (i + len >= buf.length) break; // need the NAL header byte
        if (nalStart >= 0) nals.push([nalStart, i]);
        if (codec.aud(buf[i + len]) && nals.length > 0) {
          flushFrame();
          buf = buf.subarray(i);
          i = 0;
        }
        nalStart = i;
        i += len - 1;
        scan = i + 1;
      }
      scan = Math.max(scan, 0);
    },
    end() {
      if (nalStart >= 0) nals.push([nalStart, buf.length]);
      flushFrame();
    },
  };
}

/** AV1 low-overhead bitstream (OBUs with size fields): emits each temporal unit without its temporal delimiter. */
function obuFrames(onFrame) {
  let buf = Buffer.alloc(0);
  let obus = [];
  let key = false;
  const flushFrame = () => {
    if (obus.length > 0) onFrame(Buffer.concat(obus), key);
    obus = [];
    key = false;
  };
  return {
    push(chunk) {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      let off = 0;
      for (;;) {
        if (off >= buf.length) break;
        const header = buf[off];
        const type = (header >> 3) & 0x0f;
        let p = off + 1 + ((header & 0x04) ? 1 : 0);
        if (!(header & 0x02)) throw new Error('OBU without a size field');
        let size = 0;
        let shift = 0;
        let complete = false;
        while (p < buf.length) {
          const b = buf[p++];
          size += (b & 0x7f) * 2 ** shift;
          shift += 7;
          if (!(b & 0x80)) { complete = true; break; }
        }
        if (!complete || p + size > buf.length) break;
        if (type === 2) flushFrame(); // temporal delimiter: a new temporal unit
        else {
          if (type === 1) key = true; // a sequence header comes with each keyframe
          obus.push(buf.subarray(off, p + size));
        }
        off = p + size;
      }
      buf = buf.subarray(off);
      obus = obus.map((o) => Buffer.from(o)); // detach from the buffer that is being trimmed
    },
    end() { flushFrame(); },
  };
}

/** Ogg pages -> packets (RFC 3533 lacing); the first two (OpusHead, OpusTags) are skipped. */
function oggPackets(onPacket) {
  let buf = Buffer.alloc(0);
  let partial = [];
  let seen = 0;
  return {
    push(chunk) {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      for (;;) {
        if (buf.length < 27) return;
        if (buf.toString('latin1', 0, 4) !== 'OggS') throw new Error('lost Ogg page sync');
        const nsegs = buf[26];
        if (buf.length < 27 + nsegs) return;
        let total = 0;
        for (let i = 0; i < nsegs; i++) total += buf[27 + i];
        if (buf.length < 27 + nsegs + total) return;
        let p = 27 + nsegs;
        for (let i = 0; i < nsegs; i++) {
          const lace = buf[27 + i];
          partial.push(buf.subarray(p, p + lace));
          p += lace;
          if (lace < 255) {
            const packet = Buffer.concat(partial);
            partial = [];
            if (seen++ >= 2) onPacket(packet);
          }
        }
        buf = Buffer.from(buf.subarray(p));
      }
    },
  };
}

// ---- the peer connection, as OBS's WHIPOutput::Setup / ConfigureAudioTrack / ConfigureVideoTrack --------

const randomU32 = () => Math.floor(Math.random() * 0x100000000) >>> 0;
const randomId = (n) => Array.from({ length: n }, () =>
  '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 62)]).join('');
const baseSsrc = randomU32();
const mediaStreamId = randomId(16);
const cname = randomId(16);
let closing = false; // set once the stream is being stopped: frames still in the pipes are not sent
const stats = { framesSent: 0, keyFramesSent: 0, framesDroppedBeforeOpen: 0, videoBytes: 0, audioPacketsSent: 0,
                audioPacketsDroppedBeforeOpen: 0, pliReceived: 0, firReceived: 0, nackReceived: 0 };

const pc = new ndc.PeerConnection('obs-whip', { iceServers: [] });
let connectedResolve;
const connected = new Promise((resolve) => { connectedResolve = resolve; });
pc.onStateChange((state) => {
  say(`state ${state}`);
  if (state === 'connected') { say('connected'); connectedResolve('connected'); }
  if (state === 'failed' || state === 'closed' || state === 'disconnected') connectedResolve(state);
});

/** Counts the feedback a track receives (the chain passes RTCP it does not consume on to the track). */
function countFeedback(msg) {
  for (let off = 0; off + 4 <= msg.length;) {
    const fmt = msg[off] & 0x1f;
    const pt = msg[off + 1];
    if (pt === 206 && fmt === 1) stats.pliReceived++;
    if (pt === 206 && fmt === 4) stats.firReceived++;
    if (pt === 205 && fmt === 1) stats.nackReceived++;
    off += (msg.readUInt16BE(off + 2) + 1) * 4;
  }
}

function sender(track, config, clockRate) {
  let lastUs = null;
  return {
    /** OBS's Send(): drop while the track is not open, else advance the timestamp by the duration and send. */
    send(data, dtsUs, frameUs) {
      const durationUs = lastUs === null ? frameUs : dtsUs - lastUs;
      lastUs = dtsUs;
      if (closing || !track.isOpen()) return false;
      config.timestamp = (config.timestamp + Math.round(durationUs * clockRate / 1e6)) >>> 0;
      track.sendMessageBinary(data);
      return true;
    },
  };
}

let audio = null;
if (opts.audio) {
  const ssrc = baseSsrc;
  const desc = new ndc.Audio('0', 'SendOnly');
  desc.addOpusCodec(111);
  desc.addSSRC(ssrc, cname, mediaStreamId, `${mediaStreamId}-audio`);
  const track = pc.addTrack(desc);
  const config = new ndc.RtpPacketizationConfig(ssrc, cname, 111, 48000);
  const packetizer = new ndc.RtpPacketizer(config);
  packetizer.addToChain(new ndc.RtcpSrReporter(config));
  packetizer.addToChain(new ndc.RtcpNackResponder());
  track.setMediaHandler(packetizer);
  track.onMessage(countFeedback);
  audio = sender(track, config, 48000);
}

let video = null;
if (opts.video) {
  const ssrc = (baseSsrc + 1) >>> 0;
  const desc = new ndc.Video('1', 'SendOnly');
  desc.addSSRC(ssrc, cname, mediaStreamId, `${mediaStreamId}-video`);
  desc.parseSdpLine('a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid');
  desc.parseSdpLine('a=extmap:2 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id');
  const config = new ndc.RtpPacketizationConfig(ssrc, cname, 96, 90000);
  let packetizer;
  if (opts.codec === 'h264') {
    desc.addH264Codec(96);
    packetizer = new ndc.H264RtpPacketizer('StartSequence', config, 1200);
  } else if (opts.codec === 'hevc') {
    desc.addH265Codec(96);
    packetizer = new ndc.H265RtpPacketizer('StartSequence', config, 1200);
  } else {
    desc.addAV1Codec(96);
    packetizer = new ndc.AV1RtpPacketizer('TemporalUnit', config, 1200);
  }
  packetizer.addToChain(new ndc.RtcpSrReporter(config));
  packetizer.addToChain(new ndc.RtcpNackResponder(4000));
  packetizer.addToChain(new ndc.PacingHandler(opts.bitrateKbps * 10000, 5));
  const track = pc.addTrack(desc);
  track.setMediaHandler(packetizer);
  track.onMessage(countFeedback);
  video = sender(track, config, 90000);
}

pc.setLocalDescription();
// OBS gathers its candidates only after the answer (disableAutoGathering, then gatherLocalCandidates, which
// node-datachannel does not expose), so its offer carries none: the candidates gathered so far are left out.
const offer = pc.localDescription().sdp.split('\r\n')
  .filter((l) => !l.startsWith('a=candidate:') && l !== 'a=end-of-candidates').join('\r\n');

// ---- signalling (OBS's Connect(): POST, 201 + Location required, then the answer) -------------------

let exitCode = 0;
let stopping = false;
let wake = () => {};
const finish = new Promise((resolve) => { wake = resolve; });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { stopping = true; wake(); });

const authHeaders = opts.token ? { Authorization: `Bearer ${opts.token}` } : {};
const userAgent = `Mozilla/5.0 (obs-whip.mjs; libdatachannel ${ndc.getLibraryVersion()})`;
let location = null;
let ffmpeg = null;
let firstFrameSaid = false;

function startMedia() {
  const codec = CODECS[opts.codec];
  const source = process.env.INGOT_OBS_VIDEO_SOURCE || `testsrc2=size=${opts.width}x${opts.height}:rate=${opts.fps}`;
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
  if (opts.video) args.push('-re', '-f', 'lavfi', '-i', source);
  if (opts.audio) args.push('-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  if (opts.video) {
    args.push('-map', '0:v', ...codec.ffmpeg(opts), '-g', String(Math.round(opts.keyintS * opts.fps)),
              '-b:v', `${opts.bitrateKbps}k`, '-flush_packets', '1', 'pipe:1');
  }
  if (opts.audio) {
    args.push('-map', `${opts.video ? 1 : 0}:a`, '-c:a', 'libopus', '-ar', '48000', '-ac', '2', '-b:a', '128k',
              '-frame_duration', '20', '-f', 'ogg', '-page_duration', '20000', '-flush_packets', '1', 'pipe:3');
  }
  ffmpeg = spawn(path.join(here, 'ffmpeg'), args, { stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
                                                   env: { ...process.env, SVT_LOG: '1' } });
  ffmpeg.on('error', (e) => say(`error ffmpeg: ${e.message}`));
  const frameUs = 1e6 / opts.fps;
  if (opts.video) {
    let n = 0;
    const onFrame = (data, key) => {
      const sent = video.send(data, Math.round(n++ * frameUs), frameUs);
      if (!sent) { stats.framesDroppedBeforeOpen++; return; }
      if (!firstFrameSaid) {
        firstFrameSaid = true;
        say(`first-frame key=${key} dropped-before-open=${stats.framesDroppedBeforeOpen}`);
      }
      stats.framesSent++;
      if (key) stats.keyFramesSent++;
      stats.videoBytes += data.length;
    };
    const splitter = codec.split === 'obu' ? obuFrames(onFrame) : annexBFrames(codec, onFrame);
    ffmpeg.stdout.on('data', (c) => splitter.push(c));
    ffmpeg.stdout.on('end', () => splitter.end());
  }
  if (opts.audio) {
    let n = 0;
    const packets = oggPackets((p) => {
      if (audio.send(p, n++ * 20000, 20000)) stats.audioPacketsSent++;
      else stats.audioPacketsDroppedBeforeOpen++;
    });
    ffmpeg.stdio[3].on('data', (c) => packets.push(c));
  }
}

try {
  let res;
  try {
    res = await fetch(opts.url, { method: 'POST', body: offer, redirect: 'follow', signal: AbortSignal.timeout(8000),
                                  headers: { 'Content-Type': 'application/sdp', 'User-Agent': userAgent, ...authHeaders } });
  } catch (e) {
    say(`error HTTP 0 body=${JSON.stringify(`POST failed: ${e.message}`)}`);
    exitCode = 2;
  }
  if (res) {
    const body = await res.text();
    const loc = res.headers.get('Location');
    if (res.status !== 201 || !loc || !body) {
      say(`error HTTP ${res.status} body=${JSON.stringify(body)}${loc ? '' : ' (no Location header)'}`);
      exitCode = 2;
    } else {
      location = new URL(loc, res.url).href;
      say(`posted HTTP ${res.status} location=${location} offer=${offer.length}B`);
      pc.setRemoteDescription(body.slice(Math.max(0, body.indexOf('v=0'))), 'answer');
      startMedia();
      const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), opts.connectTimeoutMs));
      const first = await Promise.race([connected, timeout, finish.then(() => 'stopped')]);
      if (first !== 'connected' && first !== 'stopped') {
        say(`error not connected (${first})`);
        exitCode = 3;
      } else if (!stopping) {
        const failed = connected.then(() => new Promise((resolve) => {
          pc.onStateChange((s) => {
            say(`state ${s}`);
            if (s === 'failed' || s === 'disconnected' || s === 'closed') resolve(s);
          });
        }));
        const ended = await Promise.race([finish.then(() => 'stopped'), failed,
          opts.duration > 0 ? new Promise((r) => setTimeout(() => r('done'), opts.duration * 1000)) : new Promise(() => {})]);
        if (ended !== 'stopped' && ended !== 'done') {
          say(`error connection ${ended}`);
          exitCode = 3;
        }
      }
    }
  }
} catch (e) {
  say(`error ${e && e.message ? e.message.split('\n')[0] : e}`);
  exitCode = 1;
}

closing = true;
if (ffmpeg) {
  ffmpeg.kill('SIGTERM');
  await new Promise((resolve) => { if (ffmpeg.exitCode !== null) resolve(); else ffmpeg.on('exit', resolve); });
}
const pair = (() => { try { return pc.getSelectedCandidatePair(); } catch (e) { return null; } })();
say(`stats ${JSON.stringify({ ...stats, selected: pair ? `${pair.local.address}:${pair.local.port}->${pair.remote.address}:${pair.remote.port}` : null })}`);
// OBS's StopThread(): close the peer connection, then DELETE the resource
pc.close();
if (location) {
  try {
    const r = await fetch(location, { method: 'DELETE', signal: AbortSignal.timeout(8000),
                                      headers: { 'User-Agent': userAgent, ...authHeaders } });
    say(`deleted HTTP ${r.status}`);
  } catch (e) {
    say(`deleted failed: ${e.message}`);
  }
}
ndc.cleanup();
say(`end rc=${exitCode}`);
process.exit(exitCode);
