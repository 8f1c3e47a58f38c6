/**
 * Real credentials come from PUSH_APP_KEY / PUSH_MASTER_SECRET, are injected at request time, and
 * appear nowhere: not in the console output (the native verifier's included: the built CLI runs in a
 * child process so everything it prints is captured), not in any report.
 */
process.env.PACT_DO_NOT_TRACK = 'true';
jest.setTimeout(60_000);

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { basicAuth, groupBasicAuth, PLACEHOLDER_CREDENTIALS, PLACEHOLDER_GROUP_CREDENTIALS, secretForms, type Credentials, type GroupCredentials } from '../src/credentials';
import { verifyProvider } from '../src/verifier/verify';
import { PROVIDER_STATES_PATH, startReferenceService, type ReferenceService } from '../src/service';
import { exactly, generatedInteractions, pick, PACT_DIR } from './generated-pacts';
import { builtCli } from '../test-support/built-cli';
import { tempDir } from '../test-support/temp-dir';

const REAL: Credentials = { appKey: 'maskTestAppKey0000000001', masterSecret: 'maskTestMasterSecret0001' };
const ROOT = path.join(__dirname, '..');

/** A careless provider that puts the Authorization it received (raw and decoded) into its error message. */
async function startEchoingProvider(): Promise<{ echo: http.Server; url: string }> {
  const echo = http.createServer((req, res) => {
    const auth = String(req.headers.authorization);
    const decoded = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString('utf8');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sendno: '0', msg_id: '1', error: { code: 1004, message: `refused ${auth} (${decoded})` } }));
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  return { echo, url: `http://127.0.0.1:${(echo.address() as AddressInfo).port}` };
}

/** A one-interaction pact (in a fresh directory) whose exact 200 body the echoing provider breaks. */
function writeEchoPact(prefix: string, description: string, requestPath: string, authorization: string): string {
  const dir = tempDir(prefix);
  writeFileSync(path.join(dir, 'echo.json'), JSON.stringify({
    consumer: { name: 'echo-client' },
    provider: { name: 'jpush-v3' },
    interactions: [{
      type: 'Synchronous/HTTP',
      description,
      request: { method: 'POST', path: requestPath, headers: { Authorization: [authorization] } },
      response: { status: 200, headers: { 'Content-Type': ['application/json'] }, body: { content: { sendno: '0', msg_id: '1', error: 'none' }, contentType: 'application/json', encoded: false } },
    }],
    metadata: { pactSpecification: { version: '4.0' } },
  }));
  return dir;
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [builtCli(), ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
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
    const dir = tempDir('pc-creds-');
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

  it('masks credentials a provider echoes back, in our report and in the verifier\'s own output', async () => {
    const { echo, url } = await startEchoingProvider();
    const dir = writeEchoPact('pc-echo-', 'push answered with an exact body', '/v3/push', basicAuth(PLACEHOLDER_CREDENTIALS));
    const { code, output } = await runCli(
      ['verify', '--pact-dir', dir, '--provider-base-url', url, '--pact-output', '--json', path.join(dir, 'r.json'), '--junit', path.join(dir, 'junit')],
      { PUSH_APP_KEY: REAL.appKey, PUSH_MASTER_SECRET: REAL.masterSecret, PACT_DO_NOT_TRACK: 'true' },
    );
    await new Promise<void>((r) => echo.close(() => r()));
    expect(code).toBe(1);
    // The echoed text did reach both reports, masked.
    expect(output).toContain('refused ***');
    expect(output).toContain('Verifying a pact between');
    const texts = [output, readFileSync(path.join(dir, 'r.json'), 'utf8'), ...readdirSync(path.join(dir, 'junit')).map((f) => readFileSync(path.join(dir, 'junit', f), 'utf8'))];
    for (const text of texts) {
      for (const secret of secretForms(REAL)) expect(text).not.toContain(secret);
    }
  });

  it('masks group credentials a provider echoes back in the verifier\'s own output, as the library gives it', async () => {
    const group: GroupCredentials = { groupKey: 'maskTestGroupKey00000001', groupMasterSecret: 'maskTestGroupSecret00001' };
    const { echo, url } = await startEchoingProvider();
    const dir = writeEchoPact('pc-echo-group-', 'group push answered with an exact body', '/v3/grouppush', groupBasicAuth(PLACEHOLDER_GROUP_CREDENTIALS));
    const pactOutput: string[] = [];
    try {
      const result = await verifyProvider({ providerBaseUrl: url, sources: [{ kind: 'dir', dir }], groupCredentials: group, pactOutput: (line) => pactOutput.push(line), timeoutMs: 5000 });
      expect(result.exitCode).toBe(1);
    } finally {
      await new Promise<void>((r) => echo.close(() => r()));
    }
    const text = pactOutput.join('\n');
    // The echoed Authorization reached the verifier's report, masked.
    expect(text).toContain('refused ***');
    for (const secret of secretForms(group)) expect(text).not.toContain(secret);
  });
});
