/**
 * Runs pact-core's Rust verifier in a child Node process. The native code prints its report straight
 * to file descriptor 1, where nothing in this process could mask a secret a provider echoes back or
 * keep it out of a test runner's output; in a child, its stdout is a pipe we read, mask and route.
 * It also gives every run its own native log level (pact-core sets it once per process).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { VerifierOptions as CoreVerifierOptions } from '@pact-foundation/pact-core';

export interface NativeRun {
  /** The verifier's JSON result (success or failure), when it produced one. */
  readonly json?: string;
  /** Why the verifier could not run at all. */
  readonly error?: string;
}

// Plain JS, so it runs the same from the sources (ts-jest, ts-node) and from dist/.
const CHILD = `
const core = require(process.env.PC_PACT_CORE);
const opts = JSON.parse(process.env.PC_VERIFIER_OPTIONS);
core.default.logLevel(opts.logLevel || 'error');
core.default.verifyPacts(opts).then(
  (out) => process.send({ json: typeof out === 'string' ? out : undefined }, () => process.exit(0)),
  (err) => {
    const message = err && err.message ? err.message : String(err);
    let json;
    try { JSON.parse(message); json = message; } catch (e) { json = undefined; }
    process.send(json ? { json } : { error: message }, () => process.exit(0));
  },
);
`;

/**
 * Where the child's TLS trust store comes from. pact's Rust verifier builds a new HTTP client for every
 * interaction and every provider-state call, and each build re-reads the whole system trust store
 * (~8 ms of CPU each, ~24 ms per interaction; seanmonstar/reqwest#2437, see docs/benchmarks.md).
 * 'empty' points rustls-native-certs at an empty file and directory: safe only when the verifier
 * speaks plain HTTP on loopback (to the recording proxy) and reads its pacts from local files.
 */
export type TrustStore = 'system' | 'empty';

/**
 * The empty trust store lives as long as a child process started with it may read it: each such child holds
 * it, and the last one to end removes it (the next verification makes a new one). A process-exit hook alone
 * left one directory per jest worker behind: workers end by signal, which runs no exit handler.
 */
let emptyTrustStore: { root: string; file: string; dir: string; users: number; remove: () => void } | undefined;
function emptyTrustStoreEnv(): Record<string, string> {
  if (!emptyTrustStore) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-no-certs-'));
    const file = path.join(root, 'none.pem');
    fs.writeFileSync(file, '');
    fs.mkdirSync(path.join(root, 'certs'));
    const store = { root, file, dir: path.join(root, 'certs'), users: 0, remove: (): void => fs.rmSync(root, { recursive: true, force: true }) };
    // A process that exits with a child still running (killed with it) removes it on the way out.
    process.once('exit', store.remove);
    emptyTrustStore = store;
    // Made and not handed to a child by the end of this turn (cannot happen today): removed all the same.
    setImmediate(() => { if (store.users === 0) releaseTrustStore(store); });
  }
  return { SSL_CERT_FILE: emptyTrustStore.file, SSL_CERT_DIR: emptyTrustStore.dir };
}

/** Ties the empty trust store, when `env` names it, to `child`'s life. */
function holdTrustStore(child: ReturnType<typeof spawn>, env: Record<string, string | undefined>): void {
  const store = emptyTrustStore;
  if (!store || env.SSL_CERT_FILE !== store.file) return;
  store.users++;
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    store.users--;
    if (store.users === 0) releaseTrustStore(store);
  };
  child.once('close', release);
  child.once('error', release);
}

function releaseTrustStore(store: NonNullable<typeof emptyTrustStore>): void {
  if (emptyTrustStore === store) emptyTrustStore = undefined;
  process.removeListener('exit', store.remove);
  store.remove();
}

/** Runs one verification; `onOutput` receives the native report line by line (unmasked: mask it). */
export function runNativeVerifier(options: CoreVerifierOptions, onOutput: (line: string) => void, trustStore: TrustStore = 'system', signal?: AbortSignal): Promise<NativeRun> {
  if (spares && !signal?.aborted) return runOnSharedProcess(options, onOutput, trustStore, signal);
  return new Promise((resolve) => {
    const trust = trustStore === 'empty' ? emptyTrustStoreEnv() : {};
    const child = spawn(process.execPath, ['-e', CHILD], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Aborted (fail fast, --max-duration): the child is killed and the run resolves without a result.
      signal,
      killSignal: 'SIGKILL',
      env: {
        ...process.env,
        PC_PACT_CORE: require.resolve('@pact-foundation/pact-core'),
        PC_VERIFIER_OPTIONS: JSON.stringify(options),
        PACT_DO_NOT_TRACK: process.env.PACT_DO_NOT_TRACK ?? 'true',
        ...trust,
      },
    });
    holdTrustStore(child, trust);
    let result: NativeRun | undefined;
    child.on('message', (m: NativeRun) => {
      result = m;
    });
    forwardLines(child.stdout, onOutput);
    forwardLines(child.stderr, onOutput);
    child.on('error', (err) => resolve({ error: `pact verifier process could not start: ${err.message}` }));
    child.on('close', (code, signal) => {
      resolve(result ?? { error: `pact verifier process ended (${signal ?? `exit ${code}`}) without a result` });
    });
  });
}

/** Hands a child's output to `onOutput` one whole line at a time (a chunk may end mid-line). */
function forwardLines(stream: NodeJS.ReadableStream | null, onOutput: (line: string) => void): void {
  if (!stream) return;
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const p of parts) onOutput(p);
  });
  stream.on('end', () => {
    if (buffered) onOutput(buffered);
  });
}

// A long-lived child: runs one verification per message, so the process start and the loading of
// pact's native library are paid once per worker, not once per slice of the pacts.
const WORKER = `
const path = require('node:path');
const fs = require('node:fs');
const coreDir = path.dirname(process.env.PC_PACT_CORE);
// pact-core logs its own JS-side lines through pino with pino-pretty, and loading those two is about
// half of loading pact-core (~150 ms of a worker's start on a busy 2-core machine). Its logger module
// takes them from logger/pino.js (createLogger(level) -> { error, warn, info, debug, trace }); here that
// module is a plain one writing the same levels to stdout, which is read and masked like the rest.
const pinoModule = path.join(coreDir, 'logger', 'pino.js');
if (fs.existsSync(pinoModule)) {
  const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
  const plain = new module.constructor(pinoModule);
  plain.filename = pinoModule;
  plain.loaded = true;
  plain.exports = {
    createLogger: (level) => {
      const min = LEVELS.indexOf(String(level).toLowerCase());
      return Object.fromEntries(LEVELS.map((l, k) => [l, k >= min ? (msg) => console.log(l.toUpperCase() + ': ' + msg) : () => undefined]));
    },
  };
  require.cache[pinoModule] = plain;
}
const core = require(process.env.PC_PACT_CORE);
core.default.logLevel(process.env.PC_LOG_LEVEL || 'error');
// Load and initialise the native library now, while the parent is still reading pacts, not at the
// first verification (getFfiLib is what verifyPacts calls first; an internal path, so only an attempt).
try { require(path.join(coreDir, 'ffi')).getFfiLib(process.env.PC_LOG_LEVEL || 'error'); } catch (e) { /* verifyPacts loads it */ }
process.on('message', (job) => {
  if (job.flush) {
    // Everything printed so far is in the pipes before these markers (shareVerifierProcesses in native.ts).
    fs.writeSync(1, '\\u0000pc-verifier-flushed\\n');
    fs.writeSync(2, '\\u0000pc-verifier-flushed\\n');
    return;
  }
  // A bad option throws synchronously inside verifyPacts; as a rejection it becomes this job's error.
  Promise.resolve().then(() => core.default.verifyPacts(job.options)).then(
    (out) => process.send({ id: job.id, json: typeof out === 'string' ? out : undefined }),
    (err) => {
      const message = err && err.message ? err.message : String(err);
      let json;
      try { JSON.parse(message); json = message; } catch (e) { json = undefined; }
      process.send(json ? { id: job.id, json } : { id: job.id, error: message });
    },
  );
});
process.on('disconnect', () => process.exit(0));
`;

/** Several verifier children working through a queue of verifications (disjoint slices of the pacts). */
export interface VerifierPool {
  /** Resolves with the verifier's result, or with `stopped` when the pool was stopped first. */
  run(options: CoreVerifierOptions): Promise<NativeRun & { readonly stopped?: boolean }>;
  /** Starts one process now (if none is running), so its start-up overlaps the caller's own preparation. */
  prestart(): void;
  /** Lowers how many processes the pool may start (those running stay). */
  limit(size: number): void;
  /** Kills every child now; running and queued verifications resolve as stopped. */
  stop(): void;
  /** Lets the children exit once idle (or, while processes are shared, hands them back idle). */
  close(): Promise<void>;
}

type Outcome = NativeRun & { stopped?: boolean };

/** A verifier process; which pool it serves (where its output, results and end go) can change. */
interface Worker {
  readonly child: ReturnType<typeof spawn>;
  /** The environment it was started with: a spare serves only a pool that would start the same process. */
  readonly key: string;
  job?: { id: number; resolve: (r: Outcome) => void };
  closed: Promise<void>;
  exited: boolean;
  onOutput: (line: string) => void;
  onResult: (m: NativeRun & { id: number }) => void;
  onGone: (why: string) => void;
  /** Set while waiting for the flush marker of each of its two output streams. */
  flushing?: { pending: number; done: () => void };
}

const FLUSH_MARK = '\u0000pc-verifier-flushed';

function startWorker(env: NodeJS.ProcessEnv, key: string): Worker {
  const child = spawn(process.execPath, ['-e', WORKER], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env });
  holdTrustStore(child, env);
  const w: Worker = {
    child,
    key,
    closed: new Promise((resolve) => child.once('close', () => resolve())),
    exited: false,
    onOutput: () => undefined,
    onResult: () => undefined,
    onGone: () => undefined,
  };
  const line = (l: string): void => {
    if (l === FLUSH_MARK && w.flushing) {
      if (--w.flushing.pending === 0) w.flushing.done();
    } else w.onOutput(l);
  };
  forwardLines(child.stdout, line);
  forwardLines(child.stderr, line);
  child.on('message', (m: NativeRun & { id: number } & { flush?: true }) => w.onResult(m));
  child.on('error', (err) => w.onGone(err.message));
  child.on('exit', () => (w.exited = true));
  child.on('close', (code, signal) => {
    w.exited = true;
    if (w.flushing) w.flushing.done();
    w.onGone(signal ?? `exit ${code}`);
  });
  return w;
}

/**
 * Verifier processes kept between runs (shareVerifierProcesses): while sharing, a pool that closes hands its
 * idle processes back here and the next pool takes one that was started with the same environment instead
 * of starting node, pact-core and pact's native library again (0.4-0.8 s of CPU each on a 2-core machine).
 */
let spares: Worker[] | undefined;
const MAX_SPARES = 4;

/**
 * Keeps idle verifier processes alive between verifications in this process until `close()`: for a caller
 * that verifies many times (a test file, a long-lived service). Each verification still gets processes of
 * its own while it runs, started with the same environment it would start them with; output and results
 * never cross (a process's output is flushed to its pool before it is handed back). One-off verifications
 * (runNativeVerifier: broker sources) then run on such a process too.
 */
export function shareVerifierProcesses(): { close(): Promise<void> } {
  spares ??= [];
  return {
    async close() {
      const all = spares ?? [];
      spares = undefined;
      for (const w of all) w.child.kill('SIGKILL');
      await Promise.all(all.map((w) => w.closed));
    },
  };
}

/**
 * One verification on a shared process (while shareVerifierProcesses is on): a pool of one, started with
 * this run's trust store and log level (pact-core sets the native level once per process, so it is part
 * of the process's environment and only a process started with the same level is reused). Aborted, its
 * process is killed as the one-off child would be.
 */
async function runOnSharedProcess(options: CoreVerifierOptions, onOutput: (line: string) => void, trustStore: TrustStore, signal?: AbortSignal): Promise<NativeRun> {
  const pool = startVerifierPool(1, onOutput, trustStore, options.logLevel ?? 'error');
  const abort = (): void => pool.stop();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    const out = await pool.run(options);
    return out.stopped ? { error: 'pact verifier process stopped (aborted)' } : out;
  } finally {
    signal?.removeEventListener('abort', abort);
    await pool.close();
  }
}

/** Asks a process to write a marker after everything it has printed; resolves once both streams delivered it. */
function flush(w: Worker): Promise<void> {
  return new Promise((resolve) => {
    w.flushing = { pending: 2, done: () => { w.flushing = undefined; resolve(); } };
    w.child.send({ flush: true }, (err) => { if (err) w.flushing?.done(); });
  });
}

export function startVerifierPool(maxSize: number, onOutput: (line: string) => void, trustStore: TrustStore = 'system', logLevel = 'error'): VerifierPool {
  const queue: Array<{ id: number; options: CoreVerifierOptions; resolve: (r: Outcome) => void }> = [];
  const workers: Worker[] = [];
  let nextId = 0;
  let stopped = false;
  let size = maxSize;

  const dispatch = (w: Worker): void => {
    if (w.job || stopped) return;
    const next = queue.shift();
    if (!next) return;
    w.job = { id: next.id, resolve: next.resolve };
    w.child.send({ id: next.id, options: next.options });
  };

  const adopt = (w: Worker): Worker => {
    w.onOutput = onOutput;
    w.onResult = (m) => {
      if (!w.job || w.job.id !== m.id) return;
      const { resolve } = w.job;
      w.job = undefined;
      resolve(m.json !== undefined ? { json: m.json } : { error: m.error ?? 'no result' });
      dispatch(w);
    };
    w.onGone = (why) => {
      const job = w.job;
      w.job = undefined;
      job?.resolve(stopped ? { stopped: true } : { error: `pact verifier process ended (${why}) without a result` });
    };
    return w;
  };

  const spawnWorker = (): Worker => {
    const env = {
      ...process.env,
      PC_PACT_CORE: require.resolve('@pact-foundation/pact-core'),
      PC_LOG_LEVEL: logLevel,
      PACT_DO_NOT_TRACK: process.env.PACT_DO_NOT_TRACK ?? 'true',
      ...(trustStore === 'empty' ? emptyTrustStoreEnv() : {}),
    };
    const key = JSON.stringify(env);
    const k = spares ? spares.findIndex((s) => s.key === key && !s.exited) : -1;
    const w = k >= 0 && spares ? spares.splice(k, 1)[0] : startWorker(env, key);
    return adopt(w);
  };

  return {
    run(options) {
      if (stopped) return Promise.resolve({ stopped: true });
      return new Promise((resolve) => {
        queue.push({ id: nextId++, options, resolve });
        const idle = workers.find((w) => !w.job);
        if (idle) dispatch(idle);
        else if (workers.length < size) dispatch(workers[workers.push(spawnWorker()) - 1]);
      });
    },
    limit(n) {
      size = Math.max(1, Math.min(size, n));
    },
    prestart() {
      if (workers.length === 0 && !stopped) workers.push(spawnWorker());
    },
    stop() {
      stopped = true;
      for (const q of queue.splice(0)) q.resolve({ stopped: true });
      for (const w of workers) w.child.kill('SIGKILL');
    },
    async close() {
      // Called once every job is settled: idle workers hold no result. Not shared, they are killed (their
      // output is read to the end before `closed`); process.exit in a child that has loaded pact's native
      // library can block in its teardown. Shared, each first delivers all it printed to this pool's output.
      const all = workers.splice(0);
      const keep = spares && !stopped ? all.filter((w) => !w.job && !w.exited) : [];
      await Promise.all(keep.map(flush));
      for (const w of all) {
        if (spares && keep.includes(w) && !w.exited && spares.length < MAX_SPARES) {
          w.onOutput = () => undefined;
          w.onResult = () => undefined;
          w.onGone = () => undefined;
          spares.push(w);
        } else w.child.kill('SIGKILL');
      }
      await Promise.all(all.filter((w) => !spares?.includes(w)).map((w) => w.closed));
    },
  };
}
