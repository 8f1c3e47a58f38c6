import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { maskSecrets } from '../credentials';
import { PushContractsError } from '../errors';
import { caseVerdict, groupOf, type NotCoveredStatus, type ReportCase, type RunModel } from './model';
import { evidenceLines } from './evidence';
import { caseName, findingLine, NOT_IN_CATALOGUE, problemLines, slug } from './text';

export interface JunitOptions {
  /** Secrets to mask in the written XML (the credentials the run used). */
  readonly secrets?: readonly string[];
}

// XML 1.0 forbids most control characters even escaped; a provider's body may contain them.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function xml(text: string): string {
  return text
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** How a pending interaction's failure is labelled in JUnit. */
export const PENDING_FAILED = 'pending pact failed (not failing the build)';

const seconds = (ms: number | undefined): string => ((ms ?? 0) / 1000).toFixed(3);

function testcase(c: ReportCase, classname: string): string {
  const attrs = `classname="${xml(classname)}" name="${xml(caseName(c))}" time="${seconds(c.durationMs)}"`;
  const lines = [
    `${c.request.method} ${c.request.path}${c.request.query ? `?${c.request.query}` : ''}: expected ${c.status.expected ?? '-'}, got ${c.status.actual ?? 'no response'}`,
    ...problemLines(c),
    ...(c.evidence ? ['', 'evidence:', ...evidenceLines(c.evidence)] : []),
  ];
  const body: string[] = [];
  const verdict = caseVerdict(c);
  if (verdict === 'failed') {
    const first = c.errors[0] ?? c.pact.mismatches[0] ?? c.findings.find((f) => f.severity === 'error')?.ruleId ?? 'failed';
    const type = c.pact.outcome === 'not-verified' ? 'not-verified' : c.errors.length > 0 ? 'infrastructure' : c.pact.outcome === 'failed' ? 'pact-mismatch' : 'policy-violation';
    body.push(`      <failure message="${xml(first)}" type="${type}">${xml(lines.join('\n'))}</failure>`);
  }
  if (verdict === 'pending-failed') {
    // Skipped, not passed: CI shows it and counts it apart, and it does not fail the build, as a pending
    // pact must not. The mismatches and the evidence go to system-out (a <skipped> carries only a message).
    body.push(`      <skipped message="${xml(`${PENDING_FAILED}: ${c.pact.mismatches[0] ?? 'failed'}`)}"/>`);
    body.push(`      <system-out>${xml([...lines, ...c.findings.filter((f) => f.severity === 'warning').map(findingLine)].join('\n'))}</system-out>`);
  }
  const warnings = c.findings.filter((f) => f.severity === 'warning');
  if (warnings.length > 0 && verdict !== 'pending-failed') {
    // A failing case's evidence is in its <failure>; a warned case's goes with its warnings.
    const evidence = caseVerdict(c) === 'passed' && c.evidence ? ['', 'evidence:', ...evidenceLines(c.evidence)] : [];
    body.push(`      <system-out>${xml([...warnings.map(findingLine), ...evidence].join('\n'))}</system-out>`);
  }
  if (c.findings.length > 0 || c.endpoint === null) {
    body.unshift(
      '      <properties>',
      ...(c.endpoint === null ? [`        <property name="catalogue" value="${xml(NOT_IN_CATALOGUE)}"/>`] : []),
      ...c.findings.map((f) => `        <property name="finding.${xml(f.severity)}" value="${xml(`${f.ruleId}: ${f.message} (at ${f.location})`)}"/>`),
      '      </properties>',
    );
  }
  return body.length === 0 ? `    <testcase ${attrs}/>` : [`    <testcase ${attrs}>`, ...body, '    </testcase>'].join('\n');
}

function skippedTestcase(n: NotCoveredStatus, classname: string): string {
  const where = n.endpoint ? `${n.endpoint.api} ${n.endpoint.id}` : `${n.api ?? 'any endpoint'} (no single endpoint)`;
  return [
    `    <testcase classname="${xml(classname)}" name="${xml(`${where} ${n.status} not covered`)}" time="0.000">`,
    `      <skipped message="${xml(n.reason)}"/>`,
    '    </testcase>',
  ].join('\n');
}

/**
 * The group a not-covered status is reported under. It belongs to the run, not to one consumer, so it
 * shares the file of the run's own group (the probe's only one; for a verification, a file of its own).
 */
function notCoveredGroup(model: RunModel): string {
  return model.meta.kind;
}

/**
 * One JUnit document for the cases of one consumer (all cases when `consumer` is undefined). Each
 * not-covered status of the run is a `<testcase>` with `<skipped message="reason"/>`, so CI shows the
 * gap, counted in `skipped`, never as a pass; so is each pending-failed case, with its problems in
 * `<system-out>`.
 */
export function renderJunit(model: RunModel, consumer?: string): string {
  const cases = model.cases.filter((c) => consumer === undefined || groupOf(c, model) === consumer);
  const skipped = consumer === undefined || consumer === notCoveredGroup(model) ? (model.notCovered ?? []) : [];
  const suiteName = (group: string, provider: string): string => `${group} -> ${provider}`;
  const byProvider = new Map<string, { cases: ReportCase[]; skipped: NotCoveredStatus[] }>();
  const suite = (key: string): { cases: ReportCase[]; skipped: NotCoveredStatus[] } => {
    const s = byProvider.get(key) ?? { cases: [], skipped: [] };
    byProvider.set(key, s);
    return s;
  };
  for (const c of cases) suite(suiteName(groupOf(c, model), c.ref.provider ?? model.meta.providerBaseUrl)).cases.push(c);
  for (const n of skipped) suite(suiteName(notCoveredGroup(model), model.meta.providerBaseUrl)).skipped.push(n);
  const failures = cases.filter((c) => caseVerdict(c) === 'failed').length;
  const pending = (list: readonly ReportCase[]): number => list.filter((c) => caseVerdict(c) === 'pending-failed').length;
  const time = seconds(cases.reduce((n, c) => n + (c.durationMs ?? 0), 0));
  const suites = [...byProvider.entries()].map(([name, s]) => {
    const f = s.cases.filter((c) => caseVerdict(c) === 'failed').length;
    const classname = name.replace(' -> ', '.');
    return [
      `  <testsuite name="${xml(name)}" tests="${s.cases.length + s.skipped.length}" failures="${f}" errors="0" skipped="${s.skipped.length + pending(s.cases)}" timestamp="${xml(model.meta.startedAt)}" time="${seconds(s.cases.reduce((n, c) => n + (c.durationMs ?? 0), 0))}">`,
      ...s.cases.map((c) => testcase(c, classname)),
      ...s.skipped.map((n) => skippedTestcase(n, classname)),
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="push-contracts ${xml(model.meta.kind)}" tests="${cases.length + skipped.length}" failures="${failures}" errors="0" skipped="${skipped.length + pending(cases)}" time="${time}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function junitConsumers(model: RunModel): string[] {
  const groups = model.cases.map((c) => groupOf(c, model));
  if ((model.notCovered ?? []).length > 0) groups.push(notCoveredGroup(model));
  const consumers = [...new Set(groups)].sort();
  if (consumers.length === 0) consumers.push(model.meta.kind);
  return consumers;
}

function junitFile(target: string, consumer: string): string {
  if (!target.toLowerCase().endsWith('.xml')) return path.join(target, `${slug(consumer)}.xml`);
  return target.includes('{consumer}') ? target.split('{consumer}').join(slug(consumer)) : target.replace(/\.xml$/i, `.${slug(consumer)}.xml`);
}

/**
 * The JUnit files writeJunit writes, one per consumer, without writing them. `target` is a directory
 * (<dir>/<consumer>.xml) or a file name: `{consumer}` in it is replaced, otherwise the consumer is
 * inserted before `.xml` (junit.xml -> junit.<consumer>.xml), so consumers never overwrite each other.
 */
export function junitFiles(model: RunModel, target: string): string[] {
  return junitConsumers(model).map((consumer) => junitFile(target, consumer));
}

/** Writes one JUnit file per consumer (paths as junitFiles gives them) and returns their paths. */
export function writeJunit(model: RunModel, target: string, options: JunitOptions = {}): string[] {
  const consumers = junitConsumers(model);
  const files = consumers.map((consumer) => junitFile(target, consumer));
  refuseOverwrite(files);
  consumers.forEach((consumer, i) => {
    mkdirSync(path.dirname(files[i]), { recursive: true });
    writeFileSync(files[i], maskSecrets(renderJunit(model, consumer), options.secrets ?? []));
  });
  return files;
}

/** Throws before anything is written when two reports of one run would land on the same file. */
export function refuseOverwrite(files: readonly string[]): void {
  const seen = new Set<string>();
  for (const f of files) {
    const key = path.resolve(f);
    if (seen.has(key)) throw new PushContractsError('PC_ERR_USAGE', `report file ${f} would be written twice in one run; give each report its own path`);
    seen.add(key);
  }
}
