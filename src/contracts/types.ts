/**
 * Runtime shapes of the contracts/ data files after loading. The literal unions (which endpoint
 * ids exist, which statuses an endpoint may answer) are generated into generated/catalogue.ts.
 */
import type { ApiId, StatusCode } from './generated/catalogue';

export type { ApiId, StatusCode };
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
export type StatusClass = 'success' | 'client-error' | 'server-error';
export type RetryAdvice = 'not-applicable' | 'never' | 'after-rate-limit-reset' | 'backoff';
export type Certainty = 'documented' | 'inferred' | 'project' | 'uncertain' | 'conflict' | 'undocumented';
export type CauseElicitation = 'request' | 'credentials' | 'state' | 'path' | 'method';

export interface Texts {
  readonly en: string;
  readonly zh: string;
  readonly fr: string;
}

/** One level of contracts/certainty.json. */
export interface CertaintyLevel {
  readonly id: Certainty;
  /** true: a finding resting on a fact of this level keeps its rule's severity; false: it warns. */
  readonly firm: boolean;
  readonly description: string;
}

/** How firmly the contracts know that authenticated responses carry X-Rate-Limit-* headers. */
export interface RateLimitHeadersFact {
  readonly certainty: Certainty;
  readonly note: string;
  /** Refusal causes for which the presence is known differently, by cause id. */
  readonly byCause?: Readonly<Record<string, { readonly certainty: Certainty; readonly note: string }>>;
}

export interface StatusEntry {
  readonly code: StatusCode;
  readonly reason: string;
  readonly class: StatusClass;
  readonly envelopeRequired: boolean;
  readonly retry: RetryAdvice;
  readonly meaning: Texts;
  readonly label: { readonly zh: string; readonly fr: string };
}

export interface PolicyRuleText extends Texts {
  readonly id: string;
}

export interface Cause {
  readonly id: string;
  readonly elicitedBy: CauseElicitation;
  readonly description: string;
}

export interface BusinessCode {
  readonly api: ApiId;
  readonly table: string;
  readonly code: number;
  readonly status: number;
  readonly documentedStatus?: number;
  readonly message: string;
  readonly meaning: { readonly en: string; readonly zh?: string };
  readonly causes: readonly string[];
  readonly certainty: Certainty;
  readonly note?: string;
}

export interface CodeTable {
  readonly api: ApiId;
  readonly id: string;
  readonly title: string;
  readonly source: string;
  readonly shared: boolean;
  readonly conflicts?: string;
  readonly codes: readonly BusinessCode[];
}

export interface RateLimit {
  readonly bucket: string;
  readonly limit: number;
  readonly windowSeconds: number;
}

export interface Family {
  readonly api: ApiId;
  readonly id: string;
  readonly host: string;
  readonly codeTable: string;
  readonly authFailureCodes: readonly number[];
  readonly rateLimit: RateLimit;
}

export interface StateRef {
  readonly name: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

export interface BadRequest {
  readonly cause: string;
  readonly in: 'body' | 'query' | 'params';
  readonly remove?: string;
  readonly set?: { readonly pointer: string; readonly value?: unknown; readonly repeat?: { readonly text: string; readonly times: number } };
  readonly raw?: string;
}

export interface PayloadLimit {
  readonly pointers: readonly string[];
  readonly maxBytes: number;
}

/**
 * How an endpoint that answers one result per item (batch and group push) reports an item's failure:
 * in that item's own error envelope inside the 200. Rule 1 judges the whole answer; the batch rule each item.
 */
export interface ItemResults {
  /** JSON pointer to the object whose members are the items ('' the body itself). */
  readonly at: string;
  /** Members of that object that are not items (group_msgid). */
  readonly skip: readonly string[];
  /** Statuses whose codes may fail one item; a code of another status fails the whole request. */
  readonly statuses: readonly number[];
  readonly certainty: Certainty;
  readonly note: string;
}

/** Whose credentials an endpoint takes: the app's, or the group's (`group-<GroupKey>`, group push). */
export type EndpointAuth = 'app' | 'group';

export interface Endpoint {
  readonly api: ApiId;
  readonly id: string;
  readonly method: HttpMethod;
  /** Path template, e.g. /v3/schedules/{schedule_id}. */
  readonly path: string;
  readonly family: string;
  readonly summary: string;
  readonly sends: boolean;
  readonly vipOnly: boolean;
  readonly auth: EndpointAuth;
  /** Present on endpoints that report per-item failures inside a 200. */
  readonly itemResults?: ItemResults;
  readonly request: {
    /** $id of the synthesized schema of the path parameters, if the path has any. */
    readonly params?: string;
    readonly paramNames: readonly string[];
    readonly query?: string;
    readonly body?: string;
  };
  /** $id of the success body schema, or 'empty' for a 200 without body. */
  readonly success: string;
  readonly successNote?: string;
  /** $id of the error envelope schema of this endpoint: its own where the catalogue gives one (template push), else the API's. */
  readonly errorEnvelope: string;
  /** How sure the sources are of the endpoint (path, body, success shape); 'documented' unless the catalogue says otherwise. */
  readonly certainty: Certainty;
  /** Where the endpoint is documented or seen, when it is not the API's own source. */
  readonly source?: string;
  readonly payloadLimits: readonly PayloadLimit[];
  readonly statuses: readonly StatusCode[];
  readonly elicit: {
    readonly success?: { readonly state?: StateRef };
    readonly badRequests: readonly BadRequest[];
    readonly notFound?: Readonly<Record<string, string>>;
    /** The endpoint can be taken offline by the operator (cause endpoint.offline): the 410 then carries this announcement. */
    readonly offline?: OfflineElicitation;
  };
}

/** How an endpoint is taken offline for a 410: the announcement its answer carries, and how sure the catalogue is of it. */
export interface OfflineElicitation {
  readonly announcement: string;
  readonly certainty: Certainty;
  readonly note: string;
}

export interface RetiredEndpoint {
  readonly api: ApiId;
  readonly id: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly family: string;
  readonly announcement: string;
}

/** A documented endpoint deliberately left out of the catalogue, with the reason. */
export interface OutOfScopeEndpoint {
  readonly api: ApiId;
  readonly methods: readonly HttpMethod[];
  readonly path: string;
  readonly reason: string;
  readonly source: string;
}

export interface ApiCatalogue {
  readonly id: ApiId;
  readonly title: string;
  readonly source: string;
  readonly pathPrefix: string;
  /** $id of the API's error envelope schema. */
  readonly errorEnvelope: string;
  readonly rateLimitHeaders: RateLimitHeadersFact;
  readonly families: Readonly<Record<string, Family>>;
  readonly endpoints: readonly Endpoint[];
  readonly retired: readonly RetiredEndpoint[];
  /** Documented endpoints not catalogued, each with the reason (reported as not covered, never dropped silently). */
  readonly outOfScope: readonly OutOfScopeEndpoint[];
  readonly codeTables: readonly CodeTable[];
}

export interface ProviderState {
  readonly name: string;
  readonly kind: 'resource' | 'condition';
  readonly cause?: string;
  readonly description: string;
  /** $id of the synthesized schema of the state's params (resource states). */
  readonly params?: string;
  readonly paramNames: readonly string[];
}

/** One validation problem, structured; rendered to text only at the edge. */
export interface ValidationIssue {
  /** JSON pointer into the validated instance ('' for the root). */
  readonly pointer: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message: string;
}

export interface ValidationResult {
  readonly valid: boolean;
  readonly errors: readonly ValidationIssue[];
}

/** Where a (method, path) lands in the catalogue. */
export type RouteMatch =
  | { readonly kind: 'endpoint'; readonly api: ApiId; readonly endpoint: Endpoint; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'method-not-allowed'; readonly api: ApiId; readonly family: string; readonly path: string; readonly allowed: readonly HttpMethod[] }
  | { readonly kind: 'retired'; readonly api: ApiId; readonly retired: RetiredEndpoint }
  | { readonly kind: 'unknown'; readonly api?: ApiId };
