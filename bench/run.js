'use strict';
/**
 * Runs every bench/*.bench.js (and .ts through ts-node) one after another, writes each result to
 * bench/results/<name>.json and its table into docs/benchmarks.md, between markers of its own, so
 * benchmarks of different parts keep their own sections. Run with `npm run bench` (builds dist/ first).
 * A benchmark module exports `run()` resolving to { name, title, settings, rows: [{...}], ratios? }.
 */
const fs = require('node:fs');
const path = require('node:path');

const BENCH_DIR = __dirname;
const RESULTS_DIR = path.join(BENCH_DIR, 'results');
const PAGE = path.join(BENCH_DIR, '..', 'docs', 'benchmarks.md');
// Where the benches, their results and the page are; a test points them at a directory of its own.
const DEFAULT_DIRS = { benchDir: BENCH_DIR, resultsDir: RESULTS_DIR, page: PAGE };
const HEADER = `# Benchmarks

Measured by \`npm run bench\` (bench/run.js runs every bench/*.bench.js|ts; raw numbers in bench/results/; it exits 1,
after printing each failure, when a bench failed, 0 otherwise).
Numbers are from one run on the machine named in each section; compare ratios, not absolute values.
`;

function table(rows) {
  const cols = Object.keys(rows[0]);
  return [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${cols.map((c) => String(r[c])).join(' | ')} |`)].join('\n');
}

function section(result, when) {
  const lines = [`<!-- bench:${result.name}:start -->`, `## ${result.title}`, ''];
  lines.push(`Run ${when} on ${process.platform}/${process.arch}, ${require('node:os').cpus().length} CPU, ${Object.entries(result.settings || {}).map(([k, v]) => `${k} ${v}`).join(', ')}.`, '');
  lines.push(table(result.rows), '');
  if (result.ratios) lines.push(`Ratios: ${Object.entries(result.ratios).map(([k, v]) => `${k} **${v}**`).join(', ')}.`, '');
  lines.push(`<!-- bench:${result.name}:end -->`);
  return lines.join('\n');
}

function writePage(result, when, pageFile = PAGE) {
  let page = fs.existsSync(pageFile) ? fs.readFileSync(pageFile, 'utf8') : HEADER;
  const start = `<!-- bench:${result.name}:start -->`;
  const end = `<!-- bench:${result.name}:end -->`;
  const text = section(result, when);
  const i = page.indexOf(start);
  const j = page.indexOf(end);
  page = i >= 0 && j > i ? page.slice(0, i) + text + page.slice(j + end.length) : `${page.trimEnd()}\n\n${text}\n`;
  fs.writeFileSync(pageFile, page);
}

/** Runs the benches named by `only` (all when empty) one after another; resolves with how many failed. */
async function main(only = [], dirs = DEFAULT_DIRS) {
  const { benchDir, resultsDir, page } = dirs;
  const files = fs.readdirSync(benchDir).filter((f) => /\.bench\.(js|ts)$/.test(f)).filter((f) => only.length === 0 || only.some((o) => f.startsWith(o))).sort();
  if (files.some((f) => f.endsWith('.ts'))) require('ts-node').register({ transpileOnly: true });
  fs.mkdirSync(resultsDir, { recursive: true });
  let failed = 0;
  for (const f of files) {
    process.stdout.write(`bench ${f} ...\n`);
    try {
      const result = await require(path.join(benchDir, f)).run();
      const when = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
      fs.writeFileSync(path.join(resultsDir, `${result.name}.json`), `${JSON.stringify({ ...result, when }, null, 2)}\n`);
      writePage(result, when, page);
      process.stdout.write(`${table(result.rows)}\n${result.ratios ? JSON.stringify(result.ratios) + '\n' : ''}`);
    } catch (err) {
      failed++;
      process.stderr.write(`bench ${f} failed: ${err && err.message ? err.message : err}\n`);
    }
  }
  return failed;
}

/**
 * The command: runs the benches, then exits 1 when one failed, 0 otherwise. It exits explicitly because a
 * bench that loads pact-core in-process (the verify bench) leaves native handles that keep the event loop
 * alive after a failure, so setting process.exitCode left the process running (issue #12).
 */
async function cli(argv = process.argv.slice(2), dirs = DEFAULT_DIRS) {
  let code;
  try {
    code = (await main(argv, dirs)) > 0 ? 1 : 0;
  } catch (err) {
    process.stderr.write(`bench failed: ${err && err.message ? err.message : err}\n`);
    code = 1;
  }
  // Exit once what was written has reached the pipes, so a piped run loses no line.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

if (require.main === module) cli();
module.exports = { writePage, table, main, cli };
