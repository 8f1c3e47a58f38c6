/**
 * The main job (`npm start` = `push-contracts start`) in a scratch project root: pacts regenerated
 * through `npm run pacts` when absent or stale, verified against the embedded reference service,
 * summary printed, reports written where it says.
 */
process.env.PACT_DO_NOT_TRACK = 'true';
jest.setTimeout(60_000);

import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../src/cli/main';
import { stalePactsReason } from '../src/cli/commands/start';
import { filterPact, pactFilesIn, readPactFile } from '../src/verifier/pacts';
import { exactly, generatedInteractions, pick, PACT_DIR } from './generated-pacts';
import { tempDir } from '../test-support/temp-dir';

/** A one-interaction pact cut from the generated ones (a 200 the reference service answers). */
function smallPact(): string {
  const wanted = pick(generatedInteractions(), { api: 'jpush-v3', endpoint: 'push', status: 200 });
  const file = pactFilesIn(PACT_DIR).find((f) => readPactFile(f).interactions.some((i) => i.description === wanted.description)) as string;
  return JSON.stringify(filterPact(readPactFile(file), { description: exactly(wanted.description) }).document);
}

function project(): string {
  const root = tempDir('pc-start-');
  mkdirSync(path.join(root, 'contracts'));
  writeFileSync(path.join(root, 'contracts', 'statuses.json'), '{}');
  // `npm run pacts` of this scratch project writes the small pact, as the consumer suites would.
  writeFileSync(path.join(root, 'small.json'), smallPact());
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({
    name: 'scratch', version: '0.0.0', private: true,
    scripts: { pacts: "node -e \"require('fs').mkdirSync('pacts',{recursive:true});require('fs').copyFileSync('small.json','pacts/small.json');console.log('pacts written')\"" },
  }));
  return root;
}

async function start(root: string, args: string[] = []): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['start', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { ...process.env, PUSH_APP_KEY: undefined, PUSH_MASTER_SECRET: undefined }, cwd: root });
  return { code, out, err };
}

describe('push-contracts start', () => {
  it('knows when pacts are absent or older than their sources', () => {
    const root = project();
    expect(stalePactsReason(root)).toBe('pacts/ has no pact');
    mkdirSync(path.join(root, 'pacts'));
    writeFileSync(path.join(root, 'pacts', 'p.json'), '{}');
    const old = new Date(Date.now() - 60_000);
    utimesSync(path.join(root, 'pacts', 'p.json'), old, old);
    expect(stalePactsReason(root)).toBe('contracts/statuses.json changed after the pacts were generated');
    utimesSync(path.join(root, 'contracts', 'statuses.json'), new Date(old.getTime() - 60_000), new Date(old.getTime() - 60_000));
    expect(stalePactsReason(root)).toBeUndefined();
  });

  it('generates absent pacts, verifies them against the reference service, prints the summary and where the reports are', async () => {
    const root = project();
    const run = await start(root);
    expect(run.out).toContain('regenerating the pacts (pacts/ has no pact): npm run pacts');
    expect(run.out).toContain('pacts written');
    expect(run.out).toMatch(/push-contracts-reference-client\s+jpush-v3\s+1\s+1\s+0\s+0\s+0/);
    expect(run.out).toMatch(/jpush-v3\s+push\s+ok\s+\./);
    for (const report of ['reports/junit/push-contracts-reference-client.xml', 'reports/conformance.html', 'reports/verification.json']) {
      expect(run.out).toContain(path.join(root, report));
      expect(existsSync(path.join(root, report))).toBe(true);
    }
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(root, 'reports/verification.json'), 'utf8'))).toMatchObject({ passed: true });

    // Fresh now: the second run verifies without regenerating.
    const again = await start(root);
    expect(again.out).toContain('pacts/ is up to date');
    expect(again.code).toBe(0);
  });
});
