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
export function runNativeVerifier(options: CoreVerifierOptions, onOutput: (line: string) => void, trustStore: TrustStore = 'system'): Promise<NativeRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', CHILD], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
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
    const lines = (stream: NodeJS.ReadableStream): void => {
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
    };
    if (child.stdout) lines(child.stdout);
    if (child.stderr) lines(child.stderr);
    child.on('error', (err) => resolve({ error: `pact verifier process could not start: ${err.message}` }));
    child.on('close', (code, signal) => {
      resolve(result ?? { error: `pact verifier process ended (${signal ?? `exit ${code}`}) without a result` });
    });
  });
}
