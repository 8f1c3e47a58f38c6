export { lintOpenApi, lintRunModel, readOpenApiFile, listLintRules, selectLintRules, operationsOf, type LintOptions, type LintResult, type LintedOperation } from './lint';
export { renderLintSummary } from './output';
export { lintRules, type LintRuleId } from './rules';
export type { LintRule, LintContext, LintOperation, LintResponse } from './types';
