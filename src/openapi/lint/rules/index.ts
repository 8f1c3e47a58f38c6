import { statusUnknown } from './status-unknown';
import { statusMissing } from './status-missing';
import { successErrorKey } from './success-error-key';
import { errorBodyMissing } from './error-body';
import { errorNotEnvelope } from './error-envelope';
import { exampleCodeStatus } from './example-code-status';
import { allowHeaderMissing } from './allow-header';

/** Every lint-openapi rule, once, in the order reports list them. */
export const lintRules = [
  // statuses
  statusUnknown,
  statusMissing,
  // success
  successErrorKey,
  // error envelope
  errorBodyMissing,
  errorNotEnvelope,
  // examples
  exampleCodeStatus,
  // headers
  allowHeaderMissing,
] as const;

export type LintRuleId = (typeof lintRules)[number]['id'];
