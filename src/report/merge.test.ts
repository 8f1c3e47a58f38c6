import type { Finding, InteractionRef } from '../audit/types';
import { PushContractsError } from '../errors';
import { renderHtml } from './html';
import { renderJson } from './json';
import { renderJunit } from './junit';
import { mergeRuns, runFromJson } from './merge';
import type { ReportCase, RunModel } from './model';

const ref = (consumer: string, description: string): InteractionRef => ({ consumer, provider: 'jpush-v3', description, providerStates: [] });

function kase(consumer: string, description: string, status: number, extra: Partial<ReportCase> = {}): ReportCase {
  return {
    ref: ref(consumer, description),
    endpoint: description.includes('webhooks') ? null : { api: 'jpush-v3', id: 'push' },
    request: { method: 'POST', path: '/v3/push' },
    status: { expected: status, actual: status },
    pact: { outcome: 'passed', mismatches: [] },
    findings: [],
    errors: [],
    durationMs: 7,
    ...extra,
  };
}

const error: Finding = { ruleId: 'response.body.error-on-200', severity: 'error', message: '200 carries an `error` key', location: 'response.body', interaction: ref('a', 'push 200') };
const cases = [
  kase('a', 'push 200', 200, { findings: [error] }),
  kase('a', 'push 400', 400),
  kase('a', 'list webhooks', 200),
  kase('b', 'push 401', 401, { pact: { outcome: 'failed', mismatches: ['StatusMismatch: expected 401 but was 200'] }, status: { expected: 401, actual: 200 } }),
  kase('b', 'push 403', 403, { errors: ['provider did not answer POST /v3/push within 300 ms'], status: { expected: 403, actual: null } }),
  kase('c', 'push 404 of a pending pact', 404, { pact: { outcome: 'pending-failed', mismatches: ['StatusMismatch: expected 404 but was 400'] }, status: { expected: 404, actual: 400 } }),
  kase('c', 'push 405 nothing verified', 405, { pact: { outcome: 'not-verified', mismatches: [] }, errors: ['not verified: pact\'s verifier reported no result for it and sent no request for it'], status: { expected: 405, actual: null } }),
];
const meta = (extra: Partial<RunModel['meta']> = {}): RunModel['meta'] => ({
  kind: 'verification', tool: { name: 'push-contracts', version: '0' }, startedAt: '2026-12-04T05:00:00.000Z', durationMs: 1000, providerBaseUrl: 'http://127.0.0.1:1', sources: ['pacts'], rules: ['r1', 'r2'], ...extra,
});
const single: RunModel = { meta: meta(), cases, errors: [] };
const shard = (index: number, count: number, part: readonly ReportCase[], extra: Partial<RunModel['meta']> = {}): { model: RunModel; source: string } => {
  const model: RunModel = { meta: meta({ shard: { index, count }, durationMs: 1000 * index, providerBaseUrl: `http://127.0.0.1:${index}`, ...extra }), cases: part, errors: [] };
  // Through the JSON report and back, as merge-reports reads it.
  return { model: runFromJson(renderJson(model), `shard-${index}.json`), source: `shard-${index}.json` };
};

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PushContractsError);
    expect((err as PushContractsError).code).toBe('PC_ERR_USAGE');
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('runFromJson', () => {
  it('reads back exactly the model renderJson wrote (derived fields dropped and recomputed)', () => {
    const back = runFromJson(renderJson(single), 'r.json');
    expect(back).toEqual(JSON.parse(JSON.stringify(single)));
    expect(renderJson(back)).toBe(renderJson(single));
  });

  it('names the file when it is not a JSON report', () => {
    expect(usageError(() => runFromJson('{"cases": []}', 'x.json'))).toMatch(/^x\.json: not a push-contracts JSON report: schemaVersion undefined/);
    expect(usageError(() => runFromJson('<xml/>', 'y.xml'))).toMatch(/^y\.xml: not a push-contracts JSON report/);
  });
});

describe('mergeRuns', () => {
  it('gives the JSON, JUnit and HTML a single run writes, whatever order the shards come in', () => {
    const merged = mergeRuns([shard(3, 3, cases.slice(3)), shard(1, 3, cases.slice(0, 2)), shard(2, 3, cases.slice(2, 3))]);
    expect(merged.cases).toEqual(JSON.parse(JSON.stringify(cases)));
    // The outcomes of pending and of never-verified interactions survive the round trip, verdicts recomputed.
    expect((JSON.parse(renderJson(merged)) as { cases: Array<{ verdict: string }> }).cases.map((c) => c.verdict)).toEqual(['failed', 'passed', 'passed', 'failed', 'failed', 'pending-failed', 'failed']);
    expect(merged.meta).toMatchObject({ durationMs: 3000, providerBaseUrl: 'http://127.0.0.1:1, http://127.0.0.1:2, http://127.0.0.1:3', sources: ['pacts'] });
    expect(merged.meta).not.toHaveProperty('shard');
    const sameMeta = { ...merged, meta: single.meta };
    expect(renderJson(sameMeta)).toBe(renderJson(single));
    expect(renderJunit(sameMeta)).toEqual(renderJunit(single));
    expect(renderHtml(sameMeta)).toBe(renderHtml(single));
  });

  it('refuses a missing shard, a shard given twice, shards of different splits or rules, and unsharded reports', () => {
    expect(usageError(() => mergeRuns([shard(1, 3, cases.slice(0, 2)), shard(3, 3, cases.slice(3))]))).toMatch(/shard\(s\) 2\/3 missing/);
    expect(usageError(() => mergeRuns([shard(1, 2, cases), shard(1, 2, cases)]))).toMatch(/shard 1\/2 given twice/);
    expect(usageError(() => mergeRuns([shard(1, 2, cases), shard(2, 3, cases)]))).toMatch(/is shard 2\/3/);
    expect(usageError(() => mergeRuns([shard(1, 2, cases), shard(2, 2, cases, { rules: ['r1'] })]))).toMatch(/ran other rules/);
    expect(usageError(() => mergeRuns([{ model: single, source: 'all.json' }]))).toMatch(/all\.json is not a shard/);
    expect(usageError(() => mergeRuns([]))).toMatch(/every shard/);
  });
});
