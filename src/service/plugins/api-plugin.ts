import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiId, CauseId, Contracts, Endpoint, MemberAppCause, ValidationIssue } from '../../contracts';
import { requestContext, sendError, type GatewayDeps } from '../gateway/context';
import { causeOfIssues, describeIssues, errorAnswer, GatewayError, withoutStack } from '../gateway/errors';
import { plainIp, type GroupRecord } from '../gateway/apps';
import type { ItemFailure, MemberState } from '../dispatcher/operations';

/** A failed validation as our validator compiler reports it to Fastify. */
interface ContractValidationError extends Error {
  readonly issues: readonly ValidationIssue[];
  readonly part: string;
}

const PART_NAMES: Readonly<Record<string, string>> = { body: 'body', querystring: 'query', params: 'path', headers: 'headers' };

/**
 * Fastify's validator, fed by contracts/: a route's schema is a bare `$ref` to a contracts schema $id,
 * and validation is the contracts' own compiled validator, so no schema exists twice.
 */
export function contractsValidatorCompiler(contracts: Contracts) {
  return ({ schema, httpPart }: { schema: unknown; httpPart?: string }) => {
    const id = (schema as { $ref: string }).$ref;
    const part = PART_NAMES[httpPart ?? 'body'] ?? 'body';
    // Compiled when the route is, so that no request pays for compiling its schema.
    contracts.precompile(id);
    return (data: unknown) => {
      // No body is a body with every parameter missing.
      const r = contracts.validate(id, data ?? {});
      if (r.valid) return true;
      const error = withoutStack(() => Object.assign(new Error(`invalid ${part}`), { issues: r.errors, part }) as ContractValidationError);
      return { error };
    };
  };
}

function isValidationError(err: unknown): err is ContractValidationError {
  return err instanceof Error && Array.isArray((err as Partial<ContractValidationError>).issues);
}

/** A JSON pointer as its unescaped segments, worked out once per route rather than per request. */
function segmentsOf(pointer: string): string[] {
  return pointer.split('/').slice(1).map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at a pointer's segments, or undefined. */
function at(data: unknown, segments: readonly string[]): unknown {
  let node = data;
  for (const seg of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

interface CompiledLimit {
  readonly pointers: readonly string[];
  readonly paths: readonly (readonly string[])[];
  readonly maxBytes: number;
}

function compileLimits(endpoint: Endpoint): CompiledLimit[] {
  return endpoint.payloadLimits.map((l) => ({ pointers: l.pointers, paths: l.pointers.map(segmentsOf), maxBytes: l.maxBytes }));
}

/** The first payload limit of the endpoint that the body breaks, in bytes of its JSON. */
function brokenPayloadLimit(limits: readonly CompiledLimit[], body: unknown): string | undefined {
  for (const limit of limits) {
    let bytes = 0;
    for (const path of limit.paths) {
      const v = at(body, path);
      if (v !== undefined) bytes += Buffer.byteLength(JSON.stringify(v));
    }
    if (bytes > limit.maxBytes) return `${limit.pointers.join(' + ')} is ${bytes} bytes, over ${limit.maxBytes}`;
  }
  return undefined;
}

/** The cause of any error that reaches an API's error handler. */
export function causeOfError(err: FastifyError | Error): { cause: CauseId; detail?: string; msgId?: string } {
  if (err instanceof GatewayError) return { cause: err.causeId, detail: err.detail, msgId: err.msgId };
  if (isValidationError(err)) return { cause: causeOfIssues(err.issues), detail: describeIssues(err.part, err.issues) };
  const code = (err as FastifyError).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { cause: 'request.too-large', detail: 'request body over the size limit' };
  if (typeof code === 'string' && code.startsWith('FST_ERR_CTP_')) return { cause: 'request.malformed' };
  const status = (err as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) return { cause: 'request.invalid-value' };
  // The gateway's own failure: answered as an internal error, without anything about it.
  return { cause: 'upstream.failed' };
}

export function apiErrorHandler(contracts: Contracts) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const { cause, detail, msgId } = causeOfError(err);
    return sendError(contracts, reply, requestContext(contracts, request), cause, detail, msgId);
  };
}

/** Each app of a group as the group push finds it: refused (blacklisted, caller not whitelisted) or reachable. */
function memberStates(deps: GatewayDeps, group: GroupRecord, ip: string): MemberState[] {
  return group.members.map((appKey) => {
    const a = deps.apps.get(appKey);
    const cause: MemberAppCause | undefined = !a
      ? undefined
      : a.blacklisted
        ? 'app.blacklisted'
        : a.ipWhitelist !== null && !a.ipWhitelist.includes(plainIp(ip))
          ? 'app.ip-not-whitelisted'
          : undefined;
    return cause ? { appKey, cause } : { appKey };
  });
}

/**
 * The dispatcher reports a failed item by its cause ({error: {cause, detail}}); the gateway owns the
 * codes, so it writes the family's envelope for that cause into the item, as it does for a whole request.
 */
function renderItemErrors(contracts: Contracts, endpoint: Endpoint, body: unknown): unknown {
  const items = endpoint.itemResults ? at(body, segmentsOf(endpoint.itemResults.at)) : undefined;
  if (items === null || typeof items !== 'object') return body;
  for (const [key, item] of Object.entries(items as Record<string, unknown>)) {
    const failure = (item as { error?: ItemFailure } | null)?.error;
    if (endpoint.itemResults?.skip.includes(key) || !failure || typeof failure.cause !== 'string') continue;
    (item as { error: unknown }).error = errorAnswer(contracts, endpoint.api, endpoint.family, failure.cause, failure.detail).body.error;
  }
  return body;
}

/** Fastify's path syntax for a contracts path template, relative to the plugin prefix. */
function routeUrl(template: string, prefix: string): string {
  const rest = template.slice(prefix.length).replace(/\{([a-z_]+)\}/g, ':$1');
  return rest === '' ? '/' : rest;
}

/**
 * One API family as an encapsulated plugin: a route per catalogued endpoint, each validated against the
 * endpoint's request schemas, payload limits checked before validation, and the job handed to the
 * dispatcher. Its error handler answers everything in the API's envelope.
 */
export function registerApi(scope: FastifyInstance, deps: GatewayDeps, api: ApiId): void {
  const { contracts } = deps;
  const catalogue = contracts.apis[api];
  scope.setValidatorCompiler(contractsValidatorCompiler(contracts));
  scope.setErrorHandler(apiErrorHandler(contracts));

  for (const endpoint of contracts.endpoints(api)) {
    const schema: Record<string, unknown> = {};
    if (endpoint.request.params) schema.params = { $ref: endpoint.request.params };
    if (endpoint.request.query) schema.querystring = { $ref: endpoint.request.query };
    if (endpoint.request.body) schema.body = { $ref: endpoint.request.body };
    const limits = compileLimits(endpoint);
    scope.route({
      method: endpoint.method,
      url: routeUrl(endpoint.path, catalogue.pathPrefix),
      schema,
      config: { endpointId: endpoint.id },
      preValidation: (request, _reply, done) => {
        const broken = limits.length > 0 ? brokenPayloadLimit(limits, request.body) : undefined;
        done(broken ? new GatewayError('request.too-large', broken) : undefined);
      },
      handler: async (request, reply) => {
        const { app, group } = request.gateway ?? {};
        if (!app && !group) throw new Error('route reached without the gateway');
        const outcome = await deps.client.dispatch(
          {
            api,
            endpoint: endpoint.id,
            appKey: app?.appKey ?? group?.principal ?? '',
            ...(group ? { members: memberStates(deps, group, request.ip) } : {}),
            params: request.params as Record<string, string>,
            query: (request.query ?? {}) as Record<string, unknown>,
            body: request.body,
          },
          endpoint.method === 'GET',
          // The client's own JSON text parses to request.body, which validation has accepted: sent on as is.
          request.bodyJson ?? undefined,
        );
        switch (outcome.kind) {
          case 'done':
            if (endpoint.success === 'empty') return reply.code(200).send();
            // Per-item failures come back as causes; only these endpoints pay for reading the body again.
            if (endpoint.itemResults && outcome.json !== undefined) {
              return reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify(renderItemErrors(contracts, endpoint, JSON.parse(outcome.json))));
            }
            return reply.code(200).type('application/json; charset=utf-8').send(outcome.json);
          case 'refused':
            throw new GatewayError(outcome.cause, outcome.message, outcome.msgId);
          case 'failed':
            throw new GatewayError(outcome.cause);
          default:
            return outcome satisfies never;
        }
      },
    });
  }
}
