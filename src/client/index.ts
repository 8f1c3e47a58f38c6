export { PushClient, itemFailuresOf } from './client';
export type { PushClientOptions, RetryOptions, CallInput, ItemFailure } from './client';
export { PushApiError, isPushApiError } from './errors';
export type { PushApiErrorFields, PushErrorKind, RateLimitInfo } from './errors';
