/**
 * One OpenAPI 3.1 document per API, generated from contracts/ and never written by hand: every
 * catalogued endpoint and retired path, every status each can answer with its body schema (the
 * success schema, or the API's error envelope narrowed to the business codes the endpoint answers
 * that status with), the rate-limit and Allow headers, the Basic security scheme, examples from the
 * catalogue, and causes and certainty as x- extensions.
 */
import { envelopeBody } from '../contracts/envelopes';
import { getContracts, type Contracts } from '../contracts/load';
import { exampleRequest } from '../contracts/requests';
import type { ApiCatalogue, ApiId, BusinessCode, Certainty, Endpoint, HttpMethod, RetiredEndpoint } from '../contracts/types';
import { causesOfStatus, codesFor, credentialStatuses, methodStatuses, retiredStatuses, unavoidableStatuses } from './policy';
import { componentName, componentRef, reachableSchemas, rewriteSchema, schemaComponents, type Json, type JsonObject } from './schemas';

export const OPENAPI_VERSION = '3.1.0';
export const SECURITY_SCHEME = 'basicAuth';
export const ALLOW_HEADER = 'Allow';

// The methods a path can be asked with; a path answers 405 to each one no endpoint of it has.
const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

interface Ctx {
  readonly contracts: Contracts;
  readonly api: ApiCatalogue;
  /** Schema $ids the document refers to, so components carries exactly those. */
  readonly used: Set<string>;
  /** Error responses shared by the operations of a family, by component name. */
  readonly responses: Map<string, JsonObject>;
  /** Header components, by name. */
  readonly headers: Map<string, JsonObject>;
}

const ref = (ctx: Ctx, id: string): JsonObject => {
  ctx.used.add(id);
  return { $ref: componentRef(id) };
};

function examplesOf(ctx: Ctx, id: string): unknown[] {
  const ex = ctx.contracts.schema(id).examples;
  return Array.isArray(ex) ? ex : [];
}

/** The envelope's forms: its anyOf branches (v4: nested or flat), or the envelope itself (v3, template push). */
function envelopeForms(ctx: Ctx, id: string): Array<{ ref: JsonObject; nested: boolean }> {
  const schema = ctx.contracts.schema(id);
  const branches = Array.isArray(schema.anyOf) ? (schema.anyOf as Array<{ $ref: string }>) : undefined;
  if (!branches) return [{ ref: ref(ctx, id), nested: isNested(schema) }];
  ctx.used.add(id);
  return branches.map((b) => {
    const resolved = ctx.contracts.resolveRef(b.$ref, id);
    ctx.used.add(resolved.id);
    return { ref: rewriteSchema({ $ref: b.$ref }, id) as JsonObject, nested: isNested(resolved.schema) };
  });
}

function isNested(schema: Readonly<Record<string, unknown>>): boolean {
  return Object.prototype.hasOwnProperty.call(schema.properties ?? {}, 'error');
}

/** The envelope with its code narrowed to the codes this endpoint answers the status with. */
function errorSchema(ctx: Ctx, codes: readonly BusinessCode[], envelope: string): JsonObject {
  const forms = envelopeForms(ctx, envelope);
  if (codes.length === 0) return forms.length === 1 ? forms[0].ref : { anyOf: forms.map((f) => f.ref) };
  const enumOf = { enum: codes.map((c) => c.code) };
  const narrowed = forms.map((f): JsonObject => {
    const code: JsonObject = f.nested ? { properties: { error: { properties: { code: enumOf } } } } : { properties: { code: enumOf } };
    return { allOf: [f.ref, code] };
  });
  return narrowed.length === 1 ? narrowed[0] : { anyOf: narrowed };
}

function codeExtension(c: BusinessCode): JsonObject {
  const out: JsonObject = { code: c.code, message: c.message, table: c.table, causes: [...c.causes], certainty: c.certainty };
  if (c.documentedStatus !== undefined) out.documentedStatus = c.documentedStatus;
  if (c.note !== undefined) out.note = c.note;
  return out;
}

/**
 * How sure the contracts are that a response with these causes carries the rate-limit headers: the
 * API's fact, unless one of the causes has its own (no source says whether a blacklisted app's 403
 * is counted against the window).
 */
function rateLimitCertainty(ctx: Ctx, causes: readonly string[]): Certainty {
  const fact = ctx.api.rateLimitHeaders;
  return causes.map((c) => fact.byCause?.[c]?.certainty).find((x): x is Certainty => x !== undefined) ?? fact.certainty;
}

/**
 * The rate-limit headers of a response, named as the schema names them, each a $ref to a component
 * per certainty; a header is `required` only where the schema requires it and the fact is firm.
 */
function rateLimitHeaderRefs(ctx: Ctx, causes: readonly string[]): JsonObject {
  const certainty = rateLimitCertainty(ctx, causes);
  const suffix = certainty === ctx.api.rateLimitHeaders.certainty ? '' : `.${certainty}`;
  const out: JsonObject = {};
  for (const name of Object.keys(rateLimitSchema(ctx).properties)) {
    const component = `${name}${suffix}`;
    if (!ctx.headers.has(component)) ctx.headers.set(component, headerObject(ctx, name, certainty));
    out[name] = { $ref: `#/components/headers/${component}` };
  }
  return out;
}

function rateLimitSchema(ctx: Ctx): { id: string; properties: Record<string, unknown>; required: string[] } {
  const id = ctx.contracts.schemaId('common/rate-limit-headers.json');
  const s = ctx.contracts.schema(id) as { properties: Record<string, unknown>; required?: string[] };
  return { id, properties: s.properties, required: s.required ?? [] };
}

function headerObject(ctx: Ctx, name: string, certainty: Certainty): JsonObject {
  const { id, properties, required } = rateLimitSchema(ctx);
  const s = ctx.contracts.schema(id);
  const alternatives = ((s.anyOf ?? []) as Array<{ required: string[] }>).flatMap((a) => a.required);
  const example = (examplesOf(ctx, id)[0] as Record<string, string> | undefined)?.[name];
  const oneOf = alternatives.includes(name) ? ` One of ${alternatives.join(' and ')} is sent.` : '';
  ctx.used.add(id);
  return {
    description: `${String(s.description)}${oneOf}`,
    required: ctx.contracts.isFirm(certainty) && required.includes(name),
    schema: rewriteSchema(properties[name], id),
    ...(example !== undefined ? { example } : {}),
    'x-certainty': certainty,
  };
}

interface ResponseOptions {
  readonly family: string;
  /** The success body schema $id, or 'empty'. */
  readonly success?: string;
  readonly successNote?: string;
  readonly retired?: boolean;
  /** The endpoint's own error envelope (Endpoint.errorEnvelope) where it is not the API's: template push. */
  readonly envelope?: string;
}

/**
 * The response of one status: inline for the success (its body is the endpoint's); an error response
 * is the same for the whole family, so it is written once under components.responses and referred to.
 */
function response(ctx: Ctx, status: number, o: ResponseOptions): JsonObject {
  const entry = ctx.contracts.status(status);
  if (entry?.class === 'success') return responseObject(ctx, status, o);
  const own = o.envelope !== undefined && o.envelope !== ctx.api.errorEnvelope ? `.${o.envelope.replace(/^.*\//, '').replace(/\.json$/, '')}` : '';
  const name = `${o.family}.${status}${o.retired ? '.retired' : ''}${own}`;
  if (!ctx.responses.has(name)) ctx.responses.set(name, responseObject(ctx, status, o));
  return { $ref: `#/components/responses/${name}` };
}

function responseObject(ctx: Ctx, status: number, o: ResponseOptions): JsonObject {
  const entry = ctx.contracts.status(status);
  const description = `${entry?.reason ?? status}: ${entry?.meaning.en ?? ''}`.trim();
  const isError = entry?.class !== 'success';
  const codes = isError ? codesFor(ctx.contracts, ctx.api.id, o.family, status) : [];
  const causes = isError ? causesOfStatus(ctx.contracts, ctx.api.id, status).filter((cause) => codes.length === 0 || codes.some((c) => c.causes.includes(cause))) : [];
  const headers: JsonObject = {};
  // The gateway counts a request against the rate limit once its credentials are accepted, so every
  // answer but a refused login carries the headers; a retired path is refused before that.
  if (!o.retired && !credentialStatuses(ctx.contracts, ctx.api.id).includes(status)) Object.assign(headers, rateLimitHeaderRefs(ctx, causes));
  if (methodStatuses(ctx.contracts, ctx.api.id).includes(status)) {
    headers[ALLOW_HEADER] = {
      description: 'The methods the path supports (RFC 9110 section 15.5.6); x-allow on the operation lists them.',
      required: true,
      schema: { type: 'string' },
    };
  }
  const out: JsonObject = { description };
  if (Object.keys(headers).length > 0) out.headers = headers;
  if (!isError) {
    if (o.successNote) out.description = `${description} ${o.successNote}`;
    if (o.success && o.success !== 'empty') {
      const examples = examplesOf(ctx, o.success);
      // Rule 1 in the document: whatever else the success schema allows, a 200 carries no `error`.
      const schema: JsonObject = { allOf: [ref(ctx, o.success), { properties: { error: false } }] };
      out.content = { 'application/json': { schema, ...(examples.length > 0 ? { example: examples[0] as Json } : {}) } };
    }
    return out;
  }
  const examples: JsonObject = {};
  const envelope = o.envelope ?? ctx.api.errorEnvelope;
  for (const c of codes) examples[String(c.code)] = { summary: c.message, value: envelopeBody(ctx.contracts, envelope, c.code, c.message) as Json };
  out.content = { 'application/json': { schema: errorSchema(ctx, codes, envelope), ...(codes.length > 0 ? { examples } : {}) } };
  out['x-causes'] = causes;
  out['x-business-codes'] = codes.map(codeExtension);
  return out;
}

function parameters(ctx: Ctx, e: Endpoint): Json[] {
  const example = exampleRequest(ctx.contracts, e);
  const out: Json[] = [];
  if (e.request.params) {
    const paramsId = e.request.params;
    const props = (ctx.contracts.schema(paramsId).properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const name of e.request.paramNames) {
      const precise = rewriteSchema(props[name], paramsId);
      // The catalogue answers an invalid value of this parameter with 400 on this operation, so the
      // operation exists for it: a schema excluding it would say the path does not (and routers such as
      // PactFlow's comparator would find no operation). The precise schema moves to x-valid-schema.
      const invalid = e.elicit.badRequests.find((b) => b.in === 'params' && b.set?.pointer === `/${name}` &&
        !ctx.contracts.validate(paramsId, { ...example.params, [name]: b.set.value }).valid);
      const schema: Json = invalid ? { type: String(props[name].type ?? 'string') } : precise;
      out.push({
        name,
        in: 'path',
        required: true,
        schema,
        ...(invalid ? { description: `Values outside x-valid-schema are answered with 400 (${invalid.cause}).`, 'x-valid-schema': precise } : {}),
        ...(example.params[name] !== undefined ? { example: example.params[name] } : {}),
      });
    }
  }
  if (e.request.query) {
    // A query schema may be a $ref to another (v4's platform query is v3's): its properties are the parameters.
    let id = e.request.query;
    let schema = ctx.contracts.schema(id);
    while (typeof schema.$ref === 'string' && schema.properties === undefined) {
      const next = ctx.contracts.resolveRef(schema.$ref, id);
      id = next.id;
      schema = next.schema;
    }
    const required = (schema.required ?? []) as string[];
    for (const [name, prop] of Object.entries((schema.properties ?? {}) as Record<string, unknown>)) {
      const ex = example.query?.[name];
      out.push({ name, in: 'query', required: required.includes(name), schema: rewriteSchema(prop, id), ...(ex !== undefined ? { example: ex } : {}) });
    }
  }
  return out;
}

function operation(ctx: Ctx, e: Endpoint): JsonObject {
  const family = ctx.api.families[e.family];
  const op: JsonObject = { operationId: e.id, summary: e.summary, tags: [e.family] };
  const params = parameters(ctx, e);
  if (params.length > 0) op.parameters = params;
  if (e.request.body) {
    const example = exampleRequest(ctx.contracts, e).body;
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: ref(ctx, e.request.body), ...(example?.kind === 'json' ? { example: example.value as Json } : {}) } },
    };
  }
  const responses: JsonObject = {};
  // 405 belongs to the methods the path does not support, not to this one (see methodNotAllowed).
  const own = e.statuses.filter((s) => !methodStatuses(ctx.contracts, ctx.api.id).includes(s));
  for (const s of own) responses[String(s)] = response(ctx, s, { family: e.family, success: e.success, successNote: e.successNote, envelope: e.errorEnvelope });
  op.responses = responses;
  op['x-family'] = e.family;
  op['x-rate-limit'] = { ...family.rateLimit };
  if (e.vipOnly) op['x-vip-only'] = true;
  if (e.sends) op['x-sends'] = true;
  return op;
}

/** A method the path does not support: the gateway refuses it (405 with Allow) after checking credentials and state. */
function methodNotAllowed(ctx: Ctx, template: string, method: HttpMethod, family: string, allowed: readonly HttpMethod[], firstId: string): JsonObject {
  const responses: JsonObject = {};
  const statuses = [...new Set([...unavoidableStatuses(ctx.contracts, ctx.api.id), ...methodStatuses(ctx.contracts, ctx.api.id)])].sort((a, b) => a - b);
  for (const s of statuses) responses[String(s)] = response(ctx, s, { family });
  return {
    operationId: `${firstId}.${method.toLowerCase()}-not-allowed`,
    summary: `${method} ${template} is not supported; the path supports ${allowed.join(', ')}.`,
    tags: [family],
    responses,
    'x-family': family,
    'x-method-not-allowed': true,
    'x-allow': [...allowed],
  };
}

function retiredOperation(ctx: Ctx, r: RetiredEndpoint): JsonObject {
  const responses: JsonObject = {};
  for (const s of retiredStatuses(ctx.contracts, ctx.api.id)) responses[String(s)] = response(ctx, s, { family: r.family, retired: true });
  return {
    operationId: r.id,
    summary: r.announcement,
    tags: [r.family],
    deprecated: true,
    // A retired path is answered before credentials are looked at.
    security: [],
    responses,
    'x-family': r.family,
    'x-retired': true,
  };
}

/** The OpenAPI 3.1 document of one API, as a plain JSON object with a stable key order. */
export function buildOpenApi(api: ApiId, contracts: Contracts = getContracts()): JsonObject {
  const cat = contracts.apis[api];
  const ctx: Ctx = { contracts, api: cat, used: new Set(), responses: new Map(), headers: new Map() };
  const paths: JsonObject = {};
  const templates = new Map<string, Endpoint[]>();
  for (const e of cat.endpoints) templates.set(e.path, [...(templates.get(e.path) ?? []), e]);
  for (const [template, endpoints] of templates) {
    const allowed = endpoints.map((e) => e.method);
    const family = endpoints[0].family;
    const item: JsonObject = { servers: [{ url: cat.families[family].host }] };
    for (const e of endpoints) item[e.method.toLowerCase()] = operation(ctx, e);
    if (endpoints.some((e) => e.statuses.some((s) => methodStatuses(contracts, api).includes(s)))) {
      for (const m of METHODS.filter((x) => !allowed.includes(x))) item[m.toLowerCase()] = methodNotAllowed(ctx, template, m, family, allowed, endpoints[0].id);
    }
    paths[template] = item;
  }
  for (const r of cat.retired) {
    const item: JsonObject = (paths[r.path] as JsonObject | undefined) ?? { servers: [{ url: cat.families[r.family].host }] };
    item[r.method.toLowerCase()] = retiredOperation(ctx, r);
    paths[r.path] = item;
  }
  const hosts = [...new Set(Object.values(cat.families).map((f) => f.host))];
  const schemas = schemaComponents(contracts, reachableSchemas(contracts, ctx.used));
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: cat.title,
      version: cat.pathPrefix.replace(/^\//, ''),
      description:
        `${cat.title}, as the push-contracts catalogue describes it (${cat.source}). Generated from contracts/ by ` +
        '`push-contracts openapi`; do not edit. Every error status carries the error envelope with the business codes ' +
        'the operation answers it with; x-causes and x-business-codes give the conditions behind each and their certainty. ' +
        'Any path outside the catalogue answers 404 with the envelope.',
      'x-policy-rules': contracts.rules.map((r) => ({ id: r.id, text: r.en })),
      'x-rate-limit-headers': JSON.parse(JSON.stringify(cat.rateLimitHeaders)) as Json,
    },
    servers: hosts.map((url) => ({ url })),
    security: [{ [SECURITY_SCHEME]: [] }],
    tags: Object.values(cat.families).map((f) => ({ name: f.id, description: `${f.id} family on ${f.host}; rate limit ${f.rateLimit.limit} per ${f.rateLimit.windowSeconds} s (bucket ${f.rateLimit.bucket}).` })),
    paths,
    components: {
      securitySchemes: {
        [SECURITY_SCHEME]: { type: 'http', scheme: 'basic', description: 'HTTP Basic with the AppKey as user name and the Master Secret as password.' },
      },
      responses: Object.fromEntries([...ctx.responses.entries()].sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true }))),
      headers: Object.fromEntries([...ctx.headers.entries()].sort((a, b) => a[0].localeCompare(b[0]))),
      schemas,
    },
  };
}

export { componentName };
