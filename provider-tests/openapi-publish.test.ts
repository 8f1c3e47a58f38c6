process.env.PACT_DO_NOT_TRACK = 'true';

/**
 * Publishing the exported OpenAPI document as a PactFlow provider contract, with the official CLI's
 * PactFlow command (`pact pactflow publish-provider-contract`, @pact-foundation/pact-cli), against the
 * broker double with its PactFlow route on. What the double received is what PactFlow would store.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pactBinaryPath } from '../src/broker/pact-cli';
import { main } from '../src/cli/main';
import { startBrokerDouble, type BrokerDouble } from '../test-support/broker-double';
import { tempDir } from '../test-support/temp-dir';

jest.setTimeout(60_000);

const TOKEN = 'pactflow-token-3b9e51c7d2';
let broker: BrokerDouble;
let work: string;

async function cli(args: string[]): Promise<number> {
  return main(args, { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: work });
}

/** The CLI exactly as docs/ci.md runs it; asynchronous, so the in-process double can answer. */
function publishProviderContract(args: string[]): Promise<{ code: number; output: string }> {
  const env = { ...process.env, PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN, PACT_BROKER_HTTP_RETRIES: '1' };
  return new Promise((resolve) => {
    execFile(pactBinaryPath(), ['pactflow', 'publish-provider-contract', ...args], { cwd: work, env, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

beforeAll(async () => {
  broker = await startBrokerDouble({ token: TOKEN, pactflow: true });
  work = tempDir('openapi-publish-');
  expect(await cli(['openapi', '--api', 'jpush-v3', '--out', 'openapi'])).toBe(0);
  // The self-verification results: lint-openapi's report that the document conforms to the policy.
  expect(await cli(['lint-openapi', 'openapi/jpush-v3.json', '--json', 'reports/lint.json'])).toBe(0);
});

afterAll(async () => {
  await broker?.close();
});

describe('publishing the exported document to PactFlow', () => {
  it('the pactflow command publishes it with its self-verification on the provider version and branch', async () => {
    const r = await publishProviderContract([
      'openapi/jpush-v3.json', '--provider', 'push-api', '--provider-app-version', '1.4.0', '--branch', 'main', '--tag', 'dev',
      '--content-type', 'application/json', '--verification-exit-code', '0', '--verification-results', 'reports/lint.json',
      '--verification-results-content-type', 'application/json', '--verification-results-format', 'json', '--verifier', 'push-contracts',
      '--build-url', 'https://ci.example/run/7',
    ]);
    expect(r.output).not.toContain(TOKEN);
    expect(r.code).toBe(0);
    const [contract] = broker.state.providerContracts;
    expect(contract).toEqual(expect.objectContaining({ provider: 'push-api', version: '1.4.0', specification: 'oas', contentType: 'application/json' }));
    expect(contract.content).toBe(readFileSync(path.join(work, 'openapi', 'jpush-v3.json'), 'utf8'));
    expect(contract.selfVerificationResults).toEqual(expect.objectContaining({ success: true, verifier: 'push-contracts', format: 'json' }));
    const results = Buffer.from(String(contract.selfVerificationResults?.content), 'base64').toString('utf8');
    expect(JSON.parse(results)).toEqual(JSON.parse(readFileSync(path.join(work, 'reports', 'lint.json'), 'utf8')));
    const [post] = broker.requestsTo('POST', '/provider-contracts/provider/push-api/publish');
    expect(post.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(post.body).toEqual(expect.objectContaining({ branch: 'main', tags: ['dev'], buildUrl: 'https://ci.example/run/7' }));
    const version = broker.state.pacticipants.get('push-api')?.versions.get('1.4.0');
    expect(version?.branch).toBe('main');
    expect([...(version?.tags ?? [])]).toEqual(['dev']);
  });

  it('a refused publication fails the command (exit non-zero, the broker\'s status named)', async () => {
    broker.faults.push({ method: 'POST', path: /^\/provider-contracts\//, status: 400, times: 1 });
    const r = await publishProviderContract(['openapi/jpush-v3.json', '--provider', 'push-api', '--provider-app-version', '1.4.1']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('400');
  });
});
