'use strict';
/**
 * POST /v3/push through the reference service's gateway and dispatcher, side by side with a bare
 * node:http server answering a canned 200, in one run with autocannon. Each target runs in its own
 * process; autocannon runs here. Every answer must be a 200, or the run is not a measurement.
 */
const { spawn } = require('node:child_process');
const path = require('node:path');
const autocannon = require('autocannon');

const DURATION_S = Number(process.env.BENCH_DURATION_S || 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 32);
const WARMUP_S = 1;

const { basicAuth } = require('../dist/credentials');
const { DEMO_CREDENTIALS } = require('../dist/service');
const PUSH = JSON.stringify({ platform: 'all', audience: 'all', notification: { alert: 'bench' } });

function startTarget(kind) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'service-target.js'), kind], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve({ url: line.trim(), stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) });
    });
    child.once('exit', (code) => reject(new Error(`${kind} target exited with ${code} before listening`)));
  });
}

function load(url, seconds) {
  return autocannon({
    url: `${url}/v3/push`,
    method: 'POST',
    headers: { authorization: basicAuth(DEMO_CREDENTIALS), 'content-type': 'application/json' },
    body: PUSH,
    connections: CONNECTIONS,
    duration: seconds,
  });
}

async function measure(kind) {
  const target = await startTarget(kind);
  try {
    await load(target.url, WARMUP_S);
    const r = await load(target.url, DURATION_S);
    if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) {
      throw new Error(`${kind}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts: not a valid measurement`);
    }
    return {
      target: kind,
      requests: r.requests.total,
      rps: Math.round(r.requests.average),
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      maxMs: r.latency.max,
    };
  } finally {
    await target.stop();
  }
}

async function run() {
  const bare = await measure('bare');
  const service = await measure('service');
  return {
    name: 'service',
    title: 'Reference service: POST /v3/push through gateway and dispatcher vs a bare node:http 200',
    settings: { tool: `autocannon ${require('autocannon/package.json').version}`, connections: CONNECTIONS, durationSeconds: DURATION_S, warmupSeconds: WARMUP_S, node: process.version },
    rows: [bare, service],
    ratios: {
      throughput: Number((service.rps / bare.rps).toFixed(3)),
      p99Latency: Number((service.p99Ms / Math.max(bare.p99Ms, 1)).toFixed(2)),
    },
  };
}

module.exports = { run };
