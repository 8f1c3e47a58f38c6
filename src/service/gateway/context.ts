import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiId, CauseId, Contracts, Endpoint, RateLimit, RouteMatch } from '../../contracts';
import type { AppRecord, AppRegistry, GroupRecord } from './apps';
import type { DispatcherClient } from './dispatcher-client';
import { errorAnswer } from './errors';
import type { OfflineRoutes } from './offline-routes';
import type { RateLimiter } from './rate-limiter';

/** Everything the gateway's hooks and plugins share. */
export interface GatewayDeps {
  readonly contracts: Contracts;
  readonly apps: AppRegistry;
  readonly limiter: RateLimiter;
  /** The family's rate limit, after the service's overrides. */
  rateFor(api: ApiId, family: string): RateLimit;
  readonly client: DispatcherClient;
  /** Routes the operator has taken offline (410). */
  readonly offline: OfflineRoutes;
}

/** What the gateway learned about a request before it reached its route. */
export interface GatewayContext {
  readonly api: ApiId;
  readonly family: string;
  readonly endpoint?: Endpoint;
  readonly app?: AppRecord;
  /** The authenticated group, on a group push. */
  readonly group?: GroupRecord;
}

declare module 'fastify' {
  interface FastifyRequest {
    gateway: GatewayContext | null;
    /** The body's JSON text as the client sent it (null without a body): forwarded to the dispatcher as is once it has been validated. */
    bodyJson: string | null;
  }
}

/** Paths that belong to no API answer in the first API's envelope; v3 is the older, wider-used one. */
export function defaultApi(contracts: Contracts): ApiId {
  return Object.keys(contracts.apis)[0] as ApiId;
}

/** Where a request belongs, from its path alone (for errors raised before or outside the gateway hook). */
export function contextFromPath(contracts: Contracts, method: string, url: string): GatewayContext {
  return contextOf(contracts, contracts.resolve(method, url));
}

/** Where a request belongs, from where it was resolved to (the gateway hook has resolved it already). */
export function contextOf(contracts: Contracts, match: RouteMatch): GatewayContext {
  switch (match.kind) {
    case 'endpoint':
      return { api: match.api, family: match.endpoint.family, endpoint: match.endpoint };
    case 'method-not-allowed':
      return { api: match.api, family: match.family };
    case 'retired':
      return { api: match.api, family: match.retired.family };
    case 'unknown': {
      const api = match.api ?? defaultApi(contracts);
      return { api, family: Object.keys(contracts.apis[api].families)[0] };
    }
    default:
      return match satisfies never;
  }
}

export function requestContext(contracts: Contracts, request: FastifyRequest): GatewayContext {
  return request.gateway ?? contextFromPath(contracts, request.method, request.url);
}

/** Sends the envelope for a cause (the endpoint's, when the request reached one); errors are always JSON. */
export function sendError(
  contracts: Contracts, reply: FastifyReply, ctx: Pick<GatewayContext, 'api' | 'family' | 'endpoint'>, cause: CauseId, detail?: string, msgId?: string,
): FastifyReply {
  const a = errorAnswer(contracts, ctx.api, ctx.family, cause, detail, msgId, ctx.endpoint?.errorEnvelope);
  return reply.code(a.status).type('application/json; charset=utf-8').send(a.body);
}
