import type { Credentials, GroupCredentials } from '../credentials';
import type { Contracts } from '../contracts/load';
import type { ApiId, BusinessCode, Endpoint, HttpMethod } from '../contracts/types';
import type { RequestBody } from '../contracts/requests';
import type { RulePolicy } from '../audit/policy';

/** What a crafted request carries as credentials. */
export type AuthMode = 'valid' | 'wrong' | 'none';

/** A request body: JSON to serialise, or raw text sent as is (malformed JSON). */
export type ProbeBody = RequestBody;

/** One request the probe sends, before credentials are injected. */
export interface ProbeRequest {
  readonly method: HttpMethod;
  /** The catalogued path, filled (/v3/devices/0000): what the audit resolves. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: ProbeBody;
  readonly auth: AuthMode;
  /** Whose credentials: the group's (group push, `group-<GroupKey>`), or the app's when absent. */
  readonly principal?: 'group';
}

export type CaseKind = 'success' | 'auth' | 'method' | 'bad-request' | 'not-found' | 'unknown-path' | 'retired' | 'burst';

/** Another answer the case accepts as legitimate without proving its own status (e.g. 403 from a non-VIP app). */
export interface Alternative {
  readonly status: number;
  readonly cause: string;
  readonly codes: readonly number[];
  readonly reason: string;
}

/** What the policy says the crafted request must produce. */
export interface ProbeExpectation {
  readonly status: number;
  /** The cause the request elicits (absent for a success). */
  readonly cause?: string;
  /** The code contracts.codeFor gives the cause in the family, when the catalogue has one. */
  readonly code?: BusinessCode;
  /** Every code of the family's tables that stands for the cause. */
  readonly acceptedCodes: readonly number[];
  readonly alternatives: readonly Alternative[];
}

export interface ProbeCase {
  readonly kind: CaseKind;
  readonly api: ApiId;
  /** The catalogued endpoint the case targets; null for unknown and retired paths. */
  readonly endpoint: Endpoint | null;
  readonly family?: string;
  readonly description: string;
  readonly providerStates: readonly string[];
  readonly request: ProbeRequest;
  readonly expect: ProbeExpectation;
}

/** A status the catalogue lists for an endpoint that this run could not, or must not, provoke. */
export interface NotCovered {
  readonly api: ApiId;
  readonly endpoint: string | null;
  readonly status: number;
  readonly cause?: string;
  readonly reason: string;
}

export interface ProbePlan {
  readonly cases: readonly ProbeCase[];
  readonly notCovered: readonly NotCovered[];
}

/** Bounds of the opt-in rate-limit burst. */
export interface BurstOptions {
  /** Requests beyond the advertised remaining quota, at least. */
  readonly margin: number;
  /** Absolute cap on the requests of one burst. */
  readonly maxRequests: number;
  /** Time budget of one burst, in milliseconds. */
  readonly maxDurationMs: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
}

export interface ProbeOptions {
  readonly baseUrl: string;
  readonly api: ApiId;
  /** Endpoint ids to probe; all of the API's when absent. */
  readonly endpoints?: readonly string[];
  readonly credentials: Credentials;
  /** The group's credentials, for group push; without them its authenticated cases are not covered. */
  readonly groupCredentials?: GroupCredentials;
  /** Allow requests that could succeed on endpoints whose success changes the service (sends a push, deletes). */
  readonly allowWrites?: boolean;
  /** The app has a VIP plan: VIP-only endpoints must answer 200, not 403. */
  readonly vip?: boolean;
  /** Ids of existing resources, by provider-state parameter name (registration_id, alias, schedule_id, msg_id). */
  readonly ids?: Readonly<Record<string, string>>;
  /** Run the rate-limit burst (opt-in); true for the default bounds. */
  readonly burst?: boolean | Partial<BurstOptions>;
  /** Per-request timeout in milliseconds. */
  readonly timeoutMs?: number;
  readonly contracts?: Contracts;
  /** Policy rules and probe checks by id, as verify's --rule / --skip-rule (only these, or skip these), and their severities. */
  readonly rules?: RulePolicy;
}
