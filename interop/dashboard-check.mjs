#!/usr/bin/env node
// Checks Ingot's dashboard in a real browser: opens the page, clicks "Publish from this browser" (Chromium's
// fake camera + microphone over WHIP), waits until the page shows that input live, saves a screenshot, then
// clicks "Stop" and waits until the input is gone.
//
// Usage: node interop/dashboard-check.mjs PAGE_URL [--expect live|thumbnail] [--screenshot FILE]
//          [--timeout-ms 45000] [--settle-ms 5000]
//   --expect live       the input's card shows state "connected" (default)
//   --expect thumbnail  ... and its thumbnail image has loaded (needs decoded pictures on the server)
//   --screenshot FILE   default server/target/dashboard.png (relative to the current directory)
//   --settle-ms         how long to keep publishing after "live" before the screenshot (plots fill up)
//
// Chromium is Debian's /usr/bin/chromium (INGOT_CHROMIUM overrides) driven by playwright-core from
// $INGOT_CACHE/npm (installed by .ci/install-deps; never downloads a browser). Pages that are not on
// localhost/127.0.0.1 are not secure contexts, where getUserMedia does not exist: the page's origin is
// passed to --unsafely-treat-insecure-origin-as-secure.
//
// Status lines (stdout, prefix 'dashboard-check:'): start, page, published <id>, live, thumbnail,
// screenshot <file>, stopped, end rc=N. Exit codes: 0 ok; 3 not live (or no thumbnail) in time, or the
// input not removed after Stop; 1 anything else; 64 bad arguments.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const cache = process.env.INGOT_CACHE || path.join(os.homedir(), '.cache', 'ingot');
const require = createRequire(path.join(cache, 'npm', 'node_modules', 'noop.js'));
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch (e) {
  console.error(`dashboard-check: playwright-core not found under ${cache}/npm; run .ci/install-deps (${e.message})`);
  process.exit(1);
}

function usage(msg) {
  if (msg) console.error(`dashboard-check: ${msg}`);
  console.error('usage: dashboard-check.mjs PAGE_URL [--expect live|thumbnail] [--screenshot FILE] [--timeout-ms MS] [--settle-ms MS]');
  process.exit(64);
}

function parseArgs(argv) {
  const o = { expect: 'live', screenshot: 'server/target/dashboard.png', timeoutMs: 45000, settleMs: 5000, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    switch (a) {
      case '--expect': o.expect = next(); break;
      case '--screenshot': o.screenshot = next(); break;
      case '--timeout-ms': o.timeoutMs = Number(next()); break;
      case '--settle-ms': o.settleMs = Number(next()); break;
      case '-h': case '--help': usage(); break;
      default:
        if (a.startsWith('--')) usage(`unknown option ${a}`);
        o.positional.push(a);
    }
  }
  if (o.positional.length !== 1) usage('need PAGE_URL');
  if (!['live', 'thumbnail'].includes(o.expect)) usage(`--expect must be live or thumbnail, not ${o.expect}`);
  [o.url] = o.positional;
  try {
    if (!/^https?:$/.test(new URL(o.url).protocol)) throw new Error('not http(s)');
  } catch (e) {
    usage(`PAGE_URL must be an absolute http(s) URL: '${o.url}'`);
  }
  return o;
}

const say = (msg) => console.log(`dashboard-check: ${msg}`);
const opts = parseArgs(process.argv.slice(2));
const origin = new URL(opts.url).origin;
const secureByItself = ['localhost', '127.0.0.1', '[::1]'].includes(new URL(opts.url).hostname) || opts.url.startsWith('https:');

const flags = [
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required',
];
if (!secureByItself) flags.push(`--unsafely-treat-insecure-origin-as-secure=${origin}`);
say(`start url=${opts.url} expect=${opts.expect} screenshot=${opts.screenshot}`);

let browser;
let exitCode = 0;
try {
  browser = await chromium.launch({ executablePath: process.env.INGOT_CHROMIUM || '/usr/bin/chromium',
                                    headless: true, args: flags, chromiumSandbox: false });
  const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  page.on('console', (m) => {
    // thumbnail 404s before the first picture are expected; anything else is worth seeing
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) console.error(`dashboard-check: page: ${m.text()}`);
  });
  page.on('pageerror', (e) => console.error(`dashboard-check: page error: ${e.message}`));
  await page.goto(opts.url);
  await page.waitForSelector('#poll-state[data-ok="true"]', { timeout: 10000 });
  say(`page ${await page.title()} (secure context: ${await page.evaluate(() => window.isSecureContext)})`);

  const before = await page.$$eval('section.input', (els) => els.map((e) => e.dataset.inputId));
  await page.click('#publish');
  // the page registers browser-<random> and shows its card; find the new one
  const card = await page.waitForFunction((known) => {
    const err = document.querySelector('#publish-status.error');
    if (err) return { error: err.textContent };
    const el = [...document.querySelectorAll('section.input')].find((e) => e.dataset.inputId.startsWith('browser-') && !known.includes(e.dataset.inputId));
    return el ? { id: el.dataset.inputId } : null;
  }, before, { timeout: opts.timeoutMs, polling: 200 }).then((h) => h.jsonValue());
  if (card.error) throw new Error(`publishing failed: ${card.error}`);
  const id = card.id;
  say(`published ${id}`);
  const sel = `section.input[data-input-id="${id}"]`;

  const waitFor = async (what, fn) => {
    try {
      await page.waitForFunction(fn, sel, { timeout: opts.timeoutMs, polling: 200 });
      return true;
    } catch (e) {
      const text = await page.evaluate(() => document.querySelector('#publish-status').textContent).catch(() => '?');
      say(`error ${what} not seen within ${opts.timeoutMs} ms (publish status: ${text})`);
      exitCode = 3;
      return false;
    }
  };
  if (await waitFor('state connected', (s) => document.querySelector(s)?.dataset.state === 'connected')) say('live');
  if (exitCode === 0 && opts.expect === 'thumbnail'
      && await waitFor('thumbnail', (s) => { const img = document.querySelector(`${s} img.thumb`); return img && img.dataset.loaded === 'true' && img.naturalWidth > 0; })) {
    const size = await page.$eval(`${sel} img.thumb`, (img) => `${img.naturalWidth}x${img.naturalHeight}`);
    say(`thumbnail ${size}`);
  }
  if (exitCode === 0 && opts.settleMs > 0) await page.waitForTimeout(opts.settleMs);
  fs.mkdirSync(path.dirname(path.resolve(opts.screenshot)), { recursive: true });
  await page.screenshot({ path: opts.screenshot, fullPage: true });
  say(`screenshot ${opts.screenshot}`);

  await page.click('#stop');
  try {
    await page.waitForFunction((s) => !document.querySelector(s), sel, { timeout: 10000, polling: 200 });
    say('stopped');
  } catch (e) {
    say(`error ${id} still listed 10 s after Stop`);
    if (exitCode === 0) exitCode = 3;
  }
} catch (e) {
  say(`error ${e && e.message ? e.message.split('\n')[0] : e}`);
  exitCode = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
}
say(`end rc=${exitCode}`);
process.exit(exitCode);
