/**
 * push-contracts, for consumer teams: the typed pact builders, the reference client and its errors,
 * the toolkit's errors and the credential helpers. Provider teams import 'push-contracts/provider',
 * release pipelines 'push-contracts/broker', tools over the policy data 'push-contracts/contracts', and
 * client authors driving the resilience matrix 'push-contracts/matrix', API tooling 'push-contracts/openapi'
 * (package.json "exports").
 * api/push-contracts.api.md lists every entry point's names; src/api-report.test.ts fails when the
 * surface changes without it, so a change to what users can import is a deliberate one.
 */
export { pushPact, PushPact, PushInteraction, interaction, retiredInteraction } from './consumer';
export type {
  PushPactOptions, BoundInteraction, InteractionTest, InteractionOptions, RequestExample, RequestOverrides, CredentialKind,
} from './consumer';
export { PushClient, PushApiError, isPushApiError, itemFailuresOf } from './client';
export type { PushClientOptions, RetryOptions, CallInput, PushApiErrorFields, PushErrorKind, RateLimitInfo } from './client';
export { PushContractsError, isPushContractsError, errorCodes, type ErrorCode } from './errors';
export {
  PLACEHOLDER_CREDENTIALS, WRONG_CREDENTIALS, basicAuth, credentialsFromEnv, maskSecrets, ENV_APP_KEY, ENV_MASTER_SECRET, type Credentials,
  PLACEHOLDER_GROUP_CREDENTIALS, type GroupCredentials,
} from './credentials';
export type { ApiId, StatusCode, EndpointId, EndpointStatus } from './contracts';
