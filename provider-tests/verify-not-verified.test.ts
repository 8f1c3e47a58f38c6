process.env.PACT_DO_NOT_TRACK = 'true';

/**
 * An interaction that no request reached is never a pass. pact-core hands PACT_DESCRIPTION (and
 * PACT_PROVIDER_STATE, PACT_PROVIDER_NO_STATE) from the environment to pact's verifier as a filter,
 * and the verifier then skips every other interaction without an error or a result: a real run with
 * the variable set, against the embedded reference service.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { unknownPlatformPush, writeSmallPact } from '../test-support/small-pact';
import { runCliInProcess, type CliRun } from '../test-support/cli-in-process';
import { shareVerifierProcessesInThisFile } from '../test-support/shared-verifiers';
import { tempDir } from '../test-support/temp-dir';

// The file's verifications reuse idle verifier processes instead of starting their own each.
shareVerifierProcessesInThisFile();

jest.setTimeout(60_000);

const KEPT = 'a push to an unknown platform';
const SKIPPED = 'the same push, sent again';

let work: string;

function cli(args: string[]): Promise<CliRun> {
  return runCliInProcess(args, work, { PATH: process.env.PATH, HOME: process.env.HOME });
}

interface JsonCase {
  verdict: string;
  ref: { description: string };
  pact: { outcome: string };
  errors: string[];
}

beforeAll(async () => {
  work = tempDir('pc-not-verified-');
  await writeSmallPact(path.join(work, 'pacts'), { consumer: 'filter-client', provider: 'jpush-v3', interactions: [unknownPlatformPush(KEPT), unknownPlatformPush(SKIPPED)] });
});

afterEach(() => {
  delete process.env.PACT_DESCRIPTION;
});

describe('an interaction pact\'s verifier skipped', () => {
  it('is not-verified, names the variable that made the verifier skip it, and ends the run with exit 2', async () => {
    // Our verifier processes inherit this process's environment, as a CI job's would.
    process.env.PACT_DESCRIPTION = `^${KEPT}$`;
    const run = await cli(['verify', '--pact-dir', 'pacts', '--json', 'skipped.json', '--quiet']);
    expect(run.code).toBe(2);
    const report = JSON.parse(fs.readFileSync(path.join(work, 'skipped.json'), 'utf8')) as { passed: boolean; cases: JsonCase[] };
    expect(report.passed).toBe(false);
    expect(report.cases.find((c) => c.ref.description === KEPT)).toMatchObject({ verdict: 'passed', pact: { outcome: 'passed' }, errors: [] });
    const skipped = report.cases.find((c) => c.ref.description === SKIPPED);
    expect(skipped).toMatchObject({ verdict: 'failed', pact: { outcome: 'not-verified' } });
    expect(skipped?.errors).toEqual([`not verified: pact's verifier skipped it: PACT_DESCRIPTION='^${KEPT}$' is set in the environment, and pact-core filters interactions by it; select interactions with --description / --state instead`]);
    expect(run.stdout).toContain(`x filter-client -> jpush-v3: '${SKIPPED}'`);
    expect(run.stderr).toContain(`push-contracts: PC_ERR_USAGE: pact's verifier skipped 1 interaction(s) because PACT_DESCRIPTION='^${KEPT}$' is set in the environment; unset it and select interactions with --description / --state`);
  });

  it('passes the same pact once nothing filters the verifier (the skipped interaction was sound)', async () => {
    const run = await cli(['verify', '--pact-dir', 'pacts', '--json', 'all.json', '--quiet']);
    expect(run.code).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(work, 'all.json'), 'utf8')) as { cases: JsonCase[] };
    expect(report.cases.map((c) => [c.ref.description, c.verdict])).toEqual([[KEPT, 'passed'], [SKIPPED, 'passed']]);
  });
});
