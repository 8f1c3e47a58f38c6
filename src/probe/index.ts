export { runProbe, judge, publicUrl, DEFAULT_TIMEOUT_MS, type ProbeResult } from './run';
export { planProbe, expectationFor, codesForCause, wrongMethodFor, UNKNOWN_PATH_SEGMENT, type PlanOptions } from './plan';
export { planBursts, runBurst, DEFAULT_BURST, type BurstTarget, type BurstOutcome } from './burst';
export { probeChecks, judgeExpectation, listProbeChecks, RATE_LIMIT_NOT_ENFORCED, type ProbeCheck } from './checks';
export { substitute, successIsReadOnly } from './request';
export { renderNotCovered, renderProbeJson } from './output';
export type {
  ProbeOptions, ProbeCase, ProbeExpectation, ProbePlan, ProbeRequest, ProbeBody, NotCovered, Alternative, AuthMode, CaseKind, BurstOptions,
} from './types';
