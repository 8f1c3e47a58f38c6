import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { maskSecrets } from '../credentials';
import { caseVerdict, groupOf, type ReportCase, type RunModel } from './model';
import { caseName, findingLine, problemLines, slug } from './text';

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

const seconds = (ms: number | undefined): string => ((ms ?? 0) / 1000).toFixed(3);

function testcase(c: ReportCase, classname: string): string {
  const attrs = `classname="${xml(classname)}" name="${xml(caseName(c))}" time="${seconds(c.durationMs)}"`;
  const lines = [
    `${c.request.method} ${c.request.path}${c.request.query ? `?${c.request.query}` : ''}: expected ${c.status.expected ?? '-'}, got ${c.status.actual ?? 'no response'}`,
    ...problemLines(c),
  ];
  const body: string[] = [];
  if (caseVerdict(c) === 'failed') {
    const first = c.errors[0] ?? c.pact.mismatches[0] ?? c.findings.find((f) => f.severity === 'error')?.ruleId ?? 'failed';
    const type = c.errors.length > 0 ? 'infrastructure' : c.pact.outcome === 'failed' ? 'pact-mismatch' : 'policy-violation';
    body.push(`      <failure message="${xml(first)}" type="${type}">${xml(lines.join('\n'))}</failure>`);
  }
  const warnings = c.findings.filter((f) => f.severity === 'warning');
  if (warnings.length > 0) body.push(`      <system-out>${xml(warnings.map(findingLine).join('\n'))}</system-out>`);
  if (c.findings.length > 0) {
    body.unshift(
      '      <properties>',
      ...c.findings.map((f) => `        <property name="finding.${xml(f.severity)}" value="${xml(`${f.ruleId}: ${f.message} (at ${f.location})`)}"/>`),
      '      </properties>',
    );
  }
  return body.length === 0 ? `    <testcase ${attrs}/>` : [`    <testcase ${attrs}>`, ...body, '    </testcase>'].join('\n');
}

/** One JUnit document for the cases of one consumer (all cases when `consumer` is undefined). */
export function renderJunit(model: RunModel, consumer?: string): string {
  const cases = model.cases.filter((c) => consumer === undefined || groupOf(c, model) === consumer);
  const byProvider = new Map<string, ReportCase[]>();
  for (const c of cases) {
    const key = `${groupOf(c, model)} -> ${c.ref.provider ?? model.meta.providerBaseUrl}`;
    byProvider.set(key, [...(byProvider.get(key) ?? []), c]);
  }
  const failures = cases.filter((c) => caseVerdict(c) === 'failed').length;
  const time = seconds(cases.reduce((n, c) => n + (c.durationMs ?? 0), 0));
  const suites = [...byProvider.entries()].map(([name, list]) => {
    const f = list.filter((c) => caseVerdict(c) === 'failed').length;
    return [
      `  <testsuite name="${xml(name)}" tests="${list.length}" failures="${f}" errors="0" skipped="0" timestamp="${xml(model.meta.startedAt)}" time="${seconds(list.reduce((n, c) => n + (c.durationMs ?? 0), 0))}">`,
      ...list.map((c) => testcase(c, name.replace(' -> ', '.'))),
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="push-contracts ${xml(model.meta.kind)}" tests="${cases.length}" failures="${failures}" errors="0" time="${time}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

/**
 * Writes one JUnit file per consumer and returns their paths. `target` is a directory
 * (<dir>/<consumer>.xml) or a file name: `{consumer}` in it is replaced, otherwise the consumer is
 * inserted before `.xml` (junit.xml -> junit.<consumer>.xml), so consumers never overwrite each other.
 */
export function writeJunit(model: RunModel, target: string, options: JunitOptions = {}): string[] {
  const consumers = [...new Set(model.cases.map((c) => groupOf(c, model)))].sort();
  if (consumers.length === 0) consumers.push(model.meta.kind);
  const isFile = target.toLowerCase().endsWith('.xml');
  const written: string[] = [];
  for (const consumer of consumers) {
    const file = !isFile
      ? path.join(target, `${slug(consumer)}.xml`)
      : target.includes('{consumer}')
        ? target.split('{consumer}').join(slug(consumer))
        : target.replace(/\.xml$/i, `.${slug(consumer)}.xml`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, maskSecrets(renderJunit(model, consumer), options.secrets ?? []));
    written.push(file);
  }
  return written;
}
