/**
 * `push-contracts verify` end to end, in-process through the CLI entry (injected I/O): reports,
 * exit codes, filters, and robustness against providers that hang, lie about their body or are gone.
 */
process.env.PACT_DO_NOT_TRACK = 'true';
jest.setTimeout(60_000);

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { main } from '../src/cli/main';
import type { CliIO } from '../src/cli/io';
import { basicAuth, PLACEHOLDER_CREDENTIALS } from '../src/credentials';
import { PROVIDER_STATES_PATH, startReferenceService, type ReferenceService } from '../src/service';
import { exactly, generatedInteractions, pick, PACT_DIR } from './generated-pacts';
import { shareVerifierProcessesInThisFile } from '../test-support/shared-verifiers';
import { tempDir } from '../test-support/temp-dir';
import { refusedPort } from '../src/matrix/servers';

// The file's verifications reuse idle verifier processes instead of starting their own each.
shareVerifierProcessesInThisFile();

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(args: string[], env: Record<string, string | undefined> = {}, cwd = process.cwd()): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { PACT_DO_NOT_TRACK: 'true', ...env }, cwd };
  const code = await main(args, io);
  return { code, out, err };
}

const tmp = (): string => tempDir('pc-verify-');

/** A hand-written v4 pact with one interaction per entry. */
function writePact(dir: string, interactions: Array<{ description: string; state?: string; method: string; path: string; status: number; body?: unknown }>, consumer = 'hand'): string {
  const file = path.join(dir, `${consumer}-jpush-v3.json`);
  writeFileSync(file, JSON.stringify({
    consumer: { name: consumer },
    provider: { name: 'jpush-v3' },
    interactions: interactions.map((i) => ({
      type: 'Synchronous/HTTP',
      description: i.description,
      providerStates: i.state ? [{ name: i.state, params: {} }] : [],
      request: { method: i.method, path: i.path, headers: { Authorization: [basicAuth(PLACEHOLDER_CREDENTIALS)] } },
      response: { status: i.status, ...(i.body !== undefined ? { headers: { 'Content-Type': ['application/json'] }, body: { content: i.body, contentType: 'application/json', encoded: false } } : {}) },
    })),
    metadata: { pactSpecification: { version: '4.0' } },
  }));
  return file;
}

async function rawProvider(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe('push-contracts verify', () => {
  const interactions = generatedInteractions();
  const push200 = pick(interactions, { api: 'jpush-v3', endpoint: 'push', status: 200 });
  const push401 = pick(interactions, { api: 'jpush-v3', endpoint: 'push', status: 401 });

  describe('against the embedded reference service', () => {
    it('verifies the filtered pacts, exits 0 and writes JUnit per consumer, HTML matrix and JSON', async () => {
      const dir = tmp();
      const description = `/^(${[push200, push401].map((i) => exactly(i.description).slice(2, -2)).join('|')})$/`;
      const run = await cli(['verify', '--pact-dir', PACT_DIR, '--description', description, '--junit', path.join(dir, 'junit'), '--html', path.join(dir, 'm.html'), '--json', path.join(dir, 'v.json')]);
      expect(run.err).toContain('started the embedded reference service');
      expect(run.code).toBe(0);
      expect(run.out).toMatch(/push-contracts-reference-client\s+jpush-v3\s+2\s+2\s+0\s+0\s+0/);
      expect(run.out).toContain('PASS: 2 case(s), 0 failed');
      const junit = readdirSync(path.join(dir, 'junit'));
      expect(junit).toEqual([`${push200.consumer}.xml`]);
      const xml = readFileSync(path.join(dir, 'junit', junit[0]), 'utf8');
      expect(xml.match(/<testcase /g)).toHaveLength(2);
      expect(xml).not.toContain('<failure');
      const json = JSON.parse(readFileSync(path.join(dir, 'v.json'), 'utf8')) as { passed: boolean; cases: Array<{ status: { actual: number } }> };
      expect(json.passed).toBe(true);
      expect(json.cases.map((c) => c.status.actual).sort()).toEqual([200, 401]);
      const html = readFileSync(path.join(dir, 'm.html'), 'utf8');
      expect(html).toMatch(/<td>push<\/td><td>POST<\/td><td>\/v3\/push<\/td><td class="cell verified"[^>]*><a class="cell-link" href="#case-\d+"[^>]*>✔<\/a><\/td><td class="cell not-covered"[^>]*>·<\/td><td class="cell verified"/);
    });
  });

  it('reads a pact from an http(s) URL, naming it when it is malformed', async () => {
    const good = JSON.parse(readFileSync(writePact(tmp(), [{ description: 'retired v2 push', method: 'POST', path: '/v2/push', status: 410 }]), 'utf8')) as unknown;
    const server = await rawProvider((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(req.url === '/good.json' ? JSON.stringify(good) : '{"consumer":');
    });
    const service = await startReferenceService({ enableProviderStates: true });
    try {
      const ok = await cli(['verify', '--pact-url', `${server.url}/good.json`, '--provider-base-url', service.url], { PUSH_APP_KEY: 'k', PUSH_MASTER_SECRET: 's' });
      expect(ok.out).toContain('PASS: 1 case(s), 0 failed');
      const bad = await cli(['verify', '--pact-url', `${server.url}/bad.json`, '--provider-base-url', service.url], { PUSH_APP_KEY: 'k', PUSH_MASTER_SECRET: 's' });
      expect(bad.code).toBe(2);
      expect(bad.err).toContain(`PC_ERR_PACT_MALFORMED: ${server.url}/bad.json: not valid JSON`);
    } finally {
      await service.close();
      await server.close();
    }
  });

  it('verifies several --pact-url files and writes one JUnit file per consumer', async () => {
    const dir = tmp();
    const a = writePact(dir, [{ description: 'retired v2 push', method: 'POST', path: '/v2/push', status: 410 }], 'app-a');
    const b = writePact(dir, [{ description: 'retired v2 push too', method: 'POST', path: '/v2/push', status: 410 }], 'app-b');
    const run = await cli(['verify', '--pact-url', a, b, '--junit', path.join(dir, 'junit.xml')]);
    expect(run.code).toBe(0);
    expect(readdirSync(dir).filter((f) => f.startsWith('junit')).sort()).toEqual(['junit.app-a.xml', 'junit.app-b.xml']);
    expect(readFileSync(path.join(dir, 'junit.app-b.xml'), 'utf8')).toContain('name="retired v2 push too"');
  });

  describe('usage and infrastructure errors exit 2 with one clear line', () => {
    it('refuses an unknown flag', async () => {
      const run = await cli(['verify', '--no-such-flag']);
      expect(run.code).toBe(2);
      expect(run.err).toContain("unknown option '--no-such-flag'");
    });

    it('names a malformed pact file', async () => {
      const dir = tmp();
      writeFileSync(path.join(dir, 'broken.json'), '{"consumer": {"name": "x"}, "provider": ');
      const run = await cli(['verify', '--pact-dir', dir, '--provider-base-url', 'http://127.0.0.1:9']);
      expect(run.code).toBe(2);
      expect(run.err.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^push-contracts: PC_ERR_PACT_MALFORMED: ${path.join(dir, 'broken.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid JSON`))]);
    });

    it('says so when the provider is unreachable', async () => {
      const gone = { url: `http://127.0.0.1:${await refusedPort()}` };
      const dir = tmp();
      writePact(dir, [{ description: 'tags', method: 'GET', path: '/v3/tags', status: 200 }]);
      const run = await cli(['verify', '--pact-dir', dir, '--provider-base-url', gone.url], { PUSH_APP_KEY: 'k', PUSH_MASTER_SECRET: 's' });
      expect(run.code).toBe(2);
      expect(run.err).toContain(`push-contracts: PC_ERR_PROVIDER_UNREACHABLE: provider ${gone.url} unreachable: ECONNREFUSED`);
    });

    it('fails a hanging provider within --timeout', async () => {
      const hanging = await rawProvider(() => undefined);
      const dir = tmp();
      writePact(dir, [{ description: 'tags', method: 'GET', path: '/v3/tags', status: 200 }]);
      const t0 = Date.now();
      const run = await cli(['verify', '--pact-dir', dir, '--provider-base-url', hanging.url, '--timeout', '300'], { PUSH_APP_KEY: 'k', PUSH_MASTER_SECRET: 's' });
      await hanging.close();
      expect(Date.now() - t0).toBeLessThan(6000);
      expect(run.code).toBe(2);
      expect(run.err).toContain('push-contracts: PC_ERR_PROVIDER_TIMEOUT: provider did not answer GET /v3/tags within 300 ms');
    });

    it('asks for credentials before sending placeholders to a real provider', async () => {
      const dir = tmp();
      writePact(dir, [{ description: 'tags', method: 'GET', path: '/v3/tags', status: 200 }]);
      const run = await cli(['verify', '--pact-dir', dir, '--provider-base-url', 'http://127.0.0.1:9'], { PUSH_APP_KEY: undefined, PUSH_MASTER_SECRET: undefined });
      expect(run.code).toBe(2);
      expect(run.err).toContain('PC_ERR_CREDENTIALS_MISSING');
    });

    it('refuses a malformed --timeout', async () => {
      const run = await cli(['verify', '--timeout', 'soon']);
      expect(run).toMatchObject({ code: 2, err: "push-contracts: PC_ERR_USAGE: --timeout must be a positive number of milliseconds, got 'soon'\n" });
    });
  });

  describe('providers that answer badly fail the run (exit 1) with a clear mismatch', () => {
    it('reports a non-JSON error body as the envelope rule and a pact mismatch', async () => {
      const provider = await rawProvider((_req, res) => {
        res.writeHead(400, { 'content-type': 'text/html' }).end('<html>Bad Request</html>');
      });
      const dir = tmp();
      writePact(dir, [{ description: 'push without platform', method: 'POST', path: '/v3/push', status: 400, body: { error: { code: 1003, message: 'x' } } }]);
      const run = await cli(['verify', '--pact-dir', dir, '--provider-base-url', provider.url, '--json', path.join(dir, 'v.json')], { PUSH_APP_KEY: 'k', PUSH_MASTER_SECRET: 's' });
      await provider.close();
      expect(run.code).toBe(1);
      expect(run.out).toContain('ERROR response.envelope.invalid: 400 carries a non-JSON body ("<html>Bad Request</html>") instead of the jpush-v3 error envelope');
      expect(run.out).toContain('ERROR response.content-type.not-json');
      expect(run.out).toMatch(/PACT .*(content type|application\/json)/i);
    });

    it('reports a truncated body as truncated', async () => {
      const provider = await rawProvider((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
        res.write('{"sendno":"0",');
        setTimeout(() => res.socket?.destroy(), 20);
      });
      const dir = tmp();
      writePact(dir, [{ description: 'push ok', method: 'POST', path: '/v3/push', status: 200, body: { sendno: '0', msg_id: '1' } }]);
      const run = await cli(['verify', '--pact-dir', dir, '--provider-base-url', provider.url], { PUSH_APP_KEY: 'k', PUSH_MASTER_SECRET: 's' });
      await provider.close();
      expect(run.code).toBe(1);
      expect(run.out).toMatch(/ERROR response body truncated: the connection (closed|was aborted) after 14 byte\(s\) of the 200 declared in Content-Length/);
      expect(run.out).toContain('response.body.success-schema: 200 body of push is not JSON');
    });
  });

  describe('provider states', () => {
    let service: ReferenceService;
    beforeAll(async () => {
      service = await startReferenceService({ enableProviderStates: true });
    });
    afterAll(async () => {
      await service.close();
    });

    it('fails the run naming a state the provider could not set up', async () => {
      const dir = tmp();
      writePact(dir, [{ description: 'needs a state nobody knows', state: 'a unicorn exists', method: 'GET', path: '/v3/tags', status: 200 }]);
      const run = await cli(['verify', '--pact-dir', dir, '--provider-base-url', service.url, '--provider-states-setup-url', service.url + PROVIDER_STATES_PATH], { PUSH_APP_KEY: 'k', PUSH_MASTER_SECRET: 's' });
      expect(run.code).toBe(1);
      expect(run.out).toMatch(/ERROR provider state 'a unicorn exists' setup failed: setup URL answered 400: .*PC_ERR_STATE_SETUP_FAILED/);
    });
  });
});
