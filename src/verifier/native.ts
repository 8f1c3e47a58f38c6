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

let emptyTrustStore: { file: string; dir: string } | undefined;
function emptyTrustStoreEnv(): Record<string, string> {
  if (!emptyTrustStore) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-no-certs-'));
    const file = path.join(dir, 'none.pem');
    fs.writeFileSync(file, '');
    fs.mkdirSync(path.join(dir, 'certs'));
    emptyTrustStore = { file, dir: path.join(dir, 'certs') };
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return { SSL_CERT_FILE: emptyTrustStore.file, SSL_CERT_DIR: emptyTrustStore.dir };
}

/** Runs one verification; `onOutput` receives the native report line by line (unmasked: mask it). */
export function runNativeVerifier(options: CoreVerifierOptions, onOutput: (line: string) => void, trustStore: TrustStore = 'system', signal?: AbortSignal): Promise<NativeRun> {
  return new Promise((resolve) => {
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
        ...(trustStore === 'empty' ? emptyTrustStoreEnv() : {}),
      },
    });
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
  /** Lets the children exit once idle. */
  close(): Promise<void>;
}

interface Worker {
  readonly child: ReturnType<typeof spawn>;
  job?: { id: number; resolve: (r: NativeRun & { stopped?: boolean }) => void };
  closed: Promise<void>;
}

/**
 * `onOutput` undefined: nobody reads the verifier's report, so the children write it to /dev/null. Read
 * through a pipe, its ~7 lines per interaction (each a write of its own) woke this process ~7 times per
 * interaction for lines it then threw away.
 */
export function startVerifierPool(maxSize: number, onOutput: ((line: string) => void) | undefined, trustStore: TrustStore = 'system', logLevel = 'error'): VerifierPool {
  const queue: Array<{ id: number; options: CoreVerifierOptions; resolve: (r: NativeRun & { stopped?: boolean }) => void }> = [];
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

  const spawnWorker = (): Worker => {
    const child = spawn(process.execPath, ['-e', WORKER], {
      stdio: ['ignore', onOutput ? 'pipe' : 'ignore', 'pipe', 'ipc'],
      env: {
        ...process.env,
        PC_PACT_CORE: require.resolve('@pact-foundation/pact-core'),
        PC_LOG_LEVEL: logLevel,
        PACT_DO_NOT_TRACK: process.env.PACT_DO_NOT_TRACK ?? 'true',
        ...(trustStore === 'empty' ? emptyTrustStoreEnv() : {}),
      },
    });
    const w: Worker = { child, closed: new Promise((resolve) => child.once('close', () => resolve())) };
    if (onOutput) forwardLines(child.stdout, onOutput);
    // stderr stays a pipe even when unread (rare lines: a crash's own words), drained so it never fills.
    forwardLines(child.stderr, onOutput ?? (() => undefined));
    child.on('message', (m: NativeRun & { id: number }) => {
      if (!w.job || w.job.id !== m.id) return;
      const { resolve } = w.job;
      w.job = undefined;
      resolve(m.json !== undefined ? { json: m.json } : { error: m.error ?? 'no result' });
      dispatch(w);
    });
    const gone = (why: string): void => {
      const job = w.job;
      w.job = undefined;
      job?.resolve(stopped ? { stopped: true } : { error: `pact verifier process ended (${why}) without a result` });
    };
    child.on('error', (err) => gone(err.message));
    child.on('close', (code, signal) => gone(signal ?? `exit ${code}`));
    return w;
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
      // Called once every job is settled: idle workers hold no result and no unread output (the native
      // report is in the pipe before a job resolves), so they are killed; process.exit in a child that
      // has loaded pact's native library can block in its teardown.
      for (const w of workers) w.child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.closed));
    },
  };
}
