import { readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getContracts } from '../contracts/load';
import type { Credentials } from '../credentials';
import { main } from '../cli/main';
import type { CliIO } from '../cli/io';
import { DEMO_DEVICE, startReferenceService, type ReferenceService } from '../service';
import { startFaultLayer } from '../../test-support/fault-layer';
import { tempDir } from '../../test-support/temp-dir';
import { refusedPort } from '../matrix/servers';

const CREDENTIALS: Credentials = { appKey: 'probeCliAppKey0000000001', masterSecret: 'probeCliSecret0000000001' };
const ENV = { PUSH_APP_KEY: CREDENTIALS.appKey, PUSH_MASTER_SECRET: CREDENTIALS.masterSecret };

function io(env: CliIO['env'] = ENV): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd: os.tmpdir() };
}

describe('push-contracts probe', () => {
  let svc: ReferenceService;
  beforeAll(async () => {
    svc = await startReferenceService({ credentials: CREDENTIALS });
  });
  afterAll(() => svc.close());
  afterEach(() => svc.reset());

  it('exits 0 on a conforming service and writes the not-covered statuses with their reasons to JSON, JUnit (skipped) and HTML', async () => {
    const dir = tempDir('probe-cli-');
    const file = path.join(dir, 'probe.json');
    const cli = io();
    const code = await main(['probe', '--base-url', svc.url, '--api', 'mtpush-v4', '--json', file, '--junit', path.join(dir, 'junit'), '--html', path.join(dir, 'probe.html')], cli);
    expect(code).toBe(0);
    expect(cli.out.join('')).toMatch(/PASS: \d+ case\(s\), 0 failed, \d+ not covered/);
    expect(cli.out.join('')).toMatch(/not covered \(\d+; never counted as passed\)/);
    type Gap = { endpoint: { api: string; id: string } | null; status: number; reason: string };
    const report = JSON.parse(readFileSync(file, 'utf8')) as { passed: boolean; meta: { kind: string }; cases: unknown[]; notCovered: Gap[] };
    expect(report).toMatchObject({ passed: true, meta: { kind: 'probe' } });
    expect(report.cases.length).toBeGreaterThan(50);
    expect(report.notCovered.some((n) => n.status === 500)).toBe(true);

    // The 5xx of an endpoint need service-side conditions: each is a skipped testcase carrying the probe's reason.
    const contracts = getContracts();
    const endpoint = contracts.endpoints('mtpush-v4')[0];
    const serverErrors = endpoint.statuses.filter((s) => contracts.status(s)?.class === 'server-error');
    expect(serverErrors.length).toBeGreaterThan(0);
    expect(readdirSync(path.join(dir, 'junit'))).toEqual(['probe.xml']);
    const junit = readFileSync(path.join(dir, 'junit', 'probe.xml'), 'utf8');
    const unxml = (t: string): string => t.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const testcases = [...junit.matchAll(/<testcase [^>]*name="([^"]+) not covered"[^>]*>\s*<skipped message="([^"]*)"\/>/g)];
    expect(testcases).toHaveLength(report.notCovered.length);
    const skipped = new Map(testcases.map((m) => [unxml(m[1]), unxml(m[2])]));
    expect(junit).toMatch(new RegExp(`<testsuites [^>]*skipped="${report.notCovered.length}"`));
    for (const status of serverErrors) {
      const gap = report.notCovered.find((n) => n.endpoint?.id === endpoint.id && n.status === status);
      expect(gap?.reason).toEqual(expect.any(String));
      expect(skipped.get(`mtpush-v4 ${endpoint.id} ${status}`)).toBe(gap?.reason);
    }
    // The HTML matrix's cell says why, too.
    const html = readFileSync(path.join(dir, 'probe.html'), 'utf8');
    const gap = report.notCovered.find((n) => n.endpoint?.id === endpoint.id && n.status === serverErrors[0]);
    expect(html).toContain(`<td class="cell not-covered" title="not-covered: ${(gap?.reason ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}">·<sup>`);
  });

  it('exits 1 and names the rule when the service breaks the policy', async () => {
    const layer = await startFaultLayer(svc.url, 'drop-allow');
    try {
      const cli = io();
      const code = await main(['probe', '--base-url', layer.url, '--api', 'jpush-v3', '--endpoints', 'push,tags.list'], cli);
      expect(code).toBe(1);
      expect(cli.out.join('')).toContain('response.header.allow-missing');
    } finally {
      await layer.close();
    }
  });

  it('judges only by the rules --rule names and not by those --skip-rule names, as verify does', async () => {
    const layer = await startFaultLayer(svc.url, 'drop-allow');
    try {
      const args = ['probe', '--base-url', layer.url, '--api', 'jpush-v3', '--endpoints', 'tags.list'];
      expect(await main([...args, '--skip-rule', 'response.header.allow-missing'], io())).toBe(0);
      expect(await main([...args, '--rule', 'probe.status.unexpected', '--rule', 'response.status.unknown'], io())).toBe(0);
      expect(await main([...args, '--rule', 'response.header.allow-missing'], io())).toBe(1);
      const unknown = io();
      expect(await main([...args, '--skip-rule', 'no.such.rule'], unknown)).toBe(2);
      expect(unknown.err.join('')).toContain('PC_ERR_USAGE');
    } finally {
      await layer.close();
    }
  });

  it('exits 2 with PC_ERR_CREDENTIALS_MISSING when PUSH_APP_KEY / PUSH_MASTER_SECRET are unset', async () => {
    const cli = io({});
    expect(await main(['probe', '--base-url', svc.url, '--api', 'jpush-v3'], cli)).toBe(2);
    expect(cli.err.join('')).toContain('PC_ERR_CREDENTIALS_MISSING');
  });

  it('exits 2 on an unknown API, an unknown endpoint, or a malformed base URL', async () => {
    expect(await main(['probe', '--base-url', svc.url, '--api', 'jpush-v2'], io())).toBe(2);
    const unknown = io();
    expect(await main(['probe', '--base-url', svc.url, '--api', 'jpush-v3', '--endpoints', 'nope'], unknown)).toBe(2);
    expect(unknown.err.join('')).toContain('PC_ERR_UNKNOWN_ENDPOINT');
    const bad = io();
    expect(await main(['probe', '--base-url', 'not a url', '--api', 'jpush-v3'], bad)).toBe(2);
    expect(bad.err.join('')).toContain('PC_ERR_USAGE');
  });

  it('exits 2 with PC_ERR_PROVIDER_UNREACHABLE when nothing listens at the base URL', async () => {
    const url = `http://127.0.0.1:${await refusedPort()}`;
    const cli = io();
    expect(await main(['probe', '--base-url', url, '--api', 'jpush-v3'], cli)).toBe(2);
    expect(cli.err.join('')).toContain('PC_ERR_PROVIDER_UNREACHABLE');
  });

  it('takes existing resource ids as options and probes the 200s they make possible', async () => {
    const file = path.join(tempDir('probe-cli-'), 'probe.json');
    const code = await main(['probe', '--base-url', svc.url, '--api', 'jpush-v3', '--endpoints', 'device.get', '--registration-id', DEMO_DEVICE.registrationId, '--json', file], io());
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(file, 'utf8')) as { cases: Array<{ request: { path: string }; status: { expected: number; actual: number } }>; notCovered: Array<{ status: number }> };
    expect(report.cases).toContainEqual(expect.objectContaining({ request: expect.objectContaining({ path: `/v3/devices/${DEMO_DEVICE.registrationId}` }), status: { expected: 200, actual: 200 } }));
    expect(report.notCovered.some((n) => n.status === 200)).toBe(false);
  });
});
