import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { defaultContractsDir, listJsonFiles, readContractsJson } from './files';
import { Contracts, getContracts, toIssues } from './load';
import { digestOf, JSON_SCHEMA_2020, newAjv, precompiledMetaValidators, precompiledSchemaValidators } from './meta-validators';

const metaFiles = listJsonFiles(defaultContractsDir, 'meta').map((file) => [path.basename(file), readContractsJson(defaultContractsDir, file)] as const);

/** The meta-schemas compiled here, as `contracts check` compiles them. */
function liveMeta(): ReturnType<typeof newAjv> {
  const ajv = newAjv();
  for (const [name, schema] of metaFiles) ajv.addSchema(schema as Record<string, unknown>, name);
  return ajv;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Data files of contracts/ with the meta-schema that judges them, each as it is and broken in several ways. */
function cases(): Array<[string, string, unknown]> {
  const out: Array<[string, string, unknown]> = [];
  const data: Array<[string, string]> = [
    ['statuses.json', 'statuses.schema.json'], ['causes.json', 'causes.schema.json'], ['certainty.json', 'certainty.schema.json'],
    ['provider-states.json', 'provider-states.schema.json'], ['endpoints/jpush-v3.json', 'endpoints.schema.json'],
    ['endpoints/mtpush-v4.json', 'endpoints.schema.json'], ['business-codes/mtpush-v4.json', 'business-codes.schema.json'],
  ];
  for (const [file, meta] of data) {
    const doc = readContractsJson(defaultContractsDir, file) as Record<string, unknown>;
    out.push([`${file} as it is`, meta, doc]);
    out.push([`${file} with an unknown property`, meta, { ...clone(doc), surplus: true }]);
    const firstArray = Object.keys(doc).find((k) => Array.isArray(doc[k]) && (doc[k] as unknown[]).length > 0);
    if (firstArray) {
      const broken = clone(doc);
      const items = broken[firstArray] as Array<Record<string, unknown>>;
      delete items[0][Object.keys(items[0])[0]];
      items.push(42 as never);
      if (items[1] && typeof items[1] === 'object') for (const k of Object.keys(items[1])) items[1][k] = { wrong: [k] };
      out.push([`${file} with its items broken`, meta, broken]);
    }
  }
  return out;
}

describe('precompiled meta-schema validators', () => {
  const precompiled = precompiledMetaValidators(metaFiles);

  it('are used for the meta-schemas of contracts/ as committed', () => {
    expect(precompiled).toBeDefined();
    expect([...precompiled!.keys()].sort()).toEqual([...metaFiles.map(([name]) => name), JSON_SCHEMA_2020].sort());
  });

  const live = liveMeta();

  it.each(cases())('judge %s as the meta-schema compiled by ajv does, errors included', (name, meta, doc) => {
    const compiled = live.getSchema(meta)!;
    const ahead = precompiled!.get(meta)!;
    const verdict = compiled(doc);
    expect(verdict).toBe(name.endsWith('as it is'));
    expect(ahead(doc)).toBe(verdict);
    expect(toIssues(ahead.errors)).toEqual(toIssues(compiled.errors));
  });

  it('judge schemas as ajv validateSchema does, errors included', () => {
    const ahead = precompiled!.get(JSON_SCHEMA_2020)!;
    const schemas = listJsonFiles(defaultContractsDir, 'schemas').map((file) => readContractsJson(defaultContractsDir, file) as Record<string, unknown>);
    const broken = [{ type: 'nope' }, { $schema: JSON_SCHEMA_2020, properties: 5, required: 'x' }, { items: [{ minimum: 'one' }], $defs: { a: { enum: 3 } } }];
    let invalid = 0;
    const ajv = newAjv();
    for (const schema of [...schemas, ...broken]) {
      const verdict = ajv.validateSchema(schema);
      if (!verdict) invalid++;
      expect(ahead(schema)).toBe(verdict);
      expect(toIssues(ahead.errors)).toEqual(toIssues(ajv.errors));
    }
    expect(invalid).toBe(broken.length);
  });

  it('are not used for other meta-schemas: getContracts-style loading compiles those and applies them', () => {
    const changed = metaFiles.map(([name, schema]) => [name, name === 'causes.schema.json' ? { ...(schema as object), description: 'changed' } : schema] as const);
    expect(precompiledMetaValidators(changed)).toBeUndefined();

    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-meta-'));
    try {
      const dir = path.join(root, 'contracts');
      fs.cpSync(defaultContractsDir, dir, { recursive: true });
      const metaFile = path.join(dir, 'meta', 'statuses.schema.json');
      const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as Record<string, unknown>;
      // A stricter meta-schema than the committed one: no rules allowed at all.
      fs.writeFileSync(metaFile, JSON.stringify({ ...meta, properties: { ...(meta.properties as object), rules: { type: 'array', maxItems: 0 } } }));
      expect(() => new Contracts(dir, { compile: 'on-first-use' })).toThrow(/contracts\/statuses\.json at \/rules: must NOT have more than 0 items/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

/** Each value with one property or item at a time removed or given a value of another type, and a surplus property. */
function mutations(value: unknown): unknown[] {
  if (value === null || typeof value !== 'object') return [];
  const out: unknown[] = [];
  const wrong = [null, 42, -1.5, 'x', '', true, [], {}, [1, 'a'], { a: 1 }];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  for (const k of keys) {
    const removed = clone(value) as Record<string | number, unknown>;
    if (Array.isArray(removed)) removed.splice(k as number, 1);
    else delete removed[k];
    out.push(removed);
    for (const w of wrong) {
      const changed = clone(value) as Record<string | number, unknown>;
      changed[k] = w;
      out.push(changed);
    }
    out.push(...mutations((value as Record<string | number, unknown>)[k]).map((inner) => {
      const nested = clone(value) as Record<string | number, unknown>;
      nested[k] = inner;
      return nested;
    }));
  }
  if (!Array.isArray(value)) out.push({ ...(value as object), surplus: 1 });
  return out;
}

describe('precompiled schema validators', () => {
  const shared = getContracts();
  const precompiled = precompiledSchemaValidators(digestOf([...shared.schemas]));

  it('are used for the schemas of contracts/ as committed, one per schema $id', () => {
    expect(precompiled).toBeDefined();
    expect([...precompiled!.keys()].sort()).toEqual([...shared.schemas.keys()].sort());
  });

  it('are not used for other schemas: an edited schema set gets none', () => {
    const schemas = [...shared.schemas].map(([id, schema]) => [id, id.endsWith('/jpush-v3/push.request.json') ? { ...schema, description: 'changed' } : schema] as const);
    expect(precompiledSchemaValidators(digestOf(schemas))).toBeUndefined();
  });

  // What `contracts check` compiles, live, with the same ajv options.
  const live = new Contracts();

  it.each([...shared.schemas.keys()].map((id) => [id.replace(/^.*\/schemas\//, '')]))(
    '%s judges its examples, their mutations and arbitrary JSON as the schema compiled by ajv does, errors included',
    (short) => {
      const id = [...shared.schemas.keys()].find((k) => k.endsWith(`/schemas/${short}`))!;
      const ahead = precompiled!.get(id)!;
      const examples = ((shared.schemas.get(id)!.examples as unknown[] | undefined) ?? []).slice(0, 4);
      const arbitrary = fc.sample(fc.jsonValue({ maxDepth: 3 }), { numRuns: 40, seed: 12 });
      const inputs = [{}, undefined, ...examples, ...examples.flatMap(mutations).slice(0, 400), ...arbitrary];
      // Compared in one expect over all inputs (jest's expect() costs ~70 µs a call; one per input was most of
      // this file's CPU); a difference shows as the input's entry in the diff.
      const judged = inputs.map((data) => ({ data, ...live.validate(id, data) }));
      const seen = inputs.map((data) => {
        const valid = ahead(data);
        return { data, valid, errors: valid ? [] : toIssues(ahead.errors) };
      });
      expect(seen).toEqual(judged);
      // Every example is valid (contracts check proves it), so each schema with examples saw both verdicts.
      expect(judged.filter((j) => j.valid).length).toBeGreaterThanOrEqual(examples.length);
    },
  );
});
