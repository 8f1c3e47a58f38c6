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
const HEADER = `# Benchmarks

Measured by \`npm run bench\` (bench/run.js runs every bench/*.bench.js|ts; raw numbers in bench/results/).
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

function writePage(result, when) {
  let page = fs.existsSync(PAGE) ? fs.readFileSync(PAGE, 'utf8') : HEADER;
  const start = `<!-- bench:${result.name}:start -->`;
  const end = `<!-- bench:${result.name}:end -->`;
  const text = section(result, when);
  const i = page.indexOf(start);
  const j = page.indexOf(end);
  page = i >= 0 && j > i ? page.slice(0, i) + text + page.slice(j + end.length) : `${page.trimEnd()}\n\n${text}\n`;
  fs.writeFileSync(PAGE, page);
}

async function main() {
  const only = process.argv.slice(2);
  const files = fs.readdirSync(BENCH_DIR).filter((f) => /\.bench\.(js|ts)$/.test(f)).filter((f) => only.length === 0 || only.some((o) => f.startsWith(o))).sort();
  if (files.some((f) => f.endsWith('.ts'))) require('ts-node').register({ transpileOnly: true });
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  let failed = 0;
  for (const f of files) {
    process.stdout.write(`bench ${f} ...\n`);
    try {
      const result = await require(path.join(BENCH_DIR, f)).run();
      const when = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
      fs.writeFileSync(path.join(RESULTS_DIR, `${result.name}.json`), `${JSON.stringify({ ...result, when }, null, 2)}\n`);
      writePage(result, when);
      process.stdout.write(`${table(result.rows)}\n${result.ratios ? JSON.stringify(result.ratios) + '\n' : ''}`);
    } catch (err) {
      failed++;
      process.stderr.write(`bench ${f} failed: ${err && err.message ? err.message : err}\n`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

if (require.main === module) main();
module.exports = { writePage, table };
