/**
 * lint-openapi: the policy applied statically to a provider's own OpenAPI document. Each operation is
 * located in the catalogue as far as its path allows, then judged by every selected rule of
 * ./rules; the findings have the audit's format (dotted rule id, severity, location a JSON pointer into
 * the document) and go into the same run model, reports and exit codes as verify.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import type { Finding } from '../../audit/types';
import { BoundedMap } from '../../bounded-map';
import { severityOf, type RulePolicy } from '../../audit/policy';
import { getContracts, type Contracts } from '../../contracts/load';
import type { ApiId } from '../../contracts/types';
import { PushContractsError } from '../../errors';
import type { ReportCase, RunModel } from '../../report/model';
import { lintRules } from './rules';
import { pointerSegment, type JsonNode, type LintContext, type LintOperation, type LintResponse, type LintRule } from './types';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
// The base under which the document is handed to ajv, so its in-document $refs resolve.
const DOC_BASE = 'https://lint.push-contracts.dev/openapi.json';

export interface LintOptions extends RulePolicy {
  readonly contracts?: Contracts;
  /** The API the document describes; by default, the one its paths belong to. */
  readonly api?: ApiId;
}

export interface LintedOperation {
  readonly operation: LintOperation;
  readonly findings: readonly Finding[];
}

export interface LintResult {
  readonly api: ApiId;
  readonly operations: readonly LintedOperation[];
  readonly rules: readonly string[];
}

const ruleIds: ReadonlySet<string> = new Set(lintRules.map((r) => r.id));

/** The lint rules, for docs, help and the config's known ids. */
export function listLintRules(): ReadonlyArray<{ id: string; severity: string; title: string }> {
  return lintRules.map((r) => ({ id: r.id, severity: r.severity, title: r.title }));
}

export function selectLintRules(policy: RulePolicy = {}): readonly LintRule[] {
  const unknown = [...(policy.only ?? []), ...(policy.skip ?? [])].filter((id) => !ruleIds.has(id));
  if (unknown.length > 0) throw new PushContractsError('PC_ERR_USAGE', `unknown lint rule id ${unknown.join(', ')}; known: ${[...ruleIds].join(', ')}`);
  return lintRules.filter((r: LintRule) => (!policy.only || policy.only.includes(r.id)) && !(policy.skip ?? []).includes(r.id));
}

/** The text as JSON, or undefined when it is not JSON (nor a JSON null, which no document is either). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Reads an OpenAPI 3.x document, JSON or YAML; anything else is one line naming the file and the problem. */
export function readOpenApiFile(file: string): JsonNode {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PushContractsError('PC_ERR_OPENAPI_INVALID', `${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { file });
  }
  let doc: unknown;
  try {
    // JSON first: it is what the text most often is, and YAML's parser takes a few hundred times as long on it
    // (370 ms against 1 ms for the exported jpush-v3.json). Anything else is YAML, a superset of JSON, whose
    // errors carry the line.
    // yaml (and below, ajv's draft-07 build) load when a document needs them, not with the CLI's commands.
    doc = parseJson(text) ?? (require('yaml') as typeof import('yaml')).parse(text, { prettyErrors: true, uniqueKeys: false });
  } catch (err) {
    throw new PushContractsError('PC_ERR_OPENAPI_INVALID', `${file}: neither JSON nor YAML: ${(err as Error).message.split('\n')[0]}`, { file });
  }
  return checkOpenApi(doc, file);
}

function checkOpenApi(doc: unknown, shown: string): JsonNode {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new PushContractsError('PC_ERR_OPENAPI_INVALID', `${shown}: not an OpenAPI document (not an object)`, { file: shown });
  const d = doc as JsonNode;
  if (typeof d.openapi !== 'string' || !/^3\.[01]\./.test(d.openapi)) {
    const found = typeof d.swagger === 'string' ? `swagger ${d.swagger}` : d.openapi === undefined ? 'no openapi field' : `openapi ${JSON.stringify(d.openapi)}`;
    throw new PushContractsError('PC_ERR_OPENAPI_INVALID', `${shown} at /openapi: must be an OpenAPI 3.0 or 3.1 document, found ${found}`, { file: shown, pointer: '/openapi' });
  }
  if (!d.paths || typeof d.paths !== 'object') throw new PushContractsError('PC_ERR_OPENAPI_INVALID', `${shown} at /paths: missing`, { file: shown, pointer: '/paths' });
  return d;
}

function getPointer(doc: unknown, pointer: string): unknown {
  let node: unknown = doc;
  for (const seg of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[decodeURIComponent(seg).replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

// Keywords that change how a $ref resolves (a new base URI, an anchor, dynamic scope): a document with any
// of them is compiled as it is, never looked up by content below.
const SCOPE_KEYWORDS = /"\$(id|anchor|dynamicRef|dynamicAnchor|recursiveRef|recursiveAnchor)"/;

/**
 * Schemas compiled in this process, by what decides the function ajv makes of them: the dialect, the
 * schema's text and the text of everything its in-document $refs reach. Documents linted one after the
 * other (a platform team's, the tests') share most of their schemas, and compiling one again was most of
 * a lint's CPU. Bounded: the oldest entry goes first.
 */
const compiledByContent = new BoundedMap<string, ValidateFunction>(1000);

/** The cache key of a schema of the document, or undefined when it cannot be told by content (a $ref outside the document, a dangling one). */
function contentKey(doc: JsonNode, schema: unknown, dialect: string): string | undefined {
  const text = JSON.stringify(schema);
  if (text === undefined) return undefined;
  const reached = new Map<string, string>();
  const pending = [text];
  for (let t = pending.pop(); t !== undefined; t = pending.pop()) {
    for (const [, raw] of t.matchAll(/"\$ref":("(?:[^"\\]|\\.)*")/g)) {
      const ref = JSON.parse(raw) as string;
      if (!ref.startsWith('#')) return undefined;
      if (reached.has(ref)) continue;
      const target = JSON.stringify(getPointer(doc, ref.slice(1)));
      if (target === undefined) return undefined;
      reached.set(ref, target);
      pending.push(target);
    }
  }
  const refs = [...reached].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([ref, target]) => `${ref} ${target}`);
  return [dialect, text, ...refs].join('\n');
}

function lintContext(doc: JsonNode, contracts: Contracts): LintContext {
  const resolve = (node: unknown): { node: unknown; ref?: string } => {
    let current = node;
    let ref: string | undefined;
    for (let hops = 0; hops < 20; hops += 1) {
      const r = current && typeof current === 'object' ? (current as Record<string, unknown>).$ref : undefined;
      if (typeof r !== 'string' || !r.startsWith('#')) return { node: current, ref };
      ref = r;
      current = getPointer(doc, r.slice(1));
    }
    return { node: current, ref };
  };
  let ajv: Ajv | undefined;
  const compiled = new WeakMap<object, ValidateFunction>();
  let n = 0;
  const dialect = String(doc.openapi).startsWith('3.1') ? '2020-12' : 'draft-07';
  let cacheable: boolean | undefined;
  const absolute = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#/g, `"$ref":"${DOC_BASE}#`));
  const compile = (schema: unknown): ValidateFunction => {
    if (schema !== null && typeof schema === 'object' && compiled.has(schema)) return compiled.get(schema) as ValidateFunction;
    cacheable ??= !SCOPE_KEYWORDS.test(JSON.stringify(doc));
    const key = cacheable ? contentKey(doc, schema, dialect) : undefined;
    let fn = key === undefined ? undefined : compiledByContent.get(key);
    if (!fn) {
      if (!ajv) {
        const options = { strict: false, allErrors: false, allowUnionTypes: true, validateFormats: false, validateSchema: false } as const;
        ajv = dialect === '2020-12' ? new Ajv2020(options) : new (require('ajv') as typeof import('ajv')).default(options);
        ajv.addSchema({ ...(doc as object), $id: DOC_BASE });
      }
      n += 1;
      fn = ajv.compile(typeof schema === 'boolean' ? schema : { ...(absolute(schema) as object), $id: `${DOC_BASE}/schema-${n}` });
      if (key !== undefined) compiledByContent.set(key, fn);
    }
    if (schema !== null && typeof schema === 'object') compiled.set(schema, fn);
    return fn;
  };
  return { contracts, doc, resolve, compile };
}

/** The path a request carries: the server's base path (https://host/v3) in front of the path key, unless the key already has it. */
function fullPathOf(contracts: Contracts, doc: JsonNode, item: JsonNode, key: string): string {
  if (contracts.apiOfPath(key)) return key;
  const servers = (item.servers ?? doc.servers) as Array<{ url?: unknown }> | undefined;
  const url = servers?.[0]?.url;
  if (typeof url !== 'string') return key;
  let base: string;
  try {
    base = new URL(url.replace(/\{[^}]*\}/g, 'x'), 'http://relative.invalid').pathname;
  } catch {
    return key;
  }
  return `${base.replace(/\/$/, '')}${key}`;
}

function responsesOf(ctx: LintContext, opPointer: string, op: JsonNode): LintResponse[] {
  const responses = (ctx.resolve(op.responses).node ?? {}) as Record<string, unknown>;
  return Object.entries(responses).map(([key, raw]) => {
    const pointer = `${opPointer}/responses/${pointerSegment(key)}`;
    const { node, ref } = ctx.resolve(raw);
    const response = (node ?? {}) as JsonNode;
    const content = (ctx.resolve(response.content).node ?? {}) as Record<string, unknown>;
    const mediaType = Object.keys(content).find((m) => /^application\/(.+\+)?json\b/i.test(m));
    // Pointers into a shared response point at the component, where the fix is made.
    const base = ref ?? pointer;
    const at = base.startsWith('#') ? base.slice(1) : base;
    const json = mediaType ? { mediaType, media: (ctx.resolve(content[mediaType]).node ?? {}) as JsonNode, pointer: `${at}/content/${pointerSegment(mediaType)}` } : undefined;
    const status = /^[1-5][0-9][0-9]$/.test(key) ? Number(key) : undefined;
    return { key, status, pointer, via: ref, response, json };
  });
}

/** Every operation of the document, located in the catalogue; the API is the --api one or the paths'. */
export function operationsOf(doc: JsonNode, contracts: Contracts, api?: ApiId): LintOperation[] {
  const ctx = lintContext(doc, contracts);
  const raw: Array<Omit<LintOperation, 'api' | 'endpoint' | 'family' | 'responses'> & { pathApi?: ApiId }> = [];
  for (const [key, itemRaw] of Object.entries(doc.paths as Record<string, unknown>)) {
    const item = (ctx.resolve(itemRaw).node ?? {}) as JsonNode;
    const fullPath = fullPathOf(contracts, doc, item, key);
    for (const method of METHODS) {
      const operation = item[method] as JsonNode | undefined;
      if (!operation || typeof operation !== 'object') continue;
      raw.push({ method: method.toUpperCase(), path: key, fullPath, pointer: `/paths/${pointerSegment(key)}/${method}`, operation, pathApi: contracts.apiOfPath(fullPath) });
    }
  }
  const counts = new Map<ApiId, number>();
  for (const r of raw) if (r.pathApi) counts.set(r.pathApi, (counts.get(r.pathApi) ?? 0) + 1);
  const documentApi = api ?? [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!documentApi) {
    throw new PushContractsError('PC_ERR_USAGE', `cannot tell which API the document describes (no path under ${Object.values(contracts.apis).map((a) => a.pathPrefix).join(' or ')}); pass --api`);
  }
  return raw.map(({ pathApi, ...r }) => {
    const opApi = api ?? pathApi ?? documentApi;
    const route = contracts.resolve(r.method, r.fullPath);
    const endpoint = route.kind === 'endpoint' && route.api === opApi ? route.endpoint : undefined;
    const family = route.api !== opApi ? undefined : route.kind === 'endpoint' ? route.endpoint.family : route.kind === 'method-not-allowed' ? route.family : route.kind === 'retired' ? route.retired.family : undefined;
    return { ...r, api: opApi, endpoint, family, responses: responsesOf(ctx, r.pointer, r.operation) };
  });
}

/** Judges every operation of a document by every selected rule. Never throws on a rule: a crash is an error finding naming it. */
export function lintOpenApi(doc: unknown, options: LintOptions = {}): LintResult {
  const contracts = options.contracts ?? getContracts();
  const checked = checkOpenApi(doc, 'the document');
  const rules = selectLintRules(options);
  const ctx = lintContext(checked, contracts);
  const operations = operationsOf(checked, contracts, options.api);
  if (operations.length === 0) throw new PushContractsError('PC_ERR_OPENAPI_INVALID', 'the document has no operations: nothing to lint', { pointer: '/paths' });
  const title = typeof (checked.info as JsonNode | undefined)?.title === 'string' ? String((checked.info as JsonNode).title) : undefined;
  const linted = operations.map((op) => {
    const interaction = { description: `${op.method} ${op.path}`, ...(title ? { provider: title } : {}), ...(typeof op.operation.operationId === 'string' ? { id: op.operation.operationId } : {}) };
    const findings: Finding[] = [];
    for (const rule of rules) {
      try {
        for (const result of rule.check(op, ctx)) findings.push({ ...result, ruleId: rule.id, severity: severityOf(rule, result, contracts, options), interaction });
      } catch (err) {
        findings.push({ ruleId: rule.id, severity: 'error', message: `rule crashed: ${(err as Error).message}`, location: op.pointer, interaction });
      }
    }
    return { operation: op, findings };
  });
  return { api: operations[0].api, operations: linted, rules: rules.map((r) => r.id) };
}

/** The run model of a lint, one case per operation, for the reports verify writes. */
export function lintRunModel(result: LintResult, source: string, startedAt: Date, durationMs: number, version: string): RunModel {
  const cases: ReportCase[] = result.operations.map(({ operation: op, findings }) => ({
    ref: findings[0]?.interaction ?? { description: `${op.method} ${op.path}` },
    endpoint: op.endpoint ? { api: op.api, id: op.endpoint.id } : null,
    request: { method: op.method, path: op.fullPath },
    status: { expected: null, actual: null },
    pact: { outcome: 'not-run', mismatches: [] },
    findings,
    errors: [],
  }));
  return {
    meta: { kind: 'lint', tool: { name: 'push-contracts', version }, startedAt: startedAt.toISOString(), durationMs, providerBaseUrl: path.basename(source), sources: [source], rules: result.rules },
    cases,
    errors: [],
  };
}
