process.env.PACT_DO_NOT_TRACK = 'true';

/**
 * The release pipeline end to end, with the real clients against the broker double: a consumer
 * publishes, can-i-deploy says no, the provider verifies the reference service from the broker and
 * publishes results with branch and tag, can-i-deploy says yes, the deployment is recorded. A webhook's
 * PACT_URL is verified on its own. The double's request log is what the clients really sent.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { main } from '../src/cli/main';
import { startBrokerDouble, type BrokerDouble, type RecordedRequest } from '../test-support/broker-double';
import { unknownPlatformPush, writeSmallPact } from '../test-support/small-pact';
import { documentedEndpoints } from '../test-support/broker-pacts/scope';
import { SCAN_ENV } from '../consumer-tests/catalogue-suite';
import { generatedInteractions, PACT_DIR } from './generated-pacts';
import { runCliInProcess } from '../test-support/cli-in-process';
import { shareVerifierProcessesInThisFile } from '../test-support/shared-verifiers';
import { tempDir } from '../test-support/temp-dir';
import { refusedPort } from '../src/matrix/servers';

// The file's verifications reuse idle verifier processes instead of starting their own each.
shareVerifierProcessesInThisFile();

// Each step starts the real pact binary (about 0.1-0.3 s, much more on a loaded 2-core machine); the bounds
// that matter are asserted on durations inside the tests. 60 s, the project's hang bound (jest.config.js):
// with 30 s, publishing the generated pacts (1.6 MB through `pact broker publish`, 3-4 s of its CPU) timed
// out in a cold provider run at load ~10, and its late publication then showed up in the next test's requests.
jest.setTimeout(60_000);

const CONSUMER = 'push-client';
const PROVIDER = 'push-api';
const TOKEN = 'flow-token-5d1e0b7a9c';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let broker: BrokerDouble;
let work: string;

function cli(args: string[]): Promise<Run> {
  return runCliInProcess(args, work, { PATH: process.env.PATH, HOME: process.env.HOME, PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN, PACT_BROKER_HTTP_RETRIES: '0' });
}

const line = (r: RecordedRequest): string => `${r.method} ${r.path}`;

beforeAll(async () => {
  broker = await startBrokerDouble({ token: TOKEN });
  work = tempDir('pc-flow-');
  await writeSmallPact(path.join(work, 'pacts'), { consumer: CONSUMER, provider: PROVIDER, interactions: [unknownPlatformPush('a push to an unknown platform')] });
});

afterAll(async () => {
  await broker.close();
});

describe('release pipeline through the broker', () => {
  it('publishes, gates, verifies from the broker with results, gates again and records the deployment', async () => {
    const published = await cli(['publish', '--consumer-app-version', '1.0.0', '--branch', 'main', '--tag', 'dev']);
    expect(published.stderr).toBe('');
    expect(published.code).toBe(0);

    const no = await cli(['can-i-deploy', '--pacticipant', CONSUMER, '--version', '1.0.0']);
    expect(no.code).toBe(1);

    const mark = broker.requests.length;
    const verified = await cli([
      'verify', '--provider', PROVIDER, '--main-branch', '--deployed-or-released', '--enable-pending', '--include-wip-pacts-since', '2020-01-01',
      '--provider-version', '2.0.0', '--provider-branch', 'main', '--provider-version-tag', 'prod-candidate', '--publish',
    ]);
    expect(verified.code).toBe(0);
    const verification = broker.requests.slice(mark);
    const pactPath = broker.state.publications.map((p) => `/pacts/provider/${PROVIDER}/consumer/${CONSUMER}/pact-version/${p.sha}`)[0];
    // As the real broker does, the pact is linked with a metadata segment, and its results go below that link.
    const pactLink = verification[3]?.path ?? '';
    expect(pactLink).toMatch(new RegExp(`^${pactPath}/metadata/[A-Za-z0-9_-]+$`));
    expect(verification.map(line)).toEqual([
      'GET /',
      `GET /pacts/provider/${PROVIDER}/for-verification`,
      `POST /pacts/provider/${PROVIDER}/for-verification`,
      `GET ${pactLink}`,
      `GET /pacticipants/${PROVIDER}`,
      `PUT /pacticipants/${PROVIDER}/branches/main/versions/2.0.0`,
      `GET /pacticipants/${PROVIDER}`,
      `PUT /pacticipants/${PROVIDER}/versions/2.0.0/tags/prod-candidate`,
      `POST ${pactLink}/verification-results`,
      // push-contracts reads the verified pact back (with its _ids) to tie each result to its interaction.
      `GET ${pactLink}`,
    ]);
    expect(verification[2].body).toEqual({
      consumerVersionSelectors: [{ mainBranch: true }, { deployedOrReleased: true }],
      includePendingStatus: true,
      includeWipPactsSince: '2020-01-01',
      providerVersionBranch: 'main',
      providerVersionTags: ['prod-candidate'],
    });
    const results = verification[8].body as { providerApplicationVersion: string; success: boolean; testResults: Array<{ interactionId: string; success: boolean }> };
    expect(results.providerApplicationVersion).toBe('2.0.0');
    expect(results.success).toBe(true);
    const published0 = broker.state.pactContents.get(broker.state.publications[0].sha) as { interactions: Array<{ _id: string }> };
    expect(results.testResults).toEqual([{ interactionId: published0.interactions[0]._id, success: true }]);
    for (const r of verification) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);

    const yes = await cli(['can-i-deploy', '--pacticipant', CONSUMER, '--version', '1.0.0']);
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain(`${CONSUMER} 1.0.0 -> ${PROVIDER} 2.0.0: verified`);

    const recorded = await cli(['record-deployment', '--pacticipant', CONSUMER, '--version', '1.0.0', '--environment', 'production']);
    expect(recorded.code).toBe(0);

    // The provider version that verified what runs in production may follow it there.
    const providerGate = await cli(['can-i-deploy', '--pacticipant', PROVIDER, '--version', '2.0.0', '--to-environment', 'production']);
    expect(providerGate.code).toBe(0);

    const production = broker.state.environments.find((e) => e.name === 'production');
    const publishBody = broker.requests[1].body as Record<string, unknown>;
    expect(publishBody).toMatchObject({ pacticipantName: CONSUMER, pacticipantVersionNumber: '1.0.0', branch: 'main', tags: ['dev'] });
    expect(broker.requests.map(line)).toEqual([
      'GET /',
      'POST /contracts/publish',
      'GET /matrix',
      ...verification.map(line),
      'GET /matrix',
      `GET /pacticipants/${CONSUMER}/versions/1.0.0`,
      `POST /pacticipants/${CONSUMER}/versions/1.0.0/deployed-versions/environment/${production?.uuid}`,
      'GET /matrix',
    ]);
    expect(broker.requests.at(-1)?.query.get('environment')).toBe('production');
    // The HAL conventions of section 7, as both clients really sent them.
    for (const r of broker.requests) {
      if (r.method === 'GET') expect(r.headers.accept).toContain('application/hal+json');
      else expect(r.headers['content-type']).toBe('application/json');
    }
    for (const r of [published, no, verified, yes, recorded, providerGate]) {
      expect(r.stdout + r.stderr).not.toContain(TOKEN);
      expect(r.stdout + r.stderr).not.toContain(Buffer.from(TOKEN).toString('base64'));
    }
  });

  it('verifies a work-in-progress pact as pending: its failure is published but does not fail the provider build', async () => {
    const wipDir = path.join(work, 'wip');
    // The consumer's feature branch expects the wrong business code for an invalid platform.
    await writeSmallPact(path.join(wipDir, 'pacts'), {
      consumer: CONSUMER,
      provider: PROVIDER,
      interactions: [unknownPlatformPush('a push to an unknown platform, expecting the missing-parameter code', { expect: 'request.missing-parameter', like: false })],
    });
    expect((await cli(['publish', '--pact-dir', 'wip/pacts', '--consumer-app-version', '1.1.0', '--branch', 'feat/strict-code'])).code).toBe(0);

    const mark = broker.requests.length;
    const run = await cli(['verify', '--provider', PROVIDER, '--main-branch', '--enable-pending', '--include-wip-pacts-since', '2020-01-01', '--provider-version', '2.0.3', '--provider-branch', 'main', '--publish']);
    expect(run.code).toBe(0);
    const sent = broker.requests.slice(mark);
    const forVerification = sent.find((r) => r.method === 'POST' && r.path.endsWith('/for-verification'));
    expect(forVerification?.body).toMatchObject({ consumerVersionSelectors: [{ mainBranch: true }], includePendingStatus: true, includeWipPactsSince: '2020-01-01' });
    const wip = broker.state.publications.find((p) => p.consumerVersion === '1.1.0');
    const results = sent.filter((r) => r.method === 'POST' && r.path.endsWith('/verification-results'));
    const wipResults = results.filter((r) => wip !== undefined && r.path.includes(wip.sha));
    expect(wipResults.map((r) => (r.body as { success: boolean }).success)).toEqual([false]);
    // Whatever the main branch holds is verified too, and passes.
    for (const r of results.filter((x) => !wipResults.includes(x))) expect((r.body as { success: boolean }).success).toBe(true);

    const gate = await cli(['can-i-deploy', '--pacticipant', CONSUMER, '--version', '1.1.0']);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain(`${CONSUMER} 1.1.0 -> ${PROVIDER} 2.0.3: FAILED`);
  });

  it('passes the pacts the consumer suites generated through the gate and publishes every interaction', async () => {
    const expected = generatedInteractions().length;
    // A copy: the gate must not need to write, and other suites read pacts/ meanwhile.
    const copy = path.join(work, 'generated');
    fs.cpSync(PACT_DIR, copy, { recursive: true });
    const files = fs.readdirSync(copy).filter((f) => f.endsWith('.json'));
    const mark = broker.requests.length;
    let out = '';
    const code = await main(['publish', '--pact-dir', 'generated', '--consumer-app-version', '3.0.0', '--branch', 'main'], {
      stdout: (t) => { out += t; },
      stderr: (t) => { out += t; },
      // The credentials the consumer suites used as "real": a pact carrying them would be refused.
      env: { PATH: process.env.PATH, PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN, ...SCAN_ENV },
      cwd: work,
    });
    expect(out).not.toContain('PC_ERR');
    expect(code).toBe(0);
    const posts = broker.requests.slice(mark).filter((r) => r.method === 'POST' && r.path === '/contracts/publish');
    const sent = posts.flatMap((r) => (r.body as { contracts: Array<{ content: string }> }).contracts)
      .map((c) => JSON.parse(Buffer.from(c.content, 'base64').toString('utf8')) as { interactions: Array<{ type?: string }> });
    expect(sent).toHaveLength(files.length);
    expect(sent.flatMap((p) => p.interactions).filter((i) => i.type === undefined || i.type === 'Synchronous/HTTP')).toHaveLength(expected);
  });

  it('ends verify with PC_ERR_BROKER_UNAUTHORIZED after one request when the broker refuses the token', async () => {
    const mark = broker.requests.length;
    let stderr = '';
    const code = await main(['verify', '--provider', PROVIDER, '--provider-version', '2.0.2', '--publish'], {
      stdout: () => undefined,
      stderr: (t) => { stderr += t; },
      env: { PATH: process.env.PATH, PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: 'not-the-flow-token' },
      cwd: work,
    });
    expect(code).toBe(2);
    expect(stderr).toContain('PC_ERR_BROKER_UNAUTHORIZED');
    expect(broker.requests.slice(mark).map(line)).toEqual(['GET /']);
    expect(stderr).not.toContain('not-the-flow-token');
  });

  /** verify against a broker URL, with no broker credentials in the environment. */
  async function verifyAtBroker(url: string): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    const code = await main(['verify', '--provider', PROVIDER, '--broker-url', url], {
      stdout: () => undefined,
      stderr: (t) => { stderr += t; },
      env: { PATH: process.env.PATH },
      cwd: work,
    });
    return { code, stderr };
  }

  it('ends verify with PC_ERR_BROKER_UNREACHABLE when nothing listens at the broker URL', async () => {
    const { code, stderr } = await verifyAtBroker(`http://127.0.0.1:${await refusedPort()}`);
    expect(code).toBe(2);
    expect(stderr).toContain('PC_ERR_BROKER_UNREACHABLE');
    expect(stderr).toContain('could not be reached');
  });

  it('ends verify with PC_ERR_BROKER_UNREACHABLE after one connection when the broker drops every connection, with no retry loop', async () => {
    let connections = 0;
    const dropping = net.createServer((socket) => { connections += 1; socket.destroy(); });
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    try {
      const { code, stderr } = await verifyAtBroker(`http://127.0.0.1:${(dropping.address() as net.AddressInfo).port}`);
      expect(code).toBe(2);
      expect(stderr).toContain('PC_ERR_BROKER_UNREACHABLE');
      // pact's verifier asks the broker once and gives up: an outage ends the run instead of a retry loop.
      expect(connections).toBe(1);
    } finally {
      await new Promise<void>((resolve) => dropping.close(() => resolve()));
    }
  });

  it("verifies a webhook's PACT_URL as is and publishes the result to that pact", async () => {
    if (broker.state.publications.length === 0) expect((await cli(['publish', '--consumer-app-version', '1.0.0', '--branch', 'main'])).code).toBe(0);
    const pactUrl = `${broker.url}/pacts/provider/${PROVIDER}/consumer/${CONSUMER}/pact-version/${broker.state.publications[0].sha}`;
    const mark = broker.requests.length;
    const run = await cli(['verify', '--pact-url', pactUrl, '--provider-version', '2.0.1', '--provider-branch', 'feat/webhook', '--publish']);
    expect(run.code).toBe(0);
    const sent = broker.requests.slice(mark);
    expect(sent.map(line)).toEqual([
      `GET ${new URL(pactUrl).pathname}`,
      `GET /pacticipants/${PROVIDER}`,
      `PUT /pacticipants/${PROVIDER}/branches/feat%2Fwebhook/versions/2.0.1`,
      `POST ${new URL(pactUrl).pathname}/verification-results`,
      `GET ${new URL(pactUrl).pathname}`,
    ]);
    expect(sent[3].body).toMatchObject({ providerApplicationVersion: '2.0.1', success: true });
    expect(broker.state.verifications.at(-1)).toMatchObject({ providerVersion: '2.0.1', success: true });
  });

  it('ties each broker-sourced result to its interaction by the broker\'s _id, not by order, even when descriptions repeat and a state fails', async () => {
    const consumer = 'id-consumer';
    const provider = 'id-provider';
    broker.seed.version(consumer, '3.0.0', { branch: 'main' });
    const sha = broker.seed.pact(consumer, '3.0.0', provider, {
      consumer: { name: consumer },
      provider: { name: provider },
      interactions: [
        // No such state: the verifier sends no request for it, which shifted every later result by one when results were read by order.
        { description: 'the tag list', providerState: 'a state the reference service does not know', request: { method: 'GET', path: '/v3/tags' }, response: { status: 200 } },
        { description: 'the tag list', request: { method: 'GET', path: '/v3/tags' }, response: { status: 200 } },
        { description: 'the tag list', request: { method: 'GET', path: '/v3/aliases/alias-1' }, response: { status: 401 } },
      ],
      metadata: { pactSpecification: { version: '2.0.0' } },
    });
    const ids = (broker.state.pactContents.get(sha) as { interactions: Array<{ _id: string }> }).interactions.map((i) => i._id);
    const run = await cli(['verify', '--provider', provider, '--main-branch', '--provider-version', '9.0.0', '--provider-branch', 'main', '--json', 'ids.json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(fs.readFileSync(path.join(work, 'ids.json'), 'utf8')) as { cases: Array<{ ref: { id?: string }; request: { path: string }; pact: { outcome: string; mismatches: string[] }; errors: string[] }> };
    const byId = new Map(report.cases.map((c) => [c.ref.id, c]));
    expect(report.cases).toHaveLength(3);
    expect(byId.get(ids[0])?.errors.join(' ')).toContain("provider state 'a state the reference service does not know' setup failed");
    expect(byId.get(ids[1])).toMatchObject({ request: { path: '/v3/tags' }, pact: { outcome: 'failed' } });
    expect(byId.get(ids[1])?.pact.mismatches.join(' ')).toContain('expected 200 but was 401');
    expect(byId.get(ids[2])).toMatchObject({ request: { path: '/v3/aliases/alias-1' }, pact: { outcome: 'passed', mismatches: [] } });
  });

  it('ends verify of a provider the broker does not know with PC_ERR_BROKER_REJECTED (404), exit 2, not as an empty selection', async () => {
    const run = await cli(['verify', '--provider', 'Wiffle', '--main-branch', '--provider-version', '1.0.0', '--provider-branch', 'main']);
    expect(broker.requestsTo('POST', '/pacts/provider/Wiffle/for-verification').map((r) => r.status)).toEqual([404]);
    expect(run.code).toBe(2);
    const errorLines = run.stderr.split('\n').filter((l) => l.startsWith('push-contracts: '));
    expect(errorLines).toEqual([`push-contracts: PC_ERR_BROKER_REJECTED: the Pact Broker at ${broker.url} knows no pacticipant 'Wiffle' (GET /pacticipants/Wiffle answered 404); check --provider`]);
  });

  it('still ends verify of a known provider with nothing selected as a finding (exit 1): nothing was verified', async () => {
    broker.seed.pacticipant('lonely-provider');
    const run = await cli(['verify', '--provider', 'lonely-provider', '--main-branch', '--provider-version', '1.0.0', '--provider-branch', 'main']);
    expect(run.code).toBe(1);
    expect(run.stderr + run.stdout).toContain("No pacts found for provider 'lonely-provider'");
    expect(run.stderr).not.toContain('PC_ERR_BROKER_REJECTED: the Pact Broker');
  });

  it('ends verify --publish with exit 2 naming the provider version the broker did not record when the results POST fails', async () => {
    if (broker.state.publications.length === 0) expect((await cli(['publish', '--consumer-app-version', '1.0.0', '--branch', 'main'])).code).toBe(0);
    const recorded = broker.state.verifications.length;
    const fault = { method: 'POST', path: /\/verification-results$/, status: 500 };
    broker.faults.push(fault);
    try {
      const run = await cli(['verify', '--provider', PROVIDER, '--main-branch', '--provider-version', '2.0.9', '--provider-branch', 'main', '--publish']);
      // The pact itself verified; only the publication failed, and the verdict says so instead of passing.
      expect(broker.requestsTo('POST', /\/verification-results$/).at(-1)?.status).toBe(500);
      expect(run.code).toBe(2);
      const errorLines = run.stderr.split('\n').filter((l) => l.includes('PC_ERR_RESULTS_NOT_PUBLISHED'));
      expect(errorLines).toHaveLength(1);
      expect(errorLines[0]).toContain(`the verification results of provider ${PROVIDER} version 2.0.9 (branch main) were not recorded in the Pact Broker`);
      expect(errorLines[0]).toMatch(/verification-results' failed: 500/);
      expect(errorLines[0]).not.toContain(TOKEN);
      expect(broker.state.verifications).toHaveLength(recorded);
    } finally {
      broker.faults.splice(broker.faults.indexOf(fault), 1);
    }
  });

  // Runs last: the double's log then holds what every command above really sent.
  it('sent, over the whole pipeline, only requests on routes the endpoint table of docs/broker.md lists with its proof', () => {
    const rows = documentedEndpoints(fs.readFileSync(path.join(__dirname, '..', 'docs', 'broker.md'), 'utf8'));
    expect(broker.requests.length).toBeGreaterThan(40);
    const undocumented = broker.requests.filter((r) => !rows.some((row) => row.matches(r.method, r.path)));
    expect([...new Set(undocumented.map((r) => `${r.method} ${r.path}`))]).toEqual([]);
  });
});
