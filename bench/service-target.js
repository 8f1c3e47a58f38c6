'use strict';
// A benchmark target in its own process, so the load generator does not share its event loop:
// `bare` is a node:http server answering a canned push 200; `fastify` is Fastify alone, configured as the
// gateway's server is (no logger, the same node:http timeouts, the body read as JSON), answering the same
// canned 200: the floor of any Fastify gateway; `service` is the reference service (gateway and
// dispatcher), with a rate limit no run reaches. Prints the base URL, exits on SIGTERM.
// A line `stats` on stdin is answered with one JSON line: the CPU time the process used since the last
// `stats` and, for the service, the durations of the gateway->dispatcher hops in that time, measured
// around the real DispatcherClient.dispatch (the bench reads them; the service itself records nothing).
const http = require('node:http');
const readline = require('node:readline');

let hops = [];
let cpu = process.cpuUsage();

function answerStats() {
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() !== 'stats') return;
    const used = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    const sample = hops;
    hops = [];
    process.stdout.write(`${JSON.stringify({ cpuMs: (used.user + used.system) / 1000, hopsMs: sample })}\n`);
  });
}

async function main(kind) {
  if (kind === 'bare') {
    const body = JSON.stringify({ sendno: '0', msg_id: '1828256757' });
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.stdout.write(`http://127.0.0.1:${server.address().port}\n`);
    answerStats();
    process.once('SIGTERM', () => server.close(() => process.exit(0)));
    return;
  }
  if (kind === 'fastify') {
    const Fastify = require('fastify');
    const body = JSON.stringify({ sendno: '0', msg_id: '1828256757' });
    const app = Fastify({
      logger: false,
      serverFactory: (handler) => http.createServer({ requestTimeout: 10_000, headersTimeout: 10_000, connectionsCheckingInterval: 1000 }, handler),
    });
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, raw, done) => done(null, JSON.parse(raw.toString('utf8'))));
    app.post('/v3/push', (_request, reply) => reply.code(200).type('application/json; charset=utf-8').send(body));
    await app.listen({ port: 0, host: '127.0.0.1' });
    process.stdout.write(`http://127.0.0.1:${app.server.address().port}\n`);
    answerStats();
    process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
    return;
  }
  const { DispatcherClient } = require('../dist/service/gateway/dispatcher-client.js');
  const dispatch = DispatcherClient.prototype.dispatch;
  DispatcherClient.prototype.dispatch = function timedDispatch(...args) {
    const started = process.hrtime.bigint();
    return dispatch.apply(this, args).finally(() => hops.push(Number(process.hrtime.bigint() - started) / 1e6));
  };
  const { startReferenceService } = require('../dist/service');
  const svc = await startReferenceService({ limits: { rate: { limit: 1e9 } } });
  process.stdout.write(`${svc.url}\n`);
  answerStats();
  process.once('SIGTERM', () => svc.close().then(() => process.exit(0)));
}

main(process.argv[2]).catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(2);
});
