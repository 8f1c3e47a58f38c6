/**
 * Combines the JSON reports of the shards of one verification (`verify --shard i/n` on n CI jobs) into
 * the run model a single run would have produced, so the same writers give the same JUnit, HTML and
 * JSON. The JSON report is read back generically: what renderJson derives (passed, summary, each case's
 * verdict and note) is dropped and recomputed, everything else is the model as it was written.
 */
import { PushContractsError } from '../errors';
import type { ReportCase, RunModel } from './model';

/** Fields renderJson adds that the writers recompute from the model. */
const DERIVED_TOP = ['schemaVersion', 'passed', 'summary'] as const;
const DERIVED_CASE = ['verdict', 'note'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The run model of a JSON report (schemaVersion 1); PC_ERR_USAGE naming the file when it is not one. */
export function runFromJson(text: string, source: string): RunModel {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PushContractsError('PC_ERR_USAGE', `${source}: not a push-contracts JSON report (${(err as Error).message})`, { file: source });
  }
  const bad = (why: string): PushContractsError => new PushContractsError('PC_ERR_USAGE', `${source}: not a push-contracts JSON report: ${why}`, { file: source });
  if (!isObject(doc)) throw bad('not a JSON object');
  if (doc.schemaVersion !== 1) throw bad(`schemaVersion ${JSON.stringify(doc.schemaVersion)}, expected 1`);
  if (!isObject(doc.meta) || typeof doc.meta.kind !== 'string') throw bad('meta.kind is missing');
  if (!Array.isArray(doc.cases) || !doc.cases.every(isObject)) throw bad('cases is not an array of objects');
  if (!Array.isArray(doc.errors)) throw bad('errors is not an array');
  const model: Record<string, unknown> = { ...doc };
  for (const k of DERIVED_TOP) delete model[k];
  model.cases = doc.cases.map((c) => {
    const copy: Record<string, unknown> = { ...(c as Record<string, unknown>) };
    for (const k of DERIVED_CASE) delete copy[k];
    return copy;
  });
  return model as unknown as RunModel;
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/**
 * One run from its shards. Refuses (PC_ERR_USAGE) what would make the combined report claim more than
 * was verified: a report that is not a verification shard, shards of different splits or rules, a
 * shard given twice or missing.
 */
export function mergeRuns(runs: ReadonlyArray<{ readonly model: RunModel; readonly source: string }>): RunModel {
  if (runs.length === 0) throw new PushContractsError('PC_ERR_USAGE', 'merge-reports needs the JSON report of every shard');
  for (const { model, source } of runs) {
    if (model.meta.kind !== 'verification') throw new PushContractsError('PC_ERR_USAGE', `${source} is a ${model.meta.kind} report, not a verification`, { file: source });
    if (!model.meta.shard) throw new PushContractsError('PC_ERR_USAGE', `${source} is not a shard (written without --shard i/n)`, { file: source });
  }
  const count = runs[0].model.meta.shard?.count as number;
  const bySlot = new Map<number, string>();
  for (const { model, source } of runs) {
    const shard = model.meta.shard as { index: number; count: number };
    if (shard.count !== count) throw new PushContractsError('PC_ERR_USAGE', `${source} is shard ${shard.index}/${shard.count}, ${runs[0].source} one of ${count}`, { file: source });
    const seen = bySlot.get(shard.index);
    if (seen) throw new PushContractsError('PC_ERR_USAGE', `shard ${shard.index}/${count} given twice: ${seen} and ${source}`, { file: source });
    bySlot.set(shard.index, source);
    if (model.meta.rules.join(',') !== runs[0].model.meta.rules.join(',')) {
      throw new PushContractsError('PC_ERR_USAGE', `${source} ran other rules than ${runs[0].source}; shards of one run share --rule/--skip-rule`, { file: source });
    }
  }
  const missing = Array.from({ length: count }, (_, k) => k + 1).filter((k) => !bySlot.has(k));
  if (missing.length > 0) throw new PushContractsError('PC_ERR_USAGE', `shard(s) ${missing.map((k) => `${k}/${count}`).join(', ')} missing: a combined report would claim less was verified than was asked for`);
  // Shards are contiguous ranges of one fixed order, so cases in shard order are a single run's order.
  const ordered = [...runs].sort((a, b) => (a.model.meta.shard?.index ?? 0) - (b.model.meta.shard?.index ?? 0)).map((r) => r.model);
  const first = ordered[0];
  const notCovered = ordered.some((m) => m.notCovered) ? ordered.flatMap((m) => m.notCovered ?? []) : undefined;
  const meta: Record<string, unknown> = {
    ...first.meta,
    startedAt: ordered.map((m) => m.meta.startedAt).sort()[0],
    // The shards ran side by side: the run took as long as its longest shard.
    durationMs: Math.max(...ordered.map((m) => m.meta.durationMs)),
    providerBaseUrl: unique(ordered.map((m) => m.meta.providerBaseUrl)).join(', '),
    sources: unique(ordered.flatMap((m) => m.meta.sources)),
  };
  delete meta.shard;
  return {
    ...first,
    meta: meta as unknown as RunModel['meta'],
    cases: ordered.flatMap((m): readonly ReportCase[] => m.cases),
    errors: ordered.flatMap((m) => m.errors),
    ...(notCovered ? { notCovered } : {}),
  };
}
