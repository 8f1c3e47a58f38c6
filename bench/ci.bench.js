'use strict';
/**
 * What CI pays: `npm ci && npm test` on a clean clone of the committed HEAD (uncommitted changes are not in
 * it), with CI=true, step by step; the install is .ci/run's own `npm ci` line. The steps are the `&&` parts of package.json's `test` script, run one by
 * one as `npm test` runs them, so a change to the script is measured as it is. Wall time and, where
 * /usr/bin/time exists, the CPU time of each step (user + system, children included): on 2 cores a step
 * cannot take less wall time than half its CPU time, so the CPU column says how far waiting is left to remove.
 *
 * CI_BENCH_BASELINE=<git rev> also measures that commit, in the same run, right after (side by side).
 * Slow by nature (a full install and test run per commit): `npm run bench ci` runs it alone.
 */
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const TIME = '/usr/bin/time';

function step(name, command, cwd, tmp) {
  // As npm runs a script: the project's node_modules/.bin first on PATH. TMPDIR of the commit's own, so
  // jest's caches (under os.tmpdir()) start cold as on a CI machine and one commit's do not serve another.
  const env = { ...process.env, CI: 'true', PACT_DO_NOT_TRACK: 'true', TMPDIR: tmp, PATH: `${path.join(cwd, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}` };
  const timed = fs.existsSync(TIME);
  const started = process.hrtime.bigint();
  const r = timed
    ? spawnSync(TIME, ['-f', 'CPU %U %S', 'sh', '-c', command], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
    : spawnSync('sh', ['-c', command], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = timed ? /CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? '') : null;
  return { name, command, exit: r.status, wallS, cpuS: cpu ? Number(cpu[1]) + Number(cpu[2]) : undefined };
}

function measure(rev) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-ci-bench-'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-ci-bench-tmp-'));
  try {
    execFileSync('git', ['clone', '--quiet', ROOT, dir]);
    execFileSync('git', ['checkout', '--quiet', rev], { cwd: dir });
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
    const scripts = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).scripts;
    // npm runs pre<script> first: a pretest (older commits) is a step of its own.
    const parts = [...(scripts.pretest ? [scripts.pretest] : []), ...scripts.test.split('&&').map((s) => s.trim())];
    // The install as .ci/run makes it (its `npm ci` line), else plain `npm ci`.
    const ciRun = path.join(dir, '.ci', 'run');
    const install = (fs.existsSync(ciRun) && /^npm ci\b.*$/m.exec(fs.readFileSync(ciRun, 'utf8'))?.[0]) || 'npm ci';
    const steps = [step(install, install, dir, tmp)];
    for (const part of parts) {
      if (steps.some((s) => s.exit !== 0)) break;
      steps.push(step(part.replace(/^npm run /, ''), part, dir, tmp));
    }
    return { commit, steps };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function rows(label, { commit, steps }) {
  const total = { wallS: steps.reduce((a, s) => a + s.wallS, 0), cpuS: steps.every((s) => s.cpuS !== undefined) ? steps.reduce((a, s) => a + s.cpuS, 0) : undefined };
  const failed = steps.find((s) => s.exit !== 0);
  return [
    ...steps.map((s) => ({ commit: `${label} ${commit}`, step: `\`${s.name}\``, 'wall s': s.wallS.toFixed(1), 'CPU s': s.cpuS === undefined ? '-' : s.cpuS.toFixed(1), exit: s.exit })),
    { commit: `${label} ${commit}`, step: failed ? `**total (stopped: \`${failed.name}\` failed)**` : '**total**', 'wall s': `**${total.wallS.toFixed(1)}**`, 'CPU s': total.cpuS === undefined ? '-' : total.cpuS.toFixed(1), exit: failed ? failed.exit : 0 },
  ];
}

async function run() {
  const load = os.loadavg()[0].toFixed(1);
  const head = measure('HEAD');
  const baselineRev = process.env.CI_BENCH_BASELINE;
  const baseline = baselineRev ? measure(baselineRev) : undefined;
  const total = (m) => m.steps.reduce((a, s) => a + s.wallS, 0);
  return {
    name: 'ci',
    title: 'CI: `npm ci && npm test` on a clean clone (issue #12 item 7, goal ≤ 90 s on 2 cores)',
    settings: { 'load average before': load, node: process.version },
    rows: [...rows('HEAD', head), ...(baseline ? rows('baseline', baseline) : [])],
    ratios: { 'total wall s': total(head).toFixed(1), ...(baseline ? { 'HEAD ÷ baseline': (total(head) / total(baseline)).toFixed(2) } : {}) },
  };
}

module.exports = { run };
