import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../test-support/temp-dir';

// A bench that leaves a handle open, as pact-core loaded in-process does: the runner must still exit.
const HOLDS_THE_LOOP = 'setInterval(() => undefined, 1000);\n';

/** Runs bench/run.js's command over `benchDir` in a child process; resolves with its exit code and output. */
function runBenches(benchDir: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const script = `require(${JSON.stringify(path.join(__dirname, 'run.js'))}).cli([], ${JSON.stringify({ benchDir, resultsDir: path.join(benchDir, 'results'), page: path.join(benchDir, 'page.md') })});`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('bench/run.js', () => {
  it('prints the failure and exits 1 when a bench fails, though the bench left the event loop busy', async () => {
    const dir = tempDir('pc-bench-run-');
    fs.writeFileSync(path.join(dir, 'broken.bench.js'), `${HOLDS_THE_LOOP}exports.run = async () => { throw new Error('the provider never answered'); };\n`);
    const r = await runBenches(dir);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bench broken.bench.js failed: the provider never answered');
    expect(fs.existsSync(path.join(dir, 'page.md'))).toBe(false);
  });

  it('writes the result and its table, then exits 0, when every bench passes with the event loop busy', async () => {
    const dir = tempDir('pc-bench-run-');
    const result = { name: 'tiny', title: 'Tiny', settings: { n: 1 }, rows: [{ case: 'a', ms: 1 }] };
    fs.writeFileSync(path.join(dir, 'tiny.bench.js'), `${HOLDS_THE_LOOP}exports.run = async () => (${JSON.stringify(result)});\n`);
    const r = await runBenches(dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| case | ms |');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'results', 'tiny.json'), 'utf8')).rows).toEqual(result.rows);
    expect(fs.readFileSync(path.join(dir, 'page.md'), 'utf8')).toContain('<!-- bench:tiny:start -->');
  });
});
