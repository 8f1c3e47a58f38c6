process.env.PACT_DO_NOT_TRACK = 'true';

/**
 * A pending pact that the provider breaks, verified from the broker double with the real clients
 * against the reference service. As the Pact Broker defines pending (a pact this provider branch has
 * not yet verified successfully), its failure must not fail the provider's build; and as
 * push-contracts defines a pass (something was exercised and matched), it must not be a pass either.
 * Pact's verifier files such a failure under `pendingErrors`, which is what makes the difference.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startBrokerDouble, type BrokerDouble } from '../test-support/broker-double';
import { unknownPlatformPush, writeSmallPact } from '../test-support/small-pact';
import { runCliInProcess, type CliRun } from '../test-support/cli-in-process';
import { shareVerifierProcessesInThisFile } from '../test-support/shared-verifiers';
import { tempDir } from '../test-support/temp-dir';

// The file's verifications reuse idle verifier processes instead of starting their own each.
shareVerifierProcessesInThisFile();

// Each verify starts the reference service and pact's verifier (seconds on a loaded 2-core machine).
jest.setTimeout(60_000);

const CONSUMER = 'push-client';
const PROVIDER = 'push-api';
const TOKEN = 'pending-token-3f9a1c7e2b';

let broker: BrokerDouble;
let work: string;

function cli(args: string[]): Promise<CliRun> {
  return runCliInProcess(args, work, { PATH: process.env.PATH, HOME: process.env.HOME, PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN, PACT_BROKER_HTTP_RETRIES: '0' });
}

interface JsonCase {
  verdict: string;
  ref: { description: string; id?: string };
  pact: { outcome: string; mismatches: string[] };
  status: { expected: number; actual: number | null };
  evidence?: { response?: { status: number } };
}

const BROKEN = 'a push to an unknown platform, expecting the missing-parameter code';
const KEPT = 'a push to an unknown platform';

beforeAll(async () => {
  broker = await startBrokerDouble({ token: TOKEN });
  work = tempDir('pc-pending-');
  await writeSmallPact(path.join(work, 'pacts'), {
    consumer: CONSUMER,
    provider: PROVIDER,
    interactions: [
      // The reference service answers this one as the consumer expects...
      unknownPlatformPush(KEPT),
      // ...and breaks this one: the consumer's new expectation of another business code.
      unknownPlatformPush(BROKEN, { expect: 'request.missing-parameter', like: false }),
    ],
  });
  // Published on the consumer's main branch: selected by --main-branch, and pending, since no version of
  // the provider's branch has verified it yet.
  const published = await cli(['publish', '--consumer-app-version', '3.0.0', '--branch', 'main']);
  if (published.code !== 0) throw new Error(`publish failed: ${published.stderr}`);
});

afterAll(async () => {
  await broker.close();
});

describe('a pending pact the provider breaks', () => {
  it('is pending-failed with its mismatches and evidence, not passed; the build passes and the broker is told success=false', async () => {
    const mark = broker.requests.length;
    const run = await cli([
      'verify', '--provider', PROVIDER, '--main-branch', '--enable-pending',
      '--provider-version', '5.0.0', '--provider-branch', 'main', '--publish',
      '--json', 'pending/report.json', '--junit', 'pending/junit', '--quiet',
    ]);
    expect(run.stderr).not.toMatch(/ERROR/);
    // The broker's pending: a failure of a pending pact does not fail the provider build.
    expect(run.code).toBe(0);

    const sent = broker.requests.slice(mark);
    const asked = sent.find((r) => r.method === 'POST' && r.path.endsWith('/for-verification'));
    expect(asked?.body).toMatchObject({ includePendingStatus: true, providerVersionBranch: 'main' });

    const report = JSON.parse(fs.readFileSync(path.join(work, 'pending/report.json'), 'utf8')) as { passed: boolean; summary: Array<Record<string, unknown>>; cases: JsonCase[] };
    const broken = report.cases.find((c) => c.ref.description === BROKEN);
    const kept = report.cases.find((c) => c.ref.description === KEPT);
    expect(broken).toMatchObject({ verdict: 'pending-failed', pact: { outcome: 'pending-failed' }, status: { expected: 400, actual: 400 } });
    expect(broken?.pact.mismatches.join('\n')).toMatch(/BodyMismatch at \$\.error\.code/);
    // Evidence: the provider's real answer, as for a failure.
    expect(broken?.evidence?.response?.status).toBe(400);
    expect(kept).toMatchObject({ verdict: 'passed', pact: { outcome: 'passed' } });
    expect(report.passed).toBe(true);
    expect(report.summary).toEqual([expect.objectContaining({ consumer: CONSUMER, provider: PROVIDER, cases: 2, passed: 1, failed: 0, pendingFailed: 1 })]);

    expect(run.stdout).toContain(`1 pending-failed (pending pacts: shown, not counted as passed, not failing the run):\n  ~ ${CONSUMER} -> ${PROVIDER}: '${BROKEN}'`);
    expect(run.stdout).toMatch(/PASS: 2 case\(s\), 0 failed, 1 pending-failed, in /);

    const junit = fs.readFileSync(path.join(work, 'pending/junit', `${CONSUMER}.xml`), 'utf8');
    expect(junit).toContain('tests="2" failures="0" errors="0" skipped="1"');
    // The verifier lists a body's mismatches in no fixed order: the first one is the message.
    expect(junit).toMatch(/<skipped message="pending pact failed \(not failing the build\): BodyMismatch at \$\.error\.(code|message)/);
    expect(junit).toMatch(/<system-out>[^<]*PACT BodyMismatch at \$\.error\.code[^<]*evidence:/);

    // What pact's verifier publishes for a pending pact's failure (pact_verifier publish_to_broker):
    // success=false, with the failing interaction and its mismatches; pending changes the build, not the result.
    const posted = sent.filter((r) => r.method === 'POST' && r.path.endsWith('/verification-results'));
    expect(posted).toHaveLength(1);
    const body = posted[0].body as { success: boolean; providerApplicationVersion: string; testResults: Array<{ interactionId: string; success: boolean; interactionDescription?: string; mismatches?: Array<{ attribute: string }> }> };
    expect(body.providerApplicationVersion).toBe('5.0.0');
    expect(body.success).toBe(false);
    const content = broker.state.pactContents.get(broker.state.publications[0].sha) as { interactions: Array<{ _id: string; description: string }> };
    const idOf = (d: string): string | undefined => content.interactions.find((i) => i.description === d)?._id;
    expect(broken?.ref.id).toBe(idOf(BROKEN));
    expect(body.testResults).toEqual(expect.arrayContaining([
      expect.objectContaining({ interactionId: idOf(BROKEN), success: false, interactionDescription: BROKEN, mismatches: expect.arrayContaining([expect.objectContaining({ attribute: 'body' })]) }),
      expect.objectContaining({ interactionId: idOf(KEPT), success: true }),
    ]));
    expect(broker.state.verifications.filter((v) => v.providerVersion === '5.0.0').map((v) => v.success)).toEqual([false]);
  });

  it('keeps a work-in-progress pact WIP after the provider branch verified it as WIP, as the broker does', async () => {
    // The consumer's feature branch: only the interaction the reference service keeps.
    const pact = JSON.parse(fs.readFileSync(path.join(work, 'pacts', `${CONSUMER}-${PROVIDER}.json`), 'utf8')) as { interactions: Array<{ description: string }> };
    fs.mkdirSync(path.join(work, 'feature'), { recursive: true });
    fs.writeFileSync(path.join(work, 'feature', `${CONSUMER}-${PROVIDER}.json`), JSON.stringify({ ...pact, interactions: pact.interactions.filter((i) => i.description === KEPT) }));
    expect((await cli(['publish', '--pact-dir', 'feature', '--consumer-app-version', '3.1.0', '--branch', 'feat/kept'])).code).toBe(0);
    const wipRun = ['verify', '--provider', PROVIDER, '--main-branch', '--enable-pending', '--include-wip-pacts-since', '2020-01-01', '--provider-branch', 'main', '--quiet'];
    const first = await cli([...wipRun, '--provider-version', '5.1.0', '--publish']);
    expect(first.code).toBe(0);
    const feature = broker.state.publications.find((p) => p.consumerVersion === '3.1.0');
    // Published below the WIP link (metadata w=true): the broker records a WIP verification.
    expect(broker.state.verifications.filter((v) => v.pactSha === feature?.sha).map((v) => [v.providerVersion, v.success, v.wip])).toEqual([['5.1.0', true, true]]);
    const mark = broker.requests.length;
    expect((await cli([...wipRun, '--provider-version', '5.1.1'])).code).toBe(0);
    const answered = broker.requests.slice(mark).find((r) => r.method === 'POST' && r.path.endsWith('/for-verification'));
    expect(answered?.status).toBe(200);
    // A successful WIP verification does not take it out of WIP (successfully_verified_by_provider_branch_when_not_wip).
    const selected = broker.requests.slice(mark).filter((r) => r.method === 'GET' && feature !== undefined && r.path.includes(feature.sha));
    expect(selected.length).toBeGreaterThan(0);
    const link = Buffer.from(selected[0].path.split('/metadata/')[1] ?? '', 'base64url').toString('utf8');
    expect(link).toBe('w=true');
  });

  it('fails the build as an ordinary failure when pending status is not asked for', async () => {
    const run = await cli(['verify', '--provider', PROVIDER, '--main-branch', '--provider-version', '5.0.1', '--provider-branch', 'main', '--json', 'strict/report.json', '--quiet']);
    expect(run.code).toBe(1);
    const report = JSON.parse(fs.readFileSync(path.join(work, 'strict/report.json'), 'utf8')) as { cases: JsonCase[] };
    expect(report.cases.find((c) => c.ref.description === BROKEN)).toMatchObject({ verdict: 'failed', pact: { outcome: 'failed' } });
  });
});
