import type { ApiId, BusinessCode, CauseId, Contracts, ValidationIssue } from '../../contracts';
import { envelopeBody } from '../../contracts/envelopes';

/**
 * Makes an error without capturing a stack trace. The gateway's refusals (a failed validation, a payload
 * limit, a business refusal from the dispatcher) are how a client's fault reaches the error handler, which
 * answers from their cause and nothing else; nobody reads or logs their stacks, and capturing one through
 * Fastify's call chain was a visible part of every such answer's CPU (docs/benchmarks.md).
 */
export function withoutStack<T>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** A refusal decided by the gateway (or reported by the dispatcher), carried to the API's error handler. */
export class GatewayError extends Error {
  readonly causeId: CauseId;
  readonly detail?: string;
  readonly msgId?: string;

  constructor(causeId: CauseId, detail?: string, msgId?: string) {
    // No stack (withoutStack above): a refusal is an answer, not a fault of the service.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(detail ?? causeId);
    Error.stackTraceLimit = limit;
    this.name = 'GatewayError';
    this.causeId = causeId;
    this.detail = detail;
    this.msgId = msgId;
  }
}

/** Which cause a failed schema validation is: a missing key, a key the API does not know, or a bad value. */
export function causeOfIssues(issues: readonly ValidationIssue[]): CauseId {
  if (issues.some((i) => i.keyword === 'required')) return 'request.missing-parameter';
  if (issues.some((i) => i.keyword === 'additionalProperties')) return 'request.unsupported-key';
  return 'request.invalid-value';
}

/** One line naming the first problem of a validation, for the error message. */
export function describeIssues(part: string, issues: readonly ValidationIssue[]): string {
  const cause = causeOfIssues(issues);
  const keyword = cause === 'request.missing-parameter' ? 'required' : cause === 'request.unsupported-key' ? 'additionalProperties' : undefined;
  const i = issues.find((x) => keyword === undefined || x.keyword === keyword) ?? issues[0];
  if (!i) return part;
  const where = `${part}${i.pointer}`;
  if (i.keyword === 'required') return `${where}/${String(i.params.missingProperty)}`;
  if (i.keyword === 'additionalProperties') return `${where}/${String(i.params.additionalProperty)}`;
  return `${where} ${i.message}`;
}

/** Each family's code for each cause it answered, per loaded contracts (which never change once loaded). */
const codes = new WeakMap<Contracts, Map<string, BusinessCode | undefined>>();

/** contracts.codeFor, looked up once per family and cause: it walks the family's code tables, and every error answer asks. */
function codeOf(contracts: Contracts, api: ApiId, family: string, cause: CauseId): BusinessCode | undefined {
  let known = codes.get(contracts);
  if (!known) {
    known = new Map();
    codes.set(contracts, known);
  }
  const key = `${api} ${family} ${cause}`;
  if (known.has(key)) return known.get(key);
  const code = contracts.codeFor(api, family, cause);
  known.set(key, code);
  return code;
}

/** A resolved error answer: status and business code from contracts, and the envelope body. */
export interface ErrorAnswer {
  readonly status: number;
  readonly code: BusinessCode;
  readonly body: Record<string, unknown>;
}

/**
 * The answer for a cause in a family: the business code the contracts give for it, its status, and an
 * envelope whose message is the code's catalogue message plus an optional detail. The envelope is the
 * endpoint's (`envelope`, its catalogue `errorEnvelope`) or else the API's; its form comes from its
 * schema: nested for both APIs, flat for template push.
 */
export function errorAnswer(
  contracts: Contracts, api: ApiId, family: string, cause: CauseId, detail?: string, msgId?: string, envelope?: string,
): ErrorAnswer {
  const code = codeOf(contracts, api, family, cause);
  if (!code) throw new Error(`contracts give no code for ${cause} in ${api} family ${family}`);
  const message = detail && detail !== code.message ? `${code.message}: ${detail}` : code.message;
  return { status: code.status, code, body: envelopeBody(contracts, envelope ?? contracts.apis[api].errorEnvelope, code.code, message, msgId) };
}
