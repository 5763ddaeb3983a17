// Ingot dashboard: polls /status and /stats every second, draws 60-second plots per input, refreshes a
// thumbnail per live input about once a second, and can publish this browser's camera + microphone over WHIP.
// Plain script, no build step, no external resources. Every value from the server goes into the page as text.
'use strict';

const HISTORY_SECONDS = 60;
const POLL_MS = 1000;
const THUMB_MS = 1000;
const TOKENS_KEY = 'ingot.tokens';

const state = {
  status: null,          // last /status body
  whipPort: null,        // from /status configuration.whip_whep_server_port
  cards: new Map(),      // input id -> card {el, history, lastLost, thumbBusy, thumbAt, objectUrl}
  publishing: null,      // {id, token, pc, stream, location}
};

// ---------- small helpers ----------

const $ = (sel, root = document) => root.querySelector(sel);

function randomHex(bytes) {
  const a = new Uint8Array(bytes);
  crypto.getRandomValues(a);
  return Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
}

function tokens() {
  try { return JSON.parse(sessionStorage.getItem(TOKENS_KEY) || '{}'); } catch (e) { return {}; }
}

function rememberToken(id, token) {
  const t = tokens();
  t[id] = token;
  try { sessionStorage.setItem(TOKENS_KEY, JSON.stringify(t)); } catch (e) { /* storage off: shown until reload */ }
}

function forgetToken(id) {
  const t = tokens();
  delete t[id];
  try { sessionStorage.setItem(TOKENS_KEY, JSON.stringify(t)); } catch (e) { /* ignore */ }
}

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const get = (obj, ...path) => path.reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);

function fmtBits(bps) {
  if (bps === null) return '–';
  if (bps >= 1e6) return `${(bps / 1e6).toFixed(2)} Mbit/s`;
  if (bps >= 1e3) return `${(bps / 1e3).toFixed(0)} kbit/s`;
  return `${bps.toFixed(0)} bit/s`;
}

function fmtCount(n) {
  return n === null ? '–' : n.toLocaleString('en-US');
}

function whipBase() {
  const port = state.whipPort || 9000;
  return `${location.protocol}//${location.hostname}:${port}`;
}

function whipUrl(id) {
  return `${whipBase()}/whip/${encodeURIComponent(id)}`;
}

async function errorText(res) {
  const body = await res.text().catch(() => '');
  try {
    const j = JSON.parse(body);
    if (j && j.error_code) return `HTTP ${res.status} ${j.error_code}: ${j.message || ''}`;
  } catch (e) { /* not JSON */ }
  return `HTTP ${res.status} ${body.slice(0, 200)}`;
}

async function postJson(path, body) {
  return fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (e) {
    // no clipboard API (insecure origin): select a temporary text area and use execCommand
    const ta = document.createElement('textarea');
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    try { document.execCommand('copy'); } catch (e2) { /* nothing more to try */ }
    ta.remove();
  }
  const old = button.textContent;
  button.textContent = 'copied';
  setTimeout(() => { button.textContent = old; }, 1200);
}

// ---------- polling ----------

async function poll() {
  try {
    const [statusRes, statsRes] = await Promise.all([fetch('/status', { cache: 'no-store' }), fetch('/stats', { cache: 'no-store' })]);
    if (!statusRes.ok || !statsRes.ok) throw new Error(`HTTP ${statusRes.status}/${statsRes.status}`);
    const status = await statusRes.json();
    const stats = await statsRes.json();
    state.status = status;
    // the configured port; when that is 0 (an ephemeral port, in tests) the one the page was served with
    const configured = num(get(status, 'configuration', 'whip_whep_server_port'));
    const served = Number(document.querySelector('meta[name="ingot-whip-port"]')?.content);
    state.whipPort = configured > 0 ? configured : (served > 0 ? served : state.whipPort);
    if (get(status, 'configuration', 'whip_whep_enable') === false) state.whipPort = null;
    $('#instance').textContent = `${status.instance_id || ''} · ${state.whipPort ? `WHIP on port ${state.whipPort}` : 'WHIP server disabled'}`;
    setPollState(true, 'live');
    render(status, stats);
  } catch (e) {
    setPollState(false, `server unreachable (${e.message})`);
  }
}

function setPollState(ok, text) {
  const el = $('#poll-state');
  el.dataset.ok = String(ok);
  el.textContent = text;
}

function render(status, stats) {
  const statusInputs = new Map((Array.isArray(status.inputs) ? status.inputs : []).map((i) => [i.input_id, i]));
  const statInputs = (stats && typeof stats.inputs === 'object' && stats.inputs) || {};
  const ids = new Set([...statusInputs.keys(), ...Object.keys(statInputs)]);
  for (const [id, card] of state.cards) {
    if (!ids.has(id)) {
      if (card.objectUrl) URL.revokeObjectURL(card.objectUrl);
      card.el.remove();
      state.cards.delete(id);
    }
  }
  const now = Date.now();
  for (const id of [...ids].sort()) {
    let card = state.cards.get(id);
    if (!card) card = createCard(id);
    updateCard(card, statusInputs.get(id) || {}, statInputs[id] || {}, now);
  }
  $('#no-inputs').hidden = ids.size > 0;
}

// ---------- one card per input ----------

function createCard(id) {
  const el = $('#input-template').content.firstElementChild.cloneNode(true);
  el.dataset.inputId = id;
  $('.input-id', el).textContent = id;
  $('.whip-url', el).textContent = whipUrl(id);
  $('.copy-url', el).addEventListener('click', (ev) => copy(whipUrl(id), ev.currentTarget));
  $('.copy-token', el).addEventListener('click', (ev) => copy(tokens()[id] || '', ev.currentTarget));
  $('.unregister', el).addEventListener('click', () => unregister(id));
  const img = $('.thumb', el);
  img.addEventListener('load', () => {
    img.dataset.loaded = 'true';
    img.hidden = false;
    $('.thumb-placeholder', el).hidden = true;
  });
  // keep the list sorted by id
  const list = $('#inputs');
  const after = [...list.children].find((c) => c.dataset.inputId > id);
  list.insertBefore(el, after || null);
  const card = { id, el, history: [], lastLost: null, thumbBusy: false, thumbAt: 0, objectUrl: null };
  state.cards.set(id, card);
  return card;
}

/** Scalar fields of an object that the known rows do not show: Ingot adds figures over time. */
function extras(obj, known, prefix = '') {
  const out = [];
  for (const [k, v] of Object.entries(obj || {})) {
    if (known.has(k)) continue;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out.push([prefix + k, v]);
  }
  return out;
}

const KNOWN_INPUT = new Set(['type', 'state', 'video_rtp', 'audio_rtp', 'codec', 'decoder', 'video_resolution',
  'video_decoded_fps', 'video_frames_decoded', 'video_frames_failed', 'audio_batches_per_second', 'audio_batches_decoded',
  'video_jitter_buffer_ms', 'audio_jitter_buffer_ms']);
const KNOWN_TRACK = new Set(['packets_lost', 'packets_received', 'bitrate_1_second', 'bitrate_1_minute', 'last_10_seconds', 'packets_recovered']);

function lossPercent(track) {
  const lost = num(get(track, 'last_10_seconds', 'packets_lost'));
  const recv = num(get(track, 'last_10_seconds', 'packets_received'));
  if (lost === null || recv === null || lost + recv === 0) return null;
  return (100 * lost) / (lost + recv);
}

/** The jitter buffer of a track in ms: Ingot's own figure, else Smelter's last-10-seconds input buffer average. */
function bufferMs(input, track) {
  const own = num(input[`${track}_jitter_buffer_ms`]);
  if (own !== null) return own;
  const s = num(get(input, `${track}_rtp`, 'last_10_seconds', 'input_buffer_avg_seconds'));
  return s === null || s === 0 ? null : s * 1000;
}

function updateCard(card, statusInput, input, now) {
  const el = card.el;
  const st = input.state || statusInput.state || 'unknown';
  el.dataset.state = st;
  const pill = $('.state', el);
  pill.textContent = st.replaceAll('_', ' ');
  pill.dataset.state = st;
  const decoders = Array.isArray(statusInput.decoders) ? statusInput.decoders : [];
  $('.decoders', el).textContent = decoders.length ? `decoders: ${decoders.join(' → ')}` : '';

  const v = input.video_rtp || {};
  const a = input.audio_rtp || {};
  const vLost = num(v.packets_lost);
  const aLost = num(a.packets_lost);
  const lostNow = (vLost ?? 0) + (aLost ?? 0);
  const lostDelta = card.lastLost === null ? 0 : Math.max(0, lostNow - card.lastLost);
  card.lastLost = lostNow;
  card.history.push({ t: now, vbit: num(v.bitrate_1_second), abit: num(a.bitrate_1_second), lost: lostDelta,
    vbuf: bufferMs(input, 'video'), abuf: bufferMs(input, 'audio'), fps: num(input.video_decoded_fps) });
  while (card.history.length && now - card.history[0].t > HISTORY_SECONDS * 1000) card.history.shift();

  const rows = [];
  const codec = typeof input.codec === 'string' && input.codec !== 'none' ? input.codec : null;
  const decoder = typeof input.decoder === 'string' ? input.decoder : null;
  rows.push(['codec / decoder', codec ? `${codec}${decoder ? ` via ${decoder}` : ''}`
    : (st === 'connected' ? 'no video' : 'negotiated when a publisher connects')]);
  const fps = num(input.video_decoded_fps);
  if (typeof input.video_resolution === 'string' || fps !== null) {
    const failed = num(input.video_frames_failed);
    rows.push(['picture', [input.video_resolution || '–', fps === null ? null : `${fps.toFixed(0)} fps`,
      `${fmtCount(num(input.video_frames_decoded))} decoded`, failed ? `${fmtCount(failed)} failed` : null]
      .filter(Boolean).join(' · ')]);
  }
  rows.push(['video', `${fmtBits(num(v.bitrate_1_second))} · ${fmtCount(num(v.packets_received))} pkts · ${fmtCount(vLost)} lost`]);
  const batches = num(input.audio_batches_per_second);
  rows.push(['audio', `${fmtBits(num(a.bitrate_1_second))} · ${fmtCount(num(a.packets_received))} pkts · ${fmtCount(aLost)} lost`
    + (batches === null ? '' : ` · ${batches.toFixed(0)} batches/s decoded`)]);
  const vl = lossPercent(v);
  const al = lossPercent(a);
  rows.push(['loss (10 s)', `video ${vl === null ? '–' : vl.toFixed(2) + ' %'} · audio ${al === null ? '–' : al.toFixed(2) + ' %'}`]);
  const rec = num(v.packets_recovered);
  if (rec !== null) rows.push(['recovered (RTX)', fmtCount(rec)]);
  const vb = bufferMs(input, 'video');
  const ab = bufferMs(input, 'audio');
  rows.push(['jitter buffer', `video ${vb === null ? '–' : vb.toFixed(0) + ' ms'} · audio ${ab === null ? '–' : ab.toFixed(0) + ' ms'}`]);
  for (const [k, val] of extras(input, KNOWN_INPUT)) rows.push([k.replaceAll('_', ' '), String(val)]);
  for (const [k, val] of extras(v, KNOWN_TRACK, 'video ')) rows.push([k.replaceAll('_', ' '), String(val)]);
  renderFacts($('.facts', el), rows);

  const token = tokens()[card.id];
  $('.whip-url', el).textContent = whipUrl(card.id);
  $('.token-box', el).hidden = !token;
  $('.token-unknown', el).hidden = Boolean(token);
  if (token) $('.token', el).textContent = token;

  drawChart($('canvas.bitrate', el), card.history, [
    { key: 'vbit', color: cssVar('--video'), label: 'video', scale: 1 / 1000 },
    { key: 'abit', color: cssVar('--audio'), label: 'audio', scale: 1 / 1000 },
  ]);
  drawChart($('canvas.loss', el), card.history, [
    { key: 'lost', color: cssVar('--bad'), label: 'lost/s', scale: 1 },
    { key: 'vbuf', color: cssVar('--buffer'), label: 'video ms', scale: 1 },
    { key: 'abuf', color: cssVar('--audio'), label: 'audio ms', scale: 1 },
  ]);
  drawChart($('canvas.fps', el), card.history, [
    { key: 'fps', color: cssVar('--ok'), label: 'fps', scale: 1 },
  ]);

  if (st === 'connected') maybeRefreshThumbnail(card, now);
  else showNoPicture(card, st === 'connecting' ? 'connecting…' : 'no publisher');
}

function renderFacts(dl, rows) {
  // reuse nodes: avoids flicker and keeps text selectable between polls
  while (dl.children.length > rows.length * 2) dl.lastElementChild.remove();
  rows.forEach(([k, v], i) => {
    let dt = dl.children[i * 2];
    let dd = dl.children[i * 2 + 1];
    if (!dt) { dt = document.createElement('dt'); dl.appendChild(dt); }
    if (!dd) { dd = document.createElement('dd'); dl.appendChild(dd); }
    if (dt.textContent !== k) dt.textContent = k;
    if (dd.textContent !== v) dd.textContent = v;
  });
}

const cssCache = new Map();
function cssVar(name) {
  if (!cssCache.has(name)) cssCache.set(name, getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#333');
  return cssCache.get(name);
}

/** A small line chart of the last 60 s: x is time (now at the right), y autoscaled from 0. */
function drawChart(canvas, history, series) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 320;
  const h = canvas.clientHeight || 110;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const left = 34; const right = 6; const top = 16; const bottom = 6;
  const now = history.length ? history[history.length - 1].t : Date.now();
  let max = 0;
  for (const s of series) for (const p of history) { const y = p[s.key]; if (y !== null && y !== undefined) max = Math.max(max, y * s.scale); }
  max = niceMax(max);
  ctx.strokeStyle = '#e6e9ef'; ctx.fillStyle = '#8892a6'; ctx.lineWidth = 1; ctx.font = '10px sans-serif';
  for (let i = 0; i <= 2; i++) {
    const y = top + ((h - top - bottom) * i) / 2;
    ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(w - right, y); ctx.stroke();
    const label = (max * (2 - i)) / 2;
    ctx.fillText(label >= 100 ? label.toFixed(0) : String(+label.toFixed(1)), 2, y + 3);
  }
  const x = (t) => left + (w - left - right) * (1 - (now - t) / (HISTORY_SECONDS * 1000));
  const yOf = (v) => top + (h - top - bottom) * (1 - v / max);
  let legendX = left;
  for (const s of series) {
    ctx.strokeStyle = s.color; ctx.lineWidth = 1.6; ctx.beginPath();
    let started = false;
    for (const p of history) {
      const val = p[s.key];
      if (val === null || val === undefined) { started = false; continue; }
      const px = x(p.t); const py = yOf(val * s.scale);
      if (!started) { ctx.moveTo(px, py); started = true; } else ctx.lineTo(px, py);
    }
    ctx.stroke();
    const last = history.length ? history[history.length - 1][s.key] : null;
    const text = `${s.label} ${last === null || last === undefined ? '–' : +(last * s.scale).toFixed(1)}`;
    ctx.fillStyle = s.color; ctx.fillText(text, legendX, 11);
    legendX += ctx.measureText(text).width + 12;
  }
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

// ---------- thumbnails ----------

async function maybeRefreshThumbnail(card, now) {
  if (card.thumbBusy || now - card.thumbAt < THUMB_MS - 100) return;
  card.thumbBusy = true;
  card.thumbAt = now;
  try {
    const res = await fetch(`/api/input/${encodeURIComponent(card.id)}/thumbnail.jpg`, { cache: 'no-store' });
    if (res.ok) {
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const img = $('.thumb', card.el);
      const old = card.objectUrl;
      card.objectUrl = url;
      img.src = url;
      if (old) setTimeout(() => URL.revokeObjectURL(old), 2000);
    } else if ($('.thumb', card.el).dataset.loaded !== 'true') {
      showNoPicture(card, 'waiting for a decoded picture…');
    }
  } catch (e) {
    /* next poll tries again */
  } finally {
    card.thumbBusy = false;
  }
}

function showNoPicture(card, text) {
  const img = $('.thumb', card.el);
  const ph = $('.thumb-placeholder', card.el);
  if (img.dataset.loaded === 'true' && card.el.dataset.state === 'connected') return;
  img.hidden = true;
  img.dataset.loaded = 'false';
  ph.hidden = false;
  ph.textContent = text;
}

// ---------- register / unregister ----------

async function register(id, body) {
  const res = await postJson(`/api/input/${encodeURIComponent(id)}/register`, body);
  if (!res.ok) throw new Error(`register failed: ${await errorText(res)}`);
  const j = await res.json();
  rememberToken(id, j.bearer_token);
  return j;
}

async function unregister(id) {
  if (state.publishing && state.publishing.id === id) { await stopPublishing(); return; }
  const res = await postJson(`/api/input/${encodeURIComponent(id)}/unregister`, {});
  if (!res.ok && res.status !== 404) alert(`unregister ${id}: ${await errorText(res)}`);
  forgetToken(id);
  poll();
}

$('#register-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const out = $('#register-status');
  const id = $('#reg-id').value.trim();
  const body = { type: 'whip_server', video: { decoder_preferences: [$('#reg-decoder').value] } };
  const token = $('#reg-token').value.trim();
  if (token) body.bearer_token = token;
  out.className = 'muted';
  try {
    await register(id, body);
    out.textContent = `registered ${id}: publish to ${whipUrl(id)} with the token shown below`;
    $('#reg-id').value = '';
    $('#reg-token').value = '';
    poll();
  } catch (e) {
    out.className = 'error';
    out.textContent = e.message;
  }
});

// ---------- publish from this browser (WHIP) ----------

function setPublishStatus(text, isError = false) {
  const el = $('#publish-status');
  el.className = isError ? 'error' : 'muted';
  el.textContent = text;
}

function waitForGathering(pc, ms) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); }
    });
  });
}

async function startPublishing() {
  if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    setPublishStatus('The browser gives camera access only to secure pages: open this dashboard as http://localhost:'
      + `${location.port || 80}/ (e.g. through an SSH tunnel) or over HTTPS.`, true);
    return;
  }
  if (!state.whipPort) {
    setPublishStatus('This Ingot runs without a WHIP server (SMELTER_START_WHIP_WHEP_SERVER=false).', true);
    return;
  }
  $('#publish').disabled = true;
  const id = `browser-${randomHex(4)}`;
  const token = randomHex(16).toUpperCase();
  const pub = { id, token, pc: null, stream: null, location: null, registered: false };
  state.publishing = pub;
  try {
    setPublishStatus('asking for camera and microphone…');
    pub.stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } }, audio: true });
    const preview = $('#preview');
    preview.srcObject = pub.stream;
    preview.hidden = false;
    setPublishStatus(`registering ${id}…`);
    await register(id, { type: 'whip_server', bearer_token: token });
    pub.registered = true;
    poll();
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    pub.pc = pc;
    pc.addEventListener('connectionstatechange', () => {
      setPublishStatus(`${id}: ${pc.connectionState}`, pc.connectionState === 'failed');
    });
    for (const track of pub.stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [pub.stream] });
    await pc.setLocalDescription(await pc.createOffer());
    await waitForGathering(pc, 2000);
    setPublishStatus(`posting the offer to ${whipUrl(id)}…`);
    const res = await fetch(whipUrl(id), {
      method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${token}` }, body: pc.localDescription.sdp });
    if (!res.ok) throw new Error(`WHIP POST: ${await errorText(res)}`);
    const loc = res.headers.get('Location');
    pub.location = loc ? new URL(loc, whipUrl(id)).href : null;
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    setPublishStatus(`${id}: ${pc.connectionState}`);
    $('#stop').disabled = false;
  } catch (e) {
    setPublishStatus(e.message || String(e), true);
    await stopPublishing(false);
  }
}

async function stopPublishing(clearStatus = true) {
  const pub = state.publishing;
  state.publishing = null;
  $('#stop').disabled = true;
  if (!pub) { $('#publish').disabled = false; return; }
  if (pub.location) {
    try {
      await fetch(pub.location, { method: 'DELETE', headers: { Authorization: `Bearer ${pub.token}` } });
    } catch (e) { /* unregister below ends the session anyway */ }
  }
  if (pub.pc) pub.pc.close();
  if (pub.stream) pub.stream.getTracks().forEach((t) => t.stop());
  const preview = $('#preview');
  preview.srcObject = null;
  preview.hidden = true;
  if (pub.registered) {
    try { await postJson(`/api/input/${encodeURIComponent(pub.id)}/unregister`, {}); } catch (e) { /* server gone */ }
    forgetToken(pub.id);
  }
  if (clearStatus) setPublishStatus(`stopped ${pub.id}`);
  $('#publish').disabled = false;
  poll();
}

$('#publish').addEventListener('click', startPublishing);
$('#stop').addEventListener('click', () => stopPublishing());
window.addEventListener('pagehide', () => {
  // leaving the page: end the test input (the session ends with it)
  const pub = state.publishing;
  if (pub && pub.registered) {
    fetch(`/api/input/${encodeURIComponent(pub.id)}/unregister`, {
      method: 'POST', keepalive: true, headers: { 'Content-Type': 'application/json' }, body: '{}' }).catch(() => {});
  }
});

poll();
setInterval(poll, POLL_MS);
