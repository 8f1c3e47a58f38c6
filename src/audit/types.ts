import type { Contracts } from '../contracts/load';
import type { ApiCatalogue, ApiId, BusinessCode, Certainty, Endpoint, RouteMatch } from '../contracts/types';

export type Severity = 'error' | 'warning';

/** Which interaction (or probe case) an exchange belongs to; every finding names it. */
export interface InteractionRef {
  readonly description: string;
  readonly consumer?: string;
  readonly provider?: string;
  readonly providerStates?: readonly string[];
  /** Interaction id (_id from a broker, or the pact's key), when known. */
  readonly id?: string;
}

export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

/** One request and the response the provider really gave, as recorded on the wire. */
export interface Exchange {
  readonly interaction: InteractionRef;
  readonly request: {
    readonly method: string;
    /** Path without query string. */
    readonly path: string;
    readonly query?: string;
    readonly headers: HeaderMap;
  };
  readonly response: {
    readonly status: number;
    readonly headers: HeaderMap;
    /** The raw body text ('' when there is none). */
    readonly body: string;
  };
}

/** A parsed error envelope, in either form, as the rules read it. */
export interface ParsedEnvelope {
  readonly code: number;
  readonly message: unknown;
  readonly form: 'nested' | 'flat';
}

/** What every rule may read about an exchange; computed once per exchange by the audit. */
export interface AuditContext {
  readonly contracts: Contracts;
  readonly route: RouteMatch;
  readonly api?: ApiCatalogue;
  readonly endpoint?: Endpoint;
  readonly family?: string;
  /** Lower-cased header lookup; the first value of a repeated header. */
  header(name: string): string | undefined;
  /** The body parsed as JSON, or undefined when empty or not JSON. */
  readonly json: unknown;
  readonly bodyIsJson: boolean;
  readonly envelope?: ParsedEnvelope;
  /** $id of the error envelope that applies: the endpoint's own (template push), else the API's; undefined off the API. */
  readonly errorEnvelope?: string;
  /** The business-code entry of the envelope's code as the family answers it. */
  readonly businessCode?: BusinessCode;
  /** true when the request authenticated: it reached a catalogued path and was not refused with 401. */
  readonly authenticated: boolean;
}

/** What a rule reports; the audit adds the rule id, the interaction and the default severity. */
export interface RuleResult {
  readonly message: string;
  /** Dotted location: response.status, response.body.error.code, response.headers.allow. */
  readonly location: string;
  readonly expected?: unknown;
  readonly actual?: unknown;
  /** Overrides the rule's severity for this one result (e.g. an Allow header that omits a method). */
  readonly severity?: Severity;
  /**
   * How sure contracts/ is of the fact this result rests on (a business code's status, the presence of
   * rate-limit headers). A level contracts/certainty.json does not call firm makes the result a warning,
   * unless the rule policy says uncertainFacts: 'error'.
   */
  readonly certainty?: Certainty;
}

export interface Finding extends RuleResult {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly interaction: InteractionRef;
  /** Copied from the rule (PolicyRule.followsFrom): reports fold this finding under a root cause it follows from. */
  readonly followsFrom?: readonly string[];
}

/**
 * Not a rule: the cause id of a case whose response status differs from the one its pact (or probe case)
 * expected. Rules name it in `followsFrom` like any rule id; reports show it first when present.
 */
export const STATUS_MISMATCH = 'response.status.mismatch';

/**
 * One policy rule: a pure function over one exchange that returns results and never throws.
 * `declarative` rules also make sense on the response a pact declares (pre-publish check), not
 * only on a response recorded on the wire.
 */
export interface PolicyRule<Id extends string = string> {
  readonly id: Id;
  readonly severity: Severity;
  readonly title: string;
  readonly declarative: boolean;
  /**
   * Root causes this rule's findings are a consequence of, on the same exchange: rule ids, or
   * STATUS_MISMATCH. When one of them is present, reports fold this rule's findings under it
   * (a 200 answered for a 401 case also lacks rate-limit headers; the status is what to fix).
   */
  readonly followsFrom?: readonly string[];
  appliesTo?(ex: Exchange, ctx: AuditContext): boolean;
  check(ex: Exchange, ctx: AuditContext): readonly RuleResult[];
}

export type { ApiId };
