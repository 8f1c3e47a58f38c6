/**
 * push-contracts/openapi, for API tooling: the policy and catalogue of contracts/ as OpenAPI 3.1
 * documents, the drift between them and committed copies, and lint-openapi (the policy applied to a
 * provider's own OpenAPI document).
 */
export { buildOpenApi, renderOpenApi, exportOpenApi, driftOf, OPENAPI_VERSION } from '../openapi';
export type { OpenApiFormat, ExportedFile } from '../openapi';
export { lintOpenApi, readOpenApiFile, lintRunModel, listLintRules, renderLintSummary } from '../openapi/lint';
export type { LintOptions, LintResult, LintedOperation, LintRule, LintOperation, LintResponse, LintContext } from '../openapi/lint';
