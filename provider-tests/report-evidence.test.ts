/**
 * Every failing case carries its evidence, over real HTTP: a real verification of a real pact against
 * a provider that answers 200 for a 401 case and a 500 debug page reflecting the credentials. The
 * reports show the request, the response (masked, bounded), a curl line with the credentials left as
 * shell variables, and the root cause first with its follow-ons folded under it.
 */
process.env.PACT_DO_NOT_TRACK = 'true';
jest.setTimeout(90_000);

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { STATUS_MISMATCH } from '../src/audit/types';
import { basicAuth, MIN_FRAGMENT, secretForms, type Credentials } from '../src/credentials';
import { rootCauses } from '../src/report/causes';
import { EVIDENCE_BODY_LIMIT } from '../src/report/evidence';
import type { ReportCase } from '../src/report/model';
import { renderSummary } from '../src/report/summary';
import { writeReports } from '../src/report/write';
import { verifyProvider, type VerifyResult } from '../src/verifier/verify';
import { startMisbehavingProvider, writeMisbehavingPact, type MisbehavingProvider } from '../test-support/misbehaving-provider';
import { tempDir } from '../test-support/temp-dir';

const REAL: Credentials = { appKey: 'evidAppKeyQ7r2Lm9Tx4Wb1Z', masterSecret: 'eVq8Zt3Lp6Wn1Xr4Ks7Dm2Hc' };

/** Runs a command line in sh with only these variables (and PATH) set; resolves with its stdout. */
function sh(command: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', command], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}

/** Every run of MIN_FRAGMENT characters of every secret form: none may appear in a report. */
function fragments(): string[] {
  return secretForms(REAL).flatMap((form) => Array.from({ length: form.length - MIN_FRAGMENT + 1 }, (_, i) => form.slice(i, i + MIN_FRAGMENT)));
}

describe('evidence of failing cases', () => {
  let provider: MisbehavingProvider;
  let result: VerifyResult;
  const byName = (d: string): ReportCase => result.model.cases.find((c) => c.ref.description === d) as ReportCase;

  beforeAll(async () => {
    provider = await startMisbehavingProvider();
    const pactDir = tempDir('pc-evidence-pact-');
    await writeMisbehavingPact(pactDir);
    result = await verifyProvider({ providerBaseUrl: provider.url, sources: [{ kind: 'dir', dir: pactDir }], credentials: REAL });
  });
  afterAll(async () => {
    await provider.close();
  });

  it('puts the status mismatch first and folds the rate-limit findings of a 200-for-401 under it', () => {
    const c = byName('push with wrong credentials');
    expect(c.status).toEqual({ expected: 401, actual: 200 });
    const roots = rootCauses(c);
    expect(roots[0].id).toBe(STATUS_MISMATCH);
    expect(roots[0].followOns.map((f) => f.ruleId)).toEqual(['response.header.rate-limit-missing', 'response.header.rate-limit-missing', 'response.header.rate-limit-missing']);
    // Nothing else is a root: the three findings no longer bury the cause.
    expect(roots.filter((r) => r.id === 'response.header.rate-limit-missing')).toEqual([]);
    const summary = renderSummary(result.model);
    const block = summary.slice(summary.indexOf('x shop-app -> jpush-v3: \'push with wrong credentials\''));
    expect(block).toMatch(/^.*\n\s+STATUS expected 401, got 200 \(response\.status\.mismatch\)\n\s+↳ follows: ERROR response\.header\.rate-limit-missing/);
  });

  it('records the request and the response, with the pact\'s own wrong credentials shown and curl reproducing them', () => {
    const e = byName('push with wrong credentials').evidence;
    expect(e?.request.method).toBe('POST');
    expect(e?.request.url).toBe(`${provider.url}/v3/push`);
    expect(JSON.parse(e?.request.body?.text ?? '')).toEqual({ platform: 'all', audience: 'all', notification: { alert: "it's \"quoted\" & $HOME" } });
    expect(e?.response?.status).toBe(200);
    expect(e?.response?.body).toEqual({ text: '{\n  "sendno": "0",\n  "msg_id": "1828256757"\n}', bytes: 45, truncated: false, json: true });
    expect(e?.curl).toContain(`curl -sS -i -X POST '${provider.url}/v3/push' -H 'authorization: Basic `);
  });

  it('gives curl lines that reproduce the exchanges when run in a shell, credentials taken from the environment', async () => {
    // The body is single-quoted for the shell: its own quote and $HOME arrive as sent.
    const wrong = await sh(byName('push with wrong credentials').evidence?.curl ?? '', {});
    expect(wrong).toMatch(/^HTTP\/1\.1 200/);
    expect(wrong).toContain('"msg_id":"1828256757"');
    const valid = await sh(byName('push a notification').evidence?.curl ?? '', { PUSH_APP_KEY: REAL.appKey, PUSH_MASTER_SECRET: REAL.masterSecret });
    expect(valid).toMatch(/^HTTP\/1\.1 500/);
    // The provider reflects the header: the variables expanded to the real credentials.
    expect(valid).toContain(`Authorization=${basicAuth(REAL)}`);
  });

  it('masks credentials reflected into a response body before cutting it at the bound, and leaves them as variables in curl', () => {
    const c = byName('push a notification');
    const e = c.evidence;
    expect(e?.response?.status).toBe(500);
    expect(e?.response?.body.truncated).toBe(true);
    expect(Buffer.byteLength(e?.response?.body.text ?? '', 'utf8')).toBeLessThanOrEqual(EVIDENCE_BODY_LIMIT);
    expect(e?.response?.body.bytes).toBeGreaterThan(EVIDENCE_BODY_LIMIT);
    expect(e?.response?.body.text).toContain('debug: Authorization=***');
    expect(e?.request.headers.authorization).toBe('Basic *** ($PUSH_APP_KEY:$PUSH_MASTER_SECRET)');
    expect(e?.curl).toContain(`-u "$PUSH_APP_KEY:$PUSH_MASTER_SECRET"`);
  });

  it('gives passing cases no evidence, and leaks no fragment of the credentials into any report', () => {
    expect(byName('list webhooks').evidence).toBeUndefined();
    const dir = tempDir('pc-evidence-reports-');
    writeReports(result.model, { junit: path.join(dir, 'junit'), html: path.join(dir, 'r.html'), json: path.join(dir, 'r.json') }, result.secrets);
    const junit = readdirSync(path.join(dir, 'junit')).map((f) => readFileSync(path.join(dir, 'junit', f), 'utf8')).join('\n');
    const html = readFileSync(path.join(dir, 'r.html'), 'utf8');
    const json = readFileSync(path.join(dir, 'r.json'), 'utf8');
    const console = renderSummary(result.model);
    for (const text of [junit, html, json, console]) {
      expect(text).toContain('$PUSH_APP_KEY:$PUSH_MASTER_SECRET');
      for (const f of fragments()) expect(text).not.toContain(f);
    }
    // Each format carries the evidence: JSON as data, JUnit in the failure text, HTML in the case section.
    const doc = JSON.parse(json) as { cases: Array<{ ref: { description: string }; evidence?: { response: { status: number } } }> };
    expect(doc.cases.find((c) => c.ref.description === 'push with wrong credentials')?.evidence?.response.status).toBe(200);
    expect(junit).toMatch(/<failure [^>]*>[^<]*evidence:\n&gt; POST http:\/\/127\.0\.0\.1:\d+\/v3\/push\n[^<]*&lt; 200\n[^<]*&quot;msg_id&quot;: &quot;1828256757&quot;/);
    expect(html).toMatch(/<pre class="response">200\n[^<]*&quot;msg_id&quot;: &quot;1828256757&quot;/);
    expect(html).toMatch(/<pre class="curl">curl -sS -i -X POST/);
    expect(console).toContain(`< 200 application/json`);
  });
});
