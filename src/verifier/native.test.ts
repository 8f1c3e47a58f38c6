import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runNativeVerifier, startVerifierPool, type TrustStore } from './native';
import { parseVerifierResults } from './results';

// A pact whose second interaction the provider breaks (it answers 200 where 201 is expected).
function writePact(dir: string): string {
  const interaction = (n: number, status: number) => ({
    description: `get item ${n}`,
    request: { method: 'GET', path: `/items/${n}` },
    response: { status, headers: { 'Content-Type': 'application/json' }, body: { ok: true } },
  });
  const file = path.join(dir, 'c-p.json');
  fs.writeFileSync(file, JSON.stringify({
    consumer: { name: 'c' }, provider: { name: 'p' },
    interactions: [interaction(1, 200), interaction(2, 201), interaction(3, 200)],
    metadata: { pactSpecification: { version: '3.0.0' } },
  }));
  return file;
}

describe('the verifier child with an empty trust store', () => {
  let server: http.Server;
  let url: string;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-native-'));
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const verify = async (trustStore: TrustStore) => {
    const run = await runNativeVerifier({ providerBaseUrl: url, pactUrls: [writePact(dir)], logLevel: 'error' }, () => undefined, trustStore);
    return parseVerifierResults(run.json);
  };

  it('reaches the same verdicts over plain loopback HTTP as with the system store', async () => {
    const empty = await verify('empty');
    const system = await verify('system');
    expect(empty.parsed).toBe(true);
    expect(empty.result).toBe(false);
    expect(empty.errors.map((e) => e.interaction)).toEqual([expect.stringContaining('get item 2')]);
    expect(empty.interactionResults).toEqual(system.interactionResults);
    expect(empty.errors.map((e) => e.interaction)).toEqual(system.errors.map((e) => e.interaction));
  }, 60_000);

  it('a pool process (started ahead, pact-core\'s pretty logger left out) gives the same verdicts as a one-off child, and pact-core\'s error lines still reach the output', async () => {
    const lines: string[] = [];
    const pool = startVerifierPool(2, (l) => lines.push(l), 'empty');
    pool.prestart();
    pool.limit(1);
    try {
      const [a, b] = await Promise.all([
        pool.run({ providerBaseUrl: url, pactUrls: [writePact(dir)], logLevel: 'error' }),
        pool.run({ providerBaseUrl: url, pactUrls: [path.join(dir, 'missing.json')], logLevel: 'error' }),
      ]);
      const single = await verify('empty');
      const pooled = parseVerifierResults(a.json);
      expect(pooled.interactionResults).toEqual(single.interactionResults);
      expect(pooled.errors.map((e) => e.interaction)).toEqual([expect.stringContaining('get item 2')]);
      expect(b.error).toContain('missing.json');
      expect(lines.some((l) => /^ERROR: .*missing\.json/.test(l))).toBe(true);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
