/**
 * The built CLI (bin/push-contracts.js, which runs dist/), for tests that must run it in a child process
 * (to see everything the process prints, the native verifier's output included). Running the source through
 * ts-node instead transpiled all of src/ again in every child: seconds of CPU per run. `npm test` builds dist/
 * first (`npm run typecheck` is `tsc -b`); run alone, a test that uses this refuses a dist/ older than src/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');

function newestSource(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((newest, e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return Math.max(newest, newestSource(p));
    return /\.ts$/.test(e.name) && !/\.test(-d)?\.ts$/.test(e.name) ? Math.max(newest, fs.statSync(p).mtimeMs) : newest;
  }, 0);
}

/** The path of bin/push-contracts.js, once dist/ is known to be built from the current src/. */
export function builtCli(): string {
  const info = path.join(ROOT, 'dist', '.tsbuildinfo');
  if (!fs.existsSync(info) || fs.statSync(info).mtimeMs < newestSource(path.join(ROOT, 'src'))) {
    throw new Error('dist/ is missing or older than src/: run `npm run build` (npm test builds it first)');
  }
  return path.join(ROOT, 'bin', 'push-contracts.js');
}
