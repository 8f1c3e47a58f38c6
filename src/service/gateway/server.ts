import * as http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Contracts, RouteMatch } from '../../contracts';
import { jpushV3 } from '../plugins/jpush-v3';
import { mtpushV4 } from '../plugins/mtpush-v4';
import { apiErrorHandler, causeOfError, contractsValidatorCompiler } from '../plugins/api-plugin';
import { plainIp } from './apps';
import { contextFromPath, contextOf, defaultApi, sendError, type GatewayDeps } from './context';
import { errorAnswer, GatewayError } from './errors';

export interface GatewayLimits {
  /** Largest request body read; a larger one is refused from its Content-Length, or as soon as it passes the limit. */
  readonly bodyBytes: number;
  /** A client must have sent its whole request within this; a slower one is cut off. */
  readonly requestTimeoutMs: number;
}

/** Answers a provider-state change; mounted only with --enable-provider-states. */
export type ProviderStateRoute = (body: unknown) => Promise<{ status: number; body: unknown }>;

export const PROVIDER_STATES_PATH = '/_pact/provider-states';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

const BYPASS = 'gatewayBypass';

/**
 * The gateway's checks, in the order that lets a pact elicit each status: retired API 410, unknown path
 * 404, credentials 401, rate limit 429 (its headers go on every authenticated answer), app permissions
 * 403, method 405, a route the operator has taken offline 410. Validation (400) and the dispatcher (200,
 * 404, 5xx) follow in the API plugins.
 */
function gatewayHook(deps: GatewayDeps, bypassPrefix: string | undefined) {
  const { contracts } = deps;
  // Where a method and URL go never changes, and most traffic repeats a few URLs (every push is POST
  // /v3/push): remembered, so that a request does not scan the contracts' routes again. Bounded, since
  // URLs carry ids and queries.
  const resolved = new Map<string, RouteMatch>();
  const resolve = (method: string, url: string): RouteMatch => {
    const key = `${method} ${url}`;
    let match = resolved.get(key);
    if (match === undefined) {
      match = contracts.resolve(method, url);
      if (resolved.size >= 1024) resolved.clear();
      resolved.set(key, match);
    }
    return match;
  };
  // Callback style: no promise and no extra microtask per request, and an early answer is just not calling next.
  return (request: FastifyRequest, reply: FastifyReply, next: () => void): void => {
    // request.routeOptions builds a fresh object on every read: only read it for the one path that may bypass.
    if (bypassPrefix !== undefined && request.url.startsWith(bypassPrefix)
      && (request.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[BYPASS]) {
      next();
      return;
    }
    const match = resolve(request.method, request.url);
    if (match.kind === 'retired') {
      sendError(contracts, reply, { api: match.api, family: match.retired.family }, 'api.retired', match.retired.announcement);
      return;
    }
    if (match.kind === 'unknown') {
      sendError(contracts, reply, contextOf(contracts, match), 'path.not-found');
      return;
    }
    const api = match.api;
    const family = match.kind === 'endpoint' ? match.endpoint.family : match.family;
    const ctx = { api, family, endpoint: match.kind === 'endpoint' ? match.endpoint : undefined };

    const auth = deps.apps.authenticate(request.headers.authorization);
    if (!auth.ok) {
      sendError(contracts, reply, ctx, auth.cause);
      return;
    }
    // Group push takes a group's credentials and every other endpoint an app's: the other kind fails authentication.
    if (match.kind === 'endpoint' && (match.endpoint.auth === 'group') !== (auth.group !== undefined)) {
      sendError(contracts, reply, ctx, 'auth.failed');
      return;
    }
    const { app, group } = auth;

    const rate = deps.rateFor(api, family);
    const decision = deps.limiter.take(app?.appKey ?? group?.principal ?? '', `${api} ${rate.bucket}`, rate);
    reply.header('x-rate-limit-limit', String(decision.limit));
    reply.header('x-rate-limit-remaining', String(decision.remaining));
    reply.header('x-rate-limit-reset', String(decision.resetSeconds));
    if (!decision.admitted) {
      reply.header('retry-after', String(decision.resetSeconds));
      sendError(contracts, reply, ctx, 'rate.exceeded');
      return;
    }

    // A group's apps are judged one by one when the group push reaches them (api-plugin), each in its own item.
    if (app?.blacklisted) {
      sendError(contracts, reply, ctx, 'app.blacklisted');
      return;
    }
    if (app && app.ipWhitelist !== null && !app.ipWhitelist.includes(plainIp(request.ip))) {
      sendError(contracts, reply, ctx, 'app.ip-not-whitelisted');
      return;
    }
    if (app && match.kind === 'endpoint' && match.endpoint.vipOnly && !app.vip) {
      sendError(contracts, reply, ctx, 'app.not-vip');
      return;
    }
    if (match.kind === 'method-not-allowed') {
      reply.header('allow', match.allowed.join(', '));
      sendError(contracts, reply, ctx, 'method.not-allowed');
      return;
    }
    const announcement = deps.offline.announcement(request.method, match.endpoint.path);
    if (announcement !== undefined) {
      sendError(contracts, reply, ctx, 'endpoint.offline', announcement);
      return;
    }
    request.gateway = { api, family, endpoint: match.endpoint, app, group };
    next();
  };
}

/** A connection-level failure (bad HTTP, slow client): answered in the default API's envelope, or cut. */
function clientErrorHandler(contracts: Contracts) {
  const api = defaultApi(contracts);
  const family = Object.keys(contracts.apis[api].families)[0];
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    // A client that did not finish its request in time gets no answer: there is no request to answer.
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      socket.destroy();
      return;
    }
    const cause = err.code === 'HPE_HEADER_OVERFLOW' ? 'request.too-large' : 'request.malformed';
    const answer = errorAnswer(contracts, api, family, cause);
    const body = JSON.stringify(answer.body);
    const status = answer.status;
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}

export function buildGateway(deps: GatewayDeps, limits: GatewayLimits, providerStates?: ProviderStateRoute): FastifyInstance {
  const { contracts } = deps;
  // Loaded when a gateway is built, not when this module is: the CLI and the modules that only name the
  // service's types or options load it without starting one (about 0.1 s in every jest file that did).
  const Fastify = require('fastify') as typeof import('fastify');
  const app = Fastify({
    logger: false,
    bodyLimit: limits.bodyBytes,
    forceCloseConnections: true,
    return503OnClosing: false,
    exposeHeadRoutes: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    // Fastify's default compilers (its own ajv with the JTD vocabulary, fast-json-stringify) are loaded when
    // a server is made, about 40 ms of CPU in every fresh process or jest file that starts a service, and
    // would never run: every route validates with the contracts' own compiled validators (api-plugin), and
    // no route has a response schema (answers are checked against contracts/ by the tests, not filtered).
    schemaController: {
      compilersFactory: {
        // Fastify types a factory after its ajv compiler's signature; it is called with the route's schema the same way.
        buildValidator: (() => contractsValidatorCompiler(contracts)) as unknown as CompilersFactory['buildValidator'],
        buildSerializer: () => () => {
          throw new Error('the gateway serialises no response schema: answers are written as contracts/ gives them');
        },
      },
    },
    clientErrorHandler: clientErrorHandler(contracts),
    serverFactory: (handler) =>
      http.createServer(
        {
          requestTimeout: limits.requestTimeoutMs,
          headersTimeout: limits.requestTimeoutMs,
          // How often Node looks for clients past their deadline; its default (30 s) would let slow clients linger.
          connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.requestTimeoutMs / 4))),
        },
        handler,
      ),
    frameworkErrors: (err, request, reply) => {
      const { cause } = causeOfError(err);
      // A URL Fastify cannot route (bad escapes, over-long parameter) is a bad value in the request.
      const resolved = cause === 'upstream.failed' ? 'request.invalid-value' : cause;
      void sendError(contracts, reply, contextFromPath(contracts, request.method, request.url), resolved);
    },
  });
  app.decorateRequest('gateway', null);
  app.decorateRequest('bodyJson', null);

  // Every body is read as JSON whatever its Content-Type, as the JPush servers do.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    try {
      const text = body.toString('utf8');
      const parsed: unknown = JSON.parse(text);
      req.bodyJson = text;
      done(null, parsed);
    } catch {
      done(new GatewayError('request.malformed', 'body is not well-formed JSON'), undefined);
    }
  });

  app.setErrorHandler(apiErrorHandler(contracts));
  app.addHook('onRequest', gatewayHook(deps, providerStates ? PROVIDER_STATES_PATH : undefined));
  app.setNotFoundHandler((request, reply) => sendError(contracts, reply, contextFromPath(contracts, request.method, request.url), 'path.not-found'));

  app.register(jpushV3, { ...deps, prefix: contracts.apis['jpush-v3'].pathPrefix });
  app.register(mtpushV4, { ...deps, prefix: contracts.apis['mtpush-v4'].pathPrefix });

  if (providerStates) {
    app.register(async (scope) => {
      scope.setErrorHandler((err, _request, reply) => {
        // Only a body the parser refused can get here; say so without echoing it.
        const message = err instanceof GatewayError ? 'the body is not well-formed JSON' : 'the state change could not be read';
        return reply.code(400).type('application/json; charset=utf-8').send({ error: { code: 'PC_ERR_STATE_SETUP_FAILED', message } });
      });
      scope.post(PROVIDER_STATES_PATH, { config: { [BYPASS]: true } }, async (request, reply) => {
        const answer = await providerStates(request.body);
        return reply.code(answer.status).type('application/json; charset=utf-8').send(JSON.stringify(answer.body));
      });
    });
  }
  return app;
}
