import { statusUnknown } from './status-unknown';
import { statusNotListed } from './status-not-listed';
import { errorOn200 } from './error-on-200';
import { successSchema } from './success-schema';
import { batchItemEnvelope } from './batch-item-envelope';
import { errorContentType } from './error-content-type';
import { envelopeRequired } from './envelope-required';
import { businessCodeStatus } from './business-code-status';
import { businessCodeUnknown } from './business-code-unknown';
import { authCodeFamily } from './auth-code-family';
import { rateLimitPresent, rateLimitInteger, rateLimitConsistent } from './rate-limit-headers';
import { allowHeader } from './allow-header';

/** Every policy rule, once, in the order reports list them. */
export const rules = [
  // status
  statusUnknown,
  statusNotListed,
  // success
  errorOn200,
  successSchema,
  batchItemEnvelope,
  // error envelope
  errorContentType,
  envelopeRequired,
  // business code
  businessCodeStatus,
  businessCodeUnknown,
  authCodeFamily,
  // headers
  rateLimitPresent,
  rateLimitInteger,
  rateLimitConsistent,
  allowHeader,
] as const;

export type RuleId = (typeof rules)[number]['id'];
