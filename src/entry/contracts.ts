/**
 * push-contracts/contracts, for tools built on the policy itself: the contracts/ data loaded and
 * checked, its types, and the Pact matchers derived from its schemas.
 */
export { Contracts, getContracts, fillPath, checkConsistency, renderProblem, SCHEMA_BASE } from '../contracts';
export type {
  ApiId, StatusCode, HttpMethod, StatusEntry, BusinessCode, CodeTable, Family, Endpoint, RetiredEndpoint, ApiCatalogue, ProviderState, Cause,
  Certainty, CertaintyLevel, RouteMatch, EndpointId, EndpointStatus, ProviderStateName, CauseId, ConsistencyProblem, ValidationResult,
} from '../contracts';
export { matcherFromSchema, deriveMatcher, errorEnvelopeMatcher, successBodyMatcher, headersMatcher, rateLimitHeadersMatcher } from '../matchers';
export type { MatcherTemplate, MatcherOptions, ErrorEnvelopeOptions } from '../matchers';
