/**
 * Real credentials come from PUSH_APP_KEY / PUSH_MASTER_SECRET, are injected at request time, and
 * appear nowhere: not in the console output (the native verifier's included: the CLI runs in a
 * child process so everything it prints is captured), not in any report.
 */
process.env.PACT_DO_NOT_TRACK = 'true';
jest.setTimeout(60_000);

import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { secretForms, type Credentials } from '../src/credentials';
import { PROVIDER_STATES_PATH, startReferenceService, type ReferenceService } from '../src/service';
import { exactly, generatedInteractions, pick, PACT_DIR } from './generated-pacts';

const REAL: Credentials = { appKey: 'maskTestAppKey0000000001', masterSecret: 'maskTestMasterSecret0001' };
const ROOT = path.join(__dirname, '..');

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'test-support/run-cli.ts'), ...args],
      { cwd: ROOT, env: { ...process.env, ...env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe('credentials during verification', () => {
  let service: ReferenceService;
  beforeAll(async () => {
    service = await startReferenceService({ enableProviderStates: true, credentials: REAL });
  });
  afterAll(async () => {
    await service.close();
  });

  it('injects the env credentials (authenticated interactions pass) and masks them in output and every report', async () => {
    const interactions = generatedInteractions();
    const wanted = [pick(interactions, { api: 'jpush-v3', endpoint: 'push', status: 200 }), pick(interactions, { api: 'jpush-v3', endpoint: 'push', status: 401 })];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pc-creds-'));
    const { code, output } = await runCli(
      [
        'verify', '--pact-dir', PACT_DIR, '--provider-base-url', service.url, '--provider-states-setup-url', service.url + PROVIDER_STATES_PATH,
        '--description', `/^(${wanted.map((i) => exactly(i.description).slice(2, -2)).join('|')})$/`,
        '--junit', path.join(dir, 'junit'), '--html', path.join(dir, 'r.html'), '--json', path.join(dir, 'r.json'),
      ],
      { PUSH_APP_KEY: REAL.appKey, PUSH_MASTER_SECRET: REAL.masterSecret, PACT_DO_NOT_TRACK: 'true' },
    );
    expect(output).toContain('PASS: 2 case(s), 0 failed');
    expect(code).toBe(0);
    const texts = [output, ...readdirSync(path.join(dir, 'junit')).map((f) => readFileSync(path.join(dir, 'junit', f), 'utf8')), readFileSync(path.join(dir, 'r.html'), 'utf8'), readFileSync(path.join(dir, 'r.json'), 'utf8')];
    for (const text of texts) {
      for (const secret of secretForms(REAL)) expect(text).not.toContain(secret);
    }
  });
});
