export { PushClient } from './client';
export type { PushClientOptions, RetryOptions, CallInput } from './client';
export { PushApiError, isPushApiError } from './errors';
export type { PushApiErrorFields, PushErrorKind, RateLimitInfo } from './errors';
