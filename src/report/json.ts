import { caseVerdict, runPassed, summarize, type RunModel } from './model';
import { NOT_IN_CATALOGUE } from './text';

/**
 * The whole run as JSON: metadata, per-group summary, the not-covered statuses with their reasons
 * (when the producer lists them), and every case with its pact outcome and every finding. Stable
 * field names; `schemaVersion` changes when they do.
 */
export function renderJson(model: RunModel): string {
  return JSON.stringify(
    {
      schemaVersion: 1,
      passed: runPassed(model),
      meta: model.meta,
      summary: summarize(model),
      errors: model.errors,
      // Only a run that accounts for its gaps has the list; an absent list claims nothing about coverage.
      ...(model.notCovered ? { notCovered: model.notCovered } : {}),
      // verdict and note are derived (re-computable from the case); the rest is the case as the model holds it.
      cases: model.cases.map((c) => ({ verdict: caseVerdict(c), ...(c.endpoint === null ? { note: NOT_IN_CATALOGUE } : {}), ...c })),
    },
    null,
    2,
  ) + '\n';
}
