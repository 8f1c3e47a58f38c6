import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Finding, InteractionRef } from '../audit/types';
import { basicAuth } from '../credentials';
import { renderHtml } from './html';
import { renderJson } from './json';
import { renderJunit, writeJunit } from './junit';
import { conformanceMatrix } from './matrix';
import { caseVerdict, runPassed, summarize, type ReportCase, type RunModel } from './model';
import { renderSummary } from './summary';
import { writeReports } from './write';
import { tempDir } from '../../test-support/temp-dir';

const ref = (consumer: string, description: string): InteractionRef => ({ consumer, provider: 'jpush-v3', description, providerStates: ['a device exists'] });
const finding = (r: InteractionRef, severity: 'error' | 'warning', ruleId: string, message: string): Finding => ({ ruleId, severity, message, location: 'response.body', interaction: r });

function kase(consumer: string, description: string, status: number, extra: Partial<ReportCase> = {}): ReportCase {
  return {
    ref: ref(consumer, description),
    endpoint: { api: 'jpush-v3', id: 'push' },
    request: { method: 'POST', path: '/v3/push' },
    status: { expected: status, actual: status },
    pact: { outcome: 'passed', mismatches: [] },
    findings: [],
    errors: [],
    durationMs: 12,
    ...extra,
  };
}

const a1 = ref('app-a', 'push 200 <with> "quotes" & ampersand');
const model: RunModel = {
  meta: { kind: 'verification', tool: { name: 'push-contracts', version: '0' }, startedAt: '2026-11-23T20:00:00.000Z', durationMs: 1500, providerBaseUrl: 'http://127.0.0.1:1', sources: ['pacts'], rules: [] },
  cases: [
    kase('app-a', a1.description, 200, { findings: [finding(a1, 'error', 'response.body.error-on-200', '200 carries an `error` key')] }),
    kase('app-a', 'push 400', 400, { findings: [finding(ref('app-a', 'push 400'), 'warning', 'response.business-code.unknown', 'code 9 is in no table')] }),
    kase('app-b', 'push 401', 401, { pact: { outcome: 'failed', mismatches: ['StatusMismatch: expected 401 but was 200'] }, status: { expected: 401, actual: 200 } }),
    kase('app-b', 'push 403', 403),
  ],
  errors: [],
};

describe('run model', () => {
  it('fails a case on an error finding or a pact mismatch, not on a warning', () => {
    expect(model.cases.map(caseVerdict)).toEqual(['failed', 'passed', 'failed', 'passed']);
    expect(runPassed(model)).toBe(false);
    expect(summarize(model)).toEqual([
      { consumer: 'app-a', provider: 'jpush-v3', cases: 2, passed: 1, failed: 1, pendingFailed: 0, findings: { error: 1, warning: 1 } },
      { consumer: 'app-b', provider: 'jpush-v3', cases: 2, passed: 1, failed: 1, pendingFailed: 0, findings: { error: 0, warning: 0 } },
    ]);
  });
});

describe('a case outside the catalogue', () => {
  it('is labelled "not in the catalogue" in the summary, HTML, JUnit and JSON, even when it passed', () => {
    const m: RunModel = { ...model, cases: [...model.cases, kase('app-a', 'list webhooks', 200, { endpoint: null, request: { method: 'GET', path: '/v3/webhooks' } })] };
    const dir = tempDir('pc-uncatalogued-');
    const written = writeReports(m, { junit: dir, html: path.join(dir, 'r.html'), json: path.join(dir, 'r.json') });
    expect(renderSummary(m)).toMatch(/1 not in the catalogue .*\n {2}- GET \/v3\/webhooks: .*list webhooks/);
    const html = readFileSync(written.html ?? '', 'utf8');
    expect(html).toContain('<h2>Not in the catalogue</h2>');
    expect(html).toMatch(/<li>GET \/v3\/webhooks: [^<]*list webhooks[^<]*<\/li>/);
    expect(readFileSync(written.junit[0], 'utf8')).toMatch(/name="list webhooks[^"]*"[^>]*>\s*<properties>\s*<property name="catalogue" value="not in the catalogue \(audited by the API-wide rules only\)"\/>/);
    const json = JSON.parse(readFileSync(written.json ?? '', 'utf8')) as { cases: Array<{ note?: string; request: { path: string } }> };
    expect(json.cases.filter((c) => c.note === 'not in the catalogue (audited by the API-wide rules only)').map((c) => c.request.path)).toEqual(['/v3/webhooks']);
  });
});

describe('conformance matrix APIs', () => {
  it('shows only the API of a run whose every case is on an uncatalogued v3 path', () => {
    const m: RunModel = { ...model, cases: [kase('app-a', 'list webhooks', 200, { endpoint: null, request: { method: 'GET', path: '/v3/webhooks' } })] };
    const apis = new Set(conformanceMatrix(m).rows.map((r) => r.api));
    expect([...apis]).toEqual(['jpush-v3']);
  });
});

describe('report file names', () => {
  it('gives consumers whose names differ only in non-ASCII characters their own files, readable and stable', () => {
    const names = ['émoji-consumer-🚀', 'ümoji-consumer-🔥', '推送客户端', '消息服务'];
    const m: RunModel = { ...model, cases: names.map((n) => kase(n, 'push 200', 200)) };
    const dir = tempDir('pc-junit-names-');
    const files = writeJunit(m, dir).map((f) => path.basename(f));
    expect(new Set(files).size).toBe(4);
    expect(readdirSync(dir)).toHaveLength(4);
    expect(files.filter((f) => /^emoji-consumer-[0-9a-f]{8}\.xml$/.test(f))).toHaveLength(1);
    expect(files.filter((f) => /^umoji-consumer-[0-9a-f]{8}\.xml$/.test(f))).toHaveLength(1);
    expect(files.filter((f) => /^consumer-[0-9a-f]{8}\.xml$/.test(f))).toHaveLength(2);
    expect(writeJunit(m, tempDir('pc-junit-names-')).map((f) => path.basename(f))).toEqual(files);
    const contents = files.map((f) => readFileSync(path.join(dir, f), 'utf8'));
    for (const n of names) expect(contents.filter((c) => c.includes(n))).toHaveLength(1);
  });

  it('refuses, before writing anything, two reports of one run on the same file', () => {
    const dir = tempDir('pc-reports-same-');
    const same = path.join(dir, 'report.out');
    expect(() => writeReports(model, { html: same, json: same })).toThrow(/would be written twice in one run/);
    expect(readdirSync(dir)).toEqual([]);
    expect(() => writeReports(model, { junit: path.join(dir, 'x.xml'), html: path.join(dir, 'x.app-a.xml') })).toThrow(/x\.app-a\.xml would be written twice/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('JUnit', () => {
  it('writes one file per consumer into a directory, each with one testcase per interaction and the findings inside it', () => {
    const dir = tempDir('pc-junit-');
    const files = writeJunit(model, dir);
    expect(files.map((f) => path.basename(f))).toEqual(['app-a.xml', 'app-b.xml']);
    const a = readFileSync(files[0], 'utf8');
    expect(a.match(/<testcase /g)).toHaveLength(2);
    expect(a).toContain('<testsuites name="push-contracts verification" tests="2" failures="1"');
    expect(a).toContain('name="push 200 &lt;with&gt; &quot;quotes&quot; &amp; ampersand given &apos;a device exists&apos;"'.replace(/&apos;/g, "'"));
    expect(a).toMatch(/<failure message="response.body.error-on-200" type="policy-violation">[^<]*ERROR response.body.error-on-200: 200 carries an `error` key/);
    expect(a).toContain('<system-out>WARNING response.business-code.unknown: code 9 is in no table (at response.body)</system-out>');
    expect(readFileSync(files[1], 'utf8')).toMatch(/type="pact-mismatch">[^<]*PACT StatusMismatch: expected 401 but was 200/);
  });

  it('never lets one consumer overwrite another when given a file name', () => {
    const dir = tempDir('pc-junit-');
    writeJunit(model, path.join(dir, 'junit.xml'));
    writeJunit(model, path.join(dir, 'x-{consumer}.xml'));
    expect(readdirSync(dir).sort()).toEqual(['junit.app-a.xml', 'junit.app-b.xml', 'x-app-a.xml', 'x-app-b.xml']);
  });

  it('replaces characters XML cannot carry', () => {
    const odd: RunModel = { ...model, cases: [kase('c', 'bell \u0007 here', 200)] };
    expect(renderJunit(odd)).toContain('bell \uFFFD here');
  });
});

describe('conformance matrix', () => {
  it('marks endpoint x status verified, failed, not covered or not applicable', () => {
    const m = conformanceMatrix(model);
    const push = m.rows.find((r) => r.endpoint === 'push');
    expect(push?.cells[200].state).toBe('failed');
    expect(push?.cells[400]).toEqual({ state: 'verified', cases: ['push 400'], caseIndexes: [1] });
    expect(push?.cells[401].state).toBe('failed');
    expect(push?.cells[403].state).toBe('verified');
    expect(push?.cells[500].state).toBe('not-covered');
    const tags = m.rows.find((r) => r.endpoint === 'tags.list');
    expect(tags?.cells[400].state).toBe('not-applicable');
    // Only the API the run touched gets rows.
    expect(m.rows.every((r) => r.api === 'jpush-v3')).toBe(true);
  });

  it('is a coloured table in the HTML page, with the verdict on top and exercised cells linking to their cases', () => {
    const html = renderHtml(model);
    expect(html).toContain('<h1 class="fail">FAIL');
    expect(html).toMatch(/<td>push<\/td><td>POST<\/td><td>\/v3\/push<\/td><td class="cell failed"[^>]*><a class="cell-link" href="#case-0" data-cases="0">✘<\/a><\/td><td class="cell verified"/);
    expect(html).toMatch(/<section class="case failed" id="case-0" /);
    expect(html).toContain('push 200 &lt;with&gt;');
    expect(html).not.toContain('<with>');
  });
});

describe('JSON and summary', () => {
  it('carries every case with its verdict and every finding', () => {
    const doc = JSON.parse(renderJson(model)) as { passed: boolean; cases: Array<{ verdict: string; findings: Finding[] }> };
    expect(doc.passed).toBe(false);
    expect(doc.cases.map((c) => c.verdict)).toEqual(['failed', 'passed', 'failed', 'passed']);
    expect(doc.cases.flatMap((c) => c.findings.map((f) => f.ruleId))).toEqual(['response.body.error-on-200', 'response.business-code.unknown']);
  });

  it('prints counts per consumer, the failing cases and the matrix', () => {
    const text = renderSummary(model);
    expect(text).toMatch(/app-a\s+jpush-v3\s+2\s+1\s+1\s+0\s+1\s+1/);
    expect(text).toContain("x app-b -> jpush-v3: 'push 401' given 'a device exists'");
    expect(text).toMatch(/jpush-v3\s+push\s+FAIL\s+ok\s+FAIL\s+ok/);
    expect(text).toContain('FAIL: 4 case(s), 2 failed');
  });

  it('masks secrets in every written report', () => {
    const secret = { appKey: 'k', masterSecret: 'superSecretMaster0000001' };
    const leaky: RunModel = { ...model, cases: [kase('c', `saw ${basicAuth(secret)} and superSecretMaster0000001`, 200)] };
    const dir = tempDir('pc-mask-');
    const out = writeReports(leaky, { junit: dir, html: path.join(dir, 'r.html'), json: path.join(dir, 'r.json') }, [secret.masterSecret, basicAuth(secret).slice(6)]);
    for (const f of [...out.junit, out.html as string, out.json as string]) {
      const text = readFileSync(f, 'utf8');
      expect(text).not.toContain('superSecretMaster0000001');
      expect(text).not.toContain(basicAuth(secret).slice(6));
      expect(text).toContain('***');
    }
  });
});

describe('not-covered statuses', () => {
  const odd = 'needs the dispatcher <down> & "slow"';
  const probeRun: RunModel = {
    meta: { ...model.meta, kind: 'probe' },
    cases: [{ ...kase('ignored', 'push 400', 400), ref: { description: 'push 400', provider: model.meta.providerBaseUrl } }],
    errors: [],
    notCovered: [
      { endpoint: { api: 'jpush-v3', id: 'push' }, api: 'jpush-v3', status: 500, cause: 'internal.error', reason: odd },
      { endpoint: { api: 'jpush-v3', id: 'push' }, api: 'jpush-v3', status: 503, reason: odd },
      { endpoint: null, api: 'jpush-v3', status: 429, cause: 'rate.exceeded', reason: 'no read-only endpoint of the push bucket to repeat' },
    ],
  };

  it('are JUnit testcases with <skipped message="reason"/>, escaped, counted in skipped and tests', () => {
    const xml = renderJunit(probeRun, 'probe');
    const esc = 'needs the dispatcher &lt;down&gt; &amp; &quot;slow&quot;';
    expect(xml).toContain(`<testsuites name="push-contracts probe" tests="4" failures="0" errors="0" skipped="3"`);
    expect(xml).toContain(`<testsuite name="probe -&gt; ${model.meta.providerBaseUrl}" tests="4" failures="0" errors="0" skipped="3"`);
    expect(xml).toContain(`<testcase classname="probe.${model.meta.providerBaseUrl}" name="jpush-v3 push 500 not covered" time="0.000">\n      <skipped message="${esc}"/>\n    </testcase>`);
    expect(xml).toContain(`name="jpush-v3 push 503 not covered" time="0.000">\n      <skipped message="${esc}"/>`);
    expect(xml).toContain('name="jpush-v3 (no single endpoint) 429 not covered" time="0.000">\n      <skipped message="no read-only endpoint of the push bucket to repeat"/>');
    expect(xml.match(/<skipped /g)).toHaveLength(3);
    expect(xml).not.toContain('<down>');
  });

  it('belong to no consumer: a verification writes them to a file of their own, never into a consumer\'s', () => {
    const dir = tempDir('pc-junit-skipped-');
    const files = writeJunit({ ...model, notCovered: probeRun.notCovered }, dir);
    expect(files.map((f) => path.basename(f))).toEqual(['app-a.xml', 'app-b.xml', 'verification.xml']);
    expect(readFileSync(files[0], 'utf8')).toContain('tests="2" failures="1" errors="0" skipped="0"');
    expect(readFileSync(files[2], 'utf8')).toMatch(/<testsuite name="verification -&gt; [^"]+" tests="3" failures="0" errors="0" skipped="3"/);
    // Without a list, nothing changes: no extra file, no skipped testcase.
    expect(writeJunit(model, tempDir('pc-junit-none-')).map((f) => path.basename(f))).toEqual(['app-a.xml', 'app-b.xml']);
  });

  it('carry their reason into the matrix cell and the HTML page, escaped', () => {
    const push = conformanceMatrix(probeRun).rows.find((r) => r.endpoint === 'push');
    expect(push?.cells[500]).toEqual({ state: 'not-covered', cases: [], caseIndexes: [], reasons: [odd] });
    expect(push?.cells[502]).toEqual({ state: 'not-covered', cases: [], caseIndexes: [] });
    const html = renderHtml(probeRun);
    const cell500 = html.match(/<tr><td>jpush-v3<\/td><td>push<\/td>.*?<\/tr>/)?.[0] ?? '';
    // Columns follow contracts' status order; 500 is the 9th status.
    const cells = [...cell500.matchAll(/<td class="cell ([a-z-]+)" title="([^"]*)">(.*?)<\/td>/g)];
    expect(cells[8].slice(1)).toEqual(['not-covered', 'not-covered: needs the dispatcher &lt;down&gt; &amp; &quot;slow&quot;', '·<sup><a href="#not-covered-1">1</a></sup>']);
    expect(cells[9][3]).toBe('·');
    expect(html).toContain('<li id="not-covered-1" value="1">needs the dispatcher &lt;down&gt; &amp; &quot;slow&quot; <span class="where">(push 500, push 503)</span></li>');
    expect(html).toContain('<li id="not-covered-2" value="2">no read-only endpoint of the push bucket to repeat <span class="where">(jpush-v3 429)</span></li>');
    expect(html).not.toContain('<down>');
    expect(renderHtml(model)).not.toContain('<h2>Not covered</h2>');
  });

  it('are in the JSON report when the run lists them, and counted in the console summary', () => {
    const doc = JSON.parse(renderJson(probeRun)) as { notCovered: unknown[] };
    expect(doc.notCovered).toEqual(probeRun.notCovered);
    expect(JSON.parse(renderJson(model))).not.toHaveProperty('notCovered');
    expect(renderSummary(probeRun)).toMatch(/PASS: 1 case\(s\), 0 failed, 3 not covered, in /);
    expect(renderSummary(model)).toMatch(/FAIL: 4 case\(s\), 2 failed, in /);
  });
});

describe('a pending pact\'s failure (pending-failed)', () => {
  const p1 = ref('app-c', 'push 404 of a pending pact');
  const pendingCase = kase('app-c', p1.description, 404, {
    status: { expected: 404, actual: 400 },
    pact: { outcome: 'pending-failed', mismatches: ['StatusMismatch: expected 404 but was 400'] },
  });
  const run: RunModel = { ...model, cases: [kase('app-c', 'push 200', 200), pendingCase] };

  it('is neither a pass nor a failure of the run, and is counted apart', () => {
    expect(run.cases.map(caseVerdict)).toEqual(['passed', 'pending-failed']);
    expect(runPassed(run)).toBe(true);
    expect(summarize(run)).toEqual([{ consumer: 'app-c', provider: 'jpush-v3', cases: 2, passed: 1, failed: 0, pendingFailed: 1, findings: { error: 0, warning: 0 } }]);
  });

  it('still fails on an error finding of the audit or an infrastructure error: pending excuses only what the pact expects', () => {
    expect(caseVerdict({ ...pendingCase, findings: [finding(p1, 'error', 'response.envelope.invalid', 'no envelope')] })).toBe('failed');
    expect(caseVerdict({ ...pendingCase, errors: ['provider did not answer within 300 ms'] })).toBe('failed');
  });

  it('is listed with its mismatches in the console summary, in its own section and count', () => {
    const text = renderSummary(run);
    expect(text).toMatch(/app-c\s+jpush-v3\s+2\s+1\s+0\s+1\s+0\s+0/);
    expect(text).toContain("1 pending-failed (pending pacts: shown, not counted as passed, not failing the run):\n  ~ app-c -> jpush-v3: 'push 404 of a pending pact' given 'a device exists'\n");
    expect(text).toContain('      PACT StatusMismatch: expected 404 but was 400\n');
    expect(text).not.toContain('failing:');
    expect(text).toMatch(/jpush-v3\s+push\s+ok\s+\.\s+\.\s+\.\s+PEND/);
    expect(text).toContain('PASS: 2 case(s), 0 failed, 1 pending-failed, in ');
  });

  it('is a skipped JUnit testcase with the mismatches in system-out, never a pass and never a failure', () => {
    const xml = renderJunit(run, 'app-c');
    expect(xml).toContain('<testsuites name="push-contracts verification" tests="2" failures="0" errors="0" skipped="1"');
    expect(xml).toContain('<testsuite name="app-c -&gt; jpush-v3" tests="2" failures="0" errors="0" skipped="1"');
    expect(xml).toMatch(/name="push 404 of a pending pact given 'a device exists'" time="0.012">\n {6}<skipped message="pending pact failed \(not failing the build\): StatusMismatch: expected 404 but was 400"\/>\n {6}<system-out>POST \/v3\/push: expected 404, got 400\nSTATUS expected 404, got 400 \(response.status.mismatch\)\nPACT StatusMismatch: expected 404 but was 400<\/system-out>/);
    expect(xml).not.toContain('<failure');
  });

  it('has its verdict in the JSON report and its own colour, mark and filter value in the HTML page', () => {
    const doc = JSON.parse(renderJson(run)) as { passed: boolean; cases: Array<{ verdict: string; pact: { outcome: string } }> };
    expect(doc.passed).toBe(true);
    expect(doc.cases.map((c) => [c.verdict, c.pact.outcome])).toEqual([['passed', 'passed'], ['pending-failed', 'pending-failed']]);
    const html = renderHtml(run);
    expect(html).toContain('<h1 class="pass">PASS — 2 case(s), 0 failed, 1 pending-failed</h1>');
    expect(html).toMatch(/<section class="case pending-failed" id="case-1" [^>]*data-verdict="pending-failed"><h3>◐ /);
    expect(html).toContain('<option>pending-failed</option>');
    expect(html).toMatch(/<td class="cell pending-failed" title="pending-failed: push 404 of a pending pact"><a class="cell-link" href="#case-1" data-cases="1">◐<\/a><\/td>/);
    expect(conformanceMatrix(run).rows.find((r) => r.endpoint === 'push')?.cells[404].state).toBe('pending-failed');
  });
});

describe('an interaction nothing verified (not-verified)', () => {
  const never = kase('app-d', 'push 403 skipped by the verifier', 403, {
    status: { expected: 403, actual: null },
    pact: { outcome: 'not-verified', mismatches: [] },
    errors: ['not verified: pact\'s verifier reported no result for it and sent no request for it'],
  });

  it('fails the case and the run, even without an error line, and says so as its own JUnit failure type', () => {
    expect(caseVerdict(never)).toBe('failed');
    expect(caseVerdict({ ...never, errors: [] })).toBe('failed');
    expect(runPassed({ ...model, cases: [never] })).toBe(false);
    expect(renderJunit({ ...model, cases: [never] })).toContain('<failure message="not verified: pact&apos;s verifier reported no result for it and sent no request for it" type="not-verified">'.replace(/&apos;/g, "'"));
  });
});
