import type { TemplateHeaders } from '@pact-foundation/pact/src/v3/types';
import { getContracts, RATE_LIMIT_HEADERS_SCHEMA, type ApiId, type Contracts } from '../contracts';
import { envelopeForm } from '../contracts/envelopes';
import { PushContractsError } from '../errors';
import { deriveMatcher, type MatcherTemplate } from './derive';

export interface ErrorEnvelopeOptions {
  /** The business code the interaction is about; matched by equality. */
  readonly code: number;
  /** Example message; matched by type (providers word messages freely). */
  readonly message: string;
  /** Example msg_id, for envelopes of calls that allocated one; matched by its schema. */
  readonly msgId?: string | number;
  /**
   * `nested` ({error: {code, message}}) or `flat` ({code, message}). v3 only knows nested; v4 documents
   * both and defaults to nested; an envelope that only takes the flat form (template push) defaults to flat.
   */
  readonly shape?: 'nested' | 'flat';
  /** The envelope schema, for an endpoint with its own (`Endpoint.errorEnvelope`); default: the API's. */
  readonly envelope?: string;
  readonly contracts?: Contracts;
}

/**
 * The error-envelope matcher of an API, with the business code matched by equality: the code is what the
 * interaction asserts, and a type matcher would let a 401 carry a 400's code, which the policy forbids.
 *
 * @example
 * b.jsonBody(errorEnvelopeMatcher('jpush-v3', { code: 1004, message: 'Authentication failed' }))
 * @see docs/matchers.md
 */
export function errorEnvelopeMatcher(api: ApiId, options: ErrorEnvelopeOptions): MatcherTemplate {
  const contracts = options.contracts ?? getContracts();
  const catalogue = contracts.apis[api];
  if (!catalogue) throw new PushContractsError('PC_ERR_USAGE', `unknown api '${String(api)}'; known: ${Object.keys(contracts.apis).join(', ')}`);
  if (contracts.businessCode(api, undefined, options.code) === undefined) {
    throw new PushContractsError('PC_ERR_NOT_CATALOGUED', `business code ${options.code} is in no code table of ${api}`);
  }
  const envelope = options.envelope ? contracts.schemaId(options.envelope) : catalogue.errorEnvelope;
  const shape = options.shape ?? envelopeForm(contracts, envelope);
  const msgId = options.msgId === undefined ? {} : { msg_id: options.msgId };
  const example =
    shape === 'flat'
      ? { code: options.code, message: options.message, ...msgId }
      : { error: { code: options.code, message: options.message }, ...msgId };
  const codePointer = shape === 'flat' ? '/code' : '/error/code';
  try {
    return deriveMatcher(envelope, example, { contracts, equal: [codePointer] }).matcher;
  } catch (err) {
    // The envelope schema decides which shapes an API has; a flat v3 envelope lands here.
    if (err instanceof PushContractsError && err.code === 'PC_ERR_EXAMPLE_INVALID') {
      throw new PushContractsError('PC_ERR_EXAMPLE_INVALID', `${api} has no ${shape} error envelope with these values: ${err.message}`, err.context);
    }
    throw err;
  }
}

/**
 * The success-body matcher of an endpoint, from its success schema and, unless given, the schema's first
 * example. Endpoints whose success is an empty body have no body matcher and throw.
 *
 * @example
 * b.jsonBody(successBodyMatcher('jpush-v3', 'push'))
 * @see docs/matchers.md
 */
export function successBodyMatcher(api: ApiId, endpointId: string, example?: unknown, contracts: Contracts = getContracts()): MatcherTemplate {
  const endpoint = contracts.endpoint(api, endpointId);
  if (endpoint.success === 'empty') {
    throw new PushContractsError('PC_ERR_NOT_CATALOGUED', `${api} ${endpointId} answers success with an empty body; there is no body to match`);
  }
  return deriveMatcher(endpoint.success, example === undefined ? firstExample(contracts, endpoint.success) : example, { contracts }).matcher;
}

function firstExample(contracts: Contracts, schemaId: string): unknown {
  const examples = contracts.schema(schemaId).examples;
  if (!Array.isArray(examples) || examples.length === 0) {
    throw new PushContractsError('PC_ERR_EXAMPLE_INVALID', `${schemaId} has no examples; pass one`);
  }
  return examples[0];
}

/**
 * Header matchers for a header-set schema: one entry per header of the example, each matched by its
 * property schema (a regex where the schema has a pattern).
 *
 * @example
 * b.headers(headersMatcher('common/rate-limit-headers.json', { 'x-rate-limit-quota': '600', 'x-rate-limit-remaining': '1', 'x-rate-limit-reset': '5' }))
 * @see docs/matchers.md
 */
export function headersMatcher(schemaRef: string, example: Readonly<Record<string, string>>, contracts: Contracts = getContracts()): TemplateHeaders {
  return deriveMatcher(schemaRef, example, { contracts }).matcher as TemplateHeaders;
}

/**
 * Matchers for the rate-limit response headers (common/rate-limit-headers.json), each a regex matcher with
 * the example value; the example defaults to the schema's first.
 *
 * @example
 * b.headers(rateLimitHeadersMatcher({ 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '12' }))
 * @see docs/matchers.md
 */
export function rateLimitHeadersMatcher(example?: Readonly<Record<string, string>>, contracts: Contracts = getContracts()): TemplateHeaders {
  const chosen = example ?? (firstExample(contracts, RATE_LIMIT_HEADERS_SCHEMA) as Record<string, string>);
  return headersMatcher(RATE_LIMIT_HEADERS_SCHEMA, chosen, contracts);
}
