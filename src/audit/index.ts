export { audit, selectRules, hasErrors, renderFinding, describeInteraction, listRules, type AuditOptions } from './audit';
export { rules, type RuleId } from './rules';
export { headerOf } from './context';
export { severityOf, type RulePolicy } from './policy';
export type { Exchange, Finding, InteractionRef, PolicyRule, RuleResult, Severity, AuditContext, HeaderMap } from './types';
