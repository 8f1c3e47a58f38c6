'use strict';
/**
 * POST /v3/push through the reference service's gateway and dispatcher, side by side with a bare
 * node:http server answering a canned 200, and with Fastify alone answering the same 200 (the floor of
 * any Fastify gateway), with autocannon. Each target runs in its own process for the whole run;
 * autocannon runs here. They are loaded in alternating rounds (bare, fastify, service, bare, ...) so that
 * a change in the machine's load hits all of them, and the ratios are the medians of the rounds' ratios. Besides throughput and p99 it reports the CPU time each target spent per request
 * (less sensitive to other processes on the machine than throughput).
 *
 * Then bare and service alternate with one connection, one request at a time, as the tests, the probe and
 * the verifier drive the service: the CPU per request of each, nothing batched (cpuPerRequestSequential).
 *
 * A last phase measures what the embedded service's dispatcher deadline must cover: the durations of
 * healthy gateway->dispatcher hops while requests come one at a time (as the verifier sends them) and
 * two busy-looping processes keep both cores of a 2-core CI machine saturated, and during the
 * 32-connection rounds. Every answer must be a 200, or the run is not a measurement.
 */
const { spawn } = require('node:child_process');
const path = require('node:path');
const autocannon = require('autocannon');

const DURATION_S = Number(process.env.BENCH_DURATION_S || 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const HOP_S = Number(process.env.BENCH_HOP_S || 10);
// One request at a time, as the tests, the probe and the verifier send them: nothing batched, so every
// request pays its hop's writes and reads (docs/benchmarks.md, "CPU per request").
const SEQ_ROUNDS = Number(process.env.BENCH_SEQ_ROUNDS || 3);
const SEQ_S = Number(process.env.BENCH_SEQ_S || 3);
const BURNERS = 2;
const WARMUP_S = 1;

const { basicAuth } = require('../dist/credentials');
const { DEMO_CREDENTIALS } = require('../dist/service');
const PUSH = JSON.stringify({ platform: 'all', audience: 'all', notification: { alert: 'bench' } });

function startTarget(kind) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'service-target.js'), kind], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    const waiting = [];
    const early = (code) => reject(new Error(`${kind} target exited with ${code} before listening`));
    child.once('exit', early);
    child.stdout.on('data', (d) => {
      out += d;
      let nl;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl).trim();
        out = out.slice(nl + 1);
        if (line.startsWith('http')) {
          child.off('exit', early);
          resolve({
            kind,
            url: line,
            /** CPU ms and hop durations since the previous call. */
            stats: () => new Promise((r) => { waiting.push(r); child.stdin.write('stats\n'); }),
            stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }),
          });
        } else if (line) waiting.shift()?.(JSON.parse(line));
      }
    });
  });
}

function load(url, seconds, connections) {
  return autocannon({
    url: `${url}/v3/push`,
    method: 'POST',
    headers: { authorization: basicAuth(DEMO_CREDENTIALS), 'content-type': 'application/json' },
    body: PUSH,
    connections,
    duration: seconds,
  });
}

async function measure(target, seconds, connections) {
  await target.stats();
  const r = await load(target.url, seconds, connections);
  const s = await target.stats();
  if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) {
    throw new Error(`${target.kind}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts: not a valid measurement`);
  }
  const answered = r.requests.total;
  return { requests: answered, rps: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, maxMs: r.latency.max, cpuUsPerRequest: (s.cpuMs * 1000) / answered, hops: s.hopsMs };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function quantile(sorted, q) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

const r1 = (x) => Number(x.toFixed(1));
const r2 = (x) => Number(x.toFixed(2));

function hopColumns(hops) {
  if (!hops) return { hops: '-', hopP50Ms: '-', hopP99Ms: '-', hopP999Ms: '-', hopMaxMs: '-' };
  const s = [...hops].sort((a, b) => a - b);
  return { hops: s.length, hopP50Ms: r2(quantile(s, 0.5)), hopP99Ms: r2(quantile(s, 0.99)), hopP999Ms: r2(quantile(s, 0.999)), hopMaxMs: r2(s[s.length - 1]) };
}

function row(round, target, m, connections) {
  return { round, target, connections, requests: m.requests, rps: Math.round(m.rps), p50Ms: m.p50Ms, p99Ms: m.p99Ms, maxMs: m.maxMs, cpuUsPerRequest: r1(m.cpuUsPerRequest), ...hopColumns(target === 'service' ? m.hops : undefined) };
}

/** Busy loops, one per core, for the length of a phase: the CPU competition of a loaded CI machine. */
function burners(n) {
  const kids = Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  return () => Promise.all(kids.map((k) => new Promise((r) => { k.once('exit', r); k.kill('SIGKILL'); })));
}

/** The machine's 1-minute load average, so a reader can tell a quiet run from a busy one. */
const loadAverage = () => Number(require('node:os').loadavg()[0].toFixed(1));

async function run() {
  const loadBefore = loadAverage();
  const targets = [await startTarget('bare'), await startTarget('fastify'), await startTarget('service')];
  const [bareT, fastifyT, serviceT] = targets;
  const rows = [];
  const ratios = { throughput: [], p99Latency: [], cpuPerRequest: [], fastifyThroughput: [], fastifyCpuPerRequest: [], cpuPerRequestSequential: [] };
  const saturatedHops = [];
  let sequential;
  try {
    for (const t of targets) await load(t.url, WARMUP_S, CONNECTIONS);
    for (let round = 1; round <= ROUNDS; round++) {
      const bare = await measure(bareT, DURATION_S, CONNECTIONS);
      const fastify = await measure(fastifyT, DURATION_S, CONNECTIONS);
      const service = await measure(serviceT, DURATION_S, CONNECTIONS);
      rows.push(row(round, 'bare', bare, CONNECTIONS), row(round, 'fastify', fastify, CONNECTIONS), row(round, 'service', service, CONNECTIONS));
      ratios.fastifyThroughput.push(fastify.rps / bare.rps);
      ratios.fastifyCpuPerRequest.push(fastify.cpuUsPerRequest / bare.cpuUsPerRequest);
      ratios.throughput.push(service.rps / bare.rps);
      ratios.p99Latency.push(service.p99Ms / Math.max(bare.p99Ms, 1));
      ratios.cpuPerRequest.push(service.cpuUsPerRequest / bare.cpuUsPerRequest);
      saturatedHops.push(...service.hops);
    }
    for (let round = 1; round <= SEQ_ROUNDS; round++) {
      const bare = await measure(bareT, SEQ_S, 1);
      const service = await measure(serviceT, SEQ_S, 1);
      rows.push(row(`sequential ${round}`, 'bare', bare, 1), row(`sequential ${round}`, 'service', service, 1));
      ratios.cpuPerRequestSequential.push(service.cpuUsPerRequest / bare.cpuUsPerRequest);
    }
    // BENCH_HOP_S=0 leaves the phase out: a quicker run of the throughput rounds alone.
    if (HOP_S > 0) {
      const stopBurners = burners(BURNERS);
      try {
        sequential = await measure(serviceT, HOP_S, 1);
      } finally {
        await stopBurners();
      }
      rows.push(row(`sequential + ${BURNERS} busy loops`, 'service', sequential, 1));
    }
  } finally {
    await Promise.all(targets.map((t) => t.stop()));
  }
  const sat = hopColumns(saturatedHops);
  const seq = hopColumns(sequential?.hops);
  return {
    name: 'service',
    title: 'Reference service: POST /v3/push through gateway and dispatcher vs a bare node:http 200',
    settings: { tool: `autocannon ${require('autocannon/package.json').version}`, connections: CONNECTIONS, durationSeconds: DURATION_S, rounds: ROUNDS, warmupSeconds: WARMUP_S, sequentialRounds: SEQ_ROUNDS, sequentialRoundSeconds: SEQ_S, sequentialSeconds: HOP_S, node: process.version, 'load average before/after': `${loadBefore}/${loadAverage()}` },
    rows,
    ratios: {
      throughput: Number(median(ratios.throughput).toFixed(3)),
      p99Latency: r2(median(ratios.p99Latency)),
      cpuPerRequest: r2(median(ratios.cpuPerRequest)),
      fastifyAloneThroughput: Number(median(ratios.fastifyThroughput).toFixed(3)),
      fastifyAloneCpuPerRequest: r2(median(ratios.fastifyCpuPerRequest)),
      ...(ratios.cpuPerRequestSequential.length ? { cpuPerRequestSequential: r2(median(ratios.cpuPerRequestSequential)) } : {}),
      hopP999MsSequentialLoaded: seq.hopP999Ms,
      hopMaxMsSequentialLoaded: seq.hopMaxMs,
      hopP999MsSaturated: sat.hopP999Ms,
      hopMaxMsSaturated: sat.hopMaxMs,
    },
  };
}

module.exports = { run };
