/**
 * Runs pact-core's Rust verifier in a child Node process. The native code prints its report straight
 * to file descriptor 1, where nothing in this process could mask a secret a provider echoes back or
 * keep it out of a test runner's output; in a child, its stdout is a pipe we read, mask and route.
 * It also gives every run its own native log level (pact-core sets it once per process).
 */
import { spawn } from 'node:child_process';
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

/** Runs one verification; `onOutput` receives the native report line by line (unmasked: mask it). */
export function runNativeVerifier(options: CoreVerifierOptions, onOutput: (line: string) => void): Promise<NativeRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', CHILD], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        ...process.env,
        PC_PACT_CORE: require.resolve('@pact-foundation/pact-core'),
        PC_VERIFIER_OPTIONS: JSON.stringify(options),
        PACT_DO_NOT_TRACK: process.env.PACT_DO_NOT_TRACK ?? 'true',
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
