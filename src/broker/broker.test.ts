process.env.PACT_DO_NOT_TRACK = 'true';

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../cli/main';
import { getContracts } from '../contracts';
import { basicAuth } from '../credentials';
import { startBrokerDouble, type BrokerDouble } from '../../test-support/broker-double';
import { writeSmallPact } from '../../test-support/small-pact';
import { tempDir } from '../../test-support/temp-dir';
import { refusedPort } from '../matrix/servers';

// Each step starts the real pact binary (about 0.1-0.3 s, much more on a loaded 2-core machine); the bounds
// that matter are asserted on durations inside the tests.
jest.setTimeout(30_000);

const CONSUMER = 'push-client';
const PROVIDER = 'push-api';
const TOKEN = 'broker-token-3f9a1c77e2';

function hashOf(dir: string): string {
  const h = createHash('sha256');
  for (const f of fs.readdirSync(dir).sort()) h.update(f).update(fs.readFileSync(path.join(dir, f)));
  return h.digest('hex');
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

async function cli(args: string[], env: Record<string, string | undefined>, cwd: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const started = Date.now();
  const code = await main(args, {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    cwd,
  });
  return { code, stdout, stderr, ms: Date.now() - started };
}

/** A consumer's pact as pact-js writes it: one error and one success interaction, both within the policy. */
async function goodPact(dir: string): Promise<string> {
  const invalid = getContracts().codeFor('jpush-v3', 'push', 'request.invalid-value');
  if (!invalid) throw new Error('contracts: no push code for request.invalid-value');
  return writeSmallPact(dir, {
    consumer: CONSUMER,
    provider: PROVIDER,
    interactions: [
      {
        description: 'a push to an unknown platform',
        state: 'a device exists',
        request: { method: 'POST', path: '/v3/push', body: { platform: 'symbian', audience: 'all' } },
        response: { status: invalid.status, headers: { 'Content-Type': 'application/json' }, body: { error: { code: invalid.code, message: invalid.message } } },
        like: true,
      },
    ],
  });
}

describe('broker commands against a broker double', () => {
  let broker: BrokerDouble;
  let pacts: string;
  let work: string;
  const env = () => ({ PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN, PACT_BROKER_HTTP_RETRIES: '0' });

  beforeAll(async () => {
    work = tempDir('pc-broker-');
    pacts = path.join(work, 'pacts');
    await goodPact(pacts);
  });

  beforeEach(async () => {
    broker = await startBrokerDouble({ token: TOKEN });
  });

  afterEach(async () => {
    await broker.close();
  });

  it('publishes with version, branch, tags and build URL through the official client, then gates and records the deployment', async () => {
    const before = hashOf(pacts);
    const published = await cli(['publish', '--pact-dir', 'pacts', '--consumer-app-version', '1.0.0', '--branch', 'main', '--tag', 'dev', '--tag', 'rc', '--build-url', 'https://ci.example/run/1'], env(), work);
    expect(published.stderr).toBe('');
    expect(published.code).toBe(0);
    expect(published.stdout).toContain('as consumer version 1.0.0 (branch main, tags dev, rc)');

    expect(broker.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /', 'POST /contracts/publish']);
    for (const r of broker.requests) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const body = broker.requests[1].body as Record<string, unknown>;
    expect(body).toMatchObject({ pacticipantName: CONSUMER, pacticipantVersionNumber: '1.0.0', branch: 'main', tags: ['dev', 'rc'], buildUrl: 'https://ci.example/run/1' });
    const [contract] = body.contracts as Array<Record<string, string>>;
    expect(contract).toMatchObject({ consumerName: CONSUMER, providerName: PROVIDER, specification: 'pact', contentType: 'application/json' });
    const sent = JSON.parse(Buffer.from(contract.content, 'base64').toString('utf8')) as { interactions: Array<{ description: string }> };
    expect(sent.interactions.map((i) => i.description)).toEqual(['a push to an unknown platform']);
    expect(hashOf(pacts)).toBe(before);

    // Nothing verified the pact yet: the broker says unknown, which is a no.
    const no = await cli(['can-i-deploy', '--pacticipant', CONSUMER, '--version', '1.0.0'], env(), work);
    expect(no.code).toBe(1);
    expect(no.stderr).toContain('push-client 1.0.0 cannot be deployed yet');
    const dryRun = await cli(['can-i-deploy', '--pacticipant', CONSUMER, '--version', '1.0.0', '--dry-run'], env(), work);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stderr).toContain('dry run: exiting 0 although the version is not deployable');
    const matrixQuery = broker.requests[2];
    expect(`${matrixQuery.method} ${matrixQuery.path}`).toBe('GET /matrix');
    expect(matrixQuery.query.getAll('q[][pacticipant]')).toEqual([CONSUMER]);
    expect(matrixQuery.query.getAll('q[][version]')).toEqual(['1.0.0']);

    // A provider publishes a successful result (the provider suite does this through the Verifier).
    const [pub] = broker.state.publications;
    const res = await fetch(`${broker.url}/pacts/provider/${PROVIDER}/consumer/${CONSUMER}/pact-version/${pub.sha}/verification-results`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ providerApplicationVersion: '2.0.0', success: true }),
    });
    expect(res.status).toBe(201);

    const yes = await cli(['can-i-deploy', '--pacticipant', CONSUMER, '--version', '1.0.0'], env(), work);
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain('push-client 1.0.0 -> push-api 2.0.0: verified');
    expect(yes.stdout).toContain('push-client 1.0.0 can be deployed');

    const recorded = await cli(['record-deployment', '--pacticipant', CONSUMER, '--version', '1.0.0', '--environment', 'production'], env(), work);
    expect(recorded.stderr).toBe('');
    expect(recorded.code).toBe(0);
    const last = broker.requests.slice(-2).map((r) => `${r.method} ${r.path}`);
    const production = broker.state.environments.find((e) => e.name === 'production');
    expect(last).toEqual(['GET /pacticipants/push-client/versions/1.0.0', `POST /pacticipants/push-client/versions/1.0.0/deployed-versions/environment/${production?.uuid}`]);
    expect(broker.state.deployments).toEqual([expect.objectContaining({ pacticipant: CONSUMER, version: '1.0.0', environment: 'production' })]);

    // push-client 1.0.0 now runs in production: a provider version that never verified its pact may not follow.
    const unverifiedProvider = await cli(['can-i-deploy', '--pacticipant', PROVIDER, '--version', '2.0.0', '--to-environment', 'production'], env(), work);
    expect(unverifiedProvider.code).toBe(0);
    const other = await fetch(`${broker.url}/pacts/provider/${PROVIDER}/consumer/${CONSUMER}/pact-version/${pub.sha}/verification-results`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ providerApplicationVersion: '2.1.0', success: false }),
    });
    expect(other.status).toBe(201);
    const failing = await cli(['can-i-deploy', '--pacticipant', PROVIDER, '--version', '2.1.0', '--to-environment', 'production'], env(), work);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('push-client 1.0.0 -> push-api 2.1.0: FAILED');
    expect(broker.requests.at(-1)?.query.get('environment')).toBe('production');
  });

  it('never prints the broker token or its base64, and passes it to the client outside argv', async () => {
    const runs = [
      await cli(['publish', '--consumer-app-version', '1.0.1', '--branch', 'main'], env(), work),
      await cli(['can-i-deploy', '--pacticipant', CONSUMER, '--version', '1.0.1'], env(), work),
      await cli(['can-i-deploy', '--pacticipant', CONSUMER, '--version', '1.0.1'], { ...env(), PACT_BROKER_TOKEN: `${TOKEN}-wrong` }, work),
      await cli(['record-deployment', '--pacticipant', CONSUMER, '--version', '9.9.9', '--environment', 'production'], env(), work),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 1, 2, 2]);
    const b64 = Buffer.from(TOKEN).toString('base64');
    for (const r of runs) {
      const text = r.stdout + r.stderr;
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(b64);
    }
    expect(runs[3].stderr).toContain('PC_ERR_BROKER_REJECTED');
  });

  it('authenticates with PACT_BROKER_USERNAME / PASSWORD and never prints them', async () => {
    await broker.close();
    broker = await startBrokerDouble({ basic: { username: 'ci-user', password: 'pa55-w0rd-xyz' } });
    const run = await cli(['publish', '--consumer-app-version', '1.0.2'], { PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_USERNAME: 'ci-user', PACT_BROKER_PASSWORD: 'pa55-w0rd-xyz', PACT_BROKER_HTTP_RETRIES: '0' }, work);
    expect(run.code).toBe(0);
    expect(broker.requests[0].headers.authorization).toBe(basicAuth({ appKey: 'ci-user', masterSecret: 'pa55-w0rd-xyz' }));
    expect(run.stdout + run.stderr).not.toContain('pa55-w0rd-xyz');
  });

  it('defaults version and branch from git in a checkout', async () => {
    const repo = tempDir('pc-git-');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: repo }).toString().trim();
    git('init', '-q', '-b', 'feature/broker');
    git('commit', '-q', '--allow-empty', '-m', 'init');
    fs.cpSync(pacts, path.join(repo, 'pacts'), { recursive: true });
    const sha = git('rev-parse', 'HEAD');
    const run = await cli(['publish'], env(), repo);
    expect(run.code).toBe(0);
    expect(broker.requests[1].body).toMatchObject({ pacticipantVersionNumber: sha, branch: 'feature/broker' });

    const check = await cli(['can-i-deploy', '--pacticipant', CONSUMER], env(), repo);
    expect(check.code).toBe(1);
    expect(broker.requests.at(-1)?.query.get('q[][version]')).toBe(sha);
  });

  it('refuses with a usage error naming the flag outside a checkout without a version', async () => {
    const outside = tempDir('pc-nogit-');
    fs.cpSync(pacts, path.join(outside, 'pacts'), { recursive: true });
    const run = await cli(['publish'], { ...env(), GIT_CEILING_DIRECTORIES: path.dirname(outside) }, outside);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('PC_ERR_USAGE');
    expect(run.stderr).toContain('--consumer-app-version');
    const cid = await cli(['record-deployment', '--pacticipant', CONSUMER, '--environment', 'test'], { ...env(), GIT_CEILING_DIRECTORIES: path.dirname(outside) }, outside);
    expect(cid.code).toBe(2);
    expect(cid.stderr).toContain('--version');
    expect(broker.requests).toHaveLength(0);
  });

  it('is a usage error without PACT_BROKER_BASE_URL', async () => {
    const run = await cli(['can-i-deploy', '--pacticipant', CONSUMER, '--version', '1'], {}, work);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('PACT_BROKER_BASE_URL');
  });

  describe('failure handling', () => {
    it('fails with PC_ERR_BROKER_UNREACHABLE in bounded time when nothing listens, leaving the pact files untouched', async () => {
      const url = `http://127.0.0.1:${await refusedPort()}`;
      const before = hashOf(pacts);
      const run = await cli(['publish', '--consumer-app-version', '1.0.0', '--retries', '1'], { PACT_BROKER_BASE_URL: url, PACT_BROKER_TOKEN: TOKEN }, work);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('PC_ERR_BROKER_UNREACHABLE');
      expect(run.stderr).toContain('could not be reached after 1 retry');
      expect(run.ms).toBeLessThan(10_000);
      expect(hashOf(pacts)).toBe(before);
    });

    it('retries a 5xx a bounded number of times, then fails with PC_ERR_BROKER_UNREACHABLE', async () => {
      broker.faults.push({ path: /^\/$/, status: 503 });
      const before = hashOf(pacts);
      const run = await cli(['publish', '--consumer-app-version', '1.0.0', '--retries', '2'], { PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN }, work);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('PC_ERR_BROKER_UNREACHABLE');
      expect(run.stderr).toContain('answered 503 after 2 retries');
      expect(broker.requestsTo('GET', '/')).toHaveLength(3);
      expect(broker.requestsTo('POST', '/contracts/publish')).toHaveLength(0);
      expect(hashOf(pacts)).toBe(before);
    });

    it('gives up after --timeout even while the broker keeps failing', async () => {
      broker.faults.push({ path: /^\/matrix$/, status: 500 });
      const run = await cli(['can-i-deploy', '--pacticipant', CONSUMER, '--version', '1', '--retries', '10', '--timeout', '1000'], { PACT_BROKER_BASE_URL: broker.url }, work);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('PC_ERR_BROKER_UNREACHABLE');
      expect(run.stderr).toContain('did not answer within 1000 ms');
      expect(run.ms).toBeLessThan(5_000);
    });

    // The broker's own status for what it does not know (pinned by test-support/broker-pacts/), one line, exit 2: a
    // pipeline that asks about something never published is misconfigured, which is not a "no".
    const oneErrorLine = (run: Run) => run.stderr.split('\n').filter((l) => l.startsWith('push-contracts: '));

    it('ends can-i-deploy for an unknown pacticipant with PC_ERR_BROKER_REJECTED (the broker answers 400), one line, exit 2', async () => {
      const run = await cli(['can-i-deploy', '--pacticipant', 'Wiffle', '--version', '1.2.3'], env(), work);
      expect(broker.requestsTo('GET', '/matrix').map((r) => r.status)).toEqual([400]);
      expect(run.code).toBe(2);
      expect(oneErrorLine(run)).toEqual([expect.stringContaining('PC_ERR_BROKER_REJECTED')]);
      expect(oneErrorLine(run)[0]).toContain('Pacticipant Wiffle not found');
    });

    it('ends can-i-deploy for an unknown version of a known pacticipant with PC_ERR_BROKER_REJECTED, not with a "no"', async () => {
      broker.seed.version(CONSUMER, '1.0.0');
      const run = await cli(['can-i-deploy', '--pacticipant', CONSUMER, '--version', '9.9.9'], env(), work);
      expect(broker.requestsTo('GET', '/matrix').map((r) => r.status)).toEqual([200]);
      expect(run.code).toBe(2);
      expect(oneErrorLine(run)).toEqual([expect.stringContaining(`PC_ERR_BROKER_REJECTED: can-i-deploy failed at ${broker.url}: the broker knows no version 9.9.9 of ${CONSUMER}`)]);
      expect(run.stdout).not.toContain('cannot be deployed');
    });

    it('ends can-i-deploy to an unknown environment with PC_ERR_BROKER_REJECTED (400), exit 2', async () => {
      broker.seed.version(CONSUMER, '1.0.0');
      const run = await cli(['can-i-deploy', '--pacticipant', CONSUMER, '--version', '1.0.0', '--to-environment', 'nowhere'], env(), work);
      expect(run.code).toBe(2);
      expect(oneErrorLine(run)).toEqual([expect.stringContaining("Environment with name 'nowhere' does not exist")]);
    });

    it('ends record-deployment of an unknown version with PC_ERR_BROKER_REJECTED (the broker answers 404), one line naming it', async () => {
      broker.seed.version(CONSUMER, '1.0.0');
      const run = await cli(['record-deployment', '--pacticipant', CONSUMER, '--version', '9.9.9', '--environment', 'production'], env(), work);
      expect(broker.requestsTo('GET', `/pacticipants/${CONSUMER}/versions/9.9.9`).map((r) => r.status)).toEqual([404]);
      expect(run.code).toBe(2);
      expect(oneErrorLine(run)).toEqual([expect.stringContaining('PC_ERR_BROKER_REJECTED')]);
      expect(oneErrorLine(run)[0]).toContain(`/pacticipants/${CONSUMER}/versions/9.9.9' failed: 404`);
      expect(broker.state.deployments).toEqual([]);
    });

    it('stops at the first 401 with PC_ERR_BROKER_UNAUTHORIZED and no retry', async () => {
      const run = await cli(['publish', '--consumer-app-version', '1.0.0', '--retries', '3'], { PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: 'not-the-token' }, work);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('PC_ERR_BROKER_UNAUTHORIZED');
      expect(run.stderr).toContain('refused the credentials (401)');
      expect(broker.requests).toHaveLength(1);
      expect(run.stderr).not.toContain('not-the-token');
    });
  });
});

describe('pre-publish policy check', () => {
  let broker: BrokerDouble;
  const SECRET = 'realMasterSecret0123abcd';
  const APP_KEY = 'realAppKey00112233445566';

  beforeEach(async () => {
    broker = await startBrokerDouble();
  });
  afterEach(async () => {
    await broker.close();
  });

  it('refuses pacts outside the policy or carrying a secret, naming each interaction, and publishes nothing', async () => {
    const work = tempDir('pc-refuse-');
    const dir = path.join(work, 'pacts');
    const invalid = getContracts().codeFor('jpush-v3', 'push', 'request.invalid-value');
    if (!invalid) throw new Error('contracts: no push code for request.invalid-value');
    await writeSmallPact(dir, {
      consumer: CONSUMER,
      provider: PROVIDER,
      interactions: [
        { description: 'a teapot', request: { method: 'GET', path: '/v3/devices/abc' }, response: { status: 418, headers: { 'Content-Type': 'application/json' }, body: { error: { code: invalid.code, message: 'x' } } } },
        { description: 'an error without envelope', request: { method: 'POST', path: '/v3/push', body: { platform: 'symbian' } }, response: { status: 400, headers: { 'Content-Type': 'application/json' }, body: { reason: 'bad platform' } } },
        { description: 'a push with the real secret', request: { method: 'POST', path: '/v3/push', headers: { Authorization: basicAuth({ appKey: APP_KEY, masterSecret: SECRET }) }, body: { platform: 'all' } }, response: { status: invalid.status, headers: { 'Content-Type': 'application/json' }, body: { error: { code: invalid.code, message: invalid.message } } } },
        { description: 'a conforming error', request: { method: 'POST', path: '/v3/push', body: { platform: 'symbian', audience: 'all' } }, response: { status: invalid.status, headers: { 'Content-Type': 'application/json' }, body: { error: { code: invalid.code, message: invalid.message } } } },
      ],
    });
    const before = hashOf(dir);
    const run = await cli(['publish', '--consumer-app-version', '1.0.0'], { PACT_BROKER_BASE_URL: broker.url, PUSH_APP_KEY: APP_KEY, PUSH_MASTER_SECRET: SECRET }, work);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('PC_ERR_PUBLISH_REFUSED');
    const lines = run.stderr.split('\n').filter((l) => l.includes('push-client-push-api.json'));
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.includes("'a teapot'"))).toContain('response.status.unknown');
    expect(lines.find((l) => l.includes("'an error without envelope'"))).toContain('response.envelope.invalid');
    expect(lines.find((l) => l.includes("'a push with the real secret'"))).toContain('contains the value of base64 of PUSH_APP_KEY:PUSH_MASTER_SECRET');
    expect(run.stderr).not.toContain("'a conforming error'");
    expect(run.stderr).not.toContain(SECRET);
    expect(run.stderr).not.toContain(Buffer.from(`${APP_KEY}:${SECRET}`).toString('base64'));
    expect(broker.requests).toHaveLength(0);
    expect(hashOf(dir)).toBe(before);
  });

  it('finds the broker token written into a pact', async () => {
    const work = tempDir('pc-token-');
    const dir = path.join(work, 'pacts');
    const token = 'leaky-broker-token-998877';
    await writeSmallPact(dir, {
      consumer: CONSUMER,
      provider: PROVIDER,
      interactions: [{ description: 'a device lookup', request: { method: 'GET', path: '/v3/devices/abc', headers: { 'X-Debug': token } }, response: { status: 200, headers: { 'Content-Type': 'application/json' }, body: {} } }],
    });
    const run = await cli(['publish', '--consumer-app-version', '1.0.0'], { PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: token }, work);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/'a device lookup': .*contains the value of PACT_BROKER_TOKEN/);
    expect(run.stderr).not.toContain(token);
    expect(broker.requests).toHaveLength(0);
  });
});
