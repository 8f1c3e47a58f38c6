import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { matchersV3 } from './pact-matchers';
import { getContracts, SCHEMA_BASE, type Contracts } from '../contracts';
import { evaluateStandalone } from '../contracts/meta-validators';
import { PushContractsError } from '../errors';
import { toRustRegex } from './regex';

/**
 * A Pact MatchersV3 template: plain JSON with matcher objects where values are matched by rule rather than
 * by equality. Pass it to `jsonBody(...)`; `MatchersV3.reify(template)` gives back the example.
 */
export type MatcherTemplate = unknown;

export interface MatcherOptions {
  /**
   * JSON pointers into the example (`/error/code`) whose values are matched by equality instead of by
   * their schema. Use it where the value is the point of the interaction.
   */
  readonly equal?: readonly string[];
  /**
   * JSON pointers of maps ('' the body) whose keys are the interaction's own, e.g. the cids a batch
   * request sent: each key is then matched with its own value's schema, so one item may succeed and
   * another fail, instead of every value against the first one's template.
   */
  readonly keyedMaps?: readonly string[];
  /** The contracts to read schemas from; defaults to the package's own `getContracts()`. */
  readonly contracts?: Contracts;
}

/** Why a value got a looser matcher than its schema suggests (for example an untranslatable pattern). */
export interface MatcherNote {
  /** JSON pointer into the example. */
  readonly pointer: string;
  readonly message: string;
}

export interface DerivedMatcher {
  readonly matcher: MatcherTemplate;
  readonly notes: readonly MatcherNote[];
}

type SchemaNode = Readonly<Record<string, unknown>> | boolean;

/** A subschema together with where it lives: `${docId}#${pointer}` addresses it for ajv. */
interface Located {
  readonly node: SchemaNode;
  readonly docId: string;
  readonly pointer: string;
}

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/**
 * The ajv a subschema is compiled with, live or ahead of time (scripts/generate-types.ts).
 * strict off: a branch compiled on its own no longer sees the parent's `type`, which strictTypes would
 * report; the contracts loader already holds the schemas to strict mode.
 * validateSchema off: the Contracts validated every one of these schemas when it loaded them; checking
 * them again here compiled the 2020-12 meta-schema a second time in every process that derives a matcher.
 */
export function newSubschemaAjv(schemas: Contracts['schemas'], code?: { readonly source: true }): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: false, allowUnionTypes: true, validateSchema: false, ...(code ? { code } : {}) });
  addFormats(ajv);
  for (const [id, schema] of schemas) ajv.addSchema(schema as Record<string, unknown>, id);
  return ajv;
}

/** Keywords whose values are data, not subschemas: a walk for branches does not look inside them. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'examples', 'default']);

/**
 * The `$id#pointer` of every subschema branch choice may validate against, in the form Deriver asks
 * for it: each oneOf/anyOf branch and each `if`, in every schema of the contracts.
 */
export function branchKeys(schemas: Contracts['schemas']): string[] {
  const keys: string[] = [];
  const walk = (node: unknown, docId: string, pointer: string): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, docId, `${pointer}/${i}`));
      return;
    }
    for (const [k, v] of Object.entries(node)) {
      if (DATA_KEYWORDS.has(k)) continue;
      const at = `${pointer}/${escapePointer(k)}`;
      if ((k === 'oneOf' || k === 'anyOf') && Array.isArray(v)) v.forEach((_, i) => keys.push(`${docId}#${at}/${i}`));
      if (k === 'if' && (typeof v === 'object' || typeof v === 'boolean')) keys.push(`${docId}#${at}`);
      walk(v, docId, at);
    }
  };
  for (const [id, schema] of schemas) walk(schema, id, '');
  return keys;
}

let generatedBranches: typeof import('./generated/subschema-validators') | undefined;
let evaluatedBranches: ReadonlyMap<string, ValidateFunction> | undefined;

/**
 * The validators of every branchKeys() subschema compiled ahead of time by scripts/generate-types.ts
 * with newSubschemaAjv()'s options (src/matchers/generated/subschema-validators.ts), when `digest` (the
 * loaded schemas' digest) is that of the schemas they were compiled from; undefined otherwise.
 * Compiling the branches of the push and schedule schemas was about 0.4 s of CPU in every process that
 * derived their matchers (each consumer suite, each matchers test file). Evaluated once per process.
 */
function precompiledBranches(digest: string | undefined): ReadonlyMap<string, ValidateFunction> | undefined {
  if (digest === undefined) return undefined;
  // Required on first use, not at the top: a process that derives no branch need not read it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  generatedBranches ??= require('./generated/subschema-validators') as typeof import('./generated/subschema-validators');
  const { schemasDigest, branchExports, branchSource } = generatedBranches;
  if (digest !== schemasDigest) return undefined;
  evaluatedBranches ??= evaluateStandalone(branchSource, branchExports);
  return evaluatedBranches;
}

/**
 * Branch choice needs to validate an example against a subschema (a oneOf branch, an if). The contracts'
 * validator only answers for whole documents, so a second ajv holds the same schema objects and compiles a
 * subschema the first time its `$id#pointer` is asked for, unless it was compiled ahead of time; each is
 * compiled once per process.
 */
class SubschemaValidator {
  private ajv: Ajv2020 | undefined;
  private readonly fns = new Map<string, ValidateFunction>();

  constructor(private readonly contracts: Contracts) {}

  valid(at: Located, data: unknown): boolean {
    if (at.node === true) return true;
    if (at.node === false) return false;
    if (at.pointer === '') return this.contracts.validate(at.docId, data).valid;
    const key = `${at.docId}#${at.pointer}`;
    let fn = this.fns.get(key);
    if (!fn) {
      fn = precompiledBranches(this.contracts.schemasDigest)?.get(key);
      if (!fn) {
        this.ajv ??= newSubschemaAjv(this.contracts.schemas);
        fn = this.ajv.getSchema(key);
      }
      if (!fn) throw new PushContractsError('PC_ERR_UNKNOWN_SCHEMA', `cannot compile subschema ${key}`);
      this.fns.set(key, fn);
    }
    return fn(data) as boolean;
  }
}

const validators = new WeakMap<Contracts, SubschemaValidator>();

function validatorFor(contracts: Contracts): SubschemaValidator {
  let v = validators.get(contracts);
  if (!v) {
    v = new SubschemaValidator(contracts);
    validators.set(contracts, v);
  }
  return v;
}

/** Turns a short ref, an $id, or either with a `#/json/pointer` into a located schema. */
function locate(contracts: Contracts, ref: string, baseId: string): Located {
  const url = new URL(ref, baseId);
  const { id, schema } = contracts.resolveRef(url.href, baseId);
  return { node: schema as SchemaNode, docId: id, pointer: decodeURIComponent(url.hash.replace(/^#/, '')) };
}

function child(at: Located, ...segments: Array<string | number>): Located {
  let node: unknown = at.node;
  for (const s of segments) node = (node as Record<string, unknown>)[s];
  return { node: node as SchemaNode, docId: at.docId, pointer: `${at.pointer}/${segments.map((s) => escapePointer(String(s))).join('/')}` };
}

class Deriver {
  readonly notes: MatcherNote[] = [];
  private readonly equal: ReadonlySet<string>;
  private readonly keyedMaps: ReadonlySet<string>;

  constructor(
    private readonly contracts: Contracts,
    private readonly validator: SubschemaValidator,
    options: MatcherOptions,
  ) {
    this.equal = new Set(options.equal ?? []);
    this.keyedMaps = new Set(options.keyedMaps ?? []);
  }

  private note(pointer: string, message: string): void {
    this.notes.push({ pointer: pointer || '/', message });
  }

  /**
   * Every subschema that applies to `value`, flattened: $ref followed, allOf merged, the oneOf/anyOf
   * branches the value is valid against, and the then/else an `if` selects.
   */
  private expand(at: Located, value: unknown, out: Located[] = []): Located[] {
    const node = at.node;
    if (typeof node === 'boolean') {
      out.push(at);
      return out;
    }
    out.push(at);
    if (typeof node.$ref === 'string') {
      const target = locate(this.contracts, node.$ref, at.docId);
      this.expand(target, value, out);
    }
    if (Array.isArray(node.allOf)) node.allOf.forEach((_, i) => this.expand(child(at, 'allOf', i), value, out));
    for (const kw of ['oneOf', 'anyOf'] as const) {
      const branches = node[kw];
      if (!Array.isArray(branches)) continue;
      const i = branches.findIndex((_, j) => this.validator.valid(child(at, kw, j), value));
      if (i < 0) {
        throw new PushContractsError('PC_ERR_EXAMPLE_INVALID', `example at ${at.docId}#${at.pointer} matches no ${kw} branch`, { pointer: at.pointer });
      }
      this.expand(child(at, kw, i), value, out);
    }
    if (node.if !== undefined) {
      const branch = this.validator.valid(child(at, 'if'), value) ? 'then' : 'else';
      if (node[branch] !== undefined) this.expand(child(at, branch), value, out);
    }
    return out;
  }

  derive(at: Located[], value: unknown, pointer: string): MatcherTemplate {
    if (this.equal.has(pointer)) return matchersV3().equal(value);
    const all = at.flatMap((a) => this.expand(a, value));
    const nodes = all.map((a) => a.node).filter((n): n is Readonly<Record<string, unknown>> => typeof n === 'object');

    const withConst = nodes.find((n) => 'const' in n);
    if (withConst) return matchersV3().equal(value);

    const withEnum = nodes.find((n) => Array.isArray(n.enum));
    if (withEnum) {
      const values = withEnum.enum as unknown[];
      if (typeof value === 'string' && values.every((v): v is string => typeof v === 'string')) {
        return matchersV3().regex(`^(?:${values.map(escapeRustLiteral).join('|')})$`, value);
      }
      // A type matcher would let any other number/boolean through; equality keeps the value in the enum.
      return matchersV3().equal(value);
    }

    const type = jsonType(value);
    const declared = nodes.filter((n) => n.type !== undefined).map((n) => (Array.isArray(n.type) ? n.type : [n.type]) as string[]);
    const allows = (t: string): boolean => declared.every((ts) => ts.includes(t) || (t === 'integer' && ts.includes('number')));
    if (!allows(type)) {
      throw new PushContractsError('PC_ERR_EXAMPLE_INVALID', `example at ${pointer || '/'} is ${type}, the schema wants ${declared.map((d) => d.join('|')).join(' and ')}`, { pointer });
    }

    switch (type) {
      case 'null':
        return matchersV3().nullValue();
      case 'boolean':
        return matchersV3().boolean(value as boolean);
      case 'integer':
        // `type: number` admits 1 and 1.5 alike, so only an integer-only schema gets the integer matcher.
        return declared.length > 0 && declared.every((ts) => ts.includes('integer'))
          ? matchersV3().integer(value as number)
          : matchersV3().number(value as number);
      case 'number':
        // decimal() would reject a whole number that `type: number` allows.
        return matchersV3().number(value as number);
      case 'string':
        return this.stringMatcher(nodes, value as string, pointer);
      case 'array':
        return this.arrayMatcher(all, value as unknown[], pointer);
      case 'object':
        return this.objectMatcher(all, value as Record<string, unknown>, pointer);
      default:
        return matchersV3().like(value);
    }
  }

  private stringMatcher(nodes: ReadonlyArray<Readonly<Record<string, unknown>>>, value: string, pointer: string): MatcherTemplate {
    const patterns = nodes.map((n) => n.pattern).filter((p): p is string => typeof p === 'string');
    if (patterns.length === 0) return matchersV3().string(value);
    if (patterns.length > 1) {
      // A Pact value carries one regex; joining them would need lookaheads, which Rust lacks.
      this.note(pointer, `${patterns.length} patterns apply; the matcher uses the first, /${patterns[0]}/`);
    }
    const translated = toRustRegex(patterns[0]);
    if (!translated.ok) {
      this.note(pointer, `pattern /${patterns[0]}/ kept as a type matcher: ${translated.reason}`);
      return matchersV3().string(value);
    }
    if (!new RegExp(patterns[0], 'u').test(value)) {
      throw new PushContractsError('PC_ERR_EXAMPLE_INVALID', `example ${JSON.stringify(value)} at ${pointer || '/'} does not match /${patterns[0]}/`, { pointer });
    }
    return matchersV3().regex(translated.regex, value);
  }

  private arrayMatcher(all: readonly Located[], value: unknown[], pointer: string): MatcherTemplate {
    const objects = all.filter((a): a is Located & { node: Record<string, unknown> } => typeof a.node === 'object');
    const items = objects.filter((a) => a.node.items !== undefined).map((a) => child(a, 'items'));
    const minItems = Math.max(0, ...objects.map((a) => (typeof a.node.minItems === 'number' ? a.node.minItems : 0)));
    const maxCandidates = objects.map((a) => a.node.maxItems).filter((m): m is number => typeof m === 'number');
    const maxItems = maxCandidates.length ? Math.min(...maxCandidates) : undefined;
    const unique = objects.some((a) => a.node.uniqueItems === true);
    if (value.length === 0) return matchersV3().equal([]);
    if (unique && minItems > 1) {
      // eachLike repeats one template min times, which a uniqueItems schema would reject; keep the example's
      // own items, each matched by its schema (the array length is then matched exactly).
      this.note(pointer, 'uniqueItems with minItems > 1: items matched one by one, length fixed');
      return value.map((item, i) => this.derive(items, item, `${pointer}/${i}`));
    }
    const template = this.derive(items, value[0], `${pointer}/0`);
    const min = Math.max(1, minItems);
    return maxItems !== undefined ? matchersV3().constrainedArrayLike(template, min, maxItems, min) : matchersV3().eachLike(template, min);
  }

  private objectMatcher(all: readonly Located[], value: Record<string, unknown>, pointer: string): MatcherTemplate {
    const objects = all.filter((a): a is Located & { node: Record<string, unknown> } => typeof a.node === 'object');
    const required = new Set(objects.flatMap((a) => (Array.isArray(a.node.required) ? (a.node.required as string[]) : [])));
    const missing = [...required].filter((k) => !(k in value));
    if (missing.length > 0) {
      throw new PushContractsError('PC_ERR_EXAMPLE_INVALID', `example at ${pointer || '/'} lacks required ${missing.join(', ')}`, { pointer });
    }
    const declaresProperties = objects.some((a) => isObject(a.node.properties) || isObject(a.node.patternProperties));
    const mapValues = objects.filter((a) => isObject(a.node.additionalProperties)).map((a) => child(a, 'additionalProperties'));
    const keys = Object.keys(value);
    const minProperties = Math.max(0, ...objects.map((a) => (typeof a.node.minProperties === 'number' ? a.node.minProperties : 0)));
    if (!declaresProperties && mapValues.length > 0 && keys.length > 0 && minProperties <= 1 && !this.keyedMaps.has(pointer)) {
      // A map: keys are data (registration ids), so every value is matched against the first value's
      // template whatever its key. eachKeyLike is deprecated in pact-js, but it is the form the core turns
      // into `values` plus `$.*.<path>` rules; eachValueMatches keeps only a top-level type rule, so a
      // nested integer would be checked by type alone (measured with pact 16.4.0, ffi 0.5.4).
      const template = this.derive(mapValues, value[keys[0]], `${pointer}/${escapePointer(keys[0])}`);
      return matchersV3().eachKeyLike(keys[0], template);
    }
    if (!declaresProperties && (mapValues.length === 0 || keys.length === 0)) {
      // Free-form object (extras, custom_args) or an empty map: its shape is the example's, matched by type.
      return matchersV3().like(value);
    }
    // Declared members next to a map of data keys (group push: group_msgid and one member per appKey): the
    // data keys are the provider's (real app keys), so the pact names only the declared members; Pact
    // accepts the other keys, and the audit judges them against the schema.
    const dataKeys = declaresProperties && mapValues.length > 0;
    // From here each key of the example is matched by its own schema (a map needing several entries too).
    const out: Record<string, MatcherTemplate> = {};
    for (const [key, v] of Object.entries(value)) {
      if (dataKeys && !objects.some((a) => isObject(a.node.properties) && key in (a.node.properties as Record<string, unknown>))) continue;
      const applicable: Located[] = [];
      for (const a of objects) {
        const props = a.node.properties;
        if (isObject(props) && key in props) {
          applicable.push(child(a, 'properties', key));
          continue;
        }
        const patterned = isObject(a.node.patternProperties)
          ? Object.keys(a.node.patternProperties).filter((p) => new RegExp(p, 'u').test(key))
          : [];
        for (const p of patterned) applicable.push(child(a, 'patternProperties', p));
        if (patterned.length === 0 && a.node.additionalProperties !== undefined) applicable.push(child(a, 'additionalProperties'));
      }
      out[key] = this.derive(applicable, v, `${pointer}/${escapePointer(key)}`);
    }
    return out;
  }
}

/**
 * Escapes a literal for a Pact regex: every character Rust regex treats as meta, each of which Oniguruma
 * also reads as itself when escaped.
 *
 * @example
 * escapeRustLiteral('a.b') // 'a\\.b'
 */
export function escapeRustLiteral(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$#&\-~]/g, '\\$&');
}

/**
 * Derives a Pact MatchersV3 template from a contracts schema and an example, and says where it had to be
 * looser than the schema (each note: a JSON pointer and why). See {@link matcherFromSchema}.
 *
 * @example
 * const { matcher, notes } = deriveMatcher('jpush-v3/schedule.request.json', example);
 * if (notes.length) console.warn(notes);
 * @see docs/matchers.md
 */
export function deriveMatcher(schemaRef: string, example: unknown, options: MatcherOptions = {}): DerivedMatcher {
  const contracts = options.contracts ?? getContracts();
  const root = locate(contracts, schemaRef, SCHEMA_BASE);
  const validator = validatorFor(contracts);
  if (!validator.valid(root, example)) {
    const detail = root.pointer === '' ? contracts.validate(root.docId, example).errors[0] : undefined;
    throw new PushContractsError(
      'PC_ERR_EXAMPLE_INVALID',
      `example does not validate against ${root.docId}${root.pointer ? `#${root.pointer}` : ''}${detail ? ` (${detail.pointer || '/'}: ${detail.message})` : ''}`,
      { pointer: detail?.pointer },
    );
  }
  const deriver = new Deriver(contracts, validator, options);
  const matcher = deriver.derive([root], example, '');
  return { matcher, notes: deriver.notes };
}

/**
 * Builds the Pact MatchersV3 template for a value of a contracts schema: each of the example's properties
 * matched by its schema (type, regex for `pattern`, alternatives for string `enum`, equality for `const`,
 * `eachLike` for arrays, the branch of `oneOf`/`anyOf` the example takes). The example must be valid.
 *
 * @param schemaRef a schema `$id`, a path under contracts/schemas (`jpush-v3/push.response.json`), either
 *   optionally with a `#/json/pointer`
 * @param example a value valid against the schema; it becomes the pact's example
 * @example
 * provider.addInteraction()
 *   .willRespondWith(200, (b) => b.jsonBody(matcherFromSchema('jpush-v3/push.response.json', { sendno: '0', msg_id: '1828256757' })));
 * @see docs/matchers.md
 */
export function matcherFromSchema(schemaRef: string, example: unknown, options: MatcherOptions = {}): MatcherTemplate {
  return deriveMatcher(schemaRef, example, options).matcher;
}
