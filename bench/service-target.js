'use strict';
// A benchmark target in its own process, so the load generator does not share its event loop:
// `bare` is a node:http server answering a canned push 200; `service` is the reference service
// (gateway and dispatcher), with a rate limit no run reaches. Prints the base URL, exits on SIGTERM.
const http = require('node:http');

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
    process.once('SIGTERM', () => server.close(() => process.exit(0)));
    return;
  }
  const { startReferenceService } = require('../dist/service');
  const svc = await startReferenceService({ limits: { rate: { limit: 1e9 } } });
  process.stdout.write(`${svc.url}\n`);
  process.once('SIGTERM', () => svc.close().then(() => process.exit(0)));
}

main(process.argv[2]).catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(2);
});
