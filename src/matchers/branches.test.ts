import fc from 'fast-check';
import { getContracts } from '../contracts';
import { digestOf } from '../contracts/meta-validators';
import { branchKeys, newSubschemaAjv } from './derive';
import { branchExports, schemasDigest } from './generated/subschema-validators';

/** Every value inside a JSON value, itself included: realistic data for a branch deep inside a schema. */
function values(v: unknown): unknown[] {
  if (v === null || typeof v !== 'object') return [v];
  return [v, ...Object.values(v as Record<string, unknown>).flatMap(values)];
}

/**
 * The subschema branches the matchers choose between (each oneOf/anyOf branch and `if`) are compiled
 * ahead of time (src/matchers/generated/subschema-validators.ts); these prove they are the committed
 * contracts' branches and judge like the branches ajv compiles live.
 */
describe('precompiled subschema branches', () => {
  const contracts = getContracts();

  it('are those of the committed contracts: every branch key, for these schemas', () => {
    expect(schemasDigest).toBe(digestOf([...contracts.schemas]));
    expect(contracts.schemasDigest).toBe(schemasDigest);
    expect(Object.keys(branchExports)).toEqual(branchKeys(contracts.schemas));
    expect(Object.keys(branchExports).length).toBeGreaterThan(20);
  });

  it('judge every value of the contracts\' examples and arbitrary JSON as the live compile does', () => {
    // The generated module's validators, reached the way derive reaches them: evaluated once.
    const { branchSource } = require('./generated/subschema-validators') as typeof import('./generated/subschema-validators');
    const mod = { exports: {} as Record<string, (data: unknown) => boolean> };
    new Function('require', 'module', 'exports', branchSource)(require, mod, mod.exports);
    const live = newSubschemaAjv(contracts.schemas);
    const samples = [
      ...[...contracts.schemas.values()].flatMap((s) => ((s.examples as unknown[] | undefined) ?? []).flatMap(values)),
      ...fc.sample(fc.jsonValue({ maxDepth: 3 }), { numRuns: 200, seed: 7 }),
    ];
    let accepted = 0;
    for (const [key, name] of Object.entries(branchExports)) {
      const ahead = mod.exports[name];
      const compiled = live.getSchema(key)!;
      for (const data of samples) {
        const verdict = compiled(data) as boolean;
        if (ahead(data) !== verdict) throw new Error(`${key} judges ${JSON.stringify(data)} ${String(!verdict)}, live ${String(verdict)}`);
        if (verdict) accepted++;
      }
    }
    // Not a comparison of two always-false functions: real data passes branches.
    expect(accepted).toBeGreaterThan(100);
  });
});
