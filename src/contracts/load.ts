import * as path from 'node:path';
import type Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { BoundedMap } from '../bounded-map';
import { PushContractsError } from '../errors';
import { defaultContractsDir, listJsonFiles, readContractsJson } from './files';
import { digestOf, JSON_SCHEMA_2020, newAjv, precompiledMetaValidators, precompiledSchemaValidators } from './meta-validators';
import type {
  ApiCatalogue, ApiId, BusinessCode, Cause, Certainty, CertaintyLevel, CodeTable, Endpoint, Family, HttpMethod, PolicyRuleText,
  OutOfScopeEndpoint, ProviderState, RetiredEndpoint, RouteMatch, StatusCode, StatusEntry, ValidationIssue, ValidationResult,
} from './types';

/** Base URI of every schema $id; a schema's $id is this plus its path under contracts/schemas/. */
export const SCHEMA_BASE = 'https://push-contracts.dev/schemas/';
export const RATE_LIMIT_HEADERS_SCHEMA = `${SCHEMA_BASE}common/rate-limit-headers.json`;

const API_FILES: Readonly<Record<ApiId, string>> = { 'jpush-v3': 'jpush-v3.json', 'mtpush-v4': 'mtpush-v4.json' };

/** The data files and the meta-schema each must satisfy. */
const DATA_FILES = {
  statuses: ['statuses.json', 'statuses.schema.json'],
  causes: ['causes.json', 'causes.schema.json'],
  providerStates: ['provider-states.json', 'provider-states.schema.json'],
  certainty: ['certainty.json', 'certainty.schema.json'],
} as const;

/**
 * The ajv of each load, by the exact schemas it holds (each $id and its text, synthesized ones included),
 * the meta-schemas' text and the compile mode, the last 8 of them: a process that loads the
 * same schemas again (contracts check's tests load an edited copy per case, a CLI command run in process,
 * a second Contracts of the same dir) reuses the validated and compiled ones instead of doing it again.
 * What a schema compiles to depends on nothing else: the options are the same for every load. A full
 * load and one compiling on first use keep apart, so each can be compared with the other.
 */
const ajvBySchemas = new BoundedMap<string, Ajv2020>(8);

export function toIssues(errors: readonly ErrorObject[] | null | undefined): ValidationIssue[] {
  return (errors ?? []).map((e) => ({
    pointer: e.instancePath,
    keyword: e.keyword,
    params: { ...e.params },
    message: e.message ?? e.keyword,
  }));
}

/** One line naming the first problem: used for contracts/ files, never for user data. */
function firstProblem(shown: string, errors: readonly ValidationIssue[]): string {
  const e = errors[0];
  const extra = e.keyword === 'additionalProperties' ? ` '${String(e.params.additionalProperty)}'` : '';
  return `${shown} at ${e.pointer || '/'}: ${e.message}${extra}`;
}

/** Fills a path template: /v3/schedules/{schedule_id} with {schedule_id: 'x'} gives /v3/schedules/x. */
export function fillPath(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z_]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? `{${name}}`));
}

export function paramNamesOf(template: string): string[] {
  return [...template.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]);
}

interface CompiledRoute {
  readonly api: ApiId;
  readonly template: string;
  readonly regex: RegExp;
  readonly paramNames: readonly string[];
  /** Number of static segments; the most static template wins, as in find-my-way. */
  readonly specificity: number;
  readonly byMethod: Map<HttpMethod, Endpoint>;
  readonly family: string;
}

function routeRegex(template: string): RegExp {
  const body = template
    .split('/')
    .map((seg) => (/^\{[a-z_]+\}$/.test(seg) ? '([^/]+)' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body}$`);
}

function normalisePath(rawPath: string): string {
  const q = rawPath.indexOf('?');
  const beforeQuery = q < 0 ? rawPath : rawPath.slice(0, q);
  const h = beforeQuery.indexOf('#');
  const noQuery = h < 0 ? beforeQuery : beforeQuery.slice(0, h);
  return noQuery.length > 1 && noQuery.endsWith('/') ? noQuery.slice(0, -1) : noQuery;
}

/** The number of '/' in a path: a template's regex only matches paths with as many (a parameter never spans one). */
function slashes(p: string): number {
  let n = 0;
  for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) n++;
  return n;
}

/**
 * The policy and API facts of contracts/, loaded and checked once: every schema compiled in one ajv
 * instance, every catalogue validated against its meta-schema. Accessors only read.
 */
export class Contracts {
  readonly dir: string;
  readonly rules: readonly PolicyRuleText[];
  readonly statuses: readonly StatusEntry[];
  readonly causes: readonly Cause[];
  /** The certainty levels of contracts/certainty.json: which are firm enough for a rule to fail on. */
  readonly certainty: readonly CertaintyLevel[];
  readonly providerStates: readonly ProviderState[];
  readonly apis: Readonly<Record<ApiId, ApiCatalogue>>;
  /** Schema files by $id, as loaded (the raw JSON objects, never mutated). */
  readonly schemas: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** contracts/-relative file of each schema $id (synthesized schemas map to their catalogue file). */
  readonly schemaFiles: ReadonlyMap<string, string>;
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();
  /**
   * With 'on-first-use', the digest of the schemas (digestOf each $id and content): validators compiled
   * ahead of time from schemas of this digest may stand for live ones. Undefined for a full load.
   */
  readonly schemasDigest: string | undefined;
  private readonly routes: CompiledRoute[] = [];
  /**
   * The routes by their number of '/', each list in the order of `routes`: a path is only tried against
   * the templates as deep as it is (resolve() runs for every request the reference service's gateway has
   * not seen before and for every error it answers outside a route; it tried all of them, 4-9 us a call).
   */
  private readonly routesByDepth = new Map<number, CompiledRoute[]>();
  /**
   * Each API in catalogue order with its path prefix and its retired endpoints by path (the first of a path
   * wins, as find() did): apiOfPath and resolve look a path up instead of scanning every API's list.
   */
  private readonly retiredByApi: { readonly id: ApiId; readonly prefix: string; readonly prefixSlash: string; readonly retired: Map<string, RetiredEndpoint> }[] = [];

  /**
   * `compile: 'all'` (the default, and what `contracts check` uses) compiles every schema while loading,
   * so a schema that does not compile fails the load. `'on-first-use'` (getContracts()) compiles each
   * schema the first time it is validated against: a process (a test file, a CLI command) that uses a
   * few schemas does not pay for compiling all of them, which was most of the cost of loading.
   */
  constructor(dir: string = defaultContractsDir, options: { readonly compile?: 'all' | 'on-first-use' } = {}) {
    this.dir = dir;
    const compile = options.compile ?? 'all';
    // One ajv for the meta-schemas and the schemas: each instance compiles JSON Schema 2020-12's own
    // meta-schema the first time it validates a schema (about 60 ms a process); their $ids do not overlap.
    const ajv = newAjv();
    const meta = ajv;
    // Each meta-schema read once: the precompiled validators' check, the live compile and the key of the
    // compiled schema set below all take these.
    const metaSchemas = listJsonFiles(dir, 'meta').map((file) => {
      try {
        return [file, readContractsJson(dir, file)] as const;
      } catch (err) {
        throw new PushContractsError('PC_ERR_CONTRACTS_INVALID', `contracts/${file}: ${(err as Error).message}`, { file });
      }
    });
    // getContracts() takes the meta-schemas' validators compiled ahead of time when the files are the
    // ones they were compiled from (meta-validators.ts); 'all' (contracts check) compiles them here.
    const precompiled = options.compile === 'on-first-use' ? precompiledMetaValidators(metaSchemas.map(([file, schema]) => [path.basename(file), schema] as const)) : undefined;
    // Added first and compiled after, so a meta-schema may $ref another (certainty.schema.json).
    for (const step of precompiled ? [] : (['add', 'compile'] as const)) {
      for (const [file, schema] of metaSchemas) {
        try {
          if (step === 'add') meta.addSchema(schema as Record<string, unknown>, path.basename(file));
          else meta.getSchema(path.basename(file));
        } catch (err) {
          throw new PushContractsError('PC_ERR_CONTRACTS_INVALID', `contracts/${file}: ${(err as Error).message}`, { file });
        }
      }
    }
    const metaValidator = (name: string): ValidateFunction | undefined => (precompiled ? precompiled.get(name) : meta.getSchema(name));
    // ajv's validateSchema(schema) is its meta-schema's validator ($schema, else 2020-12) applied to the schema.
    const draft2020 = precompiled?.get(JSON_SCHEMA_2020);
    const schemaProblems = (schema: Record<string, unknown>): ErrorObject[] | null | undefined => {
      if (draft2020 && (schema.$schema === undefined || schema.$schema === JSON_SCHEMA_2020)) return draft2020(schema) ? null : (draft2020.errors ?? []);
      return ajv.validateSchema(schema) ? null : (ajv.errors ?? []);
    };
    const readChecked = (file: string, metaName: string): Record<string, unknown> => {
      const data = readContractsJson(dir, file);
      const validate = metaValidator(metaName);
      if (!validate) throw new PushContractsError('PC_ERR_CONTRACTS_INVALID', `contracts/meta/${metaName}: file is missing`, { file: `meta/${metaName}` });
      if (!validate(data)) {
        const issues = toIssues(validate.errors);
        throw new PushContractsError('PC_ERR_CONTRACTS_INVALID', firstProblem(`contracts/${file}`, issues), { file, pointer: issues[0].pointer });
      }
      return data as Record<string, unknown>;
    };

    const statusFile = readChecked(...DATA_FILES.statuses);
    this.rules = statusFile.rules as PolicyRuleText[];
    this.statuses = statusFile.statuses as StatusEntry[];
    this.causes = (readChecked(...DATA_FILES.causes).causes as Cause[]);
    this.certainty = (readChecked(...DATA_FILES.certainty).levels as CertaintyLevel[]);

    const schemas = new Map<string, Record<string, unknown>>();
    const schemaFiles = new Map<string, string>();
    for (const file of listJsonFiles(dir, 'schemas')) {
      const schema = readContractsJson(dir, file) as Record<string, unknown>;
      const expected = SCHEMA_BASE + file.slice('schemas/'.length);
      if (schema === null || typeof schema !== 'object' || schema.$id !== expected) {
        throw new PushContractsError('PC_ERR_CONTRACTS_INVALID', `contracts/${file} at /$id: must be "${expected}"`, { file, pointer: '/$id' });
      }
      schemas.set(expected, schema);
      schemaFiles.set(expected, file);
    }

    const synthesize = (id: string, file: string, props: Record<string, unknown>): string => {
      const fullId = `${SCHEMA_BASE}${id}`;
      const schema = { $id: fullId, type: 'object', additionalProperties: false, required: Object.keys(props), properties: props };
      schemas.set(fullId, schema);
      schemaFiles.set(fullId, file);
      return fullId;
    };

    const stateFile = readChecked(...DATA_FILES.providerStates);
    this.providerStates = (stateFile.states as Array<Record<string, unknown>>).map((s) => {
      const params = s.params as Record<string, unknown> | undefined;
      const slug = String(s.name).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
      return {
        name: s.name as string,
        kind: s.kind as ProviderState['kind'],
        cause: s.cause as string | undefined,
        description: s.description as string,
        params: params ? synthesize(`synthesized/states/${slug}.json`, 'provider-states.json', params) : undefined,
        paramNames: params ? Object.keys(params) : [],
      };
    });

    const apis = {} as Record<ApiId, ApiCatalogue>;
    for (const api of Object.keys(API_FILES) as ApiId[]) {
      const codesFile = `business-codes/${API_FILES[api]}`;
      const endpointsFile = `endpoints/${API_FILES[api]}`;
      const codes = readChecked(codesFile, 'business-codes.schema.json');
      const cat = readChecked(endpointsFile, 'endpoints.schema.json');
      for (const [file, data] of [[codesFile, codes], [endpointsFile, cat]] as const) {
        if (data.api !== api) {
          throw new PushContractsError('PC_ERR_CONTRACTS_INVALID', `contracts/${file} at /api: must be "${api}"`, { file, pointer: '/api' });
        }
      }
      const codeTables: CodeTable[] = (codes.tables as Array<Record<string, unknown>>).map((t) => ({
        api,
        id: t.id as string,
        title: t.title as string,
        source: t.source as string,
        shared: t.shared as boolean,
        conflicts: t.conflicts as string | undefined,
        codes: (t.codes as Array<Record<string, unknown>>).map((c) => ({
          ...(c as unknown as Omit<BusinessCode, 'api' | 'table' | 'causes'>),
          causes: (c.causes as string[] | undefined) ?? [],
          api,
          table: t.id as string,
        })),
      }));
      const families: Record<string, Family> = {};
      for (const [id, f] of Object.entries(cat.families as Record<string, Omit<Family, 'api' | 'id'>>)) {
        families[id] = { ...f, api, id };
      }
      const full = (ref: string): string => SCHEMA_BASE + ref;
      const endpoints: Endpoint[] = (cat.endpoints as Array<Record<string, any>>).map((e) => {
        const paramNames = paramNamesOf(e.path);
        const params = e.request.params as Record<string, unknown> | undefined;
        return {
          api,
          id: e.id,
          method: e.method,
          path: e.path,
          family: e.family,
          summary: e.summary,
          sends: e.sends ?? false,
          vipOnly: e.vipOnly ?? false,
          auth: e.auth ?? 'app',
          itemResults: e.itemResults ? { ...e.itemResults, skip: e.itemResults.skip ?? [] } : undefined,
          request: {
            params: params ? synthesize(`synthesized/params/${api}/${e.id}.json`, endpointsFile, params) : undefined,
            paramNames,
            query: e.request.query ? full(e.request.query) : undefined,
            body: e.request.body ? full(e.request.body) : undefined,
          },
          success: e.success === 'empty' ? 'empty' : full(e.success),
          successNote: e.successNote,
          errorEnvelope: full((e.errorEnvelope ?? cat.errorEnvelope) as string),
          certainty: e.certainty ?? 'documented',
          source: e.source,
          payloadLimits: e.payloadLimits ?? [],
          statuses: e.statuses,
          elicit: {
            success: e.elicit.success,
            badRequests: e.elicit.badRequests ?? [],
            notFound: e.elicit.notFound,
            offline: e.elicit.offline,
          },
        };
      });
      const retired: RetiredEndpoint[] = (cat.retired as Array<Omit<RetiredEndpoint, 'api'>>).map((r) => ({ ...r, api }));
      apis[api] = {
        id: api,
        title: cat.title as string,
        source: cat.source as string,
        pathPrefix: cat.pathPrefix as string,
        errorEnvelope: full(cat.errorEnvelope as string),
        rateLimitHeaders: cat.rateLimitHeaders as ApiCatalogue['rateLimitHeaders'],
        families,
        endpoints,
        retired,
        outOfScope: ((cat.outOfScope ?? []) as Array<Omit<OutOfScopeEndpoint, 'api'>>).map((o) => ({ ...o, api })),
        codeTables,
      };
    }
    this.apis = apis;

    const digest = digestOf([...schemas]);
    this.schemasDigest = compile === 'on-first-use' ? digest : undefined;
    const setKey = digestOf([['compile', compile], ...metaSchemas, ['schemas', digest]]);
    const known = ajvBySchemas.get(setKey);
    if (known) this.ajv = known;
    else {
      for (const [id, schema] of schemas) {
        const problems = schemaProblems(schema);
        if (problems) {
          const file = schemaFiles.get(id) ?? id;
          const issues = toIssues(problems);
          throw new PushContractsError('PC_ERR_CONTRACTS_INVALID', firstProblem(`contracts/${file}`, issues), { file, pointer: issues[0]?.pointer });
        }
        // Validated just above; addSchema would validate it again.
        ajv.addSchema(schema, id, undefined, false);
      }
      this.ajv = ajv;
      ajvBySchemas.set(setKey, ajv);
    }
    this.schemas = schemas;
    this.schemaFiles = schemaFiles;
    if (compile === 'all') for (const id of schemas.keys()) this.validator(id);
    this.buildRoutes();
  }

  private buildRoutes(): void {
    const byTemplate = new Map<string, CompiledRoute>();
    for (const api of Object.values(this.apis)) {
      for (const e of api.endpoints) {
        let route = byTemplate.get(e.path);
        if (!route) {
          route = {
            api: api.id,
            template: e.path,
            regex: routeRegex(e.path),
            paramNames: paramNamesOf(e.path),
            specificity: e.path.split('/').filter((s) => s && !s.startsWith('{')).length,
            byMethod: new Map(),
            family: e.family,
          };
          byTemplate.set(e.path, route);
          this.routes.push(route);
        }
        route.byMethod.set(e.method, e);
      }
    }
    this.routes.sort((a, b) => b.specificity - a.specificity);
    for (const api of Object.values(this.apis)) {
      const retired = new Map<string, RetiredEndpoint>();
      for (const r of api.retired) if (!retired.has(r.path)) retired.set(r.path, r);
      this.retiredByApi.push({ id: api.id, prefix: api.pathPrefix, prefixSlash: api.pathPrefix + '/', retired });
    }
    for (const route of this.routes) {
      const depth = slashes(route.template);
      const list = this.routesByDepth.get(depth);
      if (list) list.push(route);
      else this.routesByDepth.set(depth, [route]);
    }
  }

  // ---- statuses

  status(code: number): StatusEntry | undefined {
    return this.statuses.find((s) => s.code === code);
  }

  /** Whether a fact of this certainty is firm enough for a rule to fail on (contracts/certainty.json). */
  isFirm(certainty: Certainty): boolean {
    return this.certainty.find((l) => l.id === certainty)?.firm ?? false;
  }

  isCatalogued(code: number): code is StatusCode {
    return this.status(code) !== undefined;
  }

  // ---- endpoints

  api(id: ApiId): ApiCatalogue {
    return this.apis[id];
  }

  endpoints(api?: ApiId): readonly Endpoint[] {
    return api ? this.apis[api].endpoints : Object.values(this.apis).flatMap((a) => a.endpoints);
  }

  endpoint(api: ApiId, id: string): Endpoint {
    const found = this.apis[api]?.endpoints.find((e) => e.id === id);
    if (!found) {
      throw new PushContractsError('PC_ERR_UNKNOWN_ENDPOINT', `unknown endpoint '${id}' of ${api}; known: ${this.apis[api]?.endpoints.map((e) => e.id).join(', ')}`);
    }
    return found;
  }

  family(api: ApiId, id: string): Family {
    return this.apis[api].families[id];
  }

  /** The API a path belongs to, by its version prefix; retired paths belong to the API that replaced them. */
  apiOfPath(rawPath: string): ApiId | undefined {
    return this.apiOfNormalPath(normalisePath(rawPath));
  }

  private apiOfNormalPath(p: string): ApiId | undefined {
    for (const api of this.retiredByApi) {
      if (p === api.prefix || p.startsWith(api.prefixSlash)) return api.id;
      if (api.retired.has(p)) return api.id;
    }
    return undefined;
  }

  /** Where a request lands: an endpoint, a known path with another method, a retired API, or nothing. */
  resolve(method: string, rawPath: string): RouteMatch {
    const p = normalisePath(rawPath);
    const upper = method.toUpperCase() as HttpMethod;
    for (const api of this.retiredByApi) {
      const retired = api.retired.get(p);
      if (retired) return { kind: 'retired', api: api.id, retired };
    }
    // A static route without the method does not hide a parameterised one with it (POST /v4/tags/quota-info
    // is tags.update of the tag 'quota-info', as a router that matches per method finds it).
    let notAllowed: RouteMatch | undefined;
    for (const route of this.routesByDepth.get(slashes(p)) ?? []) {
      const m = route.regex.exec(p);
      if (!m) continue;
      const endpoint = route.byMethod.get(upper);
      if (!endpoint) {
        notAllowed ??= { kind: 'method-not-allowed', api: route.api, family: route.family, path: route.template, allowed: [...route.byMethod.keys()] };
        continue;
      }
      const params: Record<string, string> = {};
      route.paramNames.forEach((name, i) => {
        params[name] = safeDecode(m[i + 1]);
      });
      return { kind: 'endpoint', api: route.api, endpoint, params };
    }
    return notAllowed ?? { kind: 'unknown', api: this.apiOfNormalPath(p) };
  }

  // ---- business codes

  /** The tables a family reads, most specific first: its own table, then the API's shared tables. */
  private tablesFor(api: ApiId, family?: string): CodeTable[] {
    const cat = this.apis[api];
    const own = family ? cat.families[family]?.codeTable : undefined;
    const first = cat.codeTables.filter((t) => t.id === own);
    return [...first, ...cat.codeTables.filter((t) => t.shared && t.id !== own)];
  }

  /** The entry for a code as a family answers it: the family's own table first, then shared tables. */
  businessCode(api: ApiId, family: string | undefined, code: number): BusinessCode | undefined {
    for (const table of family ? this.tablesFor(api, family) : this.apis[api].codeTables) {
      const hit = table.codes.find((c) => c.code === code);
      if (hit) return hit;
    }
    return undefined;
  }

  /** The code a family answers a cause with. */
  codeFor(api: ApiId, family: string, cause: string): BusinessCode | undefined {
    for (const table of this.tablesFor(api, family)) {
      const hit = table.codes.find((c) => c.causes.includes(cause));
      if (hit) return hit;
    }
    return undefined;
  }

  cause(id: string): Cause | undefined {
    return this.causes.find((c) => c.id === id);
  }

  providerState(name: string): ProviderState | undefined {
    return this.providerStates.find((s) => s.name === name);
  }

  /** The condition state that sets up a cause, if the cause lives in the service. */
  stateForCause(cause: string): ProviderState | undefined {
    return this.providerStates.find((s) => s.kind === 'condition' && s.cause === cause);
  }

  // ---- schemas

  /** Accepts a full $id or one relative to the schema base ('jpush-v3/push.request.json'). */
  schemaId(ref: string): string {
    return ref.startsWith('https://') ? ref : SCHEMA_BASE + ref;
  }

  schema(ref: string): Readonly<Record<string, unknown>> {
    const id = this.schemaId(ref);
    const s = this.schemas.get(id);
    if (!s) throw new PushContractsError('PC_ERR_UNKNOWN_SCHEMA', `no schema with $id ${id} in contracts/schemas`);
    return s;
  }

  /**
   * Compiles a schema now if it was not yet (with `compile: 'on-first-use'`): a server compiles the
   * schemas of its routes when it starts, so no request pays for it. Throws like validate().
   */
  precompile(ref: string): void {
    this.validator(this.schemaId(ref));
  }

  /** The compiled validator of a schema $id, compiled on first use; once is enough for the process. */
  private validator(id: string): ValidateFunction {
    const known = this.validators.get(id);
    if (known) return known;
    if (!this.schemas.has(id)) throw new PushContractsError('PC_ERR_UNKNOWN_SCHEMA', `no schema with $id ${id} in contracts/schemas`);
    // Compiled ahead of time (generated/schema-validators.ts) when these are the schemas it was compiled from.
    let fn = this.schemasDigest === undefined ? undefined : precompiledSchemaValidators(this.schemasDigest)?.get(id);
    try {
      fn ??= this.ajv.getSchema(id);
    } catch (err) {
      const file = this.schemaFiles.get(id) ?? id;
      throw new PushContractsError('PC_ERR_CONTRACTS_INVALID', `contracts/${file}: ${(err as Error).message}`, { file });
    }
    if (!fn) throw new PushContractsError('PC_ERR_UNKNOWN_SCHEMA', `no schema with $id ${id} in contracts/schemas`);
    this.validators.set(id, fn);
    return fn;
  }

  /** Validates data against a schema by $id; errors are copied, never ajv's shared last-call state. */
  validate(ref: string, data: unknown): ValidationResult {
    const fn = this.validator(this.schemaId(ref));
    const valid = fn(data) as boolean;
    return { valid, errors: valid ? [] : toIssues(fn.errors) };
  }

  /** Resolves a $ref (absolute, or relative to a base $id) to the schema object it points at. */
  resolveRef(ref: string, baseId: string): { id: string; schema: Readonly<Record<string, unknown>> } {
    const url = new URL(ref, baseId);
    const docId = url.href.split('#')[0];
    const doc = this.schema(docId);
    const fragment = decodeURIComponent(url.hash.replace(/^#/, ''));
    let node: unknown = doc;
    for (const seg of fragment.split('/').filter(Boolean)) {
      node = (node as Record<string, unknown> | undefined)?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    if (node === undefined) throw new PushContractsError('PC_ERR_UNKNOWN_SCHEMA', `unresolvable $ref ${ref} from ${baseId}`);
    return { id: docId, schema: node as Record<string, unknown> };
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

let shared: Contracts | undefined;

/** The contracts of this package, loaded once per process on first use. */
export function getContracts(): Contracts {
  shared ??= new Contracts(defaultContractsDir, { compile: 'on-first-use' });
  return shared;
}
