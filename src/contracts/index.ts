export { Contracts, getContracts, fillPath, paramNamesOf, SCHEMA_BASE, RATE_LIMIT_HEADERS_SCHEMA } from './load';
export { defaultContractsDir } from './files';
export { checkConsistency, renderProblem, type ConsistencyProblem } from './check';
export type * from './types';
export type { EndpointId, EndpointStatus, BusinessCodeOf, ProviderStateName, CauseId } from './generated/catalogue';
export { statusCodes, endpointStatuses, providerStateNames, causeIds } from './generated/catalogue';
export { MEMBER_APP_CAUSES, type MemberAppCause } from './group';
