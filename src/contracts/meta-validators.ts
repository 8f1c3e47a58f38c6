import { createHash } from 'node:crypto';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { metaDigest, metaExports, metaSource } from './generated/meta-validators';

/** The $id of JSON Schema 2020-12's meta-schema, which every schema of contracts/schemas declares. */
export const JSON_SCHEMA_2020 = 'https://json-schema.org/draft/2020-12/schema';

/** The ajv every contracts/ schema and meta-schema is compiled with, live or ahead of time. */
export function newAjv(code?: { readonly source: true }): Ajv2020 {
  // allowUnionTypes: msg_id is documented as a string and read as a long by the Java SDK.
  // strictRequired off: if/then and anyOf branches name properties declared by the parent schema.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true, ...(code ? { code } : {}) });
  addFormats(ajv);
  return ajv;
}

/**
 * A digest of named JSON values (name and content, in order): of the meta-schemas, it names the ones the
 * precompiled validators are valid for; of a whole load's schemas, the set an ajv holds (load.ts).
 */
export function digestOf(parts: ReadonlyArray<readonly [string, unknown]>): string {
  const h = createHash('sha256');
  for (const [name, value] of parts) h.update(name).update('\0').update(JSON.stringify(value) ?? '').update('\0');
  return h.digest('hex');
}

/**
 * ajv standalone code (CommonJS, as scripts/generate-types.ts writes it) evaluated the way ajv evaluates
 * its own (a Function), with each key's validator found by its export name: the one evaluator of the
 * generated meta, schema and branch validators.
 */
export function evaluateStandalone(source: string, exportsByKey: Readonly<Record<string, string>>): ReadonlyMap<string, ValidateFunction> {
  const mod = { exports: {} as Record<string, ValidateFunction> };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('require', 'module', 'exports', source)(require, mod, mod.exports);
  return new Map(Object.entries(exportsByKey).map(([key, name]) => [key, mod.exports[name]]));
}

let evaluated: ReadonlyMap<string, ValidateFunction> | undefined;

/**
 * The validators of contracts/meta (by file name) and of JSON Schema 2020-12 (by JSON_SCHEMA_2020),
 * compiled ahead of time by scripts/generate-types.ts with newAjv()'s options, when `files` are the
 * meta-schemas they were compiled from; undefined otherwise, and the caller compiles them. Compiling
 * them was most of loading contracts/ (about 0.25 s of CPU in every process, every jest test file
 * included); the generated code is the one ajv would have generated, and evaluated the way ajv
 * evaluates its own (a Function), once per process.
 */
export function precompiledMetaValidators(files: ReadonlyArray<readonly [string, unknown]>): ReadonlyMap<string, ValidateFunction> | undefined {
  if (digestOf(files) !== metaDigest) return undefined;
  evaluated ??= evaluateStandalone(metaSource, metaExports);
  return evaluated;
}

let generatedSchemas: typeof import('./generated/schema-validators') | undefined;
let evaluatedSchemas: ReadonlyMap<string, ValidateFunction> | undefined;

/**
 * The validators of every schema of contracts/schemas (synthesized ones included), by $id, compiled
 * ahead of time by scripts/generate-types.ts with newAjv()'s options, when `digest` (digestOf each $id
 * and its content, in load order) is that of the schemas they were compiled from; undefined otherwise,
 * and the caller compiles them. ajv generating their code was most of what a process paid to validate
 * against the contracts: about 0.35 s of CPU for the request schemas each reference service start
 * compiled, again in every jest test file that starts one. Evaluated the way ajv evaluates its own (a
 * Function), once per process, on first use.
 */
export function precompiledSchemaValidators(digest: string): ReadonlyMap<string, ValidateFunction> | undefined {
  // Required here, not at the top: three quarters of a megabyte that a process that never validates need not read.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  generatedSchemas ??= require('./generated/schema-validators') as typeof import('./generated/schema-validators');
  const { schemasDigest, schemaExports, schemaSource } = generatedSchemas;
  if (digest !== schemasDigest) return undefined;
  evaluatedSchemas ??= evaluateStandalone(schemaSource, schemaExports);
  return evaluatedSchemas;
}
