import childProcess = require('node:child_process');
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { runNativeVerifier, shareVerifierProcesses, startVerifierPool, type TrustStore } from './native';
import { parseVerifierResults } from './results';
import { tempDir } from '../../test-support/temp-dir';

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
    dir = tempDir('pc-native-');
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
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

  it('the empty trust store lives while a process started with it runs and is removed when the last one ends', async () => {
    const spawnSpy = jest.spyOn(childProcess, 'spawn');
    try {
      const trustFile = (): string => String((spawnSpy.mock.calls.at(-1)?.[2] as { env?: NodeJS.ProcessEnv } | undefined)?.env?.SSL_CERT_FILE);
      const single = await runNativeVerifier({ providerBaseUrl: url, pactUrls: [writePact(dir)], logLevel: 'error' }, () => undefined, 'empty');
      expect(single.json).toBeDefined();
      const first = trustFile();
      expect(path.basename(path.dirname(first))).toMatch(/^pc-no-certs-/);
      expect(fs.existsSync(first)).toBe(false);

      const pool = startVerifierPool(1, () => undefined, 'empty');
      pool.prestart();
      const pooled = trustFile();
      try {
        await pool.run({ providerBaseUrl: url, pactUrls: [writePact(dir)], logLevel: 'error' });
        expect(fs.readFileSync(pooled, 'utf8')).toBe('');
      } finally {
        await pool.close();
      }
      expect(fs.existsSync(path.dirname(pooled))).toBe(false);
    } finally {
      spawnSpy.mockRestore();
    }
  }, 60_000);

  describe('processes shared between pools (shareVerifierProcesses)', () => {
    const good = () => ({ providerBaseUrl: url, pactUrls: [writePact(dir)], logLevel: 'error' as const });
    const missing = (name: string) => ({ providerBaseUrl: url, pactUrls: [path.join(dir, name)], logLevel: 'error' as const });
    const spawned = () => spawnSpy.mock.calls.length;
    let spawnSpy: jest.SpiedFunction<typeof childProcess.spawn>;
    beforeEach(() => {
      spawnSpy = jest.spyOn(childProcess, 'spawn');
    });
    afterEach(() => {
      spawnSpy.mockRestore();
      delete process.env.PC_NATIVE_TEST_MARK;
    });

    it('a later pool reuses the idle process, with the same verdicts, and each pool receives only its own output', async () => {
      const shared = shareVerifierProcesses();
      try {
        const first: string[] = [];
        const a = startVerifierPool(1, (l) => first.push(l), 'empty');
        const broken = await a.run(missing('first-missing.json'));
        const verdict = parseVerifierResults((await a.run(good())).json);
        await a.close();
        expect(spawned()).toBe(1);

        const second: string[] = [];
        const b = startVerifierPool(1, (l) => second.push(l), 'empty');
        const again = parseVerifierResults((await b.run(good())).json);
        const brokenAgain = await b.run(missing('second-missing.json'));
        await b.close();
        expect(spawned()).toBe(1);

        expect(broken.error).toContain('first-missing.json');
        expect(brokenAgain.error).toContain('second-missing.json');
        expect(again.interactionResults).toEqual(verdict.interactionResults);
        expect(again.errors.map((e) => e.interaction)).toEqual([expect.stringContaining('get item 2')]);
        expect(first.some((l) => l.includes('first-missing.json'))).toBe(true);
        expect(second.some((l) => l.includes('second-missing.json'))).toBe(true);
        expect(first.some((l) => l.includes('second-missing.json'))).toBe(false);
        expect(second.some((l) => l.includes('first-missing.json'))).toBe(false);
        expect([...first, ...second].some((l) => l.includes('pc-verifier-flushed'))).toBe(false);
      } finally {
        await shared.close();
      }
    }, 60_000);

    it('starts a new process when the environment changed since the idle one started, and after sharing ends', async () => {
      const shared = shareVerifierProcesses();
      try {
        const a = startVerifierPool(1, () => undefined, 'empty');
        await a.run(good());
        await a.close();
        // pact's verifier reads its environment (filters among others): a process started before a change would not see it.
        process.env.PC_NATIVE_TEST_MARK = 'changed';
        const b = startVerifierPool(1, () => undefined, 'empty');
        expect(parseVerifierResults((await b.run(good())).json).interactionResults).toHaveLength(3);
        await b.close();
        expect(spawned()).toBe(2);
      } finally {
        await shared.close();
      }
      const c = startVerifierPool(1, () => undefined, 'empty');
      await c.run(good());
      await c.close();
      expect(spawned()).toBe(3);
    }, 60_000);

    it('a one-off verification reuses a process started with its trust store and log level, and an abort still kills it', async () => {
      const shared = shareVerifierProcesses();
      try {
        const lines: string[] = [];
        const first = await runNativeVerifier(missing('one-off-missing.json'), (l) => lines.push(l), 'system');
        const second = parseVerifierResults((await runNativeVerifier(good(), () => undefined, 'system')).json);
        expect(spawned()).toBe(1);
        expect(first.error).toContain('one-off-missing.json');
        expect(lines.some((l) => l.includes('one-off-missing.json'))).toBe(true);
        expect(second.errors.map((e) => e.interaction)).toEqual([expect.stringContaining('get item 2')]);
        await runNativeVerifier({ ...good(), logLevel: 'warn' }, () => undefined, 'system');
        expect(spawned()).toBe(2);

        // A provider that never answers: the run is aborted, its process killed, and the next run starts another.
        const hang = http.createServer(() => undefined);
        await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
        const abort = new AbortController();
        const hung = runNativeVerifier({ ...good(), providerBaseUrl: `http://127.0.0.1:${(hang.address() as AddressInfo).port}` }, () => undefined, 'system', abort.signal);
        setTimeout(() => abort.abort(), 200);
        expect((await hung).json).toBeUndefined();
        hang.closeAllConnections();
        await new Promise((r) => hang.close(r));
        const spawnedBefore = spawned();
        expect(parseVerifierResults((await runNativeVerifier(good(), () => undefined, 'system')).json).interactionResults).toHaveLength(3);
        expect(spawned()).toBe(spawnedBefore + 1);
      } finally {
        await shared.close();
      }
    }, 60_000);
  });
});
