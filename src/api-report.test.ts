/**
 * The public surface is deliberate: each entry point of package.json "exports" stays small, its names
 * are the ones api/push-contracts.api.md lists, and the built package resolves them by subpath.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { apiSurface, renderReport, REPORT_FILE, type EntrySurface } from '../scripts/api-report';
import { tempDir } from '../test-support/temp-dir';

const ROOT = path.resolve(__dirname, '..');
let surface: EntrySurface[];

beforeAll(() => {
  surface = apiSurface();
}, 120_000);

describe('the API report', () => {
  it('is what the entry points export now (run `npm run api:report` and commit it when a change is meant)', () => {
    const checkedIn = fs.existsSync(REPORT_FILE) ? fs.readFileSync(REPORT_FILE, 'utf8') : '(missing)';
    expect(renderReport(surface)).toBe(checkedIn);
  });

  it('has one entry per user: the root for consumer teams, provider, broker, contracts, matrix and openapi, none over 40 names', () => {
    expect(surface.map((e) => e.subpath)).toEqual([
      'push-contracts', 'push-contracts/provider', 'push-contracts/broker', 'push-contracts/contracts', 'push-contracts/matrix', 'push-contracts/openapi',
    ]);
    for (const e of surface) expect({ entry: e.subpath, count: e.names.length, over: e.names.length > 40 }).toMatchObject({ over: false });
  });

  it('gives consumer teams the builders, the client, the errors and the credential helpers, and no internals', () => {
    const root = surface[0].names.map((n) => n.name);
    expect(root).toEqual(expect.arrayContaining(['pushPact', 'PushClient', 'PushApiError', 'PushContractsError', 'PLACEHOLDER_CREDENTIALS', 'credentialsFromEnv']));
    for (const internal of ['toRustRegex', 'planCell', 'renderOffence', 'startRecorder', 'verifyProvider', 'publishPacts']) expect(root).not.toContain(internal);
  });
});

describe('the built package, required by subpath as a dependent project does', () => {
  let project: string;
  // What one dependent process saw: each entry point's run-time names, the provider entry's functions at
  // work, and what a deep import of an internal module gave. One node start and one load of dist/ for all
  // three tests: each cost as much as the rest of the test, and resolution by subpath does not depend on
  // what the process loaded before (the module cache is keyed by the file a specifier resolves to).
  let seen: { runtime: string[][]; provider: string; deep: string };

  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'entry', 'provider.js'))) throw new Error('dist/ is not built: run `npm run build` (npm test does it first)');
    project = tempDir('pc-dependent-');
    fs.mkdirSync(path.join(project, 'node_modules'));
    fs.symlinkSync(ROOT, path.join(project, 'node_modules', 'push-contracts'), 'dir');
    const subpaths = JSON.stringify(surface.map((e) => e.subpath));
    const code = [
      `const runtime = ${subpaths}.map((s) => Object.keys(require(s)).sort());`,
      "const p = require('push-contracts/provider');",
      'const provider = [typeof p.verifyProvider, typeof p.audit, p.listRules().length > 0].join(\',\');',
      "let deep; try { require('push-contracts/dist/verifier/verify'); deep = 'resolved' } catch (e) { deep = e.code }",
      'process.stdout.write(JSON.stringify({ runtime, provider, deep }));',
    ].join('\n');
    seen = JSON.parse(execFileSync(process.execPath, ['-e', code], { cwd: project, encoding: 'utf8' })) as typeof seen;
  }, 60_000);


  it('resolves every entry point and exports at run time exactly the values its report lists', () => {
    for (const [i, e] of surface.entries()) {
      expect({ entry: e.subpath, names: seen.runtime[i] }).toEqual({ entry: e.subpath, names: e.names.filter((n) => n.value).map((n) => n.name).sort() });
    }
  });

  it("require('push-contracts/provider') gives working functions", () => {
    expect(seen.provider).toBe('function,function,true');
  });

  it('refuses a deep import of an internal module', () => {
    expect(seen.deep).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});

describe('the published file list (npm pack)', () => {
  let files: string[];

  beforeAll(() => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as { files: { path: string }[] }[];
    files = pack.files.map((f) => f.path);
  }, 60_000);

  it('ships every file package.json "exports" and "bin" point at', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown>; bin: Record<string, string> };
    const targetsOf = (v: unknown): string[] => (typeof v === 'string' ? [v.replace(/^\.\//, '')] : Object.values(v as object).flatMap(targetsOf));
    const targets = targetsOf(pkg.exports);
    for (const t of [...targets, ...Object.values(pkg.bin).map((b) => b.replace(/^\.\//, ''))]) expect({ target: t, shipped: files.includes(t) }).toEqual({ target: t, shipped: true });
  });

  it("ships no TypeScript build state (tsc -b's .tsbuildinfo files live in dist/ but mean nothing to a dependent)", () => {
    expect(files.filter((f) => f.endsWith('.tsbuildinfo'))).toEqual([]);
  });

  it("ships none of the tests' own JavaScript (tsc -b emits it into dist/tests/ for jest, test-support/ts-emit.js)", () => {
    expect(fs.existsSync(path.join(ROOT, 'dist', 'tests'))).toBe(true); // there to be left out
    expect(files.filter((f) => f.startsWith('dist/tests/'))).toEqual([]);
  });
});
