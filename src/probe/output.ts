/**
 * The probe's console view of the statuses it did not provoke. Every written report (JUnit, HTML,
 * JSON) takes them from the run model's `notCovered`, like the cases.
 */
import { renderJson } from '../report/json';
import type { ProbeResult } from './run';
import type { NotCovered } from './types';

/** The not-covered list for the console, grouped by reason so 17 endpoints x 500 read as one line. */
export function renderNotCovered(notCovered: readonly NotCovered[]): string {
  if (notCovered.length === 0) return '';
  const byReason = new Map<string, string[]>();
  for (const n of notCovered) {
    const list = byReason.get(n.reason) ?? [];
    list.push(`${n.endpoint ?? n.api} ${n.status}`);
    byReason.set(n.reason, list);
  }
  const lines = [`\nnot covered (${notCovered.length}; never counted as passed):\n`];
  for (const [reason, where] of byReason) lines.push(`  - ${reason}: ${where.join(', ')}\n`);
  return lines.join('');
}

/** The shared JSON report of the probe's run; its `notCovered` is the model's list. */
export function renderProbeJson(result: ProbeResult): string {
  return renderJson(result.model);
}
