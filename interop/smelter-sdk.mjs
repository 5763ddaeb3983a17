#!/usr/bin/env node
// Drive Ingot with Smelter's own TypeScript SDK (@swmansion/smelter-node), as a Smelter app would.
//
// Usage: node interop/smelter-sdk.mjs API_URL WHIP_URL RESULT_JSON
//   API_URL   Ingot's control API, e.g. http://127.0.0.1:8081
//   WHIP_URL  Ingot's WHIP listener, e.g. http://127.0.0.1:9000
//   RESULT_JSON  where to write what happened (read by SmelterSdkInteropTest)
//
// The SDK connects to the running server with its ExistingInstanceManager (it never spawns or downloads a
// Smelter binary). Steps: init (GET /status, POST /api/reset, /ws), register a whip_server input, start,
// publish with FFmpeg (interop/ffmpeg-whip.sh), wait for the input's events and the SDK's input state,
// unregister (no schedule) and see EOS; register another, unregister it with schedule_time_ms through the SDK's
// API client; register a third, reset the way the SDK does (a new Smelter's init), terminate.
// The SDK comes from $INGOT_CACHE/npm (installed by .ci/install-deps).
// Status lines on stdout, prefix 'smelter-sdk:'. Exit 0 when every step passed, 1 otherwise.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cache = process.env.INGOT_CACHE || path.join(os.homedir(), '.cache', 'ingot');
const require = createRequire(path.join(cache, 'npm', 'node_modules', 'noop.js'));
let sdk;
try {
  sdk = require('@swmansion/smelter-node');
} catch (e) {
  console.error(`smelter-sdk: @swmansion/smelter-node not found under ${cache}/npm; run .ci/install-deps (${e.message})`);
  process.exit(1);
}
const Smelter = sdk.default;
const { ExistingInstanceManager } = sdk;

const [apiUrl, whipUrl, resultPath] = process.argv.slice(2);
if (!apiUrl || !whipUrl || !resultPath) {
  console.error('usage: node interop/smelter-sdk.mjs API_URL WHIP_URL RESULT_JSON');
  process.exit(64);
}

const result = { steps: [], events: [], states: [], ok: false };
const log = (line) => console.log(`smelter-sdk: ${line}`);
const step = (name, detail) => { result.steps.push({ name, ...detail }); log(`${name} ${JSON.stringify(detail ?? {})}`); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, condition, timeoutMs = 30000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await condition()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function newSmelter() {
  const manager = new ExistingInstanceManager({ url: apiUrl });
  const smelter = new Smelter(manager);
  // the raw /ws events, as the SDK's WebSocket connection hands them to its listeners
  manager.registerEventListener((event) => result.events.push({ at: Date.now(), type: event.type, input_id: event.input_id }));
  return smelter;
}

const core = (smelter) => smelter.coreSmelter;
const store = (smelter) => core(smelter).store;
const statusInputs = async (smelter) =>
  (await core(smelter).manager.sendRequest({ method: 'GET', route: '/status' })).inputs.map((i) => i.input_id);
const eventsOf = (id) => result.events.filter((e) => e.input_id === id).map((e) => e.type);

let publisher;
let exitCode = 1;
try {
  let smelter = newSmelter();
  await smelter.init();
  step('init', { inputs: await statusInputs(smelter) });
  store(smelter).subscribe(() => {
    for (const [id, s] of Object.entries(store(smelter).getSnapshot())) {
      const last = result.states.filter((x) => x.id === id).at(-1);
      if (!last || last.video !== s.videoState || last.audio !== s.audioState) {
        result.states.push({ id, video: s.videoState, audio: s.audioState });
      }
    }
  });

  // register (empty decoder preferences: Smelter's SDK passes the list through as given)
  const handle = await smelter.registerInput('sdk_cam', {
    type: 'whip_server',
    video: { decoderPreferences: [] },
    bearerToken: 'sdk-secret',
  });
  step('registered', { endpointRoute: handle.endpointRoute, bearerToken: handle.bearerToken });
  await smelter.start();
  step('started');

  publisher = spawn(path.join(here, 'ffmpeg-whip.sh'), [whipUrl + handle.endpointRoute, handle.bearerToken, '0'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, INGOT_FFMPEG_VIDEO_SOURCE: 'testsrc2=size=320x240:rate=30', INGOT_FFMPEG_LOGLEVEL: 'warning' },
  });
  await waitFor('the input playing in the SDK store', () => {
    const s = store(smelter).getSnapshot().sdk_cam;
    return s && s.videoState === 'playing' && s.audioState === 'playing';
  }, 60000);
  step('playing', { events: eventsOf('sdk_cam'), state: store(smelter).getSnapshot().sdk_cam });
  const stats = await smelter.stats();
  step('stats', { video_rtp: stats.inputs?.sdk_cam?.video_rtp });

  // unregister without a schedule: the SDK removes the input from its store; the server ends the streams
  await smelter.unregisterInput('sdk_cam');
  await waitFor('EOS of both streams', () => eventsOf('sdk_cam').includes('VIDEO_INPUT_EOS')
      && eventsOf('sdk_cam').includes('AUDIO_INPUT_EOS'));
  step('unregistered', { events: eventsOf('sdk_cam'), inputs: await statusInputs(smelter),
    inStore: 'sdk_cam' in store(smelter).getSnapshot() });
  publisher.kill('SIGTERM');

  // unregister with a schedule, through the SDK's own API client (its live Smelter has no schedule option)
  await smelter.registerInput('sdk_later', { type: 'whip_server' });
  const queueMs = Date.now() - core(smelter).startTime;
  const scheduleMs = Math.round(queueMs + 2000);
  await core(smelter).api.unregisterInput({ type: 'global', id: 'sdk_later' }, { schedule_time_ms: scheduleMs });
  const rightAfter = await statusInputs(smelter);
  await waitFor('the scheduled unregister', async () => !(await statusInputs(smelter)).includes('sdk_later'));
  step('scheduled', { scheduleMs, presentRightAfter: rightAfter.includes('sdk_later'),
    goneAfterMs: Date.now() - core(smelter).startTime });
  // and one for an id that is not there: accepted, as Smelter does
  await core(smelter).api.unregisterInput({ type: 'global', id: 'sdk_nobody' }, { schedule_time_ms: scheduleMs + 1000 });
  step('scheduled-unknown', { accepted: true });

  // reset the SDK's way: a new Smelter connecting to the running server (its init sends POST /api/reset)
  await smelter.registerInput('sdk_reset', { type: 'whip_server' });
  const beforeReset = await statusInputs(smelter);
  await smelter.terminate();
  smelter = newSmelter();
  await smelter.init();
  step('reset', { beforeReset, afterReset: await statusInputs(smelter) });
  await smelter.terminate();
  result.ok = true;
  exitCode = 0;
} catch (e) {
  result.error = `${e.message}${e.body ? ' ' + JSON.stringify(e.body) : ''}`;
  log(`failed: ${result.error}`);
} finally {
  if (publisher && publisher.exitCode === null) publisher.kill('SIGTERM');
  fs.writeFileSync(resultPath, JSON.stringify(result, null, 2));
  log(`end ok=${result.ok}`);
  // the SDK's pino logger and ws may keep the loop alive
  setTimeout(() => process.exit(exitCode), 200);
}
