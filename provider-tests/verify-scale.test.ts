/**
 * `verify` at scale, end to end over real HTTP: slices on several verifier processes keep every result
 * tied to its own interaction, a dead or hanging provider (or state URL) stops the run early, the whole
 * run is bounded by --max-duration, progress goes to stderr only, and --shard + merge-reports give the
 * reports one run would write.
 */
process.env.PACT_DO_NOT_TRACK = 'true';
jest.setTimeout(120_000);

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { main } from '../src/cli/main';
import type { CliIO } from '../src/cli/io';
import { shareVerifierProcessesInThisFile } from '../test-support/shared-verifiers';
import { tempDir } from '../test-support/temp-dir';

// The file's verifications reuse idle verifier processes instead of starting their own each.
shareVerifierProcessesInThisFile();

const tmp = (): string => tempDir('pc-scale-');
const ENV = { PUSH_APP_KEY: 'k', PUSH_MASTER_SECRET: 's' };

async function cli(args: string[], cwd = process.cwd()): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { PACT_DO_NOT_TRACK: 'true', ...ENV }, cwd };
  const code = await main(args, io);
  return { code, out, err };
}

interface Interaction {
  description: string;
  path: string;
  status: number;
  state?: string;
}

/** A v4 pact; GET <path> expecting <status>, no body. */
function writePact(dir: string, interactions: readonly Interaction[], consumer = 'scale'): void {
  writeFileSync(path.join(dir, `${consumer}-jpush-v3.json`), JSON.stringify({
    consumer: { name: consumer },
    provider: { name: 'jpush-v3' },
    interactions: interactions.map((i) => ({
      type: 'Synchronous/HTTP',
      description: i.description,
      providerStates: i.state ? [{ name: i.state }] : [],
      request: { method: 'GET', path: i.path },
      response: { status: i.status },
    })),
    metadata: { pactSpecification: { version: '4.0' } },
  }));
}

/** A provider on 127.0.0.1 that counts the requests it receives. */
async function provider(handler: http.RequestListener): Promise<{ url: string; requests: () => number; states: () => string[]; close(): Promise<void> }> {
  let requests = 0;
  const states: string[] = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/_states') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        states.push((JSON.parse(body) as { state: string }).state);
        handler(req, res);
      });
      return;
    }
    requests += 1;
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    states: () => states,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** Answers GET /s/<status>/<n> with <status>; the state URL with 200. */
const statusFromPath: http.RequestListener = (req, res) => {
  const status = req.url === '/_states' ? 200 : Number((req.url ?? '').split('/')[2]);
  res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
};

interface JsonCase { ref: { description: string }; status: { expected: number | null; actual: number | null }; pact: { outcome: string }; errors: string[]; verdict: string }
const casesOf = (file: string): JsonCase[] => (JSON.parse(readFileSync(file, 'utf8')) as { cases: JsonCase[] }).cases;

describe('verify over many slices and verifier processes', () => {
  it('ties every recorded response to its own interaction, with and without provider states', async () => {
    const p = await provider(statusFromPath);
    const dir = tmp();
    const statuses = [200, 400, 404, 403];
    // 130 interactions: stateless runs (sliced and run side by side) around a stateful block (alone).
    const interactions: Interaction[] = Array.from({ length: 130 }, (_, n) => ({
      description: `i${n}`, path: `/s/${statuses[n % 4]}/${n}`, status: statuses[n % 4], state: n >= 60 && n < 75 ? 'a device exists' : undefined,
    }));
    writePact(dir, interactions);
    const run = await cli(['verify', '--pact-dir', dir, '--provider-base-url', p.url, '--provider-states-setup-url', `${p.url}/_states`, '--json', path.join(dir, 'v.json'), '--rule', 'response.status.unknown']);
    await p.close();
    const cases = casesOf(path.join(dir, 'v.json'));
    expect(cases.map((c) => c.ref.description)).toEqual(interactions.map((i) => i.description));
    expect(cases.map((c) => c.status.actual)).toEqual(interactions.map((i) => i.status));
    expect(cases.every((c) => c.pact.outcome === 'passed' && c.verdict === 'passed')).toBe(true);
    expect(run.code).toBe(0);
    expect(p.requests()).toBe(130);
    // Setup and teardown for each of the 15 interactions with a state; none for the stateless ones.
    expect(p.states().filter((s) => s === 'a device exists')).toHaveLength(30);
    expect(p.states().filter((s) => s !== 'a device exists')).toEqual([]);
  });
});

describe('fail fast', () => {
  it('stops after 3 requests in a row get no answer, exit 2, one line naming the provider; the rest are not verified, never passed', async () => {
    const hanging = await provider(() => undefined);
    const dir = tmp();
    writePact(dir, Array.from({ length: 20 }, (_, n) => ({ description: `tags ${n}`, path: `/v3/tags/${n}`, status: 200 })));
    const run = await cli(['verify', '--pact-dir', dir, '--provider-base-url', hanging.url, '--timeout', '300', '--quiet', '--json', path.join(dir, 'v.json')]);
    const requests = hanging.requests();
    await hanging.close();
    expect(run.code).toBe(2);
    const lines = run.err.trim().split('\n').filter((l) => l.startsWith('push-contracts:'));
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^push-contracts: PC_ERR_PROVIDER_TIMEOUT: provider ${hanging.url} gave no answer to 3 requests in a row \\(last: provider did not answer GET /v3/tags/\\d+ within 300 ms\\); stopped with \\d+ of 20 interaction\\(s\\) replayed$`))]);
    expect(requests).toBeLessThan(20);
    const cases = casesOf(path.join(dir, 'v.json'));
    expect(cases).toHaveLength(20);
    expect(cases.filter((c) => c.verdict === 'passed')).toEqual([]);
    expect(cases.filter((c) => c.errors.some((e) => /not verified: the run stopped early/.test(e))).length).toBeGreaterThan(0);
  });

  it('stops after 3 state calls in a row get no answer from the state URL', async () => {
    const p = await provider((req, res) => {
      if (req.url !== '/_states') res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    const dir = tmp();
    writePact(dir, Array.from({ length: 12 }, (_, n) => ({ description: `tags ${n}`, path: `/v3/tags/${n}`, status: 200, state: 'a device exists' })));
    const run = await cli(['verify', '--pact-dir', dir, '--provider-base-url', p.url, '--provider-states-setup-url', `${p.url}/_states`, '--timeout', '300', '--quiet']);
    const stateCalls = p.states().length;
    await p.close();
    expect(run.code).toBe(2);
    expect(run.err).toMatch(new RegExp(`push-contracts: PC_ERR_PROVIDER_TIMEOUT: provider-state setup URL ${p.url}/_states gave no answer to 3 state calls in a row \\(last: provider-state setup URL did not answer POST /_states within 300 ms\\)`));
    expect(stateCalls).toBeLessThan(12);
  });

  it('bounds the whole run with --max-duration: exit 2, the interactions not replayed are reported as not verified', async () => {
    const slow = await provider((_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 150);
    });
    const dir = tmp();
    writePact(dir, Array.from({ length: 60 }, (_, n) => ({ description: `tags ${n}`, path: `/v3/tags/${n}`, status: 200 })));
    const run = await cli(['verify', '--pact-dir', dir, '--provider-base-url', slow.url, '--max-duration', '1500', '--quiet', '--json', path.join(dir, 'v.json')]);
    const requests = slow.requests();
    await slow.close();
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/push-contracts: PC_ERR_MAX_DURATION: verification of http:\/\/127\.0\.0\.1:\d+ stopped at --max-duration 1500 ms with \d+ of 60 interaction\(s\) replayed/);
    expect(requests).toBeLessThan(60);
    const cases = casesOf(path.join(dir, 'v.json'));
    expect(cases).toHaveLength(60);
    expect(cases.filter((c) => c.verdict === 'passed')).toEqual([]);
  });
});

describe('progress', () => {
  it('without a terminal, prints progress lines on stderr only, ending at done = total; --quiet prints none', async () => {
    const p = await provider(statusFromPath);
    const dir = tmp();
    writePact(dir, Array.from({ length: 40 }, (_, n) => ({ description: `i${n}`, path: `/s/200/${n}`, status: 200 })));
    const loud = await cli(['verify', '--pact-dir', dir, '--provider-base-url', p.url, '--rule', 'response.status.unknown']);
    const quiet = await cli(['verify', '--pact-dir', dir, '--provider-base-url', p.url, '--rule', 'response.status.unknown', '--quiet']);
    await p.close();
    expect(loud.code).toBe(0);
    const progress = loud.err.split('\n').filter((l) => l.startsWith('verifying: '));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThanOrEqual(12);
    expect(progress[progress.length - 1]).toMatch(/^verifying: 40\/40 interactions \(100%\), 0 failed, [\d.]+\/s$/);
    expect(loud.out).not.toContain('verifying: ');
    expect(quiet.err).not.toContain('verifying: ');
    expect(quiet.code).toBe(0);
  });
});

describe('--shard and merge-reports', () => {
  it('splits the interactions across jobs and merges their JSON into the reports of one run', async () => {
    const p = await provider(statusFromPath);
    const dir = tmp();
    const pacts = path.join(dir, 'pacts');
    mkdirSync(pacts);
    const interactions = Array.from({ length: 23 }, (_, n) => ({ description: `i${n}`, path: `/s/${n % 5 === 0 ? 404 : 200}/${n}`, status: 200 }));
    writePact(pacts, interactions);
    const single = await cli(['verify', '--pact-dir', pacts, '--provider-base-url', p.url, '--quiet', '--json', path.join(dir, 'single.json'), '--junit', path.join(dir, 'single-junit')]);
    const shards = [];
    for (const i of [1, 2, 3]) shards.push(await cli(['verify', '--pact-dir', pacts, '--provider-base-url', p.url, '--quiet', '--shard', `${i}/3`, '--json', path.join(dir, `shard-${i}.json`)]));
    await p.close();
    expect(single.code).toBe(1);
    expect(shards.map((s) => s.code)).toEqual([1, 1, 1]);
    const parts = [1, 2, 3].map((i) => casesOf(path.join(dir, `shard-${i}.json`)).map((c) => c.ref.description));
    expect(parts.map((x) => x.length)).toEqual([7, 8, 8]);
    expect(parts.flat()).toEqual(interactions.map((i) => i.description));

    const merged = await cli(['merge-reports', 'shard-3.json', 'shard-1.json', 'shard-2.json', '--json', 'merged.json', '--junit', 'merged-junit', '--html', 'merged.html'], dir);
    expect(merged.code).toBe(1);
    // Timing differs between the runs: durations and the Date header of the recorded evidence.
    const strip = (cs: JsonCase[]): unknown => JSON.parse(JSON.stringify(cs, (k, v: unknown) => (k === 'durationMs' || k === 'date' ? undefined : v)));
    expect(strip(casesOf(path.join(dir, 'merged.json')))).toEqual(strip(casesOf(path.join(dir, 'single.json'))));
    expect(readdirSync(path.join(dir, 'merged-junit'))).toEqual(readdirSync(path.join(dir, 'single-junit')));
    const failures = (f: string): string | undefined => /<testsuites [^>]*tests="(\d+)" failures="(\d+)"/.exec(readFileSync(f, 'utf8'))?.slice(1).join('/');
    expect(failures(path.join(dir, 'merged-junit', 'scale.xml'))).toBe(failures(path.join(dir, 'single-junit', 'scale.xml')));
    expect(readFileSync(path.join(dir, 'merged.html'), 'utf8')).toContain('FAIL');

    const missing = await cli(['merge-reports', 'shard-1.json', 'shard-3.json'], dir);
    expect(missing).toMatchObject({ code: 2, err: expect.stringContaining('PC_ERR_USAGE: shard(s) 2/3 missing') });
  });

  it('refuses a shard that does not exist and an empty shard, naming it', async () => {
    const dir = tmp();
    writePact(dir, [{ description: 'only', path: '/s/200/0', status: 200 }]);
    expect(await cli(['verify', '--pact-dir', dir, '--provider-base-url', 'http://127.0.0.1:9', '--shard', '4/3'])).toMatchObject({ code: 2, err: expect.stringContaining("--shard must be i/n with 1 <= i <= n (e.g. 2/4), got '4/3'") });
    const empty = await cli(['verify', '--pact-dir', dir, '--provider-base-url', 'http://127.0.0.1:9', '--shard', '1/2']);
    expect(empty).toMatchObject({ code: 2, err: expect.stringContaining('no interaction to verify in shard 1/2 (1 interaction(s) in all)') });
  });
});
