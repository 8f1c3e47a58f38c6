/**
 * push-contracts public API. Everything a user imports comes from here, by name.
 */
export { Contracts, getContracts, fillPath, checkConsistency, renderProblem, SCHEMA_BASE, RATE_LIMIT_HEADERS_SCHEMA } from './contracts';
export type {
  ApiId, StatusCode, HttpMethod, StatusEntry, BusinessCode, CodeTable, Family, Endpoint, RetiredEndpoint, ApiCatalogue,
  ProviderState, Cause, ValidationIssue, ValidationResult, RouteMatch, EndpointId, EndpointStatus, ProviderStateName, CauseId,
  ConsistencyProblem,
} from './contracts';
export { PushContractsError, errorCodes, type ErrorCode } from './errors';
export {
  matcherFromSchema, deriveMatcher, errorEnvelopeMatcher, successBodyMatcher, headersMatcher, rateLimitHeadersMatcher, toRustRegex,
} from './matchers';
export type { MatcherTemplate, MatcherOptions, MatcherNote, DerivedMatcher, ErrorEnvelopeOptions, RegexTranslation } from './matchers';
export { audit, selectRules, hasErrors, renderFinding, describeInteraction, listRules, rules } from './audit';
export type { AuditOptions, RuleId, Exchange, Finding, InteractionRef, PolicyRule, RuleResult, Severity, AuditContext, HeaderMap } from './audit';
export { severityOf, type RulePolicy } from './audit';
export { loadRulePolicy, loadConfig, type PushContractsConfig, type LoadedConfig, type RuleSetting } from './config';
export {
  PLACEHOLDER_CREDENTIALS, WRONG_CREDENTIALS, BASIC_AUTH_PATTERN, basicAuth, credentialsFromEnv, maskSecrets, secretForms,
  ENV_APP_KEY, ENV_MASTER_SECRET, type Credentials,
} from './credentials';
export { runProbe, planProbe, listProbeChecks, renderNotCovered, renderProbeJson } from './probe';
export type { ProbeOptions, ProbeResult, ProbePlan, ProbeCase, ProbeExpectation, NotCovered, BurstOptions } from './probe';
export { startReferenceService, DEMO_CREDENTIALS, DEMO_DEVICE, PROVIDER_STATES_PATH } from './service';
export type { ReferenceService, ReferenceServiceOptions, RateOverride, DispatcherControl } from './service';
export {
  interaction, retiredInteraction, pushPact, PushPact, PushInteraction, addPlanToPact, planInteraction, planRetired, planCell,
  catalogueCells, elicitableCauses, credentialsFor,
} from './consumer';
export type {
  PushPactOptions, BoundInteraction, InteractionTest, InteractionPlan, InteractionOptions, RequestExample, RequestOverrides, CredentialKind,
  ElicitableCause, CatalogueCell,
} from './consumer';
export { PushClient, PushApiError, isPushApiError } from './client';
export type { PushClientOptions, RetryOptions, CallInput, PushApiErrorFields, PushErrorKind, RateLimitInfo } from './client';
export {
  publishPacts, canIDeploy, recordDeployment, checkPactsForPublish, exchangeOf, listPactFiles, renderOffence, secretsFromEnv, brokerConfig,
  BROKER_ENV, gitFacts,
} from './broker';
export type {
  BrokerContext, PublishOptions, PublishResult, CanIDeployOptions, CanIDeployResult, MatrixRow, RecordDeploymentOptions, RecordDeploymentResult,
  PrepublishReport, PrepublishOptions, PublishOffence, PactFileSummary, NamedSecret, BrokerConfig, BrokerAuth, BrokerConfigOverrides, GitFacts,
} from './broker';
export { runMatrix, renderMatrixMarkdown, renderMatrixJson, matrixConforms, referenceAdapter, referenceCalls } from './matrix';
export { runAdapterModule, loadAdapter, DEFAULT_SEVERITY, EXPECTATIONS, TRANSPORT_FAULTS } from './matrix';
export type { MatrixAdapter, AdapterContext, MatrixOptions, MatrixResult, MatrixCell, MatrixOutcome, MatrixVariant, ReferenceCall } from './matrix';
export type { MatrixExpectation, ExpectationSeverity, MatrixViolation, TransportFault } from './matrix';
export { verifyProvider, loadPacts, describeSource, DEFAULT_TIMEOUT_MS, parsePact, startRecorder } from './verifier';
export { runVerification } from './cli/run-verification';
export type {
  VerifyOptions, VerifyResult, PactSource, InfrastructureProblem, PactInteraction, LoadedPact, InteractionFilter, Recorder, RecordedEvent,
} from './verifier';
export type { VerificationRunOptions, VerificationRunResult } from './cli/run-verification';
export {
  caseVerdict, runPassed, summarize, allFindings, conformanceMatrix, renderJunit, writeJunit, renderHtml, renderJson, renderSummary, renderMatrixText,
  writeReports,
} from './report';
export type {
  RunModel, ReportCase, RunMetadata, PactOutcome, EndpointRef, CaseVerdict, GroupSummary, ConformanceMatrix, ConformanceRow, ConformanceCell,
  CellState, JunitOptions, ReportTargets, WrittenReports, NotCoveredStatus,
} from './report';
export { main as runCli } from './cli/main';
export type { CliIO } from './cli/io';
export { buildOpenApi, renderOpenApi, exportOpenApi, driftOf, OPENAPI_VERSION } from './openapi';
export type { OpenApiFormat, ExportedFile } from './openapi';
export { lintOpenApi, readOpenApiFile, lintRunModel, listLintRules, renderLintSummary } from './openapi/lint';
export type { LintOptions, LintResult, LintedOperation, LintRule, LintOperation, LintResponse, LintContext } from './openapi/lint';
