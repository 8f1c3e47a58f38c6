/**
 * push-contracts/provider, for provider teams: verify the consumers' pacts against a service, audit
 * every response against the policy, probe a service, tune the rules, write the reports, and start
 * the reference service to compare against.
 */
export { runVerification, type VerificationRunOptions, type VerificationRunResult } from '../cli/run-verification';
export { verifyProvider } from '../verifier';
export type { VerifyOptions, VerifyResult, PactSource, InfrastructureProblem } from '../verifier';
export { audit, listRules, renderFinding, hasErrors, severityOf } from '../audit';
export type { AuditOptions, RulePolicy, RuleId, Exchange, Finding, InteractionRef, Severity } from '../audit';
export { loadRulePolicy, type PushContractsConfig } from '../config';
export { runProbe, renderProbeJson, type ProbeOptions, type ProbeResult, type NotCovered } from '../probe';
export { writeReports, renderJunit, renderHtml, renderJson, renderSummary, runPassed } from '../report';
export type { RunModel, ReportCase, ReportTargets, WrittenReports } from '../report';
export { startReferenceService, type ReferenceService, type ReferenceServiceOptions } from '../service';
